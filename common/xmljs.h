/*
 * xmljs.h - an XML request body as Mockoon reads it: xml-js's
 * xml2js(body, {compact: true}) (Mockoon's processRawBody, for a
 * Content-Type naming an XML type). The server's JSON conditions read it as
 * a cJSON tree; templates, which know no cJSON, read it as JSON text. One
 * builder serves both, so the two cannot drift.
 *
 * The value of <order id="7"><item>A</item><item>B</item><!--x--></order> is
 *
 *   {"order": {"_attributes": {"id": "7"}, "item": [{"_text": "A"}, {"_text": "B"}],
 *              "_comment": "x"}}
 *
 * attributes (namespace declarations among them, in the order written)
 * under _attributes, text under _text, CDATA under _cdata, comments under
 * _comment, processing instructions under _instruction ({"target": "rest"}),
 * the XML declaration under _declaration; names as written (prefix
 * included); a key met twice in one element becomes an array; text that is
 * only JavaScript whitespace is left out; every value is a string. A body that
 * is empty or only blanks is {}.
 *
 * The document is read by mr_xmldoc_parse's rules (no DOCTYPE, no entities,
 * 16 MiB at most, 256 levels); the tree built from it stops at
 * MR_XMLJS_MAX_BYTES. Thread-safe (libxml2 is loaded once, on first use).
 */
#ifndef MOCKRUN_COMMON_XMLJS_H
#define MOCKRUN_COMMON_XMLJS_H

#include <stdbool.h>
#include <stddef.h>

/* About how much memory one body's tree may take; a larger one is refused. */
#define MR_XMLJS_MAX_BYTES ((size_t)256 << 20)

struct cJSON;

/*
 * True when Mockoon parses a body with this Content-Type value (`len`
 * bytes, any case) as XML: it names application/xml, application/soap+xml
 * or text/xml, and none of the types Mockoon tries first (application/json,
 * application/...+json, application/x-www-form-urlencoded,
 * multipart/form-data).
 */
bool mr_xmljs_content_type(const char *ct, size_t len);

/*
 * Builds the value of `len` bytes of XML. Returns 0 with *out set (the
 * caller frees it with cJSON_Delete), or -1 with a one-line reason in `why`:
 * mr_xmldoc_parse's ("not well-formed XML: line 1, column 9: ..."), "libxml2
 * is not available: ...", "larger than ... as an object", "out of memory".
 */
int mr_xmljs_parse(struct cJSON **out, const char *text, size_t len, char *why, size_t size);

/*
 * The same value as compact JSON text (malloc'd, NUL-terminated; its length
 * in *out_len), or NULL with the reason in `why`.
 */
char *mr_xmljs_json(const char *text, size_t len, size_t *out_len, char *why, size_t size);

#endif
