/*
 * mockoon.c - Mockoon environment → mockrun scenario.
 *
 * The semantics follow Mockoon 9's sources (@mockoon/commons and
 * commons-server): routes are served in the order of `rootChildren` and
 * folders, `endpointPrefix` and the endpoint are joined as preparePath does,
 * responses are chosen as ResponseRulesInterpreter.chooseResponse does.
 * Syntax errors are worded by common/jsondoc, as the scenario loader's are.
 */
#include "formats/mockoon.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/jsondoc.h"
#include "common/text.h"
#include "formats/jsonout.h"

struct conv {
    struct mr_mockoon_result *res;
    size_t cap;
    bool nomem;
    char path[512];
    size_t plen;
    int env_latency;
};

static void warn(struct conv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct conv *c, const char *fmt, ...)
{
    char msg[1024], raw[sizeof(msg) + sizeof(c->path) + 2];
    char *line;
    size_t n;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (c->plen)
        snprintf(raw, sizeof(raw), "%s: %s", c->path, msg);
    else
        snprintf(raw, sizeof(raw), "%s", msg);
    /* one line, whatever the environment's keys and values hold */
    n = strlen(raw) * 4 + 1;
    line = malloc(n);
    if (!line) {
        c->nomem = true;
        return;
    }
    mr_printable(line, n, raw, strlen(raw));
    if (c->res->nwarnings == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **w = realloc(c->res->warnings, cap * sizeof(*w));
        if (!w) {
            free(line);
            c->nomem = true;
            return;
        }
        c->res->warnings = w;
        c->cap = cap;
    }
    c->res->warnings[c->res->nwarnings++] = line;
}

static size_t push_key(struct conv *c, const char *key)
{
    size_t mark = c->plen;
    mr_jsondoc_push_key(c->path, sizeof(c->path), &c->plen, key);
    return mark;
}

static size_t push_index(struct conv *c, size_t i)
{
    size_t mark = c->plen;
    mr_jsondoc_push_index(c->path, sizeof(c->path), &c->plen, i);
    return mark;
}

static void pop(struct conv *c, size_t mark)
{
    c->plen = mark;
    c->path[mark] = '\0';
}

static const char *str_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool true_of(const cJSON *obj, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static double num_of(const cJSON *obj, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static bool nonempty_array(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* Adds a member, noting OOM; takes ownership of item. */
static void add(struct conv *c, cJSON *obj, const char *key, cJSON *item)
{
    if (!item || !obj || !cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        c->nomem = true;
    }
}

static void append(struct conv *c, cJSON *arr, cJSON *item)
{
    if (!item || !arr || !cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        c->nomem = true;
    }
}

/* The object at obj[key], created when missing. */
static cJSON *child_object(struct conv *c, cJSON *obj, const char *key)
{
    cJSON *o = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsObject(o))
        return o;
    o = cJSON_CreateObject();
    add(c, obj, key, o);
    return c->nomem ? NULL : o;
}

static void warn_unknown_keys(struct conv *c, const cJSON *obj, const char *const *known)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        if (m->string && !in_list(m->string, known)) {
            size_t mark = push_key(c, m->string);
            warn(c, "\"%s\" is not supported; ignored", m->string);
            pop(c, mark);
        }
    }
}

/* ---- paths ---------------------------------------------------------------------------- */

static void buf_add(char *buf, size_t size, size_t *n, const char *s)
{
    size_t l = strlen(s);
    if (*n + l < size) {
        memcpy(buf + *n, s, l + 1);
        *n += l;
    } else {
        *n = size; /* marks overflow */
    }
}

static void regex_literal(char *buf, size_t size, size_t *n, char ch)
{
    char s[3] = {0};
    if (strchr("\\^$.|?*+()[]{}", ch)) {
        s[0] = '\\';
        s[1] = ch;
    } else {
        s[0] = ch;
    }
    buf_add(buf, size, n, s);
}

static bool name_start(char ch)
{
    return isalpha((unsigned char)ch) || ch == '_' || ch == '$';
}

static bool name_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '$';
}

/*
 * A parameter's pattern as a named group, so that mockrun still knows it as
 * a path parameter ({{urlParam}}, `when.params`); unnamed when PCRE2 cannot
 * take the name (over 32 bytes, a '$', or given earlier in the same path).
 */
static void put_param(char *out, size_t size, size_t *n, const char *path, const char *name,
                      const char *end, const char *body)
{
    size_t len = (size_t)(end - name);
    const char *q;
    bool unnamed = len > 32 || memchr(name, '$', len) != NULL;

    for (q = strchr(path, ':'); q && q < name - 1 && !unnamed; q = strchr(q + 1, ':'))
        unnamed = strncmp(q + 1, name, len) == 0 && !name_char(q[1 + len]);
    if (unnamed) {
        buf_add(out, size, n, "(?:");
    } else {
        char open[40];
        snprintf(open, sizeof(open), "(?<%.*s>", (int)len, name);
        buf_add(out, size, n, open);
    }
    buf_add(out, size, n, body);
    buf_add(out, size, n, ")");
}

/*
 * Converts a joined Express 4 path (`/users/:id`) into mockrun's `path` when
 * its syntax says the same thing (literal segments, whole-segment `:name`,
 * whole-segment `*`), else into a regex for `pathPattern` following
 * express5PathConvert and path-to-regexp 8 (`:id?`, `:p+`, `:p*`, `(x)`,
 * `c?`, `c+`, params inside segments). Returns 0 for `path`, 1 for a regex,
 * -1 when it cannot be expressed.
 */
