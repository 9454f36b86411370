/*
 * wiremock_template.c - WireMock response templates → mockrun templates.
 *
 * Both are Handlebars. What differs is the model and the helpers: WireMock's
 * {{request.path.[1]}} is mockrun's {{request.pathSegments.[1]}}, its
 * {{request.path.id}} (a urlPathTemplate variable) mockrun's
 * {{request.params.id}} (a webhook calls the request originalRequest; it is
 * request in mockrun), its block {{#eq a b}}...{{/eq}} mockrun's
 * {{#if (eq a b)}}...{{/if}}. WireMock escapes nothing, so every value
 * mustache becomes a triple-stash {{{...}}}. The translation is token by
 * token: a mustache it does not know (an unknown helper, a request field
 * mockrun lacks, a partial) fails the whole template, with a phrase saying
 * which, and the caller serves the response untemplated.
 *
 * Only what mockrun's engine accepts is written (blocks balanced, the
 * argument counts it checks), so a translated template always compiles.
 */
#include "formats/wiremock_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_BLOCKS 64
#define MAX_TOKENS 64

struct tr {
    const char *src;
    size_t len;
    const char *root; /* what the request is called: "request", or "originalRequest" */
    size_t root_len;
    char *const *params;
    size_t nparams;
    struct mr_buf *out;
    char *why;
    size_t whysize;
    /* open blocks: the name in the source and the one written */
    const char *open[MAX_BLOCKS];
    size_t open_len[MAX_BLOCKS];
    const char *emitted[MAX_BLOCKS];
    bool scope[MAX_BLOCKS];    /* the block gives a new context: each, with */
    bool had_else[MAX_BLOCKS]; /* a plain {{else}} was seen: no other may follow */
    size_t depth;
    size_t scopes; /* open blocks that give a new context */
};

