/*
 * spec.c - an OpenAPI document's operations, with $refs to parameters,
 * bodies and responses followed, and the lookups by request and by route.
 *
 * Everything the spec hands out lives in one arena, freed at once: the
 * operations point into the document's cJSON tree, which the spec owns too.
 */
#include "openapi/spec.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/text.h"
#include "openapi/yaml.h"

#define MAX_REF_HOPS 32

struct block {
    struct block *next;
    max_align_t data[];
};

/* A segment of a path template. */
enum seg_kind {
    SEG_PARAM,   /* "{id}": any one non-empty segment */
    SEG_PARTIAL, /* "{name}.json": literal text around templates */
    SEG_LITERAL,
};

struct seg {
    const char *text;
    size_t len;
    enum seg_kind kind;
    size_t literal; /* literal characters (SEG_PARTIAL ranks by them) */
};

struct op_index {
    struct seg *segs;
    size_t nsegs;
};

struct mr_openapi {
    struct mr_yaml_doc *doc;
    const char *version;
    bool v31;
    const char *title;
    char *base; /* "" or "/api/v1" */
    struct mr_openapi_op *ops;
    struct op_index *index;
    size_t nops, capops;
    struct block *blocks;
};

struct loader {
    struct mr_openapi *s;
    struct mr_error *err;
    int rc; /* the first failure; later ones are not reported */
};

static const char *const methods[] = {"get",     "put",  "post",  "delete",
                                      "options", "head", "patch", "trace"};

/* ---- memory ---- */

static void *alloc(struct mr_openapi *s, size_t n)
{
    struct block *b = calloc(1, sizeof(*b) + n);
    if (!b)
        return NULL;
    b->next = s->blocks;
    s->blocks = b;
    return b->data;
}

static char *sdup(struct mr_openapi *s, const char *str, size_t n)
{
    char *p = alloc(s, n + 1);
    if (p)
        memcpy(p, str, n);
    return p;
}

/* `base` + "/" + token, escaped as RFC 6901 says (~ as ~0, / as ~1). */
static char *pointer_push(struct mr_openapi *s, const char *base, const char *token)
{
    size_t n, i = 0;
    const char *t;
    char *p;

    if (!base) /* out of memory before */
        return NULL;
    n = strlen(base) + 2;
    for (t = token; *t; t++)
        n += (*t == '~' || *t == '/') ? 2 : 1;
    if (!(p = alloc(s, n)))
        return NULL;
    memcpy(p, base, strlen(base));
    i = strlen(base);
    p[i++] = '/';
    for (t = token; *t; t++) {
        if (*t == '~' || *t == '/') {
            p[i++] = '~';
            p[i++] = *t == '~' ? '0' : '1';
        } else {
            p[i++] = *t;
        }
    }
    return p;
}

static char *pointer_index(struct mr_openapi *s, const char *base, size_t index)
{
    char tok[32];
    snprintf(tok, sizeof(tok), "%zu", index);
    return pointer_push(s, base, tok);
}

/* ---- errors ---- */

void mr_openapi_error_at(const struct mr_openapi *s, struct mr_error *err, const cJSON *node)
{
    char path[256];
    int line = 0, column = 0;

    path[0] = '\0';
    if (node) {
        mr_yaml_locate(s->doc, node, node->string != NULL, &line, &column);
        mr_yaml_path_of(s->doc, node, path, sizeof(path));
    }
    mr_error_at(err, mr_yaml_file(s->doc), path, line, column);
}

static int fail(struct loader *ld, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The first problem, at `node` (its key when it is a member). */
static int fail(struct loader *ld, const cJSON *node, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    if (ld->rc)
        return ld->rc;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ld->rc = mr_error_set(ld->err, MR_ESCENARIO, "%s", msg);
    mr_openapi_error_at(ld->s, ld->err, node);
    return ld->rc;
}

static int nomem(struct loader *ld)
{
    if (!ld->rc)
        ld->rc =
            mr_error_set(ld->err, MR_ENOMEM, "out of memory reading %s", mr_yaml_file(ld->s->doc));
    return ld->rc;
}

/* ---- $ref ---- */

const cJSON *mr_openapi_resolve(const struct mr_openapi *s, const char *ref)
{
    size_t n;
    char *decoded;
    const cJSON *found;

    if (!ref || ref[0] != '#')
        return NULL;
    n = strlen(ref + 1);
    if (!(decoded = malloc(n + 1)))
        return NULL;
    n = mr_percent_decode(decoded, ref + 1, n, 0);
    decoded[n] = '\0';
    found = strlen(decoded) == n ? mr_yaml_pointer(mr_yaml_root(s->doc), decoded) : NULL;
    free(decoded);
    return found;
}

static const char *ref_of(const cJSON *node)
{
    const cJSON *r = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, "$ref") : NULL;
    return cJSON_IsString(r) ? r->valuestring : NULL;
}

