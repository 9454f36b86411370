/*
 * template_internal.h - what the template module's files share: the compiled
 * tree, the JavaScript-like value model, the per-render state and the helper
 * table. Nothing outside templates/template*.c includes this.
 *
 * The tree mirrors Handlebars' AST (handlebars.js 4.7, the version Mockoon
 * uses) closely enough that its whitespace rules ("standalone" lines, `~`)
 * can be applied as handlebars/compiler/whitespace-control.js does.
 *
 * Values follow JavaScript semantics because Mockoon's helpers are written in
 * JavaScript: numbers are doubles printed as String(n) prints them, a
 * Handlebars SafeString is a string with `safe` set (never HTML-escaped and,
 * being an object in JavaScript, always truthy), arrays and objects keep
 * insertion order (integer-like keys first, as JavaScript orders them).
 *
 * Everything a render allocates comes from one arena that is freed when the
 * render ends; values are never freed one by one.
 */
#ifndef MOCKRUN_TEMPLATES_TEMPLATE_INTERNAL_H
#define MOCKRUN_TEMPLATES_TEMPLATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "templates/template.h"

/* Limits that keep any template and any request safe to render. */
#define MR_TPL_MAX_NESTING 64                 /* blocks and subexpressions, at compile time */
#define MR_TPL_MAX_REPEAT 10000               /* iterations of one {{#repeat}} */
#define MR_TPL_MAX_OUTPUT ((size_t)16 << 20)  /* bytes one render may append */
#define MR_TPL_MAX_ARENA ((size_t)256 << 20)  /* bytes of values one render may build */
#define MR_TPL_MAX_STEPS ((uint64_t)20000000) /* nodes, helper calls and loop turns */
#define MR_TPL_MAX_VALUE_DEPTH 512            /* nesting of parsed JSON and printed values */

/* ---- arena ------------------------------------------------------------------ */

struct mr_tpl_chunk;

struct mr_tpl_arena {
    struct mr_tpl_chunk *head;
    size_t total; /* bytes obtained from malloc */
    size_t cap;   /* 0: no limit */
    bool failed;  /* the cap was hit or malloc failed */
    bool nomem;   /* malloc failed (as opposed to the cap) */
};

void mr_template__arena_init(struct mr_tpl_arena *a, size_t cap);
void mr_template__arena_release(struct mr_tpl_arena *a);
/* 8-byte aligned, uninitialised; NULL (and a->failed) past the cap or on OOM. */
void *mr_template__alloc(struct mr_tpl_arena *a, size_t n);
/* A NUL-terminated copy of n bytes. */
char *mr_template__strndup(struct mr_tpl_arena *a, const char *s, size_t n);

/* ---- values ----------------------------------------------------------------- */

enum mr_tpl_value_type {
    MR_TPL_V_UNDEF = 0,
    MR_TPL_V_NULL,
    MR_TPL_V_BOOL,
    MR_TPL_V_NUM,
    MR_TPL_V_STR,
    MR_TPL_V_ARR,
    MR_TPL_V_OBJ,
};

struct mr_tpl_array;
struct mr_tpl_object;

struct mr_tpl_value {
    uint8_t type;   /* enum mr_tpl_value_type */
    bool safe;      /* MR_TPL_V_STR only: a Handlebars SafeString */
    bool json_text; /* MR_TPL_V_STR only: {{request.body}}, which jsonPath may parse */
    union {
        bool b;
        double n;
        struct {
            const char *p; /* not NUL-terminated in general */
            size_t len;
        } s;
        struct mr_tpl_array *a;
        struct mr_tpl_object *o;
    } u;
};

struct mr_tpl_array {
    size_t n, cap;
    struct mr_tpl_value *v;
};

struct mr_tpl_key {
    const char *p;
    size_t len;
};

struct mr_tpl_object {
    size_t n, cap;
    struct mr_tpl_key *k;
    struct mr_tpl_value *v;
    uint32_t *slots; /* hash index (entry + 1, 0 free) once there are many keys */
    size_t nslots;
    bool index_keys;  /* some key is an array index: iterate those first */
    bool nocase;      /* keys compare case-insensitively (request headers) */
    bool root;        /* the root context: also answers "request" */
    bool qs_overflow; /* query parsing: an array that outgrew qs's arrayLimit... */
    double qs_max;    /* ...and its largest index, where the next value goes after */
};

