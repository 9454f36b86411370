#include "record/redact.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/text.h"

/* Whether s[0..n) contains word (lower case), without regard to case. */
static bool has(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word), i;
    for (i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, word, k) == 0)
            return true;
    return false;
}

bool mr_redact_field(const char *name, size_t len)
{
    char squeezed[64];
    size_t i, n = 0;

    if (has(name, len, "token") || has(name, len, "secret") || has(name, len, "password") ||
        has(name, len, "passwd"))
        return true;
    for (i = 0; i < len && n < sizeof(squeezed); i++)
        if (name[i] != '-' && name[i] != '_')
            squeezed[n++] = (char)tolower((unsigned char)name[i]);
    return n >= 6 && memcmp(squeezed + n - 6, "apikey", 6) == 0;
}

static bool is(const char *name, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(name, word, len) == 0;
}

bool mr_redact_header(const char *name, size_t len)
{
    return is(name, len, "Authorization") || is(name, len, "Proxy-Authorization") ||
           is(name, len, "Cookie") || is(name, len, "Set-Cookie") || mr_redact_field(name, len);
}

void mr_redact_header_value(struct mr_buf *out, const char *name, const char *value)
{
    bool cookie = strcasecmp(name, "Set-Cookie") == 0, cookies = strcasecmp(name, "Cookie") == 0;

    if (cookie) {
        /* "name=value; attributes": the value goes, the rest stays */
        const char *eq = strchr(value, '='), *semi = strchr(value, ';');
        if (eq && (!semi || eq < semi)) {
            mr_buf_append(out, value, (size_t)(eq - value + 1));
            mr_buf_puts(out, MR_REDACTED);
            if (semi)
                mr_buf_puts(out, semi);
            return;
        }
    } else if (cookies) {
        /* "a=1; b=2": each value goes */
        const char *p = value;
        while (*p) {
            size_t n = strcspn(p, ";");
            const char *eq = memchr(p, '=', n);
            if (eq) {
                mr_buf_append(out, p, (size_t)(eq - p + 1));
                mr_buf_puts(out, MR_REDACTED);
            } else {
                mr_buf_append(out, p, n);
            }
            p += n;
            if (*p)
                mr_buf_putc(out, *p++);
        }
        return;
    }
    mr_buf_puts(out, MR_REDACTED);
}

/* Appends a member name to a JSON path: .name, or ["name"] when it is not an identifier. */
static void path_member(struct mr_buf *path, const char *name)
{
    size_t i, n = strlen(name);
    bool ident = n > 0 && !isdigit((unsigned char)name[0]);
    for (i = 0; i < n && ident; i++)
        ident = isalnum((unsigned char)name[i]) || name[i] == '_' || name[i] == '$';
    if (ident) {
        mr_buf_putc(path, '.');
        mr_buf_puts(path, name);
    } else {
        mr_buf_putc(path, '[');
        mr_buf_put_json_string(path, name, n);
        mr_buf_putc(path, ']');
    }
}

static size_t walk(cJSON *v, struct mr_buf *path, struct mr_buf *paths)
{
    size_t n = 0, mark = path->len, i = 0;
    cJSON *c;

    cJSON_ArrayForEach(c, v)
    {
        if (cJSON_IsObject(v))
            path_member(path, c->string ? c->string : "");
        else
            mr_buf_printf(path, "[%zu]", i);
        i++;
        if (cJSON_IsObject(v) && c->string && cJSON_IsString(c) &&
            mr_redact_field(c->string, strlen(c->string))) {
            if (cJSON_SetValuestring(c, MR_REDACTED)) {
                mr_buf_append(paths, path->data, path->len);
                mr_buf_putc(paths, '\n');
                n++;
            }
        } else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
            n += walk(c, path, paths);
        }
        path->len = mark;
        if (path->data)
            path->data[mark] = '\0';
    }
    return n;
}

size_t mr_redact_json(struct cJSON *v, struct mr_buf *paths)
{
    struct mr_buf path;
    size_t n;

    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return 0;
    mr_buf_init(&path);
    mr_buf_putc(&path, '$');
    n = walk(v, &path, paths);
    mr_buf_release(&path);
    return n;
}

size_t mr_redact_query(struct mr_buf *out, const char *query, size_t len, struct mr_buf *names)
{
    const char *p = query, *end = query + len;
    size_t n = 0;

    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        char name[128];
        size_t nl = (size_t)((eq ? eq : stop) - p);

        /* the name as it reads: percent-decoded ("api%5Fkey" is api_key) */
        nl = mr_percent_decode(name, p, nl < sizeof(name) ? nl : sizeof(name), MR_PCT_PLUS);
        if (eq && mr_redact_field(name, nl)) {
            mr_buf_append(out, p, (size_t)(eq - p + 1));
            mr_buf_puts(out, MR_REDACTED);
            mr_buf_append(names, name, nl);
            mr_buf_putc(names, '\n');
            n++;
        } else {
            mr_buf_append(out, p, (size_t)(stop - p));
        }
        if (amp)
            mr_buf_putc(out, '&');
        p = amp ? amp + 1 : end;
    }
    return n;
}
