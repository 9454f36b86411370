/*
 * xmldoc.h - XML documents as requests send them: parsed safely, compared
 * (as WireMock's equalToXml does, placeholders decided by the caller),
 * queried with XPath and walked in document order (for xml-js's object of
 * a body), with libxml2 (common/xml.h, loaded on first use).
 *
 * Request XML is hostile input. mr_xmldoc_parse reads no network and no
 * file: a document with a DOCTYPE is refused before libxml2 sees it, so no
 * DTD is loaded and no entity is declared (no XXE, no billion laughs);
 * libxml2's own limits hold (256 levels of nesting: XML_PARSE_HUGE is never
 * set), and documents over MR_XMLDOC_MAX_BYTES are refused.
 *
 * A parsed document is read-only afterwards: several threads may compare,
 * query and walk one document at once (each query has its own XPath
 * context, each walk its own state).
 */
#ifndef MOCKRUN_COMMON_XMLDOC_H
#define MOCKRUN_COMMON_XMLDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

#define MR_XMLDOC_MAX_BYTES (16u << 20)

struct mr_xmldoc;

/* A namespace prefix XPath expressions may use, and its URI. */
struct mr_xml_ns {
    const char *prefix;
    const char *uri;
};

/* Loads libxml2 (once; thread-safe); MR_ESETUP with a message when it is
 * missing, every time it is called. */
int mr_xmldoc_init(struct mr_error *err);

/*
 * Parses `len` bytes. Returns the document (free with mr_xmldoc_free), or
 * NULL with a one-line reason in `why`: "not well-formed XML: line 3, column
 * 7: Premature end of data in tag a line 1", "a DOCTYPE is refused (mockrun
 * reads no DTDs and no entities)", "the body is empty", "larger than 16 MiB,
 * the most read as XML". mr_xmldoc_init must have succeeded.
 */
struct mr_xmldoc *mr_xmldoc_parse(const char *text, size_t len, char *why, size_t size);

/* What mr_xmldoc_parse_with keeps that mr_xmldoc_parse does not. */
enum {
    /* CDATA sections stay nodes of their own (mr_xmldoc_walk reports them
     * as MR_XML_CDATA); without it they are merged into the text around
     * them, as XPath values and comparisons want */
    MR_XMLDOC_CDATA = 1,
};

/* mr_xmldoc_parse with `flags` (MR_XMLDOC_CDATA, or 0), under the same
 * rules. */
struct mr_xmldoc *mr_xmldoc_parse_with(const char *text, size_t len, unsigned flags, char *why,
                                       size_t size);
void mr_xmldoc_free(struct mr_xmldoc *d);

/* Checks that `expr` compiles as XPath 1.0 with these namespaces; else
 * false and a reason in `why`. */
bool mr_xmldoc_xpath_ok(const char *expr, const struct mr_xml_ns *ns, size_t nns, char *why,
                        size_t size);

/*
 * Evaluates `expr` on `d` and calls each(arg, value, len) for each value it
 * yields, in document order: a node set yields each node's string value
 * (an element's text, an attribute's value), a number its XPath string
 * ("3", "1.5", "NaN"), a boolean "true" or "false", a string itself. Stops
 * when each returns true. Returns how many values were yielded (0: an empty
 * node set), or -1 when the expression cannot be evaluated.
 */
long mr_xmldoc_xpath(const struct mr_xmldoc *d, const char *expr, const struct mr_xml_ns *ns,
                     size_t nns, bool (*each)(void *arg, const char *v, size_t len), void *arg);

/* What mr_xmldoc_walk reports, in document order. */
enum mr_xml_item {
    MR_XML_DECLARATION, /* <?xml ...?>: attrs are its pseudo-attributes as written */
    MR_XML_START,       /* an element: name as written ("soap:Body"), and attrs */
    MR_XML_END,         /* the end of the element last started */
    MR_XML_TEXT,        /* character data (references replaced), whitespace included */
    MR_XML_CDATA,       /* a CDATA section (documents parsed with MR_XMLDOC_CDATA) */
    MR_XML_COMMENT,
    MR_XML_PI, /* a processing instruction: name is its target, text the rest */
};

/* An attribute, a namespace declaration ("xmlns", "xmlns:soap") or a
 * pseudo-attribute of the declaration. Both strings are NUL-terminated. */
