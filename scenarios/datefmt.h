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
#ifndef MOCKRUN_SCENARIOS_DATEFMT_H
#define MOCKRUN_SCENARIOS_DATEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/*
 * Appends `ms` formatted with date-fns `format()` tokens (the subset listed in
 * datefmt.c: era, years, quarters, months, weeks, days, weekdays, AM/PM,
 * hours, minutes, seconds, fractions, time zones, timestamps, and literals in
 * '...'). ASCII letters that are not tokens are copied as date-fns would
 * refuse them; see datefmt.c. Returns 0 or MR_ENOMEM.
 */
int mr_date_format(struct mr_buf *out, int64_t ms, const char *fmt);

/*
 * Parses `len` bytes of `s` into *ms: ISO 8601 dates ("2024-02-29"), date-times
 * with "T" or a space, optional seconds and fraction, and "Z" or an offset
 * ("+02:00", "+0200"); without a zone the time is UTC. A string of digits
 * (optionally signed) is epoch milliseconds. JavaScript Date.toString() and
 * toUTCString() forms are accepted too, since faker's dates render that way.
 * Returns false, leaving *ms alone, when the text is not a valid date.
 */
bool mr_date_parse(const char *s, size_t len, int64_t *ms);

/*
 * Shifts `ms` by calendar units the way JavaScript's Date setters do (as
 * Mockoon's dateTimeShift): years and months change the month field and an
 * overflowing day rolls into the next month (Jan 31 + 1 month = Mar 3, or
 * Mar 2 in a leap year); days, hours, minutes and seconds add exact spans.
 */
int64_t mr_date_shift(int64_t ms, int64_t years, int64_t months, int64_t days, int64_t hours,
                      int64_t minutes, int64_t seconds);

/* Appends JavaScript's Date.toISOString(): "2026-11-25T12:30:57.123Z", with
 * "+275760-..." style years outside 0..9999. Returns 0 or MR_ENOMEM. */
int mr_date_iso(struct mr_buf *out, int64_t ms);

#endif