/* Values are made by value, with one inline constructor per kind:
 * mr_tpl_num(1.5), mr_tpl_str(p, len) (borrowed text), mr_tpl_safe(p, len)
 * (a SafeString), mr_tpl_arr(a) and mr_tpl_obj(o) (undefined when NULL). */
static inline struct mr_tpl_value mr_tpl_undef(void)
{
    struct mr_tpl_value v = {.type = MR_TPL_V_UNDEF};
    return v;
}

static inline struct mr_tpl_value mr_tpl_null(void)
{
    struct mr_tpl_value v = {.type = MR_TPL_V_NULL};
    return v;
}

static inline struct mr_tpl_value mr_tpl_bool(bool b)
{
    struct mr_tpl_value v = {.type = MR_TPL_V_BOOL};
    v.u.b = b;
    return v;
}

static inline struct mr_tpl_value mr_tpl_num(double n)
{
    struct mr_tpl_value v = {.type = MR_TPL_V_NUM};
    v.u.n = n;
    return v;
}

static inline struct mr_tpl_value mr_tpl_str(const char *p, size_t len)
{
    struct mr_tpl_value v = {.type = MR_TPL_V_STR};
    v.u.s.p = p;
    v.u.s.len = len;
    return v;
}

static inline struct mr_tpl_value mr_tpl_safe(const char *p, size_t len)
{
    struct mr_tpl_value v = mr_tpl_str(p, len);
    v.safe = true;
    return v;
}

static inline struct mr_tpl_value mr_tpl_arr(struct mr_tpl_array *a)
{
    struct mr_tpl_value v = {.type = a ? MR_TPL_V_ARR : MR_TPL_V_UNDEF};
    v.u.a = a;
    return v;
}

static inline struct mr_tpl_value mr_tpl_obj(struct mr_tpl_object *o)
{
    struct mr_tpl_value v = {.type = o ? MR_TPL_V_OBJ : MR_TPL_V_UNDEF};
    v.u.o = o;
    return v;
}

/* typeof v === 'string' (a SafeString is an object in JavaScript) */
static inline bool mr_tpl_is_plain_str(const struct mr_tpl_value *v)
{
    return v->type == MR_TPL_V_STR && !v->safe;
}

/* typeof v === 'object' && v !== null, SafeStrings included */
static inline bool mr_tpl_is_object(const struct mr_tpl_value *v)
{
    return v->type == MR_TPL_V_ARR || v->type == MR_TPL_V_OBJ ||
           (v->type == MR_TPL_V_STR && v->safe);
}

/* Handlebars' fromSafeString: a SafeString becomes its plain string. */
static inline struct mr_tpl_value mr_tpl_unsafe(struct mr_tpl_value v)
{
    v.safe = false;
    v.json_text = false;
    return v;
}

struct mr_tpl_array *mr_template__arr_new(struct mr_tpl_arena *a, size_t cap);
bool mr_template__arr_push(struct mr_tpl_arena *a, struct mr_tpl_array *arr, struct mr_tpl_value v);
struct mr_tpl_object *mr_template__obj_new(struct mr_tpl_arena *a, size_t cap);
/* Sets key (copied by reference: it must outlive the render) to v; an
 * existing key keeps its place, as in JavaScript. */
bool mr_template__obj_set(struct mr_tpl_arena *a, struct mr_tpl_object *o, const char *key,
                          size_t klen, struct mr_tpl_value v);
/* The value of an own key, or NULL. */
struct mr_tpl_value *mr_template__obj_get(const struct mr_tpl_object *o, const char *key,
                                          size_t klen);
/* The order JavaScript enumerates o's keys in (indexes into k/v); NULL when
 * it is the insertion order. */
const size_t *mr_template__obj_order(struct mr_tpl_arena *a, const struct mr_tpl_object *o);

/* JavaScript truthiness (a SafeString, being an object, is always true). */
bool mr_template__truthy(const struct mr_tpl_value *v);
/* Handlebars' isEmpty: falsy but not 0, or an empty array. */
bool mr_template__is_empty(const struct mr_tpl_value *v);
/* a === b */
bool mr_template__strict_eq(const struct mr_tpl_value *a, const struct mr_tpl_value *b);
/* a == b (arrays and SafeStrings compare through their strings) */
bool mr_template__loose_eq(const struct mr_tpl_value *a, const struct mr_tpl_value *b);
/* Number(v) */
double mr_template__to_number(const struct mr_tpl_value *v);
/* ToIntegerOrInfinity(Number(v)) clamped to ±2^53 */
double mr_template__to_integer(const struct mr_tpl_value *v);
/* JavaScript StringToNumber on raw text. */
double mr_template__str_to_number(const char *s, size_t len);
/* Appends String(v) ("undefined", "null", "[object Object]", arrays joined). */
void mr_template__append_string(struct mr_buf *b, const struct mr_tpl_value *v);
/* Appends what Handlebars prints for v: like String(v) but "" for
 * undefined and null. */
