/*
 * yaml.c - YAML (libyaml's event parser) and JSON (common/jsondoc) into
 * cJSON, with a side table of where each node starts, for messages.
 *
 * The tree is built from libyaml's events rather than its document API so
 * that aliases can be counted before they are copied (the document API
 * would expand a billion laughs first) and every node gets its mark. Marks
 * are libyaml's character indexes; they grow through the stream, so one
 * forward cursor turns them into byte offsets, lines and columns.
 */
#include "openapi/yaml.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "common/buf.h"
#include "common/jsondoc.h"

/* Where a node starts: its value, and the key of the member it is. */
struct mark {
    const cJSON *node;
    int line, column;         /* the value */
    int key_line, key_column; /* the key; 0 when the node is no member */
};

/* Marks by node address: an array and an open-addressing index into it. A
 * node created at the address of one freed earlier replaces its mark. */
struct marks {
    struct mark *items;
    size_t n, cap;
    size_t *slots; /* item index + 1; 0 is empty */
    size_t nslots; /* a power of two, more than twice n */
};

struct mr_yaml_doc {
    cJSON *root;
    char *file;
    bool json;
    char *text; /* JSON documents: the text, which jsondoc locates paths in */
    size_t len;
    struct marks marks; /* YAML documents */
};

struct anchor {
    char *name;
    const cJSON *node; /* in the tree being built */
    int line, column;
};

/* Character index → byte offset, line and column, moving forward only. */
struct cursor {
    const char *text;
    size_t len;
    size_t index; /* characters before `off` */
    size_t off;
    int line, column;
};

struct builder {
    yaml_parser_t parser;
    const char *file;
    struct cursor cur;
    const char *text; /* for reader errors, placed by byte offset */
    size_t len;
    struct marks marks;
    struct anchor *anchors;
    size_t nanchors, capanchors;
    size_t copied;    /* nodes copied by aliases and merges */
    cJSON *graveyard; /* merge keys' values, merged and dropped: anchors may name them */
    bool nomem;
    struct mr_error *err;
};

/* ---- positions ---- */

static void cursor_init(struct cursor *c, const char *text, size_t len)
{
    c->text = text;
    c->len = len;
    c->index = 0;
    c->off = 0;
    c->line = 1;
    c->column = 1;
}

/* Moves to character `index` (a UTF-8 lead byte starts a character; libyaml
 * counted the same characters after checking the encoding). */
static void cursor_to(struct cursor *c, size_t index, int *line, int *column)
{
    if (index < c->index)
        cursor_init(c, c->text, c->len);
    while (c->index < index && c->off < c->len) {
        unsigned char ch = (unsigned char)c->text[c->off++];
        if (ch == '\n') {
            c->line++;
            c->column = 1;
        } else {
            c->column++;
        }
        while (c->off < c->len && ((unsigned char)c->text[c->off] & 0xc0) == 0x80) {
            c->off++;
            c->column++; /* columns count bytes, as jsondoc's do */
        }
        c->index++;
    }
    *line = c->line;
    *column = c->column;
}

static int fail_at(struct builder *b, size_t index, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An error at character `index`. */
static int fail_at(struct builder *b, size_t index, const char *fmt, ...)
{
    char msg[400];
    int line, column;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cursor_to(&b->cur, index, &line, &column);
    mr_error_set(b->err, MR_ESCENARIO, "%s", msg);
    mr_error_at(b->err, b->file, NULL, line, column);
    return MR_ESCENARIO;
}

static int nomem(struct builder *b)
{
    b->nomem = true;
    return mr_error_set(b->err, MR_ENOMEM, "out of memory reading %s", b->file);
}

static size_t slot_of(const struct marks *t, const cJSON *node)
{
    uint64_t h = (uint64_t)(uintptr_t)node * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) & (t->nslots - 1);
}

static struct mark *marks_get(const struct marks *t, const cJSON *node)
{
    size_t i;

    if (!t->nslots)
        return NULL;
    for (i = slot_of(t, node); t->slots[i]; i = (i + 1) & (t->nslots - 1))
        if (t->items[t->slots[i] - 1].node == node)
            return &t->items[t->slots[i] - 1];
    return NULL;
}

static bool marks_grow(struct marks *t)
{
    size_t nslots = t->nslots ? t->nslots * 2 : 512, k, i;
    size_t *slots = calloc(nslots, sizeof(*slots));

    if (!slots)
        return false;
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    for (k = 0; k < t->n; k++) {
        for (i = slot_of(t, t->items[k].node); slots[i]; i = (i + 1) & (nslots - 1))
            ;
        slots[i] = k + 1;
    }
    return true;
}