/* The JSON Pointer of a "#..." reference (percent-decoded), malloc'd. */
static char *ref_pointer(const char *ref)
{
    size_t n = strlen(ref + 1);
    char *p = malloc(n + 1);
    if (p) {
        n = mr_percent_decode(p, ref + 1, n, 0);
        p[n] = '\0';
    }
    return p;
}

const cJSON *mr_openapi_deref(const struct mr_openapi *s, const cJSON *node, char **pointer)
{
    const char *ref, *last = NULL;
    int hops;

    for (hops = 0; node && (ref = ref_of(node)) != NULL; hops++) {
        if (hops == MAX_REF_HOPS)
            return NULL;
        node = mr_openapi_resolve(s, ref);
        last = ref;
    }
    if (node && last && pointer) {
        char *p = ref_pointer(last);
        if (!p)
            return NULL;
        *pointer = p;
    }
    return node;
}

/* node with its $ref followed, its pointer in the arena: *ptr is `ptr` when no
 * $ref. NULL (after fail) when the $ref cannot be followed. */
static const cJSON *follow(struct loader *ld, const cJSON *node, const char **ptr, const char *what)
{
    char *p = NULL;
    const cJSON *to;
    const char *ref = ref_of(node);

    if (!ref)
        return node;
    if (ref[0] != '#') {
        fail(ld, cJSON_GetObjectItemCaseSensitive(node, "$ref"),
             "$ref \"%s\" leaves the document: mockrun reads one file, so external references "
             "are not supported (move %s into this file)",
             ref, what);
        return NULL;
    }
    to = mr_openapi_deref(ld->s, node, &p);
    if (!to) {
        fail(ld, cJSON_GetObjectItemCaseSensitive(node, "$ref"),
             "$ref \"%s\": no %s there (or a cycle of $refs)", ref, what);
        return NULL;
    }
    if (p) {
        *ptr = sdup(ld->s, p, strlen(p));
        free(p);
        if (!*ptr) {
            nomem(ld);
            return NULL;
        }
    }
    return to;
}

/* Data whose "$ref" members are values, not references. */
static bool is_data_key(const char *key, const char *parent_key)
{
    return strcmp(key, "example") == 0 || strcmp(key, "default") == 0 || strcmp(key, "enum") == 0 ||
           strcmp(key, "const") == 0 ||
           (strcmp(key, "value") == 0 && parent_key && strcmp(parent_key, "examples") == 0);
}

/* Every "$ref" outside example data must stay in the document. */
static int check_refs(struct loader *ld, const cJSON *node, const char *parent_key, int depth)
{
    const cJSON *c;

    if (depth > MR_YAML_MAX_DEPTH + 8)
        return 0;
    for (c = node->child; c; c = c->next) {
        if (c->string && is_data_key(c->string, parent_key))
            continue;
        if (c->string && strcmp(c->string, "$ref") == 0 && cJSON_IsString(c) &&
            c->valuestring[0] != '#')
            return fail(ld, c,
                        "$ref \"%s\" leaves the document: mockrun reads one file, so external "
                        "references are not supported (bring what it names into this file)",
                        c->valuestring);
        if (check_refs(ld, c, node->string, depth + 1))
            return ld->rc;
    }
    return 0;
}

/* ---- reading the document ---- */

static const char *string_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static struct mr_openapi_node node_at(const cJSON *obj, const char *key, const char *obj_ptr,
                                      struct loader *ld)
{
    struct mr_openapi_node n = {NULL, NULL};
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v) {
        n.node = v;
        if (!(n.pointer = pointer_push(ld->s, obj_ptr, key)))
            nomem(ld);
    }
    return n;
}

/* A `content` map into an array of media types. */
static int load_content(struct loader *ld, const cJSON *content, const char *ptr,
                        struct mr_openapi_media **out, size_t *n)
{
    const cJSON *m;
    size_t k = 0;

