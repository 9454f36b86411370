/*
 * template_values.c - the value model templates compute with: an arena,
 * arrays and objects, and the JavaScript conversions Mockoon's helpers rely
 * on (Number(), String(), truthiness, JSON.parse, JSON.stringify, string
 * lengths in UTF-16 code units, case mapping).
 *
 * Exactness matters here because a helper's output is compared byte for byte
 * with Mockoon's: numbers print as ECMAScript's Number::toString (shortest
 * round-trip digits, exponent outside 1e-7..1e21), objects enumerate integer
 * keys first, JSON.stringify indents and escapes as V8 does.
 */
#include "common/text.h"
#include "templates/template_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------------ */

struct mr_tpl_chunk {
    struct mr_tpl_chunk *next;
    size_t size, used;
    /* data follows, 8-aligned (the header is 24 bytes) */
};

#define CHUNK_HDR ((sizeof(struct mr_tpl_chunk) + 7) & ~(size_t)7)
#define CHUNK_MIN ((size_t)8192)

void mr_template__arena_init(struct mr_tpl_arena *a, size_t cap)
{
    memset(a, 0, sizeof(*a));
    a->cap = cap;
}

void mr_template__arena_release(struct mr_tpl_arena *a)
{
    struct mr_tpl_chunk *c = a->head, *next;

    while (c) {
        next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

void *mr_template__alloc(struct mr_tpl_arena *a, size_t n)
{
    struct mr_tpl_chunk *c = a->head;
    size_t size;
    char *p;

    if (a->failed)
        return NULL;
    n = (n + 7) & ~(size_t)7;
    if (n == 0)
        n = 8;
    if (c && c->size - c->used >= n) {
        p = (char *)c + CHUNK_HDR + c->used;
        c->used += n;
        return p;
    }
    size = c ? c->size * 2 : CHUNK_MIN;
    if (size > ((size_t)1 << 20))
        size = (size_t)1 << 20;
    if (size < n)
        size = n;
    if (n > ((size_t)1 << 40) || (a->cap && a->total + size + CHUNK_HDR > a->cap)) {
        a->failed = true;
        return NULL;
    }
    c = malloc(CHUNK_HDR + size);
    if (!c) {
        a->failed = true;
        a->nomem = true;
        return NULL;
    }
    a->total += CHUNK_HDR + size;
    c->size = size;
    c->used = n;
    /* A big one-off block goes behind the current chunk, which stays in use. */
    if (a->head && size == n && a->head->size - a->head->used > 256) {
        c->next = a->head->next;
        a->head->next = c;
    } else {
        c->next = a->head;
        a->head = c;
    }
    return (char *)c + CHUNK_HDR;
}

char *mr_template__strndup(struct mr_tpl_arena *a, const char *s, size_t n)
{
    char *p = mr_template__alloc(a, n + 1);

    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ---- arrays and objects ----------------------------------------------------- */

struct mr_tpl_array *mr_template__arr_new(struct mr_tpl_arena *a, size_t cap)
{
    struct mr_tpl_array *arr = mr_template__alloc(a, sizeof(*arr));

    if (!arr)
        return NULL;
    arr->n = 0;
    arr->cap = cap;
    arr->v = NULL;
    if (cap) {
        arr->v = mr_template__alloc(a, cap * sizeof(struct mr_tpl_value));
        if (!arr->v)
            return NULL;
    }
    return arr;
}

bool mr_template__arr_push(struct mr_tpl_arena *a, struct mr_tpl_array *arr, struct mr_tpl_value v)
{
    if (arr->n == arr->cap) {
        size_t cap = arr->cap ? arr->cap * 2 : 4;
        struct mr_tpl_value *nv = mr_template__alloc(a, cap * sizeof(*nv));

        if (!nv)
            return false;
        if (arr->n)
            memcpy(nv, arr->v, arr->n * sizeof(*nv));
        arr->v = nv;
        arr->cap = cap;
    }
    arr->v[arr->n++] = v;
    return true;
}

struct mr_tpl_object *mr_template__obj_new(struct mr_tpl_arena *a, size_t cap)
{
    struct mr_tpl_object *o = mr_template__alloc(a, sizeof(*o));

    if (!o)
        return NULL;
    memset(o, 0, sizeof(*o));
    if (cap) {
        o->k = mr_template__alloc(a, cap * sizeof(*o->k));
        o->v = mr_template__alloc(a, cap * sizeof(*o->v));
        if (!o->k || !o->v)
            return NULL;
        o->cap = cap;
    }
    return o;
}

/* A canonical array index ("0", "17", at most 2^32 - 2), as JavaScript
 * orders such keys before the others. */
static bool is_index_key(const char *p, size_t len, uint32_t *value)
{
    uint64_t v = 0;
    size_t i;

    if (len == 0 || len > 10 || (len > 1 && p[0] == '0'))
        return false;
    for (i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    if (v > 4294967294u)
        return false;
    if (value)
        *value = (uint32_t)v;
    return true;
}

static bool key_eq(const struct mr_tpl_object *o, size_t i, const char *key, size_t klen)
{
    size_t j;

    if (o->k[i].len != klen)
        return false;
    if (!o->nocase)
        return memcmp(o->k[i].p, key, klen) == 0;
    for (j = 0; j < klen; j++) {
        unsigned char a = (unsigned char)o->k[i].p[j], b = (unsigned char)key[j];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b + 32);
        if (a != b)
            return false;
    }
    return true;
}

/* FNV-1a, case-folded for case-insensitive objects. */
static uint32_t key_hash(const struct mr_tpl_object *o, const char *key, size_t klen)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < klen; i++) {
        unsigned char c = (unsigned char)key[i];
        if (o->nocase && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * 16777619u;
    }
    return h;
}

static void index_put(struct mr_tpl_object *o, size_t entry)
{
    size_t mask = o->nslots - 1, s = key_hash(o, o->k[entry].p, o->k[entry].len) & mask;

    while (o->slots[s])
        s = (s + 1) & mask;
    o->slots[s] = (uint32_t)(entry + 1);
}

/* Objects parsed from big request bodies get a hash index, so that lookups
 * stay cheap whatever the number of keys. */
static void index_update(struct mr_tpl_arena *a, struct mr_tpl_object *o)
{
    size_t i, want;

    if (o->n <= 16 || o->n > UINT32_MAX / 4)
        return;
    if (o->slots && o->n * 2 <= o->nslots) {
        index_put(o, o->n - 1);
        return;
    }
    for (want = 64; want < o->n * 4; want *= 2)
        ;
    o->slots = mr_template__alloc(a, want * sizeof(*o->slots));
    o->nslots = o->slots ? want : 0;
    if (!o->slots)
        return;
    memset(o->slots, 0, want * sizeof(*o->slots));
    for (i = 0; i < o->n; i++)
        index_put(o, i);
}

struct mr_tpl_value *mr_template__obj_get(const struct mr_tpl_object *o, const char *key,
                                          size_t klen)
{
    size_t i;

    if (o->slots) {
        size_t mask = o->nslots - 1, s = key_hash(o, key, klen) & mask;
        for (; o->slots[s]; s = (s + 1) & mask)
            if (key_eq(o, o->slots[s] - 1, key, klen))
                return &o->v[o->slots[s] - 1];
        return NULL;
    }
    for (i = 0; i < o->n; i++)
        if (key_eq(o, i, key, klen))
            return &o->v[i];
    return NULL;
}

bool mr_template__obj_set(struct mr_tpl_arena *a, struct mr_tpl_object *o, const char *key,
                          size_t klen, struct mr_tpl_value v)
{
    struct mr_tpl_value *slot = mr_template__obj_get(o, key, klen);

    if (slot) {
        *slot = v;
        return true;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 4;
        struct mr_tpl_key *nk = mr_template__alloc(a, cap * sizeof(*nk));
        struct mr_tpl_value *nv = mr_template__alloc(a, cap * sizeof(*nv));

        if (!nk || !nv)
            return false;
        if (o->n) {
            memcpy(nk, o->k, o->n * sizeof(*nk));
            memcpy(nv, o->v, o->n * sizeof(*nv));
        }
        o->k = nk;
        o->v = nv;
        o->cap = cap;
    }
    o->k[o->n].p = key;
    o->k[o->n].len = klen;
    o->v[o->n] = v;
    o->n++;
    index_update(a, o);
    if (!o->index_keys && is_index_key(key, klen, NULL))
        o->index_keys = true;
    return true;
}

const size_t *mr_template__obj_order(struct mr_tpl_arena *a, const struct mr_tpl_object *o)
{
    size_t *order, nidx = 0, i, j;
    uint32_t *val;

    if (!o->index_keys)
        return NULL;
    order = mr_template__alloc(a, o->n * sizeof(*order));
    val = mr_template__alloc(a, o->n * sizeof(*val));
    if (!order || !val)
        return NULL;
    for (i = 0; i < o->n; i++) {
        uint32_t v;
        if (is_index_key(o->k[i].p, o->k[i].len, &v)) {
            /* insertion sort: objects with many integer keys are rare */
            for (j = nidx; j > 0 && val[j - 1] > v; j--) {
                val[j] = val[j - 1];
                order[j] = order[j - 1];
            }
            val[j] = v;
            order[j] = i;
            nidx++;
        }
    }
    for (i = 0; i < o->n; i++)
        if (!is_index_key(o->k[i].p, o->k[i].len, NULL))
            order[nidx++] = i;
    return order;
}

/* ---- JavaScript conversions ------------------------------------------------- */

bool mr_template__truthy(const struct mr_tpl_value *v)
{
    switch (v->type) {
    case MR_TPL_V_BOOL:
        return v->u.b;
    case MR_TPL_V_NUM:
        return v->u.n != 0 && !isnan(v->u.n);
    case MR_TPL_V_STR:
        return v->safe || v->u.s.len > 0;
    case MR_TPL_V_ARR:
    case MR_TPL_V_OBJ:
        return true;
    default:
        return false;
    }
}

bool mr_template__is_empty(const struct mr_tpl_value *v)
{
    if (!mr_template__truthy(v) && !(v->type == MR_TPL_V_NUM && v->u.n == 0))
        return true;
    return v->type == MR_TPL_V_ARR && v->u.a->n == 0;
}

bool mr_template__strict_eq(const struct mr_tpl_value *a, const struct mr_tpl_value *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case MR_TPL_V_UNDEF:
    case MR_TPL_V_NULL:
        return true;
    case MR_TPL_V_BOOL:
        return a->u.b == b->u.b;
    case MR_TPL_V_NUM:
        return a->u.n == b->u.n;
    case MR_TPL_V_STR:
        /* two SafeStrings are two objects */
        if (a->safe || b->safe)
            return a->safe && b->safe && a->u.s.p == b->u.s.p && a->u.s.len == b->u.s.len;
        return a->u.s.len == b->u.s.len &&
               (a->u.s.len == 0 || memcmp(a->u.s.p, b->u.s.p, a->u.s.len) == 0);
    case MR_TPL_V_ARR:
        return a->u.a == b->u.a;
    case MR_TPL_V_OBJ:
        return a->u.o == b->u.o;
    default:
        return false;
    }
}

/* ToPrimitive for ==: an array becomes its joined string, a SafeString its
 * string, another object "[object Object]". */
static struct mr_tpl_value primitive(const struct mr_tpl_value *v, struct mr_buf *tmp)
{
    if (v->type == MR_TPL_V_STR)
        return mr_tpl_unsafe(*v);
    if (v->type == MR_TPL_V_OBJ)
        return mr_tpl_str("[object Object]", 15);
    mr_template__append_string(tmp, v);
    return mr_tpl_str(mr_buf_cstr(tmp), tmp->len);
}

bool mr_template__loose_eq(const struct mr_tpl_value *a, const struct mr_tpl_value *b)
{
    bool oa = mr_tpl_is_object(a), ob = mr_tpl_is_object(b), eq;
    struct mr_buf tmp;
    struct mr_tpl_value pa, pb;

    if (oa && ob)
        return mr_template__strict_eq(a, b);
    if (a->type == b->type && !oa)
        return mr_template__strict_eq(a, b);
    if (a->type == MR_TPL_V_UNDEF || a->type == MR_TPL_V_NULL || b->type == MR_TPL_V_UNDEF ||
        b->type == MR_TPL_V_NULL)
        return (a->type == MR_TPL_V_UNDEF || a->type == MR_TPL_V_NULL) &&
               (b->type == MR_TPL_V_UNDEF || b->type == MR_TPL_V_NULL);
    mr_buf_init(&tmp);
    pa = oa ? primitive(a, &tmp) : *a;
    pb = ob ? primitive(b, &tmp) : *b;
    if (pa.type == MR_TPL_V_STR && pb.type == MR_TPL_V_STR)
        eq = mr_template__strict_eq(&pa, &pb);
    else
        eq = mr_template__to_number(&pa) == mr_template__to_number(&pb);
    mr_buf_release(&tmp);
    return eq;
}

size_t mr_template__js_trailing_space(const char *s, size_t len)
{
    size_t end = len;

    while (end > 0) {
        size_t k, back = 0;
        /* whitespace is 1 to 3 bytes long: try each start */
        for (k = 1; k <= 3 && k <= end; k++) {
            if (mr_text_js_space(s + end - k, s + end) == k) {
                back = k;
                break;
            }
        }
        if (!back)
            break;
        end -= back;
    }
    return len - end;
}

double mr_template__str_to_number(const char *s, size_t len)
{
    const char *p = s, *end = s + len, *q;
    size_t w;
    char tmp[400];
    bool digits = false;

    while (p < end && (w = mr_text_js_space(p, end)) > 0)
        p += w;
    while (end > p) {
        size_t t = mr_template__js_trailing_space(p, (size_t)(end - p));
        if (!t)
            break;
        end -= t;
    }
    if (p == end)
        return 0;
    if (end - p >= 2 && p[0] == '0' &&
        (p[1] == 'x' || p[1] == 'X' || p[1] == 'o' || p[1] == 'O' || p[1] == 'b' || p[1] == 'B')) {
        int base = (p[1] == 'x' || p[1] == 'X') ? 16 : (p[1] == 'o' || p[1] == 'O') ? 8 : 2;
        double v = 0;
        if (end - p == 2)
            return NAN;
        for (q = p + 2; q < end; q++) {
            int d;
            if (*q >= '0' && *q <= '9')
                d = *q - '0';
            else if (*q >= 'a' && *q <= 'f')
                d = *q - 'a' + 10;
            else if (*q >= 'A' && *q <= 'F')
                d = *q - 'A' + 10;
            else
                return NAN;
            if (d >= base)
                return NAN;
            v = v * base + d;
        }
        return v;
    }
    q = p;
    if (q < end && (*q == '+' || *q == '-'))
        q++;
    if ((size_t)(end - q) == 8 && memcmp(q, "Infinity", 8) == 0)
        return *p == '-' ? -INFINITY : INFINITY;
    while (q < end && *q >= '0' && *q <= '9') {
        q++;
        digits = true;
    }
    if (q < end && *q == '.') {
        q++;
        while (q < end && *q >= '0' && *q <= '9') {
            q++;
            digits = true;
        }
    }
    if (!digits)
        return NAN;
    if (q < end && (*q == 'e' || *q == 'E')) {
        const char *e = q + 1;
        if (e < end && (*e == '+' || *e == '-'))
            e++;
        if (e == end || *e < '0' || *e > '9')
            return NAN;
        while (e < end && *e >= '0' && *e <= '9')
            e++;
        q = e;
    }
    if (q != end)
        return NAN;
    if ((size_t)(end - p) >= sizeof(tmp)) {
        /* Very long digit strings: let strtod read a heap copy. */
        char *big = malloc((size_t)(end - p) + 1);
        double v;
        if (!big)
            return NAN;
        memcpy(big, p, (size_t)(end - p));
        big[end - p] = '\0';
        v = strtod(big, NULL);
        free(big);
        return v;
    }
    memcpy(tmp, p, (size_t)(end - p));
    tmp[end - p] = '\0';
    return strtod(tmp, NULL);
}

double mr_template__to_number(const struct mr_tpl_value *v)
{
    switch (v->type) {
    case MR_TPL_V_NULL:
        return 0;
    case MR_TPL_V_BOOL:
        return v->u.b ? 1 : 0;
    case MR_TPL_V_NUM:
        return v->u.n;
    case MR_TPL_V_STR:
        return mr_template__str_to_number(v->u.s.p, v->u.s.len);
    case MR_TPL_V_ARR: {
        struct mr_buf b;
        double d;
        if (v->u.a->n == 0)
            return 0;
        mr_buf_init(&b);
        mr_template__append_string(&b, v);
        d = b.failed ? NAN : mr_template__str_to_number(mr_buf_cstr(&b), b.len);
        mr_buf_release(&b);
        return d;
    }
    default:
        return NAN;
    }
}

double mr_template__to_integer(const struct mr_tpl_value *v)
{
    double d = mr_template__to_number(v);

    if (isnan(d))
        return 0;
    d = trunc(d);
    if (d > 9007199254740992.0)
        d = 9007199254740992.0;
    if (d < -9007199254740992.0)
        d = -9007199254740992.0;
    return d + 0.0; /* no -0 */
}

static void append_string_depth(struct mr_buf *b, const struct mr_tpl_value *v, int depth)
{
    char num[32];
    size_t i;

    switch (v->type) {
    case MR_TPL_V_UNDEF:
        mr_buf_append(b, "undefined", 9);
        break;
    case MR_TPL_V_NULL:
        mr_buf_append(b, "null", 4);
        break;
    case MR_TPL_V_BOOL:
        if (v->u.b)
            mr_buf_append(b, "true", 4);
        else
            mr_buf_append(b, "false", 5);
        break;
    case MR_TPL_V_NUM:
        mr_buf_append(b, num, mr_number_text(v->u.n, num));
        break;
    case MR_TPL_V_STR:
        mr_buf_append(b, v->u.s.p, v->u.s.len);
        break;
    case MR_TPL_V_ARR:
        /* Array.prototype.join(","): null and undefined print as "" */
        if (depth >= MR_TPL_MAX_VALUE_DEPTH)
            break;
        for (i = 0; i < v->u.a->n; i++) {
            const struct mr_tpl_value *e = &v->u.a->v[i];
            if (i)
                mr_buf_putc(b, ',');
            if (e->type != MR_TPL_V_UNDEF && e->type != MR_TPL_V_NULL)
                append_string_depth(b, e, depth + 1);
        }
        break;
    case MR_TPL_V_OBJ:
        mr_buf_append(b, "[object Object]", 15);
        break;
    }
}

void mr_template__append_string(struct mr_buf *b, const struct mr_tpl_value *v)
{
    append_string_depth(b, v, 0);
}

void mr_template__append_output(struct mr_buf *b, const struct mr_tpl_value *v)
{
    if (v->type != MR_TPL_V_UNDEF && v->type != MR_TPL_V_NULL)
        append_string_depth(b, v, 0);
}

/* ---- JSON.stringify --------------------------------------------------------- */

static void json_quote(struct mr_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;

    mr_buf_putc(b, '"');
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[6];

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (i > run)
            mr_buf_append(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            u[0] = '\\';
            u[1] = 'u';
            u[2] = '0';
            u[3] = '0';
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            mr_buf_append(b, u, 6);
            continue;
        }
        mr_buf_puts(b, esc);
    }
    if (len > run)
        mr_buf_append(b, s + run, len - run);
    mr_buf_putc(b, '"');
}