/* Adds (or replaces) m; NULL when out of memory, else the stored mark. */
static struct mark *marks_put(struct marks *t, const struct mark *m)
{
    struct mark *old = marks_get(t, m->node);
    size_t i;

    if (old) {
        *old = *m;
        return old;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        struct mark *grown = realloc(t->items, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        t->items = grown;
        t->cap = cap;
    }
    if ((t->n + 1) * 2 > t->nslots && !marks_grow(t))
        return NULL;
    t->items[t->n] = *m;
    for (i = slot_of(t, m->node); t->slots[i]; i = (i + 1) & (t->nslots - 1))
        ;
    t->slots[i] = ++t->n;
    return &t->items[t->n - 1];
}

static void marks_release(struct marks *t)
{
    free(t->items);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}

/* Marks `node` as starting at line:column (taken when its event came: the
 * cursor only moves forward cheaply, and a collection is marked after its
 * children). */
static int add_mark(struct builder *b, const cJSON *node, int line, int column)
{
    struct mark m = {0};

    m.node = node;
    m.line = line;
    m.column = column;
    return marks_put(&b->marks, &m) ? 0 : nomem(b);
}

/* ---- scalars ---- */

static bool all_of(const char *s, size_t n, const char *set)
{
    size_t i;
    if (n == 0)
        return false;
    for (i = 0; i < n; i++)
        if (!strchr(set, s[i]))
            return false;
    return true;
}

static bool one_of(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(*words, s, n) == 0)
            return true;
    return false;
}

