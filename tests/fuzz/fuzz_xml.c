/*
 * fuzz_xml.c - XML request bodies (common/xmldoc.h): any bytes go through
 * the safe parse; a document is queried with fixed XPath expressions and
 * compared with itself (never a difference) and with fixed documents. An
 * input with a line "--" is two documents, compared both ways, and its first
 * line an XPath expression, checked and evaluated on the second document.
 * A single document is also parsed with its CDATA kept and walked
 * (mr_xmldoc_walk), with and without its text: both walks report as many
 * elements as XPath counts, each ended, with the same attributes (in any
 * order; XPath's attributes among them); only the walk with the text
 * reports a declaration. Comparisons also run with placeholders decided by
 * callbacks (common/xmldoc.h): one that accepts every value finds no more
 * differences than none, one that declines every value exactly as many;
 * the first document of a pair may hold "${any}" and "${num}". Every
 * input is also read as xml-js's object
 * (common/xmljs.h): built exactly when the document parses (or the input
 * is blank), made only of objects, arrays and strings, with no key twice in
 * one object, and printed JSON text that reads back equal.
 */
#define _GNU_SOURCE /* memmem */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/xmldoc.h"
#include "common/xmljs.h"

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

static bool first_text(void *arg, const char *v, size_t len)
{
    mr_buf_append(arg, v, len);
    return true;
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

/* Placeholder callbacks: every value passes; none is a placeholder; or
 * "${any}" passes anything and "${num}" digits. */
static int accept_all(void *arg, const char *value, const char *got, size_t glen)
{
    (void)arg;
    FUZZ_CHECK(value != NULL && (got == NULL || strlen(got) <= glen));
    return 1;
}

static int decline_all(void *arg, const char *value, const char *got, size_t glen)
{
    (void)arg;
    (void)value;
    (void)got;
    (void)glen;
    return -1;
}

static int some(void *arg, const char *value, const char *got, size_t glen)
{
    (void)arg;
    if (strcmp(value, "${any}") == 0)
        return 1;
    if (strcmp(value, "${num}") == 0)
        return got && glen && strspn(got, "0123456789") == glen;
    return -1;
}

static double xpath_number(const struct mr_xmldoc *d, const char *expr);

static const struct mr_xml_placeholders all = {accept_all, NULL}, none = {decline_all, NULL},
                                        named = {some, NULL};

static bool count_values(void *arg, const char *v, size_t len)
{
    FUZZ_CHECK(v != NULL && strlen(v) <= len);
    ++*(size_t *)arg;
    return false;
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
        n = mr_xmldoc_diff(d, fixed[i], NULL, 0, NULL, 0, &out, 3);
        FUZZ_CHECK(mr_xmldoc_diff_with(d, fixed[i], NULL, 0, NULL, 0, &none, NULL, 0) == n);
        FUZZ_CHECK(mr_xmldoc_diff_with(d, fixed[i], NULL, 0, NULL, 0, &all, NULL, 0) <= n);
        FUZZ_CHECK(mr_xmldoc_diff_with(fixed[i], d, ignore, 2, ns, 2, &all, NULL, 0) <=
                   mr_xmldoc_diff(fixed[i], d, ignore, 2, ns, 2, NULL, 0));
    }
    FUZZ_CHECK(mr_xmldoc_diff_with(d, d, NULL, 0, NULL, 0, &all, NULL, 0) == 0);
    n = 0;
    FUZZ_CHECK(mr_xmldoc_values(d, count_values, &n));
    FUZZ_CHECK((double)n >= xpath_number(d, "count(//@*)"));
    mr_buf_release(&out);
}

/* What a walk saw; `sum` stands for each element's attributes whatever
 * their order. */
struct tally {
    size_t starts, ends, attrs, events;
    long depth;
    uint64_t sum;
};

static uint64_t hash(const char *s, size_t n, uint64_t h)
{
    while (n--)
        h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
    return h;
}