void mr_template__append_output(struct mr_buf *b, const struct mr_tpl_value *v);
/* JSON.stringify(v, null, indent): false when the result is undefined. */
bool mr_template__append_json(struct mr_buf *b, const struct mr_tpl_value *v, int indent);
/* JSON.parse. False on a syntax error, or beyond MR_TPL_MAX_VALUE_DEPTH. */
bool mr_template__parse_json(struct mr_tpl_arena *a, const char *s, size_t len,
                             struct mr_tpl_value *out);

/* The length of the trailing JavaScript whitespace of s. */
size_t mr_template__js_trailing_space(const char *s, size_t len);
/* UTF-16 code units in UTF-8 text (JavaScript's .length). */
size_t mr_template__u16_len(const char *s, size_t len);
/* The byte offset of UTF-16 index i (clamped to len). */
size_t mr_template__u16_offset(const char *s, size_t len, size_t i);
/* UTF-16 index of a byte offset. */
size_t mr_template__u16_index(const char *s, size_t len, size_t off);
/* Appends s lower- or upper-cased (ASCII, Latin-1, Latin Extended-A,
 * Greek and Cyrillic). */
void mr_template__append_case(struct mr_buf *b, const char *s, size_t len, bool upper);
/* Appends s with invalid UTF-8 replaced by U+FFFD, as TextDecoder does. */
void mr_template__append_utf8(struct mr_buf *b, const char *s, size_t len);

/* ---- the compiled tree ------------------------------------------------------ */

struct mr_tpl_helper;
struct mr_faker_method; /* faker.h: a resolved Faker name */
struct mr_xmldoc;       /* common/xmldoc.h: a parsed XML document */
struct mr_tpl_program;
struct mr_tpl_call_site;

struct mr_tpl_text {
    const char *p; /* NUL-terminated, owned by the template */
    size_t len;
};

struct mr_tpl_path {
    struct mr_tpl_text *parts;
    uint16_t nparts;
    uint16_t depth;   /* leading ../ */
    bool data;        /* @name */
    int16_t bp_depth; /* a block parameter: scopes up, or -1 */
    int16_t bp_index;
};

enum mr_tpl_expr_kind {
    MR_TPL_X_PATH,
    MR_TPL_X_STR,
    MR_TPL_X_NUM,
    MR_TPL_X_BOOL,
    MR_TPL_X_NULL,
    MR_TPL_X_UNDEF,
    MR_TPL_X_CALL, /* a subexpression */
};

struct mr_tpl_expr {
    uint8_t kind;
    union {
        struct mr_tpl_path path;
        struct mr_tpl_text str;
        double num;
        bool b;
        struct mr_tpl_call_site *call;
    } u;
};

/* A call as compiled, `name param... key=value...` in a mustache, a block
 * or a subexpression: a helper call, or (helper NULL) the value of a path.
 * Each render's invocation of it is a struct mr_tpl_call. */
struct mr_tpl_call_site {
    const struct mr_tpl_helper *helper; /* NULL: the value of `head` */
    struct mr_tpl_expr head;
    struct mr_tpl_expr *params;
    struct mr_tpl_text *hkeys; /* hash, in Handlebars' (reversed) order */
    struct mr_tpl_expr *hvals;
    uint16_t nparams;
    uint16_t nhash;
    uint32_t off;       /* where the name starts in the source, for messages */
    uint8_t faker_kind; /* with `faker`: enum mr_tpl_faker_kind */
    /* {{faker 'literal'}} and the one-word aliases ({{email}}): the Faker
     * name resolved at compile time, so a render skips the look-up; NULL
     * when the name is computed while rendering */
    const struct mr_faker_method *faker;
};

/* What Faker returns for a name (Handlebars prints them alike; helpers such
 * as eq and stringify see the difference). */
enum mr_tpl_faker_kind {
    MR_TPL_FAKER_DYNAMIC = 0, /* the name is computed: check it when rendering */
    MR_TPL_FAKER_STRING,
    MR_TPL_FAKER_NUMBER,
    MR_TPL_FAKER_BOOL,
};