    *out = NULL;
    *n = 0;
    if (!content)
        return 0;
    if (!ptr)
        return nomem(ld);
    if (!cJSON_IsObject(content))
        return fail(ld, content, "expected a map of media types (\"application/json\": ...)");
    *out = alloc(ld->s, (size_t)cJSON_GetArraySize(content) * sizeof(**out) + 1);
    if (!*out)
        return nomem(ld);
    for (m = content->child; m; m = m->next) {
        struct mr_openapi_media *md = &(*out)[k++];
        const char *mptr = pointer_push(ld->s, ptr, m->string);
        if (!mptr)
            return nomem(ld);
        if (!cJSON_IsObject(m))
            return fail(ld, m, "expected a Media Type Object (with \"schema\", \"example\" ...)");
        md->type = m->string;
        md->self.node = m;
        md->self.pointer = mptr;
        md->schema = node_at(m, "schema", mptr, ld);
        md->example = node_at(m, "example", mptr, ld);
        md->examples = node_at(m, "examples", mptr, ld);
        if (md->examples.node && !cJSON_IsObject(md->examples.node))
            return fail(ld, md->examples.node, "expected a map of names to Example Objects");
        if (md->schema.node && !cJSON_IsObject(md->schema.node) &&
            !(ld->s->v31 && cJSON_IsBool(md->schema.node)))
            return fail(ld, md->schema.node, "expected a Schema Object");
    }
    *n = k;
    return ld->rc;
}

static bool status_key_ok(const char *k)
{
    if (strcmp(k, "default") == 0)
        return true;
    if (strlen(k) != 3 || k[0] < '1' || k[0] > '5')
        return false;
    if ((k[1] == 'X' || k[1] == 'x') && (k[2] == 'X' || k[2] == 'x'))
        return true;
    return isdigit((unsigned char)k[1]) && isdigit((unsigned char)k[2]);
}

static int load_responses(struct loader *ld, const cJSON *op, const char *op_ptr,
                          struct mr_openapi_op *o)
{
    const cJSON *rs = cJSON_GetObjectItemCaseSensitive(op, "responses"), *r;
    const char *rs_ptr;
    size_t k = 0;

    if (!rs)
        return 0;
    if (!cJSON_IsObject(rs))
        return fail(ld, rs, "expected a map of status codes to responses");
    if (!(rs_ptr = pointer_push(ld->s, op_ptr, "responses")))
        return nomem(ld);
    o->responses = alloc(ld->s, (size_t)cJSON_GetArraySize(rs) * sizeof(*o->responses) + 1);
    if (!o->responses)
        return nomem(ld);
    for (r = rs->child; r; r = r->next) {
        struct mr_openapi_response *res;
        const char *ptr;
        const cJSON *obj;

        if (r->string[0] == 'x' && r->string[1] == '-')
            continue; /* an extension */
        if (!status_key_ok(r->string))
            return fail(ld, r,
                        "expected a status code (\"200\"), a range (\"2XX\") or \"default\", "
                        "got \"%s\"",
                        r->string);
        if (!(ptr = pointer_push(ld->s, rs_ptr, r->string)))
            return nomem(ld);
        if (!(obj = follow(ld, r, &ptr, "response")))
            return ld->rc;
        if (!cJSON_IsObject(obj))
            return fail(ld, obj, "expected a Response Object");
        res = &o->responses[k++];
        res->status = r->string;
        res->description = string_of(obj, "description");
        res->self.node = obj;
        res->self.pointer = ptr;
        if (load_content(ld, cJSON_GetObjectItemCaseSensitive(obj, "content"),
                         pointer_push(ld->s, ptr, "content"), &res->content, &res->ncontent))
            return ld->rc;
    }
    o->nresponses = k;
    return 0;
}

static int load_body(struct loader *ld, const cJSON *op, const char *op_ptr,
                     struct mr_openapi_op *o)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(op, "requestBody"), *req;
    const char *ptr;
    struct mr_openapi_body *body;

    if (!b)
        return 0;
    if (!(ptr = pointer_push(ld->s, op_ptr, "requestBody")))
        return nomem(ld);
    if (!(b = follow(ld, b, &ptr, "request body")))
        return ld->rc;
    if (!cJSON_IsObject(b))
        return fail(ld, b, "expected a Request Body Object");
    if (!(body = alloc(ld->s, sizeof(*body))))
        return nomem(ld);
    req = cJSON_GetObjectItemCaseSensitive(b, "required");
    if (req && !cJSON_IsBool(req))
        return fail(ld, req, "expected true or false");
    body->required = cJSON_IsTrue(req);
    body->self.node = b;
    body->self.pointer = ptr;
    if (load_content(ld, cJSON_GetObjectItemCaseSensitive(b, "content"),
                     pointer_push(ld->s, ptr, "content"), &body->content, &body->ncontent))
        return ld->rc;
    o->body = body;
    return 0;
}

