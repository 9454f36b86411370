/*
 * template_render.c - runs a compiled template against one request: path
 * lookups, helper calls, block programs, data frames (@index, setVar) and
 * the output, HTML-escaped as Handlebars' escapeExpression does.
 *
 * A render never fails on its input: missing values print as "", and the
 * limits in template_internal.h (output size, steps, arena size) stop it
 * early instead of letting a template loop or grow without bound. Every
 * allocation comes from the render's arena; the tree is only read, so any
 * number of threads may render one template at once.
 */
#include "templates/template.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/text.h"
#include "common/xmldoc.h"
#include "templates/template_internal.h"

bool mr_template__charge(struct mr_tpl_rt *rt, uint64_t steps)
{
    if (rt->stop)
        return false;
    rt->steps += steps;
    if (rt->steps > MR_TPL_MAX_STEPS || rt->arena.failed) {
        rt->stop = true;
        if (rt->arena.nomem)
            rt->nomem = true;
        return false;
    }
    return true;
}

void mr_template__emit(struct mr_tpl_rt *rt, const char *p, size_t len)
{
    struct mr_buf *o = rt->out;
    size_t used, room;

    if (rt->stop || len == 0)
        return;
    used = o->len - rt->out_start;
    room = used < MR_TPL_MAX_OUTPUT ? MR_TPL_MAX_OUTPUT - used : 0;
    if (len > room) {
        len = room;
        rt->stop = true;
    }
    if (len < o->cap - o->len && !o->failed) {
        /* the common case, a few bytes into a buffer with room: no call */
        memcpy(o->data + o->len, p, len);
        o->len += len;
        o->data[o->len] = '\0';
        return;
    }
    if (len && !mr_buf_append(o, p, len)) {
        rt->stop = true;
        rt->nomem = true;
    }
}

/* Handlebars' escapeExpression: & < > " ' ` = (the entity's index + 1 in
 * escapes[] below, 0 for every other byte). A table keeps the scan over the
 * common, clean text to one load and test per byte. */
static const uint8_t escape_of[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5, ['`'] = 6, ['='] = 7,
};

static const struct {
    const char *p;
    size_t len;
} escapes[] = {
    {"&amp;", 5},  {"&lt;", 4},   {"&gt;", 4},   {"&quot;", 6},
    {"&#x27;", 6}, {"&#x60;", 6}, {"&#x3D;", 6},
};

static void emit_escaped(struct mr_tpl_rt *rt, const char *p, size_t len)
{
    const uint8_t *u = (const uint8_t *)p;
    size_t i = 0, run = 0;

    for (;;) {
        uint8_t e;
        /* four bytes a test over clean text, then one by one */
        while (i + 4 <= len &&
               !(escape_of[u[i]] | escape_of[u[i + 1]] | escape_of[u[i + 2]] | escape_of[u[i + 3]]))
            i += 4;
        while (i < len && !escape_of[u[i]])
            i++;
        if (i == len)
            break;
        e = escape_of[u[i]];
        mr_template__emit(rt, p + run, i - run);
        mr_template__emit(rt, escapes[e - 1].p, escapes[e - 1].len);
        run = ++i;
    }
    mr_template__emit(rt, p + run, len - run);
}

static void emit_value(struct mr_tpl_rt *rt, const struct mr_tpl_value *v, bool escape)
{
    char num[32];

    switch (v->type) {
    case MR_TPL_V_UNDEF:
    case MR_TPL_V_NULL:
        return;
    case MR_TPL_V_STR:
        if (escape && !v->safe)
            emit_escaped(rt, v->u.s.p, v->u.s.len);
        else
            mr_template__emit(rt, v->u.s.p, v->u.s.len);
        return;
    case MR_TPL_V_NUM:
        mr_template__emit(rt, num, mr_number_text(v->u.n, num));
        return;
    case MR_TPL_V_BOOL:
        if (v->u.b)
            mr_template__emit(rt, "true", 4);
        else
            mr_template__emit(rt, "false", 5);
        return;
    default:
        mr_buf_reset(&rt->scratch);
        mr_template__append_output(&rt->scratch, v);
        if (rt->scratch.failed) {
            rt->stop = rt->nomem = true;
            return;
        }
        if (escape)
            emit_escaped(rt, mr_buf_cstr(&rt->scratch), rt->scratch.len);
        else
            mr_template__emit(rt, mr_buf_cstr(&rt->scratch), rt->scratch.len);
        return;
    }
}

