/*
 * fuzz_junit_sanitize.c - the JUnit writer's text sanitizer, mr_junit_sanitize
 * (reports/junit.h): any bytes in, XML 1.0 character data in UTF-8 out.
 *
 * Oracles, all written here independently of reports/junit.c:
 * - the output is valid UTF-8 made only of XML Chars, with no NUL;
 * - it equals a reference sanitizer that follows the header's rules through
 *   code-point ranges instead of byte tables;
 * - sanitizing is idempotent, appends to what the buffer held, and leaves
 *   input that is already clean unchanged;
 * - a document holding it as text and as an attribute, written with libxml2's
 *   xmlTextWriter as junit.c does, parses with xmlReadMemory and gives the
 *   text back (inputs up to 4 KiB, to keep the run fast).
 *
 * The same input also goes through mr_results_strip_terminal (reports/results.h),
 * which removes terminal escapes from captured output before it is sanitized:
 * its output is the input with bytes removed, holds no ESC, no 0x9B outside a
 * UTF-8 sequence and no CR before a LF, and stripping it again changes nothing.
 */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "common/buf.h"
#include "reports/junit.h"
#include "reports/results.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlInitParser();
    return 0;
}

static bool xml_char(unsigned long cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Decodes one strict UTF-8 sequence at s[0..len); returns its length, 0 if ill-formed. */
static size_t decode(const unsigned char *s, size_t len, unsigned long *cp)
{
    size_t n, i;
    unsigned long min;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        n = 2, *cp = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3, *cp = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4, *cp = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return n;
}

/* True when s[0..len) is UTF-8 made only of XML Chars. */
static bool valid_xml_text(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned long cp;
        size_t n = decode(u + i, len - i, &cp);
        if (n == 0 || !xml_char(cp))
            return false;
        i += n;
    }
    return true;
}

/*
 * The reference: for a lead byte, the longest prefix that can still be
 * completed into a scalar value of the length the lead announces is taken
 * (Unicode's maximal subpart); a prefix can be completed when the range of
 * code points it still allows, [prefix + 80.., prefix + BF..], meets the
 * scalar values of that length.
 */
static bool completable(const unsigned char *s, size_t k, size_t n)
{
    static const unsigned long lo_of[] = {0, 0, 0x80, 0x800, 0x10000};
    static const unsigned long hi_of[] = {0, 0, 0x7FF, 0xFFFF, 0x10FFFF};
    unsigned long lo, hi;
    size_t i;

    lo = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (i = 1; i < n; i++) {
        unsigned bits = i < k ? (s[i] & 0x3F) : 0x00;
        lo = (lo << 6) | bits;
    }
    hi = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (i = 1; i < n; i++) {
        unsigned bits = i < k ? (s[i] & 0x3F) : 0x3F;
        hi = (hi << 6) | bits;
    }
    if (lo < lo_of[n])
        lo = lo_of[n];
    if (hi > hi_of[n])
        hi = hi_of[n];
    if (lo > hi)
        return false;
    /* the only hole inside a length's range is the surrogates (3 bytes) */
    if (n == 3 && lo >= 0xD800 && hi <= 0xDFFF)
        return false;
    return true;
}

/* Writes the reference output for in[0..len) to `out` (room for 4 * len bytes);
 * returns its length. */
static size_t reference(char *out, const char *in, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    static const char fffd[] = "\xEF\xBF\xBD";
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n, k;

        if (c < 0x80) {
            if (xml_char(c)) {
                out[o++] = (char)c;
            } else {
                out[o++] = '\\';
                out[o++] = 'x';
                out[o++] = hex[c >> 4];
                out[o++] = hex[c & 15];
            }
            i++;
            continue;
        }
        n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        k = 1;
        if (n != 0 && completable(s + i, 1, n)) {
            while (k < n && i + k < len && (s[i + k] & 0xC0) == 0x80 &&
                   completable(s + i, k + 1, n))
                k++;
        }
        if (k == n) {
            unsigned long cp;
            FUZZ_CHECK(decode(s + i, n, &cp) == n);
            if (xml_char(cp)) {
                memcpy(out + o, s + i, n);
                o += n;
                i += n;
                continue;
            }
            /* U+FFFE, U+FFFF */
        }
        memcpy(out + o, fffd, 3);
        o += 3;
        i += k;
    }
    return o;
}

/* True when a 0x9B in s[0..len) does not continue a UTF-8 sequence: the
 * maximal-subpart walk of `reference`, where such a byte starts no sequence. */
static bool has_c1_csi(const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n, k = 1;

        if (c == 0x9B)
            return true;
        n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n != 0 && completable(s + i, 1, n)) {
            while (k < n && i + k < len && (s[i + k] & 0xC0) == 0x80 &&
                   completable(s + i, k + 1, n))
                k++;
        }
        i += k;
    }
    return false;
}

