/*
 * template_request.c - what templates see of the request: the values behind
 * Mockoon's request helpers (query parameters parsed as Express's "extended"
 * qs parser does, the body parsed as JSON or as a form the way Mockoon's
 * processRawBody does, headers as Node's req.headers), the WireMock-style
 * `request` object, and the two path languages Mockoon accepts: object-path
 * ("items.0.sku", "a\.b") and a common subset of JSONPath-Plus ("$.items[0]",
 * "$..sku", "$.items[*]", slices, unions and simple [?(@.x == 1)] filters).
 *
 * Each value is built on first use and cached for the rest of the render.
 */
#include <math.h>
#include <string.h>

#include "common/text.h"
#include "templates/template_internal.h"

/* ---- small text helpers -------------------------------------------------------- */

static char *lower_dup(struct mr_tpl_arena *a, const char *s, size_t n)
{
    char *p = mr_template__strndup(a, s, n);
    size_t i;

    if (p)
        for (i = 0; i < n; i++)
            if (p[i] >= 'A' && p[i] <= 'Z')
                p[i] = (char)(p[i] + 32);
    return p;
}

/* application/x-www-form-urlencoded decoding as qs does it: '+' is a space,
 * %XX a byte; when decodeURIComponent would fail (a bad escape, bytes that
 * are not UTF-8) the text is kept with only '+' replaced. */
static char *form_decode(struct mr_tpl_arena *a, const char *s, size_t n, size_t *out_len)
{
    char *d = mr_template__alloc(a, n + 1);

    if (!d)
        return NULL;
    *out_len = mr_percent_decode(d, s, n, MR_PCT_PLUS | MR_PCT_WHOLE);
    d[*out_len] = '\0';
    return d;
}

static struct mr_tpl_value kv_text(const char *p, size_t n);

/* A cookie value as the `cookie` package (Mockoon) decodes it: decodeURIComponent
 * when it contains '%', keeping the raw text if that fails; '+' stays '+'. */
static struct mr_tpl_value cookie_value(struct mr_tpl_arena *a, const char *s, size_t n)
{
    char *d;
    size_t k;

    if (!s || !memchr(s, '%', n))
        return kv_text(s, n);
    d = mr_template__alloc(a, n + 1);
    if (!d)
        return kv_text(s, n);
    k = mr_percent_decode(d, s, n, MR_PCT_WHOLE); /* all or nothing, '+' kept */
    d[k] = '\0';
    return mr_tpl_str(d, k);
}

/* ---- qs ---------------------------------------------------------------------- */

/*
 * Query strings (Express's "extended" parser) and form bodies (Mockoon's
 * processRawBody) go through qs 6.16's parse, reproduced here step by step:
 * parseValues collects the decoded pairs (a repeated key combines its values
 * into an array), then each key, in JavaScript's key order, is split into
 * segments (splitKeyIntoSegments), built into a small object (parseObject)
 * and merged into the result with utils.merge, whose rules decide what mixed
 * shapes become: m=1&m[x]=2 gives ["1",{"x":"2"}], m[x]=2&m=1 gives
 * [{"x":"2"},"1"], a[0]=x&a[b]=y gives {"0":"x","b":"y"}. Finally
 * utils.compact squeezes the holes out of arrays.
 *
 * While building, arrays may have holes (a[2]=x is [ , , "x"]): a hole is
 * an undefined element, which qs values never are otherwise. An array that
 * would grow past arrayLimit becomes an object keyed by index that qs marks
 * as an "overflow" (mr_tpl_object.qs_overflow and qs_max stand in for its side
 * channel): later values go on at the next index.
 */

/* qs's options as Express and Mockoon set them. */
struct qs_opts {
    size_t array_limit;    /* a[i] is an array element only when i < array_limit */
    size_t depth;          /* bracket groups; the rest of a key stays one literal segment */
    bool allow_prototypes; /* else keys named like Object.prototype's are dropped */
};

/* Express: { allowPrototypes: true, arrayLimit: 1000 }, depth 5 by default */
static const struct qs_opts qs_query = {1000, 5, true};
/* Mockoon's form bodies: { depth: 10 }, arrayLimit 20 by default */
static const struct qs_opts qs_form = {20, 10, false};

#define QS_PARAMETER_LIMIT 1000 /* qs's parameterLimit: pairs past it are ignored */

struct qs {
    struct mr_tpl_rt *rt;
    const struct qs_opts *o;
    struct mr_tpl_object *pairs; /* parseValues' result: key -> value or combined values */
};

static struct mr_tpl_arena *qs_arena(struct qs *q)
{
    return &q->rt->arena;
}

static bool qs_is_object(const struct mr_tpl_value *v)
{
    return v->type == MR_TPL_V_ARR || v->type == MR_TPL_V_OBJ;
}

static bool qs_is_overflow(const struct mr_tpl_value *v)
{
    return v->type == MR_TPL_V_OBJ && v->u.o->qs_overflow;
}

/* o[String(i)] = v: an index as an object key ("7"), kept in the arena. */
static bool qs_set_index(struct qs *q, struct mr_tpl_object *o, double i, struct mr_tpl_value v)
{
    char buf[32];
    size_t len = mr_number_text(i, buf);
    const char *k = mr_template__strndup(qs_arena(q), buf, len);

    return k && mr_template__obj_set(qs_arena(q), o, k, len, v);
}

/* arr[i] = v, growing the array with holes. */
static bool qs_arr_put(struct qs *q, struct mr_tpl_array *arr, size_t i, struct mr_tpl_value v)
{
    while (arr->n <= i)
        if (!mr_template__arr_push(qs_arena(q), arr, mr_tpl_undef()))
            return false;
    arr->v[i] = v;
    return true;
}

/* utils.arrayToObject: the defined elements under their indexes. */
static struct mr_tpl_object *qs_array_to_object(struct qs *q, const struct mr_tpl_array *arr)
{
    struct mr_tpl_object *o = mr_template__obj_new(qs_arena(q), 0);
    size_t i;

    for (i = 0; o && i < arr->n; i++)
        if (arr->v[i].type != MR_TPL_V_UNDEF && !qs_set_index(q, o, (double)i, arr->v[i]))
            return NULL;
    return o;
}

/* markOverflow(arrayToObject(arr), max) */
static struct mr_tpl_value qs_overflow(struct qs *q, const struct mr_tpl_array *arr, size_t max)
{
    struct mr_tpl_object *o = qs_array_to_object(q, arr);

    if (o) {
        o->qs_overflow = true;
        o->qs_max = (double)max;
    }
    return mr_tpl_obj(o);
}

/* Appends v to arr as JavaScript's concat does: an array's elements (holes
 * kept), anything else as one element. */