enum mr_tpl_node_kind {
    MR_TPL_N_TEXT,
    MR_TPL_N_COMMENT,
    MR_TPL_N_MUSTACHE,
    MR_TPL_N_BLOCK,
};

struct mr_tpl_strip {
    bool open, close;
};

struct mr_tpl_node {
    uint8_t kind;
    bool escaped;       /* MR_TPL_N_MUSTACHE: {{x}} rather than {{{x}}} */
    bool left_stripped; /* MR_TPL_N_TEXT, for the whitespace pass */
    bool right_stripped;
    struct mr_tpl_text text; /* MR_TPL_N_TEXT: what is printed */
    struct mr_tpl_text orig; /* MR_TPL_N_TEXT: before stripping */
    struct mr_tpl_call_site call;
    struct mr_tpl_program *program; /* MR_TPL_N_BLOCK, either may be NULL */
    struct mr_tpl_program *inverse;
    struct mr_tpl_strip strip; /* mustache/comment; block open strip */
    struct mr_tpl_strip inverse_strip;
    struct mr_tpl_strip close_strip;
};

struct mr_tpl_program {
    struct mr_tpl_node *nodes;
    size_t n;
    bool chained;                      /* the inverse of an {{else if}} chain */
    const struct mr_tpl_text *bparams; /* `as |a b|` */
    uint16_t nbparams;
};

struct mr_template {
    struct mr_tpl_program *root;
    enum mr_tpl_escape escape;
    struct mr_tpl_arena mem; /* every node and string */
};

/* ---- rendering -------------------------------------------------------------- */

/* One variable of a data frame. */
struct mr_tpl_var {
    struct mr_tpl_var *next;
    const char *name;
    size_t len;
    struct mr_tpl_value v;
};

/* A Handlebars data frame (@index, @key, setVar variables). Lookups walk
 * `parent`; `up` is what `@../` follows (JavaScript's _parent). */
struct mr_tpl_data_frame {
    struct mr_tpl_data_frame *parent;
    struct mr_tpl_data_frame *up;
    struct mr_tpl_var *vars;
};

/* `this`, and the contexts `../` reaches. */
struct mr_tpl_context_frame {
    struct mr_tpl_value v;
    struct mr_tpl_context_frame *up;
};

/* The block parameters of an `{{#each xs as |x i|}}` being run; `up` is
 * the enclosing block's. */
struct mr_tpl_bparam_frame {
    const struct mr_tpl_value *v;
    size_t n;
    struct mr_tpl_bparam_frame *up;
};

/* What a template reads of the request, each part built on first use
 * (mr_template__request_value) and kept for the rest of the render. */
enum mr_tpl_request_part {
    MR_TPL_REQ_OBJECT,  /* the WireMock-style `request` root value */
    MR_TPL_REQ_QUERY,   /* the query string, parsed as Express's qs does */
    MR_TPL_REQ_BODY,    /* JSON, a form or XML by the Content-Type, else undefined */
    MR_TPL_REQ_HEADERS, /* Node's req.headers: lower-cased, repeats joined */
    MR_TPL_REQ_PARAMS,  /* path parameters */
    MR_TPL_REQ_COOKIES, /* as the `cookie` package parses them */
    MR_TPL_REQ_PARTS
};

struct mr_tpl_rt {
    const struct mr_template *t;
    const struct mr_tpl_ctx *ctx;
    struct mr_buf *out;
    size_t out_start;
    struct mr_tpl_arena arena;
    struct mr_buf scratch; /* conversions; copied into the arena */
    struct mr_tpl_context_frame *self;
    struct mr_tpl_data_frame *data;
    struct mr_tpl_bparam_frame *bp;
    uint64_t steps;
    uint64_t rng; /* used only when the context has no generator */
    bool stop;    /* a limit was reached: render nothing more */
    bool nomem;   /* the output buffer or malloc failed */
    bool request_built[MR_TPL_REQ_PARTS];
    struct mr_tpl_value request_parts[MR_TPL_REQ_PARTS];
    struct mr_tpl_object root_obj;
    /* {{xpath}}: the body parsed as XML on first use (NULL when it is not
     * XML), freed when the render ends */
    struct mr_xmldoc *body_xml;
    bool body_xml_parsed;
};