static int convert_path(const char *p, char *out, size_t size)
{
    size_t n = 0;
    bool plain = true;
    const char *s;

    /* plain: every segment is a literal, ":name" or "*" */
    for (s = p; *s && plain;) {
        const char *seg = s + 1, *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        size_t i;
        if (len == 1 && seg[0] == '*') {
        } else if (len > 1 && seg[0] == ':') {
            /* mockrun's ":name" takes letters, digits and '_'; Express also takes '$' */
            for (i = 1; i < len && plain; i++)
                if (!isalnum((unsigned char)seg[i]) && seg[i] != '_')
                    plain = false;
            if (isdigit((unsigned char)seg[1]))
                plain = false;
        } else {
            for (i = 0; i < len && plain; i++)
                if (strchr(":*?+()[]{}!\\", seg[i]))
                    plain = false;
        }
        s = seg + len;
    }
    if (plain) {
        if (strlen(p) >= size)
            return -1;
        memcpy(out, p, strlen(p) + 1);
        return 0;
    }

    out[0] = '\0';
    for (s = p; *s;) {
        char ch = *s;
        if (ch == ':' && name_start(s[1])) {
            const char *e = s + 1;
            bool after_slash = s > p && s[-1] == '/';
            while (name_char(*e))
                e++;
            if (*e == '?' && s > p && strchr("/.~-", s[-1])) {
                /* the separator before it becomes optional with it: unwrite it */
                n -= s[-1] == '.' ? 2 : 1;
                out[n] = '\0';
                buf_add(out, size, &n, "(?:");
                regex_literal(out, size, &n, s[-1]);
                put_param(out, size, &n, p, s + 1, e, "[^/]+");
                buf_add(out, size, &n, ")?");
                s = e + 1;
            } else if (*e == '+') {
                put_param(out, size, &n, p, s + 1, e, ".+");
                s = e + 1;
            } else if (*e == '*' && after_slash) {
                n--;
                out[n] = '\0';
                buf_add(out, size, &n, "(?:/");
                put_param(out, size, &n, p, s + 1, e, ".+");
                buf_add(out, size, &n, ")?");
                s = e + 1;
            } else {
                put_param(out, size, &n, p, s + 1, e, "[^/]+");
                s = e;
            }
        } else if (ch == '*' && (s == p || s[-1] == '/') && !name_char(s[1]) && s[1] != '"') {
            buf_add(out, size, &n, ".+");
            s++;
        } else if (ch == '(') {
            const char *e = strchr(s, ')');
            const char *q;
            if (!e || e == s + 1)
                return -1;
            buf_add(out, size, &n, "(?:");
            for (q = s + 1; q < e; q++) {
                if (strchr(":*?+([]{}!\\", *q))
                    return -1;
                regex_literal(out, size, &n, *q);
            }
            buf_add(out, size, &n, ")?");
            s = e + 1;
            if (*s == '?')
                s++;
        } else if ((ch == '?' || ch == '+') && s > p && name_char(s[-1])) {
            if (ch == '?') {
                buf_add(out, size, &n, "?");
            } else {
                regex_literal(out, size, &n, s[-1]);
                buf_add(out, size, &n, "?");
            }
            s++;
        } else if (strchr(":*?+()[]{}!\\", ch)) {
            return -1; /* path-to-regexp refuses it too */
        } else {
            regex_literal(out, size, &n, ch);
            s++;
        }
        if (n >= size)
            return -1;
    }
    return 1;
}

/* A regex that matches `s` literally. */
static bool regex_quote(const char *s, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (; *s && n < size; s++)
        regex_literal(out, size, &n, *s);
    return n < size; /* false: cut short */
}

/* ---- rules ---------------------------------------------------------------------------- */

/* The condition for a rule's operator and value, or NULL (with a warning). */
static cJSON *rule_condition(struct conv *c, const char *op, const char *value, bool modifier)
{
    if (strcmp(op, "equals") == 0)
        return cJSON_CreateString(value);
    if (strcmp(op, "regex") == 0 || strcmp(op, "regex_i") == 0) {
        cJSON *o = cJSON_CreateObject();
        size_t n = strlen(value) + 5;
        char *re = malloc(n);
        if (!o || !re) {
            free(re);
            cJSON_Delete(o);
            c->nomem = true;
            return NULL;
        }
        snprintf(re, n, "%s%s", op[5] ? "(?i)" : "", value);
        add(c, o, "matches", cJSON_CreateString(re));
        free(re);
        return o;
    }
    if (strcmp(op, "null") == 0) {
        cJSON *o = cJSON_CreateObject();
        add(c, o, "absent", cJSON_CreateTrue());
        return o;
    }
    if (strcmp(op, "array_includes") == 0) {
        if (modifier)
            return cJSON_CreateString(value);
        warn(c, "operator \"array_includes\" needs a modifier (a path); rule dropped");
        return NULL;
    }
    warn(c, "operator \"%s\" is not supported; rule dropped", op);
    return NULL;
}

static cJSON *negate(struct conv *c, cJSON *cond, bool invert)
{
    cJSON *o;
    if (!invert || !cond)
        return cond;
    o = cJSON_CreateObject();
    add(c, o, "not", cond);
    return o;
}

/* Puts `cond` at when[section][name] (section NULL: when[name]); refuses a
 * second condition on the same name, which one object cannot hold. */