static bool qs_concat_into(struct qs *q, struct mr_tpl_array *arr, const struct mr_tpl_value *v)
{
    size_t i;

    if (v->type != MR_TPL_V_ARR)
        return mr_template__arr_push(qs_arena(q), arr, *v);
    for (i = 0; i < v->u.a->n; i++)
        if (!mr_template__arr_push(qs_arena(q), arr, v->u.a->v[i]))
            return false;
    return true;
}

/* [].concat(a, b), as an overflow object when longer than arrayLimit. */
static struct mr_tpl_value qs_concat(struct qs *q, const struct mr_tpl_value *a,
                                     const struct mr_tpl_value *b)
{
    struct mr_tpl_array *arr = mr_template__arr_new(qs_arena(q), 2);

    if (!arr || !qs_concat_into(q, arr, a) || !qs_concat_into(q, arr, b))
        return mr_tpl_undef();
    if (arr->n > q->o->array_limit)
        return qs_overflow(q, arr, arr->n - 1);
    return mr_tpl_arr(arr);
}

/* utils.combine: a repeated key's values, and the array of a `[]` segment. */
static struct mr_tpl_value qs_combine(struct qs *q, struct mr_tpl_value a, struct mr_tpl_value b)
{
    if (qs_is_overflow(&a)) {
        struct mr_tpl_object *o = a.u.o;
        size_t n = b.type == MR_TPL_V_ARR ? b.u.a->n : 1, i;
        for (i = 0; i < n; i++) {
            const struct mr_tpl_value *v = b.type == MR_TPL_V_ARR ? &b.u.a->v[i] : &b;
            o->qs_max++;
            if (v->type != MR_TPL_V_UNDEF)
                qs_set_index(q, o, o->qs_max, *v);
        }
        return a;
    }
    return qs_concat(q, &a, &b);
}

/* JavaScript's parseInt(s, 10) turned back into the same text: a canonical
 * non-negative integer (qs's test for an array index). */
