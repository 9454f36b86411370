#include "record/generalize.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/text.h"

#define NAME_MAX_LEN 24 /* words kept of the segment: a PCRE2 group name holds 32 */

static bool is_hex(char c)
{
    return isxdigit((unsigned char)c) != 0;
}

static bool all(const char *s, size_t n, int (*pred)(int))
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!pred((unsigned char)s[i]))
            return false;
    return n > 0;
}

static bool uuid(const char *s, size_t n)
{
    static const size_t groups[] = {8, 4, 4, 4, 12};
    size_t g, i, at = 0;
    if (n != 36)
        return false;
    for (g = 0; g < 5; g++) {
        for (i = 0; i < groups[g]; i++, at++)
            if (!is_hex(s[at]))
                return false;
        if (g < 4 && s[at++] != '-')
            return false;
    }
    return true;
}

/* Letters, digits, '-' and '_', with letter-digit alternations inside. */
static bool token(const char *s, size_t n)
{
    size_t i, changes = 0;
    if (n < 16)
        return false;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '-' && c != '_')
            return false;
        if (i > 0 && isalnum(c) && isalnum((unsigned char)s[i - 1]) &&
            !isdigit(c) != !isdigit((unsigned char)s[i - 1]))
            changes++;
    }
    return changes >= 3;
}

enum mr_gen_segment mr_generalize_segment(const char *seg, size_t len)
{
    if (all(seg, len, isdigit))
        return MR_GEN_NUMBER;
    if (uuid(seg, len))
        return MR_GEN_UUID;
    if (len >= 16 && all(seg, len, isxdigit))
        return MR_GEN_HASH;
    if (token(seg, len))
        return MR_GEN_TOKEN;
    return MR_GEN_LITERAL;
}

static bool ends(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n > k && memcmp(w + n - k, suffix, k) == 0;
}

/* The singular of a lower-case English plural, for names: its new length. */
static size_t singular(const char *w, size_t n)
{
    if (ends(w, n, "ies"))
        return n - 3; /* the caller adds the 'y' back */
    if (ends(w, n, "sses") || ends(w, n, "shes") || ends(w, n, "ches") || ends(w, n, "xes") ||
        ends(w, n, "zes"))
        return n - 2;
    if (ends(w, n, "ss") || ends(w, n, "us") || ends(w, n, "is"))
        return n;
    if (ends(w, n, "s"))
        return n - 1;
    return n;
}

void mr_generalize_param_name(char *out, size_t size, const char *prev, size_t len)
{
    char word[NAME_MAX_LEN + 1], name[NAME_MAX_LEN + 8];
    size_t n = 0, i, k = 0;
    bool upper = false, ies, lower_case = false, upper_case = false;

    /* camelCase is kept; other segments ("USERS", "users") are lower-cased */
    for (i = 0; i < len; i++) {
        lower_case |= islower((unsigned char)prev[i]) != 0;
        upper_case |= isupper((unsigned char)prev[i]) != 0;
    }
    /* the words of prev joined camel-case: "line-items" → "lineItems" */
    for (i = 0; i < len && n < NAME_MAX_LEN; i++) {
        unsigned char c = (unsigned char)prev[i];
        if (c >= 0x80)
            continue; /* letters of other scripts are left out, not word breaks */
        if (!isalnum(c)) {
            upper = n > 0;
            continue;
        }
        if (!(lower_case && upper_case))
            c = (unsigned char)tolower(c);
        word[n] = upper ? (char)toupper(c) : n == 0 ? (char)tolower(c) : (char)c;
        n++;
        upper = false;
    }
    /* a name starts with a letter (":2fa" is fine for the loader, not for people) */
    if (n == 0 || isdigit((unsigned char)word[0])) {
        snprintf(out, size, "id");
        return;
    }
    /* the singular of its last word */
    for (i = n; i > 0 && !isupper((unsigned char)word[i - 1]); i--)
        ;
    {
        char low[NAME_MAX_LEN + 1];
        size_t start = i > 0 ? i - 1 : 0, wl = n - start, s;
        for (k = 0; k < wl; k++)
            low[k] = (char)tolower((unsigned char)word[start + k]);
        ies = ends(low, wl, "ies");
        s = singular(low, wl);
        n = start + s;
    }
    memcpy(name, word, n);
    if (ies)
        name[n++] = 'y';
    memcpy(name + n, "Id", 3);
    snprintf(out, size, "%s", name);
}

