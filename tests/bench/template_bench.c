/*
 * template_bench.c - how long rendering a 100-item `repeat` of fake people
 * takes (issue target: under 100 µs). Compiles the template once, renders it
 * many times with the same kind of context the server builds, and prints the
 * median of several batches. A benchmark, not a test: it never fails on time.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "templates/template.h"

static const char people[] =
    "[{{#repeat 100}}{\"id\": \"{{uuid}}\", \"name\": \"{{faker 'person.fullName'}}\", "
    "\"email\": \"{{faker 'internet.email'}}\", \"city\": \"{{faker 'location.city'}}\", "
    "\"age\": {{int 18 90}}, \"member\": {{boolean}} }{{/repeat}}]";

static uint64_t rand64(void *ctx)
{
    uint64_t *s = ctx, z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    struct mr_template *t = NULL;
    struct mr_tpl_ctx ctx;
    struct mr_buf out;
    char msg[256];
    double batch[9];
    uint64_t seed = 1;
    int n = argc > 1 ? atoi(argv[1]) : 500, b, i;
    size_t bytes = 0;

    if (mr_template_compile(&t, people, sizeof(people) - 1, MR_TPL_HTML, msg, sizeof(msg)) != 0) {
        fprintf(stderr, "template_bench: %s\n", msg);
        return 1;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.method = "GET";
    ctx.path = "/people";
    ctx.query_raw = "";
    ctx.base_url = "http://127.0.0.1:8080";
    ctx.now_ms = 1764073857000;
    ctx.rand = rand64;
    ctx.rand_ctx = &seed;
    mr_buf_init(&out);
    for (b = 0; b < 9; b++) {
        double t0 = now_us();
        for (i = 0; i < n; i++) {
            mr_buf_reset(&out);
            mr_template_render(t, &ctx, &out);
        }
        batch[b] = (now_us() - t0) / n;
        bytes = out.len;
    }
    qsort(batch, 9, sizeof(batch[0]), cmp);
    printf("template: 100-item repeat of fake people, %zu bytes: median %.1f us per render "
           "(best %.1f, worst %.1f; target < 100)\n",
           bytes, batch[4], batch[0], batch[8]);
    mr_buf_release(&out);
    mr_template_free(t);
    return 0;
}