static bool qs_canonical_index(const char *s, size_t len, double *value)
{
    char buf[32];
    double d;
    size_t i;

    if (len == 0 || len >= sizeof(buf))
        return false;
    for (i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    d = mr_template__str_to_number(s, len);
    if (mr_number_text(d, buf) != len || memcmp(buf, s, len) != 0)
        return false;
    *value = d;
    return true;
}

/* parseInt(s, 10), NaN when there is no digit. */
static double qs_parse_int(const char *s, size_t len)
{
    const char *p = s, *e = s + len;
    double v = 0;
    bool neg = false, digits = false;
    size_t w;

    while (p < e && (w = mr_template__js_space(p, e)) > 0)
        p += w;
    if (p < e && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    for (; p < e && *p >= '0' && *p <= '9'; p++, digits = true)
        v = v * 10 + (*p - '0');
    if (!digits)
        return NAN;
    return neg ? -v : v;
}

/* The names of Object.prototype's own properties, which qs drops as keys
 * unless allowPrototypes is set. */
static bool qs_prototype_name(const char *s, size_t len)
{
    static const char *const names[] = {
        "__defineGetter__", "__defineSetter__", "__lookupGetter__",
        "__lookupSetter__", "__proto__",        "constructor",
        "hasOwnProperty",   "isPrototypeOf",    "propertyIsEnumerable",
        "toLocaleString",   "toString",         "valueOf"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
            return true;
    return false;
}

struct qs_seg {
    const char *p;
    size_t n;
    bool wrapped; /* the text is p[0..n) inside an added '[' ... ']' */
};

#define QS_MAX_SEGS 16 /* the parent, `depth` groups and the rest */

/* splitKeyIntoSegments: the parent before the first '[', then up to `depth`
 * balanced bracket groups (text between groups is skipped), then the rest
 * of the key as one more group. Returns 0 when a prototype name drops the
 * key. */
static size_t qs_split(const struct qs_opts *o, const char *key, size_t klen, struct qs_seg *seg)
{
    const char *open = memchr(key, '[', klen), *end = key + klen;
    size_t nseg = 0, collected = 0;

    if (!open)
        open = end;
    if (open > key) {
        if (!o->allow_prototypes && qs_prototype_name(key, (size_t)(open - key)))
            return 0;
        seg[nseg++] = (struct qs_seg){key, (size_t)(open - key), false};
    }
    while (open < end && collected < o->depth) {
        const char *p = open + 1, *close = NULL;
        int level = 1;
        for (; p < end && !close; p++) {
            if (*p == '[')
                level++;
            else if (*p == ']' && --level == 0)
                close = p;
        }
        if (!close) {
            /* unterminated: the raw rest, wrapped in one bracket pair */
            seg[nseg++] = (struct qs_seg){open, (size_t)(end - open), true};
            return nseg;
        }
        if (!o->allow_prototypes && qs_prototype_name(open + 1, (size_t)(close - open - 1)))
            return 0;
        seg[nseg++] = (struct qs_seg){open, (size_t)(close + 1 - open), false};
        collected++;
        open = memchr(close + 1, '[', (size_t)(end - close - 1));
        if (!open)
            open = end;
    }
    if (open < end)
        seg[nseg++] = (struct qs_seg){open, (size_t)(end - open), true};
    return nseg;
}

/* parseObject: builds the value of one key's segments around its leaf, from
 * the innermost segment out. */
static struct mr_tpl_value qs_build(struct qs *q, const struct qs_seg *seg, size_t nseg,
                                    struct mr_tpl_value leaf)
{
    size_t i;

    for (i = nseg; i-- > 0;) {
        const char *root = seg[i].p, *clean = root;
        size_t rlen = seg[i].n, clen = rlen;
        bool bracketed;
        double index;
        struct mr_tpl_object *o;

        if (seg[i].wrapped) {
            /* the segment is "[" + text + "]": its clean form is the text */
            bracketed = true;
        } else {
            bracketed = rlen >= 2 && root[0] == '[' && root[rlen - 1] == ']';
            if (bracketed) {
                clean = root + 1;
                clen = rlen - 2;
            }
            if (rlen == 2 && bracketed) {
                /* `[]`: an array of the leaf (an overflow object stays as is) */
                if (!qs_is_overflow(&leaf)) {
                    struct mr_tpl_value empty_arr =
                        mr_tpl_arr(mr_template__arr_new(qs_arena(q), 0));
                    leaf = empty_arr.type == MR_TPL_V_ARR ? qs_combine(q, empty_arr, leaf)
                                                          : mr_tpl_undef();
                }
                if (leaf.type == MR_TPL_V_UNDEF)
                    return leaf;
                continue;
            }
        }
        if (bracketed && qs_canonical_index(clean, clen, &index)) {
            if (index < (double)q->o->array_limit) {
                struct mr_tpl_array *arr = mr_template__arr_new(qs_arena(q), (size_t)index + 1);
                if (!arr || !qs_arr_put(q, arr, (size_t)index, leaf))
                    return mr_tpl_undef();
                leaf = mr_tpl_arr(arr);
                continue;
            }
            o = mr_template__obj_new(qs_arena(q), 1);
            if (!o || !mr_template__obj_set(qs_arena(q), o, clean, clen, leaf))
                return mr_tpl_undef();
            o->qs_overflow = true;
            o->qs_max = index;
            leaf = mr_tpl_obj(o);
            continue;
        }
        o = mr_template__obj_new(qs_arena(q), 1);
        if (!o)
            return mr_tpl_undef();
        if (!(clen == 9 && memcmp(clean, "__proto__", 9) == 0) &&
            !mr_template__obj_set(qs_arena(q), o, clean, clen, leaf))
            return mr_tpl_undef();
        leaf = mr_tpl_obj(o);
    }
    return leaf;
}

static struct mr_tpl_value qs_merge(struct qs *q, struct mr_tpl_value target,
                                    struct mr_tpl_value source, int depth);

/* [a, b] */
static struct mr_tpl_value qs_pair(struct qs *q, struct mr_tpl_value a, struct mr_tpl_value b)
{
    struct mr_tpl_array *arr = mr_template__arr_new(qs_arena(q), 2);

    if (!arr)
        return mr_tpl_undef();
    arr->v[0] = a;
    arr->v[1] = b;
    arr->n = 2;
    return mr_tpl_arr(arr);
}

/* utils.merge with a (non-empty) string source. */
static struct mr_tpl_value qs_merge_string(struct qs *q, struct mr_tpl_value target,
                                           struct mr_tpl_value source)
{
    if (target.type == MR_TPL_V_ARR) {
        size_t next = target.u.a->n;
        if (next >= q->o->array_limit) {
            struct mr_tpl_array *arr = mr_template__arr_new(qs_arena(q), next + 1);
            if (!arr || !qs_concat_into(q, arr, &target) || !qs_concat_into(q, arr, &source))
                return mr_tpl_undef();
            return qs_overflow(q, arr, next);
        }
        return mr_template__arr_push(qs_arena(q), target.u.a, source) ? target : mr_tpl_undef();
    }
    if (qs_is_overflow(&target)) {
        target.u.o->qs_max++;
        qs_set_index(q, target.u.o, target.u.o->qs_max, source);
        return target;
    }
    /* strictMerge: an object and a string, or two strings, make a pair */
    return qs_pair(q, target, source);
}

/* utils.merge with a string target and an array or object source:
 * [target].concat(source), or the overflow object shifted by one. */
static struct mr_tpl_value qs_merge_into_string(struct qs *q, struct mr_tpl_value target,
                                                struct mr_tpl_value source)
{
    struct mr_tpl_array *arr;

    if (qs_is_overflow(&source)) {
        const struct mr_tpl_object *s = source.u.o;
        struct mr_tpl_object *o = mr_template__obj_new(qs_arena(q), s->n + 1);
        size_t i;
        if (!o || !qs_set_index(q, o, 0, target))
            return mr_tpl_undef();
        for (i = 0; i < s->n; i++)
            qs_set_index(q, o, qs_parse_int(s->k[i].p, s->k[i].len) + 1, s->v[i]);
        o->qs_overflow = true;
        o->qs_max = s->qs_max + 1;
        return mr_tpl_obj(o);
    }
    arr = mr_template__arr_new(qs_arena(q), 0);
    if (!arr || !mr_template__arr_push(qs_arena(q), arr, target) ||
        !qs_concat_into(q, arr, &source))
        return mr_tpl_undef();
    if (arr->n > q->o->array_limit)
        return qs_overflow(q, arr, arr->n - 1);
    return mr_tpl_arr(arr);
}

/* utils.merge of two arrays: source elements go to their index, or merge
 * into an object there, or else are appended. */
static struct mr_tpl_value qs_merge_arrays(struct qs *q, struct mr_tpl_value target,
                                           const struct mr_tpl_array *src, int depth)
{
    struct mr_tpl_array *t = target.u.a;
    size_t i;

    for (i = 0; i < src->n; i++) {
        struct mr_tpl_value item = src->v[i];
        if (item.type == MR_TPL_V_UNDEF)
            continue; /* forEach skips holes */
        if (i < t->n && t->v[i].type != MR_TPL_V_UNDEF) {
            if (qs_is_object(&t->v[i]) && qs_is_object(&item))
                t->v[i] = qs_merge(q, t->v[i], item, depth + 1);
            else if (!mr_template__arr_push(qs_arena(q), t, item))
                return mr_tpl_undef();
        } else if (!qs_arr_put(q, t, i, item)) {
            return mr_tpl_undef();
        }
    }
    if (t->n > q->o->array_limit)
        return qs_overflow(q, t, t->n - 1);
    return target;
}

/* utils.merge: how one key's value joins what earlier keys built. */
static struct mr_tpl_value qs_merge(struct qs *q, struct mr_tpl_value target,
                                    struct mr_tpl_value source, int depth)
{
    struct mr_tpl_object *acc, *src;
    const size_t *order;
    size_t i;

    if (depth > MR_TPL_MAX_VALUE_DEPTH)
        return target;
    if (source.type == MR_TPL_V_UNDEF || (source.type == MR_TPL_V_STR && source.u.s.len == 0))
        return target; /* !source */
    if (source.type == MR_TPL_V_STR)
        return qs_merge_string(q, target, source);
    if (!qs_is_object(&target))
        return qs_merge_into_string(q, target, source);
    if (target.type == MR_TPL_V_ARR && source.type == MR_TPL_V_ARR)
        return qs_merge_arrays(q, target, source.u.a, depth);
    /* an object on one side at least: merge key by key (an array target
     * becomes an object first, an array source gives its indexes) */
    acc = target.type == MR_TPL_V_ARR ? qs_array_to_object(q, target.u.a) : target.u.o;
    if (!acc)
        return mr_tpl_undef();
    if (source.type == MR_TPL_V_ARR) {
        src = qs_array_to_object(q, source.u.a);
        if (!src)
            return mr_tpl_undef();
    } else {
        src = source.u.o;
    }
    order = mr_template__obj_order(qs_arena(q), src);
    for (i = 0; i < src->n; i++) {
        size_t e = order ? order[i] : i;
        const struct mr_tpl_key *k = &src->k[e];
        struct mr_tpl_value *old = mr_template__obj_get(acc, k->p, k->len);
        double index;
        if (old)
            *old = qs_merge(q, *old, src->v[e], depth + 1);
        else if (!mr_template__obj_set(qs_arena(q), acc, k->p, k->len, src->v[e]))
            return mr_tpl_undef();
        if (src->qs_overflow && !acc->qs_overflow) {
            acc->qs_overflow = true;
            acc->qs_max = src->qs_max;
        }
        if (acc->qs_overflow && qs_canonical_index(k->p, k->len, &index) && index > acc->qs_max)
            acc->qs_max = index;
    }
    return mr_tpl_obj(acc);
}

/* utils.compact: arrays lose their holes, at every depth. */
static void qs_compact(struct mr_tpl_value *v, int depth)
{
    size_t i, k = 0;

    if (depth > MR_TPL_MAX_VALUE_DEPTH)
        return;
    if (v->type == MR_TPL_V_OBJ) {
        for (i = 0; i < v->u.o->n; i++)
            qs_compact(&v->u.o->v[i], depth + 1);
    } else if (v->type == MR_TPL_V_ARR) {
        struct mr_tpl_array *a = v->u.a;
        for (i = 0; i < a->n; i++) {
            if (a->v[i].type == MR_TPL_V_UNDEF)
                continue;
            qs_compact(&a->v[i], depth + 1);
            a->v[k++] = a->v[i];
        }
        a->n = k;
    }
}

static bool qs_begin(struct qs *q, struct mr_tpl_rt *rt, const struct qs_opts *o)
{
    q->rt = rt;
    q->o = o;
    q->pairs = mr_template__obj_new(&rt->arena, 0);
    return q->pairs != NULL;
}

/* parseValues for one decoded pair: a repeated key combines its values. */
static void qs_add(struct qs *q, const char *key, size_t klen, struct mr_tpl_value value)
{
    struct mr_tpl_value *old = mr_template__obj_get(q->pairs, key, klen);

    if (old)
        *old = qs_combine(q, *old, value);
    else
        mr_template__obj_set(qs_arena(q), q->pairs, key, klen, value);
}

/* The keys in JavaScript's order (integer-like ones first), each built and
 * merged into `root`, then compacted. */
static void qs_finish(struct qs *q, struct mr_tpl_object *root)
{
    const size_t *order = mr_template__obj_order(qs_arena(q), q->pairs);
    struct mr_tpl_value result = mr_tpl_obj(root);
    size_t i;

    for (i = 0; i < q->pairs->n; i++) {
        size_t e = order ? order[i] : i;
        struct qs_seg seg[QS_MAX_SEGS];
        size_t nseg;
        struct mr_tpl_value built;
        if (q->pairs->k[e].len == 0)
            continue;
        nseg = qs_split(q->o, q->pairs->k[e].p, q->pairs->k[e].len, seg);
        if (nseg == 0)
            continue;
        built = qs_build(q, seg, nseg, q->pairs->v[e]);
        if (built.type != MR_TPL_V_UNDEF)
            qs_merge(q, result, built, 0);
    }
    qs_compact(&result, 0);
}

/* '[' or ']' when s[i..] is %5B or %5D (either case), else 0. */
static char pct_bracket(const char *s, size_t n, size_t i)
{
    if (i + 2 >= n || s[i] != '%' || s[i + 1] != '5')
        return 0;
    if (s[i + 2] == 'b' || s[i + 2] == 'B')
        return '[';
    return s[i + 2] == 'd' || s[i + 2] == 'D' ? ']' : 0;
}

/* A form body as qs.parse reads it: '&'-separated, at most 1000 parts; the
 * key ends at the first "]=" (so a[=]=1 has the key "a[=]") or else at the
 * first '='; %5B and %5D are brackets even where the rest fails to decode. */
static void qs_parse_text(struct mr_tpl_rt *rt, struct mr_tpl_object *root, const char *s, size_t n,
                          const struct qs_opts *opts)
{
    struct qs q;
    char *clean = NULL;
    size_t i = 0, parts = 0, j, k;

    if (!qs_begin(&q, rt, opts))
        return;
    for (j = 0; j < n && !clean; j++)
        if (pct_bracket(s, n, j))
            clean = mr_template__alloc(&rt->arena, n + 1);
    if (clean) {
        for (j = 0, k = 0; j < n; j++) {
            char b = pct_bracket(s, n, j);
            clean[k++] = b ? b : s[j];
            if (b)
                j += 2;
        }
        s = clean;
        n = k;
    }
    while (i <= n && parts < QS_PARAMETER_LIMIT) {
        const char *part = s + i, *amp = memchr(part, '&', n - i), *eq = NULL;
        size_t len = amp ? (size_t)(amp - part) : n - i, klen, vlen;
        char *key, *val;
        for (j = 0; j + 1 < len && !eq; j++)
            if (part[j] == ']' && part[j + 1] == '=')
                eq = part + j + 1;
        if (!eq)
            eq = memchr(part, '=', len);
        parts++;
        key = form_decode(&rt->arena, part, eq ? (size_t)(eq - part) : len, &klen);
        val = eq ? form_decode(&rt->arena, eq + 1, len - (size_t)(eq - part) - 1, &vlen)
                 : form_decode(&rt->arena, "", 0, &vlen);
        if (!key || !val)
            return;
        qs_add(&q, key, klen, mr_tpl_str(val, vlen));
        if (!amp)
            break;
        i += len + 1;
    }
    qs_finish(&q, root);
}

/* ---- request values ------------------------------------------------------------ */

/* A borrowed text, "" when the caller gave NULL. */
static struct mr_tpl_value kv_text(const char *p, size_t n)
{
    return p ? mr_tpl_str(p, n) : mr_tpl_str("", 0);
}

static const char *kv_name(const char *p)
{
    return p ? p : "";
}

struct mr_tpl_value mr_template__req_query(struct mr_tpl_rt *rt)
{
    struct mr_tpl_object *o;
    const char *raw;

    if (rt->have_query)
        return rt->query;
    rt->have_query = true;
    o = mr_template__obj_new(&rt->arena, 0);
    if (!o)
        return mr_tpl_undef();
    raw = rt->ctx && rt->ctx->query_raw ? rt->ctx->query_raw : "";
    if (*raw)
        qs_parse_text(rt, o, raw, strlen(raw), &qs_query);
    rt->query = mr_tpl_obj(o);
    return rt->query;
}

/* Node keeps the first of these when a request repeats them. */
static bool single_header(const char *lname)
{
    static const char *const names[] = {"age",
                                        "authorization",
                                        "content-length",
                                        "content-type",
                                        "etag",
                                        "expires",
                                        "from",
                                        "host",
                                        "if-modified-since",
                                        "if-unmodified-since",
                                        "last-modified",
                                        "location",
                                        "max-forwards",
                                        "proxy-authorization",
                                        "referer",
                                        "retry-after",
                                        "server",
                                        "user-agent"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(lname, names[i]) == 0)
            return true;
    return false;
}

struct mr_tpl_value mr_template__req_headers(struct mr_tpl_rt *rt)
{
    struct mr_tpl_object *o;
    size_t i;

    if (rt->have_headers)
        return rt->headers;
    rt->have_headers = true;
    o = mr_template__obj_new(&rt->arena, 0);
    if (!o)
        return mr_tpl_undef();
    o->nocase = true;
    if (rt->ctx && rt->ctx->headers) {
        for (i = 0; i < rt->ctx->nheaders; i++) {
            const struct mr_kv *kv = &rt->ctx->headers[i];
            char *name = lower_dup(&rt->arena, kv_name(kv->name), kv->name ? kv->name_len : 0);
            size_t name_len = kv->name ? kv->name_len : 0;
            struct mr_tpl_value value = kv_text(kv->value, kv->value_len);
            struct mr_tpl_value *old;
            if (!name)
                return mr_tpl_undef();
            old = mr_template__obj_get(o, name, name_len);
            if (!old) {
                mr_template__obj_set(&rt->arena, o, name, name_len, value);
            } else if (!single_header(name)) {
                /* Node joins repeated headers with ", " (cookies with "; ") */
                const char *sep = strcmp(name, "cookie") == 0 ? "; " : ", ";
                size_t n = old->u.s.len + 2 + value.u.s.len;
                char *v = mr_template__alloc(&rt->arena, n + 1);
                if (!v)
                    return mr_tpl_undef();
                memcpy(v, old->u.s.p, old->u.s.len);
                memcpy(v + old->u.s.len, sep, 2);
                memcpy(v + old->u.s.len + 2, value.u.s.p, value.u.s.len);
                v[n] = '\0';
                *old = mr_tpl_str(v, n);
            }
        }
    }
    rt->headers = mr_tpl_obj(o);
    return rt->headers;
}

struct mr_tpl_value mr_template__req_params(struct mr_tpl_rt *rt)
{
    struct mr_tpl_object *o;
    size_t i;

    if (rt->have_params)
        return rt->params;
    rt->have_params = true;
    o = mr_template__obj_new(&rt->arena, 0);
    if (!o)
        return mr_tpl_undef();
    if (rt->ctx && rt->ctx->params)
        for (i = 0; i < rt->ctx->nparams; i++)
            mr_template__obj_set(&rt->arena, o, kv_name(rt->ctx->params[i].name),
                                 rt->ctx->params[i].name ? rt->ctx->params[i].name_len : 0,
                                 kv_text(rt->ctx->params[i].value, rt->ctx->params[i].value_len));
    rt->params = mr_tpl_obj(o);
    return rt->params;
}

struct mr_tpl_value mr_template__req_cookies(struct mr_tpl_rt *rt)
{
    struct mr_tpl_object *o;
    size_t i;

    if (rt->have_cookies)
        return rt->cookies;
    rt->have_cookies = true;
    o = mr_template__obj_new(&rt->arena, 0);
    if (!o)
        return mr_tpl_undef();
    if (rt->ctx && rt->ctx->cookies) {
        /* the server's parsed pairs (the Cookie header itself is not read
         * here), then as the `cookie` package does: the first of a repeated
         * name wins, values are trimmed and percent-decoded when valid */
        for (i = 0; i < rt->ctx->ncookies; i++) {
            const struct mr_kv *kv = &rt->ctx->cookies[i];
            const char *v0 = kv->value, *v1 = kv->value ? kv->value + kv->value_len : NULL;
            size_t klen = kv->name ? kv->name_len : 0;
            while (v0 && v0 < v1 && (*v0 == ' ' || *v0 == '\t'))
                v0++;
            while (v1 && v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t'))
                v1--;
            if (mr_template__obj_get(o, kv_name(kv->name), klen))
                continue;
            mr_template__obj_set(&rt->arena, o, kv_name(kv->name), klen,
                                 cookie_value(&rt->arena, v0, v0 ? (size_t)(v1 - v0) : 0));
        }
    }
    rt->cookies = mr_tpl_obj(o);
    return rt->cookies;
}

/* The lower-cased Content-Type, or "". */
static struct mr_tpl_value content_type(struct mr_tpl_rt *rt)
{
    struct mr_tpl_value h = mr_template__req_headers(rt), *ct;

    if (h.type == MR_TPL_V_OBJ && (ct = mr_template__obj_get(h.u.o, "content-type", 12)) != NULL &&
        ct->type == MR_TPL_V_STR) {
        char *l = lower_dup(&rt->arena, ct->u.s.p, ct->u.s.len);
        if (l)
            return mr_tpl_str(l, ct->u.s.len);
    }
    return mr_tpl_str("", 0);
}

static bool contains(const struct mr_tpl_value *s, const char *needle)
{
    size_t n = strlen(needle), i;

    for (i = 0; i + n <= s->u.s.len; i++)
        if (memcmp(s->u.s.p + i, needle, n) == 0)
            return true;
    return false;
}

/* "application/...+json", as Mockoon's /application\/.*\+json/i */
static bool plus_json(const struct mr_tpl_value *s)
{
    size_t i, j;

    for (i = 0; i + 12 <= s->u.s.len; i++) {
        if (memcmp(s->u.s.p + i, "application/", 12) != 0)
            continue;
        for (j = i + 12; j + 5 <= s->u.s.len; j++)
            if (memcmp(s->u.s.p + j, "+json", 5) == 0)
                return true;
    }
    return false;
}

struct mr_tpl_value mr_template__req_body(struct mr_tpl_rt *rt)
{
    struct mr_tpl_value ct;
    const char *b;
    size_t n;

    if (rt->have_body)
        return rt->body;
    rt->have_body = true;
    rt->body = mr_tpl_undef();
    if (!rt->ctx)
        return rt->body;
    b = rt->ctx->body ? rt->ctx->body : "";
    n = rt->ctx->body ? rt->ctx->body_len : 0;
    ct = content_type(rt);
    if (contains(&ct, "application/json") || plus_json(&ct)) {
        struct mr_tpl_value v;
        if (mr_template__parse_json(&rt->arena, b, n, &v))
            rt->body = v;
    } else if (contains(&ct, "application/x-www-form-urlencoded")) {
        struct mr_tpl_object *o = mr_template__obj_new(&rt->arena, 0);
        if (o) {
            qs_parse_text(rt, o, b, n, &qs_form);
            rt->body = mr_tpl_obj(o);
        }
    }
    return rt->body;
}

static struct mr_tpl_value cstr(const char *s)
{
    return s ? mr_tpl_str(s, strlen(s)) : mr_tpl_str("", 0);
}

/* The WireMock-style root value: {{request.path}}, {{request.query.page}}. */
struct mr_tpl_value mr_template__request(struct mr_tpl_rt *rt)
{
    struct mr_tpl_arena *a = &rt->arena;
    const struct mr_tpl_ctx *c = rt->ctx;
    struct mr_tpl_object *o;
    struct mr_tpl_array *segs;

    if (rt->have_request)
        return rt->request;
    rt->have_request = true;
    o = mr_template__obj_new(a, 12);
    segs = mr_template__arr_new(a, 0);
    if (!o || !segs)
        return mr_tpl_undef();
    mr_template__obj_set(a, o, "method", 6, cstr(c ? c->method : NULL));
    mr_template__obj_set(a, o, "path", 4, cstr(c ? c->path : NULL));
    if (c && c->path) {
        const char *p = c->path;
        while (*p) {
            const char *e = strchr(p, '/');
            if (!e)
                e = p + strlen(p);
            if (e > p)
                mr_template__arr_push(a, segs, mr_tpl_str(p, (size_t)(e - p)));
            p = *e ? e + 1 : e;
        }
    }
    mr_template__obj_set(a, o, "pathSegments", 12, mr_tpl_arr(segs));
    if (c && c->path && c->query_raw && c->query_raw[0]) {
        size_t pl = strlen(c->path), ql = strlen(c->query_raw);
        char *u = mr_template__alloc(a, pl + ql + 2);
        if (u) {
            memcpy(u, c->path, pl);
            u[pl] = '?';
            memcpy(u + pl + 1, c->query_raw, ql + 1);
            mr_template__obj_set(a, o, "url", 3, mr_tpl_str(u, pl + ql + 1));
        }
    } else {
        mr_template__obj_set(a, o, "url", 3, cstr(c ? c->path : NULL));
    }
    mr_template__obj_set(a, o, "baseUrl", 7, cstr(c ? c->base_url : NULL));
    mr_template__obj_set(a, o, "query", 5, mr_template__req_query(rt));
    mr_template__obj_set(a, o, "headers", 7, mr_template__req_headers(rt));
    mr_template__obj_set(a, o, "cookies", 7, mr_template__req_cookies(rt));
    mr_template__obj_set(a, o, "params", 6, mr_template__req_params(rt));
    {
        struct mr_tpl_value body =
            c && c->body ? mr_tpl_str(c->body, c->body_len) : mr_tpl_str("", 0);
        body.json_text = true;
        mr_template__obj_set(a, o, "body", 4, body);
    }
    rt->request = mr_tpl_obj(o);
    return rt->request;
}

/* ---- object-path -------------------------------------------------------------- */

static bool walkable(const struct mr_tpl_value *v)
{
    return v->type == MR_TPL_V_ARR || v->type == MR_TPL_V_OBJ || v->type == MR_TPL_V_NULL ||
           (v->type == MR_TPL_V_STR && v->safe);
}

struct mr_tpl_value mr_template__object_path(struct mr_tpl_rt *rt, const struct mr_tpl_value *data,
                                             const char *path, size_t len,
                                             const struct mr_tpl_value *def)
{
    struct mr_tpl_value cur = *data;
    size_t i = 0;
    bool escaped = false;

    if (!walkable(data) || len == 0)
        return *data;
    for (i = 0; i + 1 < len; i++)
        if (path[i] == '\\' && path[i + 1] == '.')
            escaped = true;
    i = 0;
    for (;;) {
        /* one segment: up to an unescaped '.' ("a\.b" is the key "a.b") */
        char buf[256], *key = buf;
        size_t k = 0, start = i;
        struct mr_tpl_value next;
        while (i < len && path[i] != '.') {
            if (escaped && path[i] == '\\' && i + 1 < len && path[i + 1] == '.') {
                i += 2;
                continue;
            }
            i++;
        }
        if (escaped) {
            size_t j;
            if (i - start >= sizeof(buf)) {
                key = mr_template__alloc(&rt->arena, i - start + 1);
                if (!key)
                    return *def;
            }
            for (j = start; j < i; j++) {
                if (path[j] == '\\' && j + 1 < i && path[j + 1] == '.')
                    j++;
                key[k++] = path[j];
            }
        } else {
            key = (char *)path + start;
            k = i - start;
        }
        if (cur.type == MR_TPL_V_UNDEF || cur.type == MR_TPL_V_NULL)
            return *def;
        next = mr_template__lookup(rt, &cur, key, k);
        if (next.type == MR_TPL_V_UNDEF)
            return *def;
        cur = next;
        if (i >= len)
            break;
        i++; /* the '.' */
        if (!mr_template__charge(rt, 1))
            return *def;
    }
    return cur;
}

/* ---- JSONPath --------------------------------------------------------------- */

enum jp_kind { JP_KEY, JP_ALL, JP_DESCEND, JP_UNION, JP_SLICE, JP_FILTER, JP_BAD };

struct jp_seg {
    enum jp_kind kind;
    const char *p; /* key, union list, slice or filter text */
    size_t n;
};

struct jp_ctx {
    struct mr_tpl_rt *rt;
    const struct jp_seg *seg;
    size_t nseg;
    struct mr_tpl_array *out;
    bool multi;
    int depth;
};

/* Unquotes 'x' or "x"; false when s is not quoted. */
static bool unquote(const char *s, size_t n, const char **p, size_t *len)
{
    if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
        *p = s + 1;
        *len = n - 2;
        return true;
    }
    return false;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* Splits a path into segments; false when it uses what mockrun lacks. */
static size_t jp_parse(const char *p, size_t n, struct jp_seg *seg, size_t max)
{
    size_t i = 0, k = 0;

    if (n && p[0] == '$')
        i = 1;
    else if (n && p[0] != '.' && p[0] != '[') {
        /* a relative path: the first name has no leading dot */
        size_t s = i;
        while (i < n && p[i] != '.' && p[i] != '[')
            i++;
        seg[k].kind = JP_KEY;
        seg[k].p = p + s;
        seg[k++].n = i - s;
    }
    while (i < n && k + 1 < max) {
        if (p[i] == '.' && i + 1 < n && p[i + 1] == '.') {
            seg[k].kind = JP_DESCEND;
            seg[k].p = NULL;
            seg[k++].n = 0;
            i += 2;
            if (i < n && p[i] == '[')
                continue;
        } else if (p[i] == '.') {
            i++;
            if (i < n && p[i] == '[')
                continue;
        } else if (p[i] != '[') {
            return 0;
        }
        if (i >= n)
            return 0;
        if (p[i] == '[') {
            size_t s = ++i, depth = 0;
            char q = 0;
            const char *c;
            size_t cn;
            for (; i < n; i++) {
                if (q) {
                    if (p[i] == q)
                        q = 0;
                } else if (p[i] == '\'' || p[i] == '"') {
                    q = p[i];
                } else if (p[i] == '(') {
                    depth++;
                } else if (p[i] == ')') {
                    if (depth)
                        depth--;
                } else if (p[i] == ']' && depth == 0) {
                    break;
                }
            }
            if (i >= n)
                return 0;
            c = p + s;
            cn = i - s;
            i++;
            trim(&c, &cn);
            if (cn == 1 && c[0] == '*') {
                seg[k].kind = JP_ALL;
            } else if (cn >= 3 && c[0] == '?' && c[1] == '(' && c[cn - 1] == ')') {
                seg[k].kind = JP_FILTER;
                c += 2;
                cn -= 3;
            } else if (cn && c[0] == '(') {
                seg[k].kind = JP_BAD; /* script expressions */
            } else if (!unquote(c, cn, &c, &cn) && memchr(c, ':', cn)) {
                seg[k].kind = JP_SLICE;
            } else if (memchr(p + s, ',', i - 1 - s)) {
                seg[k].kind = JP_UNION;
                c = p + s;
                cn = i - 1 - s;
            } else {
                seg[k].kind = JP_KEY;
            }
            seg[k].p = c;
            seg[k++].n = cn;
            continue;
        }
        if (p[i] == '*') {
            seg[k].kind = JP_ALL;
            seg[k].p = NULL;
            seg[k++].n = 0;
            i++;
            continue;
        }
        {
            size_t s = i;
            while (i < n && p[i] != '.' && p[i] != '[')
                i++;
            seg[k].kind = JP_KEY;
            seg[k].p = p + s;
            seg[k++].n = i - s;
        }
    }
    return i < n ? 0 : k;
}

static void jp_trace(struct jp_ctx *j, size_t i, const struct mr_tpl_value *v);

/* Children of an array or object, in enumeration order. */
static size_t jp_children(struct jp_ctx *j, const struct mr_tpl_value *v,
                          struct mr_tpl_value **vals, const size_t **order)
{
    *order = NULL;
    if (v->type == MR_TPL_V_ARR) {
        *vals = v->u.a->v;
        return v->u.a->n;
    }
    if (v->type == MR_TPL_V_OBJ) {
        *vals = v->u.o->v;
        *order = mr_template__obj_order(&j->rt->arena, v->u.o);
        return v->u.o->n;
    }
    return 0;
}

/* One operand of a filter: @.a.b, @['a'], @, a literal. */
static struct mr_tpl_value jp_operand(struct jp_ctx *j, const char *s, size_t n,
                                      const struct mr_tpl_value *at)
{
    const char *q;
    size_t qn;

    trim(&s, &n);
    if (n == 0)
        return mr_tpl_undef();
    if (s[0] == '@') {
        struct mr_tpl_value cur = *at;
        size_t i = 1;
        while (i < n) {
            const char *k;
            size_t kn;
            if (s[i] == '.') {
                size_t st = ++i;
                while (i < n && s[i] != '.' && s[i] != '[')
                    i++;
                k = s + st;
                kn = i - st;
            } else if (s[i] == '[') {
                const char *e = memchr(s + i, ']', n - i);
                if (!e)
                    return mr_tpl_undef();
                k = s + i + 1;
                kn = (size_t)(e - k);
                unquote(k, kn, &k, &kn);
                i = (size_t)(e - s) + 1;
            } else {
                return mr_tpl_undef(); /* @property, @.match(): not supported */
            }
            if (cur.type == MR_TPL_V_UNDEF || cur.type == MR_TPL_V_NULL)
                return mr_tpl_undef();
            cur = mr_template__lookup(j->rt, &cur, k, kn);
        }
        return cur;
    }
    if (unquote(s, n, &q, &qn))
        return mr_tpl_str(q, qn);
    if (n == 4 && memcmp(s, "true", 4) == 0)
        return mr_tpl_bool(true);
    if (n == 5 && memcmp(s, "false", 5) == 0)
        return mr_tpl_bool(false);
    if (n == 4 && memcmp(s, "null", 4) == 0)
        return mr_tpl_null();
    return mr_tpl_num(mr_template__str_to_number(s, n));
}

static bool jp_compare(struct jp_ctx *j, const char *s, size_t n, const struct mr_tpl_value *at)
{
    static const char *const ops[] = {"===", "!==", "==", "!=", "<=", ">=", "<", ">"};
    size_t i, o;
    char q = 0;

    trim(&s, &n);
    while (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
        s++;
        n -= 2;
        trim(&s, &n);
    }
    for (i = 0; i < n; i++) {
        if (q) {
            if (s[i] == q)
                q = 0;
            continue;
        }
        if (s[i] == '\'' || s[i] == '"') {
            q = s[i];
            continue;
        }
        for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
            size_t ol = strlen(ops[o]);
            if (i + ol <= n && memcmp(s + i, ops[o], ol) == 0) {
                struct mr_tpl_value a = jp_operand(j, s, i, at),
                                    b = jp_operand(j, s + i + ol, n - i - ol, at);
                double x, y;
                switch (o) {
                case 0:
                    return mr_template__strict_eq(&a, &b);
                case 1:
                    return !mr_template__strict_eq(&a, &b);
                case 2:
                    return mr_template__loose_eq(&a, &b);
                case 3:
                    return !mr_template__loose_eq(&a, &b);
                default:
                    if (a.type == MR_TPL_V_STR && b.type == MR_TPL_V_STR) {
                        size_t m = a.u.s.len < b.u.s.len ? a.u.s.len : b.u.s.len;
                        int c = memcmp(a.u.s.p, b.u.s.p, m);
                        if (c == 0)
                            c = a.u.s.len < b.u.s.len ? -1 : a.u.s.len > b.u.s.len;
                        x = c;
                        y = 0;
                    } else {
                        x = mr_template__to_number(&a);
                        y = mr_template__to_number(&b);
                    }
                    if (o == 4)
                        return x <= y;
                    if (o == 5)
                        return x >= y;
                    if (o == 6)
                        return x < y;
                    return x > y;
                }
            }
        }
    }
    {
        struct mr_tpl_value v = jp_operand(j, s, n, at);
        return mr_template__truthy(&v);
    }
}

/* Splits on a top-level operator ("&&" or "||") outside quotes and parens. */
static bool jp_split(const char *s, size_t n, const char *op, size_t *at)
{
    size_t i, depth = 0;
    char q = 0;

    for (i = 0; i + 1 < n; i++) {
        if (q) {
            if (s[i] == q)
                q = 0;
        } else if (s[i] == '\'' || s[i] == '"') {
            q = s[i];
        } else if (s[i] == '(') {
            depth++;
        } else if (s[i] == ')') {
            if (depth)
                depth--;
        } else if (depth == 0 && s[i] == op[0] && s[i + 1] == op[1]) {
            *at = i;
            return true;
        }
    }
    return false;
}

static bool jp_filter(struct jp_ctx *j, const char *s, size_t n, const struct mr_tpl_value *at,
                      int depth)
{
    size_t k;

    if (depth > 32)
        return false;
    trim(&s, &n);
    if (jp_split(s, n, "||", &k))
        return jp_filter(j, s, k, at, depth + 1) ||
               jp_filter(j, s + k + 2, n - k - 2, at, depth + 1);
    if (jp_split(s, n, "&&", &k))
        return jp_filter(j, s, k, at, depth + 1) &&
               jp_filter(j, s + k + 2, n - k - 2, at, depth + 1);
    if (n >= 2 && s[0] == '(' && s[n - 1] == ')')
        return jp_filter(j, s + 1, n - 2, at, depth + 1);
    if (n && s[0] == '!') {
        struct mr_tpl_value v = jp_operand(j, s + 1, n - 1, at);
        return !mr_template__truthy(&v);
    }
    return jp_compare(j, s, n, at);
}

static void jp_key(struct jp_ctx *j, size_t i, const struct mr_tpl_value *v, const char *k,
                   size_t kn)
{
    struct mr_tpl_value child;

    if (v->type == MR_TPL_V_UNDEF || v->type == MR_TPL_V_NULL)
        return;
    child = mr_template__lookup(j->rt, v, k, kn);
    if (child.type != MR_TPL_V_UNDEF)
        jp_trace(j, i + 1, &child);
}

static long parse_long(const char *s, size_t n, long def)
{
    long v = 0;
    bool neg = false, any = false;
    size_t i = 0;

    trim(&s, &n);
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        any = true;
        if (v < 100000000)
            v = v * 10 + (s[i] - '0');
    }
    return any ? (neg ? -v : v) : def;
}

static void jp_trace(struct jp_ctx *j, size_t i, const struct mr_tpl_value *v)
{
    const struct jp_seg *s;
    struct mr_tpl_value *vals;
    const size_t *order;
    size_t n, c;

    if (!mr_template__charge(j->rt, 1) || j->depth > MR_TPL_MAX_VALUE_DEPTH)
        return;
    if (i == j->nseg) {
        mr_template__arr_push(&j->rt->arena, j->out, *v);
        return;
    }
    s = &j->seg[i];
    switch (s->kind) {
    case JP_KEY: {
        const char *k;
        size_t kn;
        if (!unquote(s->p, s->n, &k, &kn)) {
            k = s->p;
            kn = s->n;
        }
        jp_key(j, i, v, k, kn);
        return;
    }
    case JP_ALL:
        j->multi = true;
        n = jp_children(j, v, &vals, &order);
        for (c = 0; c < n; c++)
            jp_trace(j, i + 1, &vals[order ? order[c] : c]);
        return;
    case JP_DESCEND:
        j->multi = true;
        jp_trace(j, i + 1, v);
        n = jp_children(j, v, &vals, &order);
        j->depth++;
        for (c = 0; c < n; c++) {
            const struct mr_tpl_value *ch = &vals[order ? order[c] : c];
            if (ch->type == MR_TPL_V_ARR || ch->type == MR_TPL_V_OBJ)
                jp_trace(j, i, ch);
        }
        j->depth--;
        return;
    case JP_UNION: {
        const char *p = s->p, *e = s->p + s->n;
        j->multi = true;
        while (p < e) {
            const char *comma = p, *k;
            char q = 0;
            size_t kn;
            for (; comma < e; comma++) {
                if (q) {
                    if (*comma == q)
                        q = 0;
                } else if (*comma == '\'' || *comma == '"') {
                    q = *comma;
                } else if (*comma == ',') {
                    break;
                }
            }
            k = p;
            kn = (size_t)(comma - p);
            trim(&k, &kn);
            unquote(k, kn, &k, &kn);
            jp_key(j, i, v, k, kn);
            p = comma + 1;
        }
        return;
    }
    case JP_SLICE: {
        const char *c1 = memchr(s->p, ':', s->n), *c2;
        long len, start, end, step;
        if (v->type != MR_TPL_V_ARR)
            return;
        j->multi = true;
        len = (long)v->u.a->n;
        c2 = memchr(c1 + 1, ':', (size_t)(s->p + s->n - c1 - 1));
        start = parse_long(s->p, (size_t)(c1 - s->p), 0);
        end = parse_long(c1 + 1, (size_t)((c2 ? c2 : s->p + s->n) - c1 - 1), len);
        step = c2 ? parse_long(c2 + 1, (size_t)(s->p + s->n - c2 - 1), 1) : 1;
        if (end == 0)
            end = len; /* `parseInt(end) || len`: 0 means the length */
        if (step <= 0)
            step = 1;
        start = start < 0 ? (start + len > 0 ? start + len : 0) : (start < len ? start : len);
        end = end < 0 ? (end + len > 0 ? end + len : 0) : (end < len ? end : len);
        for (; start < end; start += step)
            jp_trace(j, i + 1, &v->u.a->v[start]);
        return;
    }
    case JP_FILTER:
        j->multi = true;
        n = jp_children(j, v, &vals, &order);
        for (c = 0; c < n; c++) {
            const struct mr_tpl_value *ch = &vals[order ? order[c] : c];
            if (jp_filter(j, s->p, s->n, ch, 0))
                jp_trace(j, i + 1, ch);
        }
        return;
    default:
        return;
    }
}

struct mr_tpl_value mr_template__json_path(struct mr_tpl_rt *rt, const struct mr_tpl_value *data,
                                           const char *path, size_t len,
                                           const struct mr_tpl_value *def)
{
    struct jp_seg seg[64];
    struct jp_ctx j;
    size_t n;

    if (!walkable(data) || len == 0)
        return *data;
    if (data->type == MR_TPL_V_NULL)
        return *def;
    n = jp_parse(path, len, seg, sizeof(seg) / sizeof(seg[0]));
    if (n == 0 && !(len == 1 && path[0] == '$'))
        return *def;
    memset(&j, 0, sizeof(j));
    j.rt = rt;
    j.seg = seg;
    j.nseg = n;
    j.out = mr_template__arr_new(&rt->arena, 0);
    if (!j.out)
        return *def;
    jp_trace(&j, 0, data);
    if (j.out->n == 0)
        return *def;
    if (j.out->n == 1 && !j.multi)
        return j.out->v[0];
    return mr_tpl_arr(j.out);
}

struct mr_tpl_value mr_template__get_path(struct mr_tpl_rt *rt, const struct mr_tpl_value *data,
                                          const char *path, size_t len,
                                          const struct mr_tpl_value *def)
{
    if (len && path[0] == '$')
        return mr_template__json_path(rt, data, path, len, def);
    return mr_template__object_path(rt, data, path, len, def);
}
