/*
 * xmldoc.c - XML documents: a safe parse, the equalToXml comparison with its
 * differences and placeholders, XPath values, walks (libxml2 through
 * common/xml.h).
 */
#define _GNU_SOURCE /* memmem, strndup */
#include "common/xmldoc.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xml.h"

#define VALUE_MAX 80 /* longer values keep their two ends in differences */

struct mr_xmldoc {
    xmlDocPtr doc;
};

static const struct mr_xml *X;
static pthread_once_t x_once = PTHREAD_ONCE_INIT;

static void load_once(void)
{
    struct mr_error err;

    if (mr_xml_load(&X, &err) != 0)
        X = NULL;
}

int mr_xmldoc_init(struct mr_error *err)
{
    const struct mr_xml *again;

    /* templates call this on server threads: X is written once, under
     * pthread_once, which also publishes it to every caller */
    pthread_once(&x_once, load_once);
    if (X)
        return 0;
    return mr_xml_load(&again, err); /* fails the same way, with the message */
}

/* True when the prolog (before the root element) declares a DOCTYPE or any
 * other markup declaration: refused before libxml2 reads a byte of it. */
static bool has_doctype(const char *s, size_t len)
{
    size_t i = 0;

    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    for (;;) {
        const char *end;
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        if (i + 1 >= len || s[i] != '<')
            return false; /* not markup: libxml2 says what is wrong */
        if (s[i + 1] == '?') {
            end = memmem(s + i, len - i, "?>", 2);
        } else if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            end = memmem(s + i + 4, len - i - 4, "-->", 3);
        } else {
            return s[i + 1] == '!'; /* <!DOCTYPE ...>; else the root element starts */
        }
        if (!end)
            return false;
        i = (size_t)(end - s) + 2;
    }
}

struct mr_xmldoc *mr_xmldoc_parse(const char *text, size_t len, char *why, size_t size)
{
    return mr_xmldoc_parse_with(text, len, 0, why, size);
}

struct mr_xmldoc *mr_xmldoc_parse_with(const char *text, size_t len, unsigned flags, char *why,
                                       size_t size)
{
    struct mr_xmldoc *d;
    xmlErrorPtr e;
    xmlDocPtr doc;

    if (len == 0) {
        snprintf(why, size, "the body is empty");
        return NULL;
    }
    if (len > MR_XMLDOC_MAX_BYTES) {
        snprintf(why, size, "larger than %u MiB, the most read as XML", MR_XMLDOC_MAX_BYTES >> 20);
        return NULL;
    }
    if (has_doctype(text, len)) {
        snprintf(why, size, "a DOCTYPE is refused (mockrun reads no DTDs and no entities)");
        return NULL;
    }
    X->xmlResetLastError();
    /* no network, no messages on stderr, CDATA as text; entities are never
     * substituted (no XML_PARSE_NOENT) and there can be none to substitute */
    doc = X->xmlReadMemory(len ? text : "", (int)len, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                               (flags & MR_XMLDOC_CDATA ? 0 : XML_PARSE_NOCDATA));
    if (!doc) {
        e = X->xmlGetLastError();
        if (e && e->message) {
            size_t n = strlen(e->message);
            while (n > 0 && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
                n--;
            snprintf(why, size, "not well-formed XML: line %d, column %d: %.*s", e->line, e->int2,
                     (int)n, e->message);
        } else {
            snprintf(why, size, "not well-formed XML");
        }
        return NULL;
    }
    d = malloc(sizeof(*d));
    if (!d) {
        X->xmlFreeDoc(doc);
        snprintf(why, size, "out of memory");
        return NULL;
    }
    d->doc = doc;
    return d;
}

void mr_xmldoc_free(struct mr_xmldoc *d)
{
    if (!d)
        return;
    X->xmlFreeDoc(d->doc);
    free(d);
}

/* --- values ----------------------------------------------------------------- */

/* An XPath node's string value: an attribute's value, an element's text. */
static void node_text(const xmlNode *n, struct mr_buf *b)
{
    const xmlNode *c;

    switch (n->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
        if (n->content)
            mr_buf_puts(b, (const char *)n->content);
        return;
    case XML_ATTRIBUTE_NODE:
    case XML_ELEMENT_NODE:
    case XML_DOCUMENT_NODE:
        for (c = n->children; c; c = c->next)
            if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE ||
                c->type == XML_ELEMENT_NODE)
                node_text(c, b);
        return;
    default:
        return;
    }
}

/* A number as XPath's string() writes it: integers without a point. */
static void number_text(double v, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "NaN");
    else if (isinf(v))
        snprintf(buf, size, v > 0 ? "Infinity" : "-Infinity");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v == 0 ? 0.0 : v);
    else
        snprintf(buf, size, "%.15g", v);
}