/* One helper invocation: the call site and its evaluated arguments. */
struct mr_tpl_call {
    const struct mr_tpl_call_site *site;
    const struct mr_tpl_node *block; /* set when called as {{#helper}} */
    const struct mr_tpl_value *argv;
    size_t argc;
    const struct mr_tpl_value *hashv; /* keys in site->hkeys */
    /* a {{mustache}}'s own helper, whose value is printed at once and not
     * kept: it may return text borrowed from rt->scratch (Faker does) */
    bool printed;
};

typedef struct mr_tpl_value (*mr_tpl_helper_fn)(struct mr_tpl_rt *rt, const struct mr_tpl_call *c);

enum {
    MR_TPL_H_BLOCK = 1,      /* only as a block: {{#each}} */
    MR_TPL_H_CHECK = 2,      /* mr_template__check_call looks at it when compiling */
    MR_TPL_H_ALIAS = 4,      /* a Faker alias: `faker_name` must be known */
    MR_TPL_H_NO_SUPPORT = 8, /* a Mockoon helper mockrun refuses: faker_name says why */
    MR_TPL_H_SERVICE = 16    /* its literal first argument must name a service */
};

struct mr_tpl_helper {
    const char *name;
    mr_tpl_helper_fn fn;
    uint8_t flags;
    uint8_t op;        /* helpers sharing `fn` (gt and lte...): which operation */
    int8_t min_params; /* -1: any */
    int8_t max_params;
    const char *faker_name; /* MR_TPL_H_ALIAS; or MR_TPL_H_NO_SUPPORT's reason */
};

/* The helper table (template_helpers.c), grouped by origin; suggestions
 * for an unknown name take the first of equally close ones in this order. */
extern const struct mr_tpl_helper mr_template__helpers[];
extern const size_t mr_template__nhelpers;
const struct mr_tpl_helper *mr_template__find_helper(const char *name, size_t len);
/* Extra compile-time checks for one call (faker names, date formats);
 * writes a message and returns false when the call cannot work. */
bool mr_template__check_call(struct mr_tpl_call_site *call, char *msg, size_t size);

/* Rendering services for helpers (template_render.c). */
bool mr_template__charge(struct mr_tpl_rt *rt, uint64_t steps);
void mr_template__emit(struct mr_tpl_rt *rt, const char *p, size_t len);
/* Runs the block's program (or inverse) with `ctx` as `this` (NULL: the
 * current one); `frame` replaces the data frame when not NULL; `bp` are its
 * block parameters. What it prints goes to the output. */
void mr_template__fn_block(struct mr_tpl_rt *rt, const struct mr_tpl_call *c, bool inverse,
                           const struct mr_tpl_value *ctx, struct mr_tpl_data_frame *frame,
                           const struct mr_tpl_value *bp, size_t nbp);
/* The same, returning the program's value for helpers that return
 * options.fn() (if, with, switch...): a number or boolean when Handlebars
 * 4.7's `a + b` output code still holds one, else "" (all printed). */
struct mr_tpl_value mr_template__fn_value(struct mr_tpl_rt *rt, const struct mr_tpl_call *c,
                                          bool inverse, const struct mr_tpl_value *ctx,
                                          struct mr_tpl_data_frame *frame,
                                          const struct mr_tpl_value *bp, size_t nbp);
/* Runs the program and returns what it printed, as a string value. */
struct mr_tpl_value mr_template__capture(struct mr_tpl_rt *rt, const struct mr_tpl_call *c,
                                         const struct mr_tpl_value *ctx);
const struct mr_tpl_value *mr_template__hash(const struct mr_tpl_call *c, const char *key);
struct mr_tpl_data_frame *mr_template__frame_new(struct mr_tpl_rt *rt, bool copy);
bool mr_template__frame_set(struct mr_tpl_rt *rt, struct mr_tpl_data_frame *f, const char *name,
                            size_t len, struct mr_tpl_value v);
/* The slot of `f`'s own variable `name`, created when missing (NULL on
 * OOM): loops update @index and friends through it. */
struct mr_tpl_value *mr_template__frame_slot(struct mr_tpl_rt *rt, struct mr_tpl_data_frame *f,
                                             const char *name, size_t len);
/* The data variable `name` seen from `f` (undefined when unset). */
struct mr_tpl_value mr_template__frame_get(const struct mr_tpl_data_frame *f, const char *name,
                                           size_t len);
/* lookupProperty(parent, key): own properties only (array indexes and
 * length, string indexes and length, object keys). */
struct mr_tpl_value mr_template__lookup(struct mr_tpl_rt *rt, const struct mr_tpl_value *parent,
                                        const char *key, size_t len);
