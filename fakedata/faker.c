/*
 * faker.c - Faker.js names over compiled-in word lists.
 *
 * Each name maps to a generator that reads its arguments the way the Faker
 * function does when Mockoon calls it as fn(positional..., hash): the first
 * positional argument is the function's first parameter (`lorem.words 5`,
 * `number.int 99`), and when there is none the hash is the options object
 * (`number.int min=1 max=6`). A number given as a string ("5") counts as a
 * number; a boolean option may be the number 0/1 or "true"/"false".
 *
 * The outputs keep Faker's shapes (formats, separators, ranges, weights of
 * the patterns), not its vocabulary. Where Faker throws (min > max, an
 * unknown IBAN country) mockrun swaps the bounds or picks a country, so a
 * response is always produced.
 *
 * Randomness: only through struct call's rand(). Integers in a range come
 * from rejection sampling, so they are unbiased and a fixed generator gives
 * fixed bytes on every platform.
 */
#include "fakedata/faker.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/error.h"
#include "common/text.h"
#include "fakedata/datefmt.h"
#include "fakedata/faker_internal.h"

#define MAX_SAFE_INTEGER 9007199254740991.0 /* Number.MAX_SAFE_INTEGER */
#define MAX_POSITIONAL 4
#define MAX_COUNT 100000 /* cap on words, characters and sentences per call */
#define DAY_MS INT64_C(86400000)

struct call {
    struct mr_buf *out;
    uint64_t (*rand)(void *);
    void *rand_ctx;
    const struct mr_faker_arg *args;
    size_t nargs;
    const struct mr_faker_arg *pos[MAX_POSITIONAL];
    size_t npos;
};

/* --- randomness ---------------------------------------------------------- */

static uint64_t r64(struct call *c)
{
    return c->rand(c->rand_ctx);
}

/*
 * Uniform in [0, n); n > 0. Rejects the short bottom slice so no value is
 * favoured; a broken generator (say, always 0) cannot hang the caller, as
 * rejection gives up after 64 tries.
 */
static uint64_t below(struct call *c, uint64_t n)
{
    uint64_t threshold, r = r64(c);
    int tries = 0;

    /* The threshold is below n, so a draw of at least n (all but a 2^-64 * n
     * sliver of them) is kept without computing it: one division, not two. */
    if (r >= n)
        return r % n;
    threshold = (0 - n) % n;
    while (r < threshold && ++tries < 64)
        r = r64(c);
    return r % n;
}

/* Uniform in [lo, hi] (swapped when reversed). */
static int64_t between(struct call *c, int64_t lo, int64_t hi)
{
    uint64_t span;

    if (hi < lo) {
        int64_t t = lo;

        lo = hi;
        hi = t;
    }
    if (lo == hi)
        return lo; /* no draw, so fixed counts cost no randomness */
    span = (uint64_t)hi - (uint64_t)lo + 1;
    if (span == 0)
        return (int64_t)r64(c);
    return (int64_t)((uint64_t)lo + below(c, span));
}

/* Uniform in [0, 1) with 53 bits. */
static double unit(struct call *c)
{
    return (double)(r64(c) >> 11) * 0x1.0p-53;
}

static bool chance(struct call *c, double p)
{
    return unit(c) < p;
}

static const char *pick(struct call *c, const struct mr_faker__list *l)
{
    return l->items[below(c, l->n)];
}

/* --- arguments ----------------------------------------------------------- */

static const struct mr_faker_arg *positional(const struct call *c, size_t i)
{
    return i < c->npos ? c->pos[i] : NULL;
}

/* A hash option, which Faker sees only when no positional argument came first. */
static const struct mr_faker_arg *option(const struct call *c, const char *key)
{
    size_t i;

    if (c->npos)
        return NULL;
    for (i = 0; i < c->nargs; i++) {
        if (c->args[i].key && strcmp(c->args[i].key, key) == 0)
            return &c->args[i];
    }
    return NULL;
}

static bool arg_num(const struct mr_faker_arg *a, double *v)
{
    char tmp[64], *end;
    double d;

    if (!a)
        return false;
    if (a->is_num) {
        if (!isfinite(a->num))
            return false;
        *v = a->num;
        return true;
    }
    if (!a->str || a->len == 0 || a->len >= sizeof(tmp))
        return false;
    memcpy(tmp, a->str, a->len);
    tmp[a->len] = '\0';
    d = strtod(tmp, &end);
    if (*end || !isfinite(d) || strchr(tmp, 'x') || strchr(tmp, 'X'))
        return false;
    *v = d;
    return true;
}

static bool arg_bool(const struct mr_faker_arg *a, bool def)
{
    if (!a)
        return def;
    if (a->is_num)
        return a->num != 0;
    if (a->len == 5 && strncmp(a->str, "false", 5) == 0)
        return false;
    return a->len > 0 && !(a->len == 1 && a->str[0] == '0');
}

/* The string value of `a`, or NULL when absent or numeric. */
static const char *arg_str(const struct mr_faker_arg *a, size_t *len)
{
    if (!a || a->is_num || !a->str)
        return NULL;
    *len = a->len;
    return a->str;
}

static bool arg_is(const struct mr_faker_arg *a, const char *s)
{
    size_t n = strlen(s);

    return a && !a->is_num && a->str && a->len == n && memcmp(a->str, s, n) == 0;
}

static double opt_num(const struct call *c, const char *key, double def)
{
    double v;

    return arg_num(option(c, key), &v) ? v : def;
}

/* The first parameter as a number, if it is one. */
static bool first_num(const struct call *c, double *v)
{
    return arg_num(positional(c, 0), v);
}

static int64_t clamp_count(double v)
{
    if (!(v > 0))
        return 0;
    return v > MAX_COUNT ? MAX_COUNT : (int64_t)v;
}

/*
 * A count parameter that is a number or { min, max } (Faker's rangeToNumber):
 * the first positional number, else `key`=n, else min=/max= options, else a
 * default range.
 */
static int64_t count_param(struct call *c, const char *key, int64_t dmin, int64_t dmax)
{
    double v, lo, hi;

    if (first_num(c, &v))
        return clamp_count(v);
    if (key && arg_num(option(c, key), &v))
        return clamp_count(v);
    if (!key) {
        lo = opt_num(c, "min", (double)dmin);
        hi = opt_num(c, "max", (double)dmax);
        return between(c, clamp_count(ceil(lo)), clamp_count(floor(hi)));
    }
    return between(c, dmin, dmax);
}

/* --- output -------------------------------------------------------------- */

/*
 * Values are a few bytes appended many times a render, so the appends write
 * straight into the buffer while it has room (it keeps its memory from one
 * value to the next) and leave growing, and failing, to mr_buf.
 */
