/*
 * cli.c - the command line, from one option table: parsing and --help both
 * read it, and every default comes from the constant it names.
 */
#include "runner/cli.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/text.h"
#include "runner/proc.h"
#include "server/service.h"

#define SAFE_INTEGER_MAX 9007199254740991.0 /* 2^53 - 1: exact in a double and in JSON */
#define NO_FIELD ((size_t)-1)
#define INDENT "                       " /* where --help's descriptions start */

enum opt_type {
    OPT_FLAG,    /* bool = true */
    OPT_COUNT,   /* int += 1 (-v, -vv) */
    OPT_TEXT,    /* const char *, not empty */
    OPT_SECONDS, /* int64_t milliseconds, from seconds */
    OPT_INT,     /* int, a whole number */
    OPT_SIZE,    /* size_t, a whole number */
    OPT_U64,     /* uint64_t, a whole number */
};

struct opt {
    const char *name;  /* "--junit" */
    const char *alias; /* "-v", or NULL */
    const char *arg;   /* the value's name in --help ("PATH"); NULL for flags */
    enum opt_type type;
    size_t field;     /* offsetof(struct mr_cli, ...) */
    size_t given;     /* a bool set when the option is given, or NO_FIELD */
    double min, max;  /* numbers */
    double def;       /* numbers: the default, shown when >= 0 */
    const char *help; /* '\n' continues on an indented line */
};

#define F(member) offsetof(struct mr_cli, member)

static const struct opt options[] = {
    {"--junit", NULL, "PATH", OPT_TEXT, F(junit), F(junit_given), 0, 0, -1,
     "write the JUnit report to PATH (default mockrun-junit.xml;\n"
     "in a shard mockrun-junit-I-of-N.xml)"},
    {"--no-junit", NULL, NULL, OPT_FLAG, F(no_junit), NO_FIELD, 0, 0, -1, "write no JUnit report"},
    {"--journal", NULL, "PATH", OPT_TEXT, F(journal), NO_FIELD, 0, 0, -1,
     "write every recorded call and callback attempt to PATH as JSON"},
    {"--html", NULL, "PATH", OPT_TEXT, F(html), NO_FIELD, 0, 0, -1,
     "write an HTML report to PATH: the cases, and every call\n"
     "per service with its request (one file, no network)"},
    {"--har", NULL, "PATH", OPT_TEXT, F(har), NO_FIELD, 0, 0, -1,
     "write the recorded calls and the callbacks sent to PATH\n"
     "as HAR 1.2 (HTTP Archive)"},
    {"--snapshot", NULL, "PATH", OPT_TEXT, F(snapshot), NO_FIELD, 0, 0, -1,
     "compare the calls with the snapshot PATH (JSON), or write it\n"
     "when it does not exist (under CI=true: fail instead)"},
    {"--update-snapshot", NULL, NULL, OPT_FLAG, F(update_snapshot), NO_FIELD, 0, 0, -1,
     "rewrite the --snapshot file from this run's calls"},
    {"--shard", NULL, "I/N", OPT_TEXT, F(shard), NO_FIELD, 0, 0, -1,
     "this run is shard I of N: suite names and the default\n"
     "JUnit path carry it (default: the CI's variables, see docs/ci.md)"},
    {"--timeout", NULL, "SECONDS", OPT_SECONDS, F(timeout_ms), NO_FIELD, 0.001, 604800, -1,
     "stop the command after SECONDS (overrides the scenario)"},
    {"--kill-after", NULL, "SECONDS", OPT_SECONDS, F(kill_after_ms), NO_FIELD, 0, 3600,
     MR_PROC_KILL_AFTER_MS_DEFAULT / 1000.0, "after a timeout or interrupt, SIGKILL after SECONDS"},
    {"--port", NULL, "PORT", OPT_INT, F(port), NO_FIELD, 1, 65535, -1,
     "port of a single-service scenario (overrides the scenario)"},
    {"--host", NULL, "ADDRESS", OPT_TEXT, F(host), NO_FIELD, 0, 0, -1,
     "address to listen on (default 127.0.0.1)"},
    {"--threads", NULL, "N", OPT_INT, F(threads), NO_FIELD, 1, 4096, MR_SERVER_THREADS_DEFAULT,
     "connections served at once"},
    {"--body-limit", NULL, "BYTES", OPT_SIZE, F(body_max), NO_FIELD, 0, 1073741824.0,
     (double)MR_SERVER_BODY_KEEP_DEFAULT, "request body bytes the journal keeps per call"},
    {"--max-request-body", NULL, "BYTES", OPT_SIZE, F(body_read_max), NO_FIELD, 0, 4294967296.0,
     (double)MR_SERVER_BODY_READ_DEFAULT,
     "largest request body read whole for matching and templates;\n"
     "a larger one is answered 413 and fails the run"},
    {"--journal-limit", NULL, "N", OPT_SIZE, F(journal_limit), NO_FIELD, 0, 100000000.0,
     MR_JOURNAL_MAX_CALLS_DEFAULT, "calls (and callback attempts) kept with full details"},
    {"--no-admin", NULL, NULL, OPT_FLAG, F(no_admin), NO_FIELD, 0, 0, -1,
     "no /__mockrun/ endpoints (calls, routes, health, reset,\n"
     "callbacks) on the services"},
    {"--shell", NULL, NULL, OPT_FLAG, F(shell), NO_FIELD, 0, 0, -1,
     "run COMMAND through /bin/sh -c (one string)"},
    {"--no-tty", NULL, NULL, OPT_FLAG, F(no_tty), NO_FIELD, 0, 0, -1,
     "no pseudo-terminal for COMMAND: its output goes through pipes\n"
     "and it shares mockrun's terminal (Ctrl-C then reaches it alone)"},
    {"--seed", NULL, "N", OPT_U64, F(seed), F(has_seed), 0, SAFE_INTEGER_MAX, -1,
     "seed for random responses and delays (default: the scenario's,\n"
     "else drawn and shown with -v and in the report)"},
    {"--serve", NULL, NULL, OPT_FLAG, F(serve), NO_FIELD, 0, 0, -1,
     "run no command: serve until Ctrl-C (or --timeout), logging\n"
     "each call, then check and report as usual"},
    {"--check", NULL, NULL, OPT_FLAG, F(check), NO_FIELD, 0, 0, -1,
     "only validate SCENARIO: exit 0 when it is valid, else 2"},
    {"--strict-import", NULL, NULL, OPT_FLAG, F(strict_import), NO_FIELD, 0, 0, -1,
     "a Mockoon or WireMock feature mockrun cannot convert is an\n"
     "error (exit 2), not a warning"},
    {"--verbose", "-v", NULL, OPT_COUNT, F(verbose), NO_FIELD, 0, 0, -1,
     "log each request and show the calls per route in the\n"
     "summary; -vv adds debug output"},
};

