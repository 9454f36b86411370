/*
 * test_xmldoc.c - XML documents (common/xmldoc.h): the safe parse, the
 * equalToXml comparison and its differences, XPath values, walks; and
 * xml-js's object of a body (common/xmljs.h).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/xmldoc.h"
#include "common/xmljs.h"

static struct mr_xmldoc *parse(const char *text)
{
    char why[300];
    struct mr_xmldoc *d = mr_xmldoc_parse(text, strlen(text), why, sizeof(why));
    ck_assert_msg(d != NULL, "%s: %s", text, why);
    return d;
}

static const char *refused(const char *text)
{
    static char why[300];
    struct mr_xmldoc *d = mr_xmldoc_parse(text, strlen(text), why, sizeof(why));
    ck_assert_msg(d == NULL, "%s parsed", text);
    return why;
}

static void setup(void)
{
    struct mr_error err;
    ck_assert_msg(mr_xmldoc_init(&err) == 0, "%s", err.msg);
}

START_TEST(test_parse)
{
    mr_xmldoc_free(parse("<a/>"));
    mr_xmldoc_free(parse("\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- hi --><a><![CDATA[x<y]]></a>"));
    ck_assert_str_eq(
        refused("<a>\n  <b></a>"),
        "not well-formed XML: line 2, column 10: Premature end of data in tag a line 1");
    ck_assert_str_eq(refused(""), "the body is empty");
    ck_assert(strncmp(refused("{\"json\": 1}"), "not well-formed XML: line 1, column 1: ", 39) ==
              0);
}
END_TEST

/* Hostile documents never reach a DTD: no file is read, no entity grows. */
START_TEST(test_hostile)
{
    static const char xxe[] = "<?xml version=\"1.0\"?>\n"
                              "<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
                              "<r>&e;</r>";
    static const char laughs[] = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                                 "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                                 "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                                 "<lolz>&lol3;</lolz>";
    char deep[5000];
    size_t i, n = 0;

    ck_assert_str_eq(refused(xxe), "a DOCTYPE is refused (mockrun reads no DTDs and no entities)");
    ck_assert_str_eq(refused(laughs),
                     "a DOCTYPE is refused (mockrun reads no DTDs and no entities)");
    /* an undeclared entity is an error, not a lookup */
    ck_assert(strstr(refused("<r>&e;</r>"), "Entity 'e' not defined") != NULL);
    /* nesting past libxml2's limit (256) is refused */
    for (i = 0; i < 600; i++)
        n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<a>");
    ck_assert(strstr(refused(deep), "line 1") != NULL);
}
END_TEST

static const char *diff(const char *want, const char *got, const char *const *ignore,
                        size_t nignore)
{
    static char text[2000];
    struct mr_xmldoc *w = parse(want), *g = parse(got);
    struct mr_buf out;
    size_t n;

    mr_buf_init(&out);
    n = mr_xmldoc_diff(w, g, ignore, nignore, NULL, 0, &out, 10);
    snprintf(text, sizeof(text), "%zu\n%s", n, mr_buf_cstr(&out));
    mr_buf_release(&out);
    mr_xmldoc_free(w);
    mr_xmldoc_free(g);
    return text;
}

START_TEST(test_equal)
{
    /* whitespace between elements, attribute order, prefixes, comments: equal */
    ck_assert_str_eq(diff("<order><item sku=\"A1\" n=\"2\"/></order>",
                          "<order>\n  <!-- c -->\n  <item n=\"2\" sku=\"A1\"/>\n</order>", NULL, 0),
                     "0\n");
    ck_assert_str_eq(diff("<a:o xmlns:a=\"urn:x\"><a:i>t</a:i></a:o>",
                          "<b:o xmlns:b=\"urn:x\"><b:i> t </b:i></b:o>", NULL, 0),
                     "0\n");
    ck_assert_str_eq(diff("<o><i><![CDATA[1 < 2]]></i></o>", "<o><i>1 &lt; 2</i></o>", NULL, 0),
                     "0\n");
}
END_TEST