/* XPath errors: the first one's message, kept off stderr. */
struct xpath_error {
    char msg[200];
};

/* What each XPath error code means (libxml2 2.9 gives a structured handler
 * the code alone), from XML_XPATH_EXPRESSION_OK on. */
static const char *const xpath_errors[] = {
    "ok",
    "number encoding",
    "unfinished literal",
    "start of literal",
    "expected $ for variable reference",
    "undefined variable",
    "invalid predicate",
    "invalid expression",
    "missing closing curly brace",
    "unregistered function",
    "invalid operand",
    "invalid type",
    "invalid number of arguments",
    "invalid context size",
    "invalid context position",
    "out of memory",
    "syntax error",
    "resource error",
    "sub resource error",
    "undefined namespace prefix",
    "encoding error",
    "character out of XML range",
};

static void keep_error(void *arg, xmlErrorPtr e)
{
    struct xpath_error *xe = arg;
    size_t n, code;

    if (!xe || xe->msg[0] || !e)
        return;
    if (e->message) {
        n = strlen(e->message);
        while (n > 0 && e->message[n - 1] == '\n')
            n--;
        snprintf(xe->msg, sizeof(xe->msg), "%.*s", (int)n, e->message);
        return;
    }
    code = (size_t)(e->code - XML_XPATH_EXPRESSION_OK);
    if (e->code >= XML_XPATH_EXPRESSION_OK && code < sizeof(xpath_errors) / sizeof(xpath_errors[0]))
        snprintf(xe->msg, sizeof(xe->msg), "%s", xpath_errors[code]);
}

/* An XPath context on `doc` with the namespaces; its errors go to `xe`. */
static xmlXPathContextPtr context(xmlDocPtr doc, const struct mr_xml_ns *ns, size_t nns,
                                  struct xpath_error *xe)
{
    xmlXPathContextPtr ctx = X->xmlXPathNewContext(doc);
    size_t i;

    if (!ctx)
        return NULL;
    ctx->error = keep_error;
    ctx->userData = xe;
    ctx->node = (xmlNodePtr)doc;
    for (i = 0; i < nns; i++)
        if (X->xmlXPathRegisterNs(ctx, (const xmlChar *)ns[i].prefix, (const xmlChar *)ns[i].uri) !=
            0) {
            X->xmlXPathFreeContext(ctx);
            return NULL;
        }
    return ctx;
}

