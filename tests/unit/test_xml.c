/*
 * test_xml.c - libxml2 loaded when a report needs it (common/xml.h): the
 * table is complete and usable, loads are shared, a preload is waited for,
 * and mockrun itself does not link libxml2.
 *
 * Built twice: test_xml against Debian's libxml2, and test_xml_missing with
 * xml.c compiled for a soname that does not exist (MR_XML_TEST_MISSING), to
 * check the message a machine without libxml2 gets. Neither links libxml2.
 * Run one case with CK_RUN_CASE=load; debug with CK_FORK=no.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/xml.h"

#if defined(MR_XML_TEST_MISSING)

START_TEST(missing_library)
{
    const struct mr_xml *x = NULL;
    struct mr_error err;

    mr_xml_preload();
    ck_assert_int_eq(mr_xml_load(&x, &err), MR_ESETUP);
    ck_assert_ptr_null(x);
    ck_assert_msg(strncmp(err.msg, "cannot load libxml2 (libmockrun-no-such-xml.so.9: ", 50) == 0,
                  "%s", err.msg);
    ck_assert_ptr_nonnull(strstr(err.msg, "); install Debian's libxml2 package"));
    /* later calls fail the same way */
    ck_assert_int_eq(mr_xml_load(&x, &err), MR_ESETUP);
    ck_assert_int_eq(mr_xml_error(&err, "out/r.xml"), MR_ESETUP);
    ck_assert_msg(strncmp(err.msg, "cannot write report 'out/r.xml': cannot load libxml2 (", 54) ==
                      0,
                  "%s", err.msg);
}
END_TEST

#else

/* Every field was bound: a NULL would crash the first report that uses it. */
START_TEST(load_binds_everything)
{
    const struct mr_xml *x = NULL, *again = NULL;
    struct mr_error err;
    void (*const *fn)(void);
    size_t i;

    ck_assert_int_eq(mr_xml_load(&x, &err), 0);
    ck_assert_ptr_nonnull(x);
    fn = (void (*const *)(void))(const void *)x;
    for (i = 0; i < sizeof(*x) / sizeof(*fn); i++)
        ck_assert_msg(fn[i] != NULL, "field %zu of struct mr_xml is NULL", i);
    ck_assert_int_eq(mr_xml_load(&again, &err), 0);
    ck_assert_ptr_eq(x, again);
}
END_TEST

START_TEST(preload_then_load)
{
    const struct mr_xml *x = NULL;
    struct mr_error err;
    xmlBufferPtr buf;
    xmlTextWriterPtr w;

    mr_xml_preload();
    mr_xml_preload(); /* a second finds the work done or under way */
    ck_assert_int_eq(mr_xml_load(&x, &err), 0);
    buf = x->xmlBufferCreate();
    ck_assert_ptr_nonnull(buf);
    w = x->xmlNewTextWriterMemory(buf, 0);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_ge(x->xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL), 0);
    ck_assert_int_ge(x->xmlTextWriterStartElement(w, (const xmlChar *)"a"), 0);
    ck_assert_int_ge(x->xmlTextWriterWriteAttribute(w, (const xmlChar *)"b", (const xmlChar *)"<"),
                     0);
    ck_assert_int_ge(x->xmlTextWriterEndDocument(w), 0);
    x->xmlFreeTextWriter(w);
    ck_assert_str_eq((const char *)x->xmlBufferContent(buf),
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a b=\"&lt;\"/>\n");
    x->xmlBufferFree(buf);
}
END_TEST

#endif

static Suite *xml_suite(void)
{
    Suite *s = suite_create("xml");
    TCase *tc = tcase_create("load");

#if defined(MR_XML_TEST_MISSING)
    tcase_add_test(tc, missing_library);
#else
    tcase_add_test(tc, load_binds_everything);
    tcase_add_test(tc, preload_then_load);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xml_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