static int parse_in(const char *in, enum mr_openapi_in *out)
{
    static const char *const names[] = {"path", "query", "header", "cookie"};
    int i;
    for (i = 0; i < 4; i++)
        if (strcmp(in, names[i]) == 0) {
            *out = (enum mr_openapi_in)i;
            return 0;
        }
    return -1;
}

/* One Parameter Object (or its $ref) into *p. */
static int load_param(struct loader *ld, const cJSON *v, const char *ptr,
                      struct mr_openapi_param *p)
{
    const cJSON *name, *in, *req, *content;

    if (!(v = follow(ld, v, &ptr, "parameter")))
        return ld->rc;
    if (!cJSON_IsObject(v))
        return fail(ld, v, "expected a Parameter Object");
    name = cJSON_GetObjectItemCaseSensitive(v, "name");
    in = cJSON_GetObjectItemCaseSensitive(v, "in");
    req = cJSON_GetObjectItemCaseSensitive(v, "required");
    if (!cJSON_IsString(name) || !name->valuestring[0])
        return fail(ld, name ? name : v, "a parameter needs a \"name\" (a string)");
    if (!cJSON_IsString(in) || parse_in(in->valuestring, &p->in) != 0)
        return fail(ld, in ? in : v,
                    "a parameter's \"in\" is \"path\", \"query\", \"header\" or \"cookie\"");
    if (req && !cJSON_IsBool(req))
        return fail(ld, req, "expected true or false");
    p->name = name->valuestring;
    p->required = cJSON_IsTrue(req) || p->in == MR_OPENAPI_IN_PATH;
    p->self.node = v;
    p->self.pointer = ptr;
    p->schema = node_at(v, "schema", ptr, ld);
    content = cJSON_GetObjectItemCaseSensitive(v, "content");
    if (!p->schema.node && cJSON_IsObject(content) && cJSON_IsObject(content->child)) {
        const char *cptr = pointer_push(ld->s, ptr, "content");
        if (!cptr)
            return nomem(ld);
        p->schema = node_at(content->child, "schema",
                            pointer_push(ld->s, cptr, content->child->string), ld);
    }
    return ld->rc;
}

/* A `parameters` array into params (appended to *n). */
static int load_params(struct loader *ld, const cJSON *arr, const char *ptr,
                       struct mr_openapi_param *params, size_t *n)
{
    const cJSON *v;
    size_t i = 0;

    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        return fail(ld, arr, "expected a list of parameters");
    for (v = arr->child; v; v = v->next, i++) {
        struct mr_openapi_param p;
        const char *pptr = pointer_index(ld->s, ptr, i);
        size_t k;

        memset(&p, 0, sizeof(p));
        if (!pptr)
            return nomem(ld);
        if (load_param(ld, v, pptr, &p))
            return ld->rc;
        /* the same name and `in` again: the later (the operation's) wins */
        for (k = 0; k < *n; k++)
            if (params[k].in == p.in && strcmp(params[k].name, p.name) == 0)
                break;
        params[k] = p;
        if (k == *n)
            ++*n;
    }
    return 0;
}

/* The segments of a path template. */
static int index_path(struct loader *ld, const cJSON *key_node, const char *path,
                      struct op_index *ix)
{
    size_t n = 0, i;
    const char *p;

    for (p = path; *p; p++)
        n += *p == '/';
    if (!(ix->segs = alloc(ld->s, n * sizeof(*ix->segs) + 1)))
        return nomem(ld);
    ix->nsegs = n;
    p = path + 1;
    for (i = 0; i < n; i++) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p), k, open = 0, templates = 0;
        bool inside = false;
        struct seg *s = &ix->segs[i];

        s->text = p;
        s->len = len;
        for (k = 0; k < len; k++) {
            if (p[k] == '{') {
                if (inside)
                    return fail(ld, key_node, "a path template has \"{\" inside \"{...}\"");
                inside = true;
                open = k;
            } else if (p[k] == '}') {
                if (!inside)
                    return fail(ld, key_node, "a path template has \"}\" without \"{\"");
                if (k == open + 1)
                    return fail(ld, key_node, "a path template has \"{}\" without a name");
                inside = false;
                templates++;
            } else if (!inside) {
                s->literal++;
            }
        }
        if (inside)
            return fail(ld, key_node, "a path template has a \"{\" that is not closed");
        s->kind = templates == 0                      ? SEG_LITERAL
                  : templates == 1 && s->literal == 0 ? SEG_PARAM
                                                      : SEG_PARTIAL;
        p += len + 1;
    }
    return 0;
}