START_TEST(test_differences)
{
    static const char *const ignore[] = {"/order/@ts", "//secret"};

    ck_assert_str_eq(diff("<order><item sku=\"A1\"/><item sku=\"A1\"/></order>",
                          "<order><item sku=\"A1\"/><item sku=\"A2\"/></order>", NULL, 0),
                     "1\n/order/item[2]/@sku: expected \"A1\", got \"A2\"\n");
    ck_assert_str_eq(diff("<order><note>hi</note><id>1</id></order>",
                          "<order><id>2</id><x y=\"1\"/></order>", NULL, 0),
                     "3\n/order/note: missing\n/order/id: expected \"1\", got \"2\"\n"
                     "/order/x: unexpected\n");
    /* child order does not count (elements pair by name) */
    ck_assert_str_eq(diff("<o><a>1</a><b>2</b></o>", "<o><b>2</b><a>1</a></o>", NULL, 0), "0\n");
    /* ignored: an attribute, an element with all it holds, in either document */
    ck_assert_str_eq(diff("<order ts=\"1\"><a>1</a><secret>x</secret></order>",
                          "<order ts=\"2\"><a>1</a></order>", ignore, 2),
                     "0\n");
    ck_assert_str_eq(diff("<o>text</o>", "<o><b/></o>", NULL, 0),
                     "2\n/o: missing text, expected \"text\"\n/o/b: unexpected\n");
    ck_assert_str_eq(diff("<o a=\"1\"/>", "<p/>", NULL, 0),
                     "1\n/o: expected element <o>, got <p>\n");
    ck_assert_str_eq(diff("<o a=\"1\" b=\"2\"/>", "<o a=\"1\" c=\"3\"/>", NULL, 0),
                     "2\n/o/@b: missing, expected \"2\"\n/o/@c: unexpected, got \"3\"\n");
    /* a namespace's URI counts */
    ck_assert_str_eq(diff("<o xmlns=\"urn:a\"/>", "<o xmlns=\"urn:b\"/>", NULL, 0),
                     "1\n/o: expected element <o>, got <o>\n");
    /* long values keep their ends; past max, a count */
    {
        char want[400], got[400];
        snprintf(want, sizeof(want), "<o>%0200d</o>", 1);
        snprintf(got, sizeof(got), "<o>%0200d</o>", 2);
        ck_assert(strstr(diff(want, got, NULL, 0),
                         "\xe2\x80\xa6(120 bytes left out)\xe2\x80\xa6") != NULL);
    }
    ck_assert(
        strstr(diff("<o><a/><a/><a/><a/><a/><a/><a/><a/><a/><a/><a/><a/></o>", "<o/>", NULL, 0),
               "... and 2 more differences\n") != NULL);
}
END_TEST

static bool collect(void *arg, const char *v, size_t len)
{
    struct mr_buf *b = arg;
    mr_buf_append(b, v, len);
    mr_buf_putc(b, '|');
    return false;
}

static const char *values(const char *doc, const char *expr)
{
    static char text[500];
    static const struct mr_xml_ns ns[] = {{"soap", "http://schemas.xmlsoap.org/soap/envelope/"},
                                          {"m", "urn:prices"}};
    struct mr_xmldoc *d = parse(doc);
    struct mr_buf b;
    long n;

    mr_buf_init(&b);
    n = mr_xmldoc_xpath(d, expr, ns, 2, collect, &b);
    snprintf(text, sizeof(text), "%ld:%s", n, mr_buf_cstr(&b));
    mr_buf_release(&b);
    mr_xmldoc_free(d);
    return text;
}