static bool put(struct conv *c, cJSON *when, const char *section, const char *name, cJSON *cond)
{
    cJSON *obj = when;
    if (!cond)
        return false;
    if (section) {
        obj = child_object(c, when, section);
        if (!obj) {
            cJSON_Delete(cond);
            return false;
        }
    }
    if (cJSON_GetObjectItemCaseSensitive(obj, name)) {
        cJSON_Delete(cond);
        warn(c,
             "a second condition on the same %s%s\"%s\" cannot be combined with AND; rule "
             "dropped",
             section ? section : "", section ? " " : "", name);
        return false;
    }
    add(c, obj, name, cond);
    return !c->nomem;
}

/* Adds one rule's condition to `when`. Returns false when it was dropped. */
static bool convert_rule(struct conv *c, const cJSON *rule, cJSON *when)
{
    const char *target = str_of(rule, "target");
    const char *modifier = str_of(rule, "modifier");
    const char *value = str_of(rule, "value");
    const char *op = str_of(rule, "operator");
    bool invert = true_of(rule, "invert");
    bool has_mod;

    if (!cJSON_IsObject(rule)) {
        warn(c, "a rule must be an object; rule dropped");
        return false;
    }
    if (!target || !*target) {
        warn(c, "rule without a target (never holds in Mockoon); rule dropped");
        return false;
    }
    if (!op)
        op = "equals";
    if (!value)
        value = "";
    if (!modifier)
        modifier = "";
    has_mod = *modifier != '\0';
    if (strstr(modifier, "{{") || strstr(value, "{{")) {
        warn(c, "templated rule %s is not supported; rule dropped",
             strstr(modifier, "{{") ? "modifier" : "value");
        return false;
    }
    if (strcmp(op, "empty_array") == 0 || strcmp(op, "valid_json_schema") == 0) {
        warn(c, "operator \"%s\" is not supported; rule dropped", op);
        return false;
    }

    if (strcmp(target, "body") == 0) {
        if (has_mod) {
            cJSON *body, *jp, *cond;
            const char *bad = mr_jsondoc_split_path(modifier, NULL, NULL);
            if (bad || strchr(modifier, '*') || strchr(modifier, '?') || strchr(modifier, '(')) {
                warn(c,
                     "body path \"%s\" uses JSONPath beyond $, .name, ['name'] and [n]%s%s; rule "
                     "dropped",
                     modifier, bad ? ": " : "", bad ? bad : "");
                return false;
            }
            body = cJSON_GetObjectItemCaseSensitive(when, "body");
            if (body && !cJSON_GetObjectItemCaseSensitive(body, "jsonPath")) {
                warn(c, "a body path and a whole-body condition cannot be combined with AND; rule "
                        "dropped");
                return false;
            }
            /* the condition first: an operator that cannot be converted leaves no empty
             * "body": {"jsonPath": {}} behind */
            cond = negate(c, rule_condition(c, op, value, true), invert);
            if (!cond)
                return false;
            body = child_object(c, when, "body");
            jp = body ? child_object(c, body, "jsonPath") : NULL;
            if (!jp) {
                cJSON_Delete(cond);
                return false;
            }
            return put(c, jp, NULL, modifier, cond);
        }
        if (invert) {
            warn(c, "an inverted condition on the whole body is not supported; rule dropped");
            return false;
        }
        if (cJSON_GetObjectItemCaseSensitive(when, "body")) {
            warn(c, "a second condition on the body cannot be combined with AND; rule dropped");
            return false;
        }
        if (strcmp(op, "equals") == 0 || strcmp(op, "null") == 0) {
            cJSON *b = cJSON_CreateObject();
            add(c, b, "equals", cJSON_CreateString(op[0] == 'n' ? "" : value));
            add(c, when, "body", b);
            return !c->nomem;
        }
        if (strncmp(op, "regex", 5) == 0) {
            cJSON *b = rule_condition(c, op, value, false); /* {"matches": ...} */
            add(c, when, "body", b);
            return !c->nomem;
        }
        warn(c, "operator \"%s\" on the whole body is not supported; rule dropped", op);
        return false;
    }

    if (strcmp(target, "query") == 0 || strcmp(target, "header") == 0 ||
        strcmp(target, "cookie") == 0 || strcmp(target, "params") == 0) {
        const char *section = target[0] == 'q'   ? "query"
                              : target[0] == 'h' ? "headers"
                              : target[0] == 'c' ? "cookies"
                                                 : "params";
        if (!has_mod) {
            warn(c, "target \"%s\" without a modifier (a name) is not supported; rule dropped",
                 target);
            return false;
        }
        if (target[0] != 'h' && target[0] != 'c' &&
            (strchr(modifier, '.') || strchr(modifier, '[') || modifier[0] == '$')) {
            warn(c, "%s path \"%s\" is not supported (only a parameter's name); rule dropped",
                 target, modifier);
            return false;
        }
        if (target[0] == 'h' && !mr_http_token(modifier)) {
            warn(c, "\"%s\" is not a header name; rule dropped", modifier);
            return false;
        }
        return put(c, when, section, modifier,
                   negate(c, rule_condition(c, op, value, true), invert));
    }

    if (strcmp(target, "method") == 0) {
        char up[33];
        size_t i;
        if (invert || strcmp(op, "equals") != 0 || !mr_http_method(value)) {
            warn(c, "method rules are supported with the operator \"equals\", not inverted, and a "
                    "method name; rule dropped");
            return false;
        }
        for (i = 0; value[i]; i++)
            up[i] = (char)toupper((unsigned char)value[i]);
        up[i] = '\0';
        if (cJSON_GetObjectItemCaseSensitive(when, "method")) {
            warn(c, "a second condition on the method cannot be combined with AND; rule dropped");
            return false;
        }
        add(c, when, "method", cJSON_CreateString(up));
        return !c->nomem;
    }

    if (strcmp(target, "path") == 0) {
        char re[2048];
        if (invert || !(strcmp(op, "equals") == 0 || strncmp(op, "regex", 5) == 0)) {
            warn(c, "path rules are supported with \"equals\", \"regex\" and \"regex_i\", not "
                    "inverted; rule dropped");
            return false;
        }
        if (cJSON_GetObjectItemCaseSensitive(when, "pathPattern")) {
            warn(c, "a second condition on the path cannot be combined with AND; rule dropped");
            return false;
        }
        /* Mockoon's regex.test finds the pattern anywhere; pathPattern must match the whole
         * path */
        if (strcmp(op, "equals") == 0
                ? !regex_quote(value, re, sizeof(re))
                : (size_t)snprintf(re, sizeof(re), "%s.*(?:%s).*", op[5] ? "(?i)" : "", value) >=
                      sizeof(re)) {
            warn(c, "the path value is too long to convert (over %zu bytes); rule dropped",
                 sizeof(re) / 2);
            return false;
        }
        add(c, when, "pathPattern", cJSON_CreateString(re));
        return !c->nomem;
    }

    if (strcmp(target, "request_number") == 0) {
        char *end;
        long long n = strtoll(value, &end, 10);
        if (invert || strcmp(op, "equals") != 0 || end == value || *end || n < 1 ||
            !isdigit((unsigned char)value[0])) {
            warn(c, "request_number rules are supported with \"equals\" and a call number, not "
                    "inverted; rule dropped");
            return false;
        }
        if (cJSON_GetObjectItemCaseSensitive(when, "callNumber")) {
            warn(c, "a second condition on the call number cannot be combined with AND; rule "
                    "dropped");
            return false;
        }
        add(c, when, "callNumber", cJSON_CreateNumber((double)n));
        return !c->nomem;
    }

    warn(c, "target \"%s\" is not supported; rule dropped", target);
    return false;
}