static void putn(struct call *c, const char *s, size_t n)
{
    struct mr_buf *b = c->out;

    if (!b->failed && n < b->cap - b->len) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    mr_buf_append(b, s, n);
}

static void put(struct call *c, const char *s)
{
    putn(c, s, strlen(s));
}

static void putch(struct call *c, char ch)
{
    struct mr_buf *b = c->out;

    if (!b->failed && b->len + 1 < b->cap) {
        b->data[b->len++] = ch;
        b->data[b->len] = '\0';
        return;
    }
    mr_buf_putc(b, ch);
}

static void put_int(struct call *c, int64_t v)
{
    char buf[24];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t i = sizeof(buf);

    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--i] = '-';
    putn(c, buf + i, sizeof(buf) - i);
}

/* A double as JavaScript's Number#toString prints it. */
static void put_js_number(struct call *c, double x)
{
    char buf[MR_NUMBER_TEXT_MAX];
    putn(c, buf, mr_number_text(x, buf));
}

/* `units` / 10^dec with exactly `dec` decimals (toFixed on an exact value),
 * with "," between thousands when `group`. */
static void put_fixed(struct call *c, int64_t units, int dec, bool group)
{
    char digits[32];
    uint64_t u = units < 0 ? (uint64_t)0 - (uint64_t)units : (uint64_t)units;
    int len = 0, i;

    do {
        digits[len++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (len <= dec)
        digits[len++] = '0';
    if (units < 0)
        putch(c, '-');
    for (i = len - 1; i >= dec; i--) {
        putch(c, digits[i]);
        if (group && i > dec && (i - dec) % 3 == 0)
            putch(c, ',');
    }
    if (dec > 0) {
        putch(c, '.');
        for (i = dec - 1; i >= 0; i--)
            putch(c, digits[i]);
    }
}

/* Replaces '#' with a digit, '!' with 2-9, '?' with A-Z and '*' with either. */
static void put_symbols(struct call *c, const char *fmt, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char ch = fmt[i];

        if (ch == '#')
            putch(c, (char)('0' + below(c, 10)));
        else if (ch == '!')
            putch(c, (char)('2' + below(c, 8)));
        else if (ch == '?')
            putch(c, (char)('A' + below(c, 26)));
        else if (ch == '*')
            putch(c, chance(c, 0.5) ? (char)('A' + below(c, 26)) : (char)('0' + below(c, 10)));
        else
            putch(c, ch);
    }
}

static void put_from(struct call *c, const char *set, size_t setlen, int64_t n)
{
    for (; n > 0; n--)
        putch(c, set[below(c, setlen)]);
}

/* Lowercase hex digits, 16 from each 64-bit draw (uniform: 16 divides 2^64). */
static void put_hex(struct call *c, int n)
{
    uint64_t r = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (i % 16 == 0)
            r = r64(c);
        putch(c, "0123456789abcdef"[r & 15]);
        r >>= 4;
    }
}

/* The current wall clock in ms, when no refDate is given. */
static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool arg_date(const struct mr_faker_arg *a, int64_t *ms)
{
    double v;
    size_t len;
    const char *s;

    if (a && a->is_num && arg_num(a, &v)) {
        if (!(fabs(v) <= (double)MR_DATE_MAX_MS))
            return false;
        *ms = (int64_t)v;
        return true;
    }
    s = arg_str(a, &len);
    return s && mr_date_parse(s, len, ms);
}

/*
 * The reference time: `refDate` even after a positional argument (where Faker
 * would not see it), because the template engine appends the request's clock
 * under that key and `{{faker 'date.past' 10}}` must still use it.
 */
static int64_t ref_date(const struct call *c)
{
    int64_t ms;
    size_t i;

    for (i = c->nargs; i-- > 0;) {
        if (c->args[i].key && strcmp(c->args[i].key, "refDate") == 0 && arg_date(&c->args[i], &ms))
            return ms;
    }
    return wall_ms();
}

static void put_date(struct call *c, int64_t ms)
{
    if (ms > MR_DATE_MAX_MS)
        ms = MR_DATE_MAX_MS;
    if (ms < -MR_DATE_MAX_MS)
        ms = -MR_DATE_MAX_MS;
    mr_date_js_string(c->out, ms);
}

/* --- person -------------------------------------------------------------- */

static void put_option_or(struct call *c, const char *key, const struct mr_faker__list *l)
{
    size_t len;
    const char *s = arg_str(option(c, key), &len);

    if (s)
        putn(c, s, len);
    else
        put(c, pick(c, l));
}

static void gen_first_name(struct call *c)
{
    put(c, pick(c, &mr_faker__first_names));
}

/* Some of Faker's family names are double-barrelled ("Fritsch-Kuphal"). */
static void put_last_name(struct call *c)
{
    put(c, pick(c, &mr_faker__last_names));
    if (chance(c, 0.04)) {
        putch(c, '-');
        put(c, pick(c, &mr_faker__last_names));
    }
}

static void gen_last_name(struct call *c)
{
    put_last_name(c);
}

static void gen_full_name(struct call *c)
{
    size_t len;
    const char *s;

    if (chance(c, 0.1)) {
        put(c, pick(c, &mr_faker__name_prefixes));
        putch(c, ' ');
    }
    put_option_or(c, "firstName", &mr_faker__first_names);
    putch(c, ' ');
    if ((s = arg_str(option(c, "lastName"), &len)))
        putn(c, s, len);
    else
        put_last_name(c);
    if (chance(c, 0.1)) {
        putch(c, ' ');
        put(c, pick(c, &mr_faker__name_suffixes));
    }
}

static void gen_prefix(struct call *c)
{
    put(c, pick(c, &mr_faker__name_prefixes));
}

static void gen_suffix(struct call *c)
{
    put(c, pick(c, &mr_faker__name_suffixes));
}

static void gen_sex(struct call *c)
{
    put(c, chance(c, 0.5) ? "female" : "male");
}

static void gen_job_title(struct call *c)
{
    put(c, pick(c, &mr_faker__job_descriptors));
    putch(c, ' ');
    put(c, pick(c, &mr_faker__job_areas));
    putch(c, ' ');
    put(c, pick(c, &mr_faker__job_types));
}

/* --- internet ------------------------------------------------------------ */

/* A name part for user names: letters, digits, '.', '_' and '-' only. */
static void put_user_part(struct call *c, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char ch = s[i];

        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '.' || ch == '_' || ch == '-')
            putch(c, ch);
    }
}