static void json_newline(struct mr_buf *b, int indent, int level)
{
    int i;

    mr_buf_putc(b, '\n');
    for (i = 0; i < indent * level; i++)
        mr_buf_putc(b, ' ');
}

static bool json_value(struct mr_buf *b, const struct mr_tpl_value *v, int indent, int level)
{
    char num[32];
    size_t i;

    switch (v->type) {
    case MR_TPL_V_UNDEF:
        return false;
    case MR_TPL_V_NULL:
        mr_buf_append(b, "null", 4);
        return true;
    case MR_TPL_V_BOOL:
        mr_buf_puts(b, v->u.b ? "true" : "false");
        return true;
    case MR_TPL_V_NUM:
        if (isfinite(v->u.n))
            mr_buf_append(b, num, mr_number_text(v->u.n, num));
        else
            mr_buf_append(b, "null", 4);
        return true;
    case MR_TPL_V_STR:
        json_quote(b, v->u.s.p, v->u.s.len);
        return true;
    case MR_TPL_V_ARR:
        if (level >= MR_TPL_MAX_VALUE_DEPTH) {
            mr_buf_append(b, "null", 4);
            return true;
        }
        if (v->u.a->n == 0) {
            mr_buf_append(b, "[]", 2);
            return true;
        }
        mr_buf_putc(b, '[');
        for (i = 0; i < v->u.a->n; i++) {
            if (i)
                mr_buf_putc(b, ',');
            if (indent)
                json_newline(b, indent, level + 1);
            if (!json_value(b, &v->u.a->v[i], indent, level + 1))
                mr_buf_append(b, "null", 4);
        }
        if (indent)
            json_newline(b, indent, level);
        mr_buf_putc(b, ']');
        return true;
    case MR_TPL_V_OBJ: {
        const struct mr_tpl_object *o = v->u.o;
        bool any = false;
        size_t *order = NULL;
        struct mr_tpl_arena tmp;

        if (level >= MR_TPL_MAX_VALUE_DEPTH) {
            mr_buf_append(b, "null", 4);
            return true;
        }
        mr_template__arena_init(&tmp, 0);
        if (o->index_keys)
            order = (size_t *)mr_template__obj_order(&tmp, o);
        mr_buf_putc(b, '{');
        for (i = 0; i < o->n; i++) {
            size_t k = order ? order[i] : i;
            if (o->v[k].type == MR_TPL_V_UNDEF)
                continue;
            if (any)
                mr_buf_putc(b, ',');
            any = true;
            if (indent)
                json_newline(b, indent, level + 1);
            json_quote(b, o->k[k].p, o->k[k].len);
            mr_buf_putc(b, ':');
            if (indent)
                mr_buf_putc(b, ' ');
            json_value(b, &o->v[k], indent, level + 1);
        }
        mr_template__arena_release(&tmp);
        if (any && indent)
            json_newline(b, indent, level);
        mr_buf_putc(b, '}');
        return true;
    }
    }
    return false;
}

