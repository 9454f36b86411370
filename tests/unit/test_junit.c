/*
 * test_junit.c - the JUnit writer: schema validity, counts, the exact format,
 * XML escaping, hostile bytes, and atomic replacement of the report file.
 *
 * junit.c writes through libxml2's xmlTextWriter, loaded with dlopen
 * (common/xml.h); libxml2 is also linked here to check the output. Every
 * report is parsed by libxml2 and validated against the Jenkins JUnit XSD
 * (MOCKRUN_JUNIT_XSD, fetched by ci/setup), and the golden reports in
 * tests/fixtures/reports must stay byte-identical. Run one case
 * with CK_RUN_CASE=escape; debug with CK_FORK=no. The "terminal" case covers
 * results.c's cleaning of captured output (escape sequences, the cut mark).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "common/buf.h"
#include "reports/junit.h"
#include "reports/results.h"

/* 2026-11-25T12:30:57.123456 UTC */
#define WALL_US 1795609857123456LL

static char dir[64];

static void setup_dir(void)
{
    strcpy(dir, "/tmp/mr-junit-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[512];

    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static const char *in_dir(const char *name)
{
    static char p[4][512];
    static int next;
    char *s = p[next++ % 4];

    snprintf(s, sizeof(p[0]), "%s/%s", dir, name);
    return s;
}

/* The number of entries in the test folder (. and .. aside). */
static int count_entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct mr_buf b;
    char chunk[4096];
    size_t n;

    ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
    mr_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ck_assert(mr_buf_append(&b, chunk, n));
    fclose(f);
    mr_buf_append(&b, "", 0); /* terminated even when empty */
    return mr_buf_detach(&b, len);
}

/* Drops <testcase file= line=> (GitLab's and pytest's attributes, not in the Jenkins
 * schema) so the rest can be validated. */
static void strip_file_line(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST "testcase") == 0) {
            xmlUnsetProp(n, BAD_CAST "file");
            xmlUnsetProp(n, BAD_CAST "line");
        }
        strip_file_line(n->children);
    }
}

/* Parses `path` (must be well-formed) and validates it against the Jenkins XSD, without
 * the file and line attributes it has no place for. */
static xmlDocPtr parse_valid(const char *path)
{
    xmlSchemaParserCtxtPtr pctx;
    xmlSchemaValidCtxtPtr vctx;
    xmlSchemaPtr schema;
    xmlDocPtr doc;
    int rc;

    ck_assert_msg(access(MOCKRUN_JUNIT_XSD, R_OK) == 0,
                  "JUnit schema %s is missing: run ci/setup to fetch it", MOCKRUN_JUNIT_XSD);
    doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_msg(doc != NULL, "%s is not well-formed XML", path);
    strip_file_line(xmlDocGetRootElement(doc));
    pctx = xmlSchemaNewParserCtxt(MOCKRUN_JUNIT_XSD);
    ck_assert_ptr_nonnull(pctx);
    schema = xmlSchemaParse(pctx);
    ck_assert_msg(schema != NULL, "cannot parse schema %s", MOCKRUN_JUNIT_XSD);
    vctx = xmlSchemaNewValidCtxt(schema);
    ck_assert_ptr_nonnull(vctx);
    rc = xmlSchemaValidateDoc(vctx, doc);
    ck_assert_msg(rc == 0, "%s does not validate against %s (rc %d)", path, MOCKRUN_JUNIT_XSD, rc);
    xmlSchemaFreeValidCtxt(vctx);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pctx);
    return doc;
}

static void write_ok(const struct mr_results *r, const char *path)
{
    struct mr_error err;
    int rc = mr_junit_write(r, path, &err);

    ck_assert_msg(rc == 0, "mr_junit_write: %s", err.msg);
}

/* The n-th child element named `name` of `parent`, or NULL. */
static xmlNodePtr child(xmlNodePtr parent, const char *name, int n)
{
    xmlNodePtr c;

    for (c = parent->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0 && n-- == 0)
            return c;
    return NULL;
}

static int count_children(xmlNodePtr parent, const char *name)
{
    int n = 0;

    while (child(parent, name, n))
        n++;
    return n;
}

static void assert_prop(xmlNodePtr node, const char *name, const char *want)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);

    ck_assert_msg(v != NULL, "<%s> has no attribute %s", node->name, name);
    ck_assert_msg(strcmp((const char *)v, want) == 0, "<%s %s=\"%s\">, want \"%s\"", node->name,
                  name, v, want);
    xmlFree(v);
}

static void assert_content(xmlNodePtr node, const char *want)
{
    xmlChar *v = xmlNodeGetContent(node);

    ck_assert_ptr_nonnull(v);
    ck_assert_msg(strcmp((const char *)v, want) == 0, "<%s> holds \"%s\", want \"%s\"", node->name,
                  v, want);
    xmlFree(v);
}

static xmlNodePtr suite_of(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);

    ck_assert_ptr_nonnull(root);
    ck_assert_str_eq((const char *)root->name, "testsuites");
    ck_assert_int_eq(count_children(root, "testsuite"), 1);
    return child(root, "testsuite", 0);
}

static void add(struct mr_results *r, enum mr_case_status st, const char *name, const char *msg,
                const char *detail, double t)
{
    ck_assert_int_eq(mr_results_add_case(r, st, name, msg, detail), 0);
    r->cases[r->ncases - 1].time_s = t;
}

/* A fixed run: every status, properties, output and notes. */
static void fill_mixed(struct mr_results *r)
{
    static const char out[] = "server ready\nGET /users -> 200\n";
    static const char errs[] = "warning: slow start\n";

    mr_results_init(r);
    ck_assert_int_eq(mr_results_add_suite(r, "checkout", "checkout.json"), 0);
    r->hostname = strdup("ci-runner-7");
    r->start_wall_us = WALL_US;
    r->time_s = 1.5;
    add(r, MR_CASE_PASS, "GET /users was called", NULL, NULL, 0.1234);
    add(r, MR_CASE_FAIL, "POST /orders was called once", "expected 1 call, got 0",
        "recorded calls:\n  POST /order (no route)\n", 0.0);
    add(r, MR_CASE_ERROR, "command exited 0", "the command could not start",
        "cannot run 'npm': not found in PATH", 0.002);
    add(r, MR_CASE_SKIP, "DELETE /cart was called", "not reached", NULL, -1.0);
    ck_assert_int_eq(mr_results_add_property(r, "scenario", "checkout.json"), 0);
    ck_assert_int_eq(mr_results_add_property(r, "command", "npm test"), 0);
    ck_assert_int_eq(mr_results_set_output(r, out, strlen(out), errs, strlen(errs)), 0);
    ck_assert_int_eq(mr_results_add_note(r, "mockrun: 3 requests served"), 0);
}

/* A run whose strings need every kind of escaping, with every element that
 * can be left empty left empty. */