/* Faker's three user-name strategies: First42, First.Last, First_Last42. */
static void put_user_name(struct call *c)
{
    size_t flen = 0, llen = 0;
    const char *first = arg_str(option(c, "firstName"), &flen);
    const char *last = arg_str(option(c, "lastName"), &llen);
    int strategy = (int)below(c, 3);

    if (!first) {
        first = pick(c, &mr_faker__first_names);
        flen = strlen(first);
    }
    put_user_part(c, first, flen);
    if (strategy == 0) {
        put_int(c, between(c, 0, 99));
        return;
    }
    putch(c, chance(c, 0.5) ? '.' : '_');
    if (last)
        put_user_part(c, last, llen);
    else
        put_last_name(c); /* the word lists hold only letters (and the '-') */
    if (strategy == 2)
        put_int(c, between(c, 0, 99));
}

static void gen_user_name(struct call *c)
{
    put_user_name(c);
}

static void gen_email(struct call *c)
{
    put_user_name(c);
    putch(c, '@');
    put_option_or(c, "provider", &mr_faker__email_providers);
}

static void gen_example_email(struct call *c)
{
    static const char *const ex[] = {"example.com", "example.net", "example.org"};

    put_user_name(c);
    putch(c, '@');
    put(c, ex[below(c, 3)]);
}

static void put_domain_word(struct call *c)
{
    put(c, pick(c, &mr_faker__domain_adjectives));
    putch(c, '-');
    put(c, pick(c, &mr_faker__domain_nouns));
}

static void gen_domain_word(struct call *c)
{
    put_domain_word(c);
}

static void gen_domain_suffix(struct call *c)
{
    put(c, pick(c, &mr_faker__tlds));
}

static void gen_domain_name(struct call *c)
{
    put_domain_word(c);
    putch(c, '.');
    put(c, pick(c, &mr_faker__tlds));
}

static void gen_url(struct call *c)
{
    size_t len;
    const char *proto = arg_str(option(c, "protocol"), &len);
    bool slash;

    if (proto)
        putn(c, proto, len);
    else
        put(c, "https");
    put(c, "://");
    gen_domain_name(c);
    slash = option(c, "appendSlash") ? arg_bool(option(c, "appendSlash"), false) : chance(c, 0.5);
    if (slash)
        putch(c, '/');
}

static void gen_ipv4(struct call *c)
{
    mr_buf_printf(c->out, "%d.%d.%d.%d", (int)below(c, 256), (int)below(c, 256), (int)below(c, 256),
                  (int)below(c, 256));
}

static void gen_ipv6(struct call *c)
{
    int i;

    for (i = 0; i < 8; i++) {
        if (i)
            putch(c, ':');
        put_hex(c, 4);
    }
}

static void gen_ip(struct call *c)
{
    if (chance(c, 0.5))
        gen_ipv4(c);
    else
        gen_ipv6(c);
}

static void gen_port(struct call *c)
{
    put_int(c, between(c, 0, 65535));
}

static void gen_mac(struct call *c)
{
    size_t len;
    const char *sep = arg_str(positional(c, 0), &len);
    int i;

    if (!sep)
        sep = arg_str(option(c, "separator"), &len);
    if (!sep) {
        sep = ":";
        len = 1;
    }
    for (i = 0; i < 6; i++) {
        if (i)
            putn(c, sep, len);
        put_hex(c, 2);
    }
}

static void gen_password(struct call *c)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    double v;
    int64_t n = 15;

    if (first_num(c, &v) || arg_num(option(c, "length"), &v))
        n = clamp_count(v);
    put_from(c, set, sizeof(set) - 1, n);
}

static void gen_http_method(struct call *c)
{
    static const char *const m[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};

    put(c, m[below(c, 5)]);
}

static void gen_protocol(struct call *c)
{
    put(c, chance(c, 0.5) ? "http" : "https");
}

/* --- location ------------------------------------------------------------ */

static void gen_city(struct call *c)
{
    switch (below(c, 5)) {
    case 0: /* North Garnetfurt */
        put(c, pick(c, &mr_faker__city_prefixes));
        putch(c, ' ');
        put(c, pick(c, &mr_faker__first_names));
        put(c, pick(c, &mr_faker__city_suffixes));
        break;
    case 1: /* Port Moses */
        put(c, pick(c, &mr_faker__city_prefixes));
        putch(c, ' ');
        put(c, pick(c, &mr_faker__first_names));
        break;
    case 2: /* Lavinialand */
        put(c, pick(c, &mr_faker__first_names));
        put(c, pick(c, &mr_faker__city_suffixes));
        break;
    case 3: /* Kochstad */
        put(c, pick(c, &mr_faker__last_names));
        put(c, pick(c, &mr_faker__city_suffixes));
        break;
    default: /* a real US city */
        put(c, pick(c, &mr_faker__city_names));
        break;
    }
}

static void gen_country(struct call *c)
{
    put(c, pick(c, &mr_faker__countries));
}

static void gen_country_code(struct call *c)
{
    put(c, pick(c, &mr_faker__country_codes));
}

static void gen_state(struct call *c)
{
    size_t i = below(c, mr_faker__states.n);

    if (arg_bool(option(c, "abbreviated"), false))
        put(c, mr_faker__state_abbrs.items[i]);
    else
        put(c, mr_faker__states.items[i]);
}

/* 3 to 5 digits, without a leading zero. */
static void put_building_number(struct call *c)
{
    int digits = 3 + (int)below(c, 3);

    putch(c, (char)('1' + below(c, 9)));
    put_symbols(c, "####", (size_t)digits - 1);
}

static void gen_building_number(struct call *c)
{
    put_building_number(c);
}

static void put_street(struct call *c)
{
    unsigned r = (unsigned)below(c, 20);

    if (r == 0) { /* "5th Street" */
        int n = (int)between(c, 1, 99);
        const char *sfx = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                          : n % 10 == 1                    ? "st"
                          : n % 10 == 2                    ? "nd"
                          : n % 10 == 3                    ? "rd"
                                                           : "th";

        mr_buf_printf(c->out, "%d%s", n, sfx);
    } else {
        if (r == 1) { /* "N Cedar Road" */
            static const char dirs[] = "NESW";

            putch(c, dirs[below(c, 4)]);
            putch(c, ' ');
        }
        if (chance(c, 0.5))
            put(c, pick(c, &mr_faker__first_names));
        else
            put(c, pick(c, &mr_faker__last_names));
    }
    putch(c, ' ');
    put(c, pick(c, &mr_faker__street_suffixes));
}

static void gen_street(struct call *c)
{
    put_street(c);
}

static void put_secondary(struct call *c)
{
    put(c, chance(c, 0.5) ? "Apt. " : "Suite ");
    put_symbols(c, "###", 3);
}