static int add_op(struct loader *ld, const struct mr_openapi_op *op, const cJSON *key_node)
{
    struct mr_openapi *s = ld->s;

    if (s->nops == s->capops) {
        size_t cap = s->capops ? s->capops * 2 : 16;
        struct mr_openapi_op *ops = realloc(s->ops, cap * sizeof(*ops));
        struct op_index *ix;
        if (!ops)
            return nomem(ld);
        s->ops = ops;
        if (!(ix = realloc(s->index, cap * sizeof(*ix))))
            return nomem(ld);
        s->index = ix;
        s->capops = cap;
    }
    s->ops[s->nops] = *op;
    memset(&s->index[s->nops], 0, sizeof(s->index[s->nops]));
    if (index_path(ld, key_node, op->path, &s->index[s->nops]))
        return ld->rc;
    s->nops++;
    return 0;
}

static int load_op(struct loader *ld, const char *path, const cJSON *path_key, const cJSON *item,
                   const char *item_ptr, const cJSON *m)
{
    struct mr_openapi_op op;
    const char *ptr = pointer_push(ld->s, item_ptr, m->string);
    const cJSON *common = cJSON_GetObjectItemCaseSensitive(item, "parameters");
    const cJSON *own = cJSON_GetObjectItemCaseSensitive(m, "parameters");
    size_t room = (size_t)cJSON_GetArraySize(common) + (size_t)cJSON_GetArraySize(own), i;
    char *upper;

    memset(&op, 0, sizeof(op));
    if (!ptr || !(upper = sdup(ld->s, m->string, strlen(m->string))))
        return nomem(ld);
    if (!cJSON_IsObject(m))
        return fail(ld, m, "expected an Operation Object");
    for (i = 0; upper[i]; i++)
        upper[i] = (char)toupper((unsigned char)upper[i]);
    op.method = upper;
    op.path = path;
    op.operation_id = string_of(m, "operationId");
    op.summary = string_of(m, "summary");
    op.self.node = m;
    op.self.pointer = ptr;
    if (!(op.params = alloc(ld->s, room * sizeof(*op.params) + 1)))
        return nomem(ld);
    if (load_params(ld, common, pointer_push(ld->s, item_ptr, "parameters"), op.params,
                    &op.nparams) ||
        load_params(ld, own, pointer_push(ld->s, ptr, "parameters"), op.params, &op.nparams) ||
        load_body(ld, m, ptr, &op) || load_responses(ld, m, ptr, &op))
        return ld->rc;
    return add_op(ld, &op, path_key);
}

static int load_paths(struct loader *ld, const cJSON *root)
{
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(root, "paths"), *p;

    if (!paths) {
        if (ld->s->v31)
            return 0; /* 3.1 may hold only webhooks or components */
        return fail(ld, root, "an OpenAPI 3.0 document needs \"paths\"");
    }
    if (!cJSON_IsObject(paths))
        return fail(ld, paths, "expected a map of paths (\"/users\": ...)");
    for (p = paths->child; p; p = p->next) {
        const char *ptr = pointer_push(ld->s, "/paths", p->string);
        const cJSON *item, *m;

        if (!ptr)
            return nomem(ld);
        if (p->string[0] == 'x' && p->string[1] == '-')
            continue;
        if (p->string[0] != '/')
            return fail(ld, p, "a path must start with \"/\", got \"%s\"", p->string);
        if (!(item = follow(ld, p, &ptr, "path item")))
            return ld->rc;
        if (!cJSON_IsObject(item))
            return fail(ld, item, "expected a Path Item Object");
        for (m = item->child; m; m = m->next) {
            size_t k;
            for (k = 0; k < sizeof(methods) / sizeof(methods[0]); k++)
                if (strcmp(m->string, methods[k]) == 0)
                    break;
            if (k == sizeof(methods) / sizeof(methods[0]))
                continue; /* summary, parameters, servers, x-... */
            if (load_op(ld, p->string, p, item, ptr, m))
                return ld->rc;
        }
    }
    return 0;
}