bool mr_xmldoc_xpath_ok(const char *expr, const struct mr_xml_ns *ns, size_t nns, char *why,
                        size_t size)
{
    struct xpath_error xe = {""};
    /* evaluated once on a one-element document: some errors (an undefined
     * prefix, a function's arguments) only show then */
    xmlDocPtr doc = X->xmlReadMemory("<x/>", 4, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    xmlXPathContextPtr ctx = doc ? context(doc, ns, nns, &xe) : NULL;
    xmlXPathCompExprPtr comp = NULL;
    xmlXPathObjectPtr obj = NULL;
    bool ok = false;

    if (!ctx) {
        snprintf(why, size, doc ? "invalid namespaces" : "out of memory");
    } else if (!(comp = X->xmlXPathCtxtCompile(ctx, (const xmlChar *)expr)) ||
               !(obj = X->xmlXPathCompiledEval(comp, ctx))) {
        snprintf(why, size, "not a valid XPath expression%s%s", xe.msg[0] ? ": " : "", xe.msg);
    }
    if (obj) {
        ok = true;
        X->xmlXPathFreeObject(obj);
    }
    X->xmlXPathFreeCompExpr(comp);
    if (ctx)
        X->xmlXPathFreeContext(ctx);
    if (doc)
        X->xmlFreeDoc(doc);
    return ok;
}

/* Evaluates expr on doc: the object (free with xmlXPathFreeObject), or NULL. */
static xmlXPathObjectPtr evaluate(xmlDocPtr doc, const char *expr, const struct mr_xml_ns *ns,
                                  size_t nns)
{
    xmlXPathContextPtr ctx = context(doc, ns, nns, NULL);
    xmlXPathCompExprPtr comp;
    xmlXPathObjectPtr obj = NULL;

    if (!ctx)
        return NULL;
    comp = X->xmlXPathCtxtCompile(ctx, (const xmlChar *)expr);
    if (comp)
        obj = X->xmlXPathCompiledEval(comp, ctx);
    X->xmlXPathFreeCompExpr(comp);
    X->xmlXPathFreeContext(ctx);
    return obj;
}

long mr_xmldoc_xpath(const struct mr_xmldoc *d, const char *expr, const struct mr_xml_ns *ns,
                     size_t nns, bool (*each)(void *arg, const char *v, size_t len), void *arg)
{
    xmlXPathObjectPtr obj = evaluate(d->doc, expr, ns, nns);
    struct mr_buf b;
    char num[64];
    long n = 0;
    int i;

    if (!obj)
        return -1;
    mr_buf_init(&b);
    switch (obj->type) {
    case XPATH_NODESET:
        for (i = 0; obj->nodesetval && i < obj->nodesetval->nodeNr; i++) {
            mr_buf_reset(&b);
            node_text(obj->nodesetval->nodeTab[i], &b);
            n++;
            if (b.failed || each(arg, mr_buf_cstr(&b), b.len))
                break;
        }
        break;
    case XPATH_BOOLEAN:
        n = 1;
        each(arg, obj->boolval ? "true" : "false", obj->boolval ? 4 : 5);
        break;
    case XPATH_NUMBER:
        n = 1;
        number_text(obj->floatval, num, sizeof(num));
        each(arg, num, strlen(num));
        break;
    case XPATH_STRING:
        n = 1;
        each(arg, obj->stringval ? (const char *)obj->stringval : "",
             obj->stringval ? strlen((const char *)obj->stringval) : 0);
        break;
    default:
        n = -1;
        break;
    }
    mr_buf_release(&b);
    X->xmlXPathFreeObject(obj);
    return n;
}

/* --- comparison --------------------------------------------------------------- */

struct diff {
    struct mr_buf *out;
    size_t n, max;
    const struct mr_xml_placeholders *ph; /* NULL: none */
    const xmlNode **skip;                 /* nodes an `ignore` expression selects */
    size_t nskip;
    char path[1024];
    size_t plen;
};

static bool skipped(const struct diff *df, const void *node)
{
    size_t i;
    for (i = 0; i < df->nskip; i++)
        if (df->skip[i] == node)
            return true;
    return false;
}

/* Adds the nodes `expr` selects in doc to df->skip. */
static void add_skips(struct diff *df, xmlDocPtr doc, const char *expr, const struct mr_xml_ns *ns,
                      size_t nns)
{
    xmlXPathObjectPtr obj = evaluate(doc, expr, ns, nns);
    int i;

    if (obj && obj->type == XPATH_NODESET && obj->nodesetval && obj->nodesetval->nodeNr > 0) {
        const xmlNode **grown =
            realloc(df->skip, (df->nskip + (size_t)obj->nodesetval->nodeNr) * sizeof(*grown));
        if (grown) {
            df->skip = grown;
            for (i = 0; i < obj->nodesetval->nodeNr; i++)
                df->skip[df->nskip++] = obj->nodesetval->nodeTab[i];
        }
    }
    if (obj)
        X->xmlXPathFreeObject(obj);
}

/* A value as differences show it: quoted, printable, long ones elided in the middle. */
static void put_value(struct mr_buf *b, const char *v, size_t len)
{
    mr_buf_putc(b, '"');
    if (len <= VALUE_MAX) {
        mr_buf_put_printable(b, v, len);
    } else {
        mr_buf_put_printable(b, v, VALUE_MAX / 2);
        mr_buf_printf(b, "\xe2\x80\xa6(%zu bytes left out)\xe2\x80\xa6", len - VALUE_MAX);
        mr_buf_put_printable(b, v + len - VALUE_MAX / 2, VALUE_MAX / 2);
    }
    mr_buf_putc(b, '"');
}

/* One difference at the current path plus `tail` ("/@id" or ""): `what`
 * ("missing", "unexpected" or ""), then the expected and the actual value
 * when given: `/order/@id: expected "1", got "2"`, `/order/b: missing`. */
static void differ(struct diff *df, const char *tail, const char *what, const char *want,
                   size_t wlen, const char *got, size_t glen)
{
    if (df->n++ >= df->max || !df->out)
        return;
    mr_buf_put_printable(df->out, df->path, df->plen);
    mr_buf_puts(df->out, tail);
    mr_buf_puts(df->out, ": ");
    mr_buf_puts(df->out, what);
    if (want) {
        mr_buf_puts(df->out, *what ? ", expected " : "expected ");
        put_value(df->out, want, wlen);
    }
    if (got) {
        mr_buf_puts(df->out, *what || want ? ", got " : "got ");
        put_value(df->out, got, glen);
    }
    mr_buf_putc(df->out, '\n');
}

static const char *ns_uri(const xmlNode *n)
{
    return n->ns && n->ns->href ? (const char *)n->ns->href : "";
}

static bool same_name(const xmlNode *a, const xmlNode *b)
{
    return strcmp((const char *)a->name, (const char *)b->name) == 0 &&
           strcmp(ns_uri(a), ns_uri(b)) == 0;
}

/* prefix:name as written in the document. */
static void qname(const xmlNode *n, char *buf, size_t size)
{
    if (n->ns && n->ns->prefix)
        snprintf(buf, size, "%s:%s", (const char *)n->ns->prefix, (const char *)n->name);
    else
        snprintf(buf, size, "%s", (const char *)n->name);
}

/* What counts among a node's children: elements not ignored, and text runs
 * (adjacent text merged) that are not only whitespace, trimmed. */
struct item {
    const xmlNode *el; /* an element, or NULL for text */
    char *text;        /* trimmed text (malloc'd) */
};

static bool push_item(struct item **v, size_t *n, size_t *cap, const xmlNode *el, char *text)
{
    if (*n == *cap) {
        size_t grown = *cap ? 2 * *cap : 8;
        struct item *nv = realloc(*v, grown * sizeof(*nv));
        if (!nv) {
            free(text);
            return false;
        }
        *v = nv;
        *cap = grown;
    }
    (*v)[*n].el = el;
    (*v)[*n].text = text;
    (*n)++;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t items_of(const struct diff *df, const xmlNode *parent, struct item **out)
{
    const xmlNode *c = parent->children;
    struct item *v = NULL;
    size_t n = 0, cap = 0;
    struct mr_buf run;
    bool ok = true;

    mr_buf_init(&run);
    for (;; c = c->next) {
        if (c && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)) {
            if (c->content)
                mr_buf_puts(&run, (const char *)c->content);
            continue;
        }
        if (run.len) {
            const char *s = run.data, *e = run.data + run.len;
            while (s < e && is_space(*s))
                s++;
            while (e > s && is_space(e[-1]))
                e--;
            if (e > s)
                ok = ok && push_item(&v, &n, &cap, NULL, strndup(s, (size_t)(e - s)));
            mr_buf_reset(&run);
        }
        if (!c)
            break;
        if (c->type == XML_ELEMENT_NODE && !skipped(df, c))
            ok = ok && push_item(&v, &n, &cap, c, NULL);
    }
    mr_buf_release(&run);
    *out = v;
    return n;
}

static void items_free(struct item *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(v[i].text);
    free(v);
}

static const xmlAttr *find_attr(const xmlNode *n, const xmlAttr *like)
{
    const xmlAttr *a;
    const char *uri = like->ns && like->ns->href ? (const char *)like->ns->href : "";

    for (a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, (const char *)like->name) == 0 &&
            strcmp(a->ns && a->ns->href ? (const char *)a->ns->href : "", uri) == 0)
            return a;
    return NULL;
}