#undef F

static const char usage_head[] =
    "usage: mockrun [options] SCENARIO... [-- COMMAND [ARG...]]\n"
    "       mockrun --serve [options] SCENARIO...\n"
    "       mockrun --check SCENARIO...\n"
    "       mockrun --import-mockoon ENV.json > scenario.json\n"
    "       mockrun schema > scenario.schema.json\n"
    "       mockrun init [FILE]\n"
    "       mockrun --import-wiremock DIR > scenario.json\n"
    "       mockrun merge [--junit PATH] SCENARIO... JOURNAL...\n"
    "       mockrun record --target URL [--service NAME]... --out FILE -- COMMAND [ARG...]\n"
    "       mockrun drift [options] SCENARIO... [JOURNAL...] --target [NAME=]URL...\n"
    "       mockrun import openapi SPEC.yaml > scenario.json\n"
    "\n"
    "Starts the HTTP mock services SCENARIO declares, runs COMMAND with their\n"
    "URLs in its environment, checks the calls the mocks received against the\n"
    "scenario's expectations and writes a JUnit XML report. Several SCENARIO\n"
    "files make one run, with a test suite each.\n"
    "\n"
    "options:\n";

/* What --help lists after the table's options: the options parsed by hand
 * (mr_cli_parse), then the commands. */