struct mr_tpl_value mr_template__take_scratch(struct mr_tpl_rt *rt, bool safe)
{
    char *p;

    if (rt->scratch.failed) {
        rt->stop = rt->nomem = true;
        mr_buf_reset(&rt->scratch);
        return mr_tpl_undef();
    }
    /* big results cost steps in proportion, so no loop can make many */
    if (!mr_template__charge(rt, rt->scratch.len >> 10)) {
        mr_buf_reset(&rt->scratch);
        return mr_tpl_undef();
    }
    p = mr_template__strndup(&rt->arena, mr_buf_cstr(&rt->scratch), rt->scratch.len);
    if (!p) {
        mr_buf_reset(&rt->scratch);
        mr_template__charge(rt, 0);
        return mr_tpl_undef();
    }
    {
        struct mr_tpl_value v = mr_tpl_str(p, rt->scratch.len);
        v.safe = safe;
        mr_buf_reset(&rt->scratch);
        return v;
    }
}

struct mr_tpl_value mr_template__to_str(struct mr_tpl_rt *rt, const struct mr_tpl_value *v)
{
    char num[32];
    size_t n;

    switch (v->type) {
    case MR_TPL_V_STR:
        return mr_tpl_unsafe(*v);
    case MR_TPL_V_NUM:
        n = mr_number_text(v->u.n, num);
        {
            char *p = mr_template__strndup(&rt->arena, num, n);
            return p ? mr_tpl_str(p, n) : mr_tpl_str("", 0);
        }
    case MR_TPL_V_UNDEF:
        return mr_tpl_str("undefined", 9);
    case MR_TPL_V_NULL:
        return mr_tpl_str("null", 4);
    case MR_TPL_V_BOOL:
        return v->u.b ? mr_tpl_str("true", 4) : mr_tpl_str("false", 5);
    default:
        mr_buf_reset(&rt->scratch);
        mr_template__append_string(&rt->scratch, v);
        {
            struct mr_tpl_value s = mr_template__take_scratch(rt, false);
            return s.type == MR_TPL_V_STR ? s : mr_tpl_str("", 0);
        }
    }
}

/* ---- random ------------------------------------------------------------------ */

