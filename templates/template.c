/*
 * template.c - compiles Handlebars templates: a lexer that follows
 * handlebars.js's src/handlebars.l (states INITIAL, mu and emu), a
 * recursive-descent parser for src/handlebars.yy, the whitespace pass of
 * lib/handlebars/compiler/whitespace-control.js (standalone lines and `~`),
 * and the helper resolution of compiler.js's classifySexpr. Rendering is in
 * template_render.c, helpers in template_helpers.c.
 *
 * Where Handlebars (or Mockoon) only fails when a template runs, mockrun
 * fails at compile time instead: unknown helpers, block helpers used inline,
 * wrong argument counts for if/each/with/lookup/repeat/switch, partials and
 * decorators (which Mockoon cannot use either), unknown Faker names and date
 * formats given as literals.
 */
#include "templates/template.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/text.h"
#include "fakedata/faker.h"
#include "templates/template_internal.h"

enum tok {
    T_EOF,
    T_CONTENT,
    T_COMMENT,
    T_OPEN,
    T_OPEN_UNESCAPED,
    T_OPEN_BLOCK,
    T_OPEN_ENDBLOCK,
    T_OPEN_INVERSE,
    T_OPEN_INVERSE_CHAIN,
    T_INVERSE,
    T_CLOSE,
    T_CLOSE_UNESCAPED,
    T_OPEN_SEXPR,
    T_CLOSE_SEXPR,
    T_ID,
    T_SEP,
    T_EQUALS,
    T_DATA,
    T_STRING,
    T_NUMBER,
    T_BOOLEAN,
    T_UNDEFINED,
    T_NULL,
    T_OPEN_BP,
    T_CLOSE_BP,
    T_INVALID,
};

struct token {
    enum tok t;
    size_t off, len; /* the token's text in the source */
    struct mr_tpl_text val;
    bool escaped;   /* T_OPEN: false for {{& */
    bool bracketed; /* T_ID: [literal] */
    struct mr_tpl_strip strip;
};

enum { M_INITIAL, M_MU, M_EMU };

/* Compile-time scope: block parameters and whether `this` is still the root. */
struct scope {
    const struct scope *up;
    const struct mr_tpl_text *bparams;
    uint16_t nbparams;
    bool root;
};

struct parser {
    const char *src;
    size_t len;
    struct mr_template *t;
    char *err;
    size_t errsize;
    bool failed;     /* a syntax error (or OOM): parsing stops */
    size_t problems; /* problems reported, syntax errors or not */
    size_t at_max;   /* the last place a message being built names (see at()) */
    bool at_set;
    bool quiet; /* looking ahead (peek2): what the lexer finds there is not reported */
    const struct mr_tpl_compile_opts *opts;
    int mode;
    size_t pos;
    struct token tok; /* the current token */
    int nesting;
    const struct scope *scope;
};

/* ---- messages --------------------------------------------------------------- */

static void linecol(const struct parser *ps, size_t off, int *line, int *col)
{
    size_t i, start = 0;
    int l = 1;

    if (off > ps->len)
        off = ps->len;
    for (i = 0; i < off; i++) {
        if (ps->src[i] == '\n') {
            l++;
            start = i + 1;
        }
    }
    *line = l;
    *col = (int)(off - start) + 1;
}

__attribute__((format(printf, 3, 0))) static void report(struct parser *ps, size_t off,
                                                         const char *fmt, va_list ap)
{
    char msg[512];

    ps->at_set = false;
    if (ps->quiet)
        return; /* a lookahead: the parse proper reports it, if it gets there */
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (ps->problems++ == 0 && ps->errsize)
        snprintf(ps->err, ps->errsize, "%s", msg);
    if (ps->opts && ps->opts->problem)
        ps->opts->problem(ps->opts->problem_arg, off, msg);
}

static bool fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A syntax error: reported at the current token, and parsing stops. */
static bool fail(struct parser *ps, const char *fmt, ...)
{
    va_list ap;

    if (ps->failed)
        return false;
    ps->failed = true;
    va_start(ap, fmt);
    /* where parsing stopped: the latest place the message names ("expected
     * ')' ... opened at 1:3, got "}}" at 1:9" is at 1:9), else the token */
    report(ps, ps->at_set ? ps->at_max : ps->tok.off, fmt, ap);
    va_end(ap);
    return false;
}