/* servers[0].url's path, its {variables} replaced by their defaults. */
static int load_base(struct loader *ld, const cJSON *root)
{
    const cJSON *servers = cJSON_GetObjectItemCaseSensitive(root, "servers");
    const cJSON *first = cJSON_IsArray(servers) ? servers->child : NULL;
    const char *url = string_of(first, "url"), *p, *path;
    const cJSON *vars = cJSON_GetObjectItemCaseSensitive(first, "variables");
    char out[1024];
    size_t n = 0, len;

    ld->s->base = sdup(ld->s, "", 0);
    if (!ld->s->base)
        return nomem(ld);
    if (!url)
        return 0;
    for (p = url; *p && n + 1 < sizeof(out); p++) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            const cJSON *var;
            const char *def;
            char name[256];
            if (!end || (size_t)(end - p - 1) >= sizeof(name))
                return 0; /* no base path rather than a wrong one */
            memcpy(name, p + 1, (size_t)(end - p - 1));
            name[end - p - 1] = '\0';
            var = cJSON_GetObjectItemCaseSensitive(vars, name);
            if (!(def = string_of(var, "default")))
                return 0;
            len = strlen(def);
            if (n + len + 1 >= sizeof(out))
                return 0;
            memcpy(out + n, def, len);
            n += len;
            p = end;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    path = out;
    if ((p = strstr(out, "://")) != NULL) {
        path = strchr(p + 3, '/');
        if (!path)
            return 0;
    } else if (out[0] == '/' && out[1] == '/') { /* //host/path */
        path = strchr(out + 2, '/');
        if (!path)
            return 0;
    }
    len = strcspn(path, "?#");
    while (len > 0 && path[len - 1] == '/')
        len--;
    if (len == 0)
        return 0;
    if (path[0] != '/') { /* relative: "v1" is taken as "/v1" */
        char *b = alloc(ld->s, len + 2);
        if (!b)
            return nomem(ld);
        b[0] = '/';
        memcpy(b + 1, path, len);
        ld->s->base = b;
        return 0;
    }
    if (!(ld->s->base = sdup(ld->s, path, len)))
        return nomem(ld);
    return 0;
}

static int load_version(struct loader *ld, const cJSON *root)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "openapi");
    const cJSON *info = cJSON_GetObjectItemCaseSensitive(root, "info");

    if (!cJSON_IsObject(root))
        return fail(ld, root, "not an OpenAPI document: expected a mapping with \"openapi\"");
    if (!v) {
        if (cJSON_GetObjectItemCaseSensitive(root, "swagger"))
            return fail(ld, cJSON_GetObjectItemCaseSensitive(root, "swagger"),
                        "Swagger 2.0 is not supported: convert the document to OpenAPI 3 "
                        "first (e.g. with swagger2openapi)");
        return fail(ld, root, "not an OpenAPI document: no \"openapi\" version");
    }
    if (!cJSON_IsString(v))
        return fail(ld, v, "\"openapi\" is a version string such as \"3.1.0\"");
    if (strncmp(v->valuestring, "3.0", 3) == 0 &&
        (v->valuestring[3] == '\0' || v->valuestring[3] == '.'))
        ld->s->v31 = false;
    else if (strncmp(v->valuestring, "3.1", 3) == 0 &&
             (v->valuestring[3] == '\0' || v->valuestring[3] == '.'))
        ld->s->v31 = true;
    else
        return fail(ld, v, "OpenAPI %s is not supported: mockrun reads 3.0.x and 3.1.x",
                    v->valuestring);
    ld->s->version = v->valuestring;
    ld->s->title = string_of(info, "title");
    return 0;
}

static int load_doc(struct mr_openapi *s, struct mr_error *err)
{
    struct loader ld = {s, err, 0};
    const cJSON *root = mr_yaml_root(s->doc);

    if (load_version(&ld, root) || check_refs(&ld, root, NULL, 0) || load_base(&ld, root) ||
        load_paths(&ld, root))
        return ld.rc;
    return 0;
}

