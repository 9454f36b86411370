/*
 * shard.c - which shard a run is, and the names that say so.
 */
#include "runner/shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole number from 0 to MR_SHARD_MAX, or -1. */
static long number(const char *s, size_t len)
{
    char buf[16], *end;
    long v;

    if (len == 0 || len >= sizeof(buf) || strspn(s, "0123456789") < len)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtol(buf, &end, 10);
    return errno || *end || v > MR_SHARD_MAX ? -1 : v;
}

int mr_shard_parse(struct mr_shard *out, const char *text, struct mr_error *err)
{
    const char *slash = strchr(text, '/');
    long i = slash ? number(text, (size_t)(slash - text)) : -1;
    long n = slash ? number(slash + 1, strlen(slash + 1)) : -1;

    memset(out, 0, sizeof(*out));
    if (i < 1 || n < 1 || i > n)
        return mr_error_set(err, MR_EUSAGE,
                            "--shard: expected I/N such as 2/4 (shard I of N, from 1), got '%s'",
                            text);
    snprintf(out->source, sizeof(out->source), "--shard");
    if (n > 1) {
        out->index = (int)i;
        out->total = (int)n;
    }
    return 0;
}

/* The CI systems' variables: index, total, and whether the index counts from 0. */
static const struct {
    const char *index, *total;
    bool from_zero;
} ci_vars[] = {
    {"CI_NODE_INDEX", "CI_NODE_TOTAL", false},
    {"CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", true},
    {"BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", true},
};

int mr_shard_resolve(struct mr_shard *out, const char *option, mr_shard_getenv_fn get,
                     struct mr_error *err)
{
    size_t k;

    memset(out, 0, sizeof(*out));
    if (option)
        return mr_shard_parse(out, option, err);
    for (k = 0; k < sizeof(ci_vars) / sizeof(ci_vars[0]); k++) {
        const char *is = get(ci_vars[k].index), *ns = get(ci_vars[k].total);
        long i, n;

        if (!is || !*is)
            continue;
        if (!ns || !*ns)
            return mr_error_set(err, MR_EUSAGE,
                                "%s is set (%s) but %s is not: cannot tell how many shards there "
                                "are; give --shard I/N",
                                ci_vars[k].index, is, ci_vars[k].total);
        i = number(is, strlen(is));
        n = number(ns, strlen(ns));
        if (n < 1)
            return mr_error_set(err, MR_EUSAGE,
                                "%s: expected a number of shards from 1 to %d, got '%s'",
                                ci_vars[k].total, MR_SHARD_MAX, ns);
        if (i < 0 || (ci_vars[k].from_zero ? i >= n : (i < 1 || i > n)))
            return mr_error_set(err, MR_EUSAGE, "%s: expected %s to %ld (%s is %ld), got '%s'",
                                ci_vars[k].index, ci_vars[k].from_zero ? "0" : "1",
                                ci_vars[k].from_zero ? n - 1 : n, ci_vars[k].total, n, is);
        snprintf(out->source, sizeof(out->source), "%s=%s", ci_vars[k].index, is);
        if (n > 1) {
            out->index = (int)(ci_vars[k].from_zero ? i + 1 : i);
            out->total = (int)n;
        }
        return 0;
    }
    return 0;
}

bool mr_shard_active(const struct mr_shard *s)
{
    return s->total > 1;
}

void mr_shard_label(const struct mr_shard *s, char *buf, size_t size)
{
    if (mr_shard_active(s))
        snprintf(buf, size, "%d/%d", s->index, s->total);
    else if (size)
        buf[0] = '\0';
}

void mr_shard_junit_path(const struct mr_shard *s, char *buf, size_t size)
{
    if (mr_shard_active(s))
        snprintf(buf, size, "mockrun-junit-%d-of-%d.xml", s->index, s->total);
    else
        snprintf(buf, size, "mockrun-junit.xml");
}

/* `s` followed by " [2/4]", malloc'd. */
static char *with_label(const char *s, const char *label)
{
    size_t n = strlen(s) + strlen(label) + 4;
    char *out = malloc(n);

    if (out)
        snprintf(out, n, "%s [%s]", s, label);
    return out;
}

int mr_shard_name_suites(struct mr_results *r, const struct mr_shard *s)
{
    char label[32];

    if (!mr_shard_active(s))
        return 0;
    mr_shard_label(s, label, sizeof(label));
    return mr_shard_label_suites(r, label);
}

int mr_shard_label_suites(struct mr_results *r, const char *label)
{
    char **names, **classes;
    size_t i;

    if (!r->nsuites)
        return 0;
    names = calloc(r->nsuites, sizeof(*names));
    classes = calloc(r->nsuites, sizeof(*classes));
    for (i = 0; names && classes && i < r->nsuites; i++) {
        names[i] = with_label(r->suites[i].name, label);
        classes[i] = r->suites[i].classname ? with_label(r->suites[i].classname, label) : NULL;
        if (!names[i] || (r->suites[i].classname && !classes[i]))
            break;
    }
    if (!names || !classes || i < r->nsuites) {
        for (i = 0; names && classes && i < r->nsuites; i++) {
            free(names[i]);
            free(classes[i]);
        }
        free(names);
        free(classes);
        return MR_ENOMEM;
    }
    for (i = 0; i < r->nsuites; i++) {
        free(r->suites[i].name);
        free(r->suites[i].classname);
        r->suites[i].name = names[i];
        r->suites[i].classname = classes[i];
    }
    free(names);
    free(classes);
    return 0;
}
