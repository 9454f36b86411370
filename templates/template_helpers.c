/*
 * template_helpers.c - the helpers: Handlebars' built-ins (if, unless, each,
 * with, lookup, log), Mockoon's helpers and request helpers, and mockrun's
 * and/or/not.
 *
 * Each Mockoon helper follows its TypeScript source in mockoon/mockoon
 * (packages/commons-server/src/libs/templating-helpers/helpers/<name>.ts and
 * request-helpers.ts), including its argument quirks: a JavaScript helper
 * receives Handlebars' `options` object after its parameters, so a missing
 * parameter is often that object (arg() below returns it), and a
 * SafeString is an object for `typeof`. Where Mockoon throws at render time
 * (and answers with an error), mockrun prints an empty string instead.
 *
 * Helpers that differ in one operation only (gt and lte, add and divide,
 * lowercase and uppercase, base64 and base64Decode...) are one function,
 * h_compare, h_arithmetic..., and the table at the end gives each name its
 * `op`.
 *
 * Random values come only from the render's generator.
 */
#define _GNU_SOURCE /* memmem: linear-time substring search */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/text.h"
#include "common/xmldoc.h"
#include "fakedata/datefmt.h"
#include "fakedata/faker.h"
#include "templates/template_internal.h"

/* Handlebars' options object, as seen by a helper's missing parameters. */
static struct mr_tpl_object options_object;
static const struct mr_tpl_value options_arg = {.type = MR_TPL_V_OBJ, .u.o = &options_object};
static const struct mr_tpl_value undefined_arg = {.type = MR_TPL_V_UNDEF};

/* The i-th JavaScript argument: a parameter, then `options`, then undefined. */
static inline const struct mr_tpl_value *arg(const struct mr_tpl_call *c, size_t i)
{
    if (i < c->argc)
        return &c->argv[i];
    return i == c->argc ? &options_arg : &undefined_arg;
}

/* Which operation of its family a helper performs (gt or lte, add or
 * divide...): the table's `op`, one function per family. */
static inline unsigned op(const struct mr_tpl_call *c)
{
    return c->site->helper->op;
}

static struct mr_tpl_value empty(void)
{
    return mr_tpl_str("", 0);
}

/* A NUL-terminated copy of a string value. */
static const char *cstr(struct mr_tpl_rt *rt, const struct mr_tpl_value *s)
{
    char *p = mr_template__strndup(&rt->arena, s->u.s.p, s->u.s.len);
    return p ? p : "";
}

static struct mr_tpl_value arena_str(struct mr_tpl_rt *rt, const char *p, size_t n, bool safe)
{
    char *d = mr_template__strndup(&rt->arena, p, n);
    struct mr_tpl_value v;

    if (!d) {
        mr_template__charge(rt, 0);
        return empty();
    }
    v = mr_tpl_str(d, n);
    v.safe = safe;
    return v;
}

static struct mr_tpl_value json_string(struct mr_tpl_rt *rt, const struct mr_tpl_value *v,
                                       int indent, bool safe)
{
    mr_buf_reset(&rt->scratch);
    if (!mr_template__append_json(&rt->scratch, v, indent)) {
        mr_buf_reset(&rt->scratch);
        return mr_tpl_undef();
    }
    return mr_template__take_scratch(rt, safe);
}

/* ---- Handlebars built-ins ----------------------------------------------------- */

static struct mr_tpl_value h_if(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *iz = mr_template__hash(c, "includeZero");
    const struct mr_tpl_value *v = &c->argv[0];
    bool falsy =
        ((!iz || !mr_template__truthy(iz)) && !mr_template__truthy(v)) || mr_template__is_empty(v);

    return mr_template__fn_value(rt, c, falsy, NULL, NULL, NULL, 0);
}

static struct mr_tpl_value h_unless(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *iz = mr_template__hash(c, "includeZero");
    const struct mr_tpl_value *v = &c->argv[0];
    bool falsy =
        ((!iz || !mr_template__truthy(iz)) && !mr_template__truthy(v)) || mr_template__is_empty(v);

    return mr_template__fn_value(rt, c, !falsy, NULL, NULL, NULL, 0);
}

/* @key, @index, @first and @last of a loop's data frame */
struct loop_vars {
    struct mr_tpl_value *key, *index, *first, *last;
};

static bool loop_vars(struct mr_tpl_rt *rt, struct mr_tpl_data_frame *f, struct loop_vars *lv,
                      bool key)
{
    lv->key = key ? mr_template__frame_slot(rt, f, "key", 3) : NULL;
    lv->index = mr_template__frame_slot(rt, f, "index", 5);
    lv->first = mr_template__frame_slot(rt, f, "first", 5);
    lv->last = mr_template__frame_slot(rt, f, "last", 4);
    return (lv->key || !key) && lv->index && lv->first && lv->last;
}

static void each_turn(struct mr_tpl_rt *rt, const struct mr_tpl_call *c,
                      struct mr_tpl_data_frame *f, const struct loop_vars *lv,
                      struct mr_tpl_value key, size_t index, bool last,
                      const struct mr_tpl_value *item)
{
    struct mr_tpl_value bp[2];

    *lv->key = key;
    *lv->index = mr_tpl_num((double)index);
    *lv->first = mr_tpl_bool(index == 0);
    *lv->last = mr_tpl_bool(last);
    bp[0] = *item;
    bp[1] = key;
    mr_template__fn_block(rt, c, false, item, f, bp, 2);
}

/* lib/handlebars/helpers/each.js */
static struct mr_tpl_value h_each(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *v = &c->argv[0];
    struct mr_tpl_data_frame *f = mr_template__frame_new(rt, false);
    struct loop_vars lv;
    size_t i, n = 0;

    if (!f || !loop_vars(rt, f, &lv, true))
        return mr_tpl_undef();
    if (v->type == MR_TPL_V_ARR) {
        n = v->u.a->n;
        for (i = 0; i < n && mr_template__charge(rt, 1); i++)
            each_turn(rt, c, f, &lv, mr_tpl_num((double)i), i, i == n - 1, &v->u.a->v[i]);
    } else if (v->type == MR_TPL_V_OBJ) {
        const size_t *order = mr_template__obj_order(&rt->arena, v->u.o);
        n = v->u.o->n;
        for (i = 0; i < n && mr_template__charge(rt, 1); i++) {
            size_t k = order ? order[i] : i;
            each_turn(rt, c, f, &lv, mr_tpl_str(v->u.o->k[k].p, v->u.o->k[k].len), i, i == n - 1,
                      &v->u.o->v[k]);
        }
    } else if (v->type == MR_TPL_V_STR && v->safe) {
        /* Object.keys(new SafeString(s)) is ["string"] */
        struct mr_tpl_value s = mr_tpl_unsafe(*v);
        n = 1;
        each_turn(rt, c, f, &lv, mr_tpl_str("string", 6), 0, true, &s);
    }
    if (n == 0)
        mr_template__fn_block(rt, c, true, NULL, NULL, NULL, 0);
    return mr_tpl_undef();
}

static struct mr_tpl_value h_with(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *v = &c->argv[0];

    if (!mr_template__is_empty(v))
        return mr_template__fn_value(rt, c, false, v, NULL, v, 1);
    return mr_template__fn_value(rt, c, true, NULL, NULL, NULL, 0);
}

/* lookup.js: a falsy object comes back as is; with one argument Handlebars
 * would then read `options` from undefined and throw */
static struct mr_tpl_value h_lookup(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *obj = &c->argv[0];
    struct mr_tpl_value key;

    if (!mr_template__truthy(obj))
        return *obj;
    if (c->argc < 2)
        return mr_tpl_undef();
    key = mr_template__to_str(rt, &c->argv[1]);
    return mr_template__lookup(rt, obj, key.u.s.p, key.u.s.len);
}

static struct mr_tpl_value h_log(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    (void)rt;
    (void)c;
    return mr_tpl_undef();
}

/* ---- mockrun's logic helpers (not in Mockoon) ----------------------------------- */

static struct mr_tpl_value h_and(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    size_t i;

    (void)rt;
    for (i = 0; i < c->argc; i++)
        if (!mr_template__truthy(&c->argv[i]))
            return mr_tpl_bool(false);
    return mr_tpl_bool(true);
}

static struct mr_tpl_value h_or(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    size_t i;

    (void)rt;
    for (i = 0; i < c->argc; i++)
        if (mr_template__truthy(&c->argv[i]))
            return mr_tpl_bool(true);
    return mr_tpl_bool(false);
}

static struct mr_tpl_value h_not(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    (void)rt;
    return mr_tpl_bool(c->argc == 0 || !mr_template__truthy(&c->argv[0]));
}

/* ---- block helpers: repeat, switch/case/default ---------------------------------- */

/* helpers/repeat.ts */
static struct mr_tpl_value h_repeat(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *comma = mr_template__hash(c, "comma");
    bool commas = !(comma && comma->type == MR_TPL_V_BOOL && !comma->u.b);
    struct mr_tpl_data_frame *f = mr_template__frame_new(rt, true);
    struct loop_vars lv;
    struct mr_tpl_value total, *total_slot = NULL;
    double count;
    size_t start = rt->out->len, i;

    if (!f || !loop_vars(rt, f, &lv, false) ||
        !(total_slot = mr_template__frame_slot(rt, f, "total", 5)))
        return mr_tpl_undef();
    if (c->argc == 2) {
        count = mr_template__random_int(rt, mr_template__to_number(&c->argv[0]),
                                        mr_template__to_number(&c->argv[1]));
        total = mr_tpl_num(count);
    } else {
        count = mr_template__to_number(&c->argv[0]);
        total = c->argv[0];
    }
    for (i = 0; (double)i < count && i < MR_TPL_MAX_REPEAT; i++) {
        if (!mr_template__charge(rt, 1))
            break;
        *lv.index = mr_tpl_num((double)i);
        *total_slot = total;
        *lv.first = mr_tpl_bool(i == 0);
        *lv.last = mr_tpl_bool((double)i == count - 1);
        mr_template__fn_block(rt, c, false, NULL, f, NULL, 0);
        if (rt->stop)
            break;
        if (commas && rt->out->len >= start) {
            /* trimEnd(), then a comma between items and none after the last */
            struct mr_buf *o = rt->out;
            size_t len = o->len - start;
            len -= mr_template__js_trailing_space(o->data ? o->data + start : "", len);
            o->len = start + len;
            if (o->data)
                o->data[o->len] = '\0';
            if ((double)i < count - 1 && !(len && o->data[o->len - 1] == ','))
                mr_template__emit(rt, ",", 1);
            else if ((double)i == count - 1 && len && o->data[o->len - 1] == ',')
                o->data[--o->len] = '\0';
            mr_template__emit(rt, "\n", 1);
        }
    }
    return mr_tpl_undef();
}

/* helpers/switch.ts: the value and a `found` flag live in the data frame */
static struct mr_tpl_value h_switch(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    mr_template__frame_set(rt, rt->data, "found", 5, mr_tpl_bool(false));
    mr_template__frame_set(rt, rt->data, "switchValue", 11, mr_tpl_unsafe(c->argv[0]));
    return mr_template__fn_value(rt, c, false, NULL, NULL, NULL, 0);
}

static struct mr_tpl_value h_case(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value sv = mr_template__frame_get(rt->data, "switchValue", 11);
    struct mr_tpl_value found = mr_template__frame_get(rt->data, "found", 5);

    if (mr_template__strict_eq(&c->argv[0], &sv) && !mr_template__truthy(&found)) {
        mr_template__frame_set(rt, rt->data, "found", 5, mr_tpl_bool(true));
        return mr_template__fn_value(rt, c, false, NULL, NULL, NULL, 0);
    }
    return mr_tpl_undef();
}