static void attr_tail(const xmlAttr *a, char *buf, size_t size)
{
    if (a->ns && a->ns->prefix)
        snprintf(buf, size, "/@%s:%s", (const char *)a->ns->prefix, (const char *)a->name);
    else
        snprintf(buf, size, "/@%s", (const char *)a->name);
}

/* What a placeholder says of `got` (NULL: nothing there): 1 passes, 0 fails,
 * -1 `value` is no placeholder. */
static int placeholder(const struct diff *df, const char *value, const char *got, size_t glen)
{
    return df->ph ? df->ph->eval(df->ph->arg, value, got, glen) : -1;
}

static void compare_attrs(struct diff *df, const xmlNode *want, const xmlNode *got)
{
    const xmlAttr *a, *b;
    struct mr_buf va, vb;
    char tail[300];
    int ph;

    mr_buf_init(&va);
    mr_buf_init(&vb);
    for (a = want->properties; a; a = a->next) {
        if (skipped(df, a))
            continue;
        b = find_attr(got, a);
        mr_buf_reset(&va);
        node_text((const xmlNode *)a, &va);
        attr_tail(a, tail, sizeof(tail));
        if (!b || skipped(df, b)) {
            if (placeholder(df, mr_buf_cstr(&va), NULL, 0) != 1)
                differ(df, tail, "missing", mr_buf_cstr(&va), va.len, NULL, 0);
            continue;
        }
        mr_buf_reset(&vb);
        node_text((const xmlNode *)b, &vb);
        ph = placeholder(df, mr_buf_cstr(&va), mr_buf_cstr(&vb), vb.len);
        if (ph == 0 || (ph < 0 && (va.len != vb.len ||
                                   memcmp(mr_buf_cstr(&va), mr_buf_cstr(&vb), va.len) != 0)))
            differ(df, tail, "", mr_buf_cstr(&va), va.len, mr_buf_cstr(&vb), vb.len);
    }
    for (b = got->properties; b; b = b->next) {
        if (skipped(df, b) || find_attr(want, b))
            continue;
        mr_buf_reset(&vb);
        node_text((const xmlNode *)b, &vb);
        attr_tail(b, tail, sizeof(tail));
        differ(df, tail, "unexpected", NULL, 0, mr_buf_cstr(&vb), vb.len);
    }
    mr_buf_release(&va);
    mr_buf_release(&vb);
}