static const struct mr_cli_doc more[] = {
    {"--import-mockoon", NULL, "ENV", false, -1,
     "print a scenario converted from the Mockoon environment ENV;\n"
     "what cannot be converted is listed on stderr"},
    {"--import-wiremock", NULL, "DIR", false, -1,
     "the same for WireMock stub mappings: a root folder (mappings/,\n"
     "__files/) or one mapping file"},
    {"--help", "-h", NULL, false, -1, "show this help"},
    {"--version", NULL, NULL, false, -1,
     "show the version, the commit it was built from and the\n"
     "versions of the libraries it runs with"},
    {"schema", NULL, NULL, true, -1,
     "print the JSON Schema of scenario files, for editors\n"
     "(a scenario's \"$schema\" names a copy of it)"},
    {"init", NULL, "[FILE]", true, -1,
     "write a starter scenario to FILE (default scenario.json;\n"
     "an existing file is left alone)"},
    {"merge", NULL, "SCENARIO... JOURNAL...", true, -1,
     "check the expectations with \"scope\": \"suite\" over the\n"
     "shards' --journal files; JUnit to --junit PATH (default\n"
     "mockrun-junit-merged.xml)"},
    {"record", NULL, NULL, true, -1, NULL}, /* record_help() */
    {"drift", NULL, "SCENARIO... [JOURNAL...]", true, -1,
     "replay a request per route to the mock and to the real\n"
     "API (--target URL, or NAME=URL per service; plain http)\n"
     "and report where the API's answers differ from the\n"
     "mock's: status, content type, body shape (--values:\n"
     "values too); each request from the first call of the\n"
     "route in the --journal files given, else the route's\n"
     "\"drift\" hint, else its path when it has no parameters;\n"
     "only GET, HEAD and OPTIONS unless --allow-unsafe;\n"
     "--header 'Name: value' goes to the API alone (secrets\n"
     "redacted in reports); JUnit to --junit PATH (default\n"
     "mockrun-junit-drift.xml) or --no-junit; exit 1 on drift"},
    {"import", NULL, "openapi FILE", true, -1,
     "print a starting scenario made from an OpenAPI 3.0 or 3.1\n"
     "document (YAML or JSON): a route per operation answering\n"
     "its example, or fake data made from its schema; what\n"
     "cannot be converted is listed on stderr (import mockoon\n"
     "ENV and import wiremock DIR are --import-mockoon and\n"
     "--import-wiremock)"},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* The table's options that `mockrun record` takes too (serving and the
 * command): parse_record accepts these and its --help entry lists them. */
static const char *const record_options[] = {"--timeout", "--kill-after", "--port",
                                             "--host",    "--threads",    "--max-request-body",
                                             "--shell",   "--no-tty",     "--no-admin"};
#define NRECORD_OPTIONS (sizeof(record_options) / sizeof(record_options[0]))

static bool record_takes(const struct opt *o)
{
    size_t k;
    for (k = 0; k < NRECORD_OPTIONS; k++)
        if (strcmp(o->name, record_options[k]) == 0)
            return true;
    return false;
}

/* Appends `word` to the help text in buf (room: size) at *len, on a new line
 * when the current one (*col bytes so far) would pass RECORD_HELP_WIDTH. */
#define RECORD_HELP_WIDTH 50
static void help_word(char *buf, size_t size, size_t *len, size_t *col, const char *word)
{
    size_t n = strlen(word);
    const char *sep = "";
    int w;

    if (*col > 0 && *col + 1 + n > RECORD_HELP_WIDTH) {
        sep = "\n";
        *col = 0;
    } else if (*col > 0) {
        sep = " ";
        *col += 1;
    }
    *col += n;
    w = snprintf(buf + *len, size - *len, "%s%s", sep, word);
    if (w > 0 && (size_t)w < size - *len)
        *len += (size_t)w;
}

/* record's --help entry: what it does, then record_options, wrapped. Built
 * once, on the first call (the command line is read by one thread). */
static const char *record_help(void)
{
    static const char head[] = "run COMMAND with MOCKRUN_<NAME>_URL pointing at a proxy\n"
                               "that forwards every call to --target URL (plain http),\n"
                               "then write the answers as a scenario to --out FILE\n"
                               "(large and binary bodies in fixtures/ beside it);\n"
                               "--service NAME names the target before it (default\n"
                               "api); several targets make several services; also";
    static char text[sizeof(head) + 256];
    size_t len, col = 0, k;
    char word[32];

    if (text[0])
        return text;
    len = (size_t)snprintf(text, sizeof(text), "%s\n", head);
    help_word(text, sizeof(text), &len, &col, "takes");
    for (k = 0; k < NRECORD_OPTIONS; k++) {
        snprintf(word, sizeof(word), "%s%s", record_options[k], k + 1 < NRECORD_OPTIONS ? "," : "");
        help_word(text, sizeof(text), &len, &col, word);
    }
    help_word(text, sizeof(text), &len, &col, "and");
    help_word(text, sizeof(text), &len, &col, "-v"); /* parsed by hand, as -vv */
    return text;
}

bool mr_cli_doc(size_t n, struct mr_cli_doc *out)
{
    const struct opt *o;

    if (n >= NOPTIONS) {
        if (n - NOPTIONS >= sizeof(more) / sizeof(more[0]))
            return false;
        *out = more[n - NOPTIONS];
        if (!out->help)
            out->help = record_help();
        return true;
    }
    o = &options[n];
    out->name = o->name;
    out->alias = o->alias;
    out->arg = o->arg;
    out->command = false;
    out->def = o->def;
    out->help = o->help;
    return true;
}

