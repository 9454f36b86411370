/*
 * datefmt.c - UTC calendar arithmetic, date-fns formatting, JavaScript-style
 * parsing and shifting.
 *
 * The calendar works on day numbers (days since 1970-01-01) with the
 * civil-from-days / days-from-civil conversions, so every year JavaScript can
 * represent (±275760) works without time_t or the C library's time zone.
 *
 * Formatting follows date-fns 4 `format()` with the en-US locale and the two
 * options Mockoon passes (useAdditionalWeekYearTokens and
 * useAdditionalDayOfYearTokens, so YY/YYYY and D/DD are allowed). The token
 * splitter mirrors date-fns' regular expression: an optional ordinal "o"
 * suffix, runs of one letter, quoted literals with '' for a quote, and
 * anything else copied. Tokens supported:
 *
 *   G..GGGGG era          y yo yy yyy..  calendar year    Y Yo YY ...  local week year
 *   R..  ISO week year     u..  extended year
 *   Q Qo QQ QQQ QQQQ QQQQQ quarter (q: stand-alone, same text in English)
 *   M Mo MM MMM MMMM MMMMM month   (L: stand-alone)
 *   w wo ww local week     I Io II ISO week
 *   d do dd day of month   D Do DD DDD day of year
 *   E..EEEEEE weekday      e/c (local day number or names)   i (ISO day number or names)
 *   a..aaaaa AM/PM         b..bbbbb with noon/midnight   B..BBBBB "in the morning"
 *   h H K k (with o)       m s (with o)    S.. fraction of a second
 *   X..XXXXX x..xxxxx O OOOO z zzzz time zone (always UTC here)
 *   t T  seconds / milliseconds timestamp
 *   P..PPPP p..pppp and PPPPpppp-style combinations: localized date and time
 *
 * Deliberate difference: date-fns throws a RangeError for an unescaped ASCII
 * letter that is not a token (and for an invalid date); mr_date_format copies
 * the letters unchanged and writes "Invalid Date" for an invalid date.
 * mr_date_format_check reports the unknown letter so callers can reject a
 * constant format when the template is compiled.
 */
#include "fakedata/datefmt.h"

#include <string.h>

#include "common/error.h"

#define MS_PER_DAY INT64_C(86400000)

static const char *const month_wide[12] = {"January",   "February", "March",    "April",
                                           "May",       "June",     "July",     "August",
                                           "September", "October",  "November", "December"};
