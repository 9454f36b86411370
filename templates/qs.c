/*
 * qs.c - query strings and form bodies read as qs 6.16's parse() reads them,
 * into template values: with Express's options for the query ("extended"
 * parser) and with Mockoon's for form bodies (processRawBody). Part of the
 * template module (template_internal.h declares it); template_request.c
 * calls it.
 *
 * parse() is reproduced step by step: parseValues collects the decoded pairs
 * (a repeated key combines its values into an array), then each key, in
 * JavaScript's key order, is split into segments (splitKeyIntoSegments),
 * built into a small object (parseObject) and merged into the result with
 * utils.merge, whose rules decide what mixed shapes become: m=1&m[x]=2 gives
 * ["1",{"x":"2"}], m[x]=2&m=1 gives [{"x":"2"},"1"], a[0]=x&a[b]=y gives
 * {"0":"x","b":"y"}. Finally utils.compact squeezes the holes out of arrays.
 *
 * While building, arrays may have holes (a[2]=x is [ , , "x"]): a hole is
 * an undefined element, which qs values never are otherwise. An array that
 * would grow past arrayLimit becomes an object keyed by index that qs marks
 * as an "overflow" (mr_tpl_object.qs_overflow and qs_max stand in for its
 * side channel): later values go on at the next index.
 */
#include <math.h>
#include <string.h>

#include "common/text.h"
#include "templates/template_internal.h"

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
    struct mr_tpl_arena *arena;
    const struct qs_opts *o;
    struct mr_tpl_object *pairs; /* parseValues' result: key -> value or combined values */
};

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
    const char *k = mr_template__strndup(q->arena, buf, len);

    return k && mr_template__obj_set(q->arena, o, k, len, v);
}

/* arr[i] = v, growing the array with holes. */
static bool qs_arr_put(struct qs *q, struct mr_tpl_array *arr, size_t i, struct mr_tpl_value v)
{
    while (arr->n <= i)
        if (!mr_template__arr_push(q->arena, arr, mr_tpl_undef()))
            return false;
    arr->v[i] = v;
    return true;
}

/* utils.arrayToObject: the defined elements under their indexes. */
static struct mr_tpl_object *qs_array_to_object(struct qs *q, const struct mr_tpl_array *arr)
{
    struct mr_tpl_object *o = mr_template__obj_new(q->arena, 0);
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
        return mr_template__arr_push(q->arena, arr, *v);
    for (i = 0; i < v->u.a->n; i++)
        if (!mr_template__arr_push(q->arena, arr, v->u.a->v[i]))
            return false;
    return true;
}