bool mr_template__append_json(struct mr_buf *b, const struct mr_tpl_value *v, int indent)
{
    return json_value(b, v, indent, 0);
}

/* ---- JSON.parse ------------------------------------------------------------- */

struct json_reader {
    struct mr_tpl_arena *a;
    const char *p, *end;
    bool ok;
};

static void read_space(struct json_reader *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool read_hex4(struct json_reader *j, unsigned *out)
{
    unsigned v = 0;
    int i;

    if (j->end - j->p < 4)
        return false;
    for (i = 0; i < 4; i++) {
        int h = mr_hexval(j->p[i]);
        if (h < 0)
            return false;
        v = v * 16 + (unsigned)h;
    }
    j->p += 4;
    *out = v;
    return true;
}

static size_t put_utf8(char *d, unsigned cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xc0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xe0 | (cp >> 12));
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        d[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    d[0] = (char)(0xf0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    d[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Reads a string after its opening quote. Strings without escapes point into
 * the source; others are decoded into the arena. */
static bool read_string(struct json_reader *j, const char **sp, size_t *slen)
{
    const char *start = j->p, *q = j->p;
    bool escapes = false;
    char *d;
    size_t n = 0;

    while (q < j->end && *q != '"') {
        if ((unsigned char)*q < 0x20)
            return false;
        if (*q == '\\') {
            escapes = true;
            q++;
            if (q == j->end)
                return false;
        }
        q++;
    }
    if (q == j->end)
        return false;
    if (!escapes) {
        *sp = start;
        *slen = (size_t)(q - start);
        j->p = q + 1;
        return true;
    }
    /* decoded text is never longer than the escaped text */
    d = mr_template__alloc(j->a, (size_t)(q - start) + 1);
    if (!d)
        return false;
    while (j->p < q) {
        char c = *j->p++;
        unsigned cp, lo;
        if (c != '\\') {
            d[n++] = c;
            continue;
        }
        c = *j->p++;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            d[n++] = c;
            break;
        case 'b':
            d[n++] = '\b';
            break;
        case 'f':
            d[n++] = '\f';
            break;
        case 'n':
            d[n++] = '\n';
            break;
        case 'r':
            d[n++] = '\r';
            break;
        case 't':
            d[n++] = '\t';
            break;
        case 'u':
            if (!read_hex4(j, &cp))
                return false;
            if (cp >= 0xd800 && cp <= 0xdbff && q - j->p >= 6 && j->p[0] == '\\' &&
                j->p[1] == 'u') {
                const char *save = j->p;
                j->p += 2;
                if (read_hex4(j, &lo) && lo >= 0xdc00 && lo <= 0xdfff)
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                else
                    j->p = save;
            }
            if (cp >= 0xd800 && cp <= 0xdfff)
                cp = 0xfffd; /* a lone surrogate is written as U+FFFD by Node */
            n += put_utf8(d + n, cp);
            break;
        default:
            return false;
        }
    }
    d[n] = '\0';
    j->p = q + 1;
    *sp = d;
    *slen = n;
    return true;
}

static bool read_value(struct json_reader *j, struct mr_tpl_value *out, int depth);

static bool read_number(struct json_reader *j, struct mr_tpl_value *out)
{
    const char *s = j->p;

    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p == j->end)
        return false;
    if (*j->p == '0') {
        j->p++;
    } else if (*j->p >= '1' && *j->p <= '9') {
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    } else {
        return false;
    }
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p == j->end || *j->p < '0' || *j->p > '9')
            return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p == j->end || *j->p < '0' || *j->p > '9')
            return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    *out = mr_tpl_num(mr_template__str_to_number(s, (size_t)(j->p - s)));
    return true;
}

