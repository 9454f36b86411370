#include "server/attrib.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/text.h"

size_t mr_attrib_clean(char *out, const char *in, size_t len)
{
    size_t i, n = 0;

    while (len && (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')) {
        in++;
        len--;
    }
    while (len && (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '\r' ||
                   in[len - 1] == '\n'))
        len--;
    if (len > MR_ATTRIB_NAME_MAX) {
        len = MR_ATTRIB_NAME_MAX;
        /* not in the middle of a character: back over continuation bytes to a lead byte */
        while (len && ((unsigned char)in[len] & 0xC0) == 0x80)
            len--;
    }
    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)in[i];
        out[n++] = ch < 0x20 || ch == 0x7F ? ' ' : (char)ch;
    }
    out[n] = '\0';
    return n;
}

long mr_attrib_take(struct mr_kv *headers, size_t *n, char *name)
{
    const struct mr_kv *found = NULL;
    struct mr_kv last;
    size_t i, kept = 0;
    char *decoded;
    size_t len;

    for (i = 0; i < *n; i++) {
        if (headers[i].name_len == strlen(MR_ATTRIB_HEADER) &&
            strncasecmp(headers[i].name, MR_ATTRIB_HEADER, headers[i].name_len) == 0) {
            last = headers[i];
            found = &last;
            continue;
        }
        headers[kept++] = headers[i];
    }
    *n = kept;
    if (!found)
        return -1;
    /* decoding only shortens: a copy of the value's size holds it */
    if ((decoded = malloc(found->value_len + 1)) == NULL)
        return (long)mr_attrib_clean(name, found->value, found->value_len);
    len = mr_percent_decode(decoded, found->value, found->value_len, MR_PCT_WHOLE);
    len = mr_attrib_clean(name, decoded, len);
    free(decoded);
    return (long)len;
}