static int finish(struct mr_openapi **out, struct mr_yaml_doc *doc, int rc, struct mr_error *err)
{
    struct mr_openapi *s;

    *out = NULL;
    if (rc != 0)
        return rc;
    if (!(s = calloc(1, sizeof(*s)))) {
        mr_yaml_free(doc);
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    }
    s->doc = doc;
    if ((rc = load_doc(s, err)) != 0) {
        mr_openapi_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int mr_openapi_load(struct mr_openapi **out, const char *path, struct mr_error *err)
{
    struct mr_yaml_doc *doc = NULL;
    int rc = mr_yaml_read_file(&doc, path, err);
    return finish(out, doc, rc, err);
}

int mr_openapi_parse(struct mr_openapi **out, const char *file, const char *text, size_t len,
                     struct mr_error *err)
{
    struct mr_yaml_doc *doc = NULL;
    int rc = mr_yaml_parse(&doc, file, text, len, err);
    return finish(out, doc, rc, err);
}

void mr_openapi_free(struct mr_openapi *s)
{
    struct block *b, *next;

    if (!s)
        return;
    for (b = s->blocks; b; b = next) {
        next = b->next;
        free(b);
    }
    free(s->ops);
    free(s->index);
    mr_yaml_free(s->doc);
    free(s);
}

const cJSON *mr_openapi_root(const struct mr_openapi *s)
{
    return mr_yaml_root(s->doc);
}

const char *mr_openapi_file(const struct mr_openapi *s)
{
    return mr_yaml_file(s->doc);
}

const char *mr_openapi_version(const struct mr_openapi *s)
{
    return s->version;
}

bool mr_openapi_is_31(const struct mr_openapi *s)
{
    return s->v31;
}

const char *mr_openapi_title(const struct mr_openapi *s)
{
    return s->title;
}

const char *mr_openapi_base_path(const struct mr_openapi *s)
{
    return s->base;
}

size_t mr_openapi_count(const struct mr_openapi *s)
{
    return s->nops;
}

const struct mr_openapi_op *mr_openapi_op(const struct mr_openapi *s, size_t i)
{
    return i < s->nops ? &s->ops[i] : NULL;
}

bool mr_openapi_locate(const struct mr_openapi *s, const cJSON *node, bool want_key, int *line,
                       int *column)
{
    return mr_yaml_locate(s->doc, node, want_key, line, column);
}

bool mr_openapi_locate_pointer(const struct mr_openapi *s, const char *pointer, bool want_key,
                               int *line, int *column)
{
    const cJSON *n = mr_yaml_pointer(mr_yaml_root(s->doc), pointer);
    return n && mr_yaml_locate(s->doc, n, want_key, line, column);
}

/* ---- lookups ---- */

/* A segment `s` (n bytes) against a template segment with literal text and
 * `{...}` parts, each standing for one or more characters: `{x}` is the
 * glob `?*`. The classic wildcard walk, which goes back only to the last
 * star, keeps this O(tn * sn) however many templates a segment has. */
#define ANY_ONE (-1)
#define ANY_RUN (-2)
static bool glob(const char *t, size_t tn, const char *s, size_t sn)
{
    int *tok = malloc((tn + 1) * sizeof(*tok));
    size_t n = 0, ti = 0, si = 0, star = (size_t)-1, star_si = 0, k;
    bool ok;

    if (!tok)
        return false;
    for (k = 0; k < tn; k++) {
        if (t[k] == '{') {
            tok[n++] = ANY_ONE;
            tok[n++] = ANY_RUN;
            while (k < tn && t[k] != '}')
                k++;
        } else {
            tok[n++] = (unsigned char)t[k];
        }
    }
    while (si < sn) {
        if (ti < n && tok[ti] == ANY_RUN) {
            star = ++ti;
            star_si = si;
        } else if (ti < n && (tok[ti] == ANY_ONE || tok[ti] == (unsigned char)s[si])) {
            ti++;
            si++;
        } else if (star != (size_t)-1) {
            ti = star;
            si = ++star_si;
        } else {
            free(tok);
            return false;
        }
    }
    while (ti < n && tok[ti] == ANY_RUN)
        ti++;
    ok = ti == n;
    free(tok);
    return ok;
}

static bool seg_matches(const struct seg *g, const char *s, size_t n)
{
    switch (g->kind) {
    case SEG_LITERAL:
        return g->len == n && memcmp(g->text, s, n) == 0;
    case SEG_PARAM:
        return n > 0;
    case SEG_PARTIAL:
        return glob(g->text, g->len, s, n);
    }
    return false;
}

/* The path without the base path, when it starts with it at a segment boundary. */
static const char *strip_base(const struct mr_openapi *s, const char *path)
{
    size_t n = strlen(s->base);
    if (n && strncmp(path, s->base, n) == 0 && (path[n] == '/' || path[n] == '\0'))
        return path[n] ? path + n : "/";
    return path;
}

/* Whether candidate a ranks above b (a literal segment before a template). */
static bool ranks_above(const struct op_index *a, const struct op_index *b)
{
    size_t i;
    for (i = 0; i < a->nsegs && i < b->nsegs; i++) {
        if (a->segs[i].kind != b->segs[i].kind)
            return a->segs[i].kind > b->segs[i].kind;
        if (a->segs[i].kind == SEG_PARTIAL && a->segs[i].literal != b->segs[i].literal)
            return a->segs[i].literal > b->segs[i].literal;
    }
    return false;
}

/* Matches the segments of `path` against op i: `route` treats ":x" as
 * standing for any value, so it matches only a whole-template segment. */
static bool op_matches(const struct op_index *ix, const char *path, bool route)
{
    const char *p = path;
    size_t i;

    if (*p != '/')
        return false;
    for (i = 0; i < ix->nsegs; i++) {
        const char *e;
        size_t n;
        if (*p != '/')
            return false;
        p++;
        e = p + strcspn(p, "/?");
        n = (size_t)(e - p);
        if (route && n > 0 && (p[0] == ':' || (n == 1 && p[0] == '*'))) {
            if (p[0] == '*' || ix->segs[i].kind != SEG_PARAM)
                return false;
        } else if (!seg_matches(&ix->segs[i], p, n)) {
            return false;
        }
        p = e;
    }
    return *p == '\0' || *p == '?';
}

static const struct mr_openapi_op *find(const struct mr_openapi *s, const char *method,
                                        const char *path, bool route)
{
    const struct mr_openapi_op *best = NULL;
    const struct op_index *best_ix = NULL;
    size_t i;

    if (!method || !path)
        return NULL;
    path = strip_base(s, path);
    for (i = 0; i < s->nops; i++) {
        if (strcasecmp(s->ops[i].method, method) != 0 || !op_matches(&s->index[i], path, route))
            continue;
        if (!best || ranks_above(&s->index[i], best_ix)) {
            best = &s->ops[i];
            best_ix = &s->index[i];
        }
    }
    return best;
}

const struct mr_openapi_op *mr_openapi_find(const struct mr_openapi *s, const char *method,
                                            const char *path)
{
    return find(s, method, path, false);
}

bool mr_openapi_matches(const struct mr_openapi *s, const struct mr_openapi_op *op,
                        const char *path)
{
    if (op < s->ops || op >= s->ops + s->nops || !path)
        return false;
    return op_matches(&s->index[op - s->ops], strip_base(s, path), false);
}

const struct mr_openapi_op *mr_openapi_find_route(const struct mr_openapi *s, const char *method,
                                                  const char *path)
{
    const char *p;

    if (!path)
        return NULL;
    for (p = path; (p = strchr(p, '*')) != NULL; p++)
        if (p > path && p[-1] == '/' && (p[1] == '/' || p[1] == '\0'))
            return NULL; /* a wildcard stands for no one operation */
    return find(s, method, path, true);
}

const struct mr_openapi_response *mr_openapi_response_for(const struct mr_openapi_op *op,
                                                          int status)
{
    const struct mr_openapi_response *range = NULL, *def = NULL;
    char code[16];
    size_t i;

    snprintf(code, sizeof(code), "%d", status);
    for (i = 0; i < op->nresponses; i++) {
        const char *k = op->responses[i].status;
        if (strcmp(k, code) == 0)
            return &op->responses[i];
        if (!range && strlen(code) == 3 && k[0] == code[0] && (k[1] | 0x20) == 'x' &&
            (k[2] | 0x20) == 'x')
            range = &op->responses[i];
        if (!def && strcmp(k, "default") == 0)
            def = &op->responses[i];
    }
    return range ? range : def;
}

/* The media type of a header value or content key: lower case, no
 * parameters, no blanks around it. */
static void media_type(const char *v, char *out, size_t size)
{
    size_t n = 0;

    while (*v == ' ' || *v == '\t')
        v++;
    for (; *v && *v != ';' && n + 1 < size; v++)
        out[n++] = (char)tolower((unsigned char)*v);
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
}

const struct mr_openapi_media *mr_openapi_media_for(const struct mr_openapi_media *content,
                                                    size_t n, const char *content_type)
{
    char want[256], range[260], key[256];
    const struct mr_openapi_media *by_range = NULL, *any = NULL;
    const char *slash;
    size_t i;

    media_type(content_type ? content_type : "", want, sizeof(want));
    slash = strchr(want, '/');
    snprintf(range, sizeof(range), "%.*s/*", slash ? (int)(slash - want) : 0, want);
    for (i = 0; i < n; i++) {
        media_type(content[i].type, key, sizeof(key));
        if (content_type && want[0] && strcmp(key, want) == 0)
            return &content[i];
        if (content_type && slash && !by_range && strcmp(key, range) == 0)
            by_range = &content[i];
        if (!any && strcmp(key, "*/*") == 0)
            any = &content[i];
    }
    return by_range ? by_range : any;
}