static uint64_t next_random(struct mr_tpl_rt *rt)
{
    if (rt->ctx && rt->ctx->rand)
        return rt->ctx->rand(rt->ctx->rand_ctx);
    /* no generator given: splitmix64 from a fixed seed, still deterministic */
    {
        uint64_t z = (rt->rng += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        return z ^ (z >> 31);
    }
}

uint64_t mr_template__rand64(void *rt)
{
    return next_random(rt);
}

double mr_template__random(struct mr_tpl_rt *rt)
{
    return (double)(next_random(rt) >> 11) * (1.0 / 9007199254740992.0);
}

/* @mockoon/commons RandomInt: floor(lower + random * (upper - lower + 1)) */
double mr_template__random_int(struct mr_tpl_rt *rt, double a, double b)
{
    double lower, upper;

    if (isnan(a) || isnan(b))
        return NAN;
    lower = ceil(a < b ? a : b);
    upper = floor(a < b ? b : a);
    return floor(lower + mr_template__random(rt) * (upper - lower + 1));
}

/* ---- data frames ------------------------------------------------------------- */

struct mr_tpl_data_frame *mr_template__frame_new(struct mr_tpl_rt *rt, bool copy)
{
    struct mr_tpl_data_frame *f = mr_template__alloc(&rt->arena, sizeof(*f));

    if (!f)
        return NULL;
    f->parent = rt->data;
    f->up = copy && rt->data ? rt->data->up : rt->data;
    f->vars = NULL;
    return f;
}

struct mr_tpl_value *mr_template__frame_slot(struct mr_tpl_rt *rt, struct mr_tpl_data_frame *f,
                                             const char *name, size_t len)
{
    struct mr_tpl_var *var;

    for (var = f->vars; var; var = var->next)
        if (var->len == len && memcmp(var->name, name, len) == 0)
            return &var->v;
    var = mr_template__alloc(&rt->arena, sizeof(*var));
    if (!var)
        return NULL;
    var->name = name;
    var->len = len;
    var->v = mr_tpl_undef();
    var->next = f->vars;
    f->vars = var;
    return &var->v;
}

bool mr_template__frame_set(struct mr_tpl_rt *rt, struct mr_tpl_data_frame *f, const char *name,
                            size_t len, struct mr_tpl_value v)
{
    struct mr_tpl_value *slot = mr_template__frame_slot(rt, f, name, len);

    if (!slot)
        return false;
    *slot = v;
    return true;
}

struct mr_tpl_value mr_template__frame_get(const struct mr_tpl_data_frame *f, const char *name,
                                           size_t len)
{
    const struct mr_tpl_var *var;

    for (; f; f = f->parent)
        for (var = f->vars; var; var = var->next)
            if (var->len == len && memcmp(var->name, name, len) == 0)
                return var->v;
    return mr_tpl_undef();
}

/* ---- lookups ----------------------------------------------------------------- */

static bool array_index(const char *key, size_t len, size_t *out)
{
    size_t v = 0, i;

    if (len == 0 || len > 15 || (len > 1 && key[0] == '0'))
        return false;
    for (i = 0; i < len; i++) {
        if (key[i] < '0' || key[i] > '9')
            return false;
        v = v * 10 + (size_t)(key[i] - '0');
    }
    *out = v;
    return true;
}

struct mr_tpl_value mr_template__lookup(struct mr_tpl_rt *rt, const struct mr_tpl_value *parent,
                                        const char *key, size_t len)
{
    size_t i;

    switch (parent->type) {
    case MR_TPL_V_OBJ: {
        struct mr_tpl_value *v = mr_template__obj_get(parent->u.o, key, len);
        if (v)
            return *v;
        if (parent->u.o->root && len == 7 && memcmp(key, "request", 7) == 0)
            return mr_template__request_value(rt, MR_TPL_REQ_OBJECT);
        return mr_tpl_undef();
    }
    case MR_TPL_V_ARR:
        if (array_index(key, len, &i))
            return i < parent->u.a->n ? parent->u.a->v[i] : mr_tpl_undef();
        if (len == 6 && memcmp(key, "length", 6) == 0)
            return mr_tpl_num((double)parent->u.a->n);
        return mr_tpl_undef();
    case MR_TPL_V_STR:
        if (parent->safe) {
            /* a SafeString's one own property */
            if (len == 6 && memcmp(key, "string", 6) == 0)
                return mr_tpl_unsafe(*parent);
            return mr_tpl_undef();
        }
        if (len == 6 && memcmp(key, "length", 6) == 0)
            return mr_tpl_num((double)mr_template__u16_len(parent->u.s.p, parent->u.s.len));
        if (array_index(key, len, &i)) {
            size_t a = mr_template__u16_offset(parent->u.s.p, parent->u.s.len, i), b;
            if (a >= parent->u.s.len)
                return mr_tpl_undef();
            b = mr_template__u16_offset(parent->u.s.p, parent->u.s.len, i + 1);
            if (b <= a)
                b = a + 1;
            return mr_tpl_str(parent->u.s.p + a, b - a);
        }
        return mr_tpl_undef();
    default:
        return mr_tpl_undef();
    }
}

static struct mr_tpl_value eval_expr(struct mr_tpl_rt *rt, const struct mr_tpl_expr *x);

static struct mr_tpl_value eval_path(struct mr_tpl_rt *rt, const struct mr_tpl_path *p)
{
    struct mr_tpl_value v;
    uint16_t i = 0;

    if (p->bp_depth >= 0) {
        const struct mr_tpl_bparam_frame *b = rt->bp;
        int16_t d;
        for (d = 0; b && d < p->bp_depth; d++)
            b = b->up;
        v = (b && (size_t)p->bp_index < b->n) ? b->v[p->bp_index] : mr_tpl_undef();
        i = 1;
    } else if (p->data) {
        const struct mr_tpl_data_frame *f = rt->data;
        uint16_t d;
        for (d = 0; f && d < p->depth; d++)
            f = f->up;
        if (!f || p->nparts == 0)
            return mr_tpl_undef();
        v = mr_template__frame_get(f, p->parts[0].p, p->parts[0].len);
        /* data paths go on only through truthy values (`current && lookup`) */
        for (i = 1; i < p->nparts; i++) {
            if (!mr_template__truthy(&v))
                return v;
            v = mr_template__lookup(rt, &v, p->parts[i].p, p->parts[i].len);
        }
        return v;
    } else {
        const struct mr_tpl_context_frame *c = rt->self;
        uint16_t d;
        for (d = 0; c && d < p->depth; d++)
            c = c->up;
        if (!c)
            return mr_tpl_undef();
        v = c->v;
    }
    for (; i < p->nparts; i++) {
        if (v.type == MR_TPL_V_UNDEF || v.type == MR_TPL_V_NULL)
            return v;
        v = mr_template__lookup(rt, &v, p->parts[i].p, p->parts[i].len);
    }
    return v;
}

const struct mr_tpl_value *mr_template__hash(const struct mr_tpl_call *c, const char *key)
{
    size_t len = strlen(key), i;

    /* pairs are stored last to first: the winner of a duplicate is last */
    for (i = c->site->nhash; i-- > 0;)
        if (c->site->hkeys[i].len == len && memcmp(c->site->hkeys[i].p, key, len) == 0)
            return &c->hashv[i];
    return NULL;
}

/* `printed`: the caller prints the value before anything else runs (see
 * mr_tpl_call.printed). */
static struct mr_tpl_value call_helper(struct mr_tpl_rt *rt, const struct mr_tpl_call_site *site,
                                       const struct mr_tpl_node *block, bool printed)
{
    struct mr_tpl_value small[8], *argv = small, *hashv;
    struct mr_tpl_call c;
    size_t n = (size_t)site->nparams + site->nhash, i;

    if (!mr_template__charge(rt, 1))
        return mr_tpl_undef();
    if (n > sizeof(small) / sizeof(small[0])) {
        argv = mr_template__alloc(&rt->arena, n * sizeof(*argv));
        if (!argv) {
            mr_template__charge(rt, 0);
            return mr_tpl_undef();
        }
    }
    hashv = argv + site->nparams;
    for (i = 0; i < site->nparams; i++)
        argv[i] = eval_expr(rt, &site->params[i]);
    for (i = 0; i < site->nhash; i++)
        hashv[i] = eval_expr(rt, &site->hvals[i]);
    if (rt->stop)
        return mr_tpl_undef();
    c.site = site;
    c.block = block;
    c.argv = argv;
    c.argc = site->nparams;
    c.hashv = hashv;
    c.printed = printed;
    return site->helper->fn(rt, &c);
}

static struct mr_tpl_value eval_expr(struct mr_tpl_rt *rt, const struct mr_tpl_expr *x)
{
    switch (x->kind) {
    case MR_TPL_X_PATH:
        return eval_path(rt, &x->u.path);
    case MR_TPL_X_STR:
        return mr_tpl_str(x->u.str.p, x->u.str.len);
    case MR_TPL_X_NUM:
        return mr_tpl_num(x->u.num);
    case MR_TPL_X_BOOL:
        return mr_tpl_bool(x->u.b);
    case MR_TPL_X_NULL:
        return mr_tpl_null();
    case MR_TPL_X_CALL:
        if (x->u.call->helper)
            return call_helper(rt, x->u.call, NULL, false);
        return eval_path(rt, &x->u.call->head.u.path);
    default:
        return mr_tpl_undef();
    }
}

/* ---- programs ---------------------------------------------------------------- */

static struct mr_tpl_value render_prog(struct mr_tpl_rt *rt, const struct mr_tpl_program *p);

static struct mr_tpl_value run_prog(struct mr_tpl_rt *rt, const struct mr_tpl_program *p,
                                    const struct mr_tpl_value *ctx, struct mr_tpl_data_frame *frame,
                                    const struct mr_tpl_value *bp, size_t nbp)
{
    struct mr_tpl_context_frame *self = rt->self, cf;
    struct mr_tpl_data_frame *data = rt->data;
    struct mr_tpl_bparam_frame *bps = rt->bp, bf;
    struct mr_tpl_value v;

    if (!p || rt->stop)
        return mr_tpl_str("", 0);
    /* runtime.js wrapProgram: `../` only counts contexts that differ, by
     * JavaScript's != (so an item 3 does not differ from its array [3]) */
    if (ctx && !(self && mr_template__loose_eq(ctx, &self->v))) {
        cf.v = *ctx;
        cf.up = self;
        rt->self = &cf;
    }
    if (frame)
        rt->data = frame;
    if (p->nbparams) {
        bf.v = bp;
        bf.n = bp ? nbp : 0;
        bf.up = bps;
        rt->bp = &bf;
    }
    v = render_prog(rt, p);
    rt->self = self;
    rt->data = data;
    rt->bp = bps;
    return v;
}

struct mr_tpl_value mr_template__fn_value(struct mr_tpl_rt *rt, const struct mr_tpl_call *c,
                                          bool inverse, const struct mr_tpl_value *ctx,
                                          struct mr_tpl_data_frame *frame,
                                          const struct mr_tpl_value *bp, size_t nbp)
{
    if (!c->block)
        return mr_tpl_str("", 0);
    return run_prog(rt, inverse ? c->block->inverse : c->block->program, ctx, frame, bp, nbp);
}

void mr_template__fn_block(struct mr_tpl_rt *rt, const struct mr_tpl_call *c, bool inverse,
                           const struct mr_tpl_value *ctx, struct mr_tpl_data_frame *frame,
                           const struct mr_tpl_value *bp, size_t nbp)
{
    struct mr_tpl_value v = mr_template__fn_value(rt, c, inverse, ctx, frame, bp, nbp);

    emit_value(rt, &v, false);
}

struct mr_tpl_value mr_template__capture(struct mr_tpl_rt *rt, const struct mr_tpl_call *c,
                                         const struct mr_tpl_value *ctx)
{
    size_t start = rt->out->len;
    char *p;
    size_t n;

    mr_template__fn_block(rt, c, false, ctx, NULL, NULL, 0);
    if (rt->out->failed || rt->out->len < start)
        return mr_tpl_str("", 0);
    n = rt->out->len - start;
    p = mr_template__strndup(&rt->arena, rt->out->data + start, n);
    rt->out->len = start;
    if (rt->out->data)
        rt->out->data[start] = '\0';
    if (!p) {
        mr_template__charge(rt, 0);
        return mr_tpl_str("", 0);
    }
    return mr_tpl_str(p, n);
}

/* Handlebars' blockHelperMissing: {{#value}}...{{/value}} without a helper. */
static void value_block(struct mr_tpl_rt *rt, const struct mr_tpl_node *node,
                        const struct mr_tpl_value *v)
{
    struct mr_tpl_call c;

    memset(&c, 0, sizeof(c));
    c.site = &node->call;
    c.block = node;
    if (v->type == MR_TPL_V_BOOL && v->u.b) {
        mr_template__fn_block(rt, &c, false, NULL, NULL, NULL, 0);
    } else if (v->type == MR_TPL_V_BOOL || v->type == MR_TPL_V_NULL || v->type == MR_TPL_V_UNDEF) {
        mr_template__fn_block(rt, &c, true, NULL, NULL, NULL, 0);
    } else if (v->type == MR_TPL_V_ARR) {
        if (v->u.a->n > 0) {
            struct mr_tpl_value arg = *v, ret;
            const struct mr_tpl_helper *each = mr_template__find_helper("each", 4);
            c.argv = &arg;
            c.argc = 1;
            ret = each->fn(rt, &c);
            emit_value(rt, &ret, false);
        } else {
            mr_template__fn_block(rt, &c, true, NULL, NULL, NULL, 0);
        }
    } else {
        mr_template__fn_block(rt, &c, false, v, NULL, NULL, 0);
    }
}

/*
 * Handlebars 4.7 compiles a program to `return a + b + ...;` where text and
 * {{escaped}} values are strings but a {{{raw}}} value or a block helper's
 * result is passed as is. So while no string has been appended, numbers and
 * booleans add up: {{{add 1 1}}}{{{add 1 1}}} prints "4". (Fixed after
 * 4.7.9, which Mockoon uses.) `struct program_sum` is that sum so far.
 */
struct program_sum {
    enum {
        SUM_EMPTY,   /* nothing yet */
        SUM_PENDING, /* `v`, a number or boolean, not printed yet */
        SUM_STRING,  /* a string was printed: the rest is concatenated */
    } state;
    struct mr_tpl_value v;
};

static void sum_string(struct mr_tpl_rt *rt, struct program_sum *sum)
{
    if (sum->state == SUM_PENDING)
        emit_value(rt, &sum->v, false);
    sum->state = SUM_STRING;
}

static void sum_value(struct mr_tpl_rt *rt, struct program_sum *sum, const struct mr_tpl_value *v)
{
    if (v->type == MR_TPL_V_NUM || v->type == MR_TPL_V_BOOL) {
        if (sum->state == SUM_EMPTY) {
            sum->state = SUM_PENDING;
            sum->v = *v;
            return;
        }
        if (sum->state == SUM_PENDING) {
            sum->v = mr_tpl_num(mr_template__to_number(&sum->v) + mr_template__to_number(v));
            return;
        }
    }
    sum_string(rt, sum);
    emit_value(rt, v, false);
}

/* A block helper printed from `mark` on while `sum` held a pending value,
 * which comes first: move it in front. */
static void sum_insert(struct mr_tpl_rt *rt, struct program_sum *sum, size_t mark)
{
    struct mr_buf *o = rt->out;
    char num[32];
    size_t n;

    sum->state = SUM_STRING;
    if (sum->v.type == MR_TPL_V_BOOL)
        n = (size_t)snprintf(num, sizeof(num), "%s", sum->v.u.b ? "true" : "false");
    else
        n = mr_number_text(sum->v.u.n, num);
    if (rt->stop || o->len - rt->out_start + n > MR_TPL_MAX_OUTPUT || !mr_buf_reserve(o, n))
        return;
    memmove(o->data + mark + n, o->data + mark, o->len - mark + 1);
    memcpy(o->data + mark, num, n);
    o->len += n;
}

static struct mr_tpl_value render_prog(struct mr_tpl_rt *rt, const struct mr_tpl_program *p)
{
    struct program_sum sum = {.state = SUM_EMPTY};
    size_t i;

    for (i = 0; i < p->n && !rt->stop; i++) {
        const struct mr_tpl_node *node = &p->nodes[i];
        struct mr_tpl_value v;

        if (!mr_template__charge(rt, 1))
            break;
        switch (node->kind) {
        case MR_TPL_N_TEXT:
            if (node->text.len) {
                sum_string(rt, &sum);
                mr_template__emit(rt, node->text.p, node->text.len);
            }
            break;
        case MR_TPL_N_MUSTACHE:
            if (node->call.helper)
                v = call_helper(rt, &node->call, NULL, true);
            else
                v = eval_path(rt, &node->call.head.u.path);
            if (node->escaped) {
                sum_string(rt, &sum);
                emit_value(rt, &v, rt->t->escape == MR_TPL_HTML);
            } else {
                sum_value(rt, &sum, &v);
            }
            break;
        case MR_TPL_N_BLOCK:
            if (node->call.helper) {
                size_t mark = rt->out->len;
                v = call_helper(rt, &node->call, node, false);
                if (sum.state == SUM_PENDING && rt->out->len != mark && !rt->out->failed)
                    sum_insert(rt, &sum, mark);
                sum_value(rt, &sum, &v);
            } else {
                /* a value block is appended with `buffer += `, as a string */
                sum_string(rt, &sum);
                v = eval_path(rt, &node->call.head.u.path);
                value_block(rt, node, &v);
            }
            break;
        default:
            break;
        }
    }
    return sum.state == SUM_PENDING ? sum.v : mr_tpl_str("", 0);
}

int mr_template_render(const struct mr_template *t, const struct mr_tpl_ctx *ctx,
                       struct mr_buf *out)
{
    struct mr_tpl_rt rt;
    struct mr_tpl_context_frame root;
    struct mr_tpl_data_frame frame = {0};

    if (!t || !out)
        return MR_EINTERNAL;
    if (out->failed)
        return MR_ENOMEM;
    memset(&rt, 0, sizeof(rt));
    rt.t = t;
    rt.ctx = ctx;
    rt.out = out;
    rt.out_start = out->len;
    mr_template__arena_init(&rt.arena, MR_TPL_MAX_ARENA);
    mr_buf_init(&rt.scratch);
    rt.root_obj.root = true;
    root.v = mr_tpl_obj(&rt.root_obj);
    root.up = NULL;
    rt.self = &root;
    rt.data = &frame;
    /* runtime.js initData: data.root is the root context */
    mr_template__frame_set(&rt, &frame, "root", 4, root.v);
    {
        struct mr_tpl_value v = render_prog(&rt, t->root);
        emit_value(&rt, &v, false);
    }
    mr_template__arena_release(&rt.arena);
    mr_buf_release(&rt.scratch);
    mr_xmldoc_free(rt.body_xml);
    if (rt.nomem || out->failed)
        return MR_ENOMEM;
    return 0;
}