static void gen_secondary_address(struct call *c)
{
    put_secondary(c);
}

static void gen_street_address(struct call *c)
{
    bool full =
        c->npos ? arg_bool(positional(c, 0), false) : arg_bool(option(c, "useFullAddress"), false);

    put_building_number(c);
    putch(c, ' ');
    put_street(c);
    if (full) {
        putch(c, ' ');
        put_secondary(c);
    }
}

static void gen_zip_code(struct call *c)
{
    size_t len;
    const char *fmt = arg_str(positional(c, 0), &len);

    if (!fmt)
        fmt = arg_str(option(c, "format"), &len);
    if (fmt)
        put_symbols(c, fmt, len);
    else if (chance(c, 0.5))
        put_symbols(c, "#####", 5);
    else
        put_symbols(c, "#####-####", 10);
}

/* A coordinate with `precision` decimals (4 by default), as a JS number. */
static void put_coordinate(struct call *c, double lim)
{
    double max = opt_num(c, "max", lim), min = opt_num(c, "min", -lim), v;
    double p = opt_num(c, "precision", 4), f;
    int64_t lo, hi;

    if (first_num(c, &v))
        max = v;
    if (!(p >= 0 && p <= 10))
        p = 4;
    f = pow(10, floor(p));
    min = fmin(fmax(min, -1e6), 1e6); /* keeps min * f inside int64 */
    max = fmin(fmax(max, -1e6), 1e6);
    lo = (int64_t)ceil(min * f);
    hi = (int64_t)floor(max * f);
    put_js_number(c, (double)between(c, lo, hi) / f);
}

static void gen_latitude(struct call *c)
{
    put_coordinate(c, 90);
}

static void gen_longitude(struct call *c)
{
    put_coordinate(c, 180);
}

/* --- company and commerce ------------------------------------------------ */

/* Company names use plain family names (never double-barrelled). */
static void gen_company_name(struct call *c)
{
    switch (below(c, 3)) {
    case 0: /* "Stroman - Fadel" */
        put(c, pick(c, &mr_faker__last_names));
        put(c, " - ");
        put(c, pick(c, &mr_faker__last_names));
        break;
    case 1: /* "Anderson, Wisozk and Baumbach" */
        put(c, pick(c, &mr_faker__last_names));
        put(c, ", ");
        put(c, pick(c, &mr_faker__last_names));
        put(c, " and ");
        put(c, pick(c, &mr_faker__last_names));
        break;
    default: /* "Wisozk LLC" */
        put(c, pick(c, &mr_faker__last_names));
        putch(c, ' ');
        put(c, pick(c, &mr_faker__company_suffixes));
        break;
    }
}

static void gen_product_name(struct call *c)
{
    put(c, pick(c, &mr_faker__product_adjectives));
    putch(c, ' ');
    put(c, pick(c, &mr_faker__product_materials));
    putch(c, ' ');
    put(c, pick(c, &mr_faker__products));
}

static void gen_product(struct call *c)
{
    put(c, pick(c, &mr_faker__products));
}

static void gen_product_adjective(struct call *c)
{
    put(c, pick(c, &mr_faker__product_adjectives));
}

static void gen_product_material(struct call *c)
{
    put(c, pick(c, &mr_faker__product_materials));
}

static void gen_department(struct call *c)
{
    put(c, pick(c, &mr_faker__departments));
}

/* Decimals for money: 0..15 (beyond 15 a double cannot hold the value). */
static int dec_option(const struct call *c, double def)
{
    double d = opt_num(c, "dec", def);

    if (!(d >= 0))
        return 0;
    return d > 15 ? 15 : (int)d;
}

static int64_t pow10i(int n)
{
    int64_t p = 1;

    while (n-- > 0)
        p *= 10;
    return p;
}

/* [min, max] in units of 10^-dec; bounds beyond ±9e18 units are clamped. */
static void money_range(double min, double max, int dec, int64_t *lo, int64_t *hi)
{
    double f = (double)pow10i(dec), a = fmin(min, max) * f, b = fmax(min, max) * f;

    a = ceil(fmin(fmax(a, -9e18), 9e18));
    b = floor(fmin(fmax(b, -9e18), 9e18));
    *lo = (int64_t)a;
    *hi = b < a ? *lo : (int64_t)b;
}

static int64_t money_units(struct call *c, double min, double max, int dec)
{
    int64_t lo, hi;

    money_range(min, max, dec, &lo, &hi);
    return between(c, lo, hi);
}

static void put_symbol_option(struct call *c)
{
    size_t len;
    const char *sym = arg_str(option(c, "symbol"), &len);

    if (sym)
        putn(c, sym, len);
}

/* commerce.price: "685.01"; most prices end in 9, 5 or 0, as in Faker. */
static void gen_price(struct call *c)
{
    double min = opt_num(c, "min", 1), max = opt_num(c, "max", 1000), v;
    int dec = dec_option(c, 2);
    int64_t units, lo, hi, alt;
    unsigned r;

    if (first_num(c, &v)) /* the v7 signature, price(min, max, dec, symbol) */
        min = v;
    put_symbol_option(c);
    if (min < 0 || max < 0) {
        putch(c, '0'); /* Faker's answer to negative bounds */
        return;
    }
    money_range(min, max, dec, &lo, &hi);
    units = between(c, lo, hi);
    if (dec > 0) {
        r = (unsigned)below(c, 10);
        alt = units - units % 10 + (r < 5 ? 9 : r < 8 ? 5 : r < 9 ? 0 : units % 10);
        if (alt >= lo && alt <= hi)
            units = alt;
    }
    put_fixed(c, units, dec, false);
}

static void gen_amount(struct call *c)
{
    double min = opt_num(c, "min", 0), max = opt_num(c, "max", 1000);
    int dec = dec_option(c, 2);
    int64_t units = money_units(c, min, max, dec);

    put_symbol_option(c);
    put_fixed(c, units, dec, arg_bool(option(c, "autoFormat"), false));
}

