#include "reports/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* Prints `len` bytes with control bytes (but tab) as \xNN. */
static void put_safe(FILE *f, const char *s, size_t len)
{
    size_t i, run = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 0x20 && c != 0x7f) || c == '\t')
            continue;
        fwrite(s + run, 1, i - run, f);
        fprintf(f, "\\x%02x", c);
        run = i + 1;
    }
    fwrite(s + run, 1, len - run, f);
}

static void put_line(FILE *f, const char *indent, const char *s, size_t len)
{
    if (len > 0) /* no trailing blanks on empty lines */
        fputs(indent, f);
    put_safe(f, s, len);
    fputc('\n', f);
}

/* Each line of `s` on its own indented line; a final newline adds no empty line. */
static void put_lines(FILE *f, const char *indent, const char *s)
{
    const char *nl;

    while (*s) {
        size_t len;

        nl = strchr(s, '\n');
        len = nl ? (size_t)(nl - s) : strlen(s);
        if (len > 0 && s[len - 1] == '\r')
            len--;
        put_line(f, indent, s, len);
        if (!nl)
            break;
        s = nl + 1;
    }
}

static void print_case(FILE *f, const struct mr_case *c, bool color)
{
    const char *name = c->name ? c->name : "";

    switch (c->status) {
    case MR_CASE_PASS:
        fputs(color ? "  " GREEN "✓" RESET " " : "  ✓ ", f);
        put_safe(f, name, strlen(name));
        fputc('\n', f);
        if (c->detail) /* a remark on a passing case */
            put_lines(f, "      ", c->detail);
        break;
    case MR_CASE_FAIL:
    case MR_CASE_ERROR:
        fputs(color ? "  " RED "✗" RESET " " : "  ✗ ", f);
        put_safe(f, name, strlen(name));
        fputc('\n', f);
        if (c->message)
            put_lines(f, "      ", c->message);
        if (c->detail)
            put_lines(f, "        ", c->detail);
        break;
    case MR_CASE_SKIP:
        fputs(color ? "  " YELLOW "- " : "  - ", f);
        put_safe(f, name, strlen(name));
        fputs(color ? " (skipped)" RESET "\n" : " (skipped)\n", f);
        if (c->message) /* why it was not checked */
            put_lines(f, "      ", c->message);
        break;
    }
}

void mr_console_print(FILE *f, const struct mr_results *r, bool color)
{
    size_t passed = mr_results_count(r, MR_CASE_PASS);
    size_t failed = mr_results_count(r, MR_CASE_FAIL) + mr_results_count(r, MR_CASE_ERROR);
    size_t skipped = mr_results_count(r, MR_CASE_SKIP);
    size_t i, k;

    /* several scenario files: each one's cases under its name */
    for (k = 0; k < (r->nsuites > 1 ? r->nsuites : 1); k++) {
        if (r->nsuites > 1) {
            const char *name = r->suites[k].name, *file = r->suites[k].classname;
            fputs(color ? BOLD : "", f);
            put_safe(f, name, strlen(name));
            if (file && strcmp(file, name) != 0) {
                fputs(" (", f);
                put_safe(f, file, strlen(file));
                fputc(')', f);
            }
            fputs(color ? RESET "\n" : "\n", f);
        }
        for (i = 0; i < r->ncases; i++)
            if (r->nsuites <= 1 || r->cases[i].suite == k)
                print_case(f, &r->cases[i], color);
    }
    fprintf(f, "mockrun: %zu passed, %zu failed", passed, failed);
    if (skipped > 0)
        fprintf(f, ", %zu skipped", skipped);
    fputc('\n', f);
}

/* The columns a string takes as put_safe prints it: one per UTF-8 character
 * (wide characters are rare in ids), four per escaped control byte. */
static size_t columns(const char *s)
{
    size_t n = 0;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            n += 4;
        else
            n += (c & 0xc0) != 0x80;
    }
    return n;
}

static void pad(FILE *f, size_t used, size_t width)
{
    while (used++ < width)
        fputc(' ', f);
}

#define ROUTE_COL_MAX 40