static const char *const null_words[] = {"~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};

/* [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+ as a double; false when it is none. */
static bool core_int(const char *s, size_t n, double *v)
{
    char buf[400];
    size_t sign = n > 0 && (s[0] == '-' || s[0] == '+');

    if (n >= sizeof(buf))
        return false; /* longer than any double's digits: a string */
    if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
        bool hex = s[1] == 'x';
        double x = 0;
        size_t i;
        if (!all_of(s + 2, n - 2, hex ? "0123456789abcdefABCDEF" : "01234567"))
            return false;
        for (i = 2; i < n; i++) {
            char c = s[i];
            int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
            x = x * (hex ? 16 : 8) + d;
        }
        *v = x;
        return isfinite(x);
    }
    if (!all_of(s + sign, n - sign, "0123456789"))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *v = strtod(buf, NULL);
    return isfinite(*v);
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? as a finite double. */
static bool core_float(const char *s, size_t n, double *v)
{
    char buf[400];
    size_t i = 0, digits = 0;

    if (n >= sizeof(buf))
        return false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (digits == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp = 0;
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, exp++;
        if (exp == 0)
            return false;
    }
    if (i != n)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    *v = strtod(buf, NULL);
    return isfinite(*v);
}

/* The value of a plain (unquoted, untagged) scalar, as the core schema types it. */
static cJSON *plain_scalar(const char *s, size_t n)
{
    double v;

    if (n == 0 || one_of(s, n, null_words))
        return cJSON_CreateNull();
    if (one_of(s, n, true_words))
        return cJSON_CreateTrue();
    if (one_of(s, n, false_words))
        return cJSON_CreateFalse();
    if (core_int(s, n, &v) || core_float(s, n, &v))
        return cJSON_CreateNumber(v);
    return cJSON_CreateString(s); /* NUL-terminated by libyaml; NULs refused before */
}

#define TAG_PREFIX "tag:yaml.org,2002:"

/* A scalar with an explicit tag; NULL with *why when it does not fit. */
static cJSON *tagged_scalar(const char *tag, const char *s, size_t n, const char **why)
{
    const char *t = tag + strlen(TAG_PREFIX);
    double v;

    *why = NULL;
    if (strcmp(tag, "!") == 0 || strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0) {
        if (strcmp(tag, "!") == 0)
            return cJSON_CreateString(s);
        *why = "unsupported tag";
        return NULL;
    }
    if (strcmp(t, "str") == 0 || strcmp(t, "binary") == 0)
        return cJSON_CreateString(s);
    if (strcmp(t, "null") == 0) {
        if (n == 0 || one_of(s, n, null_words))
            return cJSON_CreateNull();
    } else if (strcmp(t, "bool") == 0) {
        if (one_of(s, n, true_words))
            return cJSON_CreateTrue();
        if (one_of(s, n, false_words))
            return cJSON_CreateFalse();
    } else if (strcmp(t, "int") == 0) {
        if (core_int(s, n, &v))
            return cJSON_CreateNumber(v);
    } else if (strcmp(t, "float") == 0) {
        if (core_int(s, n, &v) || core_float(s, n, &v))
            return cJSON_CreateNumber(v);
    } else {
        *why = "unsupported tag";
        return NULL;
    }
    *why = "the value does not fit its tag";
    return NULL;
}

/* ---- anchors ---- */

static const struct anchor *find_anchor(const struct builder *b, const char *name)
{
    size_t i;
    for (i = b->nanchors; i-- > 0;) /* a later anchor of the same name wins */
        if (strcmp(b->anchors[i].name, name) == 0)
            return &b->anchors[i];
    return NULL;
}

static int add_anchor(struct builder *b, const char *name, const cJSON *node)
{
    struct anchor *a;

    if (b->nanchors == b->capanchors) {
        size_t cap = b->capanchors ? b->capanchors * 2 : 16;
        struct anchor *grown = realloc(b->anchors, cap * sizeof(*grown));
        if (!grown)
            return nomem(b);
        b->anchors = grown;
        b->capanchors = cap;
    }
    a = &b->anchors[b->nanchors];
    if (!(a->name = strdup(name)))
        return nomem(b);
    a->node = node;
    b->nanchors++;
    return 0;
}

/* Counts the nodes of n's tree into *count, and its height into *height. */
static void measure(const cJSON *n, size_t *count, int *height)
{
    const cJSON *c;
    int h = 0;

    ++*count;
    for (c = n->child; c; c = c->next) {
        int ch = 0;
        measure(c, count, &ch);
        if (ch > h)
            h = ch;
    }
    *height = h + 1;
}

/* A deep copy of `orig` (a node of the tree being built), without its key,
 * each node marked where its original is. */
static cJSON *copy_node(struct builder *b, const cJSON *orig)
{
    cJSON *copy, *c;
    const cJSON *o;
    const struct mark *om = marks_get(&b->marks, orig);
    struct mark m = om ? *om : (struct mark){0};

    if (cJSON_IsObject(orig))
        copy = cJSON_CreateObject();
    else if (cJSON_IsArray(orig))
        copy = cJSON_CreateArray();
    else
        copy = cJSON_Duplicate(orig, false);
    if (!copy)
        return NULL;
    if (copy->string) { /* cJSON_Duplicate copies the key: the new parent sets its own */
        cJSON_free(copy->string);
        copy->string = NULL;
    }
    m.node = copy;
    if (!marks_put(&b->marks, &m)) {
        cJSON_Delete(copy);
        return NULL;
    }
    for (o = orig->child; o; o = o->next) {
        if (!(c = copy_node(b, o))) {
            cJSON_Delete(copy);
            return NULL;
        }
        if (o->string && !(c->string = strdup(o->string))) {
            cJSON_Delete(c);
            cJSON_Delete(copy);
            return NULL;
        }
        cJSON_AddItemToArray(copy, c); /* keeps c->string: an object is a list of members */
    }
    return copy;
}

/* ---- the tree ---- */

static int next_event(struct builder *b, yaml_event_t *ev)
{
    if (yaml_parser_parse(&b->parser, ev))
        return 0;
    if (b->parser.error == YAML_MEMORY_ERROR)
        return nomem(b);
    if (b->parser.error == YAML_READER_ERROR) {
        /* the reader counts bytes, not characters */
        int line, column;
        mr_jsondoc_linecol(b->text, b->len, b->parser.problem_offset, &line, &column);
        mr_error_set(b->err, MR_ESCENARIO, "invalid YAML: %s",
                     b->parser.problem ? b->parser.problem : "unreadable text");
        mr_error_at(b->err, b->file, NULL, line, column);
        return MR_ESCENARIO;
    }
    return fail_at(b, b->parser.problem_mark.index, "invalid YAML: %s%s%s%s",
                   b->parser.problem ? b->parser.problem : "syntax error",
                   b->parser.context ? " (" : "", b->parser.context ? b->parser.context : "",
                   b->parser.context ? ")" : "");
}

static int build(struct builder *b, yaml_event_t *ev, int depth, cJSON **out);

/* A scalar event's value. */
static int build_scalar(struct builder *b, const yaml_event_t *ev, cJSON **out)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag, *why = NULL;

    *out = NULL;
    if (memchr(s, '\0', n))
        return fail_at(b, ev->start_mark.index,
                       "a string holds a NUL character (\\0), which mockrun cannot keep");
    if (tag)
        *out = tagged_scalar(tag, s, n, &why);
    else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        *out = plain_scalar(s, n);
    else
        *out = cJSON_CreateString(s);
    if (why) {
        bool core = strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) == 0;
        return fail_at(b, ev->start_mark.index, "%s %s%s", why, core ? "!!" : "",
                       core ? tag + strlen(TAG_PREFIX) : tag);
    }
    return *out ? 0 : nomem(b);
}