static void fill_escaped(struct mr_results *r)
{
    static const char out[] = "<b>bold</b> & \"quoted\" 'single'\r\nCDATA end: ]]>\ttab "
                              "\x1b[0mreset\n";
    static const char errs[] = "caf\xc3\xa9 \xe2\x9c\x93 \xff\n";

    mr_results_init(r);
    ck_assert_int_eq(mr_results_add_suite(r, "a<b & \"c\"", "x'y\tz.json"), 0);
    r->hostname = strdup("host\n\"1\"");
    r->start_wall_us = WALL_US;
    r->time_s = 0.25;
    add(r, MR_CASE_PASS, "tab\there", NULL, NULL, 0.001);
    add(r, MR_CASE_PASS, "remark", NULL, "passed, but <slow> & \"late\"", 0.002);
    add(r, MR_CASE_PASS, "empty remark", NULL, "", 0.003);
    add(r, MR_CASE_FAIL, "lines\nand\r\ncr", "expected \"1\" < 2 & got 'x'\n",
        "body: {\"a\": \"<&>\"}\r\nend ]]> here\n", 0.004);
    add(r, MR_CASE_FAIL, "no message", NULL, NULL, 0);
    add(r, MR_CASE_ERROR, "empty message", "", "", 0);
    add(r, MR_CASE_SKIP, "no reason", NULL, NULL, 0);
    add(r, MR_CASE_SKIP, "reason", "<not> reached & \"skipped\"\r", NULL, 0);
    ck_assert_int_eq(mr_results_add_property(r, "empty", NULL), 0);
    ck_assert_int_eq(mr_results_add_property(r, "quote\"d", "a=\"1\"\t&b=<2>"), 0);
    ck_assert_int_eq(mr_results_set_output(r, out, strlen(out), errs, strlen(errs)), 0);
    ck_assert_int_eq(mr_results_add_note(r, "note with <markup> & \"quotes\""), 0);
}

/* ---- sanitize ---------------------------------------------------------- */

static void assert_sanitized(const char *in, size_t len, const char *want)
{
    struct mr_buf b;

    mr_buf_init(&b);
    mr_junit_sanitize(&b, in, len);
    ck_assert(!b.failed);
    ck_assert_msg(b.len == strlen(want) && memcmp(b.data ? b.data : "", want, b.len) == 0,
                  "sanitize gave \"%s\" (%zu bytes), want \"%s\"", mr_buf_cstr(&b), b.len, want);
    mr_buf_release(&b);
}

#define SAN(in, want) assert_sanitized(in, sizeof(in) - 1, want)
#define FFFD "\xef\xbf\xbd"