/* String(v) as a value (v itself when it is already a string). */
struct mr_tpl_value mr_template__to_str(struct mr_tpl_rt *rt, const struct mr_tpl_value *v);
/* The scratch buffer's contents as an arena string, then resets it. */
struct mr_tpl_value mr_template__take_scratch(struct mr_tpl_rt *rt, bool safe);
/* A random double in [0, 1) and Mockoon's RandomInt(a, b). */
double mr_template__random(struct mr_tpl_rt *rt);
/* The render's generator as faker.h wants it (rand_ctx is the render). */
uint64_t mr_template__rand64(void *rt);
double mr_template__random_int(struct mr_tpl_rt *rt, double a, double b);

/* ---- request values (template_request.c) ----------------------------------- */

/* One part of the request (see enum mr_tpl_request_part), built the first
 * time it is asked for; undefined when the render's arena is spent. */
struct mr_tpl_value mr_template__request_value(struct mr_tpl_rt *rt, enum mr_tpl_request_part part);
/* The body parsed as XML whatever its Content-Type (mr_xmldoc_parse), on
 * first use; NULL when it is not well-formed XML or libxml2 is missing.
 * Borrowed until the render ends. */
const struct mr_xmldoc *mr_template__body_xml(struct mr_tpl_rt *rt);
/* Mockoon's getValueFromPath: object-path ("a.0.b", "a\.b") or, with a
 * leading '$', JSONPath-Plus. Returns `def` when nothing is found. */
struct mr_tpl_value mr_template__get_path(struct mr_tpl_rt *rt, const struct mr_tpl_value *data,
                                          const char *path, size_t len,
                                          const struct mr_tpl_value *def);
/* The object-path package's get(data, path, def): keys split at '.', "\."
 * a literal dot. Data that is neither an object nor null, or an empty path,
 * gives data itself. */
struct mr_tpl_value mr_template__object_path(struct mr_tpl_rt *rt, const struct mr_tpl_value *data,
                                             const char *path, size_t len,
                                             const struct mr_tpl_value *def);

/* ---- query strings and form bodies (qs.c) ----------------------------------- */

/* Whose qs options: Express's query parser ({ allowPrototypes: true,
 * arrayLimit: 1000 }, depth 5) or Mockoon's form bodies (depth 10,
 * arrayLimit 20; keys named like Object.prototype's dropped). */
enum mr_tpl_qs_mode { MR_TPL_QS_QUERY, MR_TPL_QS_FORM };

/* Parses the raw text s[0..n) ("a=1&b[]=2", not yet decoded) as qs 6.16's
 * parse() does and sets the resulting keys in `root`. Never fails: on OOM
 * root holds what was built. Everything comes from `a`. */
void mr_template__qs_parse(struct mr_tpl_arena *a, struct mr_tpl_object *root, const char *s,
                           size_t n, enum mr_tpl_qs_mode mode);

/* ---- JSONPath-Plus (jsonpath_plus.c) ---------------------------------------- */

/* JSONPath({path, json: data}) as Mockoon's jsonPath helper calls it: one
 * result as it is, several (or any from a wildcard, `..`, union, slice or
 * filter) as an array, `def` when nothing matches, when the path uses what
 * mockrun lacks (script expressions) or data is null. Data that is not an
 * object, or an empty path, gives data itself. */
struct mr_tpl_value mr_template__jsonpath_plus(struct mr_tpl_rt *rt,
                                               const struct mr_tpl_value *data, const char *path,
                                               size_t len, const struct mr_tpl_value *def);

/* ---- Faker (template_faker.c) ---------------------------------------------- */

/* What Faker returns for a name: a number (number.*, latitude...), a boolean
 * (datatype.boolean) or a string. */
enum mr_tpl_faker_kind mr_template__faker_kind(const char *name);
/* Generates m's value from the helper's arguments and hash, as a value of
 * `kind` (MR_TPL_FAKER_DYNAMIC: found from m's name). With `borrow`
 * (mr_tpl_call.printed) a string is left in rt->scratch instead of the
 * arena. "" where Faker fails (Mockoon throws there). */
struct mr_tpl_value mr_template__faker(struct mr_tpl_rt *rt, const struct mr_faker_method *m,
                                       enum mr_tpl_faker_kind kind, const struct mr_tpl_value *argv,
                                       size_t argc, const struct mr_tpl_text *hkeys,
                                       const struct mr_tpl_value *hashv, size_t nhash, bool borrow);

#endif