struct mr_xml_attr {
    const char *name; /* as written: "id", "m:currency", "xmlns:m" */
    const char *value;
    size_t value_len;
};

struct mr_xml_event {
    enum mr_xml_item kind;
    const char *name;                /* MR_XML_START, MR_XML_PI */
    const char *text;                /* MR_XML_TEXT, _CDATA, _COMMENT, _PI ("" when none) */
    size_t len;                      /* of text */
    const struct mr_xml_attr *attrs; /* MR_XML_START, MR_XML_DECLARATION */
    size_t nattrs;
};

/*
 * Walks `d` in document order and calls fn(arg, event) for each item: the
 * declaration (when the document has one), then the comments and
 * processing instructions around the root element and the root element
 * itself, each element as MR_XML_START, what it holds, MR_XML_END.
 * Everything an event points at is borrowed for the call only.
 *
 * An element's attributes and namespace declarations come in the order
 * they are written. libxml2 keeps the two apart, so that order (and the
 * declaration's pseudo-attributes) is read from `text`/`len`, the bytes
 * `d` was parsed from; for an element where the two cannot be matched
 * (another encoding than UTF-8) the namespace declarations come first.
 *
 * Stops when fn returns true. Returns true when the whole document was
 * walked, false when fn stopped it or memory ran out.
 */
bool mr_xmldoc_walk(const struct mr_xmldoc *d, const char *text, size_t len,
                    bool (*fn)(void *arg, const struct mr_xml_event *ev), void *arg);

/*
 * Compares two documents as WireMock's equalToXml does: whitespace between
 * elements, comments and processing instructions do not count, nor does
 * the order of attributes or a namespace's prefix (its URI does); text is
 * compared without its leading and trailing whitespace; CDATA is text.
 * Nodes that an `ignore` XPath selects in either document (an attribute, or
 * an element with all it holds) are left out. Appends each difference as a
 * line to `out` (up to `max`, then "... and N more differences"), e.g.
 *
 *   /order/item[2]/@sku: expected "A1", got "A2"
 *   /order/note: missing
 *   /order/extra: unexpected
 *
 * and returns the number of differences (0: equal). `out` may be NULL.
 */
size_t mr_xmldoc_diff(const struct mr_xmldoc *want, const struct mr_xmldoc *got,
                      const char *const *ignore, size_t nignore, const struct mr_xml_ns *ns,
                      size_t nns, struct mr_buf *out, size_t max);

/*
 * Placeholders in the expected document, as XMLUnit's
 * PlaceholderDifferenceEvaluator reads them (WireMock's equalToXml with
 * "enablePlaceholders"): a value of `want` (an attribute's value, or a text
 * run trimmed as mr_xmldoc_diff compares it) may stand for a test of the
 * other document's value rather than for itself. The caller, which knows
 * the placeholders, decides: eval(arg, value, got, glen) returns 1 when
 * `got` (glen bytes; NULL when the other document has no such attribute, or
 * no text there) passes, 0 when it does not, and -1 when `value` is no
 * placeholder, which is then compared as text. Called on the comparing
 * thread; it must be thread-safe when the documents are compared on
 * several.
 */
struct mr_xml_placeholders {
    int (*eval)(void *arg, const char *value, const char *got, size_t glen);
    void *arg;
};

/* mr_xmldoc_diff, with the placeholders of `want` decided by `ph` (NULL:
 * none). A placeholder that passes for a missing attribute or text (XMLUnit's
 * ${xmlunit.ignore}) makes it optional; a failing one is a difference
 * showing the placeholder as the expected value. */
size_t mr_xmldoc_diff_with(const struct mr_xmldoc *want, const struct mr_xmldoc *got,
                           const char *const *ignore, size_t nignore, const struct mr_xml_ns *ns,
                           size_t nns, const struct mr_xml_placeholders *ph, struct mr_buf *out,
                           size_t max);

/*
 * Calls fn(arg, value, len) for each value mr_xmldoc_diff compares when `d`
 * is the expected document, in document order: each attribute's value (not
 * namespace declarations) and each run of text and CDATA between other
 * nodes, trimmed, when it is not empty. What fn gets is what a placeholder
 * callback gets as `value`. Stops when fn returns true; returns false then.
 */
bool mr_xmldoc_values(const struct mr_xmldoc *d, bool (*fn)(void *arg, const char *v, size_t len),
                      void *arg);

#endif