static bool read_literal(struct json_reader *j, const char *word, size_t n)
{
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool read_value(struct json_reader *j, struct mr_tpl_value *out, int depth)
{
    const char *s;
    size_t slen;

    if (depth >= MR_TPL_MAX_VALUE_DEPTH)
        return false;
    read_space(j);
    if (j->p == j->end)
        return false;
    switch (*j->p) {
    case '{': {
        struct mr_tpl_object *o = mr_template__obj_new(j->a, 0);
        if (!o)
            return false;
        j->p++;
        read_space(j);
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            *out = mr_tpl_obj(o);
            return true;
        }
        for (;;) {
            struct mr_tpl_value v;
            read_space(j);
            if (j->p == j->end || *j->p != '"')
                return false;
            j->p++;
            if (!read_string(j, &s, &slen))
                return false;
            read_space(j);
            if (j->p == j->end || *j->p != ':')
                return false;
            j->p++;
            if (!read_value(j, &v, depth + 1))
                return false;
            if (!mr_template__obj_set(j->a, o, s, slen, v))
                return false;
            read_space(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == '}') {
                j->p++;
                *out = mr_tpl_obj(o);
                return true;
            }
            return false;
        }
    }
    case '[': {
        struct mr_tpl_array *arr = mr_template__arr_new(j->a, 0);
        if (!arr)
            return false;
        j->p++;
        read_space(j);
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            *out = mr_tpl_arr(arr);
            return true;
        }
        for (;;) {
            struct mr_tpl_value v;
            if (!read_value(j, &v, depth + 1) || !mr_template__arr_push(j->a, arr, v))
                return false;
            read_space(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == ']') {
                j->p++;
                *out = mr_tpl_arr(arr);
                return true;
            }
            return false;
        }
    }
    case '"':
        j->p++;
        if (!read_string(j, &s, &slen))
            return false;
        *out = mr_tpl_str(s, slen);
        return true;
    case 't':
        *out = mr_tpl_bool(true);
        return read_literal(j, "true", 4);
    case 'f':
        *out = mr_tpl_bool(false);
        return read_literal(j, "false", 5);
    case 'n':
        *out = mr_tpl_null();
        return read_literal(j, "null", 4);
    default:
        return read_number(j, out);
    }
}