/* An alias at `depth`: a copy of its anchor's node, its top placed at the alias. */
static int build_alias(struct builder *b, const yaml_event_t *ev, int depth, cJSON **out)
{
    const char *name = (const char *)ev->data.alias.anchor;
    const struct anchor *a = find_anchor(b, name);
    size_t n = 0;
    int height = 0, line, column;

    *out = NULL;
    if (!a)
        return fail_at(b, ev->start_mark.index,
                       "unknown anchor \"%s\": an alias must come after its anchor's whole node",
                       name);
    measure(a->node, &n, &height);
    if (n > MR_YAML_MAX_ALIAS_NODES - b->copied)
        return fail_at(b, ev->start_mark.index,
                       "alias *%s: aliases copy more than %d nodes in all (an alias bomb?)", name,
                       MR_YAML_MAX_ALIAS_NODES);
    if (depth + height - 1 > MR_YAML_MAX_DEPTH)
        return fail_at(b, ev->start_mark.index, "alias *%s: nested more than %d levels deep", name,
                       MR_YAML_MAX_DEPTH);
    b->copied += n;
    cursor_to(&b->cur, ev->start_mark.index, &line, &column);
    if (!(*out = copy_node(b, a->node)))
        return nomem(b);
    return add_mark(b, *out, line, column);
}

struct member_ref {
    const char *key;
    size_t pos;   /* 0.. the mapping's own members; then the merged ones, in source order */
    size_t index; /* the key's mark */
    const cJSON *member;
};