/* IBAN layouts: country, then runs of n (digits), a (A-Z), c (A-Z or 0-9). */
static const struct iban_format {
    char country[3];
    const char *bban;
} iban_formats[] = {
    {"AD", "n8c12"},   {"AE", "n19"},      {"AL", "n8c16"},    {"AT", "n16"},
    {"AZ", "a4c20"},   {"BA", "n16"},      {"BE", "n12"},      {"BG", "a4n6c8"},
    {"BH", "a4c14"},   {"BR", "n23a1c1"},  {"CH", "n5c12"},    {"CR", "n18"},
    {"CY", "n8c16"},   {"CZ", "n20"},      {"DE", "n18"},      {"DK", "n14"},
    {"DO", "a4n20"},   {"EE", "n16"},      {"ES", "n20"},      {"FI", "n14"},
    {"FO", "n14"},     {"FR", "n10c11n2"}, {"GB", "a4n14"},    {"GE", "a2n16"},
    {"GI", "a4c15"},   {"GL", "n14"},      {"GR", "n7c16"},    {"GT", "c24"},
    {"HR", "n17"},     {"HU", "n24"},      {"IE", "a4n14"},    {"IL", "n19"},
    {"IS", "n22"},     {"IT", "a1n10c12"}, {"JO", "a4n4c18"},  {"KW", "a4c22"},
    {"KZ", "n3c13"},   {"LB", "n4c20"},    {"LI", "n5c12"},    {"LT", "n16"},
    {"LU", "n3c13"},   {"LV", "a4c13"},    {"MC", "n10c11n2"}, {"MD", "c20"},
    {"ME", "n18"},     {"MK", "n3c10n2"},  {"MR", "n23"},      {"MT", "a4n5c18"},
    {"MU", "a4n19a3"}, {"NL", "a4n10"},    {"NO", "n11"},      {"PK", "a4c16"},
    {"PL", "n24"},     {"PS", "a4c21"},    {"PT", "n21"},      {"QA", "a4c21"},
    {"RO", "a4c16"},   {"RS", "n18"},      {"SA", "n2c18"},    {"SE", "n20"},
    {"SI", "n15"},     {"SK", "n20"},      {"SM", "a1n10c12"}, {"TN", "n20"},
    {"TR", "n6c16"},   {"VG", "a4n16"},    {"XK", "n16"},
};

/* ISO 13616 check digits: 98 - (BBAN + country + "00" as digits) mod 97. */
static int iban_check(const char *country, const char *bban, size_t len)
{
    char tail[5] = {country[0], country[1], '0', '0', '\0'};
    unsigned mod = 0;
    size_t i;
    const char *parts[2] = {bban, tail};
    size_t lens[2] = {len, 4};
    int p;

    for (p = 0; p < 2; p++) {
        for (i = 0; i < lens[p]; i++) {
            char ch = parts[p][i];

            if (ch >= '0' && ch <= '9')
                mod = (mod * 10 + (unsigned)(ch - '0')) % 97;
            else
                mod = (mod * 100 + (unsigned)(ch - 'A' + 10)) % 97;
        }
    }
    return (int)(98 - mod);
}

static void gen_iban(struct call *c)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const size_t nformats = sizeof(iban_formats) / sizeof(iban_formats[0]);
    const struct iban_format *f = NULL;
    char bban[40], iban[48];
    size_t len = 0, i, clen = 0;
    const char *code = arg_str(option(c, "countryCode"), &clen), *p;
    bool formatted = arg_bool(option(c, "formatted"), false);

    if (code && clen == 2) {
        for (i = 0; i < nformats; i++) {
            if (memcmp(iban_formats[i].country, code, 2) == 0)
                f = &iban_formats[i];
        }
    }
    if (!f)
        f = &iban_formats[below(c, nformats)];
    for (p = f->bban; *p;) {
        char type = *p++;
        int n = 0;

        while (*p >= '0' && *p <= '9')
            n = n * 10 + (*p++ - '0');
        for (; n > 0 && len < sizeof(bban) - 1; n--) {
            if (type == 'n' || (type == 'c' && chance(c, 0.8)))
                bban[len++] = (char)('0' + below(c, 10));
            else
                bban[len++] = alpha[below(c, 26)];
        }
    }
    snprintf(iban, sizeof(iban), "%s%02d%.*s", f->country, iban_check(f->country, bban, len),
             (int)len, bban);
    if (!formatted) {
        put(c, iban);
        return;
    }
    for (i = 0; iban[i]; i++) {
        if (i && i % 4 == 0)
            putch(c, ' ');
        putch(c, iban[i]);
    }
}