START_TEST(test_xpath)
{
    static const char order[] = "<order id=\"7\"><item sku=\"A1\">x<b>y</b></item>"
                                "<item sku=\"B2\"/></order>";
    static const char soap[] =
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
        "<s:Body><GetPrice xmlns=\"urn:prices\"><Item>Apple</Item></GetPrice></s:Body>"
        "</s:Envelope>";
    char why[300];

    ck_assert_str_eq(values(order, "/order/@id"), "1:7|");
    ck_assert_str_eq(values(order, "/order/item/@sku"), "2:A1|B2|");
    ck_assert_str_eq(values(order, "/order/item[1]"), "1:xy|"); /* an element's text */
    ck_assert_str_eq(values(order, "count(/order/item)"), "1:2|");
    ck_assert_str_eq(values(order, "count(/order/item) div 4"), "1:0.5|");
    ck_assert_str_eq(values(order, "boolean(/order/none)"), "1:false|");
    ck_assert_str_eq(values(order, "concat(/order/@id, '-')"), "1:7-|");
    ck_assert_str_eq(values(order, "/order/none"), "0:");
    /* namespaces by the prefixes the scenario gives, whatever the document uses */
    ck_assert_str_eq(values(soap, "//soap:Body/m:GetPrice/m:Item"), "1:Apple|");
    ck_assert_str_eq(values(soap, "//soap:Body/GetPrice"), "0:");
    ck_assert_str_eq(values(order, "/order/@id]"), "-1:");
    ck_assert(mr_xmldoc_xpath_ok("count(/a) > 1", NULL, 0, why, sizeof(why)));
    ck_assert(!mr_xmldoc_xpath_ok("/a[", NULL, 0, why, sizeof(why)));
    ck_assert_str_eq(why, "not a valid XPath expression: invalid expression");
    ck_assert(!mr_xmldoc_xpath_ok("//x:a", NULL, 0, why, sizeof(why)));
    ck_assert_str_eq(why, "not a valid XPath expression: undefined namespace prefix");
}
END_TEST

/* Each event of a walk as one line: "S name a=v ...", "E", "T text", "C
 * cdata", "M comment", "P target rest", "D a=v ...". */
static bool record(void *arg, const struct mr_xml_event *ev)
{
    static const char kinds[] = "DSETCMP";
    struct mr_buf *b = arg;
    size_t i;

    mr_buf_putc(b, kinds[ev->kind]);
    if (ev->kind == MR_XML_START || ev->kind == MR_XML_PI)
        mr_buf_printf(b, " %s", ev->name);
    if (ev->kind != MR_XML_START && ev->kind != MR_XML_END && ev->kind != MR_XML_DECLARATION)
        mr_buf_printf(b, " %.*s", (int)ev->len, ev->text);
    for (i = 0; i < ev->nattrs; i++) {
        ck_assert_uint_eq(strlen(ev->attrs[i].value), ev->attrs[i].value_len);
        mr_buf_printf(b, " %s=%s", ev->attrs[i].name, ev->attrs[i].value);
    }
    mr_buf_putc(b, '\n');
    return false;
}

static const char *walk_flags(const char *text, unsigned flags)
{
    static char out[2000];
    char why[300];
    struct mr_xmldoc *d = mr_xmldoc_parse_with(text, strlen(text), flags, why, sizeof(why));
    struct mr_buf b;

    ck_assert_msg(d != NULL, "%s: %s", text, why);
    mr_buf_init(&b);
    ck_assert(mr_xmldoc_walk(d, text, strlen(text), record, &b));
    snprintf(out, sizeof(out), "%s", mr_buf_cstr(&b));
    mr_buf_release(&b);
    mr_xmldoc_free(d);
    return out;
}

static const char *walk(const char *text)
{
    return walk_flags(text, MR_XMLDOC_CDATA);
}

static bool stop_at_text(void *arg, const struct mr_xml_event *ev)
{
    (*(int *)arg)++;
    return ev->kind == MR_XML_TEXT;
}

