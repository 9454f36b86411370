/*
 * datefmt.h - dates for the template helpers (now, date, dateFormat,
 * dateTimeShift, isValidDate, faker's date.*): formatting with date-fns
 * tokens, parsing, calendar shifts and JavaScript's toISOString.
 *
 * A date is int64_t milliseconds since 1970-01-01T00:00:00Z. Everything is
 * UTC (mockrun answers as Mockoon does when run with TZ=UTC). Proleptic
 * Gregorian calendar over JavaScript's range (±8.64e15 ms). No state; all
 * functions are thread-safe.
 */
#ifndef MOCKRUN_FAKEDATA_DATEFMT_H
#define MOCKRUN_FAKEDATA_DATEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* JavaScript's limit: dates are within ±8.64e15 ms of the epoch. */
#define MR_DATE_MAX_MS INT64_C(8640000000000000)

/*
 * Appends `ms` formatted with date-fns 4 `format()` tokens and the en-US
 * locale, as Mockoon's dateFormat, dateTimeShift and now do: every date-fns
 * token (eras, years, week years, quarters, months, weeks, days, weekdays,
 * day periods, hours, minutes, seconds, fractions, zones, timestamps, the
 * P/p long formats) and literals in '...' ('' for a quote); datefmt.c lists
 * them. A latin letter that is no token is copied (date-fns throws); a date
 * outside ±MR_DATE_MAX_MS gives "Invalid Date". Returns 0 or MR_ENOMEM.
 */
int mr_date_format(struct mr_buf *out, int64_t ms, const char *fmt);

/* True when every latin letter in `fmt` is a date-fns token or quoted; else
 * false with the first offending letter in *bad (when bad is not NULL). For
 * rejecting a constant format at compile time, as date-fns would at run time. */
bool mr_date_format_check(const char *fmt, char *bad);

/*
 * Parses `len` bytes of `s` into *ms: ISO 8601 dates ("2024-02-29"), date-times
 * with "T" or a space, optional seconds and fraction, and "Z" or an offset
 * ("+02:00", "+0200"); without a zone the time is UTC (Mockoon runs with
 * TZ=UTC). As in V8, "/" may separate the date parts, months and days may
 * have one digit, and a day past the month's end rolls over ("2023-02-29" is
 * March 1). JavaScript's Date.toString(), toUTCString() and toDateString()
 * forms are accepted too, since faker's dates render that way. A string of
 * digits, optionally signed, is epoch milliseconds (a mockrun extension),
 * except exactly four unsigned digits, which is a year as in JavaScript.
 * Returns false, leaving *ms alone, when the text is not a valid date.
 */
bool mr_date_parse(const char *s, size_t len, int64_t *ms);

/*
 * Shifts `ms` exactly as Mockoon's dateTimeShift does with JavaScript's Date
 * setters, in its order: days, then months, then years, then hours, minutes
 * and seconds. Months and years change the month or year field and keep the
 * day, which rolls into the next month when too large (Jan 31 + 1 month =
 * Mar 3, or Mar 2 in a leap year; Feb 29 + 1 year = Mar 1). Days, hours,
 * minutes and seconds add exact spans (UTC has no DST). Returns INT64_MAX when
 * `ms` or the result lies outside ±MR_DATE_MAX_MS (JavaScript's Invalid Date).
 */
int64_t mr_date_shift(int64_t ms, int64_t years, int64_t months, int64_t days, int64_t hours,
                      int64_t minutes, int64_t seconds);

/* Appends JavaScript's Date.toISOString(): "2026-11-25T12:30:57.123Z", with
 * "+010000-..." style years outside 0..9999, or "Invalid Date" out of range.
 * Returns 0 or MR_ENOMEM. */
int mr_date_iso(struct mr_buf *out, int64_t ms);

/* Appends JavaScript's Date.toString() under TZ=UTC, which is how Handlebars
 * prints a Date (faker's date.past and friends in Mockoon):
 * "Wed Nov 25 2026 12:30:57 GMT+0000 (Coordinated Universal Time)".
 * Returns 0 or MR_ENOMEM. */
int mr_date_js_string(struct mr_buf *out, int64_t ms);

#endif