static const char usage_tail[] =
    "\n"
    "Each service's URL is in MOCKRUN_<NAME>_URL (and its own \"env\" name);\n"
    "MOCKRUN_URL holds the first service's URL.\n"
    "\n"
    "With GITHUB_ACTIONS=true, each failure is also printed as an ::error\n"
    "annotation and a summary is appended to $GITHUB_STEP_SUMMARY (docs/ci.md).\n"
    "\n"
    "exit status:\n"
    "  0  every check passed\n"
    "  1  a check failed (expectation, unexpected request, command exit, timeout\n"
    "     or interrupt; drift: an answer of the real API differs)\n"
    "  2  usage error or invalid scenario (nothing was started)\n"
    "  3  could not set up (port in use, report not writable, command not found)\n";

/* One entry of --help: its names on the left, its help lines indented. */
static void help_entry(struct mr_buf *b, const struct mr_cli_doc *d)
{
    const char *h = d->help, *nl;
    char left[64];
    int n = snprintf(left, sizeof(left), "%s%s%s%s%s", d->alias ? d->alias : "",
                     d->alias ? ", " : "", d->name, d->arg ? " " : "", d->arg ? d->arg : "");

    mr_buf_printf(b, "  %-20s%s", left, n > 20 ? "\n" INDENT : " ");
    while ((nl = strchr(h, '\n')) != NULL) {
        mr_buf_printf(b, "%.*s\n" INDENT, (int)(nl - h), h);
        h = nl + 1;
    }
    mr_buf_puts(b, h);
    if (d->def >= 0)
        mr_buf_printf(b, " (default %.0f)", d->def);
    mr_buf_putc(b, '\n');
}

const char *mr_cli_help(void)
{
    static char text[8192];
    struct mr_buf b;
    struct mr_cli_doc d;
    size_t i;

    if (text[0])
        return text;
    mr_buf_init(&b);
    mr_buf_puts(&b, usage_head);
    for (i = 0; mr_cli_doc(i, &d); i++)
        if (!d.command)
            help_entry(&b, &d);
    mr_buf_puts(&b, "\ncommands (the first argument):\n");
    for (i = 0; mr_cli_doc(i, &d); i++)
        if (d.command)
            help_entry(&b, &d);
    mr_buf_puts(&b, usage_tail);
    snprintf(text, sizeof(text), "%s", b.failed ? usage_head : mr_buf_cstr(&b));
    mr_buf_release(&b);
    return text;
}

static int parse_num(const char *opt, const char *s, double min, double max, double *out,
                     struct mr_error *err)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= min && v <= max)) /* !(...) also refuses NaN */
        return mr_error_set(err, MR_EUSAGE, "%s: expected a number from %g to %g, got '%s'", opt,
                            min, max, s);
    *out = v;
    return 0;
}

static void *field_of(struct mr_cli *cli, size_t offset)
{
    return (char *)cli + offset;
}

/* Stores the number v (seconds for OPT_SECONDS) into o's field. */
static void store(struct mr_cli *cli, const struct opt *o, double v)
{
    void *f = field_of(cli, o->field);

    switch (o->type) {
    case OPT_SECONDS:
        *(int64_t *)f = (int64_t)(v * 1000 + 0.5);
        break;
    case OPT_INT:
        *(int *)f = (int)v;
        break;
    case OPT_SIZE:
        *(size_t *)f = (size_t)v;
        break;
    case OPT_U64:
        *(uint64_t *)f = (uint64_t)v;
        break;
    default:
        MR_BUG("option %s has no number type", o->name);
    }
}

/* Stores the value of `o` given as `val`. */
static int set_value(struct mr_cli *cli, const struct opt *o, const char *val, struct mr_error *err)
{
    void *f = field_of(cli, o->field);
    double v = 0;
    int rc;

    if (o->type == OPT_TEXT) {
        if (!*val) {
            char what[32];
            size_t k;
            for (k = 0; o->arg[k] && k + 1 < sizeof(what); k++)
                what[k] = (char)(o->arg[k] - 'A' + 'a');
            what[k] = '\0';
            return mr_error_set(err, MR_EUSAGE, "%s needs %s %s", o->name,
                                strchr("AEIOU", o->arg[0]) ? "an" : "a", what);
        }
        *(const char **)f = val;
        return 0;
    }
    if ((rc = parse_num(o->name, val, o->min, o->max, &v, err)) != 0)
        return rc;
    if (o->type != OPT_SECONDS && v != (double)(long long)v)
        return mr_error_set(err, MR_EUSAGE, "%s: expected a whole number, got '%s'", o->name, val);
    store(cli, o, v);
    return 0;
}