static void gen_bic(struct call *c)
{
    static const char an[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const struct mr_faker_arg *branch = option(c, "includeBranchCode");

    put_symbols(c, "????", 4);
    put(c, pick(c, &mr_faker__country_codes));
    put_from(c, an, 36, 2);
    if (branch ? arg_bool(branch, false) : chance(c, 0.5)) {
        if (chance(c, 0.5))
            put_from(c, an, 36, 3);
        else
            put(c, "XXX");
    }
}

static void gen_account_number(struct call *c)
{
    double v;
    int64_t n = 8;

    if (first_num(c, &v) || arg_num(option(c, "length"), &v))
        n = clamp_count(v);
    put_from(c, "0123456789", 10, n);
}

static void gen_currency_code(struct call *c)
{
    put(c, pick(c, &mr_faker__currency_codes));
}

/* --- phone --------------------------------------------------------------- */

static void gen_phone(struct call *c)
{
    static const char *const human[] = {"!##-!##-####", "(!##) !##-####", "1-!##-!##-####",
                                        "!##.!##.####"};
    static const char *const ext[] = {"", " x###", " x####", " x#####"};
    const struct mr_faker_arg *style = option(c, "style");
    const char *f;

    if (arg_is(style, "national")) {
        f = "(!##) !##-####";
    } else if (arg_is(style, "international")) {
        f = "+1!##!######";
    } else {
        f = human[below(c, 4)];
        put_symbols(c, f, strlen(f));
        f = ext[below(c, 4)];
    }
    put_symbols(c, f, strlen(f));
}

/* --- lorem --------------------------------------------------------------- */

static void put_lorem_word(struct call *c, int64_t want_len)
{
    const struct mr_faker__list *l = &mr_faker__lorem;
    size_t i, matches = 0, k;

    if (want_len > 0) {
        for (i = 0; i < l->n; i++)
            matches += strlen(l->items[i]) == (size_t)want_len;
    }
    if (!matches) { /* Faker's default strategy: any length */
        put(c, pick(c, l));
        return;
    }
    k = below(c, matches);
    for (i = 0; i < l->n; i++) {
        if (strlen(l->items[i]) == (size_t)want_len && k-- == 0) {
            put(c, l->items[i]);
            return;
        }
    }
}

static void gen_word(struct call *c)
{
    double v;

    if (first_num(c, &v) || arg_num(option(c, "length"), &v))
        put_lorem_word(c, clamp_count(v));
    else
        put_lorem_word(c, 0);
}

static void put_words(struct call *c, int64_t n, char sep)
{
    int64_t i;

    for (i = 0; i < n; i++) {
        if (i)
            putch(c, sep);
        put_lorem_word(c, 0);
    }
}

static void gen_words(struct call *c)
{
    put_words(c, count_param(c, NULL, 3, 3), ' ');
}

static void gen_slug(struct call *c)
{
    put_words(c, count_param(c, NULL, 3, 3), '-');
}

/* A sentence: n words, the first capitalised, and a full stop. */
static void put_sentence(struct call *c, int64_t n)
{
    size_t start = c->out->len;

    if (n <= 0)
        n = 1;
    put_words(c, n, ' ');
    if (!c->out->failed && c->out->len > start) {
        char *first = &c->out->data[start];

        if (*first >= 'a' && *first <= 'z')
            *first = (char)(*first - 'a' + 'A');
    }
    putch(c, '.');
}

static void gen_sentence(struct call *c)
{
    put_sentence(c, count_param(c, NULL, 3, 10));
}

static void put_sentences(struct call *c, int64_t n, const char *sep, size_t seplen)
{
    int64_t i;

    for (i = 0; i < n; i++) {
        if (i)
            putn(c, sep, seplen);
        put_sentence(c, between(c, 3, 10));
    }
}

static void gen_sentences(struct call *c)
{
    size_t len;
    const char *sep = arg_str(positional(c, 1), &len);
    int64_t n = count_param(c, NULL, 2, 6);

    if (!sep) {
        sep = " ";
        len = 1;
    }
    put_sentences(c, n, sep, len);
}

static void gen_lines(struct call *c)
{
    put_sentences(c, count_param(c, NULL, 1, 5), "\n", 1);
}

static void gen_paragraph(struct call *c)
{
    put_sentences(c, count_param(c, NULL, 3, 3), " ", 1);
}

static void gen_paragraphs(struct call *c)
{
    size_t len;
    const char *sep = arg_str(positional(c, 1), &len);
    int64_t n = count_param(c, NULL, 3, 3), i;

    if (!sep) {
        sep = "\n";
        len = 1;
    }
    for (i = 0; i < n; i++) {
        if (i)
            putn(c, sep, len);
        put_sentences(c, 3, " ", 1);
    }
}

/* --- string -------------------------------------------------------------- */

static void gen_uuid(struct call *c)
{
    put_hex(c, 8);
    putch(c, '-');
    put_hex(c, 4);
    put(c, "-4");
    put_hex(c, 3);
    putch(c, '-');
    putch(c, "89ab"[below(c, 4)]);
    put_hex(c, 3);
    putch(c, '-');
    put_hex(c, 12);
}

/* Letters (and digits) by `casing`, less the `exclude` characters. */
static void gen_charset(struct call *c, bool letters, bool digits)
{
    char set[64];
    size_t n = 0, xlen = 0;
    const char *exclude = arg_str(option(c, "exclude"), &xlen);
    const struct mr_faker_arg *casing = option(c, "casing");
    bool upper = !arg_is(casing, "lower"), lower = !arg_is(casing, "upper");
    int64_t len = count_param(c, "length", 1, 1);
    char ch;

    if (digits) {
        for (ch = '0'; ch <= '9'; ch++)
            set[n++] = ch;
    }
    if (letters && lower) {
        for (ch = 'a'; ch <= 'z'; ch++)
            set[n++] = ch;
    }
    if (letters && upper) {
        for (ch = 'A'; ch <= 'Z'; ch++)
            set[n++] = ch;
    }
    if (exclude) {
        size_t i, j = 0;

        for (i = 0; i < n; i++) {
            if (!memchr(exclude, set[i], xlen))
                set[j++] = set[i];
        }
        n = j;
    }
    if (n == 0)
        return; /* Faker throws: nothing left to choose from */
    put_from(c, set, n, len);
}

static void gen_alphanumeric(struct call *c)
{
    gen_charset(c, true, true);
}

static void gen_alpha(struct call *c)
{
    gen_charset(c, true, false);
}

static void gen_numeric(struct call *c)
{
    int64_t len = count_param(c, "length", 1, 1);
    const struct mr_faker_arg *lead = option(c, "allowLeadingZeros");

    if (len <= 0)
        return;
    if (lead && !arg_bool(lead, true)) {
        putch(c, (char)('1' + below(c, 9)));
        len--;
    }
    put_from(c, "0123456789", 10, len);
}

static void gen_hexadecimal(struct call *c)
{
    static const char mixed[] = "0123456789abcdefABCDEF";
    size_t plen;
    const char *prefix = arg_str(option(c, "prefix"), &plen);
    const struct mr_faker_arg *casing = option(c, "casing");
    double v;
    int64_t len = arg_num(option(c, "length"), &v) ? clamp_count(v) : 1;

    if (prefix)
        putn(c, prefix, plen);
    else
        put(c, "0x");
    if (arg_is(casing, "lower"))
        put_from(c, mixed, 16, len);
    else if (arg_is(casing, "upper"))
        put_from(c, "0123456789ABCDEF", 16, len);
    else
        put_from(c, mixed, sizeof(mixed) - 1, len);
}

/* --- number and datatype ------------------------------------------------- */

static double clamp_safe(double v)
{
    return fmin(fmax(v, -MAX_SAFE_INTEGER), MAX_SAFE_INTEGER);
}

static void gen_int(struct call *c)
{
    double min = opt_num(c, "min", 0), max = opt_num(c, "max", MAX_SAFE_INTEGER), v;
    double step = floor(opt_num(c, "multipleOf", 1));
    double lo, hi;

    if (first_num(c, &v))
        max = v;
    if (step < 1)
        step = 1;
    lo = ceil(clamp_safe(min) / step);
    hi = floor(clamp_safe(max) / step);
    if (hi < lo) { /* Faker throws; answer with the nearest value instead */
        double t = lo;

        lo = ceil(hi);
        hi = floor(t);
        if (hi < lo)
            hi = lo;
    }
    put_js_number(c, (double)between(c, (int64_t)lo, (int64_t)hi) * step);
}

static void gen_float(struct call *c)
{
    double min = opt_num(c, "min", 0), max = opt_num(c, "max", 1), v, f;
    const struct mr_faker_arg *digits = option(c, "fractionDigits");

    if (first_num(c, &v))
        max = v;
    if (max < min) {
        double t = min;

        min = max;
        max = t;
    }
    if (max == min) {
        put_js_number(c, min);
        return;
    }
    if (arg_num(digits, &v) && v >= 0 && v <= 15) {
        f = (double)pow10i((int)v);
    } else if (arg_num(option(c, "multipleOf"), &v) && v > 0) {
        /* 10^-n steps divide by 10^n, so 0.1 * 3 does not print 0.30000000000000004 */
        double lg = log10(v);

        f = (v < 1 && lg == floor(lg)) ? pow(10, -lg) : 1 / v;
    } else {
        put_js_number(c, min + unit(c) * (max - min));
        return;
    }
    put_js_number(c, (double)between(c, (int64_t)ceil(clamp_safe(min * f)),
                                     (int64_t)floor(clamp_safe(max * f))) /
                         f);
}

static void gen_boolean(struct call *c)
{
    double p = 0.5, v;

    if (first_num(c, &v) || arg_num(option(c, "probability"), &v))
        p = v;
    put(c, p <= 0 ? "false" : p >= 1 ? "true" : chance(c, p) ? "true" : "false");
}

/* --- date ---------------------------------------------------------------- */

static void put_date_between(struct call *c, int64_t from, int64_t to)
{
    put_date(c, between(c, from, to));
}

static int64_t span_option(struct call *c, const char *key, double def, int64_t unit_ms)
{
    double v = opt_num(c, key, def);

    if (!(v > 0))
        v = def;
    if (v > 1e6)
        v = 1e6;
    return (int64_t)(v * (double)unit_ms);
}

static void gen_past(struct call *c)
{
    int64_t ref = ref_date(c);

    put_date_between(c, ref - span_option(c, "years", 1, 365 * DAY_MS), ref - 1000);
}

static void gen_future(struct call *c)
{
    int64_t ref = ref_date(c);

    put_date_between(c, ref + 1000, ref + span_option(c, "years", 1, 365 * DAY_MS));
}

static void gen_recent(struct call *c)
{
    int64_t ref = ref_date(c);

    put_date_between(c, ref - span_option(c, "days", 1, DAY_MS), ref - 1000);
}

static void gen_soon(struct call *c)
{
    int64_t ref = ref_date(c);

    put_date_between(c, ref + 1000, ref + span_option(c, "days", 1, DAY_MS));
}

static void gen_anytime(struct call *c)
{
    int64_t ref = ref_date(c);

    put_date_between(c, ref - 365 * DAY_MS, ref + 365 * DAY_MS);
}

static void gen_between(struct call *c)
{
    int64_t from, to, ref = 0;
    bool have_from = arg_date(option(c, "from"), &from);
    bool have_to = arg_date(option(c, "to"), &to);

    if (!have_from || !have_to)
        ref = ref_date(c);
    if (!have_from)
        from = ref;
    if (!have_to)
        to = ref;
    put_date_between(c, from, to);
}

static void gen_month(struct call *c)
{
    struct mr_buf *out = c->out;
    int64_t ms = (int64_t)below(c, 12) * 31 * DAY_MS + 15 * DAY_MS; /* within 1970 */

    mr_date_format(out, ms, arg_bool(option(c, "abbreviated"), false) ? "MMM" : "MMMM");
}

static void gen_weekday(struct call *c)
{
    int64_t ms = (int64_t)below(c, 7) * DAY_MS;

    mr_date_format(c->out, ms, arg_bool(option(c, "abbreviated"), false) ? "EEE" : "EEEE");
}

/* --- image and others ---------------------------------------------------- */

static int64_t dimension(struct call *c, const char *key)
{
    double v;

    if (arg_num(option(c, key), &v) && v >= 1 && v <= 1e6)
        return (int64_t)v;
    return between(c, 1, 3999);
}

static void put_picsum(struct call *c, int64_t w, int64_t h)
{
    static const char an[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    put(c, "https://picsum.photos/seed/");
    put_from(c, an, sizeof(an) - 1, between(c, 5, 10));
    mr_buf_printf(c->out, "/%lld/%lld", (long long)w, (long long)h);
}

static void put_loremflickr(struct call *c, int64_t w, int64_t h)
{
    mr_buf_printf(c->out, "https://loremflickr.com/%lld/%lld?lock=%lld", (long long)w, (long long)h,
                  (long long)between(c, 0, (int64_t)MAX_SAFE_INTEGER));
}

static void gen_image_url(struct call *c)
{
    int64_t w = dimension(c, "width"), h = dimension(c, "height");

    if (chance(c, 0.5))
        put_loremflickr(c, w, h);
    else
        put_picsum(c, w, h);
}

static void gen_picsum(struct call *c)
{
    int64_t w = dimension(c, "width"), h = dimension(c, "height");

    put_picsum(c, w, h);
}

static void gen_loremflickr(struct call *c)
{
    int64_t w = dimension(c, "width"), h = dimension(c, "height");

    put_loremflickr(c, w, h);
}

static void gen_avatar(struct call *c)
{
    mr_buf_printf(c->out, "https://avatars.githubusercontent.com/u/%lld",
                  (long long)between(c, 0, 100000000));
}

static void gen_color_human(struct call *c)
{
    put(c, pick(c, &mr_faker__colors));
}

static void gen_rgb(struct call *c)
{
    putch(c, '#');
    put_hex(c, 6);
}

static void gen_object_id(struct call *c)
{
    put_hex(c, 24);
}

/* --- the name table ------------------------------------------------------ */

/* A name and its generator; mr_faker_find hands out pointers into the
 * table as handles. */
struct mr_faker_method {
    const char *name;
    void (*fn)(struct call *c);
};

/* Sorted by strcmp for bsearch; the unit tests check the order. */
static const struct mr_faker_method entries[] = {
    {"color.human", gen_color_human},
    {"color.rgb", gen_rgb},
    {"commerce.department", gen_department},
    {"commerce.price", gen_price},
    {"commerce.product", gen_product},
    {"commerce.productAdjective", gen_product_adjective},
    {"commerce.productMaterial", gen_product_material},
    {"commerce.productName", gen_product_name},
    {"company.name", gen_company_name},
    {"database.mongodbObjectId", gen_object_id},
    {"datatype.boolean", gen_boolean},
    {"date.anytime", gen_anytime},
    {"date.between", gen_between},
    {"date.future", gen_future},
    {"date.month", gen_month},
    {"date.past", gen_past},
    {"date.recent", gen_recent},
    {"date.soon", gen_soon},
    {"date.weekday", gen_weekday},
    {"finance.accountNumber", gen_account_number},
    {"finance.amount", gen_amount},
    {"finance.bic", gen_bic},
    {"finance.currencyCode", gen_currency_code},
    {"finance.iban", gen_iban},
    {"image.avatar", gen_avatar},
    {"image.url", gen_image_url},
    {"image.urlLoremFlickr", gen_loremflickr},
    {"image.urlPicsumPhotos", gen_picsum},
    {"internet.domainName", gen_domain_name},
    {"internet.domainSuffix", gen_domain_suffix},
    {"internet.domainWord", gen_domain_word},
    {"internet.email", gen_email},
    {"internet.exampleEmail", gen_example_email},
    {"internet.httpMethod", gen_http_method},
    {"internet.ip", gen_ip},
    {"internet.ipv4", gen_ipv4},
    {"internet.ipv6", gen_ipv6},
    {"internet.mac", gen_mac},
    {"internet.password", gen_password},
    {"internet.port", gen_port},
    {"internet.protocol", gen_protocol},
    {"internet.url", gen_url},
    {"internet.userName", gen_user_name},
    {"internet.username", gen_user_name},
    {"location.buildingNumber", gen_building_number},
    {"location.city", gen_city},
    {"location.country", gen_country},
    {"location.countryCode", gen_country_code},
    {"location.latitude", gen_latitude},
    {"location.longitude", gen_longitude},
    {"location.secondaryAddress", gen_secondary_address},
    {"location.state", gen_state},
    {"location.street", gen_street},
    {"location.streetAddress", gen_street_address},
    {"location.zipCode", gen_zip_code},
    {"lorem.lines", gen_lines},
    {"lorem.paragraph", gen_paragraph},
    {"lorem.paragraphs", gen_paragraphs},
    {"lorem.sentence", gen_sentence},
    {"lorem.sentences", gen_sentences},
    {"lorem.slug", gen_slug},
    {"lorem.word", gen_word},
    {"lorem.words", gen_words},
    {"number.float", gen_float},
    {"number.int", gen_int},
    {"person.firstName", gen_first_name},
    {"person.fullName", gen_full_name},
    {"person.jobTitle", gen_job_title},
    {"person.lastName", gen_last_name},
    {"person.middleName", gen_first_name},
    {"person.prefix", gen_prefix},
    {"person.sex", gen_sex},
    {"person.suffix", gen_suffix},
    {"phone.number", gen_phone},
    {"string.alpha", gen_alpha},
    {"string.alphanumeric", gen_alphanumeric},
    {"string.hexadecimal", gen_hexadecimal},
    {"string.numeric", gen_numeric},
    {"string.uuid", gen_uuid},
};

#define NENTRIES (sizeof(entries) / sizeof(entries[0]))

static int cmp_entry(const void *key, const void *e)
{
    return strcmp((const char *)key, ((const struct mr_faker_method *)e)->name);
}

static const struct mr_faker_method *lookup(const char *name)
{
    if (!name)
        return NULL;
    return bsearch(name, entries, NENTRIES, sizeof(entries[0]), cmp_entry);
}

bool mr_faker_known(const char *name)
{
    return lookup(name) != NULL;
}

const char *mr_faker_name_at(size_t i)
{
    return i < NENTRIES ? entries[i].name : NULL;
}

const struct mr_faker_method *mr_faker_find(const char *name)
{
    return lookup(name);
}

const char *mr_faker_method_name(const struct mr_faker_method *m)
{
    return m->name;
}

int mr_faker_run(struct mr_buf *out, const struct mr_faker_method *m,
                 const struct mr_faker_arg *args, size_t nargs, uint64_t (*rand)(void *),
                 void *rand_ctx)
{
    struct call c;
    size_t i;

    if (!m || !rand)
        return MR_EINTERNAL;
    c.out = out;
    c.rand = rand;
    c.rand_ctx = rand_ctx;
    c.args = args;
    c.nargs = nargs;
    c.npos = 0;
    for (i = 0; i < nargs; i++) {
        if (!args[i].key && c.npos < MAX_POSITIONAL)
            c.pos[c.npos++] = &args[i];
    }
    m->fn(&c);
    return out->failed ? MR_ENOMEM : 0;
}

int mr_faker_generate(struct mr_buf *out, const char *name, const struct mr_faker_arg *args,
                      size_t nargs, uint64_t (*rand)(void *), void *rand_ctx)
{
    return mr_faker_run(out, lookup(name), args, nargs, rand, rand_ctx);
}

/* --- suggestions --------------------------------------------------------- */

/* Names from Faker before v8 (and faker.js 5), which many old mocks use. */
static const struct {
    const char *old, *now;
} renamed[] = {
    {"address.", "location."},
    {"name.", "person."},
    {"datatype.uuid", "string.uuid"},
    {"random.uuid", "string.uuid"},
    {"datatype.number", "number.int"},
    {"random.number", "number.int"},
    {"datatype.float", "number.float"},
    {"datatype.string", "string.alphanumeric"},
    {"random.alphaNumeric", "string.alphanumeric"},
    {"random.alpha", "string.alpha"},
    {"random.numeric", "string.numeric"},
    {"random.word", "lorem.word"},
    {"random.words", "lorem.words"},
    {"datatype.hexadecimal", "string.hexadecimal"},
    {"datatype.datetime", "date.anytime"},
    {"random.boolean", "datatype.boolean"},
    {"phone.phoneNumber", "phone.number"},
    {"internet.avatar", "image.avatar"},
    {"image.imageUrl", "image.url"},
    {"finance.account", "finance.accountNumber"},
    {"name.findName", "person.fullName"},
    {"name.title", "person.jobTitle"},
    {"address.streetName", "location.street"},
    {"address.zipCodeByState", "location.zipCode"},
    {"commerce.color", "color.human"},
    {"internet.color", "color.rgb"},
};

const char *mr_faker_suggest(const char *name)
{
    struct mr_text_suggestion typo;
    const char *dot;
    char buf[96];
    size_t i;

    if (!name || !*name)
        return NULL;
    /* renamed in Faker v8: whole names, then namespaces */
    for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++) {
        size_t n = strlen(renamed[i].old);

        const struct mr_faker_method *e = NULL;

        if (renamed[i].old[n - 1] != '.' && strcasecmp(name, renamed[i].old) == 0) {
            e = lookup(renamed[i].now);
        } else if (renamed[i].old[n - 1] == '.' && strncmp(name, renamed[i].old, n) == 0) {
            size_t a = strlen(renamed[i].now), b = strlen(name + n);

            if (a + b < sizeof(buf)) {
                memcpy(buf, renamed[i].now, a);
                memcpy(buf + a, name + n, b + 1);
                e = lookup(buf);
            }
        }
        if (e)
            return e->name;
    }
    /* a case slip, or the right method under another namespace */
    dot = strchr(name, '.');
    for (i = 0; i < NENTRIES; i++) {
        if (strcasecmp(name, entries[i].name) == 0)
            return entries[i].name;
    }
    for (i = 0; dot && i < NENTRIES; i++) {
        if (strcasecmp(dot, strchr(entries[i].name, '.')) == 0)
            return entries[i].name;
    }
    /* else the nearest name, if close enough to be a typo */
    mr_text_suggest_init(&typo, name);
    for (i = 0; i < NENTRIES; i++)
        mr_text_suggest_add(&typo, entries[i].name);
    return typo.best;
}