/* "/name" or "/name[k]" (k among the same-named elements of v, when several). */
static size_t push_step(struct diff *df, const struct item *v, size_t n, size_t i)
{
    size_t mark = df->plen, k, same = 0, pos = 0;
    char name[300];

    for (k = 0; k < n; k++)
        if (v[k].el && same_name(v[k].el, v[i].el)) {
            same++;
            if (k <= i)
                pos++;
        }
    qname(v[i].el, name, sizeof(name));
    if (same > 1)
        snprintf(df->path + df->plen, sizeof(df->path) - df->plen, "/%s[%zu]", name, pos);
    else
        snprintf(df->path + df->plen, sizeof(df->path) - df->plen, "/%s", name);
    df->plen = strlen(df->path);
    return mark;
}

static void pop_step(struct diff *df, size_t mark)
{
    df->plen = mark;
    df->path[mark] = '\0';
}

/* The element of got's items that want's element i pairs with: the first
 * unpaired one of the same name (child order does not count, as in
 * WireMock's equalToXml), or -1. */
static long pair_of(const struct item *wv, size_t i, const struct item *gv, size_t gn,
                    const bool *taken)
{
    size_t k;
    for (k = 0; k < gn; k++)
        if (gv[k].el && !taken[k] && same_name(wv[i].el, gv[k].el))
            return (long)k;
    return -1;
}

static void compare_element(struct diff *df, const xmlNode *want, const xmlNode *got)
{
    struct item *wv, *gv;
    size_t wn, gn, i, t, mark;
    bool *taken;
    char a[300], b[300], what[700];

    if (!same_name(want, got)) {
        qname(want, a, sizeof(a));
        qname(got, b, sizeof(b));
        snprintf(what, sizeof(what), "expected element <%s>, got <%s>", a, b);
        differ(df, "", what, NULL, 0, NULL, 0);
        return;
    }
    compare_attrs(df, want, got);
    wn = items_of(df, want, &wv);
    gn = items_of(df, got, &gv);
    taken = calloc(gn ? gn : 1, sizeof(*taken));
    if (!taken) {
        items_free(wv, wn);
        items_free(gv, gn);
        return;
    }
    /* elements pair by name; text runs by their order among text runs */
    for (i = 0, t = 0; i < wn; i++) {
        long k;
        if (wv[i].el) {
            mark = push_step(df, wv, wn, i);
            if ((k = pair_of(wv, i, gv, gn, taken)) >= 0) {
                taken[k] = true;
                compare_element(df, wv[i].el, gv[k].el);
            } else {
                differ(df, "", "missing", NULL, 0, NULL, 0);
            }
            pop_step(df, mark);
            continue;
        }
        while (t < gn && gv[t].el)
            t++;
        if (t < gn) {
            int ph = placeholder(df, wv[i].text, gv[t].text, strlen(gv[t].text));
            taken[t] = true;
            if (ph == 0 || (ph < 0 && strcmp(wv[i].text, gv[t].text) != 0))
                differ(df, "", "", wv[i].text, strlen(wv[i].text), gv[t].text, strlen(gv[t].text));
            t++;
        } else if (placeholder(df, wv[i].text, NULL, 0) != 1) {
            differ(df, "", "missing text", wv[i].text, strlen(wv[i].text), NULL, 0);
        }
    }
    for (i = 0; i < gn; i++) {
        if (taken[i])
            continue;
        if (gv[i].el) {
            mark = push_step(df, gv, gn, i);
            differ(df, "", "unexpected", NULL, 0, NULL, 0);
            pop_step(df, mark);
        } else {
            differ(df, "", "unexpected text", NULL, 0, gv[i].text, strlen(gv[i].text));
        }
    }
    free(taken);
    items_free(wv, wn);
    items_free(gv, gn);
}

size_t mr_xmldoc_diff(const struct mr_xmldoc *want, const struct mr_xmldoc *got,
                      const char *const *ignore, size_t nignore, const struct mr_xml_ns *ns,
                      size_t nns, struct mr_buf *out, size_t max)
{
    return mr_xmldoc_diff_with(want, got, ignore, nignore, ns, nns, NULL, out, max);
}

size_t mr_xmldoc_diff_with(const struct mr_xmldoc *want, const struct mr_xmldoc *got,
                           const char *const *ignore, size_t nignore, const struct mr_xml_ns *ns,
                           size_t nns, const struct mr_xml_placeholders *ph, struct mr_buf *out,
                           size_t max)
{
    struct diff df;
    const xmlNode *w = X->xmlDocGetRootElement(want->doc), *g = X->xmlDocGetRootElement(got->doc);
    size_t i;

    memset(&df, 0, sizeof(df));
    df.out = out;
    df.max = max;
    df.ph = ph;
    for (i = 0; i < nignore; i++) {
        add_skips(&df, want->doc, ignore[i], ns, nns);
        add_skips(&df, got->doc, ignore[i], ns, nns);
    }
    if (!w || !g) {
        snprintf(df.path, sizeof(df.path), "/");
        df.plen = 1;
        if (!w != !g)
            differ(&df, "", w ? "no root element" : "unexpected root element", NULL, 0, NULL, 0);
    } else {
        char name[300];
        qname(w, name, sizeof(name));
        snprintf(df.path, sizeof(df.path), "/%s", name);
        df.plen = strlen(df.path);
        compare_element(&df, w, g);
    }
    if (out && df.n > max)
        mr_buf_printf(out, "... and %zu more difference%s\n", df.n - max,
                      df.n - max == 1 ? "" : "s");
    free(df.skip);
    return df.n;
}

