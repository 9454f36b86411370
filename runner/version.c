/*
 * version.c - mockrun --version: each library asked for its own version at
 * run time.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "runner/version.h"

#include <stdlib.h>
#include <string.h>

#include <civetweb.h>
#include <cjson/cJSON.h>
#include <pcre2.h>

#include "common/xml.h"

/* libxml2 reports its version as one number in text, "20914": 2.9.14. */
static void print_libxml2(FILE *out, const char *v)
{
    if (*v && strspn(v, "0123456789") == strlen(v)) {
        unsigned long n = strtoul(v, NULL, 10);
        fprintf(out, "libxml2 %lu.%lu.%lu\n", n / 10000, n / 100 % 100, n % 100);
    } else {
        fprintf(out, "libxml2 %s\n", v);
    }
}

int mr_version_print(FILE *out, struct mr_error *err)
{
    const struct mr_xml *x = NULL;
    char pcre2[64];
    int rc;

    /* the other libraries are linked; libxml2 is loaded here (common/xml.h) */
    rc = mr_xml_load(&x, err);
    fprintf(out, "mockrun %s\ncommit %s\n", MOCKRUN_VERSION, mr_version_commit);
    fprintf(out, "CivetWeb %s\n", mg_version());
    fprintf(out, "cJSON %s\n", cJSON_Version());
    if (rc == 0)
        print_libxml2(out, *x->__xmlParserVersion());
    else
        fputs("libxml2 not loaded\n", out);
    if (pcre2_config(PCRE2_CONFIG_VERSION, pcre2) > 0)
        fprintf(out, "PCRE2 %s\n", pcre2);
    else
        fputs("PCRE2 unknown\n", out);
    return rc;
}