static void set_defaults(struct mr_cli *cli)
{
    size_t i;

    memset(cli, 0, sizeof(*cli));
    cli->junit = "mockrun-junit.xml";
    cli->host = "127.0.0.1";
    cli->timeout_ms = -1;
    for (i = 0; i < NOPTIONS; i++) {
        const struct opt *o = &options[i];
        if (o->def >= 0)
            store(cli, o, o->def);
    }
}

static const struct opt *find_option(const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < NOPTIONS; i++)
        if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
            return &options[i];
    return NULL;
}

/* --import-mockoon FILE or --import-wiremock PATH, alone: the whole command line. */
static int parse_import(struct mr_cli *cli, int argc, char **argv, int i, struct mr_error *err)
{
    const char *a = argv[i];
    bool wiremock = strncmp(a, "--import-wiremock", 17) == 0;
    size_t n = wiremock ? 17 : 16;
    const char *opt = wiremock ? "--import-wiremock" : "--import-mockoon";
    const char *file = a[n] == '=' ? a + n + 1 : i + 1 < argc ? argv[i + 1] : NULL;

    if (!file || !*file)
        return mr_error_set(err, MR_EUSAGE, "%s needs a %s", opt,
                            wiremock ? "folder or file" : "file");
    if (a[n] != '=')
        i++;
    if (i + 1 < argc || argv[1] != a) /* something came after, or before */
        return mr_error_set(err, MR_EUSAGE, "%s takes only the %s, got '%s'", opt,
                            wiremock ? "WireMock folder or mapping file" : "environment file",
                            i + 1 < argc ? argv[i + 1] : argv[1]);
    cli->action = wiremock ? MR_CLI_IMPORT_WIREMOCK : MR_CLI_IMPORT_MOCKOON;
    if (wiremock)
        cli->import_wiremock = file;
    else
        cli->import_mockoon = file;
    return 0;
}

/* import openapi|mockoon|wiremock FILE: a foreign file converted to a scenario on stdout. */
static int parse_import_command(struct mr_cli *cli, int argc, char **argv, struct mr_error *err)
{
    const char *kind = argc > 2 ? argv[2] : "";

    if (strcmp(kind, "openapi") != 0 && strcmp(kind, "mockoon") != 0 &&
        strcmp(kind, "wiremock") != 0)
        return mr_error_set(err, MR_EUSAGE,
                            "usage: mockrun import openapi|mockoon|wiremock FILE%s%s%s",
                            *kind ? " (got '" : "", kind, *kind ? "')" : "");
    if (argc < 4 || !argv[3][0])
        return mr_error_set(err, MR_EUSAGE, "'mockrun import %s' needs the %s", kind,
                            strcmp(kind, "wiremock") == 0 ? "folder or mapping file" : "file");
    if (argc > 4)
        return mr_error_set(err, MR_EUSAGE, "'mockrun import %s' takes one file, got '%s'", kind,
                            argv[4]);
    if (strcmp(kind, "openapi") == 0) {
        cli->action = MR_CLI_IMPORT_OPENAPI;
        cli->import_openapi = argv[3];
    } else if (strcmp(kind, "mockoon") == 0) {
        cli->action = MR_CLI_IMPORT_MOCKOON;
        cli->import_mockoon = argv[3];
    } else {
        cli->action = MR_CLI_IMPORT_WIREMOCK;
        cli->import_wiremock = argv[3];
    }
    return 0;
}

/* merge [--junit PATH] [--no-junit] FILE...: the scenarios and the shards' journals. */
static int parse_merge(struct mr_cli *cli, int argc, char **argv, struct mr_error *err)
{
    int i;

    cli->action = MR_CLI_MERGE;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--junit") == 0 || strncmp(a, "--junit=", 8) == 0) {
            const char *v = a[7] == '=' ? a + 8 : i + 1 < argc ? argv[++i] : NULL;
            if (!v || !*v)
                return mr_error_set(err, MR_EUSAGE, "--junit needs a path");
            cli->junit = v;
            cli->junit_given = true;
        } else if (strcmp(a, "--no-junit") == 0) {
            cli->no_junit = true;
        } else if (a[0] == '-' && a[1]) {
            return mr_error_set(err, MR_EUSAGE,
                                "'mockrun merge' takes --junit PATH and --no-junit only, got '%s'",
                                a);
        } else if (cli->nscenarios == MR_CLI_MAX_SCENARIOS) {
            return mr_error_set(err, MR_EUSAGE, "at most %d files in one merge",
                                MR_CLI_MAX_SCENARIOS);
        } else {
            cli->scenarios[cli->nscenarios++] = a;
        }
    }
    if (cli->nscenarios < 2)
        return mr_error_set(err, MR_EUSAGE,
                            "usage: mockrun merge [--junit PATH] SCENARIO... JOURNAL...");
    return 0;
}