static int cmp_member(const void *pa, const void *pb)
{
    const struct member_ref *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_pos(const void *pa, const void *pb)
{
    const struct member_ref *a = pa, *b = pb;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* A key given twice: an error at the second. Sorting keeps this O(n log n). */
static int check_duplicates(struct builder *b, struct member_ref *refs, size_t n)
{
    size_t i;

    if (n < 2)
        return 0; /* and refs may be NULL */
    qsort(refs, n, sizeof(*refs), cmp_member);
    for (i = 1; i < n; i++)
        if (strcmp(refs[i - 1].key, refs[i].key) == 0)
            return fail_at(b, refs[i].index, "duplicate key \"%s\"", refs[i].key);
    return 0;
}

/* Adds the members of the merge sources (`<<`) that obj does not have: of
 * the same key, its own member wins, then the first source's. `refs` holds
 * obj's own `nown` members (sorted or not) and has room for the rest. */
static int apply_merges(struct builder *b, cJSON *obj, const cJSON *sources,
                        struct member_ref *refs, size_t nown, size_t index)
{
    const cJSON *src, *m;
    size_t n = nown, i, k;

    for (i = 0; i < n; i++)
        refs[i].pos = i; /* own members first */
    for (src = sources->child; src; src = src->next)
        for (m = src->child; m; m = m->next) {
            refs[n].key = m->string;
            refs[n].pos = n;
            refs[n].member = m;
            n++;
        }
    qsort(refs, n, sizeof(*refs), cmp_member);
    /* the first of each key wins; the others are dropped (member NULL) */
    for (i = 0; i < n; i = k) {
        for (k = i + 1; k < n && strcmp(refs[k].key, refs[i].key) == 0; k++)
            refs[k].member = NULL;
        if (refs[i].pos < nown)
            refs[i].member = NULL;
    }
    qsort(refs, n, sizeof(*refs), cmp_pos);
    for (i = nown; i < n; i++) {
        size_t count = 0;
        int height = 0;
        cJSON *copy;
        if (!refs[i].member)
            continue;
        measure(refs[i].member, &count, &height);
        if (count > MR_YAML_MAX_ALIAS_NODES - b->copied)
            return fail_at(b, index, "merge keys copy more than %d nodes in all",
                           MR_YAML_MAX_ALIAS_NODES);
        b->copied += count;
        if (!(copy = copy_node(b, refs[i].member)))
            return nomem(b);
        if (!(copy->string = strdup(refs[i].key))) {
            cJSON_Delete(copy);
            return nomem(b);
        }
        cJSON_AddItemToArray(obj, copy);
    }
    return 0;
}

/* Adds the mappings a merge key's value `v` names to `sources` (as references). */
static int take_merge(struct builder *b, cJSON *sources, const cJSON *v, size_t index,
                      size_t *nmembers)
{
    const cJSON *c, *m;
    static const char what[] = "a merge key (<<) takes a mapping or a list of mappings";

    if (cJSON_IsObject(v)) {
        for (m = v->child; m; m = m->next)
            ++*nmembers;
        return cJSON_AddItemToArray(sources, cJSON_CreateObjectReference(v->child)) ? 0 : nomem(b);
    }
    if (!cJSON_IsArray(v))
        return fail_at(b, index, "%s", what);
    for (c = v->child; c; c = c->next) {
        if (!cJSON_IsObject(c))
            return fail_at(b, index, "%s", what);
        for (m = c->child; m; m = m->next)
            ++*nmembers;
        if (!cJSON_AddItemToArray(sources, cJSON_CreateObjectReference(c->child)))
            return nomem(b);
    }
    return 0;
}

/* A mapping's members into obj, until its end event. */
static int build_mapping(struct builder *b, int depth, cJSON *obj)
{
    struct member_ref *refs = NULL;
    size_t n = 0, cap = 0, merge_index = 0, nmerged = 0;
    cJSON *sources = NULL, *merge_values = NULL;
    int rc = 0;

    for (;;) {
        yaml_event_t key, vev;
        cJSON *v = NULL;
        struct mark *vm;
        char *name;
        bool merge;
        size_t key_index;
        int key_line, key_column;

        if ((rc = next_event(b, &key)) != 0)
            break;
        if (key.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key);
            break;
        }
        key_index = key.start_mark.index;
        cursor_to(&b->cur, key_index, &key_line, &key_column);
        if (key.type != YAML_SCALAR_EVENT ||
            memchr(key.data.scalar.value, '\0', key.data.scalar.length)) {
            rc = fail_at(b, key_index, "%s",
                         key.type == YAML_ALIAS_EVENT ? "an alias as a mapping key is not supported"
                         : key.type != YAML_SCALAR_EVENT
                             ? "a mapping key must be a scalar (a string, number, ...)"
                             : "a key holds a NUL character (\\0), which mockrun cannot keep");
            yaml_event_delete(&key);
            break;
        }
        merge = key.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !key.data.scalar.tag &&
                strcmp((const char *)key.data.scalar.value, "<<") == 0;
        name = strdup((const char *)key.data.scalar.value);
        yaml_event_delete(&key);
        if (!name) {
            rc = nomem(b);
            break;
        }
        if ((rc = next_event(b, &vev)) != 0 || (rc = build(b, &vev, depth + 1, &v)) != 0) {
            free(name);
            break;
        }
        if (merge) {
            free(name);
            if (!sources) {
                sources = cJSON_CreateArray();
                merge_values = cJSON_CreateArray();
                merge_index = key_index;
            }
            if (!sources || !merge_values) {
                cJSON_Delete(v);
                rc = nomem(b);
                break;
            }
            cJSON_AddItemToArray(merge_values, v);
            if ((rc = take_merge(b, sources, v, key_index, &nmerged)) != 0)
                break;
            continue;
        }
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 8;
            struct member_ref *grown = realloc(refs, c2 * sizeof(*grown));
            if (!grown) {
                free(name);
                cJSON_Delete(v);
                rc = nomem(b);
                break;
            }
            refs = grown;
            cap = c2;
        }
        if ((vm = marks_get(&b->marks, v)) != NULL) {
            vm->key_line = key_line;
            vm->key_column = key_column;
        }
        v->string = name;
        cJSON_AddItemToArray(obj, v);
        refs[n].key = v->string;
        refs[n].pos = n;
        refs[n].index = key_index;
        refs[n].member = v;
        n++;
    }
    if (rc == 0)
        rc = check_duplicates(b, refs, n);
    if (rc == 0 && sources) {
        struct member_ref *all = realloc(refs, (n + nmerged + 1) * sizeof(*all));
        if (!all)
            rc = nomem(b);
        else
            rc = apply_merges(b, obj, sources, refs = all, n, merge_index);
    }
    cJSON_Delete(sources);
    if (merge_values) /* kept to the end of the document: an anchor may name one */
        cJSON_AddItemToArray(b->graveyard, merge_values);
    free(refs);
    return rc;
}

/* A sequence's items into arr, until its end event. */
static int build_sequence(struct builder *b, int depth, cJSON *arr)
{
    for (;;) {
        yaml_event_t ev;
        cJSON *v = NULL;
        int rc;

        if ((rc = next_event(b, &ev)) != 0)
            return rc;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        if ((rc = build(b, &ev, depth + 1, &v)) != 0)
            return rc;
        cJSON_AddItemToArray(arr, v);
    }
}

