/*
 * cli.h - mockrun's command line.
 *
 *     mockrun [options] SCENARIO [-- COMMAND [ARG...]]
 *     mockrun --serve [options] SCENARIO
 *     mockrun --check SCENARIO
 *     mockrun --import-mockoon ENV.json
 *     mockrun schema
 *     mockrun init [FILE]
 *     mockrun --import-wiremock DIR
 *     mockrun merge [--junit PATH] SCENARIO... JOURNAL...
 *     mockrun record --target URL [--service NAME]... --out FILE -- COMMAND [ARG...]
 *     mockrun drift [options] SCENARIO... [JOURNAL...] --target [NAME=]URL...
 *     mockrun import openapi|mockoon|wiremock FILE
 *
 * `schema`, `init`, `merge`, `record`, `drift` and `import` are commands only as the
 * first argument (a scenario file of that name is given as ./schema).
 * `record` takes its own options and, of the table's, those that concern
 * serving and the command; `drift` its own and --junit, --no-junit,
 * --strict-import and -v.
 * One table in cli.c names every option, its value, range, default (the
 * constants of the modules that own them) and help line; parsing, --help,
 * the man page and the shell completions all read it (the last two through
 * mr_cli_doc, in runner/gendoc.c at build time), so none can drift from the
 * options mockrun takes. mr_cli_parse only reads argv; it never exits or prints.
 * `struct mr_cli` borrows its strings from argv.
 */
#ifndef MOCKRUN_RUNNER_CLI_H
#define MOCKRUN_RUNNER_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

enum mr_cli_action {
    MR_CLI_RUN,
    MR_CLI_HELP,
    MR_CLI_VERSION,
    MR_CLI_IMPORT_MOCKOON, /* --import-mockoon FILE: print the scenario for a Mockoon environment */
    MR_CLI_SCHEMA,         /* schema: print the scenario format's JSON Schema */
    MR_CLI_INIT,           /* init [FILE]: write a starter scenario */
    MR_CLI_IMPORT_WIREMOCK, /* --import-wiremock PATH: the same for WireMock mappings */
    MR_CLI_MERGE,  /* merge SCENARIO... JOURNAL...: "scope": "suite" over the shards' journals */
    MR_CLI_RECORD, /* record: run COMMAND through recording proxies, write a scenario */
    MR_CLI_DRIFT,  /* drift: replay the scenario's requests against the real API, compare */
    MR_CLI_IMPORT_OPENAPI, /* import openapi FILE: print a starting scenario for an OpenAPI document
                            */
};

/* Scenario files one run takes at most. */
#define MR_CLI_MAX_SCENARIOS 128
/* Targets one `mockrun record` or `mockrun drift` takes at most. */
#define MR_CLI_MAX_TARGETS 32
/* --header options one `mockrun drift` takes at most. */
#define MR_CLI_MAX_HEADERS 32

struct mr_cli {
    enum mr_cli_action action;
    const char *scenarios[MR_CLI_MAX_SCENARIOS]; /* the files, in order (at least one; merge
                                                    and drift: the scenarios and journals) */
    size_t nscenarios;
    const char *import_mockoon;  /* --import-mockoon FILE */
    const char *import_wiremock; /* --import-wiremock PATH (a root folder or a mapping file) */
    const char *import_openapi;  /* import openapi FILE */
    const char *init_file;       /* init [FILE]: default "scenario.json" */
    const char *targets[MR_CLI_MAX_TARGETS];      /* record: the --target URLs, in order;
                                                     drift: the --target values as given
                                                     (URL or NAME=URL) */
    const char *target_names[MR_CLI_MAX_TARGETS]; /* record: each one's --service, or NULL */
    size_t ntargets;
    const char *out;                         /* record: --out FILE */
    const char *headers[MR_CLI_MAX_HEADERS]; /* drift: each --header "Name: value", checked */
    size_t nheaders;
    bool values;       /* drift --values: compare values, not only shapes */
    bool allow_unsafe; /* drift --allow-unsafe: replay other methods than GET, HEAD, OPTIONS */
    char **command;    /* after "--"; NULL-terminated; NULL when none */
    size_t ncommand;
    const char *junit; /* default "mockrun-junit.xml" (with --shard: mr_shard_junit_path) */
    bool junit_given;  /* --junit was given */
    bool no_junit;
    const char *journal;  /* --journal PATH, or NULL */
    const char *html;     /* --html PATH, or NULL */
    const char *har;      /* --har PATH, or NULL */
    const char *snapshot; /* --snapshot PATH, or NULL */
    bool update_snapshot; /* --update-snapshot: rewrite it from this run's calls */
    const char *shard;    /* --shard I/N, or NULL (then the CI's variables, runner/shard.h) */
    int verbose;          /* -v count */
    int port;             /* --port, 0 when not given */
    int64_t timeout_ms;   /* --timeout (seconds on the command line); -1 when not given */
    int64_t kill_after_ms;
    const char *host;     /* --host, default 127.0.0.1 */
    int threads;          /* --threads */
    size_t body_max;      /* --body-limit */
    size_t body_read_max; /* --max-request-body */
    size_t journal_limit; /* --journal-limit (calls) */
    bool shell;           /* --shell: run the command through /bin/sh -c */
    bool no_tty;          /* --no-tty: pipes for the command even in a terminal */
    bool no_admin;        /* --no-admin: no /__mockrun/ endpoints */
    bool serve;           /* --serve: no command; serve until interrupted (or --timeout) */
    bool check;           /* --check: validate the scenario and exit */
    bool strict_import;   /* --strict-import: conversion warnings are errors */
    bool has_seed;        /* --seed N given */
    uint64_t seed;
};

/* Parses argv into *cli. Returns 0 or MR_EUSAGE with a message in err. */
int mr_cli_parse(struct mr_cli *cli, int argc, char **argv, struct mr_error *err);

/* The --help text, built from the option table on the first call (not thread-safe). */
const char *mr_cli_help(void);

/* One entry of --help: an option or a command, as people read it. */
struct mr_cli_doc {
    const char *name;  /* "--junit", or a command: "init" */
    const char *alias; /* "-v", or NULL */
    const char *arg;   /* the value's name ("PATH", "SECONDS", "[FILE]"), or NULL */
    bool command;      /* a command (the first argument), not an option */
    double def;        /* a number's default, shown when >= 0 */
    const char *help;  /* one or more lines, '\n' between them, no final '\n' */
};

/*
 * Fills *out with the n-th entry of --help, in its order: the options
 * (the option table's, then --import-mockoon, --help and --version), then
 * the commands. Returns false when there is no such entry. The strings are
 * static.
 */
bool mr_cli_doc(size_t n, struct mr_cli_doc *out);

#endif
