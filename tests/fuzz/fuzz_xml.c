/*
 * fuzz_xml.c - XML request bodies (common/xmldoc.h): any bytes go through
 * the safe parse; a document is queried with fixed XPath expressions and
 * compared with itself (never a difference) and with fixed documents. An
 * input with a line "--" is two documents, compared both ways, and its first
 * line an XPath expression, checked and evaluated on the second document.
 */
#define _GNU_SOURCE /* memmem */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>

#include "common/buf.h"
#include "common/xmldoc.h"

static const struct mr_xml_ns ns[] = {{"soap", "http://schemas.xmlsoap.org/soap/envelope/"},
                                      {"m", "urn:prices"}};
static const char *const queries[] = {
    "/*/@*",    "//m:Item",  "count(//*)",      "string(/*)",  "boolean(//soap:Body)",
    "//text()", "sum(//@n)", "/*[1]/*[last()]", "//comment()", "//processing-instruction()",
};
static const char *const ignore[] = {"//@id", "/*/*[1]"};
static struct mr_xmldoc *fixed[2];

static bool count_value(void *arg, const char *v, size_t len)
{
    FUZZ_CHECK(v != NULL && strlen(v) <= len); /* a NUL inside ends a C string early */
    ++*(size_t *)arg;
    return false;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const docs[] = {"<order id=\"1\"><item sku=\"A1\" n=\"2\"/>x</order>",
                                       "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
                                       "envelope/\"><s:Body/></s:Envelope>"};
    struct mr_error err;
    char why[300];
    size_t i;

    (void)argc;
    (void)argv;
    FUZZ_CHECK(mr_xmldoc_init(&err) == 0);
    for (i = 0; i < 2; i++)
        FUZZ_CHECK((fixed[i] = mr_xmldoc_parse(docs[i], strlen(docs[i]), why, sizeof(why))));
    return 0;
}

static void exercise(const struct mr_xmldoc *d)
{
    struct mr_buf out;
    size_t i, n;

    for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        n = 0;
        FUZZ_CHECK(mr_xmldoc_xpath(d, queries[i], ns, 2, count_value, &n) == (long)n);
    }
    mr_buf_init(&out);
    FUZZ_CHECK(mr_xmldoc_diff(d, d, NULL, 0, NULL, 0, &out, 5) == 0 && out.len == 0);
    FUZZ_CHECK(mr_xmldoc_diff(d, d, ignore, 2, ns, 2, &out, 5) == 0);
    for (i = 0; i < 2; i++) {
        mr_buf_reset(&out);
        n = mr_xmldoc_diff(fixed[i], d, ignore, 2, ns, 2, &out, 3);
        FUZZ_CHECK((n == 0) == (out.len == 0));
        mr_buf_reset(&out);
        mr_xmldoc_diff(d, fixed[i], NULL, 0, NULL, 0, &out, 3);
    }
    mr_buf_release(&out);
}

static struct mr_xmldoc *parse(const uint8_t *data, size_t size)
{
    char *text = fuzz_copy(data, size, 0), why[300];
    struct mr_xmldoc *d = mr_xmldoc_parse(text, size, why, sizeof(why));

    FUZZ_CHECK(d || why[0]);
    free(text);
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *cut = memmem(data, size, "\n--\n", 4);
    struct mr_xmldoc *a, *b;

    if (!cut) {
        if ((a = parse(data, size)) != NULL)
            exercise(a);
        mr_xmldoc_free(a);
        return 0;
    }
    a = parse(data, (size_t)(cut - data));
    b = parse(cut + 4, size - (size_t)(cut - data) - 4);
    if (a && b) {
        struct mr_buf out;
        mr_buf_init(&out);
        mr_xmldoc_diff(a, b, NULL, 0, NULL, 0, &out, 4);
        mr_xmldoc_diff(b, a, ignore, 2, ns, 2, &out, 4);
        mr_buf_release(&out);
    }
    if (b) {
        /* the first line as an XPath expression */
        const uint8_t *nl = memchr(data, '\n', (size_t)(cut - data) + 1);
        char *expr = fuzz_copy(data, (size_t)(nl - data), 1), why[300];
        size_t n = 0;
        if (strlen(expr) == (size_t)(nl - data) &&
            mr_xmldoc_xpath_ok(expr, ns, 2, why, sizeof(why)))
            mr_xmldoc_xpath(b, expr, ns, 2, count_value, &n);
        free(expr);
    }
    mr_xmldoc_free(a);
    mr_xmldoc_free(b);
    return 0;
}
