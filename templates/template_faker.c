/*
 * template_faker.c - {{faker}} and its one-word aliases: template values
 * turned into fakedata/faker.h's arguments by Mockoon's rules (positional
 * arguments, a '{ min: 1 }' string or an object argument spread into
 * options, then the hash; the request's clock as refDate), and Faker's text
 * turned back into the value Faker would return (a number, a boolean or a
 * string). The helpers call faker.h and datefmt.h directly for the rest.
 */
#include <math.h>
#include <string.h>

#include "common/error.h"
#include "fakedata/faker.h"
#include "templates/template_internal.h"

/* Mockoon's objectFromSafeString: '{ min: 10, max: 20 }' is relaxed JSON
 * (backslashes dropped, bare keys quoted) read with JSON.parse. */
static bool relaxed_object(struct mr_tpl_rt *rt, const char *s, size_t n, struct mr_tpl_value *out)
{
    char *d = mr_template__alloc(&rt->arena, 3 * n + 1);
    size_t i = 0, k = 0;

    if (!d)
        return false;
    while (i < n) {
        /* (['"])?([a-zA-Z0-9_]+)(['"])?: becomes "$2": */
        size_t j = i, ks, ke;
        if (s[j] == '\\') {
            i++;
            continue;
        }
        if (s[j] == '\'' || s[j] == '"')
            j++;
        ks = j;
        while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
                         (s[j] >= '0' && s[j] <= '9') || s[j] == '_'))
            j++;
        ke = j;
        if (ke > ks && j < n && (s[j] == '\'' || s[j] == '"'))
            j++;
        if (ke > ks && j < n && s[j] == ':') {
            d[k++] = '"';
            memcpy(d + k, s + ks, ke - ks);
            k += ke - ks;
            memcpy(d + k, "\": ", 3);
            k += 3;
            i = j + 1;
            continue;
        }
        if (ke > ks) {
            memcpy(d + k, s + i, ke - i);
            k += ke - i;
            i = ke;
            continue;
        }
        d[k++] = s[i++];
    }
    d[k] = '\0';
    return mr_template__parse_json(&rt->arena, d, k, out) && out->type == MR_TPL_V_OBJ;
}

static bool to_arg(struct mr_tpl_rt *rt, const char *key, const struct mr_tpl_value *v,
                   struct mr_faker_arg *a)
{
    memset(a, 0, sizeof(*a));
    a->key = key;
    if (v->type == MR_TPL_V_NUM) {
        a->is_num = true;
        a->num = v->u.n;
        return true;
    }
    if (v->type == MR_TPL_V_UNDEF || v->type == MR_TPL_V_NULL)
        return false;
    {
        struct mr_tpl_value s = mr_template__to_str(rt, v);
        a->str = s.u.s.p;
        a->len = s.u.s.len;
    }
    return true;
}

static size_t spread(struct mr_tpl_rt *rt, const struct mr_tpl_object *o, struct mr_faker_arg *args,
                     size_t n, size_t max)
{
    size_t i;

    for (i = 0; i < o->n && n < max; i++) {
        char *key = mr_template__strndup(&rt->arena, o->k[i].p, o->k[i].len);
        if (key && to_arg(rt, key, &o->v[i], &args[n]))
            n++;
    }
    return n;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum mr_tpl_faker_kind mr_template__faker_kind(const char *name)
{
    if (starts_with(name, "number.") || strcmp(name, "location.latitude") == 0 ||
        strcmp(name, "location.longitude") == 0)
        return MR_TPL_FAKER_NUMBER;
    if (strcmp(name, "datatype.boolean") == 0)
        return MR_TPL_FAKER_BOOL;
    return MR_TPL_FAKER_STRING;
}

struct mr_tpl_value mr_template__faker(struct mr_tpl_rt *rt, const struct mr_faker_method *m,
                                       enum mr_tpl_faker_kind kind, const struct mr_tpl_value *argv,
                                       size_t argc, const struct mr_tpl_text *hkeys,
                                       const struct mr_tpl_value *hashv, size_t nhash, bool borrow)
{
    struct mr_faker_arg args[48];
    const char *name = mr_faker_method_name(m);
    size_t n = 0, i;
    bool have_ref = false;
    struct mr_tpl_value out;
    int rc;
    double d;

    for (i = 0; i < argc && n < 40; i++) {
        const struct mr_tpl_value *v = &argv[i];
        struct mr_tpl_value obj;
        if (v->type == MR_TPL_V_OBJ) {
            n = spread(rt, v->u.o, args, n, 40);
        } else if (mr_tpl_is_plain_str(v) && v->u.s.len >= 2 && v->u.s.p[0] == '{' &&
                   v->u.s.p[v->u.s.len - 1] == '}') {
            if (!relaxed_object(rt, v->u.s.p, v->u.s.len, &obj))
                return mr_tpl_str("", 0); /* Mockoon: "Error in parsing object argument" */
            n = spread(rt, obj.u.o, args, n, 40);
        } else if (to_arg(rt, NULL, v, &args[n])) {
            n++;
        }
    }
    for (i = 0; i < nhash && n < 46; i++)
        if (to_arg(rt, hkeys[i].p, &hashv[i], &args[n]))
            n++;
    for (i = 0; i < n; i++)
        if (args[i].key && strcmp(args[i].key, "refDate") == 0)
            have_ref = true;
    if (!have_ref && name[0] == 'd' && starts_with(name, "date.") && rt->ctx) {
        /* dates count from the request's clock, not the wall clock */
        memset(&args[n], 0, sizeof(args[n]));
        args[n].key = "refDate";
        args[n].is_num = true;
        args[n].num = (double)rt->ctx->now_ms;
        n++;
    }
    mr_buf_reset(&rt->scratch);
    rc = mr_faker_run(&rt->scratch, m, args, n, mr_template__rand64, rt);
    if (rc == MR_ENOMEM) {
        rt->stop = rt->nomem = true;
        mr_buf_reset(&rt->scratch);
        return mr_tpl_str("", 0);
    }
    if (rc < 0)
        mr_buf_reset(&rt->scratch);
    if (kind == MR_TPL_FAKER_DYNAMIC)
        kind = mr_template__faker_kind(name);
    if (borrow && kind == MR_TPL_FAKER_STRING && !rt->scratch.failed) {
        /* printed right away: no copy into the arena (the same steps are
         * charged as take_scratch would) */
        if (!mr_template__charge(rt, rt->scratch.len >> 10))
            return mr_tpl_str("", 0);
        return mr_tpl_str(mr_buf_cstr(&rt->scratch), rt->scratch.len);
    }
    out = mr_template__take_scratch(rt, false);
    if (out.type != MR_TPL_V_STR)
        return mr_tpl_str("", 0);
    if (kind == MR_TPL_FAKER_NUMBER) {
        d = mr_template__str_to_number(out.u.s.p, out.u.s.len);
        if (!isnan(d) && out.u.s.len)
            return mr_tpl_num(d);
    }
    if (kind == MR_TPL_FAKER_BOOL && out.u.s.len)
        return mr_tpl_bool(out.u.s.p[0] == 't');
    return out;
}