/* The values of the element `n` and of those inside it; false when fn stopped. */
static bool element_values(const xmlNode *n, bool (*fn)(void *arg, const char *v, size_t len),
                           void *arg, struct mr_buf *b)
{
    struct diff none;
    struct item *v;
    const xmlAttr *a;
    size_t nv, i;
    bool go = true;

    memset(&none, 0, sizeof(none));
    for (a = n->properties; a && go; a = a->next) {
        mr_buf_reset(b);
        node_text((const xmlNode *)a, b);
        go = b->failed || !fn(arg, mr_buf_cstr(b), b->len);
    }
    nv = items_of(&none, n, &v);
    for (i = 0; i < nv && go; i++)
        go = v[i].el ? element_values(v[i].el, fn, arg, b) : !fn(arg, v[i].text, strlen(v[i].text));
    items_free(v, nv);
    return go;
}

bool mr_xmldoc_values(const struct mr_xmldoc *d, bool (*fn)(void *arg, const char *v, size_t len),
                      void *arg)
{
    const xmlNode *root = X->xmlDocGetRootElement(d->doc);
    struct mr_buf b;
    bool go;

    mr_buf_init(&b);
    go = !root || element_values(root, fn, arg, &b);
    mr_buf_release(&b);
    return go;
}

/* --- walking ------------------------------------------------------------------ */

/*
 * libxml2 keeps an element's namespace declarations (nsDef) apart from its
 * attributes (properties), each list in document order, so the order of the
 * two together is read from the text the document was parsed from: its
 * start tags come in the order the walk meets the elements. The text is
 * well-formed (libxml2 said so) and has no DOCTYPE, which keeps this small:
 * '<' is never part of text or of an attribute value, so each '<' starts
 * markup; comments, CDATA sections and processing instructions are skipped
 * whole. Every read stays inside the text whatever it holds.
 */
struct tags {
    const char *p, *end;
};

/* Just past the next `what` from p, or end. */
static const char *past(const char *p, const char *end, const char *what)
{
    size_t n = strlen(what);
    const char *f = (size_t)(end - p) >= n ? memmem(p, (size_t)(end - p), what, n) : NULL;

    return f ? f + n : end;
}

static bool name_char(char c)
{
    return c != '\0' && !is_space(c) && c != '=' && c != '/' && c != '>';
}

/* The next start tag's name; false when there is none. */
static bool next_tag(struct tags *t, const char **name, size_t *len)
{
    while (t->p < t->end) {
        const char *lt = memchr(t->p, '<', (size_t)(t->end - t->p));
        size_t left;

        if (!lt)
            break;
        t->p = lt + 1;
        left = (size_t)(t->end - t->p);
        if (left >= 3 && memcmp(t->p, "!--", 3) == 0) {
            t->p = past(t->p + 3, t->end, "-->");
        } else if (left >= 8 && memcmp(t->p, "![CDATA[", 8) == 0) {
            t->p = past(t->p + 8, t->end, "]]>");
        } else if (left >= 1 && t->p[0] == '?') {
            t->p = past(t->p + 1, t->end, "?>");
        } else if (left >= 1 && t->p[0] != '/' && t->p[0] != '!') {
            *name = t->p;
            while (t->p < t->end && name_char(*t->p))
                t->p++;
            *len = (size_t)(t->p - *name);
            return true;
        }
        /* an end tag: the next '<' comes after it */
    }
    t->p = t->end;
    return false;
}

/* The name of the start tag's next attribute; false at the tag's end. */
static bool next_attr(struct tags *t, const char **name, size_t *len)
{
    const char *q;

    while (t->p < t->end && is_space(*t->p))
        t->p++;
    if (t->p >= t->end || !name_char(*t->p))
        return false;
    *name = t->p;
    while (t->p < t->end && name_char(*t->p))
        t->p++;
    *len = (size_t)(t->p - *name);
    while (t->p < t->end && *t->p != '"' && *t->p != '\'') /* = and spaces */
        t->p++;
    if (t->p >= t->end)
        return false;
    q = memchr(t->p + 1, *t->p, (size_t)(t->end - t->p - 1));
    t->p = q ? q + 1 : t->end;
    return true;
}