static bool problem(struct parser *ps, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A call that cannot work (an unknown helper, a wrong argument count...):
 * reported at `off`, and parsing goes on so the next one is found too. The
 * template is refused at the end all the same. Returns true, to go on. */
static bool problem(struct parser *ps, size_t off, const char *fmt, ...)
{
    va_list ap;

    if (ps->failed)
        return false;
    va_start(ap, fmt);
    report(ps, off, fmt, ap);
    va_end(ap);
    return true;
}

/* "L:C" for an offset; two buffers so one message can name two places. It
 * also notes the latest place named, where fail() reports the error. */
static const char *at(struct parser *ps, size_t off, int which)
{
    static _Thread_local char buf[2][32];
    int line, col;

    if (!ps->at_set || off > ps->at_max)
        ps->at_max = off;
    ps->at_set = true;

    linecol(ps, off, &line, &col);
    snprintf(buf[which & 1], sizeof(buf[0]), "%d:%d", line, col);
    return buf[which & 1];
}

/* Up to 20 bytes of the source, for "unexpected ..." messages. */
static const char *excerpt(const struct parser *ps, const struct token *tk)
{
    static _Thread_local char buf[64];
    size_t n = tk->len, i, o = 0;

    if (tk->t == T_EOF)
        return "end of template";
    if (n > 20)
        n = 20;
    buf[o++] = '"';
    for (i = 0; i < n && o < sizeof(buf) - 6; i++) {
        unsigned char c = (unsigned char)ps->src[tk->off + i];
        if (c == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else if (c < 0x20) {
            buf[o++] = '?';
        } else {
            buf[o++] = (char)c;
        }
    }
    if (n < tk->len) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* ---- lexer ------------------------------------------------------------------ */

static bool starts(const struct parser *ps, size_t pos, const char *s)
{
    size_t n = strlen(s);
    return pos + n <= ps->len && memcmp(ps->src + pos, s, n) == 0;
}

static size_t space_at(const struct parser *ps, size_t pos)
{
    return mr_text_js_space(ps->src + pos, ps->src + ps->len);
}

static size_t skip_space(const struct parser *ps, size_t pos)
{
    size_t w;

    while (pos < ps->len && (w = space_at(ps, pos)) > 0)
        pos += w;
    return pos;
}

/* The characters that end an ID: whitespace and !"#%&'()*+,./;<=>@[\]^`{|}~ */
static bool id_char(const struct parser *ps, size_t pos)
{
    unsigned char c = (unsigned char)ps->src[pos];

    if (c >= 0x80)
        return space_at(ps, pos) == 0;
    if (c == ' ' || (c >= 0x09 && c <= 0x0d) || c == '\0')
        return false;
    return strchr("!\"#%&'()*+,./;<=>@[\\]^`{|}~", c) == NULL;
}

static bool lookahead(const struct parser *ps, size_t pos, bool literal)
{
    if (pos >= ps->len)
        return false;
    if (space_at(ps, pos))
        return true;
    return strchr(literal ? "~})" : "=~}/.)|", ps->src[pos]) != NULL && ps->src[pos] != '\0';
}

static char *dup_str(struct parser *ps, const char *s, size_t n, struct mr_tpl_text *out)
{
    char *p = mr_template__strndup(&ps->t->mem, s, n);

    if (!p) {
        fail(ps, "out of memory");
        return NULL;
    }
    out->p = p;
    out->len = n;
    return p;
}

/* A "..." or '...' literal: \q becomes q, nothing else is an escape. As the
 * lexer's regex /"(\\"|[^"])*"/ backtracks, an unterminated literal ends at
 * its last \" instead. */
static bool lex_string(struct parser *ps, size_t pos, struct token *tk)
{
    char q = ps->src[pos];
    size_t i = pos + 1, n = 0, last_escape = 0;
    char *d;

    while (i < ps->len && ps->src[i] != q) {
        if (ps->src[i] == '\\' && i + 1 < ps->len && ps->src[i + 1] == q) {
            last_escape = i + 1;
            i += 2;
        } else {
            i++;
        }
    }
    if (i >= ps->len) {
        if (!last_escape)
            return false;
        i = last_escape;
    }
    tk->t = T_STRING;
    tk->len = i + 1 - pos;
    d = dup_str(ps, ps->src + pos + 1, i - pos - 1, &tk->val);
    if (!d)
        return false;
    for (i = 0; i < tk->val.len; i++) {
        if (d[i] == '\\' && i + 1 < tk->val.len && d[i + 1] == q)
            i++;
        d[n++] = d[i];
    }
    d[n] = '\0';
    tk->val.len = n;
    return true;
}

/* What may follow "{{" (after an optional '~'), as handlebars.l's openers.
 * The first that matches wins ("#>" before "#"); "{{else" and a plain
 * "{{" are lexed after the table. */
static const struct opener {
    const char *text;
    enum tok tok;
    const char *refused; /* not NULL: mockrun refuses these, named so */
} openers[] = {
    {">", T_INVALID, "partials ({{> name}})"},
    {"#>", T_INVALID, "partials ({{> name}})"},
    {"#*", T_INVALID, "decorators ({{* name}})"},
    {"*", T_INVALID, "decorators ({{* name}})"},
    {"#", T_OPEN_BLOCK, NULL},
    {"/", T_OPEN_ENDBLOCK, NULL},
    {"^", T_OPEN_INVERSE, NULL}, /* {{^}} alone is T_INVERSE, like {{else}} */
    {"{", T_OPEN_UNESCAPED, NULL},
    {"&", T_OPEN, NULL}, /* not escaped */
    {"!", T_COMMENT, NULL},
};

/* {{^}} and {{else}} alone: when only spaces and "}}" (or "~}}") follow
 * `pos`, the whole mustache is one T_INVERSE token. */
static bool lex_standalone_inverse(struct parser *ps, struct token *tk, size_t pos)
{
    size_t q = skip_space(ps, pos);

    if (!starts(ps, q, "~}}") && !starts(ps, q, "}}"))
        return false;
    tk->t = T_INVERSE;
    tk->strip.close = ps->src[q] == '~';
    tk->len = q + (ps->src[q] == '~' ? 3 : 2) - ps->pos;
    ps->mode = M_INITIAL;
    return true;
}

/* A comment from its '!' at `p`: {{!-- ... --}} (the com state: up to the
 * first "--}}" or "--~}}") or {{! ... }}. */
static void lex_comment(struct parser *ps, struct token *tk, size_t p)
{
    size_t e;

    if (starts(ps, p, "!--")) {
        for (e = p + 1; e + 4 <= ps->len; e++)
            if (starts(ps, e, "--}}") || starts(ps, e, "--~}}"))
                break;
        if (e + 4 > ps->len) {
            tk->t = T_INVALID;
            fail(ps, "unclosed comment {{!-- opened at %s", at(ps, ps->pos, 0));
            return;
        }
        e += starts(ps, e, "--~}}") ? 5 : 4;
    } else {
        for (e = p + 1; e + 2 <= ps->len; e++)
            if (starts(ps, e, "}}"))
                break;
        if (e + 2 > ps->len) {
            tk->t = T_INVALID;
            fail(ps, "unclosed comment {{! opened at %s", at(ps, ps->pos, 0));
            return;
        }
        e += 2;
    }
    tk->len = e - ps->pos;
    tk->strip.close = ps->src[e - 3] == '~';
    ps->mode = M_INITIAL;
}

/* The token that opens a mustache at ps->pos ("{{"...). */
static void lex_open(struct parser *ps, struct token *tk)
{
    size_t p = ps->pos + 2, q, i;

    tk->off = ps->pos;
    if (starts(ps, ps->pos, "{{{{")) {
        tk->t = T_INVALID;
        tk->len = 4;
        fail(ps, "raw blocks ({{{{raw}}}}) are not supported, at %s", at(ps, ps->pos, 0));
        return;
    }
    if (p < ps->len && ps->src[p] == '~') {
        tk->strip.open = true;
        p++;
    }
    for (i = 0; i < sizeof(openers) / sizeof(openers[0]); i++) {
        const struct opener *o = &openers[i];
        if (!starts(ps, p, o->text))
            continue;
        tk->t = o->tok;
        tk->len = p + strlen(o->text) - ps->pos;
        if (o->refused)
            fail(ps, "%s are not supported, at %s", o->refused, at(ps, ps->pos, 0));
        else if (o->tok == T_OPEN_INVERSE)
            lex_standalone_inverse(ps, tk, p + 1);
        else if (o->tok == T_COMMENT)
            lex_comment(ps, tk, p);
        return;
    }
    q = skip_space(ps, p);
    if (starts(ps, q, "else") && (q + 4 == ps->len || !id_char(ps, q + 4))) {
        if (lex_standalone_inverse(ps, tk, q + 4))
            return;
        tk->t = T_OPEN_INVERSE_CHAIN;
        tk->len = q + 4 - ps->pos;
        return;
    }
    tk->t = T_OPEN;
    tk->escaped = true;
    tk->len = p - ps->pos;
}

static void lex_mu(struct parser *ps, struct token *tk)
{
    size_t p = skip_space(ps, ps->pos), e;
    char c;

    ps->pos = p;
    tk->off = p;
    if (p >= ps->len) {
        tk->t = T_EOF;
        return;
    }
    if (starts(ps, p, "{{")) {
        lex_open(ps, tk);
        return;
    }
    c = ps->src[p];
    tk->len = 1;
    switch (c) {
    case '(':
        tk->t = T_OPEN_SEXPR;
        return;
    case ')':
        tk->t = T_CLOSE_SEXPR;
        return;
    case '=':
        tk->t = T_EQUALS;
        return;
    case '@':
        tk->t = T_DATA;
        return;
    case '|':
        tk->t = T_CLOSE_BP;
        return;
    case '"':
    case '\'':
        if (!lex_string(ps, p, tk))
            tk->t = T_INVALID;
        return;
    case '[':
        for (e = p + 1; e < ps->len && ps->src[e] != ']'; e++)
            if (ps->src[e] == '\\' && e + 1 < ps->len && ps->src[e + 1] == ']')
                e++;
        if (e >= ps->len) {
            tk->t = T_INVALID;
            return;
        } else {
            char *d;
            size_t i, n = 0;
            tk->t = T_ID;
            tk->bracketed = true;
            tk->len = e + 1 - p;
            d = dup_str(ps, ps->src + p + 1, e - p - 1, &tk->val);
            if (!d)
                return;
            for (i = 0; i < tk->val.len; i++) {
                if (d[i] == '\\' && i + 1 < tk->val.len && (d[i + 1] == ']' || d[i + 1] == '\\'))
                    i++;
                d[n++] = d[i];
            }
            d[n] = '\0';
            tk->val.len = n;
        }
        return;
    default:
        break;
    }
    if (starts(ps, p, "}}}") || starts(ps, p, "}~}}")) {
        tk->t = T_CLOSE_UNESCAPED;
        tk->len = ps->src[p + 1] == '~' ? 4 : 3;
        tk->strip.close = ps->src[p + 1] == '~';
        return;
    }
    if (starts(ps, p, "}}") || starts(ps, p, "~}}")) {
        tk->t = T_CLOSE;
        tk->len = c == '~' ? 3 : 2;
        tk->strip.close = c == '~';
        return;
    }
    if (starts(ps, p, "..")) {
        tk->t = T_ID;
        tk->len = 2;
        tk->val.p = "..";
        tk->val.len = 2;
        return;
    }
    if (c == '.' && lookahead(ps, p + 1, false)) {
        tk->t = T_ID;
        tk->val.p = ".";
        tk->val.len = 1;
        return;
    }
    if (c == '.' || c == '/') {
        tk->t = T_SEP;
        return;
    }
    {
        static const struct {
            const char *word;
            enum tok t;
        } lits[] = {{"true", T_BOOLEAN},
                    {"false", T_BOOLEAN},
                    {"undefined", T_UNDEFINED},
                    {"null", T_NULL}};
        size_t i;
        for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
            size_t n = strlen(lits[i].word);
            if (starts(ps, p, lits[i].word) && lookahead(ps, p + n, true)) {
                tk->t = lits[i].t;
                tk->len = n;
                tk->val.p = lits[i].word;
                tk->val.len = n;
                return;
            }
        }
    }
    e = p;
    if (ps->src[e] == '-')
        e++;
    if (e < ps->len && ps->src[e] >= '0' && ps->src[e] <= '9') {
        while (e < ps->len && ps->src[e] >= '0' && ps->src[e] <= '9')
            e++;
        if (e + 1 < ps->len && ps->src[e] == '.' && ps->src[e + 1] >= '0' &&
            ps->src[e + 1] <= '9') {
            e++;
            while (e < ps->len && ps->src[e] >= '0' && ps->src[e] <= '9')
                e++;
        }
        if (lookahead(ps, e, true)) {
            tk->t = T_NUMBER;
            tk->len = e - p;
            tk->val.p = ps->src + p;
            tk->val.len = e - p;
            return;
        }
    }
    if (starts(ps, p, "as")) {
        e = skip_space(ps, p + 2);
        if (e > p + 2 && starts(ps, e, "|")) {
            tk->t = T_OPEN_BP;
            tk->len = e + 1 - p;
            return;
        }
    }
    for (e = p; e < ps->len && id_char(ps, e); e++)
        ;
    /* at the end of the text an ID is taken as one, for a clearer message */
    if (e > p && (e == ps->len || lookahead(ps, e, false))) {
        tk->t = T_ID;
        tk->len = e - p;
        tk->val.p = ps->src + p;
        tk->val.len = e - p;
        return;
    }
    tk->t = T_INVALID;
}

/* Reads the next token into ps->tok. */
static void next(struct parser *ps)
{
    struct token *tk = &ps->tok;

    for (;;) {
        memset(tk, 0, sizeof(*tk));
        if (ps->failed) {
            tk->t = T_INVALID;
            return;
        }
        if (ps->mode == M_EMU) {
            /* "\{{": the mustache is text, up to the next "{{" */
            size_t e = ps->pos + 2;
            while (e < ps->len && !starts(ps, e, "{{") && !starts(ps, e, "\\{{") &&
                   !starts(ps, e, "\\\\{{"))
                e++;
            if (e > ps->len)
                e = ps->len;
            tk->t = T_CONTENT;
            tk->off = ps->pos;
            tk->len = e - ps->pos;
            ps->pos = e;
            ps->mode = M_INITIAL;
            return;
        }
        if (ps->mode == M_INITIAL) {
            const char *b;
            size_t start = ps->pos, end, content_end;

            if (start >= ps->len) {
                tk->t = T_EOF;
                tk->off = ps->len;
                return;
            }
            b = NULL;
            for (end = start; end + 1 < ps->len; end++) {
                if (ps->src[end] == '{' && ps->src[end + 1] == '{') {
                    b = ps->src + end;
                    break;
                }
            }
            if (!b) {
                tk->t = T_CONTENT;
                tk->off = start;
                tk->len = ps->len - start;
                ps->pos = ps->len;
                return;
            }
            content_end = end;
            if (end - start >= 2 && ps->src[end - 1] == '\\' && ps->src[end - 2] == '\\') {
                content_end = end - 1; /* "\\{{": one backslash, then a mustache */
                ps->mode = M_MU;
            } else if (end - start >= 1 && ps->src[end - 1] == '\\') {
                content_end = end - 1;
                ps->mode = M_EMU;
            } else {
                ps->mode = M_MU;
            }
            ps->pos = end;
            if (content_end > start) {
                tk->t = T_CONTENT;
                tk->off = start;
                tk->len = content_end - start;
                return;
            }
            continue;
        }
        lex_mu(ps, tk);
        ps->pos = tk->off + tk->len;
        if (tk->t == T_CLOSE || tk->t == T_CLOSE_UNESCAPED)
            ps->mode = M_INITIAL;
        return;
    }
}

/* The token after the current one, without consuming anything. */
static enum tok peek2(struct parser *ps)
{
    struct parser save = *ps;
    enum tok t;

    ps->quiet = true;
    next(ps);
    t = ps->tok.t;
    *ps = save;
    return t;
}

/* ---- parser ----------------------------------------------------------------- */

struct nodevec {
    struct mr_tpl_node *v;
    size_t n, cap;
};

static struct mr_tpl_node *push_node(struct parser *ps, struct nodevec *nv)
{
    if (nv->n == nv->cap) {
        size_t cap = nv->cap ? nv->cap * 2 : 8;
        struct mr_tpl_node *v = mr_template__alloc(&ps->t->mem, cap * sizeof(*v));
        if (!v) {
            fail(ps, "out of memory");
            return NULL;
        }
        if (nv->n)
            memcpy(v, nv->v, nv->n * sizeof(*v));
        nv->v = v;
        nv->cap = cap;
    }
    memset(&nv->v[nv->n], 0, sizeof(nv->v[0]));
    return &nv->v[nv->n++];
}

static struct mr_tpl_program *new_prog(struct parser *ps, struct nodevec *nv)
{
    struct mr_tpl_program *p = mr_template__alloc(&ps->t->mem, sizeof(*p));

    if (!p) {
        fail(ps, "out of memory");
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->nodes = nv->v;
    p->n = nv->n;
    return p;
}

static bool parse_expr(struct parser *ps, struct mr_tpl_expr *out, struct mr_tpl_text *original);
static bool parse_sexpr(struct parser *ps, struct mr_tpl_expr *out);

static bool is_param_start(enum tok t)
{
    return t == T_ID || t == T_DATA || t == T_STRING || t == T_NUMBER || t == T_BOOLEAN ||
           t == T_UNDEFINED || t == T_NULL || t == T_OPEN_SEXPR;
}

/* "this", "." or ".." written without brackets. */
static bool is_special_part(const struct token *tk)
{
    return !tk->bracketed && ((tk->val.len == 4 && memcmp(tk->val.p, "this", 4) == 0) ||
                              (tk->val.len == 1 && tk->val.p[0] == '.') ||
                              (tk->val.len == 2 && memcmp(tk->val.p, "..", 2) == 0));
}

/* path: ID (SEP ID)*, after an optional DATA. Builds the parts and the
 * `original` text Handlebars compares block names with. */
static bool parse_path(struct parser *ps, struct mr_tpl_expr *out, bool data,
                       struct mr_tpl_text *original)
{
    struct mr_tpl_text parts[64];
    size_t nparts = 0, olen = data ? 1 : 0, start = ps->tok.off;
    char obuf[1024];
    struct mr_tpl_path *path = &out->u.path;
    bool first = true;

    memset(out, 0, sizeof(*out));
    out->kind = MR_TPL_X_PATH;
    path->data = data;
    path->bp_depth = -1;
    if (data)
        obuf[0] = '@';
    for (;;) {
        struct token *tk = &ps->tok;
        const char *sep = NULL;

        if (!first) {
            if (tk->t != T_SEP)
                break;
            sep = ps->src + tk->off;
            next(ps);
            /* "a.0": Handlebars lexes the final 0 as a number and refuses the
             * path; mockrun reads it as the segment it obviously is. */
            if (tk->t == T_NUMBER && tk->val.p[0] != '-' && !memchr(tk->val.p, '.', tk->val.len))
                tk->t = T_ID;
        }
        if (tk->t != T_ID)
            return fail(ps, "expected a name after \"%c\" at %s, got %s", sep ? *sep : '@',
                        at(ps, tk->off, 0), excerpt(ps, tk));
        if (olen + tk->val.len + 2 < sizeof(obuf)) {
            if (sep)
                obuf[olen++] = *sep;
            memcpy(obuf + olen, tk->val.p, tk->val.len);
            olen += tk->val.len;
        }
        if (is_special_part(tk)) {
            if (nparts > 0)
                return fail(ps, "invalid path \"%.*s\" at %s: \"%.*s\" may only start a path",
                            (int)olen, obuf, at(ps, start, 0), (int)tk->val.len, tk->val.p);
            if (tk->val.len == 2)
                path->depth++;
        } else {
            if (nparts == sizeof(parts) / sizeof(parts[0]))
                return fail(ps, "path too long at %s", at(ps, start, 0));
            if (!dup_str(ps, tk->val.p, tk->val.len, &parts[nparts]))
                return false;
            nparts++;
        }
        first = false;
        next(ps);
    }
    path->nparts = (uint16_t)nparts;
    if (nparts) {
        path->parts = mr_template__alloc(&ps->t->mem, nparts * sizeof(*parts));
        if (!path->parts)
            return fail(ps, "out of memory");
        memcpy(path->parts, parts, nparts * sizeof(*parts));
    }
    if (original && !dup_str(ps, obuf, olen < sizeof(obuf) ? olen : sizeof(obuf) - 1, original))
        return false;
    return true;
}

/* helperName or param: a path, @data path, literal or subexpression. */
static bool parse_expr(struct parser *ps, struct mr_tpl_expr *out, struct mr_tpl_text *original)
{
    struct token *tk = &ps->tok;

    memset(out, 0, sizeof(*out));
    if (original) {
        original->p = "";
        original->len = 0;
    }
    switch (tk->t) {
    case T_ID:
        return parse_path(ps, out, false, original);
    case T_DATA:
        next(ps);
        return parse_path(ps, out, true, original);
    case T_OPEN_SEXPR:
        return parse_sexpr(ps, out);
    case T_STRING:
        out->kind = MR_TPL_X_STR;
        out->u.str = tk->val;
        break;
    case T_NUMBER:
        out->kind = MR_TPL_X_NUM;
        out->u.num = mr_template__str_to_number(tk->val.p, tk->val.len);
        break;
    case T_BOOLEAN:
        out->kind = MR_TPL_X_BOOL;
        out->u.b = tk->val.p[0] == 't';
        break;
    case T_UNDEFINED:
        out->kind = MR_TPL_X_UNDEF;
        break;
    case T_NULL:
        out->kind = MR_TPL_X_NULL;
        break;
    default:
        if (tk->t == T_INVALID && ps->failed)
            return false;
        return fail(ps, "expected a helper name, a value or a path at %s, got %s",
                    at(ps, tk->off, 0), excerpt(ps, tk));
    }
    if (original) {
        /* Handlebars names a literal by its JavaScript string: 1.50 is "1.5" */
        if (out->kind == MR_TPL_X_NUM) {
            char num[32];
            size_t n = mr_number_text(out->u.num, num);
            if (!dup_str(ps, num, n, original))
                return false;
        } else if (out->kind == MR_TPL_X_STR) {
            *original = out->u.str;
        } else {
            original->p = tk->val.p;
            original->len = tk->val.len;
        }
    }
    next(ps);
    return true;
}

struct rawcall {
    struct mr_tpl_text original; /* the name as written, for {{/name}} */
    struct mr_tpl_expr params[32];
    struct mr_tpl_text hkeys[32];
    struct mr_tpl_expr hvals[32];
    size_t nparams, nhash;
    struct mr_tpl_text bparams[16];
    size_t nbparams;
};

static bool classify(struct parser *ps, struct mr_tpl_call_site *call,
                     const struct mr_tpl_text *original, int kind);

enum { K_MUSTACHE, K_BLOCK, K_SEXPR };

/* helperName param* hash? [blockParams], up to (not including) the closer. */
static bool parse_call(struct parser *ps, struct mr_tpl_call_site *call, struct rawcall *rc,
                       bool allow_bparams)
{
    size_t i;

    memset(call, 0, sizeof(*call));
    rc->nparams = rc->nhash = rc->nbparams = 0;
    call->off = (uint32_t)ps->tok.off;
    if (!parse_expr(ps, &call->head, &rc->original))
        return false;
    while (is_param_start(ps->tok.t)) {
        if (ps->tok.t == T_ID && peek2(ps) == T_EQUALS)
            break;
        if (rc->nparams == sizeof(rc->params) / sizeof(rc->params[0]))
            return fail(ps, "too many arguments at %s (at most 32)", at(ps, ps->tok.off, 0));
        if (!parse_expr(ps, &rc->params[rc->nparams], NULL))
            return false;
        rc->nparams++;
    }
    while (ps->tok.t == T_ID && peek2(ps) == T_EQUALS) {
        if (rc->nhash == sizeof(rc->hkeys) / sizeof(rc->hkeys[0]))
            return fail(ps, "too many hash arguments at %s (at most 32)", at(ps, ps->tok.off, 0));
        if (!dup_str(ps, ps->tok.val.p, ps->tok.val.len, &rc->hkeys[rc->nhash]))
            return false;
        next(ps);
        next(ps);
        if (!is_param_start(ps->tok.t))
            return fail(ps, "expected a value after \"%s=\" at %s, got %s", rc->hkeys[rc->nhash].p,
                        at(ps, ps->tok.off, 0), excerpt(ps, &ps->tok));
        if (!parse_expr(ps, &rc->hvals[rc->nhash], NULL))
            return false;
        rc->nhash++;
    }
    if (allow_bparams && ps->tok.t == T_OPEN_BP) {
        next(ps);
        while (ps->tok.t == T_ID) {
            if (rc->nbparams == sizeof(rc->bparams) / sizeof(rc->bparams[0]))
                return fail(ps, "too many block parameters at %s", at(ps, ps->tok.off, 0));
            if (!dup_str(ps, ps->tok.val.p, ps->tok.val.len, &rc->bparams[rc->nbparams]))
                return false;
            rc->nbparams++;
            next(ps);
        }
        if (ps->tok.t != T_CLOSE_BP || rc->nbparams == 0)
            return fail(ps, "expected block parameter names and \"|\" at %s, got %s",
                        at(ps, ps->tok.off, 0), excerpt(ps, &ps->tok));
        next(ps);
    }
    call->nparams = (uint16_t)rc->nparams;
    call->nhash = (uint16_t)rc->nhash;
    if (rc->nparams) {
        call->params = mr_template__alloc(&ps->t->mem, rc->nparams * sizeof(*call->params));
        if (!call->params)
            return fail(ps, "out of memory");
        memcpy(call->params, rc->params, rc->nparams * sizeof(*call->params));
    }
    if (rc->nhash) {
        /* Handlebars assigns hash pairs last to first, so objects built from a
         * hash list the keys in reverse: keep that order. */
        call->hkeys = mr_template__alloc(&ps->t->mem, rc->nhash * sizeof(*call->hkeys));
        call->hvals = mr_template__alloc(&ps->t->mem, rc->nhash * sizeof(*call->hvals));
        if (!call->hkeys || !call->hvals)
            return fail(ps, "out of memory");
        for (i = 0; i < rc->nhash; i++) {
            call->hkeys[i] = rc->hkeys[rc->nhash - 1 - i];
            call->hvals[i] = rc->hvals[rc->nhash - 1 - i];
        }
    }
    return true;
}

static bool enter(struct parser *ps, size_t off)
{
    if (++ps->nesting > MR_TPL_MAX_NESTING)
        return fail(ps, "blocks and subexpressions nest more than %d deep at %s",
                    MR_TPL_MAX_NESTING, at(ps, off, 0));
    return true;
}

static bool parse_sexpr(struct parser *ps, struct mr_tpl_expr *out)
{
    struct rawcall rc;
    struct mr_tpl_call_site *call;
    size_t open = ps->tok.off;

    if (!enter(ps, open))
        return false;
    next(ps);
    call = mr_template__alloc(&ps->t->mem, sizeof(*call));
    if (!call)
        return fail(ps, "out of memory");
    if (!parse_call(ps, call, &rc, false))
        return false;
    if (ps->tok.t != T_CLOSE_SEXPR)
        return fail(ps, "expected \")\" to close the subexpression opened at %s, got %s at %s",
                    at(ps, open, 0), excerpt(ps, &ps->tok), at(ps, ps->tok.off, 1));
    if (!classify(ps, call, &rc.original, K_SEXPR))
        return false;
    next(ps);
    ps->nesting--;
    out->kind = MR_TPL_X_CALL;
    out->u.call = call;
    return true;
}

/* ---- helper resolution ------------------------------------------------------ */

/* The helper an unknown name may have meant (helpers mockrun refuses are
 * not offered). */
static const char *suggest(const char *name)
{
    struct mr_text_suggestion typo;
    size_t i;

    mr_text_suggest_init(&typo, name);
    for (i = 0; i < mr_template__nhelpers; i++)
        if (!(mr_template__helpers[i].flags & MR_TPL_H_NO_SUPPORT))
            mr_text_suggest_add(&typo, mr_template__helpers[i].name);
    return typo.best;
}

static bool unknown_helper(struct parser *ps, const struct mr_tpl_text *name, size_t off)
{
    const char *s = suggest(name->p);

    if (s)
        return problem(ps, off, "unknown helper \"%s\" at %s (did you mean \"%s\"?)", name->p,
                       at(ps, off, 0), s);
    return problem(ps, off, "unknown helper \"%s\" at %s", name->p, at(ps, off, 0));
}

/* {{serviceUrl 'name'}}: a literal name must be one of the scenario's services. */
static bool check_service(struct parser *ps, const struct mr_tpl_call_site *call)
{
    const struct mr_tpl_text *name;
    const char *best;
    size_t i;

    if (!ps->opts || !ps->opts->services || call->nparams < 1 ||
        call->params[0].kind != MR_TPL_X_STR)
        return true;
    name = &call->params[0].u.str;
    for (i = 0; i < ps->opts->nservices; i++) {
        const char *svc = ps->opts->services[i];
        if (strlen(svc) == name->len && memcmp(svc, name->p, name->len) == 0)
            return true;
    }
    best = mr_text_suggest(name->p, ps->opts->services, ps->opts->nservices);
    if (best)
        return problem(ps, call->off, "no service is named \"%s\" at %s (did you mean \"%s\"?)",
                       name->p, at(ps, call->off, 0), best);
    return problem(ps, call->off, "no service is named \"%s\" at %s", name->p,
                   at(ps, call->off, 0));
}

/* /^\.|this\b/ on the path's original text */
static bool scoped_id(const struct mr_tpl_text *original)
{
    const char *p = original->p, *e = p + original->len;

    if (original->len && p[0] == '.')
        return true;
    for (; p + 4 <= e; p++) {
        if (memcmp(p, "this", 4) == 0) {
            char c = p + 4 < e ? p[4] : ' ';
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_'))
                return true;
        }
    }
    return false;
}

/* Block-parameter lookup: [scopes up, index] as compiler.js blockParamIndex. */
static bool find_bparam(const struct scope *s, const struct mr_tpl_text *name, int16_t *depth,
                        int16_t *index)
{
    int16_t d = 0;
    uint16_t i;

    for (; s; s = s->up) {
        if (!s->nbparams)
            continue;
        for (i = 0; i < s->nbparams; i++) {
            if (s->bparams[i].len == name->len &&
                memcmp(s->bparams[i].p, name->p, name->len) == 0) {
                *depth = d;
                *index = (int16_t)i;
                return true;
            }
        }
        d++;
    }
    return false;
}

/* Resolves block parameters in every path of an expression tree. */
static void resolve_bparams(const struct parser *ps, struct mr_tpl_expr *x)
{
    uint16_t i;

    if (x->kind == MR_TPL_X_PATH) {
        struct mr_tpl_path *p = &x->u.path;
        struct mr_tpl_text orig;
        /* `this.x`, `./x` and `../x` never name a block parameter */
        if (p->nparts && p->depth == 0) {
            orig = p->parts[0];
            if (!find_bparam(ps->scope, &orig, &p->bp_depth, &p->bp_index))
                p->bp_depth = -1;
        }
        return;
    }
    if (x->kind != MR_TPL_X_CALL)
        return;
    for (i = 0; i < x->u.call->nparams; i++)
        resolve_bparams(ps, &x->u.call->params[i]);
    for (i = 0; i < x->u.call->nhash; i++)
        resolve_bparams(ps, &x->u.call->hvals[i]);
}

/* javascript-compiler.js objectLiteral leaves out pairs whose value is the
 * literal `undefined`: (object a=undefined) is {}. */
static void drop_undefined_pairs(struct mr_tpl_call_site *call)
{
    uint16_t i, n = 0;

    for (i = 0; i < call->nhash; i++) {
        if (call->hvals[i].kind == MR_TPL_X_UNDEF)
            continue;
        call->hkeys[n] = call->hkeys[i];
        call->hvals[n] = call->hvals[i];
        n++;
    }
    call->nhash = n;
}

/* compiler.js classifySexpr: a helper call, or the value of a path. */
static bool classify(struct parser *ps, struct mr_tpl_call_site *call,
                     const struct mr_tpl_text *original, int kind)
{
    struct mr_tpl_expr *head = &call->head;
    struct mr_tpl_path *path;
    const struct mr_tpl_helper *h = NULL;
    bool simple, bparam = false, helper, eligible, was_literal;
    const struct mr_tpl_text *name;
    uint16_t i;
    char msg[256];

    for (i = 0; i < call->nparams; i++)
        resolve_bparams(ps, &call->params[i]);
    for (i = 0; i < call->nhash; i++)
        resolve_bparams(ps, &call->hvals[i]);
    if (head->kind == MR_TPL_X_CALL)
        return fail(ps, "a subexpression cannot name a helper, at %s", at(ps, call->off, 0));
    was_literal = head->kind != MR_TPL_X_PATH;
    if (was_literal) {
        /* transformLiteralToPath: {{"name"}} and {{1}} look up a key */
        struct mr_tpl_text *part = mr_template__alloc(&ps->t->mem, sizeof(*part));
        if (!part)
            return fail(ps, "out of memory");
        *part = *original;
        memset(head, 0, sizeof(*head));
        head->kind = MR_TPL_X_PATH;
        head->u.path.parts = part;
        head->u.path.nparts = 1;
        head->u.path.bp_depth = -1;
    }
    path = &head->u.path;
    simple = path->nparts == 1 && path->depth == 0 && !scoped_id(original);
    if (simple) {
        int16_t d, ix;
        bparam = find_bparam(ps->scope, &path->parts[0], &d, &ix);
    }
    if (path->nparts && path->depth == 0 && !scoped_id(original))
        if (!find_bparam(ps->scope, &path->parts[0], &path->bp_depth, &path->bp_index))
            path->bp_depth = -1;
    helper = !bparam && (kind == K_SEXPR || call->nparams || call->nhash);
    eligible = !bparam && (helper || simple);
    if (eligible && !helper) {
        h = mr_template__find_helper(path->parts[0].p, path->parts[0].len);
        if (h)
            helper = true;
    }
    if (!helper) {
        /* A bare name in the root context can only be a typo: the root
         * holds nothing but `request`. */
        if (eligible && !path->data && !was_literal && ps->scope->root &&
            !(path->parts[0].len == 7 && memcmp(path->parts[0].p, "request", 7) == 0))
            return unknown_helper(ps, &path->parts[0], call->off);
        return true;
    }
    if (!h) {
        if (!simple)
            return unknown_helper(ps, original, call->off);
        name = original;
        h = mr_template__find_helper(name->p, name->len);
        if (!h)
            return unknown_helper(ps, name, call->off);
    }
    if (h->flags & MR_TPL_H_NO_SUPPORT)
        return problem(ps, call->off, "helper \"%s\" at %s is not supported by mockrun (%s)",
                       h->name, at(ps, call->off, 0), h->faker_name);
    if ((h->flags & MR_TPL_H_ALIAS) && !(call->faker = mr_faker_find(h->faker_name)))
        return problem(ps, call->off,
                       "helper \"%s\" at %s needs faker's \"%s\", which mockrun does not provide",
                       h->name, at(ps, call->off, 0), h->faker_name);
    if (h->flags & MR_TPL_H_ALIAS)
        call->faker_kind = (uint8_t)mr_template__faker_kind(h->faker_name);
    if ((h->flags & MR_TPL_H_BLOCK) && kind != K_BLOCK)
        return problem(ps, call->off, "\"%s\" at %s is a block helper: write {{#%s ...}}...{{/%s}}",
                       h->name, at(ps, call->off, 0), h->name, h->name);
    if (h->min_params >= 0 && call->nparams < h->min_params)
        return problem(ps, call->off, "\"%s\" at %s needs %s%d argument%s, got %u", h->name,
                       at(ps, call->off, 0), h->max_params == h->min_params ? "" : "at least ",
                       h->min_params, h->min_params == 1 ? "" : "s", call->nparams);
    if (h->max_params >= 0 && call->nparams > h->max_params)
        return problem(ps, call->off, "\"%s\" at %s takes %s%d argument%s, got %u", h->name,
                       at(ps, call->off, 0), h->max_params == h->min_params ? "" : "at most ",
                       h->max_params, h->max_params == 1 ? "" : "s", call->nparams);
    call->helper = h;
    drop_undefined_pairs(call);
    if ((h->flags & MR_TPL_H_CHECK) && !mr_template__check_call(call, msg, sizeof(msg)))
        return problem(ps, call->off, "%s at %s", msg, at(ps, call->off, 0));
    if (h->flags & MR_TPL_H_SERVICE)
        return check_service(ps, call);
    return true;
}

/* ---- statements ------------------------------------------------------------- */

static bool parse_program(struct parser *ps, struct mr_tpl_program **out);

static bool parse_mustache(struct parser *ps, struct nodevec *nv)
{
    struct token open = ps->tok;
    struct rawcall rc;
    struct mr_tpl_node node;
    enum tok want = open.t == T_OPEN_UNESCAPED ? T_CLOSE_UNESCAPED : T_CLOSE;
    struct mr_tpl_node *n;

    memset(&node, 0, sizeof(node));
    node.kind = MR_TPL_N_MUSTACHE;
    node.escaped = open.t == T_OPEN && open.escaped;
    node.strip.open = open.strip.open;
    next(ps);
    if (!parse_call(ps, &node.call, &rc, false))
        return false;
    if (ps->tok.t == T_CLOSE_UNESCAPED && want == T_CLOSE)
        return fail(ps,
                    "\"}}}\" at %s closes a {{{ mustache, but this one opened with \"{{\" at "
                    "%s; to print a brace after it, add a space: \"}} }\"",
                    at(ps, ps->tok.off, 0), at(ps, open.off, 1));
    if (ps->tok.t != want)
        return fail(ps, "expected \"%s\" to close the mustache opened at %s, got %s at %s",
                    want == T_CLOSE ? "}}" : "}}}", at(ps, open.off, 0), excerpt(ps, &ps->tok),
                    at(ps, ps->tok.off, 1));
    node.strip.close = ps->tok.strip.close;
    if (!classify(ps, &node.call, &rc.original, K_MUSTACHE))
        return false;
    next(ps);
    n = push_node(ps, nv);
    if (!n)
        return false;
    *n = node;
    return true;
}

struct inverse_part {
    bool present;
    bool chain;
    struct mr_tpl_strip strip;
    struct mr_tpl_program *program;
};

/* prepareBlock() of handlebars/compiler/helpers.js */
static void prepare_block(struct mr_tpl_node *block, struct mr_tpl_program *program,
                          const struct inverse_part *inv, const struct mr_tpl_strip *close,
                          bool inverted)
{
    struct mr_tpl_program *inverse = NULL;

    if (inv->present) {
        if (inv->chain && close)
            inv->program->nodes[0].close_strip = *close;
        block->inverse_strip = inv->strip;
        inverse = inv->program;
    }
    if (inverted) {
        struct mr_tpl_program *tmp = inverse;
        inverse = program;
        program = tmp;
    }
    block->program = program;
    block->inverse = inverse;
    if (close)
        block->close_strip = *close;
}

static bool open_block_scope(struct parser *ps, struct scope *s,
                             const struct mr_tpl_call_site *call, const struct rawcall *rc)
{
    s->up = ps->scope;
    s->nbparams = (uint16_t)rc->nbparams;
    s->bparams = NULL;
    if (rc->nbparams) {
        struct mr_tpl_text *b = mr_template__alloc(&ps->t->mem, rc->nbparams * sizeof(*b));
        if (!b)
            return fail(ps, "out of memory");
        memcpy(b, rc->bparams, rc->nbparams * sizeof(*b));
        s->bparams = b;
    }
    /* each, with and value blocks ({{#items}}) change `this` */
    s->root = ps->scope->root && call->helper && strcmp(call->helper->name, "each") != 0 &&
              strcmp(call->helper->name, "with") != 0;
    return true;
}

static bool parse_chain(struct parser *ps, struct inverse_part *out);

/* {{else}} program, or an {{else if}} chain; nothing when neither follows. */
static bool parse_inverse(struct parser *ps, struct inverse_part *out, bool allow_chain)
{
    memset(out, 0, sizeof(*out));
    if (ps->tok.t == T_INVERSE) {
        out->present = true;
        out->strip.open = ps->tok.strip.open;
        out->strip.close = ps->tok.strip.close;
        next(ps);
        return parse_program(ps, &out->program);
    }
    if (ps->tok.t == T_OPEN_INVERSE_CHAIN) {
        if (!allow_chain)
            return fail(ps, "{{else ...}} at %s cannot follow an inverted block {{^...}}",
                        at(ps, ps->tok.off, 0));
        return parse_chain(ps, out);
    }
    return true;
}

static bool parse_chain(struct parser *ps, struct inverse_part *out)
{
    struct token open = ps->tok;
    struct rawcall rc;
    struct mr_tpl_node block;
    struct mr_tpl_program *program = NULL, *chained;
    struct inverse_part next_part;
    struct scope s;
    const struct scope *saved = ps->scope;
    struct nodevec nv = {0};
    struct mr_tpl_node *n;

    if (!enter(ps, open.off))
        return false;
    memset(&block, 0, sizeof(block));
    block.kind = MR_TPL_N_BLOCK;
    block.strip.open = open.strip.open;
    next(ps);
    if (!parse_call(ps, &block.call, &rc, true))
        return false;
    if (ps->tok.t != T_CLOSE)
        return fail(ps, "expected \"}}\" to close {{else ...}} opened at %s, got %s at %s",
                    at(ps, open.off, 0), excerpt(ps, &ps->tok), at(ps, ps->tok.off, 1));
    block.strip.close = ps->tok.strip.close;
    if (!classify(ps, &block.call, &rc.original, K_BLOCK))
        return false;
    next(ps);
    if (!open_block_scope(ps, &s, &block.call, &rc))
        return false;
    ps->scope = &s;
    if (!parse_program(ps, &program))
        return false;
    ps->scope = saved;
    program->bparams = s.bparams;
    program->nbparams = s.nbparams;
    if (!parse_inverse(ps, &next_part, true))
        return false;
    prepare_block(&block, program, &next_part, next_part.present ? &next_part.strip : NULL, false);
    n = push_node(ps, &nv);
    if (!n)
        return false;
    *n = block;
    chained = new_prog(ps, &nv);
    if (!chained)
        return false;
    chained->chained = true;
    out->present = true;
    out->chain = true;
    out->strip = block.strip;
    out->program = chained;
    ps->nesting--;
    return true;
}

static bool same_str(const struct mr_tpl_text *a, const struct mr_tpl_text *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static bool parse_block(struct parser *ps, struct nodevec *nv)
{
    struct token open = ps->tok;
    bool inverted = open.t == T_OPEN_INVERSE;
    struct rawcall rc;
    struct mr_tpl_node block;
    struct mr_tpl_program *program = NULL;
    struct inverse_part inv;
    struct scope s;
    const struct scope *saved = ps->scope;
    struct mr_tpl_text close_name;
    struct mr_tpl_expr close_expr;
    struct mr_tpl_strip close;
    struct mr_tpl_node *n;
    size_t close_off;

    if (!enter(ps, open.off))
        return false;
    memset(&block, 0, sizeof(block));
    block.kind = MR_TPL_N_BLOCK;
    block.strip.open = open.strip.open;
    next(ps);
    if (!parse_call(ps, &block.call, &rc, true))
        return false;
    if (ps->tok.t != T_CLOSE)
        return fail(ps, "expected \"}}\" to close {{%c%s}} opened at %s, got %s at %s",
                    inverted ? '^' : '#', rc.original.p, at(ps, open.off, 0), excerpt(ps, &ps->tok),
                    at(ps, ps->tok.off, 1));
    block.strip.close = ps->tok.strip.close;
    if (!classify(ps, &block.call, &rc.original, K_BLOCK))
        return false;
    next(ps);
    if (!open_block_scope(ps, &s, &block.call, &rc))
        return false;
    if (inverted)
        s.root = ps->scope->root;
    ps->scope = &s;
    if (!parse_program(ps, &program))
        return false;
    ps->scope = saved;
    program->bparams = s.bparams;
    program->nbparams = s.nbparams;
    if (!parse_inverse(ps, &inv, !inverted))
        return false;
    if (ps->tok.t != T_OPEN_ENDBLOCK) {
        if (ps->tok.t == T_EOF)
            return fail(ps, "unclosed {{%c%s}} opened at %s", inverted ? '^' : '#', rc.original.p,
                        at(ps, open.off, 0));
        return fail(ps, "unexpected %s at %s inside {{%c%s}} opened at %s", excerpt(ps, &ps->tok),
                    at(ps, ps->tok.off, 0), inverted ? '^' : '#', rc.original.p,
                    at(ps, open.off, 1));
    }
    close_off = ps->tok.off;
    close.open = ps->tok.strip.open;
    next(ps);
    if (!parse_expr(ps, &close_expr, &close_name))
        return false;
    if (ps->tok.t != T_CLOSE)
        return fail(ps, "expected \"}}\" to end {{/%s}} at %s, got %s", close_name.p,
                    at(ps, close_off, 0), excerpt(ps, &ps->tok));
    close.close = ps->tok.strip.close;
    if (!same_str(&close_name, &rc.original))
        return fail(ps, "{{/%s}} at %s does not match {{%c%s}} opened at %s", close_name.p,
                    at(ps, close_off, 0), inverted ? '^' : '#', rc.original.p, at(ps, open.off, 1));
    next(ps);
    prepare_block(&block, program, &inv, &close, inverted);
    n = push_node(ps, nv);
    if (!n)
        return false;
    *n = block;
    ps->nesting--;
    return true;
}

static bool parse_program(struct parser *ps, struct mr_tpl_program **out)
{
    struct nodevec nv = {0};
    struct mr_tpl_node *n;

    for (;;) {
        struct token *tk = &ps->tok;
        if (ps->failed)
            return false;
        switch (tk->t) {
        case T_CONTENT:
            n = push_node(ps, &nv);
            if (!n)
                return false;
            n->kind = MR_TPL_N_TEXT;
            n->text.p = ps->src + tk->off;
            n->text.len = tk->len;
            n->orig = n->text;
            next(ps);
            continue;
        case T_COMMENT:
            n = push_node(ps, &nv);
            if (!n)
                return false;
            n->kind = MR_TPL_N_COMMENT;
            n->strip = tk->strip;
            next(ps);
            continue;
        case T_OPEN:
        case T_OPEN_UNESCAPED:
            if (!parse_mustache(ps, &nv))
                return false;
            continue;
        case T_OPEN_BLOCK:
        case T_OPEN_INVERSE:
            if (!parse_block(ps, &nv))
                return false;
            continue;
        case T_INVALID:
            if (!ps->failed)
                fail(ps, "unexpected %s at %s", excerpt(ps, tk), at(ps, tk->off, 0));
            return false;
        default:
            break;
        }
        break;
    }
    *out = new_prog(ps, &nv);
    return *out != NULL;
}

/* ---- whitespace control (whitespace-control.js) ----------------------------- */

struct ws_strip {
    bool any;
    bool open, close;
    bool open_standalone, close_standalone, inline_standalone;
};

static size_t lead_space(const char *p, size_t len)
{
    size_t i = 0, w;

    while (i < len && (w = mr_text_js_space(p + i, p + len)) > 0)
        i += w;
    return i;
}

static bool has_newline(const char *p, size_t len)
{
    return memchr(p, '\n', len) != NULL;
}

/* /\r?\n\s*?$/, or with `root` /(^|\r?\n)\s*?$/ */
static bool ends_ws_line(const struct mr_tpl_text *s, bool root)
{
    size_t t = mr_template__js_trailing_space(s->p, s->len);

    if (root && t == s->len)
        return true;
    return has_newline(s->p + s->len - t, t);
}

/* /^\s*?\r?\n/, or with `root` /^\s*?(\r?\n|$)/ */
static bool starts_ws_line(const struct mr_tpl_text *s, bool root)
{
    size_t l = lead_space(s->p, s->len);

    if (root && l == s->len)
        return true;
    return has_newline(s->p, l);
}

/* i < 0: "undefined" (the end of the body) */
static bool is_prev_ws(const struct mr_tpl_program *p, long i, bool root)
{
    const struct mr_tpl_node *prev;
    bool sibling;

    if (!p)
        return false;
    if (i < 0)
        i = (long)p->n;
    if (i - 1 < 0)
        return root;
    prev = &p->nodes[i - 1];
    if (prev->kind != MR_TPL_N_TEXT)
        return false;
    sibling = i - 2 >= 0;
    return ends_ws_line(&prev->orig, !(sibling || !root));
}

static bool is_next_ws(const struct mr_tpl_program *p, long i, bool root)
{
    const struct mr_tpl_node *nx;

    if (!p)
        return false;
    if (i == LONG_MIN)
        i = -1;
    if (i + 1 >= (long)p->n)
        return root;
    nx = &p->nodes[i + 1];
    if (nx->kind != MR_TPL_N_TEXT)
        return false;
    return starts_ws_line(&nx->orig, !(i + 2 < (long)p->n || !root));
}

/* i == LONG_MIN: "undefined", the first child */
static void omit_right(struct mr_tpl_program *p, long i, bool multiple)
{
    struct mr_tpl_node *cur;
    size_t cut = 0;

    if (!p)
        return;
    i = i == LONG_MIN ? 0 : i + 1;
    if (i >= (long)p->n)
        return;
    cur = &p->nodes[i];
    if (cur->kind != MR_TPL_N_TEXT || (!multiple && cur->right_stripped))
        return;
    if (multiple) {
        cut = lead_space(cur->text.p, cur->text.len);
    } else {
        while (cut < cur->text.len && (cur->text.p[cut] == ' ' || cur->text.p[cut] == '\t'))
            cut++;
        if (cut < cur->text.len && cur->text.p[cut] == '\r')
            cut++;
        if (cut < cur->text.len && cur->text.p[cut] == '\n')
            cut++;
    }
    cur->text.p += cut;
    cur->text.len -= cut;
    cur->right_stripped = cut > 0;
}

/* i == LONG_MIN: "undefined", the last child */
static bool omit_left(struct mr_tpl_program *p, long i, bool multiple)
{
    struct mr_tpl_node *cur;
    size_t cut = 0;

    if (!p)
        return false;
    i = i == LONG_MIN ? (long)p->n - 1 : i - 1;
    if (i < 0 || i >= (long)p->n)
        return false;
    cur = &p->nodes[i];
    if (cur->kind != MR_TPL_N_TEXT || (!multiple && cur->left_stripped))
        return false;
    if (multiple) {
        cut = mr_template__js_trailing_space(cur->text.p, cur->text.len);
    } else {
        while (cut < cur->text.len && (cur->text.p[cur->text.len - 1 - cut] == ' ' ||
                                       cur->text.p[cur->text.len - 1 - cut] == '\t'))
            cut++;
    }
    cur->text.len -= cut;
    cur->left_stripped = cut > 0;
    return cur->left_stripped;
}

static void ws_program(struct mr_tpl_program *p, bool root);

static struct ws_strip ws_block(struct mr_tpl_node *b)
{
    struct ws_strip s = {0};
    struct mr_tpl_program *program, *inverse, *first_inverse, *last_inverse;

    ws_program(b->program, false);
    ws_program(b->inverse, false);
    program = b->program ? b->program : b->inverse;
    inverse = b->program ? b->inverse : NULL;
    first_inverse = last_inverse = inverse;
    if (inverse && inverse->chained) {
        first_inverse = inverse->nodes[0].program;
        while (last_inverse->chained)
            last_inverse = last_inverse->nodes[last_inverse->n - 1].program;
    }
    s.any = true;
    s.open = b->strip.open;
    s.close = b->close_strip.close;
    s.open_standalone = is_next_ws(program, LONG_MIN, false);
    s.close_standalone = is_prev_ws(first_inverse ? first_inverse : program, -1, false);
    if (b->strip.close)
        omit_right(program, LONG_MIN, true);
    if (inverse) {
        if (b->inverse_strip.open)
            omit_left(program, LONG_MIN, true);
        if (b->inverse_strip.close)
            omit_right(first_inverse, LONG_MIN, true);
        if (b->close_strip.open)
            omit_left(last_inverse, LONG_MIN, true);
        if (is_prev_ws(program, -1, false) && is_next_ws(first_inverse, LONG_MIN, false)) {
            omit_left(program, LONG_MIN, false);
            omit_right(first_inverse, LONG_MIN, false);
        }
    } else if (b->close_strip.open) {
        omit_left(program, LONG_MIN, true);
    }
    return s;
}

static void ws_program(struct mr_tpl_program *p, bool root)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->n; i++) {
        struct mr_tpl_node *cur = &p->nodes[i];
        struct ws_strip s = {0};
        bool prev_ws, next_ws;

        if (cur->kind == MR_TPL_N_BLOCK) {
            s = ws_block(cur);
        } else if (cur->kind == MR_TPL_N_MUSTACHE) {
            s.any = true;
            s.open = cur->strip.open;
            s.close = cur->strip.close;
        } else if (cur->kind == MR_TPL_N_COMMENT) {
            s.any = true;
            s.inline_standalone = true;
            s.open = cur->strip.open;
            s.close = cur->strip.close;
        }
        if (!s.any)
            continue;
        prev_ws = is_prev_ws(p, (long)i, root);
        next_ws = is_next_ws(p, (long)i, root);
        if (s.close)
            omit_right(p, (long)i, true);
        if (s.open)
            omit_left(p, (long)i, true);
        if (s.inline_standalone && prev_ws && next_ws) {
            omit_right(p, (long)i, false);
            omit_left(p, (long)i, false);
        }
        if (s.open_standalone && prev_ws) {
            omit_right(cur->program ? cur->program : cur->inverse, LONG_MIN, false);
            omit_left(p, (long)i, false);
        }
        if (s.close_standalone && next_ws) {
            omit_right(p, (long)i, false);
            omit_left(cur->inverse ? cur->inverse : cur->program, LONG_MIN, false);
        }
    }
}

/* ---- public API ------------------------------------------------------------- */

bool mr_template_detect(const char *src, size_t len)
{
    size_t i;

    for (i = 0; i + 1 < len; i++)
        if (src[i] == '{' && src[i + 1] == '{')
            return true;
    return false;
}

bool mr_template_quote(struct mr_buf *out, const char *s, size_t len)
{
    size_t i, from = 0;

    for (i = 0; i + 1 < len; i++)
        if (s[i] == '{' && s[i + 1] == '{' && i > 0 && s[i - 1] == '\\')
            return false;
    /* next() reads "\{{" as text up to the next "{{": each "{{" needs its own
     * backslash, and "{{{{" is two of them */
    for (i = 0; i + 1 < len; i++) {
        if (s[i] == '{' && s[i + 1] == '{') {
            mr_buf_append(out, s + from, i - from);
            mr_buf_putc(out, '\\');
            from = i;
            i++;
        }
    }
    mr_buf_append(out, s + from, len - from);
    return true;
}

int mr_template_compile(struct mr_template **out, const char *src, size_t len,
                        enum mr_tpl_escape escape, char *errbuf, size_t errsize)
{
    struct mr_tpl_compile_opts opts;

    memset(&opts, 0, sizeof(opts));
    opts.escape = escape;
    return mr_template_compile_with(out, src, len, &opts, errbuf, errsize);
}

int mr_template_compile_with(struct mr_template **out, const char *src, size_t len,
                             const struct mr_tpl_compile_opts *opts, char *errbuf, size_t errsize)
{
    enum mr_tpl_escape escape = opts->escape;
    struct mr_template *t;
    struct parser ps;
    struct scope root = {.root = true};
    char *copy;

    *out = NULL;
    if (errsize)
        errbuf[0] = '\0';
    t = calloc(1, sizeof(*t));
    if (!t) {
        if (errsize)
            snprintf(errbuf, errsize, "out of memory");
        return MR_ENOMEM;
    }
    t->escape = escape;
    mr_template__arena_init(&t->mem, 0);
    copy = mr_template__strndup(&t->mem, src ? src : "", src ? len : 0);
    if (!copy) {
        mr_template_free(t);
        if (errsize)
            snprintf(errbuf, errsize, "out of memory");
        return MR_ENOMEM;
    }
    memset(&ps, 0, sizeof(ps));
    ps.src = copy;
    ps.len = src ? len : 0;
    ps.t = t;
    ps.err = errbuf;
    ps.errsize = errsize;
    ps.opts = opts;
    ps.mode = M_INITIAL;
    ps.scope = &root;
    next(&ps);
    if (parse_program(&ps, &t->root)) {
        if (ps.tok.t == T_OPEN_ENDBLOCK)
            fail(&ps, "unexpected {{/...}} at %s: no block is open", at(&ps, ps.tok.off, 0));
        else if (ps.tok.t == T_INVERSE || ps.tok.t == T_OPEN_INVERSE_CHAIN)
            fail(&ps, "{{else}} at %s is outside any block", at(&ps, ps.tok.off, 0));
        else if (ps.tok.t != T_EOF)
            fail(&ps, "unexpected %s at %s", excerpt(&ps, &ps.tok), at(&ps, ps.tok.off, 0));
    }
    if (ps.failed || ps.problems) {
        bool nomem = t->mem.nomem;
        mr_template_free(t);
        return nomem ? MR_ENOMEM : MR_ESCENARIO;
    }
    ws_program(t->root, true);
    *out = t;
    return 0;
}

void mr_template_free(struct mr_template *t)
{
    if (!t)
        return;
    mr_template__arena_release(&t->mem);
    free(t);
}