START_TEST(test_walk)
{
    /* the declaration's pseudo-attributes as written, the prolog and the
     * epilog, CDATA apart from text (merged without MR_XMLDOC_CDATA) */
    ck_assert_str_eq(walk("\xef\xbb\xbf<?xml version=\"1.0\"  encoding = 'utf-8'?>\n"
                          "<!--c--><?pi  a b ?><r>x<![CDATA[<y>]]>z<e/></r><!--d-->"),
                     "D version=1.0 encoding=utf-8\nM c\nP pi a b \nS r\nT x\nC <y>\nT z\n"
                     "S e\nE\nE\nM d\n");
    ck_assert_str_eq(walk_flags("<r>x<![CDATA[<y>]]>z</r>", 0), "S r\nT x<y>z\nE\n");
    /* attributes and namespace declarations in the order written, with
     * prefixes as written; references replaced */
    ck_assert_str_eq(walk("<a id=\"1\" xmlns=\"urn:a\" x:k=\"&lt;&#65;\" xmlns:x=\"urn:x\">"
                          "<x:b xmlns:y='urn:y' y:c=\"3\" xml:lang=\"en\">&amp;</x:b>"
                          "<b xmlns=\"\" z=\"&gt;\"/></a>"),
                     "S a id=1 xmlns=urn:a x:k=<A xmlns:x=urn:x\n"
                     "S x:b xmlns:y=urn:y y:c=3 xml:lang=en\nT &\nE\nS b xmlns= z=>\nE\nE\n");
    /* markup inside comments, PIs and CDATA does not shift the tags */
    ck_assert_str_eq(walk("<a><!-- <b c='1'> --><?p <q r='2'>?><![CDATA[<s t='3'>]]>"
                          "<u v=\"&lt;w x='4'>\"/></a>"),
                     "S a\nM  <b c='1'> \nP p <q r='2'>\nC <s t='3'>\nS u v=<w x='4'>\nE\nE\n");
    /* whitespace between elements is text too; an undeclared prefix stays
     * part of the name */
    ck_assert_str_eq(walk("<a>\n <p:b/>\n</a>"), "S a\nT \n \nS p:b\nE\nT \n\nE\n");
    /* without the text, declarations come first and there is no declaration */
    {
        static const char text[] = "<?xml version=\"1.0\"?><a k=\"1\" xmlns=\"urn:a\"/>";
        struct mr_xmldoc *d = parse(text);
        struct mr_buf b;
        int n = 0;

        mr_buf_init(&b);
        ck_assert(mr_xmldoc_walk(d, NULL, 0, record, &b));
        ck_assert_str_eq(mr_buf_cstr(&b), "S a xmlns=urn:a k=1\nE\n");
        mr_buf_release(&b);
        mr_xmldoc_free(d);
        /* fn stops the walk */
        d = parse("<a><b>x</b><c/></a>");
        ck_assert(!mr_xmldoc_walk(d, NULL, 0, stop_at_text, &n));
        ck_assert_int_eq(n, 3);
        mr_xmldoc_free(d);
    }
}
END_TEST

/* Long names are not cut, and deep documents walk without recursion. */
START_TEST(test_walk_large)
{
    struct mr_buf text, out;
    struct mr_xmldoc *d;
    char why[300];
    int i;

    mr_buf_init(&text);
    mr_buf_puts(&text, "<");
    for (i = 0; i < 500; i++)
        mr_buf_putc(&text, 'n');
    mr_buf_puts(&text, " a=\"1\">");
    for (i = 0; i < 200; i++)
        mr_buf_puts(&text, "<d>");
    for (i = 0; i < 200; i++)
        mr_buf_puts(&text, "</d>");
    mr_buf_puts(&text, "</");
    for (i = 0; i < 500; i++)
        mr_buf_putc(&text, 'n');
    mr_buf_puts(&text, ">");
    d = mr_xmldoc_parse_with(text.data, text.len, MR_XMLDOC_CDATA, why, sizeof(why));
    ck_assert_msg(d != NULL, "%s", why);
    mr_buf_init(&out);
    ck_assert(mr_xmldoc_walk(d, text.data, text.len, record, &out));
    ck_assert_uint_eq(out.len, 2 + 500 + 5 + 200 * 4 + 201 * 2);
    ck_assert(strncmp(out.data + 2 + 500, " a=1\n", 5) == 0);
    mr_buf_release(&out);
    mr_buf_release(&text);
    mr_xmldoc_free(d);
}
END_TEST

/* A stand-in for the loader's placeholders: "?any" passes anything, even
 * nothing; "?num" passes digits. */
static int eval_test(void *arg, const char *value, const char *got, size_t glen)
{
    ++*(int *)arg;
    if (strcmp(value, "?any") == 0)
        return 1;
    if (strcmp(value, "?num") == 0)
        return got && glen && strspn(got, "0123456789") == glen;
    return -1;
}