void mr_console_print_routes(FILE *f, const struct mr_results *r, bool color)
{
    static const char none[] = "(no route)", proxied[] = "(proxied)";
    size_t wroute = 5, wservice = 7, i, k;
    bool services = r->nservices > 1;

    if (r->nroutes == 0)
        return;
    for (i = 0; i < r->nroutes; i++) {
        const struct mr_results_route *rt = &r->routes[i];
        size_t w = rt->id ? columns(rt->id) : rt->proxied ? sizeof(proxied) - 1 : sizeof(none) - 1;
        if (w > wroute)
            wroute = w > ROUTE_COL_MAX ? ROUTE_COL_MAX : w;
        if (services && rt->id && rt->service < r->nservices &&
            columns(r->services[rt->service].name) > wservice)
            wservice = columns(r->services[rt->service].name);
    }
    fputs("  route", f);
    pad(f, 5, wroute + 2);
    if (services) {
        fputs("service", f);
        pad(f, 7, wservice + 2);
    }
    fputs("calls  statuses\n", f);
    for (i = 0; i < r->nroutes; i++) {
        const struct mr_results_route *rt = &r->routes[i];
        const char *service =
            services && rt->id && rt->service < r->nservices ? r->services[rt->service].name : "";
        uint64_t counted = 0;

        fputs("  ", f);
        if (rt->id) {
            put_safe(f, rt->id, strlen(rt->id));
            pad(f, columns(rt->id), wroute + 2);
        } else if (rt->proxied) {
            fputs(proxied, f);
            pad(f, sizeof(proxied) - 1, wroute + 2);
        } else {
            fputs(color ? RED "(no route)" RESET : none, f);
            pad(f, sizeof(none) - 1, wroute + 2);
        }
        if (services) {
            put_safe(f, service, strlen(service));
            pad(f, columns(service), wservice + 2);
        }
        fprintf(f, "%5llu", (unsigned long long)rt->calls);
        for (k = 0; k < rt->nstatuses; k++) {
            fprintf(f, "%s%d", k ? ", " : "  ", rt->statuses[k].status);
            if (rt->statuses[k].count > 1)
                fprintf(f, " \xc3\x97%llu", (unsigned long long)rt->statuses[k].count);
            counted += rt->statuses[k].count;
        }
        if (counted < rt->calls)
            fprintf(f, "%s%llu more not kept", k ? ", " : "  ",
                    (unsigned long long)(rt->calls - counted));
        fputc('\n', f);
    }
}

/* The label of an attempt in the callbacks table: its status, or its outcome. */
static void attempt_label(const struct mr_results_attempt *a, char *buf, size_t size)
{
    if (a->outcome == MR_RESULTS_ANSWERED)
        snprintf(buf, size, "%d", a->status);
    else
        snprintf(buf, size, "%s", mr_results_outcome_name(a->outcome));
}

void mr_console_print_callbacks(FILE *f, const struct mr_results *r, bool color)
{
    size_t wid = 8, i, k, m;

    if (!r->has_attempts || r->nattempts == 0)
        return;
    for (i = 0; i < r->nattempts; i++) {
        size_t w = columns(r->attempts[i].callback);
        if (w > wid)
            wid = w > ROUTE_COL_MAX ? ROUTE_COL_MAX : w;
    }
    fputs("  callback", f);
    pad(f, 8, wid + 2);
    fputs("deliveries  attempts\n", f);
    for (i = 0; i < r->nattempts; i++) {
        const char *id = r->attempts[i].callback;
        uint64_t deliveries = 0;
        bool seen = false;

        for (k = 0; k < i && !seen; k++)
            seen = strcmp(r->attempts[k].callback, id) == 0;
        if (seen)
            continue; /* listed with its first attempt */
        for (k = i; k < r->nattempts; k++)
            deliveries += strcmp(r->attempts[k].callback, id) == 0 && r->attempts[k].final;
        fputs("  ", f);
        put_safe(f, id, strlen(id));
        pad(f, columns(id), wid + 2);
        fprintf(f, "%10llu  ", (unsigned long long)deliveries);
        /* each label once, in order of first appearance, with its count */
        for (k = i, m = 0; k < r->nattempts; k++) {
            char label[32], other[32];
            uint64_t count = 0;
            size_t q;
            bool before = false;
            if (strcmp(r->attempts[k].callback, id) != 0)
                continue;
            attempt_label(&r->attempts[k], label, sizeof(label));
            for (q = i; q < k && !before; q++) {
                if (strcmp(r->attempts[q].callback, id) != 0)
                    continue;
                attempt_label(&r->attempts[q], other, sizeof(other));
                before = strcmp(label, other) == 0;
            }
            if (before)
                continue;
            for (q = k; q < r->nattempts; q++) {
                if (strcmp(r->attempts[q].callback, id) != 0)
                    continue;
                attempt_label(&r->attempts[q], other, sizeof(other));
                count += strcmp(label, other) == 0;
            }
            fputs(m++ ? ", " : "", f);
            if (color && r->attempts[k].outcome != MR_RESULTS_ANSWERED)
                fprintf(f, RED "%s" RESET, label);
            else
                fputs(label, f);
            if (count > 1)
                fprintf(f, " \xc3\x97%llu", (unsigned long long)count);
        }
        fputc('\n', f);
    }
}

bool mr_console_use_color(int fd)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    if (no_color && no_color[0] != '\0')
        return false;
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fd) == 1;
}