/* The `when` of a response with rules: an object (AND, or one rule) or an
 * array of objects (OR). NULL when no rule could be converted. */
static cJSON *convert_rules(struct conv *c, const cJSON *resp)
{
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(resp, "rules");
    const char *op = str_of(resp, "rulesOperator");
    bool and = op && strcmp(op, "AND") == 0;
    cJSON *when = NULL, *any = NULL;
    const cJSON *rule;
    size_t i = 0, kept = 0, mark = push_key(c, "rules");

    if (and)
        when = cJSON_CreateObject();
    else
        any = cJSON_CreateArray();
    if (!when && !any)
        c->nomem = true;
    cJSON_ArrayForEach(rule, rules)
    {
        size_t m2 = push_index(c, i++);
        if (and) {
            kept += convert_rule(c, rule, when);
        } else {
            cJSON *one = cJSON_CreateObject();
            if (convert_rule(c, rule, one)) {
                append(c, any, one);
                kept++;
            } else {
                cJSON_Delete(one);
            }
        }
        pop(c, m2);
    }
    pop(c, mark);
    if (!kept || c->nomem) {
        cJSON_Delete(when);
        cJSON_Delete(any);
        return NULL;
    }
    if (and&&kept < (size_t)cJSON_GetArraySize(rules))
        warn(c, "some AND rules were dropped: the response answers more requests than in Mockoon");
    if (any && cJSON_GetArraySize(any) == 1) {
        when = cJSON_DetachItemFromArray(any, 0);
        cJSON_Delete(any);
        return when;
    }
    return and? when : any;
}

/* ---- responses ------------------------------------------------------------------------ */

static const char *const response_keys[] = {"uuid",
                                            "rules",
                                            "rulesOperator",
                                            "statusCode",
                                            "label",
                                            "headers",
                                            "body",
                                            "latency",
                                            "bodyType",
                                            "filePath",
                                            "databucketID",
                                            "sendFileAsBody",
                                            "disableTemplating",
                                            "fallbackTo404",
                                            "default",
                                            "crudKey",
                                            "callbacks",
                                            NULL};

/* [{key, value}] → {key: value}; later keys win, compared case-insensitively. */
static cJSON *convert_headers(struct conv *c, const cJSON *list)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *h;
    size_t i = 0;

    if (!o) {
        c->nomem = true;
        return NULL;
    }
    cJSON_ArrayForEach(h, list)
    {
        const char *k = str_of(h, "key"), *v = str_of(h, "value");
        size_t mark = push_index(c, i++);
        if (!k || !*k) {
            /* Mockoon skips headers without a name */
        } else if (!mr_http_token(k)) {
            warn(c, "\"%s\" is not a valid header name; header dropped", k);
        } else if (v && (strchr(v, '\r') || strchr(v, '\n'))) {
            warn(c, "header \"%s\" has a line break in its value; header dropped", k);
        } else {
            cJSON_DeleteItemFromObject(o, k);
            add(c, o, k, cJSON_CreateString(v ? v : ""));
        }
        pop(c, mark);
    }
    return o;
}

static bool templated_extension(const char *path)
{
    static const char *const exts[] = {".json",       ".html", ".htm", ".css",   ".csv",
                                       ".js",         ".ts",   ".txt", ".xhtml", ".xml",
                                       ".handlebars", ".hbs",  NULL};
    const char *dot = strrchr(path, '.');
    return dot && !strchr(dot, '/') && in_list(dot, exts);
}

