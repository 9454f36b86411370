/*
 * scenario.c - small functions on the loaded model that the loader, the
 * server and verification share.
 */
#include "scenarios/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mr_xml_placeholder_cmp(const void *a, const void *b)
{
    return strcmp(((const struct mr_xml_placeholder *)a)->value,
                  ((const struct mr_xml_placeholder *)b)->value);
}

const struct mr_xml_placeholder *mr_body_placeholder(const struct mr_body_cond *b,
                                                     const char *value)
{
    struct mr_xml_placeholder key = {(char *)value, NULL, false};

    if (!b->nplaceholders)
        return NULL;
    return bsearch(&key, b->placeholders, b->nplaceholders, sizeof(key), mr_xml_placeholder_cmp);
}

bool mr_count_holds(const struct mr_count *c, uint64_t n)
{
    if (c->times >= 0 && n != (uint64_t)c->times)
        return false;
    if (c->at_least >= 0 && n < (uint64_t)c->at_least)
        return false;
    if (c->at_most >= 0 && n > (uint64_t)c->at_most)
        return false;
    return true;
}

void mr_count_format(const struct mr_count *c, const char *unit, char *buf, size_t size)
{
    long long last;

    if (c->times >= 0) {
        last = c->times;
        snprintf(buf, size, "exactly %lld %s", last, unit);
    } else if (c->at_least >= 0 && c->at_most >= 0) {
        last = c->at_most;
        snprintf(buf, size, "%lld to %lld %s", (long long)c->at_least, last, unit);
    } else if (c->at_least >= 0) {
        last = c->at_least;
        snprintf(buf, size, "at least %lld %s", last, unit);
    } else {
        last = c->at_most;
        snprintf(buf, size, "at most %lld %s", last, unit);
    }
    if (last != 1) {
        size_t len = strnlen(buf, size);
        if (len + 1 < size) {
            buf[len] = 's';
            buf[len + 1] = '\0';
        }
    }
}