/* [].concat(a, b), as an overflow object when longer than arrayLimit. */
static struct mr_tpl_value qs_concat(struct qs *q, const struct mr_tpl_value *a,
                                     const struct mr_tpl_value *b)
{
    struct mr_tpl_array *arr = mr_template__arr_new(q->arena, 2);

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

    while (p < e && (w = mr_text_js_space(p, e)) > 0)
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
                    struct mr_tpl_value empty_arr = mr_tpl_arr(mr_template__arr_new(q->arena, 0));
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
                struct mr_tpl_array *arr = mr_template__arr_new(q->arena, (size_t)index + 1);
                if (!arr || !qs_arr_put(q, arr, (size_t)index, leaf))
                    return mr_tpl_undef();
                leaf = mr_tpl_arr(arr);
                continue;
            }
            o = mr_template__obj_new(q->arena, 1);
            if (!o || !mr_template__obj_set(q->arena, o, clean, clen, leaf))
                return mr_tpl_undef();
            o->qs_overflow = true;
            o->qs_max = index;
            leaf = mr_tpl_obj(o);
            continue;
        }
        o = mr_template__obj_new(q->arena, 1);
        if (!o)
            return mr_tpl_undef();
        if (!(clen == 9 && memcmp(clean, "__proto__", 9) == 0) &&
            !mr_template__obj_set(q->arena, o, clean, clen, leaf))
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
    struct mr_tpl_array *arr = mr_template__arr_new(q->arena, 2);

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
            struct mr_tpl_array *arr = mr_template__arr_new(q->arena, next + 1);
            if (!arr || !qs_concat_into(q, arr, &target) || !qs_concat_into(q, arr, &source))
                return mr_tpl_undef();
            return qs_overflow(q, arr, next);
        }
        return mr_template__arr_push(q->arena, target.u.a, source) ? target : mr_tpl_undef();
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
        struct mr_tpl_object *o = mr_template__obj_new(q->arena, s->n + 1);
        size_t i;
        if (!o || !qs_set_index(q, o, 0, target))
            return mr_tpl_undef();
        for (i = 0; i < s->n; i++)
            qs_set_index(q, o, qs_parse_int(s->k[i].p, s->k[i].len) + 1, s->v[i]);
        o->qs_overflow = true;
        o->qs_max = s->qs_max + 1;
        return mr_tpl_obj(o);
    }
    arr = mr_template__arr_new(q->arena, 0);
    if (!arr || !mr_template__arr_push(q->arena, arr, target) || !qs_concat_into(q, arr, &source))
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
            else if (!mr_template__arr_push(q->arena, t, item))
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
    order = mr_template__obj_order(q->arena, src);
    for (i = 0; i < src->n; i++) {
        size_t e = order ? order[i] : i;
        const struct mr_tpl_key *k = &src->k[e];
        struct mr_tpl_value *old = mr_template__obj_get(acc, k->p, k->len);
        double index;
        if (old)
            *old = qs_merge(q, *old, src->v[e], depth + 1);
        else if (!mr_template__obj_set(q->arena, acc, k->p, k->len, src->v[e]))
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

static bool qs_begin(struct qs *q, struct mr_tpl_arena *a, const struct qs_opts *o)
{
    q->arena = a;
    q->o = o;
    q->pairs = mr_template__obj_new(a, 0);
    return q->pairs != NULL;
}

/* parseValues for one decoded pair: a repeated key combines its values. */
static void qs_add(struct qs *q, const char *key, size_t klen, struct mr_tpl_value value)
{
    struct mr_tpl_value *old = mr_template__obj_get(q->pairs, key, klen);

    if (old)
        *old = qs_combine(q, *old, value);
    else
        mr_template__obj_set(q->arena, q->pairs, key, klen, value);
}

/* The keys in JavaScript's order (integer-like ones first), each built and
 * merged into `root`, then compacted. */
static void qs_finish(struct qs *q, struct mr_tpl_object *root)
{
    const size_t *order = mr_template__obj_order(q->arena, q->pairs);
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

/* The text as qs.parse reads it: '&'-separated, at most 1000 parts; the
 * key ends at the first "]=" (so a[=]=1 has the key "a[=]") or else at the
 * first '='; %5B and %5D are brackets even where the rest fails to decode. */
void mr_template__qs_parse(struct mr_tpl_arena *a, struct mr_tpl_object *root, const char *s,
                           size_t n, enum mr_tpl_qs_mode mode)
{
    struct qs q;
    char *clean = NULL;
    size_t i = 0, parts = 0, j, k;

    if (!qs_begin(&q, a, mode == MR_TPL_QS_FORM ? &qs_form : &qs_query))
        return;
    for (j = 0; j < n && !clean; j++)
        if (pct_bracket(s, n, j))
            clean = mr_template__alloc(a, n + 1);
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
        key = form_decode(a, part, eq ? (size_t)(eq - part) : len, &klen);
        val = eq ? form_decode(a, eq + 1, len - (size_t)(eq - part) - 1, &vlen)
                 : form_decode(a, "", 0, &vlen);
        if (!key || !val)
            return;
        qs_add(&q, key, klen, mr_tpl_str(val, vlen));
        if (!amp)
            break;
        i += len + 1;
    }
    qs_finish(&q, root);
}