static cJSON *convert_response(struct conv *c, const cJSON *r)
{
    cJSON *out = cJSON_CreateObject(), *headers = NULL;
    const char *type = str_of(r, "bodyType");
    const char *body = str_of(r, "body");
    const char *file = str_of(r, "filePath");
    double status = num_of(r, "statusCode", 200);
    double latency = num_of(r, "latency", 0);
    bool as_file = false;

    if (!out) {
        c->nomem = true;
        return NULL;
    }
    warn_unknown_keys(c, r, response_keys);
    if (!(status >= 100 && status <= 599) || status != floor(status)) { /* NaN too */
        size_t mark = push_key(c, "statusCode");
        warn(c, "status %g is outside 100-599; 200 is used", status);
        pop(c, mark);
        status = 200;
    }
    if (status != 200)
        add(c, out, "status", cJSON_CreateNumber(status));

    {
        const cJSON *hl = cJSON_GetObjectItemCaseSensitive(r, "headers");
        if (cJSON_IsArray(hl) && cJSON_GetArraySize(hl) > 0) {
            size_t mark = push_key(c, "headers");
            headers = convert_headers(c, hl);
            pop(c, mark);
        }
    }

    if (type && strcmp(type, "DATABUCKET") == 0) {
        size_t mark = push_key(c, "bodyType");
        warn(c, "a body from a data bucket is not supported; an empty body is served");
        pop(c, mark);
        body = NULL;
    } else if (type && strcmp(type, "FILE") == 0) {
        size_t mark = push_key(c, "filePath");
        if (!file || !*file) {
            warn(c, "no file given; the inline body is served");
        } else if (strstr(file, "{{")) {
            warn(c, "a templated file path is not supported; the inline body is served");
        } else if (file[0] == '/' || file[0] == '\\' ||
                   (isalpha((unsigned char)file[0]) && file[1] == ':')) {
            warn(c,
                 "absolute file path \"%s\" is not supported (mockrun serves files inside the "
                 "scenario's folder); the inline body is served",
                 file);
        } else {
            as_file = true;
        }
        pop(c, mark);
        if (true_of(r, "fallbackTo404")) {
            mark = push_key(c, "fallbackTo404");
            warn(c, "404 for a missing file is not supported (mockrun refuses a missing file when "
                    "loading); ignored");
            pop(c, mark);
        }
    } else if (type && strcmp(type, "INLINE") != 0) {
        size_t mark = push_key(c, "bodyType");
        warn(c, "body type \"%s\" is not supported; the inline body is served", type);
        pop(c, mark);
    }

    if (as_file) {
        add(c, out, "file", cJSON_CreateString(file));
        if (!true_of(r, "disableTemplating") && templated_extension(file))
            add(c, out, "template", cJSON_CreateTrue());
        if (!true_of(r, "sendFileAsBody")) {
            const char *base = strrchr(file, '/');
            char cd[600];
            base = base ? base + 1 : file;
            if (!strchr(base, '"') && !strchr(base, '\r') && !strchr(base, '\n')) {
                snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"", base);
                if (!headers)
                    headers = cJSON_CreateObject();
                if (headers && !cJSON_GetObjectItem(headers, "Content-Disposition"))
                    add(c, headers, "Content-Disposition", cJSON_CreateString(cd));
            }
        }
    } else if (body && *body) {
        add(c, out, "body", cJSON_CreateString(body));
        if (true_of(r, "disableTemplating") && strstr(body, "{{"))
            add(c, out, "template", cJSON_CreateFalse());
    }
    if (headers) {
        /* after the body kind, so the scenario reads status, body, headers */
        add(c, out, "headers", headers);
    }
    if (latency >= 1) {
        /* Mockoon waits for the environment's latency, then the response's; mockrun's
         * delays end at 10 minutes */
        double total = floor(latency) + c->env_latency;
        if (total > 600000) {
            size_t mark = push_key(c, "latency");
            warn(c, "latency %g ms is over mockrun's 600000 ms; 600000 is used", total);
            pop(c, mark);
            total = 600000;
        }
        add(c, out, "delayMs", cJSON_CreateNumber(total));
    }
    if (nonempty_array(r, "callbacks")) {
        size_t mark = push_key(c, "callbacks");
        warn(c, "callbacks are not supported; ignored");
        pop(c, mark);
    }
    return out;
}

/* ---- routes --------------------------------------------------------------------------- */

static const char *const route_keys[] = {
    "uuid",         "type",          "documentation",     "method", "endpoint", "responses",
    "responseMode", "streamingMode", "streamingInterval", NULL};

static const char *const methods[] = {"get",  "post",    "put",      "patch",     "delete",
                                      "head", "options", "propfind", "proppatch", "move",
                                      "copy", "mkcol",   "lock",     "unlock",    NULL};

/* Converts responses[index] and sets resp (with `when` if rules). */
static cJSON *response_at(struct conv *c, const cJSON *responses, size_t index)
{
    size_t mark = push_key(c, "responses"), m2 = push_index(c, index);
    cJSON *out = convert_response(c, cJSON_GetArrayItem(responses, (int)index));
    pop(c, m2);
    pop(c, mark);
    return out;
}

