/*
 * contract.h - the OpenAPI contracts of services (`"openapi": "spec.yaml"`):
 * the documents read when the scenario has loaded, the mocked answers
 * checked against them before anything starts, and the calls the command
 * made checked after it ended.
 *
 * Checked before the run, for every route of such a service: that the spec
 * has its operation (method and path, parameters matched by position), the
 * status of each of its responses (exact, range or `default`), its
 * Content-Type, and its body when the body is fixed (`json`, `body`, a
 * `file`; templated ones are checked as they were sent, on the calls).
 * Checked after: every recorded call of the service, its operation, its
 * path, query, header and cookie parameters (typed as their schemas say),
 * its body (Content-Type, then the schema), and what a templated response
 * answered. Each service gets two cases in its file's suite: its mocked
 * answers, and its calls; a failure lists every violation with the JSON
 * path of the value and the schema location ("openapi.yaml#/components/
 * schemas/User/properties/email/type").
 *
 * Single-threaded; the contracts borrow the scenario, which must outlive them.
 */
#ifndef MOCKRUN_RUNNER_CONTRACT_H
#define MOCKRUN_RUNNER_CONTRACT_H

#include <stdio.h>

#include "common/error.h"
#include "reports/results.h"
#include "scenarios/scenario.h"
#include "server/journal.h"

struct mr_contracts;

/*
 * Reads the document of every service that names one (a document named
 * twice is read once) and checks the services' mocked answers against it.
 * Returns 0 with *out (NULL when no service has a contract), MR_ESCENARIO
 * with `err` at the document's file, JSON path and line:column, or
 * MR_ENOMEM.
 */
int mr_contracts_load(struct mr_contracts **out, const struct mr_scenario *sc,
                      struct mr_error *err);

void mr_contracts_free(struct mr_contracts *c);

/* How many mocked answers disagree with their contracts. */
size_t mr_contracts_mock_violations(const struct mr_contracts *c);

/* Prints, for --check, each service's disagreements, one a line. */
void mr_contracts_print_mocks(FILE *f, const struct mr_contracts *c);

/*
 * Adds the cases of the services whose calls are reported in the run's own
 * file `file` (mr_scenario_owner): their mocked answers, and the calls in
 * `journal` (NULL: none were recorded, only the answers' case is added).
 * Returns 0 or MR_ENOMEM.
 */
int mr_contracts_cases(struct mr_results *out, const struct mr_contracts *c, size_t file,
                       const struct mr_journal *journal);

#endif
