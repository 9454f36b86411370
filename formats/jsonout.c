/*
 * jsonout.c - converted scenarios as people write them (cJSON_Print indents
 * with tabs and puts a tab after each colon).
 */
#include "formats/jsonout.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

char *mr_jsonout_pretty(const char *s)
{
    size_t cap = strlen(s) * 2 + 64, n = 0;
    int depth = 0;
    bool in_str = false;
    char *out = malloc(cap);
    const char *p;

#define PUT(ch)                                                                                    \
    do {                                                                                           \
        if (n + 1 >= cap) {                                                                        \
            char *q_ = realloc(out, cap *= 2);                                                     \
            if (!q_) {                                                                             \
                free(out);                                                                         \
                return NULL;                                                                       \
            }                                                                                      \
            out = q_;                                                                              \
        }                                                                                          \
        out[n++] = (ch);                                                                           \
    } while (0)
#define NEWLINE()                                                                                  \
    do {                                                                                           \
        int i_;                                                                                    \
        PUT('\n');                                                                                 \
        for (i_ = 0; i_ < 2 * depth; i_++)                                                         \
            PUT(' ');                                                                              \
    } while (0)
    if (!out)
        return NULL;
    for (p = s; *p; p++) {
        char ch = *p;
        if (in_str) {
            PUT(ch);
            if (ch == '\\' && p[1])
                PUT(*++p);
            else if (ch == '"')
                in_str = false;
        } else if (ch == '"') {
            in_str = true;
            PUT(ch);
        } else if ((ch == '{' || ch == '[') && (p[1] == '}' || p[1] == ']')) {
            PUT(ch);
            PUT(*++p);
        } else if (ch == '{' || ch == '[') {
            PUT(ch);
            depth++;
            NEWLINE();
        } else if (ch == '}' || ch == ']') {
            depth--;
            NEWLINE();
            PUT(ch);
        } else if (ch == ',') {
            PUT(ch);
            NEWLINE();
        } else if (ch == ':') {
            PUT(ch);
            PUT(' ');
        } else {
            PUT(ch);
        }
    }
    PUT('\n');
    out[n] = '\0';
#undef PUT
#undef NEWLINE
    return out;
}