static void convert_route(struct conv *c, const cJSON *route, const char *prefix, cJSON *routes)
{
    const char *type = str_of(route, "type");
    const char *method = str_of(route, "method");
    const char *endpoint = str_of(route, "endpoint");
    const char *mode = str_of(route, "responseMode");
    const cJSON *responses = cJSON_GetObjectItemCaseSensitive(route, "responses");
    cJSON *out, *req;
    char joined[1024], path[2048], up[32];
    size_t n = 0, i, nresp, def = 0;
    const char *s;
    int kind;

    if (!cJSON_IsObject(route)) {
        warn(c, "a route must be an object; route skipped");
        return;
    }
    if (type && (strcmp(type, "crud") == 0 || strcmp(type, "ws") == 0)) {
        warn(c, "%s routes are not supported; route skipped",
             type[0] == 'c' ? "CRUD" : "WebSocket");
        return;
    }
    if (type && strcmp(type, "http") != 0) {
        warn(c, "route type \"%s\" is not supported; route skipped", type);
        return;
    }
    if (!method || !(strcmp(method, "all") == 0 || in_list(method, methods))) {
        warn(c, "method \"%s\" is not supported; route skipped", method ? method : "");
        return;
    }
    nresp = cJSON_IsArray(responses) ? (size_t)cJSON_GetArraySize(responses) : 0;
    if (nresp == 0) {
        warn(c, "a route without responses is not supported; route skipped");
        return;
    }
    warn_unknown_keys(c, route, route_keys);
    {
        const cJSON *sm = cJSON_GetObjectItemCaseSensitive(route, "streamingMode");
        if (sm && !cJSON_IsNull(sm)) {
            size_t mark = push_key(c, "streamingMode");
            warn(c, "streaming is not supported; ignored");
            pop(c, mark);
        }
    }

    /* preparePath: "/" + prefix + "/" + endpoint, spaces as %20, slashes deduplicated; mockrun
     * matches decoded paths, so the space stays */
    joined[0] = '\0';
    {
        char raw[1024];
        snprintf(raw, sizeof(raw), "/%s/%s", prefix, endpoint ? endpoint : "");
        for (s = raw; *s && n + 1 < sizeof(joined); s++) {
            if (*s == '/' && n > 0 && joined[n - 1] == '/')
                continue;
            joined[n++] = *s;
        }
        joined[n] = '\0';
        /* Express ignores one trailing slash (non-strict routing) */
        if (n > 1 && joined[n - 1] == '/')
            joined[--n] = '\0';
    }
    kind = convert_path(joined, path, sizeof(path));
    if (kind < 0) {
        size_t mark = push_key(c, "endpoint");
        warn(c, "path \"%s\" cannot be expressed in mockrun; route skipped", joined);
        pop(c, mark);
        return;
    }

    out = cJSON_CreateObject();
    req = cJSON_CreateObject();
    if (!out || !req) {
        cJSON_Delete(out);
        cJSON_Delete(req);
        c->nomem = true;
        return;
    }
    for (i = 0; method[i] && i + 1 < sizeof(up); i++)
        up[i] = (char)toupper((unsigned char)method[i]);
    up[i] = '\0';
    add(c, req, "method", cJSON_CreateString(strcmp(method, "all") == 0 ? "ANY" : up));
    if (kind == 0) {
        add(c, req, "path", cJSON_CreateString(path));
    } else {
        size_t mark = push_key(c, "endpoint");
        warn(c,
             "path \"%s\" uses Express syntax mockrun's \"path\" lacks; served with "
             "\"pathPattern\": \"%s\"",
             joined, path);
        pop(c, mark);
        add(c, req, "pathPattern", cJSON_CreateString(path));
    }
    add(c, out, "request", req);

    for (i = 0; i < nresp; i++)
        if (true_of(cJSON_GetArrayItem(responses, (int)i), "default")) {
            def = i;
            break;
        }

    if (mode && (strcmp(mode, "RANDOM") == 0 || strcmp(mode, "SEQUENTIAL") == 0)) {
        if (nresp == 1) {
            add(c, out, "response", response_at(c, responses, 0));
        } else {
            cJSON *arr = cJSON_CreateArray();
            for (i = 0; i < nresp; i++)
                append(c, arr, response_at(c, responses, i));
            add(c, out, "mode", cJSON_CreateString(mode[0] == 'R' ? "random" : "cycle"));
            add(c, out, "responses", arr);
        }
    } else if (mode && strcmp(mode, "DISABLE_RULES") == 0) {
        add(c, out, "response", response_at(c, responses, def));
    } else {
        /* rules (null) or FALLBACK: the first response whose rules hold; else the default, or
         * for FALLBACK the next route */
        bool fallback_mode = mode && strcmp(mode, "FALLBACK") == 0;
        cJSON *arr = cJSON_CreateArray();
        size_t nwhen = 0;
        if (mode && !fallback_mode) {
            size_t mark = push_key(c, "responseMode");
            warn(c, "response mode \"%s\" is not supported; rules are used", mode);
            pop(c, mark);
        }
        for (i = 0; i < nresp; i++) {
            const cJSON *r = cJSON_GetArrayItem(responses, (int)i);
            const cJSON *rules = cJSON_GetObjectItemCaseSensitive(r, "rules");
            size_t mark, m2;
            cJSON *when, *resp;
            if (!cJSON_IsArray(rules) || cJSON_GetArraySize(rules) == 0)
                continue;
            mark = push_key(c, "responses");
            m2 = push_index(c, i);
            when = convert_rules(c, r);
            if (!when) {
                warn(c, "none of the response's rules could be converted; response dropped");
                pop(c, m2);
                pop(c, mark);
                continue;
            }
            pop(c, m2);
            pop(c, mark);
            resp = response_at(c, responses, i);
            if (resp)
                add(c, resp, "when", when);
            else
                cJSON_Delete(when);
            append(c, arr, resp);
            nwhen++;
        }
        if (nwhen == 0 && !fallback_mode) {
            cJSON_Delete(arr);
            add(c, out, "response", response_at(c, responses, def));
        } else if (nwhen == 0) {
            cJSON_Delete(arr);
            cJSON_Delete(out);
            warn(c, "FALLBACK mode and no rule to try: the route never answers; route skipped");
            return;
        } else {
            if (!fallback_mode)
                append(c, arr, response_at(c, responses, def));
            add(c, out, "responses", arr);
        }
    }
    append(c, routes, out);
}

