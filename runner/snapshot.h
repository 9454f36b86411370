/*
 * snapshot.h - call snapshots (`--snapshot PATH`): approval testing of what
 * the command under test sends. Every call the mocks received becomes an
 * entry (runner/snapdiff.h says what an entry holds); the entries are a
 * JSON file made for review in a pull request:
 *
 *   {
 *     "mockrunSnapshot": 1,
 *     "calls": [
 *       {
 *         "service": "payments",
 *         "route": "create-charge",
 *         ...
 *       }
 *     ]
 *   }
 *
 * indented by two spaces, in a stable order: with `snapshot.ordered` the
 * calls in the order they came, else by service and route (in scenario
 * order; calls no route matched last) and then by their text, so parallel
 * tests write the same file every time.
 *
 * When the file does not exist, a run writes it, and its test case says so;
 * afterwards every run compares its calls with it and fails on any
 * difference, with the diff as the case's detail. `--update-snapshot`
 * rewrites it from the run's calls. Under CI (mr_snapshot_under_ci) a
 * missing snapshot is a failure and is not written, unless
 * --update-snapshot asks for it. A snapshot is written (new or updated)
 * only after a run whose command exited with the expected code (or a
 * --serve run), so a crashed or timed-out run never becomes the reference.
 *
 * The check is one test case, "calls match PATH", in the first scenario
 * file's suite. Not thread-safe; one snapshot per run.
 */
#ifndef MOCKRUN_RUNNER_SNAPSHOT_H
#define MOCKRUN_RUNNER_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "reports/results.h"
#include "scenarios/scenario.h"
#include "server/journal.h"

struct cJSON;
struct mr_snapshot;

/* Whether the environment variable CI (its value, or NULL when unset) says
 * the run is on a CI system: set to anything but "", "0" or "false", as
 * GitHub Actions, GitLab, CircleCI, Buildkite, Travis and others set it. */
bool mr_snapshot_under_ci(const char *ci);

/*
 * Reads the snapshot at `path` (when it exists) for a run of `sc`, before
 * anything starts, so that a broken file stops the run at once. With
 * `update`, or when the file is missing and not `ci`, checks that it can be
 * written (mr_atomic_check_writable). *out is the caller's (mr_snapshot_free).
 * Errors: MR_ESCENARIO for a file that is not a snapshot (file:line:column
 * and the JSON path of the bad entry in err), MR_ESETUP for one that cannot
 * be read or written, MR_ENOMEM.
 */
int mr_snapshot_open(struct mr_snapshot **out, const char *path, bool update, bool ci,
                     const struct mr_scenario *sc, struct mr_error *err);
void mr_snapshot_free(struct mr_snapshot *s);

/* What the run did, for mr_snapshot_verify. */
struct mr_snapshot_input {
    const struct mr_scenario *sc;
    const struct mr_journal *journal;
    bool ran;      /* the command ran (or --serve served): there are calls to look at */
    bool complete; /* it exited with the expected code (or --serve): a snapshot may be written */
};

/*
 * Compares the run's calls with the snapshot, or writes it, and adds the
 * case "calls match PATH" to `out` (to its first suite): a pass (with a
 * note when the file was written or updated), a failure with the diff, a
 * skip when the command did not run, or an error when the journal did not
 * keep every call's details or the file cannot be written. Returns 0 or
 * MR_ENOMEM.
 */
int mr_snapshot_verify(struct mr_snapshot *s, struct mr_results *out,
                       const struct mr_snapshot_input *in);

/*
 * The entries of the calls `journal` kept, normalized for `sc`'s snapshot
 * settings, in the file's order, into *out (a JSON array; the caller's) and
 * their call numbers into *seqs (malloc'd, the caller's; may be NULL when
 * there are none). Returns 0 or MR_ENOMEM.
 */
int mr_snapshot_entries(struct cJSON **out, uint64_t **seqs, const struct mr_journal *journal,
                        const struct mr_scenario *sc);

/* The snapshot file's text for `calls` (as mr_snapshot_entries makes them),
 * ending in a newline, into *out (the caller's). Returns 0 or MR_ENOMEM. */
int mr_snapshot_text(char **out, const struct cJSON *calls);

#endif