static struct mr_tpl_value h_default(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value found = mr_template__frame_get(rt->data, "found", 5);

    if (!mr_template__truthy(&found)) {
        mr_template__frame_set(rt, rt->data, "switchValue", 11, mr_tpl_undef());
        return mr_template__fn_value(rt, c, false, NULL, NULL, NULL, 0);
    }
    return empty();
}

/* ---- variables ------------------------------------------------------------------ */

static struct mr_tpl_value h_setVar(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value name;

    if (c->argc < 2)
        return mr_tpl_undef();
    name = mr_template__to_str(rt, &c->argv[0]);
    mr_template__frame_set(rt, rt->data, name.u.s.p, name.u.s.len, mr_tpl_unsafe(c->argv[1]));
    return mr_tpl_undef();
}

static struct mr_tpl_value h_getVar(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value name;

    if (c->argc < 1)
        return mr_tpl_undef();
    name = mr_template__to_str(rt, &c->argv[0]);
    return mr_template__frame_get(rt->data, name.u.s.p, name.u.s.len);
}

/* ---- comparisons ------------------------------------------------------------------ */

static struct mr_tpl_value h_eq(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value a, b;

    (void)rt;
    if (c->argc < 2)
        return mr_tpl_bool(false);
    a = mr_tpl_unsafe(c->argv[0]);
    b = mr_tpl_unsafe(c->argv[1]);
    return mr_tpl_bool(mr_template__strict_eq(&a, &b));
}

enum { CMP_GT, CMP_GTE, CMP_LT, CMP_LTE };

/* gt, gte, lt, lte: Number() of both sides, false when either is NaN */
static struct mr_tpl_value h_compare(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    double a = mr_template__to_number(arg(c, 0)), b = mr_template__to_number(arg(c, 1));

    (void)rt;
    if (isnan(a) || isnan(b))
        return mr_tpl_bool(false);
    switch (op(c)) {
    case CMP_GT:
        return mr_tpl_bool(a > b);
    case CMP_GTE:
        return mr_tpl_bool(a >= b);
    case CMP_LT:
        return mr_tpl_bool(a < b);
    default:
        return mr_tpl_bool(a <= b);
    }
}

/* ---- numbers ---------------------------------------------------------------------- */

enum { ARITH_ADD, ARITH_SUBTRACT, ARITH_MULTIPLY, ARITH_DIVIDE };

/* add/subtract/multiply/divide: args.reduce() over the parameters and the
 * options object, skipping NaN items (and zeros for divide). */
static struct mr_tpl_value h_arithmetic(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    unsigned o = op(c);
    double sum;
    size_t i;

    (void)rt;
    if (c->argc == 0)
        return empty();
    sum = mr_template__to_number(&c->argv[0]);
    for (i = 1; i < c->argc; i++) {
        double x = mr_template__to_number(&c->argv[i]);
        if (isnan(x) || (o == ARITH_DIVIDE && x == 0))
            continue;
        switch (o) {
        case ARITH_ADD:
            sum += x;
            break;
        case ARITH_SUBTRACT:
            sum -= x;
            break;
        case ARITH_MULTIPLY:
            sum *= x;
            break;
        default:
            sum /= x;
            break;
        }
    }
    return mr_tpl_num(sum);
}

static struct mr_tpl_value h_modulo(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    double a, b;

    (void)rt;
    if (c->argc <= 1)
        return empty();
    b = mr_template__to_number(&c->argv[1]);
    if (b == 0)
        return empty();
    a = mr_template__to_number(&c->argv[0]);
    return mr_tpl_num(fmod(a, b));
}

static double js_round(double x)
{
    double r;

    if (!isfinite(x))
        return x;
    r = floor(x);
    if (x - r >= 0.5)
        r += 1;
    return r;
}

enum { ROUND_CEIL, ROUND_FLOOR, ROUND_HALF_UP };

/* ceil, floor, round: Math.ceil, Math.floor, Math.round of Number(arg) */
static struct mr_tpl_value h_rounding(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    static double (*const fn[])(double) = {
        [ROUND_CEIL] = ceil, [ROUND_FLOOR] = floor, [ROUND_HALF_UP] = js_round};

    (void)rt;
    if (c->argc == 0)
        return empty();
    return mr_tpl_num(fn[op(c)](mr_template__to_number(&c->argv[0])));
}

/* Number.prototype.toFixed: the exact decimal value rounded half up. */
static struct mr_tpl_value h_toFixed(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    double x = mr_template__to_number(arg(c, 0)), d = mr_template__to_number(arg(c, 1));
    char exact[1200], res[1200], num[32];
    size_t n, point, i, k = 0;
    long f;
    bool neg;

    if (isnan(x))
        x = 0;
    if (isnan(d))
        d = 0;
    d = trunc(d);
    if (d < 0 || d > 100)
        return empty(); /* RangeError */
    f = (long)d;
    if (!isfinite(x) || fabs(x) >= 1e21)
        return arena_str(rt, num, mr_number_text(x, num), false);
    neg = x < 0;
    x = neg ? -x : x + 0.0; /* printf would print -0's sign */
    snprintf(exact, sizeof(exact), "%.1100f", x);
    n = strlen(exact);
    point = (size_t)(strchr(exact, '.') - exact);
    /* keep point + f digits, then round on the next one */
    memcpy(res, exact, point);
    k = point;
    for (i = 0; i < (size_t)f; i++)
        res[k++] = exact[point + 1 + i];
    if (point + 1 + (size_t)f < n && exact[point + 1 + f] >= '5') {
        long j = (long)k - 1;
        for (; j >= 0; j--) {
            if (res[j] == '9') {
                res[j] = '0';
            } else {
                res[j]++;
                break;
            }
        }
        if (j < 0) {
            memmove(res + 1, res, k);
            res[0] = '1';
            k++;
            point++;
        }
    }
    /* res holds the digits: the integer part, then f decimals */
    {
        char out[1300];
        size_t o = 0;
        if (neg)
            out[o++] = '-';
        memcpy(out + o, res, point);
        o += point;
        if (f > 0) {
            out[o++] = '.';
            memcpy(out + o, res + point, (size_t)f);
            o += (size_t)f;
        }
        return arena_str(rt, out, o, false);
    }
}

/* JavaScript's parseInt(String(v), 10): leading spaces, a sign, then the
 * longest run of digits. False (NaN) when there is no digit. */