/* Appends the indexes of the routes `children` lists (folders recursively). */
static void collect_order(struct conv *c, const cJSON *env, const cJSON *children, size_t *order,
                          size_t *norder, size_t nroutes, int depth)
{
    const cJSON *routes = cJSON_GetObjectItemCaseSensitive(env, "routes");
    const cJSON *folders = cJSON_GetObjectItemCaseSensitive(env, "folders");
    const cJSON *ch;

    if (depth > 64)
        return;
    cJSON_ArrayForEach(ch, children)
    {
        const char *t = str_of(ch, "type"), *uuid = str_of(ch, "uuid");
        const cJSON *x;
        size_t i = 0;
        if (!t || !uuid)
            continue;
        if (strcmp(t, "route") == 0) {
            cJSON_ArrayForEach(x, routes)
            {
                const char *u = str_of(x, "uuid");
                if (u && strcmp(u, uuid) == 0) {
                    size_t k;
                    bool seen = false;
                    for (k = 0; k < *norder; k++)
                        seen |= order[k] == i;
                    if (!seen && *norder < nroutes)
                        order[(*norder)++] = i;
                    break;
                }
                i++;
            }
        } else {
            cJSON_ArrayForEach(x, folders)
            {
                const char *u = str_of(x, "uuid");
                if (u && strcmp(u, uuid) == 0) {
                    collect_order(c, env, cJSON_GetObjectItemCaseSensitive(x, "children"), order,
                                  norder, nroutes, depth + 1);
                    break;
                }
            }
        }
    }
}

/* ---- environment ---------------------------------------------------------------------- */

static const char *const env_keys[] = {"uuid",
                                       "lastMigration",
                                       "name",
                                       "endpointPrefix",
                                       "latency",
                                       "port",
                                       "hostname",
                                       "folders",
                                       "routes",
                                       "rootChildren",
                                       "proxyMode",
                                       "proxyRemovePrefix",
                                       "proxyHost",
                                       "proxyReqHeaders",
                                       "proxyResHeaders",
                                       "tlsOptions",
                                       "cors",
                                       "headers",
                                       "data",
                                       "callbacks",
                                       NULL};

static void warn_at(struct conv *c, const char *key, const char *msg)
{
    size_t mark = push_key(c, key);
    warn(c, "%s", msg);
    pop(c, mark);
}

static cJSON *convert_env(struct conv *c, const cJSON *env)
{
    const char *name = str_of(env, "name");
    const char *prefix = str_of(env, "endpointPrefix");
    const cJSON *routes = cJSON_GetObjectItemCaseSensitive(env, "routes");
    const cJSON *root_children = cJSON_GetObjectItemCaseSensitive(env, "rootChildren");
    cJSON *sc = cJSON_CreateObject(), *services, *svc, *out_routes, *defaults;
    char svc_name[128];
    size_t i, nroutes = (size_t)cJSON_GetArraySize(routes), norder = 0;
    size_t *order;
    double port = num_of(env, "port", 0), latency = num_of(env, "latency", 0);
    const cJSON *tls = cJSON_GetObjectItemCaseSensitive(env, "tlsOptions");

    if (!sc)
        return NULL;
    warn_unknown_keys(c, env, env_keys);
    if (name && *name)
        add(c, sc, "name", cJSON_CreateString(name));
    for (i = 0; name && name[i] && i + 1 < sizeof(svc_name); i++)
        svc_name[i] = isalnum((unsigned char)name[i]) ? (char)tolower((unsigned char)name[i]) : '-';
    svc_name[i] = '\0';
    if (!svc_name[0])
        snprintf(svc_name, sizeof(svc_name), "api");

    services = cJSON_CreateObject();
    svc = cJSON_CreateObject();
    add(c, sc, "services", services);
    add(c, services, svc_name, svc);
    if (c->nomem)
        return sc;
    if (!(port >= 0 && port <= 65535) || port != floor(port))
        warn_at(c, "port", "not a port number; an ephemeral port is used");
    else if (port > 0)
        add(c, svc, "port", cJSON_CreateNumber(port));
    if (true_of(env, "cors"))
        add(c, svc, "cors", cJSON_CreateTrue());

    defaults = cJSON_CreateObject();
    {
        const cJSON *hl = cJSON_GetObjectItemCaseSensitive(env, "headers");
        if (cJSON_IsArray(hl) && cJSON_GetArraySize(hl) > 0) {
            size_t mark = push_key(c, "headers");
            cJSON *h = convert_headers(c, hl);
            pop(c, mark);
            if (h && cJSON_GetArraySize(h) > 0)
                add(c, defaults, "headers", h);
            else
                cJSON_Delete(h);
        }
    }
    if (latency >= 1 && latency <= 600000) {
        c->env_latency = (int)latency;
        add(c, defaults, "delayMs", cJSON_CreateNumber((double)(int)latency));
    } else if (latency > 600000) {
        warn_at(c, "latency", "over mockrun's 600000 ms; ignored");
    }
    if (defaults && cJSON_GetArraySize(defaults) > 0)
        add(c, svc, "defaults", defaults);
    else
        cJSON_Delete(defaults);

    if (true_of(env, "proxyMode"))
        warn_at(c, "proxyMode",
                "proxy mode is not supported; unmatched requests are not forwarded");
    if (nonempty_array(env, "proxyReqHeaders"))
        warn_at(c, "proxyReqHeaders", "proxy headers are not supported; ignored");
    if (nonempty_array(env, "proxyResHeaders"))
        warn_at(c, "proxyResHeaders", "proxy headers are not supported; ignored");
    if (cJSON_IsObject(tls) && true_of(tls, "enabled"))
        warn_at(c, "tlsOptions", "TLS is not supported; the mock serves plain HTTP");
    if (nonempty_array(env, "data"))
        warn_at(c, "data", "data buckets are not supported; ignored");
    if (nonempty_array(env, "callbacks"))
        warn_at(c, "callbacks", "callbacks are not supported; ignored");
    {
        const char *host = str_of(env, "hostname");
        if (host && *host && strcmp(host, "127.0.0.1") != 0 && strcmp(host, "localhost") != 0)
            warn_at(c, "hostname", "a listen address is not part of a scenario; use --host");
    }

    out_routes = cJSON_CreateArray();
    add(c, svc, "routes", out_routes);
    if (c->nomem || nroutes == 0)
        return sc;
    order = calloc(nroutes, sizeof(*order));
    if (!order) {
        c->nomem = true;
        return sc;
    }
    if (cJSON_IsArray(root_children)) {
        /* Mockoon serves the routes listed in rootChildren and folders, in that order */
        collect_order(c, env, root_children, order, &norder, nroutes, 0);
        for (i = 0; i < nroutes; i++) {
            size_t k;
            bool seen = false;
            for (k = 0; k < norder; k++)
                seen |= order[k] == i;
            if (!seen) {
                size_t mark = push_key(c, "routes"), m2 = push_index(c, i);
                warn(c, "the route is in no folder nor in rootChildren, so Mockoon does not serve "
                        "it; route skipped");
                pop(c, m2);
                pop(c, mark);
            }
        }
    } else {
        for (i = 0; i < nroutes; i++)
            order[norder++] = i;
    }
    for (i = 0; i < norder && !c->nomem; i++) {
        size_t mark = push_key(c, "routes"), m2 = push_index(c, order[i]);
        convert_route(c, cJSON_GetArrayItem(routes, (int)order[i]), prefix ? prefix : "",
                      out_routes);
        pop(c, m2);
        pop(c, mark);
    }
    free(order);
    return sc;
}

