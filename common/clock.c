#include "common/clock.h"

#include <stdio.h>
#include <time.h>

int64_t mr_clock_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t mr_clock_wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void mr_clock_iso8601(int64_t wall_us, char buf[25])
{
    time_t secs = (time_t)(wall_us / 1000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    unsigned ms = (unsigned)((wall_us / 1000) % 1000);
    char tmp[64];

    strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, 25, "%.19s.%03uZ", tmp, ms % 1000u);
}
