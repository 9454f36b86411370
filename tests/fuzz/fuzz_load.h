/*
 * fuzz_load.h - a converted scenario read back as the loader reads a file,
 * for the importer targets (fuzz_mockoon, fuzz_wiremock): the loader's own
 * contract is checked on the way.
 */
#ifndef MOCKRUN_TESTS_FUZZ_FUZZ_LOAD_H
#define MOCKRUN_TESTS_FUZZ_FUZZ_LOAD_H

#include "scenarios/scenario.h"
#include "tests/fuzz/fuzz.h"

/*
 * Loads `text` as the file at `path` into *sc and its problems into *errs
 * (a fresh list: the caller frees it after mr_scenario_free). The loader
 * sets *sc either way, gives a scenario with no problem or none with at
 * least one (out of memory aside), and returns MR_ESCENARIO or MR_ENOMEM.
 */
static inline int fuzz_load(const char *path, const char *text, struct mr_scenario **sc,
                            struct mr_error_list **errs)
{
    int rc;

    *errs = calloc(1, sizeof(**errs));
    FUZZ_CHECK(*errs != NULL);
    *sc = (struct mr_scenario *)*errs; /* must be reset to NULL */
    rc = mr_scenario_parse_one(sc, path, text, strlen(text), *errs);
    if (rc == 0) {
        FUZZ_CHECK(*sc != NULL);
        FUZZ_CHECK((*errs)->count == 0);
    } else {
        FUZZ_CHECK(*sc == NULL);
        FUZZ_CHECK(rc == MR_ESCENARIO || rc == MR_ENOMEM);
        FUZZ_CHECK(rc == MR_ENOMEM || (*errs)->count > 0);
    }
    return rc;
}

#endif