/* `schema`, `init [FILE]` and `merge ...`: commands when they come first. */
static int parse_command(struct mr_cli *cli, int argc, char **argv, struct mr_error *err)
{
    if (strcmp(argv[1], "merge") == 0)
        return parse_merge(cli, argc, argv, err);
    if (strcmp(argv[1], "schema") == 0) {
        if (argc > 2)
            return mr_error_set(err, MR_EUSAGE, "'mockrun schema' takes no arguments, got '%s'",
                                argv[2]);
        cli->action = MR_CLI_SCHEMA;
        return 0;
    }
    if (argc > 3)
        return mr_error_set(err, MR_EUSAGE, "'mockrun init' takes one file at most, got '%s'",
                            argv[3]);
    if (argc == 3 && (argv[2][0] == '-' || !argv[2][0]))
        return mr_error_set(err, MR_EUSAGE, "'mockrun init' takes a file name, got '%s'", argv[2]);
    cli->action = MR_CLI_INIT;
    cli->init_file = argc == 3 ? argv[2] : "scenario.json";
    return 0;
}

/* The table's option `o` at argv[*i] (`eq`: its "=VALUE", or NULL), with its
 * value when it takes one (argv[*i + 1] unless given with '='). */
static int parse_option(struct mr_cli *cli, const struct opt *o, const char *eq, int argc,
                        char **argv, int *i, struct mr_error *err)
{
    const char *val;
    int rc;

    if (!o->arg) {
        if (eq)
            return mr_error_set(err, MR_EUSAGE, "%s takes no value", o->name);
        if (o->type == OPT_COUNT)
            (*(int *)field_of(cli, o->field))++;
        else
            *(bool *)field_of(cli, o->field) = true;
        return 0;
    }
    val = eq ? eq + 1 : NULL;
    if (!val) {
        if (*i + 1 >= argc)
            return mr_error_set(err, MR_EUSAGE, "%s needs a value", o->name);
        val = argv[++*i];
    }
    if ((rc = set_value(cli, o, val, err)) != 0)
        return rc;
    if (o->given != NO_FIELD)
        *(bool *)field_of(cli, o->given) = true;
    return 0;
}

/* The value of record's own option `name` at argv[*i] (--out FILE, --out=FILE); NULL if
 * argv[*i] is not it. */
static const char *own_value(const char *name, int argc, char **argv, int *i, bool *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];

    *missing = false;
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

/* Whether `o` (a table option) is one of `names`. */
static bool one_of(const struct opt *o, const char *const *names, size_t n)
{
    size_t k;
    for (k = 0; o && k < n; k++)
        if (strcmp(o->name, names[k]) == 0)
            return true;
    return false;
}

/* A --header value: "Name: value", the name an HTTP token, no CR or LF. */
static int check_header(const char *h, struct mr_error *err)
{
    const char *colon = strchr(h, ':');
    char name[128];
    size_t n = colon ? (size_t)(colon - h) : 0;

    if (!colon || n == 0 || n >= sizeof(name))
        return mr_error_set(err, MR_EUSAGE,
                            "--header '%s': expected \"Name: value\", e.g. --header "
                            "'Authorization: Bearer $TOKEN'",
                            h);
    memcpy(name, h, n);
    name[n] = '\0';
    if (!mr_http_token(name))
        return mr_error_set(err, MR_EUSAGE,
                            "--header '%s': the name must be letters, digits and "
                            "!#$%%&'*+-.^_`|~ (no spaces)",
                            h);
    if (strpbrk(h, "\r\n"))
        return mr_error_set(err, MR_EUSAGE, "--header: a value must not hold CR or LF");
    return 0;
}

/* `drift`: scenario and journal files, its own --target, --header, --values and
 * --allow-unsafe, and the table's --junit, --no-junit, --strict-import and -v. */
