/*
 * jsonpath_plus.c - the JSONPath dialect of JSONPath-Plus (the library behind
 * Mockoon's jsonPath helper, and its request helpers' paths that start with
 * '$'), over template values: "$.items[0]", "$..sku", "$.items[*]", unions
 * ("['a','b']"), slices ("[1:3]", "[-2:]") and filters comparing @.path
 * with literals ("[?(@.price < 10 && @.tag == 'x')]"). Script expressions
 * and @property-style filters match nothing. Part of the template module
 * (template_internal.h declares it).
 *
 * Not to be confused with the scenario loader's JSON-path locator (a
 * position in the scenario file) or the request matchers' body `jsonPath`.
 *
 * As JSONPath-Plus's _trace() does, a path is split into segments once, then
 * walked depth first from the root; every value reached at the end of the
 * path is collected. One result is returned as is, unless the path could
 * have matched several (a wildcard, `..`, a union, slice or filter): then
 * the results are an array.
 */
#include <string.h>

#include "templates/template_internal.h"

enum segment_kind { SEG_KEY, SEG_ALL, SEG_DESCEND, SEG_UNION, SEG_SLICE, SEG_FILTER, SEG_BAD };

struct segment {
    enum segment_kind kind;
    const char *p; /* key, union list, slice or filter text */
    size_t n;
};

struct search {
    struct mr_tpl_rt *rt;
    const struct segment *seg;
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

/* Splits a path into segments: how many, or 0 when it uses what mockrun
 * lacks. */
static size_t parse_segments(const char *p, size_t n, struct segment *seg, size_t max)
{
    size_t i = 0, k = 0;

    if (n && p[0] == '$')
        i = 1;
    else if (n && p[0] != '.' && p[0] != '[') {
        /* a relative path: the first name has no leading dot */
        size_t s = i;
        while (i < n && p[i] != '.' && p[i] != '[')
            i++;
        seg[k].kind = SEG_KEY;
        seg[k].p = p + s;
        seg[k++].n = i - s;
    }
    while (i < n && k + 1 < max) {
        if (p[i] == '.' && i + 1 < n && p[i + 1] == '.') {
            seg[k].kind = SEG_DESCEND;
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
                seg[k].kind = SEG_ALL;
            } else if (cn >= 3 && c[0] == '?' && c[1] == '(' && c[cn - 1] == ')') {
                seg[k].kind = SEG_FILTER;
                c += 2;
                cn -= 3;
            } else if (cn && c[0] == '(') {
                seg[k].kind = SEG_BAD; /* script expressions */
            } else if (!unquote(c, cn, &c, &cn) && memchr(c, ':', cn)) {
                seg[k].kind = SEG_SLICE;
            } else if (memchr(p + s, ',', i - 1 - s)) {
                seg[k].kind = SEG_UNION;
                c = p + s;
                cn = i - 1 - s;
            } else {
                seg[k].kind = SEG_KEY;
            }
            seg[k].p = c;
            seg[k++].n = cn;
            continue;
        }
        if (p[i] == '*') {
            seg[k].kind = SEG_ALL;
            seg[k].p = NULL;
            seg[k++].n = 0;
            i++;
            continue;
        }
        {
            size_t s = i;
            while (i < n && p[i] != '.' && p[i] != '[')
                i++;
            seg[k].kind = SEG_KEY;
            seg[k].p = p + s;
            seg[k++].n = i - s;
        }
    }
    return i < n ? 0 : k;
}

static void trace(struct search *j, size_t i, const struct mr_tpl_value *v);

/* Children of an array or object, in enumeration order. */
static size_t children(struct search *j, const struct mr_tpl_value *v, struct mr_tpl_value **vals,
                       const size_t **order)
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
static struct mr_tpl_value operand(struct search *j, const char *s, size_t n,
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

static bool compare(struct search *j, const char *s, size_t n, const struct mr_tpl_value *at)
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
                struct mr_tpl_value a = operand(j, s, i, at),
                                    b = operand(j, s + i + ol, n - i - ol, at);
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
        struct mr_tpl_value v = operand(j, s, n, at);
        return mr_template__truthy(&v);
    }
}

/* Splits on a top-level operator ("&&" or "||") outside quotes and parens. */
static bool split_at(const char *s, size_t n, const char *op, size_t *at)
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