static bool no(struct tr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool no(struct tr *t, const char *fmt, ...)
{
    va_list ap;
    if (t->why[0])
        return false;
    va_start(ap, fmt);
    vsnprintf(t->why, t->whysize, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- tokens of one mustache's inside ---------------------------------------------------- */

enum tok_kind { TK_PATH, TK_STRING, TK_NUMBER, TK_OPEN, TK_CLOSE, TK_HASH };

struct tok {
    enum tok_kind kind;
    const char *p; /* TK_HASH: the key; its value is the next token(s) */
    size_t len;
};

/* The width of the JavaScript whitespace (\s) at p[0..n), or 0: Handlebars.js, and so
 * mockrun's engine, ends IDs there (U+00A0, U+FEFF ... too). */
static size_t js_space(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;

    if (n == 0)
        return 0;
    if (s[0] == ' ' || (s[0] >= 0x09 && s[0] <= 0x0d))
        return 1;
    if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
        return 2;
    if (n < 3 || s[0] < 0x80)
        return 0;
    if ((s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) ||
        (s[0] == 0xe2 && s[1] == 0x80 &&
         ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf)) ||
        (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||
        (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80) ||
        (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf))
        return 3;
    return 0;
}

/* Handlebars' ID characters: anything but blanks and !"#%&'()*+,./;<=>@[\]^`{|}~ (and here
 * control characters, which no template needs) */
static bool id_char(char ch)
{
    return (unsigned char)ch > ' ' && ch != 0x7f && !strchr("!\"#%&'()*+,./;<=>@[\\]^`{|}~", ch);
}

/* An ID character at p[0..n): not one that starts JavaScript whitespace. */
static bool id_at(const char *p, size_t n)
{
    return id_char(*p) && js_space(p, n) == 0;
}

/* Splits s[0..n) into tokens. False on what Handlebars would refuse or we do not read. */
static bool tokenize(struct tr *t, const char *s, size_t n, struct tok *toks, size_t *ntoks)
{
    size_t i = 0, k = 0;

    while (i < n) {
        char ch = s[i];
        size_t start = i, w = js_space(s + i, n - i);
        if (w) {
            i += w;
            continue;
        }
        if (k == MAX_TOKENS)
            return no(t, "a mustache with over %d parts", MAX_TOKENS);
        if (ch == '(' || ch == ')') {
            toks[k].kind = ch == '(' ? TK_OPEN : TK_CLOSE;
            toks[k].p = s + i;
            toks[k++].len = 1;
            i++;
            continue;
        }
        if (ch == '"' || ch == '\'') {
            i++;
            while (i < n && s[i] != ch)
                i += s[i] == '\\' && i + 1 < n ? 2 : 1;
            if (i >= n)
                return no(t, "an unclosed string");
            i++;
            toks[k].kind = TK_STRING;
        } else if (isdigit((unsigned char)ch) ||
                   (ch == '-' && i + 1 < n && isdigit((unsigned char)s[i + 1]))) {
            /* -?[0-9]+(\.[0-9]+)?, then a blank or the end, as Handlebars' NUMBER */
            i++;
            while (i < n && isdigit((unsigned char)s[i]))
                i++;
            if (i + 1 < n && s[i] == '.' && isdigit((unsigned char)s[i + 1]))
                for (i++; i < n && isdigit((unsigned char)s[i]);)
                    i++;
            if (i < n && !js_space(s + i, n - i) && s[i] != ')')
                return no(t, "the number \"%.*s\"", (int)(i - start + 1), s + start);
            toks[k].kind = TK_NUMBER;
        } else if (id_at(s + i, n - i) || ch == '@' || ch == '.' || ch == '[') {
            /* a path: segments of ID characters or [literal], joined by '.' or '/' */
            if (ch == '@')
                i++;
            while (i < n) {
                if (s[i] == '[') {
                    const char *e = memchr(s + i, ']', n - i);
                    if (!e)
                        return no(t, "an unclosed [");
                    i = (size_t)(e - s) + 1;
                } else if (id_at(s + i, n - i) || s[i] == '.' || s[i] == '/') {
                    i++;
                } else {
                    break;
                }
            }
            if (i < n && s[i] == '=') {
                toks[k].kind = TK_HASH;
                toks[k].p = s + start;
                toks[k++].len = i - start;
                i++;
                continue;
            }
            toks[k].kind = TK_PATH;
        } else {
            return no(t, "\"%c\" in a mustache", ch);
        }
        toks[k].p = s + start;
        toks[k++].len = i - start;
    }
    *ntoks = k;
    return true;
}

static bool is(const struct tok *tk, const char *word)
{
    return tk->kind == TK_PATH && tk->len == strlen(word) && memcmp(tk->p, word, tk->len) == 0;
}

/* ---- paths -------------------------------------------------------------------------------- */

/* true, false, null, undefined: Handlebars lexes them as literals at the end of a path */
static bool keyword(const char *s, size_t n)
{
    static const char *const words[] = {"true", "false", "null", "undefined"};
    size_t k;
    for (k = 0; k < 4; k++)
        if (n == strlen(words[k]) && memcmp(s, words[k], n) == 0)
            return true;
    return false;
}

/* A path Handlebars reads as one: "." or "..", ../ repeated or ./ first, or @ first, then
 * segments (an ID or a [literal]) separated by single '.' or '/', the last not a keyword. */
static bool valid_path(const char *p, size_t n, bool keyword_last)
{
    size_t i = 0, nseg = 0;

    if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        return true;
    if (n > 0 && p[0] == '@') {
        i = 1;
    } else {
        while (i + 3 <= n && memcmp(p + i, "../", 3) == 0)
            i += 3;
        if (i == 0 && n >= 2 && memcmp(p, "./", 2) == 0)
            i = 2;
    }
    for (;;) {
        if (i >= n)
            return false;
        if (p[i] == '[') {
            const char *e = memchr(p + i, ']', n - i);
            if (!e || e == p + i + 1)
                return false;
            i = (size_t)(e - p) + 1;
        } else {
            size_t start = i;
            while (i < n && id_at(p + i, n - i))
                i++;
            if (i == start ||
                (i == n && nseg > 0 && !keyword_last && keyword(p + start, i - start)))
                return false;
        }
        nseg++;
        if (i == n)
            return true;
        if (p[i] != '.' && p[i] != '/')
            return false;
        i++;
    }
}

/* The segments of a path: each a name, or a [literal] without its brackets. */
static size_t segments(const char *p, size_t n, const char **seg, size_t *slen, size_t max)
{
    size_t i = 0, k = 0;
    while (i < n && k < max) {
        if (p[i] == '.' || p[i] == '/') {
            i++;
            continue;
        }
        if (p[i] == '[') {
            const char *e = memchr(p + i, ']', n - i);
            seg[k] = p + i + 1;
            slen[k++] = (size_t)(e - p) - i - 1;
            i = (size_t)(e - p) + 1;
            continue;
        }
        seg[k] = p + i;
        while (i < n && p[i] != '.' && p[i] != '/' && p[i] != '[')
            i++;
        slen[k] = (size_t)(seg[k] - p) <= i ? i - (size_t)(seg[k] - p) : 0;
        k++;
    }
    return k;
}

static bool seg_is(const char *s, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(s, word, n) == 0;
}

static bool all_digits(const char *s, size_t n)
{
    size_t i;
    if (n == 0)
        return false;
    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Writes a path segment: plain when it is an ID, else [bracketed]. */
static void put_seg(struct mr_buf *b, const char *s, size_t n)
{
    size_t i;
    bool plain = n > 0 && !all_digits(s, n) && !keyword(s, n);
    for (i = 0; i < n && plain; i++)
        plain = id_at(s + i, n - i);
    mr_buf_putc(b, '.');
    if (!plain)
        mr_buf_putc(b, '[');
    mr_buf_append(b, s, n);
    if (!plain)
        mr_buf_putc(b, ']');
}

static bool path(struct tr *t, const struct tok *tk)
{
    const char *seg[8];
    size_t slen[8], n, i;

    /* request.* is written again segment by segment ([null] then), other paths as they are */
    if (!valid_path(tk->p, tk->len,
                    tk->len > t->root_len + 1 && memcmp(tk->p, t->root, t->root_len) == 0 &&
                        strchr("./", tk->p[t->root_len])))
        return no(t, "the path \"%.*s\"", (int)(tk->len > 60 ? 60 : tk->len), tk->p);
    if (tk->p[0] == '@' || tk->p[0] == '.' ||
        (tk->len >= 4 && memcmp(tk->p, "this", 4) == 0 && (tk->len == 4 || !id_char(tk->p[4])))) {
        mr_buf_append(t->out, tk->p, tk->len); /* data variables, this, ../x: block context */
        return true;
    }
    for (i = 0; i < tk->len; i++)
        if (tk->p[i] == '[' && !memchr(tk->p + i, ']', tk->len - i))
            return no(t, "an unclosed [");
    n = segments(tk->p, tk->len, seg, slen, 8);
    if (n == 0)
        return no(t, "an empty path");
    if (!seg_is(seg[0], slen[0], t->root)) {
        if (t->scopes == 0)
            return no(t, "\"%.*s\" (a helper or value mockrun's templates do not have)",
                      (int)(tk->len > 60 ? 60 : tk->len), tk->p);
        /* inside {{#each}} or {{#with}}: a member of the current item, written this.name so
         * that no helper of the same name (date, email, uuid ...) answers instead */
        mr_buf_puts(t->out, "this.");
        mr_buf_append(t->out, tk->p, tk->len);
        return true;
    }
    if (n >= 2 && seg_is(seg[1], slen[1], "requestLine")) {
        /* request.requestLine.x is request.x for the parts mockrun has */
        if (n < 3 ||
            !(seg_is(seg[2], slen[2], "method") || seg_is(seg[2], slen[2], "path") ||
              seg_is(seg[2], slen[2], "pathSegments") || seg_is(seg[2], slen[2], "query") ||
              seg_is(seg[2], slen[2], "baseUrl") || seg_is(seg[2], slen[2], "url")))
            return no(t,
                      "\"%.*s\" (mockrun has request.method, path, pathSegments, query, "
                      "baseUrl and url)",
                      (int)(tk->len > 60 ? 60 : tk->len), tk->p);
        for (i = 2; i < n; i++) {
            seg[i - 1] = seg[i];
            slen[i - 1] = slen[i];
        }
        n--;
    }
    mr_buf_puts(t->out, "request");
    if (n == 1)
        return no(t, "the whole request object");
    if ((seg_is(seg[1], slen[1], "url") || seg_is(seg[1], slen[1], "method") ||
         seg_is(seg[1], slen[1], "body") || seg_is(seg[1], slen[1], "baseUrl")) &&
        n == 2) {
        put_seg(t->out, seg[1], slen[1]);
        return true;
    }
    if (seg_is(seg[1], slen[1], "path") || seg_is(seg[1], slen[1], "pathSegments")) {
        if (n == 2 && seg[1][0] == 'p' && slen[1] == 4) {
            mr_buf_puts(t->out, ".path");
            return true;
        }
        if (n == 3 && all_digits(seg[2], slen[2])) {
            mr_buf_puts(t->out, ".pathSegments");
            put_seg(t->out, seg[2], slen[2]);
            return true;
        }
        if (n == 3 && slen[1] == 4) {
            for (i = 0; i < t->nparams; i++)
                if (seg_is(seg[2], slen[2], t->params[i])) {
                    mr_buf_puts(t->out, ".params");
                    put_seg(t->out, seg[2], slen[2]);
                    return true;
                }
            return no(t, "\"%.*s\" (not a path parameter of the stub's urlPathTemplate)",
                      (int)(tk->len > 60 ? 60 : tk->len), tk->p);
        }
    }
    if ((seg_is(seg[1], slen[1], "query") || seg_is(seg[1], slen[1], "headers") ||
         seg_is(seg[1], slen[1], "cookies")) &&
        n <= 3) {
        put_seg(t->out, seg[1], slen[1]);
        if (n == 3)
            put_seg(t->out, seg[2], slen[2]);
        return true;
    }
    return no(t,
              "\"%.*s\" (mockrun's request has url, path, pathSegments, method, body, "
              "baseUrl, one query parameter, header or cookie, and urlPathTemplate's "
              "parameters)",
              (int)(tk->len > 60 ? 60 : tk->len), tk->p);
}

/* ---- calls -------------------------------------------------------------------------------- */

static bool expr(struct tr *t, const struct tok *toks, size_t n);

/* One argument starting at toks[*i]: a literal, a path, or a (subexpression). */
static bool arg(struct tr *t, const struct tok *toks, size_t n, size_t *i)
{
    const struct tok *tk = &toks[*i];
    size_t depth = 0, j;

    switch (tk->kind) {
    case TK_STRING:
    case TK_NUMBER:
        mr_buf_append(t->out, tk->p, tk->len);
        (*i)++;
        return true;
    case TK_PATH:
        (*i)++;
        if (is(tk, "true") || is(tk, "false") || is(tk, "null") || is(tk, "undefined")) {
            mr_buf_append(t->out, tk->p, tk->len);
            return true;
        }
        return path(t, tk);
    case TK_OPEN:
        for (j = *i; j < n; j++) {
            depth += toks[j].kind == TK_OPEN;
            depth -= toks[j].kind == TK_CLOSE;
            if (depth == 0)
                break;
        }
        if (j == n)
            return no(t, "an unclosed (");
        mr_buf_putc(t->out, '(');
        if (!expr(t, toks + *i + 1, j - *i - 1))
            return false;
        mr_buf_putc(t->out, ')');
        *i = j + 1;
        return true;
    default:
        return no(t, "a misplaced \"%.*s\"", (int)tk->len, tk->p);
    }
}

/* The arguments of a call: positional from toks[from], then hash pairs. */
struct args {
    size_t pos[16]; /* token index of each positional argument */
    size_t npos;
    size_t hash[4]; /* token index of each hash key */
    size_t nhash;
};

static size_t skip_arg(const struct tok *toks, size_t n, size_t i)
{
    size_t depth = 0;
    do {
        depth += toks[i].kind == TK_OPEN;
        depth -= toks[i].kind == TK_CLOSE && depth > 0;
        i++;
    } while (i < n && depth > 0);
    return i;
}

static bool split_args(struct tr *t, const struct tok *toks, size_t n, size_t from, struct args *a)
{
    size_t i = from;
    a->npos = a->nhash = 0;
    while (i < n) {
        if (toks[i].kind == TK_HASH) {
            if (a->nhash == 4)
                return no(t, "too many hash arguments");
            a->hash[a->nhash++] = i;
            i++;
            if (i >= n || toks[i].kind == TK_HASH || toks[i].kind == TK_CLOSE)
                return no(t, "a hash argument without a value");
            i = skip_arg(toks, n, i);
            continue;
        }
        if (toks[i].kind == TK_CLOSE)
            return no(t, "an unmatched )");
        if (a->nhash)
            return no(t, "a positional argument after a hash argument");
        if (a->npos == 16)
            return no(t, "too many arguments");
        a->pos[a->npos++] = i;
        i = skip_arg(toks, n, i);
    }
    return true;
}

static bool put_arg(struct tr *t, const struct tok *toks, size_t n, size_t at)
{
    size_t i = at;
    mr_buf_putc(t->out, ' ');
    return arg(t, toks, n, &i);
}

/* The hash argument named `key`'s value token, or SIZE_MAX. */
static size_t hash_value(const struct tok *toks, const struct args *a, const char *key)
{
    size_t k;
    for (k = 0; k < a->nhash; k++)
        if (toks[a->hash[k]].len == strlen(key) &&
            memcmp(toks[a->hash[k]].p, key, toks[a->hash[k]].len) == 0)
            return a->hash[k] + 1;
    return (size_t)-1;
}

/* Refuses hash arguments other than `allowed` (NULL-terminated). */
static bool only_hash(struct tr *t, const struct tok *toks, const struct args *a, const char *name,
                      const char *const *allowed)
{
    size_t k;
    for (k = 0; k < a->nhash; k++) {
        const char *const *p;
        for (p = allowed; *p; p++)
            if (toks[a->hash[k]].len == strlen(*p) &&
                memcmp(toks[a->hash[k]].p, *p, strlen(*p)) == 0)
                break;
        if (!*p)
            return no(t, "%s's option %.*s=", name, (int)toks[a->hash[k]].len, toks[a->hash[k]].p);
    }
    return true;
}

static const char *const comparisons[] = {"eq",  "neq", "gt", "gte", "lt",
                                          "lte", "and", "or", "not", NULL};

static bool is_comparison(const struct tok *tk)
{
    const char *const *p;
    for (p = comparisons; *p; p++)
        if (is(tk, *p))
            return true;
    return false;
}

/* A comparison helper as a value: (eq a b); neq is (not (eq a b)). */
static bool comparison(struct tr *t, const struct tok *toks, size_t n, const struct args *a)
{
    const struct tok *head = &toks[0];
    size_t k;
    bool neq = is(head, "neq");
    static const char *const none[] = {NULL};

    if (!only_hash(t, toks, a, "a comparison", none))
        return false;
    if (is(head, "not")                       ? a->npos != 1
        : (is(head, "and") || is(head, "or")) ? a->npos < 1
                                              : a->npos != 2)
        return no(t, "%.*s with %zu arguments", (int)head->len, head->p, a->npos);
    if (neq)
        mr_buf_puts(t->out, "not (eq");
    else
        mr_buf_append(t->out, head->p, head->len);
    for (k = 0; k < a->npos; k++)
        if (!put_arg(t, toks, n, a->pos[k]))
            return false;
    if (neq)
        mr_buf_putc(t->out, ')');
    return true;
}

/* A helper call or a value: toks[0] is its head. */
static bool expr(struct tr *t, const struct tok *toks, size_t n)
{
    const struct tok *head;
    struct args a;
    static const char *const none[] = {NULL};

    if (n == 0)
        return no(t, "an empty mustache");
    head = &toks[0];
    if (head->kind != TK_PATH) {
        size_t i = 0;
        if (n != 1)
            return no(t, "a literal followed by arguments");
        return arg(t, toks, n, &i);
    }
    if (!split_args(t, toks, n, 1, &a))
        return false;
    if (a.npos == 0 && a.nhash == 0)
        return arg(t, toks, n, &(size_t){0});
    if (is_comparison(head))
        return comparison(t, toks, n, &a);
    if (is(head, "jsonPath")) {
        static const char *const opts[] = {"default", NULL};
        size_t d = hash_value(toks, &a, "default");
        if (!only_hash(t, toks, &a, "jsonPath", opts))
            return false;
        if (a.npos != 2)
            return no(t, "jsonPath with %zu arguments", a.npos);
        mr_buf_puts(t->out, "jsonPath");
        if (!put_arg(t, toks, n, a.pos[0]) || !put_arg(t, toks, n, a.pos[1]))
            return false;
        return d == (size_t)-1 || put_arg(t, toks, n, d);
    }
    if (is(head, "lookup") || is(head, "size") || is(head, "upper") || is(head, "lower")) {
        size_t want = is(head, "lookup") ? 2 : 1, k;
        if (!only_hash(t, toks, &a, "this helper", none))
            return false;
        if (is(head, "size") && a.npos == 1 && toks[a.pos[0]].kind == TK_PATH &&
            toks[a.pos[0]].len > t->root_len + 1 &&
            memcmp(toks[a.pos[0]].p, t->root, t->root_len) == 0 &&
            toks[a.pos[0]].p[t->root_len] == '.')
            /* WireMock's size of a query parameter or header counts its values */
            return no(t, "size of a request value");
        if (a.npos != want)
            return no(t, "%.*s with %zu arguments", (int)head->len, head->p, a.npos);
        mr_buf_puts(t->out, is(head, "lookup")  ? "lookup"
                            : is(head, "size")  ? "len"
                            : is(head, "upper") ? "uppercase"
                                                : "lowercase");
        for (k = 0; k < a.npos; k++)
            if (!put_arg(t, toks, n, a.pos[k]))
                return false;
        return true;
    }
    if (is(head, "base64")) {
        static const char *const opts[] = {"decode", NULL};
        size_t d = hash_value(toks, &a, "decode");
        bool decode = d != (size_t)-1 && is(&toks[d], "true");
        if (!only_hash(t, toks, &a, "base64", opts))
            return false;
        if (d != (size_t)-1 && !decode && !is(&toks[d], "false"))
            return no(t, "base64 with decode= other than true or false");
        if (a.npos != 1)
            return no(t, "base64 with %zu arguments", a.npos);
        mr_buf_puts(t->out, decode ? "base64Decode" : "base64");
        return put_arg(t, toks, n, a.pos[0]);
    }
    if (is(head, "randomValue")) {
        size_t ty = hash_value(toks, &a, "type");
        if (a.npos == 0 && a.nhash == 1 && ty != (size_t)-1 && toks[ty].kind == TK_STRING &&
            toks[ty].len == 6 && memcmp(toks[ty].p + 1, "UUID", 4) == 0) {
            mr_buf_puts(t->out, "uuid");
            return true;
        }
        return no(t, "randomValue other than type='UUID'");
    }
    return no(t, "the helper \"%.*s\"", (int)(head->len > 40 ? 40 : head->len), head->p);
}

/* ---- mustaches ---------------------------------------------------------------------------- */

/* {{#name args}}: if, unless, each, with, or a comparison (as {{#if (eq a b)}}). */
static bool block_open(struct tr *t, const struct tok *toks, size_t n)
{
    const struct tok *head = &toks[0];
    struct args a;
    static const char *const none[] = {NULL};
    const char *emit;

    if (n == 0 || head->kind != TK_PATH)
        return no(t, "a block without a helper");
    if (t->depth == MAX_BLOCKS)
        return no(t, "blocks nested over %d deep", MAX_BLOCKS);
    if (!split_args(t, toks, n, 1, &a))
        return false;
    if (is(head, "if") || is(head, "unless") || is(head, "each") || is(head, "with")) {
        emit = is(head, "if")       ? "if"
               : is(head, "unless") ? "unless"
               : is(head, "each")   ? "each"
                                    : "with";
        if (a.npos != 1 || a.nhash)
            return no(t, "{{#%s}} takes one argument", emit);
        mr_buf_printf(t->out, "#%s", emit);
        if (!put_arg(t, toks, n, a.pos[0]))
            return false;
    } else if (is_comparison(head)) {
        emit = "if";
        mr_buf_puts(t->out, "#if (");
        if (!comparison(t, toks, n, &a))
            return false;
        mr_buf_putc(t->out, ')');
    } else {
        (void)none;
        return no(t, "the block helper \"%.*s\"", (int)(head->len > 40 ? 40 : head->len), head->p);
    }
    t->open[t->depth] = head->p;
    t->open_len[t->depth] = head->len;
    t->scope[t->depth] = strcmp(emit, "each") == 0 || strcmp(emit, "with") == 0;
    t->had_else[t->depth] = false;
    t->scopes += t->scope[t->depth];
    t->emitted[t->depth++] = emit;
    return true;
}

/* One mustache: inner is what lies between the braces (and any '~'). */
static bool mustache(struct tr *t, const char *inner, size_t n, bool triple)
{
    struct tok toks[MAX_TOKENS];
    struct args a;
    size_t ntoks = 0;
    char sigil = n ? inner[0] : '\0';

    if (!triple && (sigil == '#' || sigil == '/' || sigil == '^' || sigil == '>' || sigil == '&' ||
                    sigil == '*')) {
        inner++;
        n--;
    } else {
        sigil = '\0';
    }
    if (sigil == '>' || sigil == '*')
        return no(t, sigil == '>' ? "a partial" : "a decorator");
    if (!tokenize(t, inner, n, toks, &ntoks))
        return false;
    if (sigil == '#')
        return block_open(t, toks, ntoks);
    if (sigil == '/') {
        if (ntoks != 1 || toks[0].kind != TK_PATH)
            return no(t, "a malformed closing tag");
        if (t->depth == 0 || toks[0].len != t->open_len[t->depth - 1] ||
            memcmp(toks[0].p, t->open[t->depth - 1], toks[0].len) != 0)
            return no(t, "{{/%.*s}} closes no open block", (int)toks[0].len, toks[0].p);
        t->depth--;
        t->scopes -= t->scope[t->depth];
        mr_buf_printf(t->out, "/%s", t->emitted[t->depth]);
        return true;
    }
    if ((sigil == '^' && ntoks == 0) || (ntoks >= 1 && is(&toks[0], "else"))) {
        if (t->depth == 0)
            return no(t, "{{else}} outside a block");
        if (t->had_else[t->depth - 1])
            return no(t, "a second {{else}} in one block");
        if (ntoks == 1 || sigil == '^') {
            t->had_else[t->depth - 1] = true;
            mr_buf_puts(t->out, "else");
            return true;
        }
        if (!is(&toks[1], "if") && !is(&toks[1], "unless"))
            return no(t, "{{else %.*s}}", (int)toks[1].len, toks[1].p);
        if (!split_args(t, toks, ntoks, 2, &a))
            return false;
        if (a.npos != 1 || a.nhash)
            return no(t, "{{else if}} takes one argument");
        mr_buf_printf(t->out, "else %s", is(&toks[1], "if") ? "if" : "unless");
        return put_arg(t, toks, ntoks, 2);
    }
    if (sigil == '^')
        return no(t, "an inverse block {{^...}}");
    if (ntoks && (is(&toks[0], "if") || is(&toks[0], "unless") || is(&toks[0], "each") ||
                  is(&toks[0], "with")))
        return no(t, "the block helper \"%.*s\" used inline", (int)toks[0].len, toks[0].p);
    /* a value: WireMock escapes nothing, hence {{{ }}} */
    mr_buf_putc(t->out, '{');
    if (!expr(t, toks, ntoks))
        return false;
    mr_buf_putc(t->out, '}');
    return true;
}

bool mr_wm__template(const char *src, size_t len, const char *root, char *const *params,
                     size_t nparams, struct mr_buf *out, char *why, size_t whysize)
{
    struct tr t;
    size_t i = 0;

    memset(&t, 0, sizeof(t));
    t.src = src;
    t.len = len;
    t.root = root;
    t.root_len = strlen(root);
    t.params = params;
    t.nparams = nparams;
    t.out = out;
    t.why = why;
    t.whysize = whysize;
    why[0] = '\0';
    while (i < len) {
        const char *open = NULL;
        size_t k;
        bool triple, strip_open, strip_close;
        const char *inner, *close;
        size_t ilen;

        for (k = i; k + 1 < len; k++)
            if (src[k] == '{' && src[k + 1] == '{') {
                open = src + k;
                break;
            }
        if (!open) {
            mr_buf_append(out, src + i, len - i);
            break;
        }
        if (k > i && src[k - 1] == '\\') {
            /* \{{ is literal text in both engines */
            mr_buf_append(out, src + i, k + 2 - i);
            i = k + 2;
            continue;
        }
        mr_buf_append(out, src + i, k - i);
        if (k + 3 < len && memcmp(src + k, "{{{{", 4) == 0)
            return no(&t, "a raw block {{{{...}}}}");
        if (k + 2 < len && src[k + 2] == '!') {
            /* a comment: {{!-- ... --}} or {{! ... }}, copied */
            const char *end;
            bool dashes = k + 4 < len && memcmp(src + k + 3, "--", 2) == 0;
            end = NULL;
            for (i = k + 3; i + 1 < len && !end; i++)
                if ((!dashes || (i >= 2 && memcmp(src + i - 2, "--", 2) == 0)) && src[i] == '}' &&
                    src[i + 1] == '}')
                    end = src + i;
            if (!end)
                return no(&t, "an unclosed comment");
            mr_buf_append(out, src + k, (size_t)(end - src) + 2 - k);
            i = (size_t)(end - src) + 2;
            continue;
        }
        i = k + 2;
        strip_open = i < len && src[i] == '~';
        i += strip_open;
        triple = i < len && src[i] == '{';
        i += triple;
        inner = src + i;
        close = NULL;
        for (k = i; k + 1 + triple < len; k++) {
            if (src[k] == '"' || src[k] == '\'') {
                char q = src[k];
                for (k++; k < len && src[k] != q; k++)
                    ;
                if (k >= len)
                    break;
                continue;
            }
            if (src[k] == '}' && src[k + 1] == '}' && (!triple || src[k + 2] == '}')) {
                close = src + k;
                break;
            }
        }
        if (!close)
            return no(&t, triple ? "an unclosed {{{" : "an unclosed {{");
        ilen = (size_t)(close - inner);
        strip_close = !triple && ilen && inner[ilen - 1] == '~';
        if (strip_close)
            ilen--;
        mr_buf_puts(out, strip_open ? "{{~" : "{{");
        if (!mustache(&t, inner, ilen, triple))
            return false;
        mr_buf_puts(out, strip_close ? "~}}" : "}}");
        i = (size_t)(close - src) + 2 + triple;
        if (i < len && src[i] == '}' && out->len >= 3 && out->data[out->len - 3] != '}')
            /* "{{/if}}}": mockrun's engine, like Handlebars.js, reads "}}}" as one closer */
            return no(&t, "\"}\" right after a block's \"}}\"");
    }
    if (t.depth)
        return no(&t, "{{#%.*s}} is not closed", (int)t.open_len[t.depth - 1], t.open[t.depth - 1]);
    if (out->failed) {
        snprintf(why, whysize, "out of memory");
        return false;
    }
    return true;
}