static int parse_drift(struct mr_cli *cli, int argc, char **argv, struct mr_error *err)
{
    static const char *const shared[] = {"--junit", "--no-junit", "--strict-import"};
    int i, rc;

    cli->action = MR_CLI_DRIFT;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i], *v, *eq;
        const struct opt *o;
        bool missing;

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli->action = MR_CLI_HELP;
            return 0;
        }
        if (a[0] == '-' && a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
            cli->verbose += (int)strlen(a + 1);
            continue;
        }
        if (strcmp(a, "--values") == 0) {
            cli->values = true;
            continue;
        }
        if (strcmp(a, "--allow-unsafe") == 0) {
            cli->allow_unsafe = true;
            continue;
        }
        if ((v = own_value("--target", argc, argv, &i, &missing)) != NULL || missing) {
            if (missing || !*v)
                return mr_error_set(err, MR_EUSAGE, "--target needs a URL (or NAME=URL)");
            if (cli->ntargets == MR_CLI_MAX_TARGETS)
                return mr_error_set(err, MR_EUSAGE, "at most %d targets", MR_CLI_MAX_TARGETS);
            cli->targets[cli->ntargets++] = v;
            continue;
        }
        if ((v = own_value("--header", argc, argv, &i, &missing)) != NULL || missing) {
            if (missing || !*v)
                return mr_error_set(err, MR_EUSAGE, "--header needs \"Name: value\"");
            if ((rc = check_header(v, err)) != 0)
                return rc;
            if (cli->nheaders == MR_CLI_MAX_HEADERS)
                return mr_error_set(err, MR_EUSAGE, "at most %d --header options",
                                    MR_CLI_MAX_HEADERS);
            cli->headers[cli->nheaders++] = v;
            continue;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (cli->nscenarios == MR_CLI_MAX_SCENARIOS)
                return mr_error_set(err, MR_EUSAGE, "at most %d files", MR_CLI_MAX_SCENARIOS);
            cli->scenarios[cli->nscenarios++] = a;
            continue;
        }
        eq = strchr(a, '=');
        o = find_option(a, eq ? (size_t)(eq - a) : strlen(a));
        if (!o)
            return mr_error_set(err, MR_EUSAGE, "unknown option '%s'; see 'mockrun --help'", a);
        if (!one_of(o, shared, sizeof(shared) / sizeof(shared[0])))
            return mr_error_set(err, MR_EUSAGE, "'mockrun drift' does not take %s", o->name);
        if ((rc = parse_option(cli, o, eq, argc, argv, &i, err)) != 0)
            return rc;
    }
    if (!cli->nscenarios)
        return mr_error_set(err, MR_EUSAGE,
                            "usage: mockrun drift [options] SCENARIO... [JOURNAL...] --target "
                            "[NAME=]URL...");
    if (cli->ntargets == 0)
        return mr_error_set(err, MR_EUSAGE,
                            "'mockrun drift' needs --target URL: the real API to compare the "
                            "mocks with (NAME=URL for each of several services)");
    return 0;
}

/* `record`: its own --target, --service and --out, and the table's options that
 * concern serving and the command. */
static int parse_record(struct mr_cli *cli, int argc, char **argv, struct mr_error *err)
{
    size_t k;
    int i, rc;

    cli->action = MR_CLI_RECORD;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i], *v, *eq;
        const struct opt *o;
        bool missing;

        if (strcmp(a, "--") == 0) {
            if (i + 1 < argc) {
                cli->command = &argv[i + 1];
                cli->ncommand = (size_t)(argc - i - 1);
            }
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli->action = MR_CLI_HELP;
            return 0;
        }
        if (a[0] == '-' && a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
            cli->verbose += (int)strlen(a + 1);
            continue;
        }
        if ((v = own_value("--target", argc, argv, &i, &missing)) != NULL || missing) {
            if (missing || !*v)
                return mr_error_set(err, MR_EUSAGE, "--target needs a URL");
            if (cli->ntargets == MR_CLI_MAX_TARGETS)
                return mr_error_set(err, MR_EUSAGE, "at most %d targets in one recording",
                                    MR_CLI_MAX_TARGETS);
            cli->targets[cli->ntargets++] = v;
            continue;
        }
        if ((v = own_value("--service", argc, argv, &i, &missing)) != NULL || missing) {
            if (missing || !*v)
                return mr_error_set(err, MR_EUSAGE, "--service needs a name");
            if (cli->ntargets == 0)
                return mr_error_set(err, MR_EUSAGE,
                                    "--service %s: give it after the --target it names", v);
            if (cli->target_names[cli->ntargets - 1])
                return mr_error_set(err, MR_EUSAGE,
                                    "--service %s: the target before it is named '%s' already", v,
                                    cli->target_names[cli->ntargets - 1]);
            cli->target_names[cli->ntargets - 1] = v;
            continue;
        }
        if ((v = own_value("--out", argc, argv, &i, &missing)) != NULL || missing) {
            if (missing || !*v)
                return mr_error_set(err, MR_EUSAGE, "--out needs a file");
            cli->out = v;
            continue;
        }
        if (a[0] != '-')
            return mr_error_set(err, MR_EUSAGE,
                                "unexpected argument '%s'; put the command to record after \"--\"",
                                a);
        eq = strchr(a, '=');
        o = find_option(a, eq ? (size_t)(eq - a) : strlen(a));
        if (!o)
            return mr_error_set(err, MR_EUSAGE, "unknown option '%s'; see 'mockrun --help'", a);
        if (!record_takes(o))
            return mr_error_set(err, MR_EUSAGE, "'mockrun record' does not take %s", o->name);
        if ((rc = parse_option(cli, o, eq, argc, argv, &i, err)) != 0)
            return rc;
    }
    if (cli->ntargets == 0)
        return mr_error_set(err, MR_EUSAGE,
                            "'mockrun record' needs --target URL: the API to record");
    if (!cli->out)
        return mr_error_set(err, MR_EUSAGE,
                            "'mockrun record' needs --out FILE: where to write the scenario");
    if (!cli->command)
        return mr_error_set(err, MR_EUSAGE,
                            "'mockrun record' needs the command to record after \"--\"");
    if (cli->ntargets > 1)
        for (k = 0; k < cli->ntargets; k++)
            if (!cli->target_names[k])
                return mr_error_set(err, MR_EUSAGE,
                                    "name each of several targets with --service NAME after it "
                                    "(%s has none)",
                                    cli->targets[k]);
    if (cli->shell && cli->ncommand != 1)
        return mr_error_set(err, MR_EUSAGE, "--shell takes the command as one string after \"--\"");
    return 0;
}