static bool js_parse_int(struct mr_tpl_rt *rt, const struct mr_tpl_value *v, double *out)
{
    struct mr_tpl_value s = mr_template__to_str(rt, v);
    const char *p = s.u.s.p, *e = p + s.u.s.len;
    char buf[64];
    size_t n = 0, w;
    bool neg = false;
    double d;

    while (p < e && (w = mr_text_js_space(p, e)) > 0)
        p += w;
    if (p < e && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    while (p < e && *p == '0' && p + 1 < e && p[1] >= '0' && p[1] <= '9')
        p++;
    while (p < e && *p >= '0' && *p <= '9') {
        if (n < sizeof(buf) - 1)
            buf[n++] = *p;
        else if (n < sizeof(buf) + 400)
            n++; /* too many digits to hold: only the magnitude matters */
        p++;
    }
    if (n == 0)
        return false;
    if (n >= sizeof(buf)) {
        d = strtod(buf, NULL) * pow(10, (double)(n - (sizeof(buf) - 1)));
    } else {
        buf[n] = '\0';
        d = strtod(buf, NULL);
    }
    *out = neg ? -d : d;
    return true;
}

static struct mr_tpl_value h_parseInt(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    double v;

    if (c->argc == 0 || !js_parse_int(rt, &c->argv[0], &v))
        return empty();
    return mr_tpl_num(v);
}

/* ---- strings ------------------------------------------------------------------------ */

/* The `data.toString()` most string helpers start from: objects (but not a
 * SafeString) and undefined become "". */
static struct mr_tpl_value text_arg(struct mr_tpl_rt *rt, const struct mr_tpl_value *v)
{
    if (v->type == MR_TPL_V_UNDEF || v->type == MR_TPL_V_NULL || v->type == MR_TPL_V_ARR ||
        v->type == MR_TPL_V_OBJ)
        return empty();
    return mr_template__to_str(rt, v);
}

static bool find_bytes(const char *h, size_t hn, const char *n, size_t nn, size_t from, size_t *at)
{
    const char *hit;

    if (nn == 0) {
        *at = from <= hn ? from : hn;
        return true;
    }
    if (from >= hn || hn - from < nn)
        return false;
    hit = memmem(h + from, hn - from, n, nn);
    if (!hit)
        return false;
    *at = (size_t)(hit - h);
    return true;
}

static struct mr_tpl_value h_includes(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value d = text_arg(rt, arg(c, 0)), s = text_arg(rt, arg(c, 1));
    size_t at;

    return mr_tpl_bool(find_bytes(d.u.s.p, d.u.s.len, s.u.s.p, s.u.s.len, 0, &at));
}

static struct mr_tpl_value h_indexOf(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value d = text_arg(rt, arg(c, 0)), s = text_arg(rt, arg(c, 1));
    const struct mr_tpl_value *pos = arg(c, 2);
    size_t from = 0, at;

    if (pos->type != MR_TPL_V_UNDEF && pos->type != MR_TPL_V_NULL && pos->type != MR_TPL_V_ARR &&
        pos->type != MR_TPL_V_OBJ) {
        struct mr_tpl_value ps = mr_template__to_str(rt, pos);
        double p = mr_template__str_to_number(ps.u.s.p, ps.u.s.len);
        size_t units = mr_template__u16_len(d.u.s.p, d.u.s.len);
        if (isnan(p) || p < 0)
            p = 0;
        if (p > (double)units)
            p = (double)units;
        from = mr_template__u16_offset(d.u.s.p, d.u.s.len, (size_t)p);
    }
    if (!find_bytes(d.u.s.p, d.u.s.len, s.u.s.p, s.u.s.len, from, &at))
        return mr_tpl_num(-1);
    return mr_tpl_num((double)mr_template__u16_index(d.u.s.p, d.u.s.len, at));
}

/* String.prototype.substr(start, length), in UTF-16 units */
static struct mr_tpl_value h_substr(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value d = text_arg(rt, arg(c, 0));
    const struct mr_tpl_value *from = arg(c, 1), *len = arg(c, 2);
    double size = (double)mr_template__u16_len(d.u.s.p, d.u.s.len), start = 0, count;
    size_t a, b;

    if (from->type != MR_TPL_V_UNDEF && from->type != MR_TPL_V_NULL && from->type != MR_TPL_V_ARR &&
        from->type != MR_TPL_V_OBJ) {
        struct mr_tpl_value fs = mr_template__to_str(rt, from);
        start = mr_template__str_to_number(fs.u.s.p, fs.u.s.len);
        start = isnan(start) ? 0 : trunc(start);
    }
    if (start < 0)
        start = start + size > 0 ? start + size : 0;
    if (start > size)
        start = size;
    count = size - start;
    if (len->type != MR_TPL_V_UNDEF && len->type != MR_TPL_V_NULL && len->type != MR_TPL_V_ARR &&
        len->type != MR_TPL_V_OBJ) {
        struct mr_tpl_value ls = mr_template__to_str(rt, len);
        double l = mr_template__str_to_number(ls.u.s.p, ls.u.s.len);
        l = isnan(l) ? 0 : trunc(l);
        if (l < count)
            count = l < 0 ? 0 : l;
    }
    a = mr_template__u16_offset(d.u.s.p, d.u.s.len, (size_t)start);
    b = mr_template__u16_offset(d.u.s.p, d.u.s.len, (size_t)(start + count));
    return mr_tpl_str(d.u.s.p + a, b - a);
}

enum { CASE_LOWER, CASE_UPPER };

/* lowercase, uppercase: String.prototype.toLowerCase/toUpperCase */
static struct mr_tpl_value h_case_change(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value t;

    if (c->argc == 0)
        return empty();
    t = mr_tpl_unsafe(c->argv[0]);
    if (t.type != MR_TPL_V_STR)
        return empty(); /* toLowerCase is not a function */
    mr_buf_reset(&rt->scratch);
    mr_template__append_case(&rt->scratch, t.u.s.p, t.u.s.len, op(c) == CASE_UPPER);
    return mr_template__take_scratch(rt, false);
}

static struct mr_tpl_value h_split(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value data, sep = mr_tpl_str(" ", 1);
    struct mr_tpl_array *arr;
    size_t i = 0, at;

    if (c->argc == 0)
        return empty();
    data = mr_tpl_unsafe(c->argv[0]);
    if (c->argc >= 2 && mr_tpl_is_plain_str(&c->argv[1]) && c->argv[1].u.s.len)
        sep = c->argv[1];
    if (data.type != MR_TPL_V_STR || data.u.s.len == 0)
        return empty();
    arr = mr_template__arr_new(&rt->arena, 0);
    if (!arr)
        return empty();
    while (find_bytes(data.u.s.p, data.u.s.len, sep.u.s.p, sep.u.s.len, i, &at)) {
        if (!mr_template__arr_push(&rt->arena, arr, mr_tpl_str(data.u.s.p + i, at - i)))
            return empty();
        i = at + sep.u.s.len;
        if (!mr_template__charge(rt, 1))
            return empty();
    }
    mr_template__arr_push(&rt->arena, arr, mr_tpl_str(data.u.s.p + i, data.u.s.len - i));
    return mr_tpl_arr(arr);
}

static struct mr_tpl_value h_join(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *arr = arg(c, 0), *sep = arg(c, 1);
    size_t i;

    if (arr->type != MR_TPL_V_ARR)
        return *arr;
    mr_buf_reset(&rt->scratch);
    for (i = 0; i < arr->u.a->n; i++) {
        const struct mr_tpl_value *e = &arr->u.a->v[i];
        if (i) {
            if (mr_tpl_is_plain_str(sep))
                mr_buf_append(&rt->scratch, sep->u.s.p, sep->u.s.len);
            else
                mr_buf_append(&rt->scratch, ", ", 2);
        }
        mr_template__append_output(&rt->scratch, e);
        if (rt->scratch.len > MR_TPL_MAX_OUTPUT)
            break;
    }
    return mr_template__take_scratch(rt, false);
}

static struct mr_tpl_value h_concat(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    size_t i, j;

    if (c->argc == 0)
        return empty();
    if (c->argv[0].type == MR_TPL_V_ARR) {
        struct mr_tpl_array *arr = mr_template__arr_new(&rt->arena, 0);
        if (!arr)
            return empty();
        for (i = 0; i < c->argc; i++) {
            const struct mr_tpl_value *p = &c->argv[i];
            if (p->type == MR_TPL_V_ARR) {
                for (j = 0; j < p->u.a->n; j++)
                    mr_template__arr_push(&rt->arena, arr, p->u.a->v[j]);
            } else {
                mr_template__arr_push(&rt->arena, arr, *p);
            }
        }
        return mr_tpl_arr(arr);
    }
    mr_buf_reset(&rt->scratch);
    for (i = 0; i < c->argc && rt->scratch.len <= MR_TPL_MAX_OUTPUT; i++)
        mr_template__append_string(&rt->scratch, &c->argv[i]);
    return mr_template__take_scratch(rt, false);
}

/* String.prototype.replace's $$, $&, $` and $' (a string pattern has no groups). */
static void substitute(struct mr_buf *b, const struct mr_tpl_value *in, size_t at, size_t mlen,
                       const struct mr_tpl_value *rep)
{
    const char *r = rep->u.s.p;
    size_t n = rep->u.s.len, i;

    for (i = 0; i < n; i++) {
        if (r[i] == '$' && i + 1 < n) {
            char x = r[i + 1];
            if (x == '$') {
                mr_buf_putc(b, '$');
                i++;
                continue;
            }
            if (x == '&') {
                mr_buf_append(b, in->u.s.p + at, mlen);
                i++;
                continue;
            }
            if (x == '`') {
                mr_buf_append(b, in->u.s.p, at);
                i++;
                continue;
            }
            if (x == '\'') {
                mr_buf_append(b, in->u.s.p + at + mlen, in->u.s.len - at - mlen);
                i++;
                continue;
            }
        }
        mr_buf_putc(b, r[i]);
    }
}

enum { REPLACE_FIRST, REPLACE_ALL };

/* helpers/replace.ts and replaceAll.ts: plain-string search, not regular
 * expressions (replaceAll escapes the search before building its RegExp). */
static struct mr_tpl_value h_replace(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    bool all = op(c) == REPLACE_ALL;
    struct mr_tpl_value in, search, rep;
    size_t i = 0, at;

    if (c->argc < 3)
        return empty();
    in = mr_tpl_unsafe(c->argv[0]);
    search = mr_tpl_unsafe(c->argv[1]);
    rep = mr_tpl_unsafe(c->argv[2]);
    if (in.type != MR_TPL_V_STR || search.type != MR_TPL_V_STR || rep.type != MR_TPL_V_STR)
        return empty();
    if (search.u.s.len == 0)
        return in;
    mr_buf_reset(&rt->scratch);
    while (find_bytes(in.u.s.p, in.u.s.len, search.u.s.p, search.u.s.len, i, &at)) {
        mr_buf_append(&rt->scratch, in.u.s.p + i, at - i);
        substitute(&rt->scratch, &in, at, search.u.s.len, &rep);
        i = at + search.u.s.len;
        if (!all || rt->scratch.len > MR_TPL_MAX_OUTPUT || !mr_template__charge(rt, 1))
            break;
    }
    mr_buf_append(&rt->scratch, in.u.s.p + i, in.u.s.len - i);
    return mr_template__take_scratch(rt, false);
}

enum { PAD_START, PAD_END };

/* padStart, padEnd: String.prototype's, in UTF-16 units */
static struct mr_tpl_value h_pad(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    bool start = op(c) == PAD_START;
    struct mr_tpl_value value, fill = mr_tpl_str(" ", 1);
    struct mr_buf *b = &rt->scratch;
    double len;
    size_t have, want, fu, copies, rest, from, done;

    if (c->argc == 0)
        return empty();
    value = mr_template__to_str(rt, &c->argv[0]);
    len = c->argc >= 2 ? mr_template__to_number(&c->argv[1]) : 0;
    if (c->argc == 3)
        fill = mr_template__to_str(rt, &c->argv[2]);
    have = mr_template__u16_len(value.u.s.p, value.u.s.len);
    if (isnan(len) || len <= (double)have || fill.u.s.len == 0)
        return value;
    if (len > (double)MR_TPL_MAX_OUTPUT)
        len = (double)MR_TPL_MAX_OUTPUT;
    want = (size_t)len - have;
    /* the fill string repeated and cut to `want` UTF-16 units */
    fu = mr_template__u16_len(fill.u.s.p, fill.u.s.len);
    if (fu == 0)
        fu = fill.u.s.len; /* stray continuation bytes: count bytes */
    copies = want / fu;
    rest = want % fu;
    mr_buf_reset(b);
    if (!start)
        mr_buf_append(b, value.u.s.p, value.u.s.len);
    from = b->len;
    if (copies) {
        mr_buf_append(b, fill.u.s.p, fill.u.s.len);
        /* double what is there rather than append copies one by one */
        for (done = 1; done < copies && !b->failed;) {
            size_t k = done < copies - done ? done : copies - done, n = k * fill.u.s.len;
            if (!mr_buf_reserve(b, n))
                break;
            memcpy(b->data + b->len, b->data + from, n);
            b->len += n;
            b->data[b->len] = '\0';
            done += k;
        }
    }
    if (rest)
        mr_buf_append(b, fill.u.s.p, mr_template__u16_offset(fill.u.s.p, fill.u.s.len, rest));
    if (start)
        mr_buf_append(b, value.u.s.p, value.u.s.len);
    return mr_template__take_scratch(rt, false);
}

static struct mr_tpl_value h_len(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *v = arg(c, 0);

    (void)rt;
    if (mr_tpl_is_plain_str(v))
        return mr_tpl_num((double)mr_template__u16_len(v->u.s.p, v->u.s.len));
    if (v->type == MR_TPL_V_ARR)
        return mr_tpl_num((double)v->u.a->n);
    return mr_tpl_num(0);
}

static struct mr_tpl_value h_newline(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    (void)rt;
    (void)c;
    return mr_tpl_str("\n", 1);
}

/* ---- base64 and JWT ----------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void b64_encode(struct mr_buf *b, const unsigned char *s, size_t n, bool url)
{
    const char *al = url ? b64url : b64;
    size_t i;

    for (i = 0; i + 2 < n; i += 3) {
        char q[4] = {al[s[i] >> 2], al[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
                     al[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)], al[s[i + 2] & 63]};
        mr_buf_append(b, q, 4);
    }
    if (n - i == 1) {
        char q[4] = {al[s[i] >> 2], al[(s[i] & 3) << 4], '=', '='};
        mr_buf_append(b, q, url ? 2 : 4);
    } else if (n - i == 2) {
        char q[4] = {al[s[i] >> 2], al[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
                     al[(s[i + 1] & 15) << 2], '='};
        mr_buf_append(b, q, url ? 3 : 4);
    }
}

static int b64_value(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+' || ch == '-')
        return 62;
    if (ch == '/' || ch == '_')
        return 63;
    return -1;
}

/* Node's Buffer.from(s, 'base64'): both alphabets, other characters
 * skipped, stop at '=', at most (len * 3) >> 2 bytes. Returns raw bytes. */
static size_t b64_decode(char *out, const char *s, size_t n)
{
    size_t len = n, max, k = 0, i;
    unsigned acc = 0;
    int bits = 0;

    if (len && s[len - 1] == '=')
        len--;
    if (len > 1 && s[len - 1] == '=')
        len--;
    max = (len * 3) >> 2;
    for (i = 0; i < n && k < max; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (s[i] == '=')
            break;
        if (v < 0)
            continue;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (char)((acc >> bits) & 0xff);
        }
    }
    return k;
}

/* The helper's content: the first parameter, or the block ({{#base64}}). */
static bool content_arg(struct mr_tpl_rt *rt, const struct mr_tpl_call *c, struct mr_tpl_value *out)
{
    if (c->argc == 0) {
        if (!c->block)
            return false;
        *out = mr_template__capture(rt, c, NULL);
        return true;
    }
    if (c->argv[0].type == MR_TPL_V_UNDEF || c->argv[0].type == MR_TPL_V_NULL)
        return false; /* undefined.toString() throws */
    *out = mr_template__to_str(rt, &c->argv[0]);
    return true;
}

static struct mr_tpl_value decode_text(struct mr_tpl_rt *rt, const struct mr_tpl_value *s,
                                       bool safe)
{
    char *raw = mr_template__alloc(&rt->arena, s->u.s.len + 1);
    size_t n;

    if (!raw)
        return empty();
    n = b64_decode(raw, s->u.s.p, s->u.s.len);
    mr_buf_reset(&rt->scratch);
    mr_template__append_utf8(&rt->scratch, raw, n);
    return mr_template__take_scratch(rt, safe);
}

enum { BASE64_ENCODE, BASE64URL_ENCODE, BASE64_DECODE };

/* base64, base64url (SafeStrings), and base64Decode and base64urlDecode,
 * which are one: Node's Buffer.from(s, 'base64') reads both alphabets. */