/* The node that starts with `ev` (consumed), at `depth`: *out, marked. */
static int build(struct builder *b, yaml_event_t *ev, int depth, cJSON **out)
{
    size_t index = ev->start_mark.index;
    const char *anchor = NULL, *tag = NULL;
    cJSON *node = NULL;
    int rc = 0, line, column;

    *out = NULL;
    cursor_to(&b->cur, index, &line, &column);
    if (depth > MR_YAML_MAX_DEPTH) {
        yaml_event_delete(ev);
        return fail_at(b, index, "nested more than %d levels deep", MR_YAML_MAX_DEPTH);
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        anchor = (const char *)ev->data.scalar.anchor;
        if ((rc = build_scalar(b, ev, &node)) == 0)
            rc = add_mark(b, node, line, column);
        break;
    case YAML_ALIAS_EVENT:
        rc = build_alias(b, ev, depth, &node);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool map = ev->type == YAML_MAPPING_START_EVENT;
        anchor =
            (const char *)(map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor);
        tag = (const char *)(map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
        if (tag && strcmp(tag, map ? TAG_PREFIX "map" : TAG_PREFIX "seq") != 0 &&
            strcmp(tag, "!") != 0) {
            bool core = strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) == 0;
            rc = fail_at(b, index, "unsupported tag %s%s", core ? "!!" : "",
                         core ? tag + strlen(TAG_PREFIX) : tag);
            break;
        }
        if (!(node = map ? cJSON_CreateObject() : cJSON_CreateArray())) {
            rc = nomem(b);
            break;
        }
        rc = map ? build_mapping(b, depth, node) : build_sequence(b, depth, node);
        if (rc == 0)
            rc = add_mark(b, node, line, column); /* after the children: an address freed
                                              among them may be this node's */
        break;
    }
    default:
        rc = fail_at(b, index, "invalid YAML: unexpected event");
        break;
    }
    if (rc == 0 && anchor)
        rc = add_anchor(b, anchor, node);
    yaml_event_delete(ev);
    if (rc) {
        cJSON_Delete(node);
        return rc;
    }
    *out = node;
    return 0;
}

/* ---- the document ---- */