static bool count_event(void *arg, const struct mr_xml_event *ev)
{
    struct tally *t = arg;
    size_t i;

    t->events++;
    FUZZ_CHECK(ev->text != NULL && strlen(ev->text) <= ev->len);
    switch (ev->kind) {
    case MR_XML_START:
        t->starts++;
        t->depth++;
        FUZZ_CHECK(ev->name && ev->name[0]);
        for (i = 0; i < ev->nattrs; i++) {
            const struct mr_xml_attr *at = &ev->attrs[i];
            uint64_t h = hash(at->name, strlen(at->name) + 1, 0xcbf29ce484222325ull);
            FUZZ_CHECK(strlen(at->value) <= at->value_len);
            t->sum += t->starts * hash(at->value, at->value_len, h);
            t->attrs++;
        }
        break;
    case MR_XML_END:
        t->ends++;
        FUZZ_CHECK(--t->depth >= 0);
        break;
    default:
        FUZZ_CHECK(t->depth > 0 || ev->kind != MR_XML_TEXT || ev->len == 0 ||
                   strspn(ev->text, " \t\r\n") == ev->len);
        break;
    }
    return false;
}

static double xpath_number(const struct mr_xmldoc *d, const char *expr)
{
    struct mr_buf b;
    double v;

    mr_buf_init(&b);
    FUZZ_CHECK(mr_xmldoc_xpath(d, expr, NULL, 0, first_text, &b) == 1);
    v = strtod(mr_buf_cstr(&b), NULL);
    mr_buf_release(&b);
    return v;
}

static void walk(const char *text, size_t size)
{
    struct mr_xmldoc *d;
    struct tally a = {0}, b = {0};
    char why[300];

    d = mr_xmldoc_parse_with(text, size, MR_XMLDOC_CDATA, why, sizeof(why));
    if (!d)
        return;
    FUZZ_CHECK(mr_xmldoc_walk(d, text, size, count_event, &a));
    FUZZ_CHECK(mr_xmldoc_walk(d, NULL, 0, count_event, &b));
    FUZZ_CHECK(a.starts == a.ends && a.depth == 0 && a.starts > 0);
    FUZZ_CHECK(a.starts == b.starts && a.attrs == b.attrs && a.sum == b.sum);
    FUZZ_CHECK(a.events == b.events || a.events == b.events + 1); /* the declaration */
    FUZZ_CHECK((double)a.starts == xpath_number(d, "count(//*)"));
    FUZZ_CHECK((double)a.attrs >= xpath_number(d, "count(//@*)"));
    mr_xmldoc_free(d);
}

/* xml-js's shape: strings, objects and arrays (of two or more values, never
 * directly nested), no key twice in an object. */
static void check_shape(const cJSON *v, int depth)
{
    const cJSON *c, *d;

    FUZZ_CHECK(depth < 1000);
    if (cJSON_IsString(v))
        return;
    FUZZ_CHECK(cJSON_IsObject(v) || (cJSON_IsArray(v) && cJSON_GetArraySize(v) >= 2));
    cJSON_ArrayForEach(c, v)
    {
        FUZZ_CHECK(!cJSON_IsArray(v) || !cJSON_IsArray(c));
        if (cJSON_IsObject(v))
            for (d = c->next; d; d = d->next)
                FUZZ_CHECK(strcmp(c->string, d->string) != 0);
        check_shape(c, depth + 1);
    }
}

static void xmljs(const char *text, size_t size, bool parsed)
{
    cJSON *v, *back;
    char why[300], *json;
    size_t len;

    why[0] = '\0';
    if (mr_xmljs_parse(&v, text, size, why, sizeof(why)) != 0) {
        FUZZ_CHECK(!parsed && v == NULL && why[0]);
        return;
    }
    FUZZ_CHECK(cJSON_IsObject(v));
    check_shape(v, 0);
    json = cJSON_PrintUnformatted(v);
    FUZZ_CHECK(json != NULL);
    back = cJSON_Parse(json);
    FUZZ_CHECK(back != NULL && cJSON_Compare(v, back, true));
    cJSON_Delete(back);
    free(json);
    cJSON_Delete(v);
    json = mr_xmljs_json(text, size, &len, why, sizeof(why));
    FUZZ_CHECK(json != NULL && strlen(json) == len);
    free(json);
}

static struct mr_xmldoc *parse(const uint8_t *data, size_t size)
{
    char *text = fuzz_copy(data, size, 0), why[300];
    struct mr_xmldoc *d = mr_xmldoc_parse(text, size, why, sizeof(why));

    FUZZ_CHECK(d || why[0]);
    if (d)
        walk(text, size);
    xmljs(text, size, d != NULL);
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
        mr_buf_reset(&out);
        mr_xmldoc_diff_with(a, b, NULL, 0, NULL, 0, &named, &out, 4);
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