struct seg {
    const char *s;
    size_t len;
    enum mr_gen_segment kind;
};

/* What a segment is in a route: an id, or else a literal. A literal that is
 * not UTF-8 cannot be written in a scenario: it becomes a parameter too. */
static enum mr_gen_segment classify(const char *s, size_t len)
{
    enum mr_gen_segment g = mr_generalize_segment(s, len);
    return g == MR_GEN_LITERAL && !mr_utf8_valid(s, len) ? MR_GEN_TOKEN : g;
}

/* Whether a literal segment can stand in a `path` template as it is. */
static bool template_safe(const char *s, size_t len)
{
    size_t i;
    if (len > 0 && s[0] == ':')
        return false;
    if (len == 1 && s[0] == '*')
        return false;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '?' || c == '#' || c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

/* PCRE2 text that matches s[0..len) literally. */
static void put_quoted(struct mr_buf *out, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (strchr("\\^$.|?*+()[]{}/-#", c) && c)
            mr_buf_putc(out, '\\');
        if (c < 0x20 || c == 0x7f)
            mr_buf_printf(out, "\\x%02x", c);
        else
            mr_buf_putc(out, (char)c);
    }
}

enum mr_gen_kind mr_generalize_path(struct mr_buf *out, const char *path, size_t *nparams)
{
    char names[32][NAME_MAX_LEN + 32];
    size_t nnames = 0, params = 0, k;
    const char *p = path + (*path == '/'), *prev = NULL;
    size_t prev_len = 0;
    bool safe = true;
    enum mr_gen_kind kind;

    /* can every literal segment stand in a template? */
    {
        const char *q = p;
        for (;;) {
            size_t len = strcspn(q, "/");
            if (classify(q, len) == MR_GEN_LITERAL && !template_safe(q, len))
                safe = false;
            if (!q[len])
                break;
            q += len + 1;
        }
    }
    kind = safe ? MR_GEN_PATH : MR_GEN_PATTERN;
    if (kind == MR_GEN_PATTERN)
        mr_buf_putc(out, '^');
    for (;;) {
        size_t len = strcspn(p, "/");
        enum mr_gen_segment g = classify(p, len);

        mr_buf_putc(out, '/');
        if (g == MR_GEN_LITERAL) {
            if (kind == MR_GEN_PATH)
                mr_buf_append(out, p, len);
            else
                put_quoted(out, p, len);
            prev = p;
            prev_len = len;
        } else {
            char name[NAME_MAX_LEN + 32];
            unsigned dup = 1;
            mr_generalize_param_name(name, NAME_MAX_LEN + 8, prev, prev ? prev_len : 0);
            /* unique in the path: userId, then userId2 */
            for (;;) {
                char cand[NAME_MAX_LEN + 32];
                bool taken = false;
                if (dup == 1)
                    snprintf(cand, sizeof(cand), "%s", name);
                else
                    snprintf(cand, sizeof(cand), "%.*s%u", NAME_MAX_LEN + 8, name, dup);
                for (k = 0; k < nnames; k++)
                    if (strcmp(names[k], cand) == 0)
                        taken = true;
                if (!taken) {
                    snprintf(name, sizeof(name), "%s", cand);
                    break;
                }
                dup++;
            }
            if (nnames < sizeof(names) / sizeof(names[0]))
                snprintf(names[nnames++], sizeof(names[0]), "%s", name);
            if (kind == MR_GEN_PATH)
                mr_buf_printf(out, ":%s", name);
            else
                mr_buf_printf(out, "(?<%s>[^/]+)", name);
            params++;
            prev = NULL; /* an id after an id is just "id" */
            prev_len = 0;
        }
        if (!p[len])
            break;
        p += len + 1;
    }
    if (kind == MR_GEN_PATTERN)
        mr_buf_putc(out, '$');
    if (nparams)
        *nparams = params;
    return kind;
}