/* Events up to the document's root; then the root; then the end, with no second document. */
static int parse_yaml(struct builder *b, cJSON **root)
{
    yaml_event_t ev;
    bool done;
    int rc;

    *root = NULL;
    for (;;) {
        if ((rc = next_event(b, &ev)) != 0)
            return rc;
        if (ev.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            *root = cJSON_CreateNull(); /* an empty stream */
            return *root ? add_mark(b, *root, 1, 1) : nomem(b);
        }
        if (ev.type != YAML_STREAM_START_EVENT && ev.type != YAML_DOCUMENT_START_EVENT)
            break;
        yaml_event_delete(&ev);
    }
    if ((rc = build(b, &ev, 0, root)) != 0)
        return rc;
    for (;;) {
        if ((rc = next_event(b, &ev)) != 0)
            return rc;
        if (ev.type == YAML_DOCUMENT_START_EVENT) {
            size_t at = ev.start_mark.index;
            yaml_event_delete(&ev);
            return fail_at(b, at, "a second YAML document: an OpenAPI file holds one document");
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (done)
            return 0;
    }
}

/* Every object's keys checked for duplicates, in a JSON document; `path`
 * (1024 bytes) holds the jsondoc path of `node`. */
static int json_duplicates(struct mr_yaml_doc *d, const cJSON *node, char *path, size_t pathlen,
                           struct mr_error *err)
{
    const cJSON *c;
    size_t i = 0, n = 0;

    if (cJSON_IsObject(node)) {
        struct member_ref *refs;
        for (c = node->child; c; c = c->next)
            n++;
        if (!(refs = calloc(n ? n : 1, sizeof(*refs))))
            return mr_error_set(err, MR_ENOMEM, "out of memory reading %s", d->file);
        for (c = node->child; c; c = c->next, i++) {
            refs[i].key = c->string;
            refs[i].pos = i;
        }
        qsort(refs, n, sizeof(*refs), cmp_member);
        for (i = 1; i < n; i++) {
            size_t nth = 0, k, plen = pathlen, off;
            int line = 0, col = 0;
            if (strcmp(refs[i - 1].key, refs[i].key) != 0)
                continue;
            for (k = i; k > 0 && strcmp(refs[k - 1].key, refs[i].key) == 0; k--)
                nth++; /* refs[i] is the nth repeat of its key */
            mr_jsondoc_push_key(path, 1024, &plen, refs[i].key);
            if (!mr_jsondoc_locate_nth(d->text, d->len, path, true, nth, &off)) {
                /* a key the locator cannot find as written (a NUL or escapes
                 * in it): the object, else the document */
                path[pathlen] = '\0';
                if (!mr_jsondoc_locate(d->text, d->len, path, false, &off))
                    for (off = 0; off < d->len && (unsigned char)d->text[off] <= ' '; off++)
                        ;
            }
            mr_jsondoc_linecol(d->text, d->len, off, &line, &col);
            mr_error_set(err, MR_ESCENARIO, "duplicate key \"%s\"", refs[i].key);
            mr_error_at(err, d->file, NULL, line, col);
            free(refs);
            return MR_ESCENARIO;
        }
        free(refs);
    }
    i = 0;
    for (c = node->child; c; c = c->next, i++) {
        size_t plen = pathlen;
        int rc;
        if (c->string)
            mr_jsondoc_push_key(path, 1024, &plen, c->string);
        else
            mr_jsondoc_push_index(path, 1024, &plen, i);
        rc = json_duplicates(d, c, path, plen, err);
        path[pathlen] = '\0';
        if (rc != 0)
            return rc;
    }
    return 0;
}

static bool is_json(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    return i < len && text[i] == '{';
}

static int parse_json_doc(struct mr_yaml_doc *d, const char *text, size_t len, struct mr_error *err)
{
    char path[1024] = "";

    d->json = true;
    if (!(d->text = malloc(len ? len : 1)))
        return mr_error_set(err, MR_ENOMEM, "out of memory reading %s", d->file);
    memcpy(d->text, text, len);
    d->len = len;
    if (!(d->root = mr_jsondoc_parse(d->file, d->text, len, err)))
        return err->code;
    return json_duplicates(d, d->root, path, 0, err);
}

static int parse_yaml_doc(struct mr_yaml_doc *d, const char *text, size_t len, struct mr_error *err)
{
    struct builder b;
    size_t i;
    int rc;

    memset(&b, 0, sizeof(b));
    b.file = d->file;
    b.err = err;
    b.text = text;
    b.len = len;
    cursor_init(&b.cur, text, len);
    if (!(b.graveyard = cJSON_CreateArray()) || !yaml_parser_initialize(&b.parser)) {
        cJSON_Delete(b.graveyard);
        return mr_error_set(err, MR_ENOMEM, "out of memory reading %s", d->file);
    }
    yaml_parser_set_encoding(&b.parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
    rc = parse_yaml(&b, &d->root);
    yaml_parser_delete(&b.parser);
    for (i = 0; i < b.nanchors; i++)
        free(b.anchors[i].name);
    free(b.anchors);
    cJSON_Delete(b.graveyard);
    d->marks = b.marks;
    return rc;
}

int mr_yaml_parse(struct mr_yaml_doc **out, const char *file, const char *text, size_t len,
                  struct mr_error *err)
{
    struct mr_yaml_doc *d = calloc(1, sizeof(*d));
    int rc;

    *out = NULL;
    if (!d || !(d->file = strdup(file))) {
        free(d);
        return mr_error_set(err, MR_ENOMEM, "out of memory reading %s", file);
    }
    mr_jsondoc_skip_bom(&text, &len);
    rc = is_json(text, len) ? parse_json_doc(d, text, len, err) : parse_yaml_doc(d, text, len, err);
    if (rc != 0) {
        if (!err->file[0])
            mr_error_at(err, file, NULL, 0, 0);
        mr_yaml_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

int mr_yaml_read_file(struct mr_yaml_doc **out, const char *path, struct mr_error *err)
{
    struct mr_buf text;
    int rc;

    *out = NULL;
    mr_buf_init(&text);
    rc = mr_buf_read_file(&text, path, MR_YAML_MAX_FILE);
    if (rc != 0) {
        if (rc == EFBIG)
            mr_error_set(err, MR_ESCENARIO, "larger than 64 MiB");
        else
            mr_error_set(err, rc == ENOMEM ? MR_ENOMEM : MR_ESCENARIO, "cannot read: %s",
                         strerror(rc));
        err->sys_errno = rc;
        mr_error_at(err, path, NULL, 0, 0);
        mr_buf_release(&text);
        return err->code;
    }
    rc = mr_yaml_parse(out, path, text.data ? text.data : "", text.len, err);
    mr_buf_release(&text);
    return rc;
}

void mr_yaml_free(struct mr_yaml_doc *d)
{
    if (!d)
        return;
    cJSON_Delete(d->root);
    free(d->file);
    free(d->text);
    marks_release(&d->marks);
    free(d);
}

const cJSON *mr_yaml_root(const struct mr_yaml_doc *d)
{
    return d->root;
}

const char *mr_yaml_file(const struct mr_yaml_doc *d)
{
    return d->file;
}

bool mr_yaml_is_json(const struct mr_yaml_doc *d)
{
    return d->json;
}

/* ---- locating ---- */

#define MAX_JSON_DEPTH 1100 /* cJSON parses 1000 levels */

/* Finds `node` under `at`, building its jsondoc path; true when found.
 * lens[d] (when not NULL) gets the path's length at each depth d below `at`;
 * *depth the number of steps. */
static bool path_to(const cJSON *at, const cJSON *node, char *path, size_t size, size_t *n,
                    size_t *lens, size_t *depth)
{
    const cJSON *c;
    size_t i = 0, mark = *n;

    if (at == node)
        return true;
    for (c = at->child; c; c = c->next, i++) {
        if (c->string)
            mr_jsondoc_push_key(path, size, n, c->string);
        else
            mr_jsondoc_push_index(path, size, n, i);
        if (lens && *depth < MAX_JSON_DEPTH)
            lens[*depth] = *n;
        ++*depth;
        if (path_to(c, node, path, size, n, lens, depth))
            return true;
        --*depth;
        *n = mark;
        path[mark] = '\0';
    }
    return false;
}

/* Whether `node` is in the tree under `at`. */
static bool contains(const cJSON *at, const cJSON *node)
{
    const cJSON *c;
    if (at == node)
        return true;
    for (c = at->child; c; c = c->next)
        if (contains(c, node))
            return true;
    return false;
}

bool mr_yaml_path_of(const struct mr_yaml_doc *d, const cJSON *node, char *buf, size_t size)
{
    size_t n = 0, depth = 0;

    if (size == 0)
        return false;
    buf[0] = '\0';
    return node && path_to(d->root, node, buf, size, &n, NULL, &depth);
}

bool mr_yaml_locate(const struct mr_yaml_doc *d, const cJSON *node, bool want_key, int *line,
                    int *column)
{
    const struct mark *m;

    if (!node)
        return false;
    if (d->json) {
        char path[4096] = "";
        size_t n = 0, off = 0, depth = 0, k;
        size_t *lens = calloc(MAX_JSON_DEPTH, sizeof(*lens));
        bool found = false;
        if (!lens || !path_to(d->root, node, path, sizeof(path), &n, lens, &depth)) {
            free(lens);
            return false;
        }
        /* a key the locator cannot find as written (escapes in it, a path cut
         * to fit): the nearest ancestor it finds, else the document */
        found = mr_jsondoc_locate(d->text, d->len, path, want_key && node->string, &off);
        for (k = depth < MAX_JSON_DEPTH ? depth : MAX_JSON_DEPTH; !found && k-- > 0;) {
            path[k ? lens[k - 1] : 0] = '\0';
            found = mr_jsondoc_locate(d->text, d->len, path, false, &off);
        }
        free(lens);
        if (!found) {
            off = 0;
            while (off < d->len && (unsigned char)d->text[off] <= ' ')
                off++;
        }
        mr_jsondoc_linecol(d->text, d->len, off, line, column);
        return true;
    }
    if (!(m = marks_get(&d->marks, node)) || !contains(d->root, node))
        return false;
    if (want_key && m->key_line) {
        *line = m->key_line;
        *column = m->key_column;
    } else {
        *line = m->line;
        *column = m->column;
    }
    return true;
}

/* Whether the reference token [p, end) (with ~0 and ~1) names `key`; false
 * for a malformed escape. */
static bool token_is(const char *p, const char *end, const char *key)
{
    for (; p < end; p++, key++) {
        char c = *p;
        if (c == '~') {
            if (p + 1 >= end || (p[1] != '0' && p[1] != '1'))
                return false;
            c = p[1] == '0' ? '~' : '/';
            p++;
        }
        if (*key != c)
            return false;
    }
    return *key == '\0';
}

const cJSON *mr_yaml_pointer(const cJSON *root, const char *pointer)
{
    const cJSON *at = root;
    const char *p = pointer;

    if (!root || !pointer)
        return NULL;
    while (*p) {
        const char *end;
        size_t n;

        if (*p != '/')
            return NULL;
        p++;
        end = strchr(p, '/');
        if (!end)
            end = p + strlen(p);
        n = (size_t)(end - p);
        if (cJSON_IsObject(at)) {
            const cJSON *c;
            for (c = at->child; c && !token_is(p, end, c->string); c = c->next)
                ;
            at = c;
        } else if (cJSON_IsArray(at)) {
            size_t i, idx = 0;
            if (n == 0 || (n > 1 && p[0] == '0') || n > 9)
                return NULL;
            for (i = 0; i < n; i++) {
                if (p[i] < '0' || p[i] > '9')
                    return NULL;
                idx = idx * 10 + (size_t)(p[i] - '0');
            }
            at = at->child;
            while (at && idx--)
                at = at->next;
        } else {
            return NULL;
        }
        if (!at)
            return NULL;
        p = end;
    }
    return at;
}