/* Whether s[0..len) is prefix:name, or name when prefix is NULL. */
static bool is_qname(const char *s, size_t len, const xmlChar *prefix, const xmlChar *name)
{
    size_t pl = prefix ? strlen((const char *)prefix) : 0, nl = strlen((const char *)name);

    if (prefix)
        return len == pl + 1 + nl && memcmp(s, prefix, pl) == 0 && s[pl] == ':' &&
               memcmp(s + pl + 1, name, nl) == 0;
    return len == nl && memcmp(s, name, nl) == 0;
}

static const xmlChar *ns_prefix(const xmlNs *ns)
{
    return ns && ns->prefix ? ns->prefix : NULL;
}

/* The state of one walk: the tags of the text, and the current element's
 * attributes (names and values in `names`, as offsets until it is done). */
struct walk {
    bool (*fn)(void *arg, const struct mr_xml_event *ev);
    void *arg;
    struct tags tags;
    struct mr_buf names;
    size_t (*offs)[3]; /* name, value, value length */
    struct mr_xml_attr *attrs;
    size_t n, cap;
    bool nomem;
};

/* Adds prefix:name (name alone without a prefix) with the value `value`,
 * or the string value of `node` when it is not NULL. */
static void add_attr(struct walk *w, const xmlChar *prefix, const char *name, size_t nlen,
                     const char *value, size_t vlen, const xmlNode *node)
{
    size_t at;

    if (w->n == w->cap) {
        size_t grown = w->cap ? 2 * w->cap : 8;
        size_t(*offs)[3] = realloc(w->offs, grown * sizeof(*offs));
        struct mr_xml_attr *attrs;

        if (offs)
            w->offs = offs;
        attrs = offs ? realloc(w->attrs, grown * sizeof(*attrs)) : NULL;
        if (!attrs) {
            w->nomem = true;
            return;
        }
        w->attrs = attrs;
        w->cap = grown;
    }
    w->offs[w->n][0] = w->names.len;
    if (prefix) {
        mr_buf_puts(&w->names, (const char *)prefix);
        mr_buf_putc(&w->names, ':');
    }
    mr_buf_append(&w->names, name, nlen);
    mr_buf_putc(&w->names, '\0');
    at = w->names.len;
    if (node)
        node_text(node, &w->names);
    else
        mr_buf_append(&w->names, value, vlen);
    w->offs[w->n][1] = at;
    w->offs[w->n][2] = w->names.len - at;
    mr_buf_putc(&w->names, '\0');
    w->n++;
}

static void add_ns(struct walk *w, const xmlNs *ns)
{
    const char *href = ns->href ? (const char *)ns->href : "";

    if (ns->prefix)
        add_attr(w, (const xmlChar *)"xmlns", (const char *)ns->prefix,
                 strlen((const char *)ns->prefix), href, strlen(href), NULL);
    else
        add_attr(w, NULL, "xmlns", 5, href, strlen(href), NULL);
}

static void add_prop(struct walk *w, const xmlAttr *a)
{
    add_attr(w, ns_prefix(a->ns), (const char *)a->name, strlen((const char *)a->name), NULL, 0,
             (const xmlNode *)a);
}

/* Calls fn with the attributes collected; true when the walk goes on. */
static bool emit_with_attrs(struct walk *w, struct mr_xml_event *ev)
{
    size_t i;

    if (w->nomem || w->names.failed)
        return false;
    if (ev->kind == MR_XML_START)
        ev->name = w->names.data; /* start_element put it first */
    for (i = 0; i < w->n; i++) {
        w->attrs[i].name = w->names.data + w->offs[i][0];
        w->attrs[i].value = w->names.data + w->offs[i][1];
        w->attrs[i].value_len = w->offs[i][2];
    }
    ev->attrs = w->attrs;
    ev->nattrs = w->n;
    return !w->fn(w->arg, ev);
}

/* JavaScript's \w */
static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_xmlns(const char *s, size_t len)
{
    return (len == 5 && memcmp(s, "xmlns", 5) == 0) || (len > 6 && memcmp(s, "xmlns:", 6) == 0);
}