static bool list_value(void *arg, const char *v, size_t len)
{
    ck_assert_uint_eq(strlen(v), len);
    mr_buf_printf(arg, "[%s]", v);
    return false;
}

START_TEST(test_placeholders)
{
    static const char want[] =
        "<a x=\"?any\" n=\"?num\"><b> ?num </b><c>?any</c><d>text<!--c--><![CDATA[ ?num]]></d></a>";
    struct mr_xmldoc *w = parse(want), *g;
    int calls = 0;
    struct mr_xml_placeholders ph = {eval_test, &calls};
    struct mr_buf out;

    mr_buf_init(&out);
    /* the values a placeholder callback is asked about: attributes, trimmed text runs */
    ck_assert(mr_xmldoc_values(w, list_value, &out));
    ck_assert_str_eq(mr_buf_cstr(&out), "[?any][?num][?num][?any][text][?num]");
    mr_buf_reset(&out);
    /* an optional attribute and text, numbers where numbers go */
    g = parse("<a n=\"12\"><b>7</b><c/><d>text<!--x--><![CDATA[3]]></d></a>");
    ck_assert_uint_eq(mr_xmldoc_diff_with(w, g, NULL, 0, NULL, 0, &ph, &out, 10), 0);
    ck_assert_int_gt(calls, 0);
    mr_xmldoc_free(g);
    /* a failing placeholder is a difference naming it; others as usual */
    g = parse("<a n=\"1x\" x=\"y\" z=\"1\"><b/><c>z</c><d>txt<!--c-->4</d></a>");
    ck_assert_uint_eq(mr_xmldoc_diff_with(w, g, NULL, 0, NULL, 0, &ph, &out, 10), 4);
    ck_assert_str_eq(mr_buf_cstr(&out), "/a/@n: expected \"?num\", got \"1x\"\n"
                                        "/a/@z: unexpected, got \"1\"\n"
                                        "/a/b: missing text, expected \"?num\"\n"
                                        "/a/d: expected \"text\", got \"txt\"\n");
    /* without placeholders the values are text */
    mr_buf_reset(&out);
    ck_assert_uint_eq(mr_xmldoc_diff(w, g, NULL, 0, NULL, 0, NULL, 0), 7);
    mr_xmldoc_free(g);
    mr_buf_release(&out);
    mr_xmldoc_free(w);
}
END_TEST

/* xml-js's compact form as JSON text, or "!" and the reason. */
static const char *xmljs(const char *text)
{
    static char out[4096];
    char why[300], *json;
    size_t len = 0;

    json = mr_xmljs_json(text, strlen(text), &len, why, sizeof(why));
    snprintf(out, sizeof(out), "%s%s", json ? "" : "!", json ? json : why);
    ck_assert(!json || len == strlen(json));
    free(json);
    return out;
}

