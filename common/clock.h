/*
 * clock.h - monotonic and wall-clock time in integer units. Thread-safe.
 */
#ifndef MOCKRUN_COMMON_CLOCK_H
#define MOCKRUN_COMMON_CLOCK_H

#include <stdint.h>

/* Monotonic time in microseconds, for durations and deadlines. */
int64_t mr_clock_mono_us(void);

/* Wall-clock time in microseconds since the Unix epoch, for timestamps. */
int64_t mr_clock_wall_us(void);

/* Formats a wall-clock time as ISO 8601 UTC with milliseconds
 * ("2026-11-25T12:30:57.123Z") into buf, which needs 25 bytes. */
void mr_clock_iso8601(int64_t wall_us, char buf[25]);

#endif