static struct mr_tpl_value h_base64(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value s;

    if (!content_arg(rt, c, &s))
        return empty();
    if (op(c) == BASE64_DECODE)
        return decode_text(rt, &s, true);
    mr_buf_reset(&rt->scratch);
    b64_encode(&rt->scratch, (const unsigned char *)s.u.s.p, s.u.s.len, op(c) == BASE64URL_ENCODE);
    return mr_template__take_scratch(rt, true);
}

enum { JWT_HEADER, JWT_PAYLOAD }; /* the index of the token's part */

/* helpers/jwt.ts: jwtHeader and jwtPayload */
static struct mr_tpl_value h_jwt(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value jwt, key, text, obj;
    const char *p, *e, *dot;
    unsigned i, part = op(c);

    if (c->argc < 1)
        return mr_tpl_undef();
    jwt = mr_tpl_unsafe(c->argv[0]);
    if (jwt.type != MR_TPL_V_STR)
        return mr_tpl_undef();
    p = jwt.u.s.p;
    e = p + jwt.u.s.len;
    if (e - p >= 7 && memcmp(p, "Bearer ", 7) == 0)
        p += 7;
    for (i = 0; i < part; i++) {
        dot = memchr(p, '.', (size_t)(e - p));
        if (!dot)
            return mr_tpl_undef();
        p = dot + 1;
    }
    dot = memchr(p, '.', (size_t)(e - p));
    text = mr_tpl_str(p, (size_t)((dot ? dot : e) - p));
    text = decode_text(rt, &text, false);
    if (text.type != MR_TPL_V_STR ||
        !mr_template__parse_json(&rt->arena, text.u.s.p, text.u.s.len, &obj))
        return mr_tpl_undef();
    if (c->argc < 2)
        return obj;
    key = mr_tpl_unsafe(c->argv[1]);
    if (key.type == MR_TPL_V_UNDEF)
        return obj;
    if (obj.type == MR_TPL_V_NULL)
        return mr_tpl_undef();
    key = mr_template__to_str(rt, &key);
    return mr_template__lookup(rt, &obj, key.u.s.p, key.u.s.len);
}

/* ---- JSON ----------------------------------------------------------------------------- */

/* helpers/stringify.ts: JSON.stringify(data, unwrapSafeStrings, 2) */
static struct mr_tpl_value h_stringify(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *v;

    if (c->argc == 0)
        return mr_tpl_undef();
    v = &c->argv[0];
    if (mr_tpl_is_object(v)) {
        struct mr_tpl_value plain = mr_tpl_unsafe(*v);
        return json_string(rt, &plain, 2, false);
    }
    return *v;
}

static struct mr_tpl_value h_jsonParse(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value t, v;

    if (c->argc == 0)
        return mr_tpl_undef();
    t = mr_tpl_unsafe(c->argv[0]);
    if (t.type != MR_TPL_V_STR || !mr_template__parse_json(&rt->arena, t.u.s.p, t.u.s.len, &v))
        return mr_tpl_undef();
    return v;
}

/* {{jsonPath request.body '$.x'}} (WireMock style) parses the body text: a
 * mockrun extension. Any other string stays text, as in Mockoon. */
static struct mr_tpl_value json_data(struct mr_tpl_rt *rt, const struct mr_tpl_value *v)
{
    struct mr_tpl_value d = mr_tpl_unsafe(*v), parsed;
    size_t i = 0;

    if (v->type != MR_TPL_V_STR || !v->json_text)
        return d;
    while (i < d.u.s.len &&
           (d.u.s.p[i] == ' ' || d.u.s.p[i] == '\n' || d.u.s.p[i] == '\r' || d.u.s.p[i] == '\t'))
        i++;
    if (i < d.u.s.len && (d.u.s.p[i] == '{' || d.u.s.p[i] == '[') &&
        mr_template__parse_json(&rt->arena, d.u.s.p, d.u.s.len, &parsed))
        return parsed;
    return d;
}

enum { PATH_JSONPATH_PLUS, PATH_OBJECT_PATH };

/* jsonPath (JSONPath-Plus) and objectPath (the object-path package) */
static struct mr_tpl_value h_path(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value data, path, def = empty();

    if (c->argc < 2)
        return mr_tpl_undef();
    data = json_data(rt, &c->argv[0]);
    path = mr_tpl_unsafe(c->argv[1]);
    if (c->argc >= 3 && c->argv[2].type != MR_TPL_V_UNDEF && c->argv[2].type != MR_TPL_V_NULL)
        def = c->argv[2];
    if (path.type != MR_TPL_V_STR)
        return data;
    if (op(c) == PATH_JSONPATH_PLUS)
        return mr_template__jsonpath_plus(rt, &data, path.u.s.p, path.u.s.len, &def);
    return mr_template__object_path(rt, &data, path.u.s.p, path.u.s.len, &def);
}

/* ---- arrays and objects ------------------------------------------------------------- */

static struct mr_tpl_value h_array(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_array *arr = mr_template__arr_new(&rt->arena, c->argc);
    size_t i;

    if (!arr)
        return mr_tpl_undef();
    for (i = 0; i < c->argc; i++)
        arr->v[i] = c->argv[i];
    arr->n = c->argc;
    return mr_tpl_arr(arr);
}

/* options.hash: keys in the (reversed) order Handlebars builds it */
static struct mr_tpl_value h_object(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_object *o = mr_template__obj_new(&rt->arena, c->site->nhash);
    size_t i;

    if (!o)
        return mr_tpl_undef();
    for (i = 0; i < c->site->nhash; i++)
        mr_template__obj_set(&rt->arena, o, c->site->hkeys[i].p, c->site->hkeys[i].len,
                             c->hashv[i]);
    return mr_tpl_obj(o);
}

static struct mr_tpl_value h_objectMerge(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_object *o;
    size_t i, k;

    if (c->argc == 0)
        return empty();
    o = mr_template__obj_new(&rt->arena, 0);
    if (!o)
        return mr_tpl_undef();
    for (i = 0; i < c->argc; i++) {
        const struct mr_tpl_value *p = &c->argv[i];
        if (p->type == MR_TPL_V_OBJ) {
            const size_t *order = mr_template__obj_order(&rt->arena, p->u.o);
            for (k = 0; k < p->u.o->n; k++) {
                size_t j = order ? order[k] : k;
                mr_template__obj_set(&rt->arena, o, p->u.o->k[j].p, p->u.o->k[j].len, p->u.o->v[j]);
            }
        } else if (p->type == MR_TPL_V_STR && p->safe) {
            mr_template__obj_set(&rt->arena, o, "string", 6, mr_tpl_unsafe(*p));
        }
    }
    return mr_tpl_obj(o);
}

/* helpers/filter.ts validate(): nested objects match key by key, anything
 * else with === */
static bool validate(struct mr_tpl_rt *rt, const struct mr_tpl_value *payload,
                     const struct mr_tpl_value *cond, int depth)
{
    size_t i;

    if (depth > MR_TPL_MAX_VALUE_DEPTH)
        return false;
    if (cond->type == MR_TPL_V_OBJ || (cond->type == MR_TPL_V_STR && cond->safe)) {
        if (!mr_tpl_is_object(payload) && payload->type != MR_TPL_V_NULL)
            return false;
        if (payload->type == MR_TPL_V_NULL)
            return false;
        if (cond->type == MR_TPL_V_STR) {
            struct mr_tpl_value v = mr_template__lookup(rt, payload, "string", 6),
                                u = mr_tpl_unsafe(*cond);
            return mr_template__strict_eq(&v, &u);
        }
        for (i = 0; i < cond->u.o->n; i++) {
            struct mr_tpl_value v =
                mr_template__lookup(rt, payload, cond->u.o->k[i].p, cond->u.o->k[i].len);
            struct mr_tpl_value want = mr_tpl_unsafe(cond->u.o->v[i]);
            if (!validate(rt, &v, &want, depth + 1))
                return false;
        }
        return true;
    }
    return mr_template__strict_eq(payload, cond);
}

static bool match_any(struct mr_tpl_rt *rt, const struct mr_tpl_value *item,
                      const struct mr_tpl_value *conds, size_t n, int depth);

static bool match_all(struct mr_tpl_rt *rt, const struct mr_tpl_value *item,
                      const struct mr_tpl_value *conds, size_t n, int depth)
{
    size_t i;

    if (depth > 64)
        return false;
    for (i = 0; i < n; i++) {
        if (conds[i].type == MR_TPL_V_ARR) {
            if (!match_any(rt, item, conds[i].u.a->v, conds[i].u.a->n, depth + 1))
                return false;
        } else if (!validate(rt, item, &conds[i], 0)) {
            return false;
        }
    }
    return true;
}

static bool match_any(struct mr_tpl_rt *rt, const struct mr_tpl_value *item,
                      const struct mr_tpl_value *conds, size_t n, int depth)
{
    size_t i;

    if (depth > 64)
        return false;
    for (i = 0; i < n; i++) {
        if (conds[i].type == MR_TPL_V_ARR) {
            if (match_all(rt, item, conds[i].u.a->v, conds[i].u.a->n, depth + 1))
                return true;
        } else if (validate(rt, item, &conds[i], 0)) {
            return true;
        }
    }
    return false;
}

static struct mr_tpl_value h_filter(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *arr;
    struct mr_tpl_array *out;
    size_t i;

    if (c->argc == 0)
        return empty();
    arr = &c->argv[0];
    if (arr->type != MR_TPL_V_ARR)
        return empty();
    if (arr->u.a->n == 0 || c->argc == 1)
        return *arr;
    out = mr_template__arr_new(&rt->arena, 0);
    if (!out)
        return mr_tpl_undef();
    for (i = 0; i < arr->u.a->n && mr_template__charge(rt, 1); i++)
        if (match_any(rt, &arr->u.a->v[i], c->argv + 1, c->argc - 1, 0))
            mr_template__arr_push(&rt->arena, out, arr->u.a->v[i]);
    return mr_tpl_arr(out);
}

static struct mr_tpl_value h_find(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *arr;
    size_t i;

    if (c->argc == 0)
        return empty();
    arr = &c->argv[0];
    if (arr->type != MR_TPL_V_ARR)
        return empty();
    if (arr->u.a->n == 0 || c->argc == 1)
        return mr_tpl_undef();
    for (i = 0; i < arr->u.a->n && mr_template__charge(rt, 1); i++)
        if (match_any(rt, &arr->u.a->v[i], c->argv + 1, c->argc - 1, 0))
            return arr->u.a->v[i];
    return mr_tpl_undef();
}

/* An approximation of ICU's root collation (String.prototype.localeCompare):
 * punctuation, then digits, then letters case-insensitively, lower case
 * first on ties. */
static int collate_weight(unsigned char ch)
{
    static const char punct[] = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
    const char *p;

    if (ch >= 'a' && ch <= 'z')
        return 300 + (ch - 'a') * 2;
    if (ch >= 'A' && ch <= 'Z')
        return 300 + (ch - 'A') * 2;
    if (ch >= '0' && ch <= '9')
        return 200 + ch - '0';
    if (ch >= 0x80)
        return 400 + ch;
    p = ch ? strchr(punct, ch) : NULL;
    return p ? 10 + (int)(p - punct) : 100 + ch;
}

static int locale_compare(const struct mr_tpl_value *a, const struct mr_tpl_value *b)
{
    size_t i, n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    int tie = 0;

    for (i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a->u.s.p[i], y = (unsigned char)b->u.s.p[i];
        int wx = collate_weight(x), wy = collate_weight(y);
        if (wx != wy)
            return wx < wy ? -1 : 1;
        if (x != y && !tie)
            tie = (x >= 'a' && x <= 'z') ? -1 : 1; /* lower case first */
    }
    if (a->u.s.len != b->u.s.len)
        return a->u.s.len < b->u.s.len ? -1 : 1;
    return tie;
}