static bool filter_holds(struct search *j, const char *s, size_t n, const struct mr_tpl_value *at,
                         int depth)
{
    size_t k;

    if (depth > 32)
        return false;
    trim(&s, &n);
    if (split_at(s, n, "||", &k))
        return filter_holds(j, s, k, at, depth + 1) ||
               filter_holds(j, s + k + 2, n - k - 2, at, depth + 1);
    if (split_at(s, n, "&&", &k))
        return filter_holds(j, s, k, at, depth + 1) &&
               filter_holds(j, s + k + 2, n - k - 2, at, depth + 1);
    if (n >= 2 && s[0] == '(' && s[n - 1] == ')')
        return filter_holds(j, s + 1, n - 2, at, depth + 1);
    if (n && s[0] == '!') {
        struct mr_tpl_value v = operand(j, s + 1, n - 1, at);
        return !mr_template__truthy(&v);
    }
    return compare(j, s, n, at);
}

static void trace_key(struct search *j, size_t i, const struct mr_tpl_value *v, const char *k,
                      size_t kn)
{
    struct mr_tpl_value child;

    if (v->type == MR_TPL_V_UNDEF || v->type == MR_TPL_V_NULL)
        return;
    child = mr_template__lookup(j->rt, v, k, kn);
    if (child.type != MR_TPL_V_UNDEF)
        trace(j, i + 1, &child);
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

static void trace(struct search *j, size_t i, const struct mr_tpl_value *v)
{
    const struct segment *s;
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
    case SEG_KEY: {
        const char *k;
        size_t kn;
        if (!unquote(s->p, s->n, &k, &kn)) {
            k = s->p;
            kn = s->n;
        }
        trace_key(j, i, v, k, kn);
        return;
    }
    case SEG_ALL:
        j->multi = true;
        n = children(j, v, &vals, &order);
        for (c = 0; c < n; c++)
            trace(j, i + 1, &vals[order ? order[c] : c]);
        return;
    case SEG_DESCEND:
        j->multi = true;
        trace(j, i + 1, v);
        n = children(j, v, &vals, &order);
        j->depth++;
        for (c = 0; c < n; c++) {
            const struct mr_tpl_value *ch = &vals[order ? order[c] : c];
            if (ch->type == MR_TPL_V_ARR || ch->type == MR_TPL_V_OBJ)
                trace(j, i, ch);
        }
        j->depth--;
        return;
    case SEG_UNION: {
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
            trace_key(j, i, v, k, kn);
            p = comma + 1;
        }
        return;
    }
    case SEG_SLICE: {
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
            trace(j, i + 1, &v->u.a->v[start]);
        return;
    }
    case SEG_FILTER:
        j->multi = true;
        n = children(j, v, &vals, &order);
        for (c = 0; c < n; c++) {
            const struct mr_tpl_value *ch = &vals[order ? order[c] : c];
            if (filter_holds(j, s->p, s->n, ch, 0))
                trace(j, i + 1, ch);
        }
        return;
    default:
        return;
    }
}

struct mr_tpl_value mr_template__jsonpath_plus(struct mr_tpl_rt *rt,
                                               const struct mr_tpl_value *data, const char *path,
                                               size_t len, const struct mr_tpl_value *def)
{
    struct segment seg[64];
    struct search j;
    size_t n;

    /* only objects are searched: typeof data === 'object' (null included) */
    if (!(mr_tpl_is_object(data) || data->type == MR_TPL_V_NULL) || len == 0)
        return *data;
    if (data->type == MR_TPL_V_NULL)
        return *def;
    n = parse_segments(path, len, seg, sizeof(seg) / sizeof(seg[0]));
    if (n == 0 && !(len == 1 && path[0] == '$'))
        return *def;
    memset(&j, 0, sizeof(j));
    j.rt = rt;
    j.seg = seg;
    j.nseg = n;
    j.out = mr_template__arr_new(&rt->arena, 0);
    if (!j.out)
        return *def;
    trace(&j, 0, data);
    if (j.out->n == 0)
        return *def;
    if (j.out->n == 1 && !j.multi)
        return j.out->v[0];
    return mr_tpl_arr(j.out);
}