/* True when a[0..alen) is b[0..blen) with some bytes removed. */
static bool subsequence(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;

    for (; i < alen; i++, j++) {
        while (j < blen && b[j] != a[i])
            j++;
        if (j == blen)
            return false;
    }
    return true;
}

static void check_strip(const char *in, size_t size)
{
    struct mr_buf out, again;
    size_t i;

    mr_buf_init(&out);
    mr_buf_init(&again);
    mr_buf_puts(&out, "\r"); /* a CR already in the buffer is not the input's to take */
    mr_results_strip_terminal(&out, in, size);
    FUZZ_CHECK(!out.failed && out.len >= 1 && out.data[0] == '\r' && out.data[out.len] == '\0');
    FUZZ_CHECK(out.len - 1 <= size);
    FUZZ_CHECK(subsequence(out.data + 1, out.len - 1, in, size));
    FUZZ_CHECK(memchr(out.data + 1, 0x1B, out.len - 1) == NULL);
    FUZZ_CHECK(!has_c1_csi(out.data + 1, out.len - 1));
    for (i = 2; i < out.len; i++)
        FUZZ_CHECK(!(out.data[i - 1] == '\r' && out.data[i] == '\n'));
    mr_results_strip_terminal(&again, out.data + 1, out.len - 1);
    FUZZ_CHECK(again.len == out.len - 1 &&
               (again.len == 0 || memcmp(again.data, out.data + 1, again.len) == 0));
    mr_buf_release(&again);
    mr_buf_release(&out);
}

/* Writes <r a="text">text</r> with xmlTextWriter, parses it back, compares. */
static void check_document(const char *text)
{
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlChar *got;

    FUZZ_CHECK(w != NULL);
    FUZZ_CHECK(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) >= 0);
    FUZZ_CHECK(xmlTextWriterStartElement(w, (const xmlChar *)"r") >= 0);
    FUZZ_CHECK(xmlTextWriterWriteAttribute(w, (const xmlChar *)"a", (const xmlChar *)text) >= 0);
    FUZZ_CHECK(xmlTextWriterWriteString(w, (const xmlChar *)text) >= 0);
    FUZZ_CHECK(xmlTextWriterEndDocument(w) >= 0);
    xmlFreeTextWriter(w);

    doc = xmlReadMemory((const char *)xmlBufferContent(xb), xmlBufferLength(xb), "fuzz.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        fprintf(stderr, "document does not parse:\n%s\n", (const char *)xmlBufferContent(xb));
        abort();
    }
    root = xmlDocGetRootElement(doc);
    FUZZ_CHECK(root != NULL);
    got = xmlNodeGetContent(root);
    FUZZ_CHECK(got && strcmp((const char *)got, text) == 0);
    xmlFree(got);
    got = xmlGetProp(root, (const xmlChar *)"a");
    FUZZ_CHECK(got && strcmp((const char *)got, text) == 0);
    xmlFree(got);
    xmlFreeDoc(doc);
    xmlBufferFree(xb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_copy(data, size, 0);
    char *ref = malloc(4 * size + 1);
    size_t ref_len;
    struct mr_buf out, again, pre;

    if (!ref)
        abort();
    mr_buf_init(&out);
    mr_buf_init(&again);
    mr_buf_init(&pre);

    mr_junit_sanitize(&out, in, size);
    FUZZ_CHECK(!out.failed);
    FUZZ_CHECK(out.len <= 4 * size);
    FUZZ_CHECK(out.len == 0 || out.data[out.len] == '\0');
    FUZZ_CHECK(out.len == 0 || memchr(out.data, '\0', out.len) == NULL);
    FUZZ_CHECK(valid_xml_text(out.data, out.len));

    ref_len = reference(ref, in, size);
    FUZZ_CHECK(out.len == ref_len && (ref_len == 0 || memcmp(out.data, ref, ref_len) == 0));

    if (valid_xml_text(in, size))
        FUZZ_CHECK(out.len == size && (size == 0 || memcmp(out.data, in, size) == 0));
    mr_junit_sanitize(&again, mr_buf_cstr(&out), out.len);
    FUZZ_CHECK(again.len == out.len &&
               (out.len == 0 || memcmp(again.data, out.data, out.len) == 0));

    /* appending keeps what was there */
    mr_buf_puts(&pre, "<kept>");
    mr_junit_sanitize(&pre, in, size);
    FUZZ_CHECK(pre.len == 6 + out.len && memcmp(pre.data, "<kept>", 6) == 0 &&
               (out.len == 0 || memcmp(pre.data + 6, out.data, out.len) == 0));

    if (size <= 4096)
        check_document(mr_buf_cstr(&out));
    check_strip(in, size);

    mr_buf_release(&pre);
    mr_buf_release(&again);
    free(ref);
    mr_buf_release(&out);
    free(in);
    return 0;
}