struct sort_ctx {
    struct mr_tpl_rt *rt;
    bool strings;
    const struct mr_tpl_value *key; /* sortBy */
};

static struct mr_tpl_value sort_key(const struct sort_ctx *s, const struct mr_tpl_value *v)
{
    if (!s->key)
        return *v;
    if (v->type == MR_TPL_V_UNDEF || v->type == MR_TPL_V_NULL)
        return mr_tpl_undef();
    return mr_template__lookup(s->rt, v, s->key->u.s.p, s->key->u.s.len);
}

static int sort_cmp(const struct sort_ctx *s, const struct mr_tpl_value *a,
                    const struct mr_tpl_value *b)
{
    struct mr_tpl_value x = sort_key(s, a), y = sort_key(s, b);

    if (s->strings) {
        struct mr_tpl_value xs = mr_template__to_str(s->rt, &x),
                            ys = mr_template__to_str(s->rt, &y);
        return locale_compare(&xs, &ys);
    } else {
        double d = mr_template__to_number(&x) - mr_template__to_number(&y);
        return d < 0 ? -1 : d > 0 ? 1 : 0; /* NaN compares equal */
    }
}

/* Array.prototype.sort: stable (merge sort), undefined last. */
static void merge_sort(const struct sort_ctx *s, struct mr_tpl_value *v, struct mr_tpl_value *tmp,
                       size_t n)
{
    size_t mid = n / 2, i = 0, j = mid, k = 0;

    if (n < 2)
        return;
    merge_sort(s, v, tmp, mid);
    merge_sort(s, v + mid, tmp, n - mid);
    while (i < mid && j < n)
        tmp[k++] = sort_cmp(s, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
    while (i < mid)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

static struct mr_tpl_value sorted(struct mr_tpl_rt *rt, const struct mr_tpl_value *arr,
                                  const struct sort_ctx *s, bool desc)
{
    struct mr_tpl_array *out = mr_template__arr_new(&rt->arena, arr->u.a->n);
    struct mr_tpl_value *tmp = mr_template__alloc(&rt->arena, (arr->u.a->n + 1) * sizeof(*tmp));
    size_t i, n = 0, undef = 0;

    if (!out || !tmp)
        return mr_tpl_undef();
    for (i = 0; i < arr->u.a->n; i++)
        if (arr->u.a->v[i].type != MR_TPL_V_UNDEF)
            out->v[n++] = arr->u.a->v[i];
    undef = arr->u.a->n - n;
    if (!mr_template__charge(rt, arr->u.a->n))
        return mr_tpl_undef();
    merge_sort(s, out->v, tmp, n);
    for (i = 0; i < undef; i++)
        out->v[n++] = mr_tpl_undef();
    out->n = n;
    if (desc) {
        for (i = 0; i < n / 2; i++) {
            struct mr_tpl_value t = out->v[i];
            out->v[i] = out->v[n - 1 - i];
            out->v[n - 1 - i] = t;
        }
    }
    return mr_tpl_arr(out);
}

/* The lower-cased order argument; false when it is not a string (Mockoon
 * throws calling toLowerCase). */
static bool order_arg(struct mr_tpl_rt *rt, const struct mr_tpl_call *c, size_t i, bool *desc)
{
    struct mr_tpl_value o;

    *desc = false;
    if (c->argc <= i)
        return true;
    o = mr_tpl_unsafe(c->argv[i]);
    if (o.type != MR_TPL_V_STR)
        return false;
    (void)rt;
    *desc = o.u.s.len == 4 && (o.u.s.p[0] | 32) == 'd' && (o.u.s.p[1] | 32) == 'e' &&
            (o.u.s.p[2] | 32) == 's' && (o.u.s.p[3] | 32) == 'c';
    return true;
}

static struct mr_tpl_value h_sort(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *arr;
    struct sort_ctx s = {rt, false, NULL};
    bool desc;

    if (c->argc == 0)
        return empty();
    arr = &c->argv[0];
    if (arr->type != MR_TPL_V_ARR)
        return empty();
    if (arr->u.a->n == 0 || mr_tpl_is_object(&arr->u.a->v[0]) ||
        arr->u.a->v[0].type == MR_TPL_V_NULL)
        return *arr;
    if (!order_arg(rt, c, 1, &desc))
        return empty();
    s.strings = mr_tpl_is_plain_str(&arr->u.a->v[0]);
    return sorted(rt, arr, &s, desc);
}

static struct mr_tpl_value h_sortBy(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *arr;
    struct sort_ctx s = {rt, false, NULL};
    struct mr_tpl_value key, first;
    bool desc;

    if (c->argc == 0)
        return empty();
    arr = &c->argv[0];
    if (arr->type != MR_TPL_V_ARR)
        return empty();
    if (arr->u.a->n == 0 || !mr_tpl_is_object(&arr->u.a->v[0]))
        return *arr;
    if (c->argc < 2)
        return *arr;
    key = mr_template__to_str(rt, &c->argv[1]);
    if (key.u.s.len == 0)
        return *arr;
    first = mr_template__lookup(rt, &arr->u.a->v[0], key.u.s.p, key.u.s.len);
    if (!mr_template__truthy(&first))
        return *arr;
    if (!order_arg(rt, c, 2, &desc))
        return empty();
    s.key = &key;
    s.strings = mr_tpl_is_plain_str(&first);
    return sorted(rt, arr, &s, desc);
}

static struct mr_tpl_value h_reverse(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *arr = arg(c, 0);
    struct mr_tpl_array *out;
    size_t i, n;

    if (arr->type != MR_TPL_V_ARR)
        return empty();
    n = arr->u.a->n;
    out = mr_template__arr_new(&rt->arena, n);
    if (!out)
        return mr_tpl_undef();
    for (i = 0; i < n; i++)
        out->v[i] = arr->u.a->v[n - 1 - i];
    out->n = n;
    return mr_tpl_arr(out);
}

/* Array.prototype.slice(start[, end]) */
static struct mr_tpl_value h_slice(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *arr = arg(c, 0), *to = arg(c, 2);
    double len, start, end;
    struct mr_tpl_array *out;
    size_t i;

    if (arr->type != MR_TPL_V_ARR)
        return empty();
    len = (double)arr->u.a->n;
    start = mr_template__to_integer(arg(c, 1));
    end = to->type == MR_TPL_V_NUM ? mr_template__to_integer(to) : len;
    if (to->type == MR_TPL_V_NUM && isinf(to->u.n))
        end = to->u.n > 0 ? len : 0;
    start = start < 0 ? fmax(len + start, 0) : fmin(start, len);
    end = end < 0 ? fmax(len + end, 0) : fmin(end, len);
    out = mr_template__arr_new(&rt->arena, 0);
    if (!out)
        return mr_tpl_undef();
    for (i = (size_t)start; (double)i < end; i++)
        mr_template__arr_push(&rt->arena, out, arr->u.a->v[i]);
    return mr_tpl_arr(out);
}

/* ---- random values ------------------------------------------------------------------- */

static struct mr_tpl_value h_oneOf(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *list;
    size_t n;
    double i;
    bool stringify = false;
    struct mr_tpl_value r;

    if (c->argc == 0)
        return empty();
    if (c->argv[0].type == MR_TPL_V_ARR) {
        list = c->argv[0].u.a->v;
        n = c->argv[0].u.a->n;
        if (c->argc >= 2)
            stringify = mr_template__truthy(&c->argv[1]);
    } else {
        list = c->argv;
        n = c->argc;
    }
    i = mr_template__random_int(rt, 0, (double)n - 1);
    r = (i >= 0 && i < (double)n) ? list[(size_t)i] : mr_tpl_undef();
    if (stringify) {
        struct mr_tpl_value j = json_string(rt, &r, 0, true);
        return j.type == MR_TPL_V_STR ? j : mr_tpl_safe("undefined", 9);
    }
    return r;
}

static struct mr_tpl_value h_someOf(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *list = arg(c, 0), *stringify = arg(c, 3);
    struct mr_tpl_array *out;
    double count;
    size_t n, i, take;

    if (list->type != MR_TPL_V_ARR)
        return empty();
    n = list->u.a->n;
    out = mr_template__arr_new(&rt->arena, n);
    if (!out)
        return mr_tpl_undef();
    if (n)
        memcpy(out->v, list->u.a->v, n * sizeof(*out->v));
    /* Mockoon shuffles with sort(() => 0.5 - Math.random()); a fair shuffle
     * gives the same shapes */
    for (i = n; i > 1; i--) {
        size_t j = (size_t)(mr_template__random(rt) * (double)i);
        struct mr_tpl_value t = out->v[i - 1];
        out->v[i - 1] = out->v[j];
        out->v[j] = t;
    }
    count = mr_template__random_int(rt, mr_template__to_number(arg(c, 1)),
                                    mr_template__to_number(arg(c, 2)));
    if (isnan(count))
        take = 0;
    else if (count < 0)
        take = -count >= (double)n ? 0 : n - (size_t)(-count);
    else
        take = count > (double)n ? n : (size_t)count;
    out->n = take;
    if (stringify->type == MR_TPL_V_BOOL && stringify->u.b) {
        struct mr_tpl_value v = mr_tpl_arr(out);
        return json_string(rt, &v, 0, false);
    }
    return mr_tpl_arr(out);
}

/* faker.number.int({ min, max }): numeric literals only, as helpers/int.ts */
static struct mr_tpl_value h_int(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    double min = 0, max = 9007199254740991.0, lo, hi;

    if (c->argc >= 1 && c->argv[0].type == MR_TPL_V_NUM)
        min = c->argv[0].u.n;
    if (c->argc >= 2 && c->argv[1].type == MR_TPL_V_NUM)
        max = c->argv[1].u.n;
    lo = ceil(min);
    hi = floor(max);
    if (lo == hi)
        return mr_tpl_num(lo);
    if (hi < lo || !isfinite(lo) || !isfinite(hi))
        return empty(); /* FakerError */
    return mr_tpl_num(floor(mr_template__random(rt) * (hi - lo + 1) + lo));
}

static struct mr_tpl_value h_float(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    double min = 0, max = 1;

    if (c->argc >= 1 && c->argv[0].type == MR_TPL_V_NUM)
        min = c->argv[0].u.n;
    if (c->argc >= 2 && c->argv[1].type == MR_TPL_V_NUM)
        max = c->argv[1].u.n;
    if (max == min)
        return mr_tpl_num(min);
    if (max < min || !isfinite(min) || !isfinite(max))
        return empty();
    return mr_tpl_num(mr_template__random(rt) * (max - min) + min);
}

static struct mr_tpl_value h_boolean(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    (void)c;
    return mr_tpl_bool(mr_template__random(rt) < 0.5);
}

/* faker.string.uuid(): version 4, lower-case. The 32 digits are the
 * nibbles of two draws, low nibble first; digit 12 is the version and
 * digit 16 the variant. */
static struct mr_tpl_value h_uuid(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    static const char hex[] = "0123456789abcdef";
    /* where each digit goes, around the dashes at 8, 13, 18 and 23 */
    static const uint8_t at[32] = {0,  1,  2,  3,  4,  5,  6,  7,  9,  10, 11, 12, 14, 15, 16, 17,
                                   19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
    char u[36];
    uint64_t a = mr_template__rand64(rt), b = mr_template__rand64(rt);
    int k;

    (void)c;
    for (k = 0; k < 16; k++) {
        u[at[k]] = hex[(a >> (4 * k)) & 15];
        u[at[k + 16]] = hex[(b >> (4 * k)) & 15];
    }
    u[8] = u[13] = u[18] = u[23] = '-';
    u[14] = '4';
    u[19] = hex[(b & 3) | 8];
    return arena_str(rt, u, 36, false);
}

/* ---- dates ----------------------------------------------------------------------------- */

#define DEFAULT_DATE_FORMAT "yyyy-MM-dd'T'HH:mm:ss.SSSxxx"

static struct mr_tpl_value format_date(struct mr_tpl_rt *rt, int64_t ms, const char *fmt)
{
    mr_buf_reset(&rt->scratch);
    if (mr_date_format(&rt->scratch, ms, fmt) != 0) {
        rt->stop = rt->nomem = true;
        return empty();
    }
    return mr_template__take_scratch(rt, false);
}

static bool parse_date(const struct mr_tpl_value *v, int64_t *ms)
{
    return v->type == MR_TPL_V_STR && mr_date_parse(v->u.s.p, v->u.s.len, ms);
}

static int64_t now_ms(const struct mr_tpl_rt *rt)
{
    return rt->ctx ? rt->ctx->now_ms : 0;
}

static struct mr_tpl_value h_now(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *f = arg(c, 0);

    return format_date(rt, now_ms(rt), mr_tpl_is_plain_str(f) ? cstr(rt, f) : DEFAULT_DATE_FORMAT);
}

/* faker.date.between({ from, to }) */
static bool random_between(struct mr_tpl_rt *rt, int64_t from, int64_t to, int64_t *out)
{
    if (to < from)
        return false;
    *out = from + (int64_t)floor(mr_template__random(rt) * ((double)(to - from) + 1));
    if (*out > to)
        *out = to;
    return true;
}

static struct mr_tpl_value h_date(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value from = mr_tpl_unsafe(*arg(c, 0)), to = mr_tpl_unsafe(*arg(c, 1));
    int64_t a, b, ms;

    if (c->argc < 2 || from.type != MR_TPL_V_STR || to.type != MR_TPL_V_STR)
        return empty();
    if (!parse_date(&from, &a) || !parse_date(&to, &b) || !random_between(rt, a, b, &ms))
        return empty();
    if (c->argc == 3 && mr_tpl_is_plain_str(&c->argv[2]))
        return format_date(rt, ms, cstr(rt, &c->argv[2]));
    mr_buf_reset(&rt->scratch);
    if (mr_date_js_string(&rt->scratch, ms) != 0)
        return empty();
    return mr_template__take_scratch(rt, false);
}

static struct mr_tpl_value h_time(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const char *fmt = "HH:mm";
    int64_t a = 0, b = 86340000, ms;

    if (c->argc >= 2 && mr_tpl_is_plain_str(&c->argv[0]) && mr_tpl_is_plain_str(&c->argv[1])) {
        char buf[128];
        int n =
            snprintf(buf, sizeof(buf), "1970-01-01T%.*s",
                     (int)(c->argv[0].u.s.len > 100 ? 100 : c->argv[0].u.s.len), c->argv[0].u.s.p);
        if (!mr_date_parse(buf, (size_t)n, &a))
            return empty();
        n = snprintf(buf, sizeof(buf), "1970-01-01T%.*s",
                     (int)(c->argv[1].u.s.len > 100 ? 100 : c->argv[1].u.s.len), c->argv[1].u.s.p);
        if (!mr_date_parse(buf, (size_t)n, &b))
            return empty();
        if (c->argc == 3 && mr_tpl_is_plain_str(&c->argv[2]))
            fmt = cstr(rt, &c->argv[2]);
    }
    if (!random_between(rt, a, b, &ms))
        return empty();
    return format_date(rt, ms, fmt);
}

static struct mr_tpl_value h_dateFormat(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value d = mr_tpl_unsafe(*arg(c, 0)), f = mr_tpl_unsafe(*arg(c, 1));
    int64_t ms;

    if (c->argc < 1 || d.type != MR_TPL_V_STR || f.type != MR_TPL_V_STR)
        return empty();
    if (!parse_date(&d, &ms))
        return empty(); /* Invalid time value */
    return format_date(rt, ms, cstr(rt, &f));
}

/* parseInt(String(v), 10) as an int64, or false for NaN */
static bool hash_int(struct mr_tpl_rt *rt, const struct mr_tpl_call *c, const char *key,
                     int64_t *out)
{
    const struct mr_tpl_value *v = mr_template__hash(c, key);
    struct mr_tpl_call one;
    struct mr_tpl_value n;

    if (!v)
        return false;
    memset(&one, 0, sizeof(one));
    one.argv = v;
    one.argc = 1;
    n = h_parseInt(rt, &one);
    if (n.type != MR_TPL_V_NUM)
        return false;
    if (n.u.n > 1e15)
        n.u.n = 1e15;
    if (n.u.n < -1e15)
        n.u.n = -1e15;
    *out = (int64_t)n.u.n;
    return true;
}

static struct mr_tpl_value h_dateTimeShift(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *date = NULL, *format = NULL;
    int64_t ms = now_ms(rt), y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    struct mr_tpl_value dv, fv;
    const char *fmt = DEFAULT_DATE_FORMAT;

    if (c->argc == 0) {
        /* with a positional argument, Mockoon reads no hash at all */
        date = mr_template__hash(c, "date");
        format = mr_template__hash(c, "format");
        hash_int(rt, c, "days", &d);
        hash_int(rt, c, "months", &mo);
        hash_int(rt, c, "years", &y);
        hash_int(rt, c, "hours", &h);
        hash_int(rt, c, "minutes", &mi);
        hash_int(rt, c, "seconds", &s);
    }
    if (date && date->type != MR_TPL_V_UNDEF) {
        dv = mr_tpl_unsafe(*date);
        if (!parse_date(&dv, &ms))
            return empty();
    }
    if (format) {
        fv = mr_tpl_unsafe(*format);
        if (fv.type == MR_TPL_V_STR)
            fmt = cstr(rt, &fv);
    }
    ms = mr_date_shift(ms, y, mo, d, h, mi, s);
    if (ms == INT64_MAX)
        return empty();
    return format_date(rt, ms, fmt);
}

static struct mr_tpl_value h_isValidDate(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value v;
    int64_t ms;
    double n;

    if (c->argc == 0)
        return mr_tpl_bool(false);
    v = mr_tpl_unsafe(c->argv[0]);
    /* new Date(value) */
    if (v.type == MR_TPL_V_ARR) {
        v = mr_template__to_str(rt, &v);
    } else if (v.type == MR_TPL_V_OBJ || v.type == MR_TPL_V_UNDEF) {
        return mr_tpl_bool(false);
    }
    if (v.type == MR_TPL_V_STR)
        return mr_tpl_bool(parse_date(&v, &ms));
    n = mr_template__to_number(&v);
    return mr_tpl_bool(isfinite(n) && fabs(n) <= 8.64e15);
}

/* ---- faker ----------------------------------------------------------------------------- */

static bool faker_name_ok(const char *name)
{
    const char *dot = strchr(name, '.'), *p;

    if (!dot || dot == name || !dot[1])
        return false;
    for (p = name; *p; p++) {
        bool alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
        if (p < dot ? !alpha : (p > dot && !alpha && !(*p >= '0' && *p <= '9')))
            return false;
    }
    return strchr(dot + 1, '.') == NULL && mr_faker_known(name);
}

static struct mr_tpl_value h_faker(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_faker_method *m = c->site->faker; /* a literal, resolved when compiling */
    struct mr_tpl_value name;
    const char *n;

    if (c->argc == 0)
        return empty();
    if (!m) {
        name = mr_tpl_unsafe(c->argv[0]);
        if (name.type != MR_TPL_V_STR)
            return empty();
        n = cstr(rt, &name);
        if (!faker_name_ok(n) || !(m = mr_faker_find(n)))
            return empty();
    }
    return mr_template__faker(rt, m, (enum mr_tpl_faker_kind)c->site->faker_kind, c->argv + 1,
                              c->argc - 1, c->site->hkeys, c->hashv, c->site->nhash, c->printed);
}

/* Mockoon's old one-word helpers ({{firstName}}, {{email}}) call Faker. */
static struct mr_tpl_value h_alias(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_helper *h = c->site->helper;
    struct mr_tpl_value passed = mr_tpl_undef();
    size_t n = 0;

    /* lorem(count) and title(sex) pass their one argument on when its type fits */
    if (strcmp(h->name, "lorem") == 0 && c->argc >= 1 && c->argv[0].type == MR_TPL_V_NUM) {
        passed = c->argv[0];
        n = 1;
    } else if (strcmp(h->name, "title") == 0 && c->argc >= 1 && mr_tpl_is_plain_str(&c->argv[0])) {
        passed = c->argv[0];
        n = 1;
    }
    return mr_template__faker(rt, c->site->faker, (enum mr_tpl_faker_kind)c->site->faker_kind,
                              &passed, n, NULL, NULL, 0, c->printed);
}

/* ---- request helpers (request-helpers.ts) ------------------------------------------------ */

/* (fromSafeString(v) ?? '').toString() */
static struct mr_tpl_value path_arg(struct mr_tpl_rt *rt, const struct mr_tpl_call *c, size_t i)
{
    if (i >= c->argc || c->argv[i].type == MR_TPL_V_UNDEF || c->argv[i].type == MR_TPL_V_NULL)
        return empty();
    return mr_template__to_str(rt, &c->argv[i]);
}

/* fromSafeString(v) ?? '' */
static struct mr_tpl_value default_arg(const struct mr_tpl_call *c, size_t i)
{
    if (i >= c->argc || c->argv[i].type == MR_TPL_V_UNDEF || c->argv[i].type == MR_TPL_V_NULL)
        return empty();
    return mr_tpl_unsafe(c->argv[i]);
}

/* body and queryParam: JSON for objects, arrays and `stringify`, else the
 * value as a SafeString */
static struct mr_tpl_value stringified(struct mr_tpl_rt *rt, const struct mr_tpl_call *c,
                                       const struct mr_tpl_value *v)
{
    bool stringify = c->argc >= 3 && mr_template__truthy(&c->argv[2]);

    if (v->type == MR_TPL_V_ARR || v->type == MR_TPL_V_OBJ || v->type == MR_TPL_V_NULL ||
        stringify) {
        struct mr_tpl_value j = json_string(rt, v, 0, true);
        return j.type == MR_TPL_V_STR ? j : mr_tpl_safe("undefined", 9);
    }
    {
        struct mr_tpl_value s = mr_template__to_str(rt, v);
        s.safe = true;
        return s;
    }
}

static struct mr_tpl_value h_body(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value path = path_arg(rt, c, 0), def = default_arg(c, 1), body, v;

    if (path.u.s.len == 0) {
        if (!rt->ctx || !rt->ctx->body)
            return mr_tpl_safe("", 0);
        return mr_tpl_safe(rt->ctx->body, rt->ctx->body_len);
    }
    body = mr_template__request_value(rt, MR_TPL_REQ_BODY);
    v = mr_template__truthy(&body) ? body : def;
    v = mr_template__get_path(rt, &v, path.u.s.p, path.u.s.len, &def);
    return stringified(rt, c, &v);
}

static struct mr_tpl_value h_bodyRaw(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value path = path_arg(rt, c, 0), def = default_arg(c, 1), body;

    body = mr_template__request_value(rt, MR_TPL_REQ_BODY);
    if (!mr_template__truthy(&body))
        return def;
    return mr_template__get_path(rt, &body, path.u.s.p, path.u.s.len, &def);
}

static struct mr_tpl_value h_queryParam(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value path = path_arg(rt, c, 0), def = default_arg(c, 1), q, v;

    q = mr_template__request_value(rt, MR_TPL_REQ_QUERY);
    v = mr_template__get_path(rt, &q, path.u.s.p, path.u.s.len, &def);
    return stringified(rt, c, &v);
}

static struct mr_tpl_value h_queryParamRaw(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value path = path_arg(rt, c, 0), def = default_arg(c, 1), q;

    q = mr_template__request_value(rt, MR_TPL_REQ_QUERY);
    return mr_template__get_path(rt, &q, path.u.s.p, path.u.s.len, &def);
}

/* queryParams, urlParams, headers: a whole part of the request (the op is
 * its enum mr_tpl_request_part) */
static struct mr_tpl_value h_request_part(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    return mr_template__request_value(rt, (enum mr_tpl_request_part)op(c));
}

static struct mr_tpl_value h_urlParam(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value params = mr_template__request_value(rt, MR_TPL_REQ_PARAMS),
                        name = mr_template__to_str(rt, arg(c, 0));

    return mr_template__lookup(rt, &params, name.u.s.p, name.u.s.len);
}

/* req.get(name) || defaultValue */
static struct mr_tpl_value h_header(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *name = arg(c, 0), *defv = arg(c, 1);
    struct mr_tpl_value def =
        mr_tpl_is_object(defv) || defv->type == MR_TPL_V_NULL ? empty() : *defv;
    struct mr_tpl_value headers, v;

    if (mr_tpl_is_object(name) || name->type == MR_TPL_V_NULL)
        return def;
    if (!mr_tpl_is_plain_str(name) || name->u.s.len == 0)
        return empty(); /* req.get throws */
    headers = mr_template__request_value(rt, MR_TPL_REQ_HEADERS);
    if (headers.type != MR_TPL_V_OBJ)
        return def;
    if ((name->u.s.len == 7 && strncasecmp(name->u.s.p, "referer", 7) == 0) ||
        (name->u.s.len == 8 && strncasecmp(name->u.s.p, "referrer", 8) == 0)) {
        struct mr_tpl_value *r = mr_template__obj_get(headers.u.o, "referrer", 8);
        if (!r || !mr_template__truthy(r))
            r = mr_template__obj_get(headers.u.o, "referer", 7);
        v = r ? *r : mr_tpl_undef();
    } else {
        v = mr_template__lookup(rt, &headers, name->u.s.p, name->u.s.len);
    }
    return mr_template__truthy(&v) ? v : def;
}

static struct mr_tpl_value h_cookie(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_tpl_value *defv = arg(c, 1);
    struct mr_tpl_value def =
        mr_tpl_is_object(defv) || defv->type == MR_TPL_V_NULL ? empty() : *defv;
    struct mr_tpl_value cookies = mr_template__request_value(rt, MR_TPL_REQ_COOKIES),
                        key = mr_template__to_str(rt, arg(c, 0)), v;

    v = mr_template__lookup(rt, &cookies, key.u.s.p, key.u.s.len);
    return mr_template__truthy(&v) ? v : def;
}

static struct mr_tpl_value h_method(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    (void)c;
    if (!rt->ctx || !rt->ctx->method)
        return mr_tpl_undef();
    return mr_tpl_str(rt->ctx->method, strlen(rt->ctx->method));
}

static struct mr_tpl_value h_hostname(struct mr_tpl_rt *rt, const struct mr_tpl_call *c);

/* request-helpers.ts baseUrl: `${protocol}://${request.hostname}:${port}`,
 * the host from the request and the port the service listens on. */
static struct mr_tpl_value h_baseUrl(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const char *base, *scheme_end, *port;
    struct mr_tpl_value host;

    if (!rt->ctx || !rt->ctx->base_url)
        return empty();
    base = rt->ctx->base_url;
    host = h_hostname(rt, c);
    scheme_end = strstr(base, "://");
    port = scheme_end ? strrchr(scheme_end + 3, ':') : NULL;
    if (host.type != MR_TPL_V_STR || host.u.s.len == 0 || !scheme_end || !port)
        return mr_tpl_str(base, strlen(base));
    mr_buf_reset(&rt->scratch);
    mr_buf_append(&rt->scratch, base, (size_t)(scheme_end + 3 - base));
    mr_buf_append(&rt->scratch, host.u.s.p, host.u.s.len);
    mr_buf_puts(&rt->scratch, port);
    return mr_template__take_scratch(rt, false);
}

/* Express's req.hostname: the Host header without its port. */
static struct mr_tpl_value h_hostname(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value headers = mr_template__request_value(rt, MR_TPL_REQ_HEADERS), *host;
    const char *p, *colon;
    size_t n;

    (void)c;
    if (headers.type != MR_TPL_V_OBJ || !(host = mr_template__obj_get(headers.u.o, "host", 4)))
        return mr_tpl_undef();
    p = host->u.s.p;
    n = host->u.s.len;
    if (n && p[0] == '[') {
        const char *close = memchr(p, ']', n);
        return mr_tpl_str(p, close ? (size_t)(close - p) + 1 : n);
    }
    colon = memchr(p, ':', n);
    return mr_tpl_str(p, colon ? (size_t)(colon - p) : n);
}

/* Express's req.ip: the caller's socket address (Mockoon does not trust
 * proxies, so X-Forwarded-For plays no part). */
static struct mr_tpl_value h_ip(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    (void)c;
    if (!rt->ctx || !rt->ctx->client_ip)
        return empty();
    return mr_tpl_str(rt->ctx->client_ip, strlen(rt->ctx->client_ip));
}

/* ---- system helpers (system-helpers.ts) and mockrun's own ----------------------------------- */

/* {{getEnvVar 'NAME' 'default'}}: process.env[String(name)] ?? default, from
 * mockrun's own environment. Mockoon reads only names with its prefix
 * (MOCKOON_ unless --env-vars-prefix says otherwise, added when missing);
 * mockrun reads any name. Nothing calls setenv once the mocks run, so
 * getenv is safe on the worker threads. */
static struct mr_tpl_value h_getEnvVar(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value name, def = default_arg(c, 1);
    const char *v;

    if (c->argc == 0)
        return mr_tpl_undef();
    name = mr_tpl_unsafe(c->argv[0]);
    name = mr_template__to_str(rt, &name);
    if (name.type != MR_TPL_V_STR || name.u.s.len == 0 || memchr(name.u.s.p, '\0', name.u.s.len) ||
        memchr(name.u.s.p, '=', name.u.s.len))
        return def; /* no variable can have this name */
    v = getenv(cstr(rt, &name));
    return v ? mr_tpl_str(v, strlen(v)) : def;
}

/* {{serviceUrl 'api'}}: the URL of one of the scenario's services, so a
 * page served by one service can call another on its ephemeral port. A
 * literal name is checked when the scenario loads; a computed one that
 * names no service prints "". */
static struct mr_tpl_value h_serviceUrl(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    struct mr_tpl_value name = mr_tpl_unsafe(*arg(c, 0));
    size_t i;

    name = mr_template__to_str(rt, &name);
    if (!rt->ctx || name.type != MR_TPL_V_STR)
        return empty();
    for (i = 0; i < rt->ctx->nservices; i++) {
        const struct mr_kv *svc = &rt->ctx->services[i];
        if (svc->name_len == name.u.s.len && memcmp(svc->name, name.u.s.p, name.u.s.len) == 0)
            return mr_tpl_str(svc->value, svc->value_len);
    }
    return empty();
}

/* ---- mockrun: XPath on XML bodies ------------------------------------------------------------ */

struct first_value {
    struct mr_tpl_rt *rt;
    struct mr_tpl_value v;
};

static bool keep_first(void *arg, const char *v, size_t len)
{
    struct first_value *f = arg;

    f->v = arena_str(f->rt, v, len, false);
    return true;
}

/* {{xpath 'expr' prefix='uri'...}}: the first value of an XPath 1.0
 * expression on the body read as XML (mr_xmldoc_xpath: a node's text, an
 * attribute's value, a number or a boolean as XPath writes it), as a plain
 * string; "" when the body is not XML, the expression yields nothing or
 * cannot be evaluated. The hash binds the prefixes the expression uses. */
static struct mr_tpl_value h_xpath(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    const struct mr_xmldoc *d = mr_template__body_xml(rt);
    struct first_value f = {rt, {0}};
    struct mr_xml_ns *ns = NULL;
    struct mr_tpl_value e;
    size_t i;

    if (!d || c->argc < 1)
        return empty();
    e = mr_tpl_unsafe(c->argv[0]);
    e = mr_template__to_str(rt, &e);
    if (c->site->nhash) {
        ns = mr_template__alloc(&rt->arena, c->site->nhash * sizeof(*ns));
        if (!ns)
            return empty();
        for (i = 0; i < c->site->nhash; i++) {
            struct mr_tpl_value uri = mr_tpl_unsafe(c->hashv[i]);
            uri = mr_template__to_str(rt, &uri);
            ns[i].prefix = c->site->hkeys[i].p;
            ns[i].uri = cstr(rt, &uri);
        }
    }
    f.v = empty();
    if (mr_xmldoc_xpath(d, cstr(rt, &e), ns, c->site->nhash, keep_first, &f) <= 0)
        return empty();
    return f.v;
}

/* ---- response helpers (response-helpers.ts) ------------------------------------------------ */

/* {{status 404}}: parseInt(first argument, 10); an integer from 100 to 999
 * becomes the response's status (the last one rendered wins), anything else
 * is silently ignored. Always prints "". */
static struct mr_tpl_value h_status(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    double code;

    if (c->argc >= 1 && rt->ctx && rt->ctx->status && js_parse_int(rt, &c->argv[0], &code) &&
        code >= 100 && code <= 999)
        *rt->ctx->status = (int)code;
    return empty();
}

static struct mr_tpl_value h_unsupported(struct mr_tpl_rt *rt, const struct mr_tpl_call *c)
{
    (void)rt;
    (void)c;
    return mr_tpl_undef();
}

/* ---- compile-time checks ----------------------------------------------------------------- */

static const struct mr_tpl_text *literal(const struct mr_tpl_call_site *call, size_t i)
{
    return i < call->nparams && call->params[i].kind == MR_TPL_X_STR ? &call->params[i].u.str
                                                                     : NULL;
}

static bool check_format(const struct mr_tpl_text *f, char *msg, size_t size)
{
    char bad = 0;

    if (!f || mr_date_format_check(f->p, &bad))
        return true;
    snprintf(msg, size,
             "date format \"%s\" has '%c', which is not a date-fns token (quote text "
             "as in \"yyyy'T'HH\")",
             f->p, bad);
    return false;
}

/* {{xpath 'expr' ...}}: libxml2 is there, and a literal expression compiles
 * with the hash's prefixes (a computed URI stands in for any). */
static bool check_xpath(const struct mr_tpl_call_site *call, char *msg, size_t size)
{
    const struct mr_tpl_text *expr = literal(call, 0);
    struct mr_xml_ns *ns;
    struct mr_error err;
    char why[256];
    size_t i;
    bool ok;

    if (mr_xmldoc_init(&err) != 0) {
        snprintf(msg, size, "xpath needs libxml2: %s", err.msg);
        return false;
    }
    if (!expr)
        return true;
    ns = calloc(call->nhash ? call->nhash : 1, sizeof(*ns));
    if (!ns) {
        snprintf(msg, size, "out of memory");
        return false;
    }
    for (i = 0; i < call->nhash; i++) {
        ns[i].prefix = call->hkeys[i].p;
        ns[i].uri =
            call->hvals[i].kind == MR_TPL_X_STR ? call->hvals[i].u.str.p : "urn:mockrun:any";
    }
    ok = mr_xmldoc_xpath_ok(expr->p, ns, call->nhash, why, sizeof(why));
    if (!ok)
        snprintf(msg, size, "xpath \"%s\": %s%s", expr->p, why,
                 strstr(why, "namespace prefix") ? " (bind each prefix with a hash argument, "
                                                   "as in {{xpath '//m:Item' m='urn:prices'}})"
                                                 : "");
    free(ns);
    return ok;
}

bool mr_template__check_call(struct mr_tpl_call_site *call, char *msg, size_t size)
{
    const char *name = call->helper->name;
    const struct mr_tpl_text *s;
    size_t i;

    if (strcmp(name, "faker") == 0) {
        s = literal(call, 0);
        if (s && !faker_name_ok(s->p)) {
            const char *hint = mr_faker_suggest(s->p);
            if (hint)
                snprintf(msg, size, "unknown faker method \"%s\" (did you mean \"%s\"?)", s->p,
                         hint);
            else
                snprintf(msg, size, "unknown faker method \"%s\"", s->p);
            return false;
        }
        if (s) {
            call->faker_kind = (uint8_t)mr_template__faker_kind(s->p);
            call->faker = mr_faker_find(s->p);
        }
        return true;
    }
    if (strcmp(name, "xpath") == 0)
        return check_xpath(call, msg, size);
    if (strcmp(name, "now") == 0)
        return check_format(literal(call, 0), msg, size);
    if (strcmp(name, "dateFormat") == 0)
        return check_format(literal(call, 1), msg, size);
    if (strcmp(name, "date") == 0 || strcmp(name, "time") == 0)
        return check_format(literal(call, 2), msg, size);
    if (strcmp(name, "dateTimeShift") == 0) {
        for (i = 0; i < call->nhash; i++)
            if (call->hkeys[i].len == 6 && memcmp(call->hkeys[i].p, "format", 6) == 0 &&
                call->hvals[i].kind == MR_TPL_X_STR)
                return check_format(&call->hvals[i].u.str, msg, size);
    }
    return true;
}

/* ---- the table ----------------------------------------------------------------------------- */

/* A helper with its own function; its flags and argument counts (-1: any). */
#define HELPER(name, fn, flags, min, max)                                                          \
    {                                                                                              \
        name, fn, flags, 0, min, max, NULL                                                         \
    }
/* One operation of a family that shares a function (h_compare's CMP_GT...). */
#define FAMILY(name, fn, op)                                                                       \
    {                                                                                              \
        name, fn, 0, op, -1, -1, NULL                                                              \
    }
/* Mockoon's one-word helper for a Faker name ({{email}}). */
#define FAKER_ALIAS(name, faker)                                                                   \
    {                                                                                              \
        name, h_alias, MR_TPL_H_ALIAS, 0, -1, -1, faker                                            \
    }
/* A Mockoon helper mockrun refuses when compiling, and why. */
#define UNSUPPORTED(name, why)                                                                     \
    {                                                                                              \
        name, h_unsupported, MR_TPL_H_NO_SUPPORT, 0, -1, -1, why                                   \
    }

const struct mr_tpl_helper mr_template__helpers[] = {
    /* Handlebars */
    HELPER("each", h_each, MR_TPL_H_BLOCK, 1, 1),
    HELPER("if", h_if, MR_TPL_H_BLOCK, 1, 1),
    HELPER("log", h_log, 0, -1, -1),
    HELPER("lookup", h_lookup, 0, 1, 2),
    HELPER("unless", h_unless, MR_TPL_H_BLOCK, 1, 1),
    HELPER("with", h_with, MR_TPL_H_BLOCK, 1, 1),
    /* Mockoon: blocks */
    HELPER("case", h_case, MR_TPL_H_BLOCK, 1, -1),
    HELPER("default", h_default, MR_TPL_H_BLOCK, 0, 0),
    HELPER("repeat", h_repeat, MR_TPL_H_BLOCK, 1, 2),
    HELPER("switch", h_switch, MR_TPL_H_BLOCK, 1, 1),
    /* Mockoon: values */
    HELPER("array", h_array, 0, -1, -1),
    FAMILY("base64", h_base64, BASE64_ENCODE),
    FAMILY("base64Decode", h_base64, BASE64_DECODE),
    FAMILY("base64url", h_base64, BASE64URL_ENCODE),
    FAMILY("base64urlDecode", h_base64, BASE64_DECODE),
    HELPER("concat", h_concat, 0, -1, -1),
    HELPER("filter", h_filter, 0, -1, -1),
    HELPER("find", h_find, 0, -1, -1),
    HELPER("getVar", h_getVar, 0, -1, -1),
    HELPER("includes", h_includes, 0, -1, -1),
    HELPER("indexOf", h_indexOf, 0, -1, -1),
    HELPER("join", h_join, 0, -1, -1),
    HELPER("jsonParse", h_jsonParse, 0, -1, -1),
    FAMILY("jsonPath", h_path, PATH_JSONPATH_PLUS),
    FAMILY("jwtHeader", h_jwt, JWT_HEADER),
    FAMILY("jwtPayload", h_jwt, JWT_PAYLOAD),
    HELPER("len", h_len, 0, -1, -1),
    FAMILY("lowercase", h_case_change, CASE_LOWER),
    HELPER("newline", h_newline, 0, -1, -1),
    HELPER("object", h_object, 0, -1, -1),
    HELPER("objectMerge", h_objectMerge, 0, -1, -1),
    FAMILY("objectPath", h_path, PATH_OBJECT_PATH),
    FAMILY("padEnd", h_pad, PAD_END),
    FAMILY("padStart", h_pad, PAD_START),
    FAMILY("replace", h_replace, REPLACE_FIRST),
    FAMILY("replaceAll", h_replace, REPLACE_ALL),
    HELPER("reverse", h_reverse, 0, -1, -1),
    HELPER("setVar", h_setVar, 0, -1, -1),
    HELPER("slice", h_slice, 0, -1, -1),
    HELPER("sort", h_sort, 0, -1, -1),
    HELPER("sortBy", h_sortBy, 0, -1, -1),
    HELPER("split", h_split, 0, -1, -1),
    HELPER("stringify", h_stringify, 0, -1, -1),
    HELPER("substr", h_substr, 0, -1, -1),
    FAMILY("uppercase", h_case_change, CASE_UPPER),
    /* Mockoon: logic and numbers */
    FAMILY("add", h_arithmetic, ARITH_ADD),
    FAMILY("ceil", h_rounding, ROUND_CEIL),
    FAMILY("divide", h_arithmetic, ARITH_DIVIDE),
    HELPER("eq", h_eq, 0, -1, -1),
    FAMILY("floor", h_rounding, ROUND_FLOOR),
    FAMILY("gt", h_compare, CMP_GT),
    FAMILY("gte", h_compare, CMP_GTE),
    FAMILY("lt", h_compare, CMP_LT),
    FAMILY("lte", h_compare, CMP_LTE),
    HELPER("modulo", h_modulo, 0, -1, -1),
    FAMILY("multiply", h_arithmetic, ARITH_MULTIPLY),
    HELPER("parseInt", h_parseInt, 0, -1, -1),
    FAMILY("round", h_rounding, ROUND_HALF_UP),
    FAMILY("subtract", h_arithmetic, ARITH_SUBTRACT),
    HELPER("toFixed", h_toFixed, 0, -1, -1),
    /* mockrun */
    HELPER("and", h_and, 0, -1, -1),
    HELPER("not", h_not, 0, -1, -1),
    HELPER("or", h_or, 0, -1, -1),
    /* Mockoon: generated values and dates */
    HELPER("boolean", h_boolean, 0, -1, -1),
    HELPER("date", h_date, MR_TPL_H_CHECK, -1, -1),
    HELPER("dateFormat", h_dateFormat, MR_TPL_H_CHECK, -1, -1),
    HELPER("dateTimeShift", h_dateTimeShift, MR_TPL_H_CHECK, -1, -1),
    HELPER("faker", h_faker, MR_TPL_H_CHECK, -1, -1),
    HELPER("float", h_float, 0, -1, -1),
    HELPER("guid", h_uuid, 0, -1, -1),
    HELPER("int", h_int, 0, -1, -1),
    HELPER("isValidDate", h_isValidDate, 0, -1, -1),
    HELPER("now", h_now, MR_TPL_H_CHECK, -1, -1),
    HELPER("oneOf", h_oneOf, 0, -1, -1),
    HELPER("someOf", h_someOf, 0, -1, -1),
    HELPER("time", h_time, MR_TPL_H_CHECK, -1, -1),
    HELPER("uuid", h_uuid, 0, -1, -1),
    FAKER_ALIAS("city", "location.city"),
    FAKER_ALIAS("color", "color.human"),
    FAKER_ALIAS("company", "company.name"),
    FAKER_ALIAS("country", "location.country"),
    FAKER_ALIAS("countryCode", "location.countryCode"),
    FAKER_ALIAS("domain", "internet.domainName"),
    FAKER_ALIAS("email", "internet.email"),
    FAKER_ALIAS("firstName", "person.firstName"),
    FAKER_ALIAS("hexColor", "color.rgb"),
    FAKER_ALIAS("ipv4", "internet.ipv4"),
    FAKER_ALIAS("ipv6", "internet.ipv6"),
    FAKER_ALIAS("lastName", "person.lastName"),
    FAKER_ALIAS("lat", "location.latitude"),
    FAKER_ALIAS("long", "location.longitude"),
    FAKER_ALIAS("lorem", "lorem.sentence"),
    FAKER_ALIAS("objectId", "database.mongodbObjectId"),
    FAKER_ALIAS("phone", "phone.number"),
    FAKER_ALIAS("postcode", "location.zipCode"),
    FAKER_ALIAS("street", "location.streetAddress"),
    FAKER_ALIAS("title", "person.prefix"),
    FAKER_ALIAS("tld", "internet.domainSuffix"),
    FAKER_ALIAS("zipcode", "location.zipCode"),
    /* Mockoon: request */
    HELPER("baseUrl", h_baseUrl, 0, -1, -1),
    HELPER("body", h_body, 0, -1, -1),
    HELPER("bodyRaw", h_bodyRaw, 0, -1, -1),
    HELPER("cookie", h_cookie, 0, -1, -1),
    HELPER("header", h_header, 0, -1, -1),
    FAMILY("headers", h_request_part, MR_TPL_REQ_HEADERS),
    HELPER("hostname", h_hostname, 0, -1, -1),
    HELPER("ip", h_ip, 0, -1, -1),
    HELPER("method", h_method, 0, -1, -1),
    HELPER("queryParam", h_queryParam, 0, -1, -1),
    HELPER("queryParamRaw", h_queryParamRaw, 0, -1, -1),
    FAMILY("queryParams", h_request_part, MR_TPL_REQ_QUERY),
    HELPER("urlParam", h_urlParam, 0, -1, -1),
    FAMILY("urlParams", h_request_part, MR_TPL_REQ_PARAMS),
    /* Mockoon: response */
    HELPER("status", h_status, 0, -1, -1),
    /* Mockoon: system (any variable, not only MOCKOON_...) */
    HELPER("getEnvVar", h_getEnvVar, 0, 1, 2),
    /* mockrun: the scenario's services */
    HELPER("serviceUrl", h_serviceUrl, MR_TPL_H_SERVICE, 1, 1),
    /* mockrun: XML request bodies */
    HELPER("xpath", h_xpath, MR_TPL_H_CHECK, 1, 1),
    /* Mockoon helpers that need what mockrun does not have */
    UNSUPPORTED("data", "data buckets"),
    UNSUPPORTED("dataRaw", "data buckets"),
    UNSUPPORTED("getGlobalVar", "global variables"),
    UNSUPPORTED("jmesPath", "JMESPath; use jsonPath"),
    UNSUPPORTED("setData", "data buckets"),
    UNSUPPORTED("setGlobalVar", "global variables"),
};

const size_t mr_template__nhelpers = sizeof(mr_template__helpers) / sizeof(mr_template__helpers[0]);

const struct mr_tpl_helper *mr_template__find_helper(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < mr_template__nhelpers; i++) {
        const char *h = mr_template__helpers[i].name;
        if (strlen(h) == len && memcmp(h, name, len) == 0)
            return &mr_template__helpers[i];
    }
    return NULL;
}
