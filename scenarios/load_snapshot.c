/*
 * load_snapshot.c - a file's `snapshot` settings, joined with those of the
 * run's other files: the lists are unions, `ordered` must agree.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/jsondoc.h"
#include "common/text.h"
#include "scenarios/load_internal.h"

struct mask_steps {
    struct mr_loader *ld;
    struct mr_mask_path *m;
};

static bool add_step(void *ctx, const char *s, size_t n)
{
    struct mask_steps *ms = ctx;
    char *step = NULL;

    if (s && !(step = mr_loader__strndup(ms->ld, s, n)))
        return false;
    ms->m->steps[ms->m->nsteps++] = step;
    return true;
}

static void release_mask(struct mr_mask_path *m)
{
    size_t i;
    for (i = 0; i < m->nsteps; i++)
        free(m->steps[i]);
    free(m->steps);
    free(m->path);
}

/* Appends `s` to list (n items) unless it is there already (compared as
 * header names when `fold`, else exactly). Returns false when out of memory. */
static bool add_name(struct mr_loader *ld, char ***list, size_t *n, const char *s, bool fold)
{
    char **grown;
    size_t i;

    for (i = 0; i < *n; i++)
        if (fold ? strcasecmp((*list)[i], s) == 0 : strcmp((*list)[i], s) == 0)
            return true;
    grown = realloc(*list, (*n + 1) * sizeof(**list));
    if (!grown) {
        ld->nomem = true;
        return false;
    }
    *list = grown;
    if (!(grown[*n] = mr_loader__strdup(ld, s)))
        return false;
    ++*n;
    return true;
}

/* An array of strings at member `key`; calls `each` on each. */
static void
each_string(struct mr_loader *ld, struct mr_snapshot_settings *set, const cJSON *v, const char *key,
            void (*each)(struct mr_loader *, struct mr_snapshot_settings *, const char *))
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(v, key), *item;
    size_t mark, i = 0;
    char got[80];

    if (!arr)
        return;
    mark = mr_loader__push_key(ld, key);
    if (!cJSON_IsArray(arr)) {
        mr_loader__describe(arr, got, sizeof(got));
        mr_loader__problem(ld, false, "expected an array of strings, got %s", got);
    } else {
        cJSON_ArrayForEach(item, arr)
        {
            size_t m2 = mr_loader__push_index(ld, i++);
            if (!cJSON_IsString(item) || !*item->valuestring) {
                mr_loader__describe(item, got, sizeof(got));
                mr_loader__problem(ld, false, "expected a non-empty string, got %s", got);
            } else {
                each(ld, set, item->valuestring);
            }
            mr_loader__pop(ld, m2);
        }
    }
    mr_loader__pop(ld, mark);
}

static void add_ignore(struct mr_loader *ld, struct mr_snapshot_settings *set, const char *path)
{
    struct mr_mask_path m, *grown;
    struct mask_steps ms = {ld, &m};
    const char *bad;
    size_t i;

    for (i = 0; i < set->nignore; i++)
        if (strcmp(set->ignore[i].path, path) == 0)
            return;
    memset(&m, 0, sizeof(m));
    if (!(m.steps = mr_loader__calloc(ld, strlen(path) + 1, sizeof(*m.steps))))
        return;
    bad = mr_jsondoc_split_path_wild(path, add_step, &ms);
    if (bad) {
        if (*bad)
            mr_loader__problem(ld, false, "%s (write paths as $.a.b, $['a b'], $.items[*].id)",
                               bad);
        release_mask(&m);
        return;
    }
    m.path = mr_loader__strdup(ld, path);
    grown = m.path ? realloc(set->ignore, (set->nignore + 1) * sizeof(*grown)) : NULL;
    if (!grown) {
        ld->nomem = true;
        release_mask(&m);
        return;
    }
    set->ignore = grown;
    set->ignore[set->nignore++] = m;
}

static void add_header(struct mr_loader *ld, struct mr_snapshot_settings *set, const char *name)
{
    if (!mr_http_token(name))
        mr_loader__problem(ld, false, "%s", MR_HEADER_NAME_RULE);
    else
        add_name(ld, &set->headers, &set->nheaders, name, true);
}

static void add_ignore_header(struct mr_loader *ld, struct mr_snapshot_settings *set,
                              const char *name)
{
    if (!mr_http_token(name))
        mr_loader__problem(ld, false, "%s", MR_HEADER_NAME_RULE);
    else
        add_name(ld, &set->ignore_headers, &set->nignore_headers, name, true);
}

void mr_loader__snapshot(struct mr_loader *ld, struct mr_scenario *sc, const cJSON *v)
{
    struct mr_snapshot_settings *set = &sc->snapshot;
    const cJSON *ordered;
    char got[80];

    if (!mr_loader__expect_object(ld, v,
                                  "an object with \"ignore\", \"headers\", "
                                  "\"ignoreHeaders\" or \"ordered\""))
        return;
    mr_loader__check_keys_of(ld, v, MR_SCHEMA_SNAPSHOT);
    set->given = true;
    each_string(ld, set, v, "ignore", add_ignore);
    each_string(ld, set, v, "headers", add_header);
    each_string(ld, set, v, "ignoreHeaders", add_ignore_header);
    if ((ordered = cJSON_GetObjectItemCaseSensitive(v, "ordered")) != NULL) {
        if (!cJSON_IsBool(ordered)) {
            mr_loader__describe(ordered, got, sizeof(got));
            mr_loader__problem_in(ld, "ordered", "expected true or false, got %s", got);
        } else if (set->has_ordered && set->ordered != cJSON_IsTrue(ordered)) {
            mr_loader__problem_in(ld, "ordered",
                                  "another file of this run gives \"ordered\": %s; the run has "
                                  "one snapshot: give the same value, or give it in one file",
                                  set->ordered ? "true" : "false");
        } else {
            set->has_ordered = true;
            set->ordered = cJSON_IsTrue(ordered);
        }
    }
}

void mr_loader__snapshot_release(struct mr_snapshot_settings *set)
{
    size_t i;

    for (i = 0; i < set->nignore; i++)
        release_mask(&set->ignore[i]);
    free(set->ignore);
    for (i = 0; i < set->nheaders; i++)
        free(set->headers[i]);
    free(set->headers);
    for (i = 0; i < set->nignore_headers; i++)
        free(set->ignore_headers[i]);
    free(set->ignore_headers);
    memset(set, 0, sizeof(*set));
}