bool mr_template__parse_json(struct mr_tpl_arena *a, const char *s, size_t len,
                             struct mr_tpl_value *out)
{
    struct json_reader j = {.a = a, .p = s, .end = s + len, .ok = true};
    struct mr_tpl_value v;

    if (!read_value(&j, &v, 0))
        return false;
    read_space(&j);
    if (j.p != j.end)
        return false;
    *out = v;
    return true;
}

/* ---- UTF-8 / UTF-16 ------------------------------------------------------------ */

/* UTF-16 units of the character starting with byte c (0 for a continuation). */
static size_t units_of(unsigned char c)
{
    if (c >= 0x80 && c < 0xc0)
        return 0;
    if (c >= 0xf0 && c < 0xf8)
        return 2;
    return 1;
}

size_t mr_template__u16_len(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        n += units_of((unsigned char)s[i]);
    return n;
}

size_t mr_template__u16_offset(const char *s, size_t len, size_t idx)
{
    size_t off = 0, n = 0;

    while (off < len) {
        size_t u = units_of((unsigned char)s[off]);
        if (u && n + u > idx)
            break;
        n += u;
        off++;
        while (off < len && units_of((unsigned char)s[off]) == 0)
            off++;
        if (n >= idx)
            break;
    }
    return off;
}

size_t mr_template__u16_index(const char *s, size_t len, size_t off)
{
    return mr_template__u16_len(s, off < len ? off : len);
}