static int fail_at(struct mr_error *err, const char *file, const char *text, size_t len,
                   const char *path, const char *msg)
{
    size_t off;
    int line = 0, col = 0;
    if (mr_jsondoc_locate(text, len, path, false, &off))
        mr_jsondoc_linecol(text, len, off, &line, &col);
    mr_error_set(err, MR_ESCENARIO, "%s", msg);
    mr_error_at(err, file, path, line, col);
    return MR_ESCENARIO;
}

int mr_mockoon_convert(const char *file, const char *text, size_t len,
                       struct mr_mockoon_result *out, struct mr_error *err)
{
    struct conv c;
    const char *body = text;
    size_t blen = len;
    cJSON *env, *sc;
    char *printed;
    const cJSON *routes;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    c.res = out;
    mr_jsondoc_skip_bom(&body, &blen);
    env = mr_jsondoc_parse(file, body, blen, err);
    if (!env)
        return err->code;
    if (!cJSON_IsObject(env)) {
        cJSON_Delete(env);
        return fail_at(err, file, body, blen, "",
                       "not a Mockoon environment: expected an object with \"routes\"");
    }
    routes = cJSON_GetObjectItemCaseSensitive(env, "routes");
    if (!cJSON_IsArray(routes)) {
        cJSON_Delete(env);
        return fail_at(err, file, body, blen, routes ? "routes" : "",
                       routes ? "expected an array of routes"
                              : "not a Mockoon environment: \"routes\" is missing");
    }
    {
        const cJSON *r;
        size_t i = 0;
        cJSON_ArrayForEach(r, routes)
        {
            const cJSON *resp = cJSON_GetObjectItemCaseSensitive(r, "responses");
            char path[64];
            if (!cJSON_IsObject(r)) {
                snprintf(path, sizeof(path), "routes[%zu]", i);
                cJSON_Delete(env);
                return fail_at(err, file, body, blen, path, "expected a route (an object)");
            }
            if (resp && !cJSON_IsArray(resp)) {
                snprintf(path, sizeof(path), "routes[%zu].responses", i);
                cJSON_Delete(env);
                return fail_at(err, file, body, blen, path, "expected an array of responses");
            }
            if (resp) {
                const cJSON *x;
                size_t j = 0;
                cJSON_ArrayForEach(x, resp)
                {
                    if (!cJSON_IsObject(x)) {
                        snprintf(path, sizeof(path), "routes[%zu].responses[%zu]", i, j);
                        cJSON_Delete(env);
                        return fail_at(err, file, body, blen, path,
                                       "expected a response (an object)");
                    }
                    j++;
                }
            }
            i++;
        }
    }

    sc = convert_env(&c, env);
    cJSON_Delete(env);
    printed = sc && !c.nomem ? cJSON_PrintUnformatted(sc) : NULL;
    cJSON_Delete(sc);
    if (printed) {
        out->scenario = mr_jsonout_pretty(printed);
        cJSON_free(printed);
    }
    if (!out->scenario || c.nomem) {
        mr_mockoon_result_free(out);
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    }
    return 0;
}

void mr_mockoon_result_free(struct mr_mockoon_result *r)
{
    size_t i;
    if (!r)
        return;
    free(r->scenario);
    for (i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    memset(r, 0, sizeof(*r));
}