START_TEST(sanitize_table)
{
    SAN("", "");
    SAN("plain text", "plain text");
    SAN("tab\tlf\ncr\r", "tab\tlf\ncr\r");
    SAN("]]><&>\"'", "]]><&>\"'"); /* markup is the writer's job */
    SAN("a\0b", "a\\x00b");
    SAN("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
    SAN("\x01\x08\x0b\x0c\x0e\x1f", "\\x01\\x08\\x0b\\x0c\\x0e\\x1f");
    SAN("\x7f", "\x7f");                         /* DEL is an XML Char */
    SAN("\xc2\x80\xc2\x9f", "\xc2\x80\xc2\x9f"); /* so are C1 controls */
    SAN("caf\xc3\xa9", "caf\xc3\xa9");
    SAN("\xe2\x9c\x93", "\xe2\x9c\x93");
    SAN("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
    SAN("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    SAN("\xed\x9f\xbf", "\xed\x9f\xbf");         /* U+D7FF */
    SAN("\xee\x80\x80", "\xee\x80\x80");         /* U+E000 */
    SAN("\xef\xbf\xbd", FFFD);
    /* Not XML Chars although well-formed: U+FFFE, U+FFFF. */
    SAN("\xef\xbf\xbe", FFFD);
    SAN("\xef\xbf\xbf", FFFD);
    /* Invalid bytes. */
    SAN("\xff", FFFD);
    SAN("a\xfe"
        "b",
        "a" FFFD "b");
    SAN("\x80", FFFD);
    SAN("\xbf\x80", FFFD FFFD);
    SAN("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD);
    /* Overlongs: each byte is its own maximal subpart. */
    SAN("\xc0\x80", FFFD FFFD);
    SAN("\xc1\xbf", FFFD FFFD);
    SAN("\xe0\x80\xaf", FFFD FFFD FFFD);
    SAN("\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD);
    /* Surrogates. */
    SAN("\xed\xa0\x80", FFFD FFFD FFFD);
    SAN("\xed\xbf\xbf", FFFD FFFD FFFD);
    /* Above U+10FFFF. */
    SAN("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
    /* Truncated sequences: one replacement for the valid prefix. */
    SAN("\xf0\x9f\x98", FFFD);
    SAN("\xf0\x9f\x98"
        "A",
        FFFD "A");
    SAN("\xf0\x9f", FFFD);
    SAN("\xe2\x9c", FFFD);
    SAN("\xc3", FFFD);
    SAN("\xe2\x9c\xe2\x9c\x93", FFFD "\xe2\x9c\x93");
    SAN("\xc3\x00", FFFD "\\x00");
    /* A prefix cut by a lead byte, then a valid character. */
    SAN("\xf0\xc3\xa9", FFFD "\xc3\xa9");
}
END_TEST

/* Encodes code point `cp` as UTF-8 into `p`; returns the length. */
static size_t utf8(unsigned long cp, char *p)
{
    if (cp < 0x80) {
        p[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (char)(0xc0 | (cp >> 6));
        p[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        p[0] = (char)(0xe0 | (cp >> 12));
        p[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        p[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    p[0] = (char)(0xf0 | (cp >> 18));
    p[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    p[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    p[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

START_TEST(sanitize_keeps_every_xml_char)
{
    struct mr_buf in, out;
    unsigned long cp;
    char enc[4];

    mr_buf_init(&in);
    mr_buf_init(&out);
    for (cp = 0; cp <= 0x10ffff; cp++) {
        bool xml_char = cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
                        (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
        if (xml_char)
            mr_buf_append(&in, enc, utf8(cp, enc));
    }
    ck_assert(!in.failed);
    mr_junit_sanitize(&out, in.data, in.len);
    ck_assert(!out.failed);
    ck_assert_uint_eq(out.len, in.len);
    ck_assert(memcmp(out.data, in.data, in.len) == 0);
    mr_buf_release(&in);
    mr_buf_release(&out);
}
END_TEST

/* Appends sanitize(in) to `doc`, escaping markup as the XML writer would.
 * `tmp` is scratch space, reused across calls to keep the loops fast. */
static void append_escaped(struct mr_buf *doc, struct mr_buf *tmp, const char *in, size_t len)
{
    size_t i, run = 0;

    mr_buf_reset(tmp);
    mr_junit_sanitize(tmp, in, len);
    ck_assert(!tmp->failed);
    for (i = 0; i < tmp->len; i++) {
        const char *esc = tmp->data[i] == '<'   ? "&lt;"
                          : tmp->data[i] == '&' ? "&amp;"
                          : tmp->data[i] == '>' ? "&gt;"
                                                : NULL;
        if (esc) {
            mr_buf_append(doc, tmp->data + run, i - run);
            mr_buf_puts(doc, esc);
            run = i + 1;
        }
    }
    mr_buf_append(doc, tmp->data + run, tmp->len - run);
}

/* libxml2's parser is strict about UTF-8 and XML Chars: it is the oracle. */
static void assert_parses(struct mr_buf *doc)
{
    xmlDocPtr d;

    ck_assert(!doc->failed);
    d = xmlReadMemory(doc->data, (int)doc->len, "sanitized.xml", "UTF-8",
                      XML_PARSE_NONET | XML_PARSE_HUGE);
    ck_assert_msg(d != NULL, "sanitized bytes are not valid XML character data");
    xmlFreeDoc(d);
}

START_TEST(sanitize_output_always_parses)
{
    struct mr_buf doc, tmp;
    unsigned char in[64];
    unsigned long i, seed = 12345;
    unsigned a, b, c;
    size_t j, len;

    /* Every 1- and 2-byte input. */
    mr_buf_init(&tmp);
    mr_buf_init(&doc);
    mr_buf_puts(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><r><t>");
    for (a = 0; a < 256; a++) {
        for (b = 0; b < 256; b++) {
            in[0] = (unsigned char)a;
            in[1] = (unsigned char)b;
            append_escaped(&doc, &tmp, (const char *)in, 1);
            append_escaped(&doc, &tmp, (const char *)in, 2);
        }
        mr_buf_puts(&doc, "</t><t>");
    }
    mr_buf_puts(&doc, "</t></r>");
    assert_parses(&doc);
    mr_buf_release(&doc);

    /* Every 3-byte input led by a multi-byte lead, then a tail byte. */
    mr_buf_init(&doc);
    mr_buf_puts(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><r><t>");
    for (a = 0xc0; a < 0x100; a++) {
        for (b = 0x70; b < 0xd0; b++) {
            for (c = 0x70; c < 0xd0; c++) {
                in[0] = (unsigned char)a;
                in[1] = (unsigned char)b;
                in[2] = (unsigned char)c;
                append_escaped(&doc, &tmp, (const char *)in, 3);
            }
        }
        mr_buf_puts(&doc, "</t><t>");
    }
    mr_buf_puts(&doc, "</t></r>");
    assert_parses(&doc);
    mr_buf_release(&doc);

    /* Random inputs biased towards UTF-8 lead and continuation bytes. */
    mr_buf_init(&doc);
    mr_buf_puts(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><r><t>");
    for (i = 0; i < 20000; i++) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        len = (seed >> 33) % sizeof(in);
        for (j = 0; j < len; j++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            switch ((seed >> 60) & 3) {
            case 0:
                in[j] = (unsigned char)(seed >> 40);
                break;
            case 1:
                in[j] = (unsigned char)(0x80 | ((seed >> 40) & 0x3f));
                break;
            case 2:
                in[j] = (unsigned char)(0xc0 | ((seed >> 40) & 0x3f));
                break;
            default:
                in[j] = (unsigned char)((seed >> 40) & 0x7f);
                break;
            }
        }
        append_escaped(&doc, &tmp, (const char *)in, len);
        if (i % 1000 == 999)
            mr_buf_puts(&doc, "</t><t>");
    }
    mr_buf_puts(&doc, "</t></r>");
    assert_parses(&doc);
    mr_buf_release(&doc);
    mr_buf_release(&tmp);
}
END_TEST

/* ---- results (the model the writer reads) ---------------------------- */

START_TEST(results_copies_and_grows)
{
    struct mr_results r;
    char name[32];
    int i;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_suite(&r, "first", NULL), 0);
    ck_assert_int_eq(mr_results_add_suite(&r, "second", "second.json"), 0);
    ck_assert_uint_eq(r.nsuites, 2);
    ck_assert_str_eq(r.suites[1].name, "second");
    ck_assert_str_eq(r.suites[1].classname, "second.json");
    ck_assert_str_eq(mr_results_classname(&r, 0), "first");
    for (i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "case %d", i);
        ck_assert_int_eq(mr_results_add_case(&r, (enum mr_case_status)(i % 4), name, NULL, NULL),
                         0);
        snprintf(name, sizeof(name), "prop %d", i);
        ck_assert_int_eq(mr_results_add_property(&r, name, i % 2 ? name : NULL), 0);
    }
    ck_assert_uint_eq(r.ncases, 100);
    ck_assert_uint_eq(r.nprops, 100);
    ck_assert_str_eq(r.cases[99].name, "case 99");
    ck_assert_ptr_null(r.cases[99].message);
    ck_assert_str_eq(r.props[98].value, ""); /* a NULL value is stored as "" */
    ck_assert_uint_eq(mr_results_count(&r, MR_CASE_PASS), 25);
    ck_assert_uint_eq(mr_results_count(&r, MR_CASE_SKIP), 25);

    ck_assert_int_eq(mr_results_set_output(&r, "a\0b", 3, NULL, 0), 0);
    ck_assert_uint_eq(r.out_len, 3);
    ck_assert(memcmp(r.out, "a\0b", 4) == 0);
    ck_assert_ptr_null(r.err);
    ck_assert_int_eq(mr_results_set_output(&r, NULL, 0, "e", 1), 0);
    ck_assert_ptr_null(r.out);
    ck_assert_uint_eq(r.out_len, 0);
    ck_assert_str_eq(r.err, "e");

    ck_assert_int_eq(mr_results_add_note(&r, "one"), 0);
    ck_assert_int_eq(mr_results_add_note(&r, "two"), 0);
    ck_assert_str_eq(r.notes, "one\ntwo\n");
    mr_results_release(&r);
    ck_assert_uint_eq(r.ncases, 0);
    ck_assert_ptr_null(r.cases);
    mr_results_release(&r); /* twice is fine */
}
END_TEST

/* ---- schema ------------------------------------------------------------ */

START_TEST(schema_mixed)
{
    struct mr_results r;
    xmlDocPtr doc;

    fill_mixed(&r);
    write_ok(&r, in_dir("mixed.xml"));
    doc = parse_valid(in_dir("mixed.xml"));
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(schema_each_status)
{
    static const enum mr_case_status all[] = {MR_CASE_PASS, MR_CASE_FAIL, MR_CASE_ERROR,
                                              MR_CASE_SKIP};
    static const char *const tags[] = {NULL, "failure", "error", "skipped"};
    size_t i;

    for (i = 0; i < 4; i++) {
        struct mr_results r;
        xmlNodePtr suite, tc;
        xmlDocPtr doc;

        mr_results_init(&r);
        ck_assert_int_eq(mr_results_add_suite(&r, "one", NULL), 0);
        /* Message and detail absent: the elements must still be valid. */
        add(&r, all[i], "the case", NULL, NULL, 0.5);
        write_ok(&r, in_dir("one.xml"));
        doc = parse_valid(in_dir("one.xml"));
        suite = suite_of(doc);
        ck_assert_int_eq(count_children(suite, "properties"), 0);
        tc = child(suite, "testcase", 0);
        ck_assert_ptr_nonnull(tc);
        assert_prop(tc, "classname", "one"); /* falls back to the suite */
        assert_prop(tc, "time", "0.500");
        ck_assert_int_eq(count_children(tc, "failure"), i == 1);
        ck_assert_int_eq(count_children(tc, "error"), i == 2);
        ck_assert_int_eq(count_children(tc, "skipped"), i == 3);
        if (tags[i])
            ck_assert_ptr_nonnull(child(tc, tags[i], 0));
        xmlFreeDoc(doc);
        mr_results_release(&r);
    }
}
END_TEST

START_TEST(schema_empty_run)
{
    struct mr_results r;
    xmlNodePtr suite;
    xmlDocPtr doc;

    mr_results_init(&r); /* no suite, no cases, no output */
    write_ok(&r, in_dir("empty.xml"));
    doc = parse_valid(in_dir("empty.xml"));
    suite = suite_of(doc);
    assert_prop(suite, "name", "mockrun");
    assert_prop(suite, "tests", "0");
    assert_prop(suite, "skipped", "0");
    ck_assert_int_eq(count_children(suite, "testcase"), 0);
    assert_content(child(suite, "system-out", 0), "");
    assert_content(child(suite, "system-err", 0), "");
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(schema_many_cases)
{
    struct mr_results r;
    xmlNodePtr suite;
    xmlDocPtr doc;
    char name[32];
    int i;

    mr_results_init(&r);
    for (i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "case %d", i);
        add(&r, (enum mr_case_status)(i % 4), name, "m", "d", 0.001 * i);
    }
    write_ok(&r, in_dir("many.xml"));
    doc = parse_valid(in_dir("many.xml"));
    suite = suite_of(doc);
    assert_prop(suite, "tests", "1000");
    assert_prop(suite, "failures", "250");
    assert_prop(suite, "errors", "250");
    assert_prop(suite, "skipped", "250");
    ck_assert_int_eq(count_children(suite, "testcase"), 1000);
    assert_prop(child(suite, "testcase", 999), "name", "case 999");
    assert_prop(child(suite, "testcase", 999), "time", "0.999");
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

/* ---- counts ------------------------------------------------------------ */

START_TEST(counts_attributes)
{
    struct mr_results r;
    xmlNodePtr root, suite, tc;
    xmlDocPtr doc;

    mr_results_init(&r);
    add(&r, MR_CASE_PASS, "p1", NULL, NULL, 0);
    add(&r, MR_CASE_FAIL, "f1", "m1", NULL, 0);
    add(&r, MR_CASE_PASS, "p2", NULL, NULL, 0);
    add(&r, MR_CASE_FAIL, "f2", "m2", "d2", 0);
    add(&r, MR_CASE_SKIP, "s1", NULL, NULL, 0);
    add(&r, MR_CASE_FAIL, "f3", "m3", NULL, 0);
    add(&r, MR_CASE_ERROR, "e1", "m4", "d4", 0);
    add(&r, MR_CASE_SKIP, "s2", "why", NULL, 0);
    write_ok(&r, in_dir("counts.xml"));
    doc = parse_valid(in_dir("counts.xml"));
    root = xmlDocGetRootElement(doc);
    assert_prop(root, "tests", "8");
    assert_prop(root, "failures", "3");
    assert_prop(root, "errors", "1");
    suite = suite_of(doc);
    assert_prop(suite, "tests", "8");
    assert_prop(suite, "failures", "3");
    assert_prop(suite, "errors", "1");
    assert_prop(suite, "skipped", "2");
    ck_assert_int_eq(count_children(suite, "testcase"), 8);

    tc = child(suite, "testcase", 3);
    assert_prop(tc, "name", "f2");
    assert_prop(child(tc, "failure", 0), "message", "m2");
    assert_prop(child(tc, "failure", 0), "type", "AssertionFailed");
    assert_content(child(tc, "failure", 0), "d2");
    tc = child(suite, "testcase", 6);
    assert_prop(child(tc, "error", 0), "message", "m4");
    assert_prop(child(tc, "error", 0), "type", "Error");
    assert_content(child(tc, "error", 0), "d4");
    tc = child(suite, "testcase", 7);
    assert_content(child(tc, "skipped", 0), "why");
    ck_assert_int_eq(count_children(child(suite, "testcase", 0), "failure"), 0);
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

/* Several scenario files: a <testsuite> each, with its own cases and counts,
 * the command's output in the first only; valid against the schema. */
START_TEST(suites_per_file)
{
    struct mr_results r;
    xmlNodePtr root, a, b;
    xmlDocPtr doc;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_suite(&r, "auth", "auth.json"), 0);
    add(&r, MR_CASE_PASS, "login is called", NULL, NULL, 0);
    add(&r, MR_CASE_PASS, "the command exits with code 0", NULL, NULL, 0);
    ck_assert_int_eq(mr_results_add_suite(&r, "checkout", "checkout.json"), 0);
    add(&r, MR_CASE_FAIL, "charge is called", "called 0 times", NULL, 0);
    add(&r, MR_CASE_SKIP, "later", NULL, NULL, 0);
    ck_assert_int_eq(mr_results_add_property(&r, "mockrun.seed", "1"), 0);
    ck_assert_int_eq(mr_results_set_output(&r, "out\n", 4, "err\n", 4), 0);
    write_ok(&r, in_dir("suites.xml"));
    doc = parse_valid(in_dir("suites.xml"));
    root = xmlDocGetRootElement(doc);
    assert_prop(root, "tests", "4");
    assert_prop(root, "failures", "1");
    ck_assert_int_eq(count_children(root, "testsuite"), 2);
    a = child(root, "testsuite", 0);
    b = child(root, "testsuite", 1);
    assert_prop(a, "name", "auth");
    assert_prop(a, "tests", "2");
    assert_prop(a, "failures", "0");
    assert_prop(b, "name", "checkout");
    assert_prop(b, "tests", "2");
    assert_prop(b, "failures", "1");
    assert_prop(b, "skipped", "1");
    assert_prop(child(a, "testcase", 0), "classname", "auth.json");
    assert_prop(child(b, "testcase", 0), "classname", "checkout.json");
    assert_prop(child(b, "testcase", 0), "name", "charge is called");
    ck_assert_int_eq(count_children(a, "properties"), 1);
    ck_assert_int_eq(count_children(b, "properties"), 1);
    assert_content(child(a, "system-out", 0), "out\n");
    ck_assert_int_eq(count_children(b, "system-out"), 0);
    ck_assert_int_eq(count_children(b, "system-err"), 0);
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

/* ---- format ------------------------------------------------------------ */

/* Writes the run `fill` makes and compares the file with a golden report, byte
 * for byte; on a difference, shows where it starts. */
static void assert_golden(void (*fill)(struct mr_results *r), const char *fixture)
{
    char golden[512];
    struct mr_results r;
    char *got, *want;
    size_t glen, wlen, i;

    snprintf(golden, sizeof(golden), "%s/reports/%s", MOCKRUN_TEST_FIXTURES, fixture);
    fill(&r);
    write_ok(&r, in_dir(fixture));
    got = slurp(in_dir(fixture), &glen);
    want = slurp(golden, &wlen);
    for (i = 0; i < glen && i < wlen && got[i] == want[i]; i++)
        ;
    ck_assert_msg(glen == wlen && i == glen,
                  "report differs from %s at byte %zu (got %zu bytes, want %zu); got:\n%s", golden,
                  i, glen, wlen, got);
    free(got);
    free(want);
    xmlFreeDoc(parse_valid(in_dir(fixture)));
    mr_results_release(&r);
}

START_TEST(format_golden)
{
    assert_golden(fill_mixed, "mixed.xml");
}
END_TEST

START_TEST(format_golden_escaped)
{
    assert_golden(fill_escaped, "escaped.xml");
}
END_TEST

START_TEST(format_fields)
{
    struct mr_results r;
    xmlNodePtr root, suite, props;
    xmlDocPtr doc;
    char *text;
    size_t len;

    fill_mixed(&r);
    write_ok(&r, in_dir("mixed.xml"));
    text = slurp(in_dir("mixed.xml"), &len);
    ck_assert(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
    free(text);

    doc = parse_valid(in_dir("mixed.xml"));
    root = xmlDocGetRootElement(doc);
    assert_prop(root, "name", "mockrun");
    assert_prop(root, "time", "1.500");
    suite = suite_of(doc);
    assert_prop(suite, "name", "checkout");
    assert_prop(suite, "time", "1.500");
    assert_prop(suite, "timestamp", "2026-11-25T12:30:57");
    assert_prop(suite, "hostname", "ci-runner-7");
    assert_prop(child(suite, "testcase", 0), "time", "0.123");
    assert_prop(child(suite, "testcase", 0), "classname", "checkout.json");
    assert_prop(child(suite, "testcase", 2), "time", "0.002");
    assert_prop(child(suite, "testcase", 3), "time", "0.000"); /* negative */
    props = child(suite, "properties", 0);
    ck_assert_int_eq(count_children(props, "property"), 2);
    assert_prop(child(props, "property", 1), "name", "command");
    assert_prop(child(props, "property", 1), "value", "npm test");
    assert_content(child(suite, "system-out", 0),
                   "server ready\nGET /users -> 200\nmockrun: 3 requests served\n");
    assert_content(child(suite, "system-err", 0), "warning: slow start\n");
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

/* A case that knows where its check is written carries file= and line= (GitLab's and
 * pytest's attributes); one with a file but no line, file= alone; others neither. */
START_TEST(format_file_and_line)
{
    struct mr_results r;
    xmlNodePtr suite, tc;
    xmlDocPtr doc;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_suite(&r, "s", "s.json"), 0);
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_FAIL, "a", "s.json:12: wrong", NULL), 0);
    r.cases[0].file = strdup("dir/s.json");
    r.cases[0].line = 12;
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_PASS, "b", NULL, NULL), 0);
    r.cases[1].file = strdup("s.json");
    ck_assert_int_eq(mr_results_add_case(&r, MR_CASE_PASS, "c", NULL, NULL), 0);
    write_ok(&r, in_dir("where.xml"));
    doc = xmlReadFile(in_dir("where.xml"), NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    suite = suite_of(doc);
    tc = child(suite, "testcase", 0);
    assert_prop(tc, "file", "dir/s.json");
    assert_prop(tc, "line", "12");
    tc = child(suite, "testcase", 1);
    assert_prop(tc, "file", "s.json");
    ck_assert(!xmlHasProp(tc, BAD_CAST "line"));
    tc = child(suite, "testcase", 2);
    ck_assert(!xmlHasProp(tc, BAD_CAST "file") && !xmlHasProp(tc, BAD_CAST "line"));
    xmlFreeDoc(doc);
    xmlFreeDoc(parse_valid(in_dir("where.xml"))); /* valid but for those two */
    mr_results_release(&r);
}
END_TEST

START_TEST(format_notes_after_unterminated_output)
{
    struct mr_results r;
    xmlDocPtr doc;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_set_output(&r, "no newline", 10, NULL, 0), 0);
    ck_assert_int_eq(mr_results_add_note(&r, "note 1"), 0);
    ck_assert_int_eq(mr_results_add_note(&r, "note 2"), 0);
    write_ok(&r, in_dir("notes.xml"));
    doc = parse_valid(in_dir("notes.xml"));
    assert_content(child(suite_of(doc), "system-out", 0), "no newline\nnote 1\nnote 2\n");
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(format_default_host_and_time)
{
    struct mr_results r;
    xmlNodePtr suite;
    xmlDocPtr doc;
    xmlChar *stamp, *host;
    char want_host[256];

    mr_results_init(&r); /* hostname NULL, start_wall_us 0 */
    write_ok(&r, in_dir("defaults.xml"));
    doc = parse_valid(in_dir("defaults.xml"));
    suite = suite_of(doc);
    stamp = xmlGetProp(suite, (const xmlChar *)"timestamp");
    host = xmlGetProp(suite, (const xmlChar *)"hostname");
    ck_assert_ptr_nonnull(stamp);
    ck_assert_uint_eq(strlen((const char *)stamp), 19);
    ck_assert_msg(strncmp((const char *)stamp, "1970", 4) != 0, "timestamp %s", stamp);
    ck_assert_int_eq(gethostname(want_host, sizeof(want_host)), 0);
    want_host[sizeof(want_host) - 1] = '\0';
    ck_assert_str_eq((const char *)host, want_host);
    xmlFree(stamp);
    xmlFree(host);
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

/* ---- escape ------------------------------------------------------------ */

/* Writes `r` to `name` and returns the file's text (caller frees). */
static char *write_text(struct mr_results *r, const char *name)
{
    size_t len;

    write_ok(r, in_dir(name));
    return slurp(in_dir(name), &len);
}

static void assert_has(const char *text, const char *want)
{
    ck_assert_msg(strstr(text, want) != NULL, "report lacks\n%s\ngot:\n%s", want, text);
}

START_TEST(escape_attributes)
{
    static const char name[] = "tab\tlf\ncr\rcrlf\r\nquote\"apos'";
    static const char msg[] = "<lt >gt &amp; ]]> \xc3\xa9";
    struct mr_results r;
    xmlNodePtr tc;
    xmlDocPtr doc;
    char *text;

    mr_results_init(&r);
    r.hostname = strdup("h");
    add(&r, MR_CASE_FAIL, name, msg, NULL, 0);
    ck_assert_int_eq(mr_results_add_property(&r, "p", "a\"b\"\t<c>&d"), 0);
    text = write_text(&r, "attr.xml");
    /* Tab, LF and CR as references: attribute-value normalization would make
     * them spaces. ' needs nothing inside double quotes; UTF-8 stays as is. */
    assert_has(text, "<testcase name=\"tab&#9;lf&#10;cr&#13;crlf&#13;&#10;quote&quot;apos'\"");
    assert_has(text, "<failure message=\"&lt;lt &gt;gt &amp;amp; ]]&gt; \xc3\xa9\" "
                     "type=\"AssertionFailed\"/>\n");
    assert_has(text, "<property name=\"p\" value=\"a&quot;b&quot;&#9;&lt;c&gt;&amp;d\"/>\n");
    free(text);

    doc = parse_valid(in_dir("attr.xml"));
    tc = child(suite_of(doc), "testcase", 0);
    assert_prop(tc, "name", name);
    assert_prop(child(tc, "failure", 0), "message", msg);
    assert_prop(child(child(suite_of(doc), "properties", 0), "property", 0), "value",
                "a\"b\"\t<c>&d");
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(escape_text)
{
    static const char detail[] = "a < b && c > d ]]> \"q\" 'a'\ttab\nlf\r\ncrlf\rcr";
    static const char out[] = "<&>]]>\n";
    static const char errs[] = "\"e\"\r\n";
    struct mr_results r;
    xmlNodePtr suite, tc;
    xmlDocPtr doc;
    char *text;

    mr_results_init(&r);
    r.hostname = strdup("h");
    add(&r, MR_CASE_FAIL, "f", "m", detail, 0);
    add(&r, MR_CASE_SKIP, "s", "<why> & how", NULL, 0);
    ck_assert_int_eq(mr_results_set_output(&r, out, strlen(out), errs, strlen(errs)), 0);
    text = write_text(&r, "text.xml");
    /* & < > always; " as libxml2 did; CR as a reference, since parsers turn CR
     * and CR LF into LF; tab and LF as they are; no indentation in text. */
    assert_has(text, "<failure message=\"m\" type=\"AssertionFailed\">a &lt; b &amp;&amp; c &gt; d "
                     "]]&gt; &quot;q&quot; 'a'\ttab\nlf&#13;\ncrlf&#13;cr</failure>\n");
    assert_has(text, "      <skipped>&lt;why&gt; &amp; how</skipped>\n");
    assert_has(text, "    <system-out>&lt;&amp;&gt;]]&gt;\n</system-out>\n");
    assert_has(text, "    <system-err>&quot;e&quot;&#13;\n</system-err>\n");
    free(text);

    doc = parse_valid(in_dir("text.xml"));
    suite = suite_of(doc);
    tc = child(suite, "testcase", 0);
    assert_content(child(tc, "failure", 0), detail);
    assert_content(child(child(suite, "testcase", 1), "skipped", 0), "<why> & how");
    assert_content(child(suite, "system-out", 0), out);
    assert_content(child(suite, "system-err", 0), errs);
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(escape_empty_elements)
{
    struct mr_results r;
    char *text;

    /* No content at all gives <a/>, as libxml2 wrote it; no message, no attribute. */
    mr_results_init(&r);
    r.hostname = strdup("h");
    add(&r, MR_CASE_FAIL, "f", NULL, NULL, 0);
    add(&r, MR_CASE_ERROR, "e", NULL, "", 0);
    add(&r, MR_CASE_SKIP, "s", NULL, NULL, 0);
    add(&r, MR_CASE_PASS, "p", NULL, "", 0);
    text = write_text(&r, "empty.xml");
    assert_has(text,
               "time=\"0.000\">\n      <failure type=\"AssertionFailed\"/>\n    </testcase>\n");
    assert_has(text, "time=\"0.000\">\n      <error type=\"Error\"/>\n    </testcase>\n");
    assert_has(text, "time=\"0.000\">\n      <skipped/>\n    </testcase>\n");
    assert_has(text, "time=\"0.000\">\n      <system-out/>\n    </testcase>\n");
    assert_has(text, "    <system-out/>\n    <system-err/>\n  </testsuite>\n</testsuites>\n");
    free(text);
    xmlFreeDoc(parse_valid(in_dir("empty.xml")));
    mr_results_release(&r);
}
END_TEST

/* ---- terminal output --------------------------------------------------- */

static void assert_stripped(const char *in, size_t len, const char *want, size_t want_len)
{
    struct mr_buf b, again;

    mr_buf_init(&b);
    mr_buf_init(&again);
    mr_results_strip_terminal(&b, in, len);
    ck_assert(!b.failed);
    ck_assert_msg(b.len == want_len && memcmp(b.data ? b.data : "", want, b.len) == 0,
                  "strip gave \"%s\" (%zu bytes), want \"%s\"", mr_buf_cstr(&b), b.len, want);
    /* stripping twice changes nothing */
    mr_results_strip_terminal(&again, b.data, b.len);
    ck_assert(again.len == b.len && memcmp(mr_buf_cstr(&again), mr_buf_cstr(&b), b.len) == 0);
    mr_buf_release(&again);
    mr_buf_release(&b);
}

#define STRIP(in, want) assert_stripped(in, sizeof(in) - 1, want, sizeof(want) - 1)

START_TEST(strip_table)
{
    STRIP("", "");
    STRIP("plain text\n", "plain text\n");
    /* colours, as FORCE_COLOR and a tty give them */
    STRIP("\x1b[31mred\x1b[0m \x1b[1;38;5;208mbold\x1b[m", "red bold");
    STRIP("\x1b[38:2:255:0:0mtruecolor\x1b[39m", "truecolor");
    /* cursor moves and erases, as progress bars write them */
    STRIP("\x1b[2K\x1b[1G50%\r\x1b[2K\x1b[1G100%\n", "50%\r100%\n");
    STRIP("\x1b[?25l\x1b[?25h\x1b[>4;1m\x1b[ q", "");
    /* CR LF, CR CR LF become LF; a lone CR stays */
    STRIP("a\r\nb\r\r\nc\rd\n", "a\nb\nc\rd\n");
    STRIP("a\r\x1b[K\n", "a\n");
    STRIP("\r\n\r\n", "\n\n");
    /* OSC: titles and hyperlinks, ended by BEL or ST */
    STRIP("\x1b]0;title\x07text", "text");
    STRIP("\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\ end", "link end");
    STRIP("\x1b]0;caf\xc3\xa9\x07!", "!");
    /* DCS, SOS, PM, APC */
    STRIP("a\x1bPq#0;2;0;0;0\x1b\\b\x1bXsos\x1b\\c\x1b^pm\x07\x1b_apc\x1b\\d", "abcd");
    /* an OSC left open ends at the end of the line, which is kept */
    STRIP("\x1b]0;no end\nnext line\n", "\nnext line\n");
    /* another ESC ends a string and starts a sequence of its own */
    STRIP("\x1b]0;t\x1b[31mred", "red");
    /* two-byte escapes and nF escapes (charset selection: tput sgr0) */
    STRIP("\x1b(B\x1b[m\x1b"
          "7\x1b"
          "8\x1b=\x1b>\x1b"
          "c\x1bM.",
          ".");
    STRIP("\x1b#8\x1b%G\x1b)0x", "x");
    /* controls inside a sequence are executed (kept), the sequence goes on */
    STRIP("\x1b[3\n1mx", "\nx");
    STRIP("\x1b[\r\nm", "\n");
    /* CAN and SUB cancel; DEL is ignored inside */
    STRIP("\x1b[31\x18x\x1b[3\x1ay", "xy");
    STRIP("\x1b[3\x7f"
          "1mz",
          "z");
    /* an ESC that starts nothing */
    STRIP("end\x1b", "end");
    STRIP("\x1b\x1b[1mx", "x");
    /* a byte above 0x7F ends a CSI or an escape and is kept */
    STRIP("\x1b[3\xc3\xa9", "\xc3\xa9");
    STRIP("\x1b\xc3\xa9", "\xc3\xa9");
    /* other control bytes are left to the report's sanitizer */
    STRIP("a\0b\x01\t\x7f", "a\0b\x01\t\x7f");
}
END_TEST

START_TEST(strip_c1_csi_outside_utf8)
{
    /* the 8-bit CSI */
    STRIP("\x9b"
          "31mred\x9b"
          "0m",
          "red");
    /* 0x9B continuing a UTF-8 sequence is text: U+00DB, U+26DB, U+1F69B */
    STRIP("\xc3\x9b"
          "31m",
          "\xc3\x9b"
          "31m");
    STRIP("\xe2\x9b\x9b"
          "1m",
          "\xe2\x9b\x9b"
          "1m");
    STRIP("\xf0\x9f\x9a\x9b"
          "m",
          "\xf0\x9f\x9a\x9b"
          "m");
    /* ... also a cut-short one, which the sanitizer makes one U+FFFD */
    STRIP("\xe2\x9b"
          "1m",
          "\xe2\x9b"
          "1m");
    /* not after a byte that cannot lead to it: E0 needs A0-BF next */
    STRIP("\xe0\x9b"
          "1mx",
          "\xe0x");
    STRIP("\x80\x9b"
          "1mx",
          "\x80x");
    /* a lead cut by a sequence, then a stray 0x9B */
    STRIP("\xc2\x1b[m\x9b"
          "1mx",
          "\xc2x");
}
END_TEST

START_TEST(captured_mark_and_strip)
{
    struct mr_results r;
    static const char out[] = "\x1b[32mok\x1b[0m\r\n";
    xmlDocPtr doc;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_set_captured(&r, out, sizeof(out) - 1, 0, NULL, 0, 0), 0);
    ck_assert_str_eq(r.out, "ok\n");
    ck_assert_uint_eq(r.out_len, 3);
    ck_assert_ptr_null(r.err);
    ck_assert_uint_eq(r.err_len, 0);

    /* the mark comes first, then the tail that was kept */
    ck_assert_int_eq(mr_results_set_captured(&r, "ine\nlast\n", 9, 1234567, "e", 1, 5), 0);
    ck_assert_str_eq(r.out, "[mockrun: 1234567 earlier bytes dropped]\nine\nlast\n");
    ck_assert_uint_eq(r.out_len, strlen(r.out));
    ck_assert_str_eq(r.err, "[mockrun: 5 earlier bytes dropped]\ne");

    /* all of it dropped (a capture of 0 bytes): the mark alone */
    ck_assert_int_eq(mr_results_set_captured(&r, "", 0, 42, NULL, 0, 0), 0);
    ck_assert_str_eq(r.out, "[mockrun: 42 earlier bytes dropped]\n");

    /* through the writer: no escape left in the report */
    ck_assert_int_eq(mr_results_set_captured(&r, out, sizeof(out) - 1, 7, out, sizeof(out) - 1, 0),
                     0);
    write_ok(&r, in_dir("captured.xml"));
    doc = parse_valid(in_dir("captured.xml"));
    assert_content(child(suite_of(doc), "system-out", 0),
                   "[mockrun: 7 earlier bytes dropped]\nok\n");
    assert_content(child(suite_of(doc), "system-err", 0), "ok\n");
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

/* ---- nasty bytes ------------------------------------------------------- */

/* Every hostile byte pattern from the brief, in one string. */
static const char nasty[] =
    "nul\0esc\x1b[31mred\x1b[0m ff\xff overlong\xc0\x80 surrogate\xed\xa0\x80"
    " cdata]]> markup<&>\"' trunc\xf0\x9f\x98";
static const char nasty_clean[] = "nul\\x00esc\\x1b[31mred\\x1b[0m ff" FFFD " overlong" FFFD FFFD
                                  " surrogate" FFFD FFFD FFFD " cdata]]> markup<&>\"' trunc" FFFD;

START_TEST(nasty_everywhere)
{
    struct mr_results r;
    xmlNodePtr suite, tc, prop;
    xmlDocPtr doc;
    char *text;
    size_t len;
    /* NUL-terminated fields stop at the NUL: use the part after it there. */
    const char *cstr = nasty + 4;
    const char *cstr_clean = nasty_clean + 7;

    mr_results_init(&r);
    ck_assert_int_eq(mr_results_add_suite(&r, cstr, cstr), 0);
    r.hostname = strdup(cstr);
    add(&r, MR_CASE_FAIL, cstr, cstr, cstr, 0);
    add(&r, MR_CASE_ERROR, cstr, cstr, cstr, 0);
    add(&r, MR_CASE_SKIP, cstr, cstr, NULL, 0);
    add(&r, MR_CASE_PASS, "nul\0hidden", NULL, NULL, 0);
    ck_assert_int_eq(mr_results_add_property(&r, cstr, cstr), 0);
    ck_assert_int_eq(mr_results_set_output(&r, nasty, sizeof(nasty) - 1, nasty, sizeof(nasty) - 1),
                     0);
    ck_assert_int_eq(mr_results_add_note(&r, cstr), 0);
    write_ok(&r, in_dir("nasty.xml"));

    text = slurp(in_dir("nasty.xml"), &len);
    ck_assert_uint_eq(strlen(text), len); /* no NUL in the file */
    ck_assert_ptr_nonnull(strstr(text, "\\x00"));
    ck_assert_ptr_nonnull(strstr(text, "\\x1b[31m"));
    ck_assert_ptr_nonnull(strstr(text, FFFD));
    ck_assert_ptr_nonnull(strstr(text, "]]&gt;"));
    ck_assert_ptr_nonnull(strstr(text, "&lt;&amp;&gt;"));
    ck_assert_ptr_null(strstr(text, "\x1b"));
    ck_assert_ptr_null(strstr(text, "\xff"));
    ck_assert_ptr_null(strstr(text, "\xc0\x80"));
    ck_assert_ptr_null(strstr(text, "\xed\xa0\x80"));
    free(text);

    doc = parse_valid(in_dir("nasty.xml"));
    suite = suite_of(doc);
    assert_prop(suite, "name", cstr_clean);
    assert_prop(suite, "hostname", cstr_clean);
    tc = child(suite, "testcase", 0);
    assert_prop(tc, "name", cstr_clean);
    assert_prop(tc, "classname", cstr_clean);
    assert_prop(child(tc, "failure", 0), "message", cstr_clean);
    assert_content(child(tc, "failure", 0), cstr_clean);
    tc = child(suite, "testcase", 1);
    assert_prop(child(tc, "error", 0), "message", cstr_clean);
    assert_content(child(tc, "error", 0), cstr_clean);
    assert_content(child(child(suite, "testcase", 2), "skipped", 0), cstr_clean);
    assert_prop(child(suite, "testcase", 3), "name", "nul");
    prop = child(child(suite, "properties", 0), "property", 0);
    assert_prop(prop, "name", cstr_clean);
    assert_prop(prop, "value", cstr_clean);
    {
        char want[512];
        snprintf(want, sizeof(want), "%s\n%s\n", nasty_clean, cstr_clean);
        assert_content(child(suite, "system-out", 0), want);
    }
    assert_content(child(suite, "system-err", 0), nasty_clean);
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

START_TEST(nasty_whitespace_in_attributes)
{
    struct mr_results r;
    xmlDocPtr doc;

    /* Newlines, tabs and CRs survive attribute-value normalization (&#10;...). */
    mr_results_init(&r);
    add(&r, MR_CASE_FAIL, "a\tb", "line 1\nline 2\r\n", "x\r\ny", 0);
    write_ok(&r, in_dir("ws.xml"));
    doc = parse_valid(in_dir("ws.xml"));
    assert_prop(child(suite_of(doc), "testcase", 0), "name", "a\tb");
    assert_prop(child(child(suite_of(doc), "testcase", 0), "failure", 0), "message",
                "line 1\nline 2\r\n");
    assert_content(child(child(suite_of(doc), "testcase", 0), "failure", 0), "x\r\ny");
    xmlFreeDoc(doc);
    mr_results_release(&r);
}
END_TEST

/* ---- atomic ------------------------------------------------------------ */

START_TEST(atomic_missing_folder)
{
    struct mr_results r;
    struct mr_error err;
    char want[600];
    const char *path = in_dir("out/x.xml");

    fill_mixed(&r);
    ck_assert_int_eq(mr_junit_write(&r, path, &err), MR_ESETUP);
    snprintf(want, sizeof(want), "cannot write report '%s': No such file or directory", path);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(count_entries(), 0);
    mr_results_release(&r);
}
END_TEST

START_TEST(atomic_replaces_existing)
{
    struct mr_results r;
    xmlDocPtr doc;
    FILE *f;

    f = fopen(in_dir("x.xml"), "w");
    ck_assert_ptr_nonnull(f);
    fputs("old report", f);
    fclose(f);
    fill_mixed(&r);
    write_ok(&r, in_dir("x.xml"));
    doc = parse_valid(in_dir("x.xml"));
    xmlFreeDoc(doc);
    ck_assert_int_eq(count_entries(), 1); /* no temp file left */
    mr_results_release(&r);
}
END_TEST

START_TEST(atomic_failure_keeps_existing)
{
    static char big[256 * 1024];
    struct rlimit rl = {.rlim_cur = 16384, .rlim_max = RLIM_INFINITY};
    struct mr_results r;
    struct mr_error err;
    size_t len;
    char *text;
    FILE *f;

    f = fopen(in_dir("x.xml"), "w");
    ck_assert_ptr_nonnull(f);
    fputs("old report", f);
    fclose(f);

    /* A file size limit makes the write fail half-way (EFBIG), as a full disk
     * would, without needing one; this test runs in its own forked process. */
    memset(big, 'o', sizeof(big));
    fill_mixed(&r);
    ck_assert_int_eq(mr_results_set_output(&r, big, sizeof(big), NULL, 0), 0);
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    ck_assert_int_eq(mr_junit_write(&r, in_dir("x.xml"), &err), MR_ESETUP);
    ck_assert_int_eq(err.sys_errno, EFBIG);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot write report '"));

    text = slurp(in_dir("x.xml"), &len);
    ck_assert_str_eq(text, "old report");
    free(text);
    ck_assert_int_eq(count_entries(), 1); /* the temp file is gone */
    mr_results_release(&r);
}
END_TEST

START_TEST(atomic_dev_full_rejected)
{
    struct mr_results r;
    struct mr_error err;
    struct stat st;

    fill_mixed(&r);
    ck_assert_int_eq(mr_junit_write(&r, "/dev/full", &err), MR_ESETUP);
    ck_assert_str_eq(err.msg, "cannot write report '/dev/full': not a regular file");
    ck_assert_int_eq(stat("/dev/full", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    mr_results_release(&r);
}
END_TEST

START_TEST(atomic_directory_rejected)
{
    struct mr_results r;
    struct mr_error err;
    char want[600];

    fill_mixed(&r);
    ck_assert_int_eq(mr_junit_write(&r, dir, &err), MR_ESETUP);
    snprintf(want, sizeof(want), "cannot write report '%s': Is a directory", dir);
    ck_assert_str_eq(err.msg, want);
    mr_results_release(&r);
}
END_TEST

static Suite *junit_suite(void)
{
    Suite *s = suite_create("junit");
    TCase *tc;

    tc = tcase_create("sanitize");
    tcase_add_test(tc, sanitize_table);
    tcase_add_test(tc, sanitize_keeps_every_xml_char);
    tcase_add_test(tc, sanitize_output_always_parses);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("results");
    tcase_add_test(tc, results_copies_and_grows);
    suite_add_tcase(s, tc);

    tc = tcase_create("terminal");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, strip_table);
    tcase_add_test(tc, strip_c1_csi_outside_utf8);
    tcase_add_test(tc, captured_mark_and_strip);
    suite_add_tcase(s, tc);

    tc = tcase_create("schema");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, schema_mixed);
    tcase_add_test(tc, schema_each_status);
    tcase_add_test(tc, schema_empty_run);
    tcase_add_test(tc, schema_many_cases);
    tcase_set_timeout(tc, 30); /* 1000 cases validated, under ASan on a busy runner */
    suite_add_tcase(s, tc);

    tc = tcase_create("counts");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, counts_attributes);
    tcase_add_test(tc, suites_per_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, format_golden);
    tcase_add_test(tc, format_golden_escaped);
    tcase_add_test(tc, format_fields);
    tcase_add_test(tc, format_file_and_line);
    tcase_add_test(tc, format_notes_after_unterminated_output);
    tcase_add_test(tc, format_default_host_and_time);
    suite_add_tcase(s, tc);

    tc = tcase_create("escape");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, escape_attributes);
    tcase_add_test(tc, escape_text);
    tcase_add_test(tc, escape_empty_elements);
    suite_add_tcase(s, tc);

    tc = tcase_create("nasty");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, nasty_everywhere);
    tcase_add_test(tc, nasty_whitespace_in_attributes);
    suite_add_tcase(s, tc);

    tc = tcase_create("atomic");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, atomic_missing_folder);
    tcase_add_test(tc, atomic_replaces_existing);
    tcase_add_test(tc, atomic_failure_keeps_existing);
    tcase_add_test(tc, atomic_dev_full_rejected);
    tcase_add_test(tc, atomic_directory_rejected);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(junit_suite());
    int failed;

    xmlInitParser();
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    xmlCleanupParser();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