int mr_cli_parse(struct mr_cli *cli, int argc, char **argv, struct mr_error *err)
{
    int i, rc;

    set_defaults(cli);
    if (argc > 1 && (strcmp(argv[1], "schema") == 0 || strcmp(argv[1], "init") == 0 ||
                     strcmp(argv[1], "merge") == 0))
        return parse_command(cli, argc, argv, err);
    if (argc > 1 && strcmp(argv[1], "record") == 0)
        return parse_record(cli, argc, argv, err);
    if (argc > 1 && strcmp(argv[1], "drift") == 0)
        return parse_drift(cli, argc, argv, err);
    if (argc > 1 && strcmp(argv[1], "import") == 0)
        return parse_import_command(cli, argc, argv, err);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *eq;
        const struct opt *o;

        if (strcmp(a, "--") == 0) {
            if (i + 1 < argc) {
                cli->command = &argv[i + 1];
                cli->ncommand = (size_t)(argc - i - 1);
            }
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli->action = MR_CLI_HELP;
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            cli->action = MR_CLI_VERSION;
            return 0;
        }
        if (strcmp(a, "--import-mockoon") == 0 || strncmp(a, "--import-mockoon=", 17) == 0 ||
            strcmp(a, "--import-wiremock") == 0 || strncmp(a, "--import-wiremock=", 18) == 0)
            return parse_import(cli, argc, argv, i, err);
        if (a[0] == '-' && a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
            cli->verbose += (int)strlen(a + 1); /* -v, -vv, ... */
            continue;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (cli->nscenarios > 0 && strstr(a, ".json") == NULL && access(a, F_OK) != 0)
                return mr_error_set(err, MR_EUSAGE,
                                    "unexpected argument '%s'; put the command after \"--\"", a);
            if (cli->nscenarios == MR_CLI_MAX_SCENARIOS)
                return mr_error_set(err, MR_EUSAGE, "at most %d scenario files in one run",
                                    MR_CLI_MAX_SCENARIOS);
            cli->scenarios[cli->nscenarios++] = a;
            continue;
        }
        /* --opt, --opt VALUE or --opt=VALUE */
        eq = strchr(a, '=');
        o = find_option(a, eq ? (size_t)(eq - a) : strlen(a));
        if (!o)
            return mr_error_set(err, MR_EUSAGE, "unknown option '%s'; see 'mockrun --help'", a);
        if ((rc = parse_option(cli, o, eq, argc, argv, &i, err)) != 0)
            return rc;
    }
    if (!cli->nscenarios)
        return mr_error_set(err, MR_EUSAGE, "missing the scenario file; see 'mockrun --help'");
    if (cli->serve && cli->check)
        return mr_error_set(err, MR_EUSAGE, "--serve and --check cannot be combined");
    if ((cli->serve || cli->check) && cli->command)
        return mr_error_set(err, MR_EUSAGE, "%s runs no command; drop the part after \"--\"",
                            cli->serve ? "--serve" : "--check");
    if (cli->update_snapshot && !cli->snapshot)
        return mr_error_set(err, MR_EUSAGE, "--update-snapshot needs --snapshot PATH");
    if (cli->shell && cli->ncommand != 1)
        return mr_error_set(err, MR_EUSAGE, "--shell takes the command as one string after \"--\"");
    return 0;
}