static bool start_element(struct walk *w, const xmlNode *n)
{
    struct mr_xml_event ev = {.kind = MR_XML_START, .text = "", .len = 0};
    const xmlNs *ns = n->nsDef;
    const xmlAttr *a = n->properties;
    const char *s;
    size_t len;
    bool synced;

    mr_buf_reset(&w->names);
    w->n = 0;
    if (ns_prefix(n->ns)) {
        mr_buf_puts(&w->names, (const char *)n->ns->prefix);
        mr_buf_putc(&w->names, ':');
    }
    mr_buf_puts(&w->names, (const char *)n->name);
    mr_buf_putc(&w->names, '\0');
    /* the text's order while its names are libxml2's; the rest in
     * libxml2's order (declarations first) */
    synced = next_tag(&w->tags, &s, &len) && is_qname(s, len, ns_prefix(n->ns), n->name);
    while (synced && (ns || a) && next_attr(&w->tags, &s, &len)) {
        if (is_xmlns(s, len)) {
            if (!ns || !is_qname(s, len, ns->prefix ? (const xmlChar *)"xmlns" : NULL,
                                 ns->prefix ? ns->prefix : (const xmlChar *)"xmlns"))
                break;
            add_ns(w, ns);
            ns = ns->next;
        } else {
            if (!a || !is_qname(s, len, ns_prefix(a->ns), a->name))
                break;
            add_prop(w, a);
            a = a->next;
        }
    }
    for (; ns; ns = ns->next)
        add_ns(w, ns);
    for (; a; a = a->next)
        add_prop(w, a);
    return emit_with_attrs(w, &ev);
}

/* The XML declaration's pseudo-attributes as written, read from the text:
 * name = "value" pairs (also 'value', or a bare word), anything else
 * skipped. */
static bool declaration(struct walk *w, const char *text, size_t len)
{
    struct mr_xml_event ev = {.kind = MR_XML_DECLARATION, .name = "", .text = "", .len = 0};
    const char *p = text, *end = text + len, *e;

    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    if (end - p < 6 || memcmp(p, "<?xml", 5) != 0 || !is_space(p[5]))
        return true;
    e = memmem(p, (size_t)(end - p), "?>", 2);
    if (!e)
        return true;
    mr_buf_reset(&w->names);
    w->n = 0;
    for (p += 5; p < e;) {
        const char *n0 = p, *n1, *v0, *v1;
        while (p < e && (word_char(*p) || *p == ':' || *p == '-'))
            p++;
        n1 = p;
        while (p < e && is_space(*p))
            p++;
        if (n1 == n0 || p >= e || *p != '=') {
            p = n1 > n0 ? n1 : n0 + 1;
            continue;
        }
        for (p++; p < e && is_space(*p); p++)
            ;
        if (p < e && (*p == '"' || *p == '\'')) {
            v0 = p + 1;
            v1 = memchr(v0, *p, (size_t)(e - v0));
            if (!v1) {
                p = n1;
                continue;
            }
            p = v1 + 1;
        } else {
            v0 = v1 = p;
            while (v1 < e && word_char(*v1))
                v1++;
            if (v1 == v0) {
                p = n1;
                continue;
            }
            p = v1;
        }
        add_attr(w, NULL, n0, (size_t)(n1 - n0), v0, (size_t)(v1 - v0), NULL);
    }
    return emit_with_attrs(w, &ev);
}

/* Reports one node (an element's start); true when the walk goes on. */
static bool visit(struct walk *w, const xmlNode *n)
{
    struct mr_xml_event ev = {.kind = MR_XML_TEXT, .name = "", .text = "", .len = 0};

    switch (n->type) {
    case XML_ELEMENT_NODE:
        return start_element(w, n);
    case XML_TEXT_NODE:
        break;
    case XML_CDATA_SECTION_NODE:
        ev.kind = MR_XML_CDATA;
        break;
    case XML_COMMENT_NODE:
        ev.kind = MR_XML_COMMENT;
        break;
    case XML_PI_NODE:
        ev.kind = MR_XML_PI;
        ev.name = (const char *)n->name;
        break;
    default:
        return true;
    }
    if (n->content) {
        ev.text = (const char *)n->content;
        ev.len = strlen(ev.text);
    }
    return !w->fn(w->arg, &ev);
}

bool mr_xmldoc_walk(const struct mr_xmldoc *d, const char *text, size_t len,
                    bool (*fn)(void *arg, const struct mr_xml_event *ev), void *arg)
{
    const struct mr_xml_event end = {.kind = MR_XML_END, .name = "", .text = "", .len = 0};
    const xmlNode *n = d->doc->children;
    struct walk w;
    bool ok;

    memset(&w, 0, sizeof(w));
    w.fn = fn;
    w.arg = arg;
    w.tags.p = text ? text : "";
    w.tags.end = text ? text + len : w.tags.p;
    mr_buf_init(&w.names);
    ok = text ? declaration(&w, text, len) : true;
    /* in document order without recursion: down to the first child, else
     * on to the next sibling, else up (ending the parents) */
    while (ok && n) {
        if (!(ok = visit(&w, n)))
            break;
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        for (;;) {
            if (n->type == XML_ELEMENT_NODE && (ok = !fn(arg, &end)) == false)
                break;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (!n || n->type == XML_DOCUMENT_NODE) {
                n = NULL;
                break;
            }
        }
    }
    mr_buf_release(&w.names);
    free(w.offs);
    free(w.attrs);
    return ok;
}