/* Decodes one code point; *n gets its length (1 for an invalid byte, which
 * decodes as itself so that case mapping leaves it alone). */
static unsigned decode(const unsigned char *s, size_t len, size_t *n)
{
    if (s[0] < 0x80 || len < 2) {
        *n = 1;
        return s[0];
    }
    if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
        *n = 2;
        return ((unsigned)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
    }
    if (len >= 3 && (s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
        *n = 3;
        return ((unsigned)(s[0] & 0x0f) << 12) | ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
    }
    *n = 1;
    return 0x110000; /* not mapped */
}

static unsigned to_lower(unsigned c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c < 0xc0)
        return c;
    if ((c >= 0xc0 && c <= 0xde && c != 0xd7) || (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) ||
        (c >= 0x410 && c <= 0x42f))
        return c + 32;
    if (c >= 0x400 && c <= 0x40f)
        return c + 80;
    if (c == 0x178)
        return 0xff;
    if ((c >= 0x100 && c <= 0x12f) || (c >= 0x132 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
        return (c & 1) ? c : c + 1;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
        return (c & 1) ? c + 1 : c;
    if (c >= 0x460 && c <= 0x4ff && c != 0x482 && !(c >= 0x483 && c <= 0x489))
        return (c & 1) ? c : c + 1;
    return c;
}

static unsigned to_upper(unsigned c)
{
    if (c >= 'a' && c <= 'z')
        return c - 32;
    if (c < 0xb5)
        return c;
    if (c == 0xb5)
        return 0x39c;
    if ((c >= 0xe0 && c <= 0xfe && c != 0xf7) || (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) ||
        (c >= 0x430 && c <= 0x44f))
        return c - 32;
    if (c == 0x3c2)
        return 0x3a3;
    if (c >= 0x450 && c <= 0x45f)
        return c - 80;
    if (c == 0xff)
        return 0x178;
    if (c == 0x131)
        return 'I';
    if (c == 0x17f)
        return 'S';
    if ((c >= 0x100 && c <= 0x12f) || (c >= 0x132 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
        return (c & 1) ? c - 1 : c;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
        return (c & 1) ? c : c - 1;
    if (c >= 0x460 && c <= 0x4ff && c != 0x482 && !(c >= 0x483 && c <= 0x489))
        return (c & 1) ? c - 1 : c;
    return c;
}

void mr_template__append_case(struct mr_buf *b, const char *s, size_t len, bool upper)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n;
    char enc[4];

    while (i < len) {
        unsigned c = decode(p + i, len - i, &n), m;
        if (c == 0x110000 || (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))) {
            mr_buf_append(b, s + i, n);
            i += n;
            continue;
        }
        if (upper && c == 0xdf) {
            mr_buf_append(b, "SS", 2);
        } else if (!upper && c == 0x130) {
            mr_buf_append(b, "i\xcc\x87", 3);
        } else {
            m = upper ? to_upper(c) : to_lower(c);
            mr_buf_append(b, enc, put_utf8(enc, m));
        }
        i += n;
    }
}

void mr_template__append_utf8(struct mr_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;

    while (i < len) {
        unsigned char c = p[i];
        unsigned char lo = 0x80, hi = 0xbf;
        size_t need, j, k;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0)
                lo = 0xa0;
            if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0)
                lo = 0x90;
            if (c == 0xf4)
                hi = 0x8f;
        } else {
            need = 0;
        }
        j = i + 1;
        for (k = 0; k < need; k++, j++) {
            if (j >= len || p[j] < lo || p[j] > hi)
                break;
            lo = 0x80;
            hi = 0xbf;
        }
        if (need && k == need) {
            i = j;
            continue;
        }
        /* a maximal invalid subpart becomes one U+FFFD */
        if (i > run)
            mr_buf_append(b, s + run, i - run);
        mr_buf_append(b, "\xef\xbf\xbd", 3);
        i = need ? j : i + 1;
        run = i;
    }
    if (len > run)
        mr_buf_append(b, s + run, len - run);
}