static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const day_wide[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
static const char *const day_abbr[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const day_short[7] = {"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"};
static const char *const day_narrow[7] = {"S", "M", "T", "W", "T", "F", "S"};

/* --- calendar ------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

/* Days since 1970-01-01 of y-m-d (m 1..12, d may overflow the month). */
static int64_t days_from_civil(int64_t y, int m, int64_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468 + (d - 1);
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = floor_div(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* JavaScript's MakeDay: a month outside 0..11 moves the year. */
static int64_t make_day(int64_t year, int64_t month0, int64_t date)
{
    int64_t y = year + floor_div(month0, 12);
    int m = (int)floor_mod(month0, 12);

    return days_from_civil(y, m + 1, date);
}

static bool in_range(int64_t ms)
{
    return ms >= -MR_DATE_MAX_MS && ms <= MR_DATE_MAX_MS;
}

struct tm_utc {
    int64_t year;
    int month; /* 0..11 */
    int day;   /* 1..31 */
    int wday;  /* 0 = Sunday */
    int yday;  /* 1..366 */
    int hour, min, sec, msec;
    int64_t days; /* since the epoch */
};

static void split(int64_t ms, struct tm_utc *t)
{
    int64_t days = floor_div(ms, MS_PER_DAY);
    int64_t rem = ms - days * MS_PER_DAY;
    int m, d;

    civil_from_days(days, &t->year, &m, &d);
    t->month = m - 1;
    t->day = d;
    t->days = days;
    t->wday = (int)floor_mod(days + 4, 7);
    t->yday = (int)(days - days_from_civil(t->year, 1, 1) + 1);
    t->hour = (int)(rem / 3600000);
    t->min = (int)(rem / 60000 % 60);
    t->sec = (int)(rem / 1000 % 60);
    t->msec = (int)(rem % 1000);
}

/* ISO 8601 weeks: Monday first; week 1 holds the year's first Thursday. */
static int64_t iso_week_start(int64_t year)
{
    int64_t jan4 = days_from_civil(year, 1, 4);

    return jan4 - floor_mod(jan4 + 3, 7); /* the Monday on or before Jan 4 */
}

static void iso_week(const struct tm_utc *t, int64_t *wyear, int *week)
{
    int64_t y = t->year, start = iso_week_start(y + 1);

    if (t->days >= start)
        y++;
    else if (t->days < (start = iso_week_start(y)))
        start = iso_week_start(--y);
    *wyear = y;
    *week = (int)((t->days - start) / 7 + 1);
}

/* date-fns' en-US local weeks: Sunday first; week 1 holds January 1. */
static int64_t local_week_start(int64_t year)
{
    int64_t jan1 = days_from_civil(year, 1, 1);

    return jan1 - floor_mod(jan1 + 4, 7); /* the Sunday on or before Jan 1 */
}

static void local_week(const struct tm_utc *t, int64_t *wyear, int *week)
{
    int64_t y = t->year, start = local_week_start(y + 1);

    if (t->days >= start)
        y++;
    else
        start = local_week_start(y);
    *wyear = y;
    *week = (int)((t->days - start) / 7 + 1);
}

/* --- formatting ---------------------------------------------------------- */

/* date-fns' addLeadingZeros: a sign, then |n| padded to `width` digits. */
static void put_padded(struct mr_buf *out, int64_t n, size_t width)
{
    char digits[32];
    uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    size_t len = 0;

    do {
        digits[len++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0)
        mr_buf_putc(out, '-');
    for (; width > len; width--)
        mr_buf_putc(out, '0');
    while (len)
        mr_buf_putc(out, digits[--len]);
}

static void put_ordinal(struct mr_buf *out, int64_t n)
{
    int64_t r100 = floor_mod(n, 100), r10 = floor_mod(n, 10);
    const char *suffix = "th";

    if (r100 < 11 || r100 > 13) {
        if (r10 == 1)
            suffix = "st";
        else if (r10 == 2)
            suffix = "nd";
        else if (r10 == 3)
            suffix = "rd";
    }
    put_padded(out, n, 1);
    mr_buf_puts(out, suffix);
}

/* A number token: "Xo" is an ordinal, otherwise padded to the token length. */
static void put_number(struct mr_buf *out, int64_t n, size_t count, bool ordinal)
{
    if (ordinal)
        put_ordinal(out, n);
    else
        put_padded(out, n, count);
}

static void put_weekday(struct mr_buf *out, int wday, size_t count)
{
    if (count <= 3)
        mr_buf_puts(out, day_abbr[wday]);
    else if (count == 5)
        mr_buf_puts(out, day_narrow[wday]);
    else if (count == 6)
        mr_buf_puts(out, day_short[wday]);
    else
        mr_buf_puts(out, day_wide[wday]);
}

static void put_month(struct mr_buf *out, int month, size_t count, bool ordinal)
{
    if (ordinal || count <= 2)
        put_number(out, month + 1, count, ordinal);
    else if (count == 3)
        mr_buf_puts(out, month_abbr[month]);
    else if (count == 5)
        mr_buf_putc(out, month_wide[month][0]);
    else
        mr_buf_puts(out, month_wide[month]);
}

static void put_quarter(struct mr_buf *out, int q, size_t count, bool ordinal)
{
    if (ordinal || count <= 2) {
        put_number(out, q, count, ordinal);
    } else if (count == 3) {
        mr_buf_printf(out, "Q%d", q);
    } else if (count == 5) {
        put_padded(out, q, 1);
    } else {
        put_ordinal(out, q);
        mr_buf_puts(out, " quarter");
    }
}

/* Day periods: am/pm, with noon and midnight for `b`. */
static void put_period(struct mr_buf *out, int hour, size_t count, bool b)
{
    static const char *const abbr[] = {"AM", "PM", "midnight", "noon"};
    static const char *const lower[] = {"am", "pm", "midnight", "noon"};
    static const char *const wide[] = {"a.m.", "p.m.", "midnight", "noon"};
    static const char *const narrow[] = {"a", "p", "mi", "n"};
    int i = hour >= 12;

    if (b && hour == 0)
        i = 2;
    else if (b && hour == 12)
        i = 3;
    if (count <= 2)
        mr_buf_puts(out, abbr[i]);
    else if (count == 3)
        mr_buf_puts(out, lower[i]);
    else if (count == 5)
        mr_buf_puts(out, narrow[i]);
    else
        mr_buf_puts(out, wide[i]);
}

static void put_flexible_period(struct mr_buf *out, int hour)
{
    if (hour >= 17)
        mr_buf_puts(out, "in the evening");
    else if (hour >= 12)
        mr_buf_puts(out, "in the afternoon");
    else if (hour >= 4)
        mr_buf_puts(out, "in the morning");
    else
        mr_buf_puts(out, "at night");
}

static bool is_token_letter(char c)
{
    return c && strchr("GyYRuQqMLwIdDEecihabBHKkmsSXxOztTPp", c) != NULL;
}

static bool is_ordinal_letter(char c)
{
    return c && strchr("yYQqMLwIdDecihHKkms", c) != NULL;
}

static bool is_latin(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_word(char c)
{
    return is_latin(c) || (c >= '0' && c <= '9') || c == '_';
}

static void format_pattern(struct mr_buf *out, const struct tm_utc *t, int64_t ms, const char *fmt,
                           size_t fmtlen);

/* One token: `count` copies of `c`, or "co" when `ordinal`. */
static void put_token(struct mr_buf *out, const struct tm_utc *t, int64_t ms, char c, size_t count,
                      bool ordinal)
{
    int64_t wyear, year = t->year > 0 ? t->year : 1 - t->year;
    int week, hour;

    switch (c) {
    case 'G':
        if (count <= 3)
            mr_buf_puts(out, t->year > 0 ? "AD" : "BC");
        else if (count == 5)
            mr_buf_puts(out, t->year > 0 ? "A" : "B");
        else
            mr_buf_puts(out, t->year > 0 ? "Anno Domini" : "Before Christ");
        break;
    case 'y':
        put_number(out, count == 2 ? year % 100 : year, count, ordinal);
        break;
    case 'Y':
        local_week(t, &wyear, &week);
        wyear = wyear > 0 ? wyear : 1 - wyear;
        put_number(out, count == 2 ? wyear % 100 : wyear, count, ordinal);
        break;
    case 'R':
        iso_week(t, &wyear, &week);
        put_padded(out, wyear, count);
        break;
    case 'u':
        put_padded(out, t->year, count);
        break;
    case 'Q':
    case 'q':
        put_quarter(out, t->month / 3 + 1, count, ordinal);
        break;
    case 'M':
    case 'L':
        put_month(out, t->month, count, ordinal);
        break;
    case 'w':
        local_week(t, &wyear, &week);
        put_number(out, week, count, ordinal);
        break;
    case 'I':
        iso_week(t, &wyear, &week);
        put_number(out, week, count, ordinal);
        break;
    case 'd':
        put_number(out, t->day, count, ordinal);
        break;
    case 'D':
        put_number(out, t->yday, count, ordinal);
        break;
    case 'E':
        put_weekday(out, t->wday, count);
        break;
    case 'e':
    case 'c':
    case 'i':
        if (ordinal || count <= 2) {
            /* e/c: Sunday is 1 (en-US weeks); i: ISO, Monday is 1 */
            put_number(out, c == 'i' ? (t->wday ? t->wday : 7) : t->wday + 1, count, ordinal);
        } else {
            put_weekday(out, t->wday, count);
        }
        break;
    case 'a':
        put_period(out, t->hour, count, false);
        break;
    case 'b':
        put_period(out, t->hour, count, true);
        break;
    case 'B':
        put_flexible_period(out, t->hour);
        break;
    case 'h':
        hour = t->hour % 12;
        put_number(out, hour ? hour : 12, count, ordinal);
        break;
    case 'H':
        put_number(out, t->hour, count, ordinal);
        break;
    case 'K':
        put_number(out, t->hour % 12, count, ordinal);
        break;
    case 'k':
        put_number(out, t->hour ? t->hour : 24, count, ordinal);
        break;
    case 'm':
        put_number(out, t->min, count, ordinal);
        break;
    case 's':
        put_number(out, t->sec, count, ordinal);
        break;
    case 'S': {
        /* the fraction truncated (or zero-extended) to `count` digits */
        int64_t frac = t->msec;
        size_t i;

        for (i = 3; i < count && frac < INT64_MAX / 10; i++)
            frac *= 10;
        for (i = count; i < 3; i++)
            frac /= 10;
        put_padded(out, frac, count);
        break;
    }
    case 'X':
        mr_buf_putc(out, 'Z');
        break;
    case 'x':
        mr_buf_puts(out, count == 1 ? "+00" : (count == 2 || count == 4) ? "+0000" : "+00:00");
        break;
    case 'O':
    case 'z':
        mr_buf_puts(out, count <= 3 ? "GMT+0" : "GMT+00:00");
        break;
    case 't':
        put_padded(out, ms / 1000, count); /* Math.trunc, toward zero */
        break;
    case 'T':
        put_padded(out, ms, count);
        break;
    default:
        MR_BUG("date token '%c'", c);
    }
}

/* en-US long formats (date-fns' P and p tokens). */
static const char *const date_long[4] = {"MM/dd/yyyy", "MMM d, y", "MMMM do, y",
                                         "EEEE, MMMM do, y"};
static const char *const time_long[4] = {"h:mm a", "h:mm:ss a", "h:mm:ss a z", "h:mm:ss a zzzz"};

static void put_long(struct mr_buf *out, const struct tm_utc *t, int64_t ms, size_t np, size_t nt)
{
    if (np) {
        const char *d = date_long[np > 4 ? 3 : np - 1];

        format_pattern(out, t, ms, d, strlen(d));
        if (nt)
            mr_buf_puts(out, np >= 3 ? " at " : ", ");
    }
    if (nt) {
        const char *tm = time_long[nt > 4 ? 3 : nt - 1];

        format_pattern(out, t, ms, tm, strlen(tm));
    }
}

/*
 * Splits `fmt` the way date-fns does and writes each piece. Returns the
 * first unknown latin letter through *bad (when bad is not NULL).
 */
static void walk(struct mr_buf *out, const struct tm_utc *t, int64_t ms, const char *fmt,
                 size_t len, char *bad)
{
    size_t i = 0;

    while (i < len) {
        char c = fmt[i];
        size_t j = i + 1;

        if (c == '\'') {
            if (j < len && fmt[j] == '\'') { /* '' is a quote */
                if (out)
                    mr_buf_putc(out, '\'');
                i = j + 1;
                continue;
            }
            /* a literal runs to the next lone quote, '' inside it is a quote */
            while (j < len) {
                if (fmt[j] == '\'' && j + 1 < len && fmt[j + 1] == '\'') {
                    if (out)
                        mr_buf_putc(out, '\'');
                    j += 2;
                } else if (fmt[j] == '\'') {
                    j++;
                    break;
                } else {
                    if (out)
                        mr_buf_putc(out, fmt[j]);
                    j++;
                }
            }
            i = j;
            continue;
        }
        if (c == 'P' || c == 'p') {
            /* long formats: P+p+, P+ or p+, as date-fns expands them */
            size_t np = 0, nt = 0;

            for (j = i; j < len && fmt[j] == 'P'; j++)
                np++;
            for (; j < len && fmt[j] == 'p'; j++)
                nt++;
            if (out)
                put_long(out, t, ms, np, nt);
            i = j;
            continue;
        }
        if (is_ordinal_letter(c) && j < len && fmt[j] == 'o') {
            if (out)
                put_token(out, t, ms, c, 1, true);
            i = j + 1;
            continue;
        }
        if (is_word(c)) {
            while (j < len && fmt[j] == c)
                j++;
            if (is_token_letter(c)) {
                if (out)
                    put_token(out, t, ms, c, j - i, false);
            } else {
                if (is_latin(c) && bad && !*bad)
                    *bad = c;
                if (out)
                    mr_buf_append(out, fmt + i, j - i);
            }
            i = j;
            continue;
        }
        if (out)
            mr_buf_putc(out, c);
        i = j;
    }
}

static void format_pattern(struct mr_buf *out, const struct tm_utc *t, int64_t ms, const char *fmt,
                           size_t fmtlen)
{
    walk(out, t, ms, fmt, fmtlen, NULL);
}

int mr_date_format(struct mr_buf *out, int64_t ms, const char *fmt)
{
    struct tm_utc t;

    if (!in_range(ms))
        return mr_buf_puts(out, "Invalid Date") ? 0 : MR_ENOMEM;
    split(ms, &t);
    walk(out, &t, ms, fmt, strlen(fmt), NULL);
    return out->failed ? MR_ENOMEM : 0;
}

bool mr_date_format_check(const char *fmt, char *bad)
{
    char c = '\0';

    walk(NULL, NULL, 0, fmt, strlen(fmt), &c);
    if (bad)
        *bad = c;
    return c == '\0';
}

int mr_date_iso(struct mr_buf *out, int64_t ms)
{
    struct tm_utc t;

    if (!in_range(ms))
        return mr_buf_puts(out, "Invalid Date") ? 0 : MR_ENOMEM;
    split(ms, &t);
    if (t.year >= 0 && t.year <= 9999)
        put_padded(out, t.year, 4);
    else
        mr_buf_printf(out, "%c%06lld", t.year < 0 ? '-' : '+',
                      (long long)(t.year < 0 ? -t.year : t.year));
    mr_buf_printf(out, "-%02d-%02dT%02d:%02d:%02d.%03dZ", t.month + 1, t.day, t.hour, t.min, t.sec,
                  t.msec);
    return out->failed ? MR_ENOMEM : 0;
}

int mr_date_js_string(struct mr_buf *out, int64_t ms)
{
    struct tm_utc t;

    if (!in_range(ms))
        return mr_buf_puts(out, "Invalid Date") ? 0 : MR_ENOMEM;
    split(ms, &t);
    mr_buf_printf(out, "%s %s %02d ", day_abbr[t.wday], month_abbr[t.month], t.day);
    put_padded(out, t.year, 4);
    mr_buf_printf(out, " %02d:%02d:%02d GMT+0000 (Coordinated Universal Time)", t.hour, t.min,
                  t.sec);
    return out->failed ? MR_ENOMEM : 0;
}

/* --- shifting ------------------------------------------------------------ */

static bool add_ok(int64_t a, int64_t b, int64_t *r)
{
    return !__builtin_add_overflow(a, b, r);
}

static bool mul_ok(int64_t a, int64_t b, int64_t *r)
{
    return !__builtin_mul_overflow(a, b, r);
}

/* The same time of day on calendar day `days`, JavaScript setMonth-style;
 * false when that lies outside JavaScript's range. */
static bool with_day(int64_t *ms, int64_t days)
{
    if (days < -MR_DATE_MAX_MS / MS_PER_DAY - 1 || days > MR_DATE_MAX_MS / MS_PER_DAY)
        return false;
    *ms = days * MS_PER_DAY + floor_mod(*ms, MS_PER_DAY);
    return in_range(*ms);
}

int64_t mr_date_shift(int64_t ms, int64_t years, int64_t months, int64_t days, int64_t hours,
                      int64_t minutes, int64_t seconds)
{
    /* Bounding year and month counts far beyond JavaScript's range (±3e6
     * months) keeps the calendar arithmetic inside int64. */
    const int64_t lim = INT64_C(1000000000000);
    struct tm_utc t;
    int64_t span;

    if (!in_range(ms))
        return INT64_MAX;
    /* Mockoon applies days, months, years, then hours, minutes, seconds */
    if (!mul_ok(days, MS_PER_DAY, &span) || !add_ok(ms, span, &ms) || !in_range(ms))
        return INT64_MAX;
    if (months) {
        if (months < -lim || months > lim)
            return INT64_MAX;
        split(ms, &t);
        if (!with_day(&ms, make_day(t.year, t.month + months, t.day)))
            return INT64_MAX;
    }
    if (years) {
        if (years < -lim || years > lim)
            return INT64_MAX;
        split(ms, &t);
        if (!with_day(&ms, make_day(t.year + years, t.month, t.day)))
            return INT64_MAX;
    }
    if (!mul_ok(hours, 3600000, &span) || !add_ok(ms, span, &ms))
        return INT64_MAX;
    if (!mul_ok(minutes, 60000, &span) || !add_ok(ms, span, &ms))
        return INT64_MAX;
    if (!mul_ok(seconds, 1000, &span) || !add_ok(ms, span, &ms))
        return INT64_MAX;
    return in_range(ms) ? ms : INT64_MAX;
}

/* --- parsing ------------------------------------------------------------- */

struct scan {
    const char *p, *end;
};

static bool at_end(const struct scan *s)
{
    return s->p >= s->end;
}

static bool peek(const struct scan *s, char c)
{
    return s->p < s->end && *s->p == c;
}

static bool eat(struct scan *s, char c)
{
    if (!peek(s, c))
        return false;
    s->p++;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Reads between min and max digits; returns the count read (0 on failure). */
static size_t digits(struct scan *s, size_t min, size_t max, int64_t *v)
{
    size_t n = 0;
    int64_t x = 0;

    while (n < max && s->p < s->end && is_digit(*s->p)) {
        x = x * 10 + (*s->p++ - '0');
        n++;
    }
    *v = x;
    return n < min ? 0 : n;
}

static void skip_space(struct scan *s)
{
    while (s->p < s->end && is_space(*s->p))
        s->p++;
}

/* "HH:mm[:ss[.fff...]]"; 24:00[:00[.000]] is the end of the day. */
static bool parse_time(struct scan *s, int64_t *ms_of_day)
{
    int64_t h, m, sec = 0, frac = 0;
    size_t nfrac = 0;

    if (!digits(s, 2, 2, &h) || !eat(s, ':') || !digits(s, 2, 2, &m))
        return false;
    if (eat(s, ':')) {
        if (!digits(s, 2, 2, &sec))
            return false;
        if (eat(s, '.')) {
            while (s->p < s->end && is_digit(*s->p)) {
                if (nfrac < 3)
                    frac = frac * 10 + (*s->p - '0');
                nfrac++;
                s->p++;
            }
            if (!nfrac)
                return false;
            for (; nfrac < 3; nfrac++)
                frac *= 10;
        }
    }
    if (m > 59 || sec > 59 || h > 24 || (h == 24 && (m || sec || frac)))
        return false;
    *ms_of_day = ((h * 60 + m) * 60 + sec) * 1000 + frac;
    return true;
}

/* "Z", "+hh:mm" or "+hhmm" into minutes east of UTC. */
static bool parse_zone(struct scan *s, int64_t *offset_min)
{
    int64_t h, m;
    int sign;

    if (eat(s, 'Z') || eat(s, 'z')) {
        *offset_min = 0;
        return true;
    }
    if (!peek(s, '+') && !peek(s, '-'))
        return false;
    sign = *s->p++ == '-' ? -1 : 1;
    if (!digits(s, 2, 2, &h))
        return false;
    eat(s, ':');
    if (!digits(s, 2, 2, &m) || h > 23 || m > 59)
        return false;
    *offset_min = sign * (h * 60 + m);
    return true;
}

static bool finish(int64_t year, int64_t month, int64_t day, int64_t tod, int64_t offset_min,
                   int64_t *ms)
{
    int64_t v;

    if (month < 1 || month > 12 || day < 1 || day > 31)
        return false;
    /* like V8, a day past the month's end rolls over ("2023-02-29" = Mar 1) */
    v = make_day(year, month - 1, day) * MS_PER_DAY + tod - offset_min * 60000;
    if (!in_range(v))
        return false;
    *ms = v;
    return true;
}

/* ISO 8601 and its common relaxations: "-" or "/" between date parts, "T",
 * "t" or spaces before the time, optional seconds, fraction and zone. */
static bool parse_iso(struct scan *s, int64_t *ms)
{
    int64_t year, month = 1, day = 1, tod = 0, off = 0;
    char sep = '-';

    if (peek(s, '+') || peek(s, '-')) {
        bool neg = *s->p++ == '-';

        if (!digits(s, 6, 6, &year) || (neg && year == 0))
            return false;
        if (neg)
            year = -year;
    } else if (!digits(s, 4, 4, &year)) {
        return false;
    }
    if (peek(s, '-') || peek(s, '/')) {
        sep = *s->p++;
        if (!digits(s, 1, 2, &month))
            return false;
        if (eat(s, sep) && !digits(s, 1, 2, &day))
            return false;
    }
    if (peek(s, 'T') || peek(s, 't') || peek(s, ' ')) {
        const char *save = s->p;

        s->p++;
        skip_space(s);
        if (at_end(s)) {
            s->p = save;
        } else if (!parse_time(s, &tod)) {
            return false;
        }
    }
    if (!at_end(s) && !is_space(*s->p) && !parse_zone(s, &off))
        return false;
    skip_space(s);
    return at_end(s) && finish(year, month, day, tod, off, ms);
}

static int strncasecmp_ascii(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        int x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;

        if (x != y || !x)
            return x - y;
    }
    return 0;
}

static int month_index(const char *w, size_t n)
{
    int i;

    if (n < 3)
        return -1;
    for (i = 0; i < 12; i++) {
        if (n <= strlen(month_wide[i]) && strncasecmp_ascii(w, month_wide[i], n) == 0)
            return i;
    }
    return -1;
}

/*
 * The forms JavaScript prints: Date.toString() ("Tue Nov 25 2026 12:30:57
 * GMT+0000 (Coordinated Universal Time)"), toUTCString() ("Tue, 25 Nov 2026
 * 12:30:57 GMT") and toDateString() ("Tue Nov 25 2026").
 */
static bool parse_js(struct scan *s, int64_t *ms)
{
    int64_t year = -1, day = -1, tod = 0, off = 0, v;
    int month = -1;

    while (!at_end(s)) {
        const char *w = s->p;

        if (is_space(*s->p) || *s->p == ',') {
            s->p++;
        } else if (*s->p == '(') { /* a comment: the zone's name */
            while (!at_end(s) && *s->p != ')')
                s->p++;
            if (!eat(s, ')'))
                return false;
        } else if (is_digit(*s->p)) {
            size_t n = digits(s, 1, 6, &v);

            if (peek(s, ':')) {
                s->p = w;
                if (!parse_time(s, &tod))
                    return false;
            } else if (n <= 2 && day < 0) {
                day = v;
            } else if (n >= 3 && year < 0) {
                year = v;
            } else {
                return false;
            }
        } else if (*s->p == '-' && s->p + 1 < s->end && is_digit(s->p[1]) && year < 0) {
            s->p++;
            if (!digits(s, 4, 6, &year))
                return false;
            year = -year;
        } else if (is_latin(*s->p)) {
            size_t n;

            while (!at_end(s) && is_latin(*s->p))
                s->p++;
            n = (size_t)(s->p - w);
            if ((n == 3 &&
                 (strncasecmp_ascii(w, "GMT", 3) == 0 || strncasecmp_ascii(w, "UTC", 3) == 0)) ||
                (n == 1 && (*w == 'Z' || *w == 'z'))) {
                if ((peek(s, '+') || peek(s, '-')) && !parse_zone(s, &off))
                    return false;
            } else if (month_index(w, n) >= 0) {
                if (month >= 0)
                    return false;
                month = month_index(w, n);
            } else {
                int i, known = 0;

                for (i = 0; i < 7; i++)
                    known |= n >= 3 && n <= strlen(day_wide[i]) &&
                             strncasecmp_ascii(w, day_wide[i], n) == 0;
                if (!known)
                    return false;
            }
        } else {
            return false;
        }
    }
    if (month < 0 || day < 0 || year == -1)
        return false;
    return finish(year, month + 1, day, tod, off, ms);
}

bool mr_date_parse(const char *s, size_t len, int64_t *ms)
{
    struct scan sc = {s, s + len};
    const char *p;
    int64_t v = 0;
    bool neg = false;

    skip_space(&sc);
    while (sc.end > sc.p && is_space(sc.end[-1]))
        sc.end--;
    if (at_end(&sc))
        return false;

    /* epoch milliseconds: [+-]digits */
    p = sc.p;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (p < sc.end && is_digit(*p)) {
        const char *q = p;

        while (q < sc.end && is_digit(*q))
            q++;
        if (q == sc.end && (q - p != 4 || p != sc.p)) { /* "2024" alone is a year */
            for (; p < sc.end; p++) {
                if (v > (MR_DATE_MAX_MS - (*p - '0')) / 10)
                    return false;
                v = v * 10 + (*p - '0');
            }
            *ms = neg ? -v : v;
            return true;
        }
    }
    {
        struct scan iso = sc;

        if (parse_iso(&iso, ms))
            return true;
    }
    return parse_js(&sc, ms);
}