START_TEST(test_xmljs)
{
    /* attributes, text, a repeated element (an array in its first place),
     * the declaration; names and namespace declarations as written */
    ck_assert_str_eq(xmljs("<?xml version=\"1.0\"?>\n<o id=\"7\" xmlns:m=\"urn:m\">"
                           "<i>A</i><n/><i k=\"2\">B</i><m:x>y</m:x></o>"),
                     "{\"_declaration\":{\"_attributes\":{\"version\":\"1.0\"}},"
                     "\"o\":{\"_attributes\":{\"id\":\"7\",\"xmlns:m\":\"urn:m\"},"
                     "\"i\":[{\"_text\":\"A\"},{\"_attributes\":{\"k\":\"2\"},\"_text\":\"B\"}],"
                     "\"n\":{},\"m:x\":{\"_text\":\"y\"}}}");
    /* mixed content: text runs (an array once interrupted), CDATA, comments
     * and processing instructions; JavaScript whitespace alone is dropped,
     * other text keeps its spaces */
    ck_assert_str_eq(xmljs("<a> x <b/>y<!--c--><![CDATA[<d>]]><?p q?>\n<e>&#160;\u2028</e></a>"),
                     "{\"a\":{\"_text\":[\" x \",\"y\"],\"b\":{},\"_comment\":\"c\","
                     "\"_cdata\":\"<d>\",\"_instruction\":{\"p\":\"q\"},\"e\":{}}}");
    /* a key met again after others keeps its first place; an element may
     * be named like xml-js's own keys */
    ck_assert_str_eq(xmljs("<a x=\"1\"><b>1</b><c/><b>2</b><_attributes/><b>3</b></a>"),
                     "{\"a\":{\"_attributes\":[{\"x\":\"1\"},{}],\"b\":[{\"_text\":\"1\"},"
                     "{\"_text\":\"2\"},{\"_text\":\"3\"}],\"c\":{}}}");
    /* blank bodies are {}; the rest must be well-formed, without a DOCTYPE */
    ck_assert_str_eq(xmljs(""), "{}");
    ck_assert_str_eq(xmljs("\xef\xbb\xbf \r\n\t"), "{}");
    ck_assert_str_eq(xmljs("<a><b></a>"),
                     "!not well-formed XML: line 1, column 11: Premature end of data in tag a "
                     "line 1");
    ck_assert_str_eq(xmljs("<!DOCTYPE a><a/>"),
                     "!a DOCTYPE is refused (mockrun reads no DTDs and no entities)");
    ck_assert_str_eq(xmljs("plain"), "!not well-formed XML: line 1, column 1: Start tag expected, "
                                     "'<' not found");
}
END_TEST

/* Many children with different names: one hash lookup each, not a scan. */
START_TEST(test_xmljs_wide)
{
    struct mr_buf text;
    cJSON *v, *r;
    char why[300];
    int i;

    mr_buf_init(&text);
    mr_buf_puts(&text, "<r>");
    for (i = 0; i < 200000; i++)
        mr_buf_printf(&text, "<e%d/>", i);
    for (i = 0; i < 3; i++)
        mr_buf_puts(&text, "<e7>x</e7>");
    mr_buf_puts(&text, "</r>");
    ck_assert_msg(mr_xmljs_parse(&v, text.data, text.len, why, sizeof(why)) == 0, "%s", why);
    r = cJSON_GetObjectItemCaseSensitive(v, "r");
    ck_assert_int_eq(cJSON_GetArraySize(r), 200000);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "e7")), 4);
    ck_assert_str_eq(cJSON_GetArrayItem(r, 7)->string, "e7");
    cJSON_Delete(v);
    mr_buf_release(&text);
}
END_TEST

/* Mockoon's processRawBody: the XML types, after JSON, forms and multipart. */
START_TEST(test_xmljs_content_type)
{
    static const char *const xml[] = {"application/xml", "text/xml; charset=utf-8",
                                      "Application/SOAP+XML", "x-text/xml-y"};
    static const char *const other[] = {"",
                                        "application/atom+xml",
                                        "application/xhtml+xml",
                                        "application/xml+json",
                                        "application/json; text/xml",
                                        "multipart/form-data; boundary=text/xml",
                                        "application/x-www-form-urlencoded, text/xml"};
    size_t i;

    for (i = 0; i < sizeof(xml) / sizeof(xml[0]); i++)
        ck_assert_msg(mr_xmljs_content_type(xml[i], strlen(xml[i])), "%s", xml[i]);
    for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
        ck_assert_msg(!mr_xmljs_content_type(other[i], strlen(other[i])), "%s", other[i]);
    ck_assert(!mr_xmljs_content_type("text/xml", 7));
}
END_TEST

Suite *xmldoc_suite(void);

Suite *xmldoc_suite(void)
{
    Suite *s = suite_create("xmldoc");
    TCase *tc = tcase_create("xmldoc");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 30); /* the large documents, under ASan on a busy runner */
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_hostile);
    tcase_add_test(tc, test_equal);
    tcase_add_test(tc, test_differences);
    tcase_add_test(tc, test_xpath);
    tcase_add_test(tc, test_walk);
    tcase_add_test(tc, test_walk_large);
    tcase_add_test(tc, test_placeholders);
    tcase_add_test(tc, test_xmljs);
    tcase_add_test(tc, test_xmljs_wide);
    tcase_add_test(tc, test_xmljs_content_type);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xmldoc_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
