/*
 * test_cli.c - runner/cli.c: every option in both spellings (--opt VALUE and
 * --opt=VALUE), the defaults, "--" handling, and every usage error message.
 *
 * One case:   CK_RUN_CASE=errors ./test_cli
 * Under gdb:  CK_FORK=no gdb ./test_cli
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cli.h"
#include "runner/proc.h"
#include "runner/sources.h"

static struct mr_cli cli;
static struct mr_error err;
static char *args[64];
static int nargs;

/* Parses "mockrun" followed by the NULL-terminated arguments. */
static int parse_v(const char *first, va_list ap)
{
    const char *a;

    nargs = 0;
    args[nargs++] = (char *)"mockrun";
    for (a = first; a; a = va_arg(ap, const char *)) {
        ck_assert_int_lt(nargs, 63);
        args[nargs++] = (char *)a;
    }
    args[nargs] = NULL;
    memset(&err, 0, sizeof(err));
    return mr_cli_parse(&cli, nargs, args, &err);
}

static int parse_args(const char *first, ...)
{
    va_list ap;
    int rc;
    va_start(ap, first);
    rc = parse_v(first, ap);
    va_end(ap);
    return rc;
}
#define PARSE(...) parse_args(__VA_ARGS__, (const char *)NULL)

static void ok_args(const char *first, ...)
{
    va_list ap;
    int rc;
    va_start(ap, first);
    rc = parse_v(first, ap);
    va_end(ap);
    ck_assert_msg(rc == 0, "unexpected error: %s", err.msg);
}
#define OK(...) ok_args(__VA_ARGS__, (const char *)NULL)

/* Expects a usage error with exactly this message. */
static void fails_args(const char *msg, const char *first, ...)
{
    va_list ap;
    int rc;
    va_start(ap, first);
    rc = parse_v(first, ap);
    va_end(ap);
    ck_assert_int_eq(rc, MR_EUSAGE);
    ck_assert_int_eq(err.code, MR_EUSAGE);
    ck_assert_str_eq(err.msg, msg);
}
#define FAILS(msg, ...) fails_args(msg, __VA_ARGS__, (const char *)NULL)

/* --- defaults and actions ----------------------------------------------- */

START_TEST(test_defaults)
{
    OK("s.json");
    ck_assert_int_eq(cli.action, MR_CLI_RUN);
    ck_assert_uint_eq(cli.nscenarios, 1);
    ck_assert_str_eq(cli.scenarios[0], "s.json");
    ck_assert_ptr_null(cli.command);
    ck_assert_uint_eq(cli.ncommand, 0);
    ck_assert_str_eq(cli.junit, "mockrun-junit.xml");
    ck_assert(!cli.no_junit);
    ck_assert_ptr_null(cli.journal);
    ck_assert_int_eq(cli.verbose, 0);
    ck_assert_int_eq(cli.port, 0);
    ck_assert_int_eq(cli.timeout_ms, -1);
    ck_assert_int_eq(cli.kill_after_ms, 5000);
    ck_assert_str_eq(cli.host, "127.0.0.1");
    {
        /* the command line's default is the one mr_proc_run itself falls back on */
        struct mr_proc_opts po;
        mr_proc_opts_init(&po);
        ck_assert_int_eq(cli.kill_after_ms, po.kill_after_ms);
    }
    ck_assert_int_eq(cli.threads, 72);
    ck_assert_uint_eq(cli.body_max, 1u << 20);
    ck_assert_uint_eq(cli.body_read_max, 64u << 20);
    ck_assert_uint_eq(cli.journal_limit, 100000);
    ck_assert(!cli.shell);
    ck_assert(!cli.no_tty);
    ck_assert(!cli.has_seed);
}
END_TEST

START_TEST(test_help_and_version)
{
    OK("--help");
    ck_assert_int_eq(cli.action, MR_CLI_HELP);
    OK("-h");
    ck_assert_int_eq(cli.action, MR_CLI_HELP);
    OK("--version");
    ck_assert_int_eq(cli.action, MR_CLI_VERSION);
    /* they win over a missing scenario and over what follows */
    OK("s.json", "--help", "--bogus");
    ck_assert_int_eq(cli.action, MR_CLI_HELP);
    /* but an error before them is still an error */
    FAILS("unknown option '--bogus'; see 'mockrun --help'", "--bogus", "--help");
    /* the usage text documents the options and the exit codes */
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "usage: mockrun [options] SCENARIO"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "--journal-limit N"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "--no-tty"));
    /* defaults come from the server's constants */
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "--threads N          connections served at once "
                                                "(default 72)\n"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "--max-request-body BYTES\n"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "fails the run (default 67108864)\n"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "  2  usage error or invalid scenario"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "  3  could not set up"));
}
END_TEST

/* mr_cli_doc: what --help, the man page and the completions list is what
 * the parser takes, and --help lists every entry. */
START_TEST(test_docs)
{
    const char *help = mr_cli_help();
    struct mr_cli_doc d;
    size_t n, options = 0, commands = 0;

    for (n = 0; mr_cli_doc(n, &d); n++) {
        char left[64];

        ck_assert_ptr_nonnull(d.name);
        ck_assert_ptr_nonnull(d.help);
        ck_assert(d.help[0] != '\0' && d.help[strlen(d.help) - 1] != '\n');
        snprintf(left, sizeof(left), "  %s%s%s%s%s", d.alias ? d.alias : "", d.alias ? ", " : "",
                 d.name, d.arg ? " " : "", d.arg ? d.arg : "");
        ck_assert_msg(strstr(help, left), "--help lacks '%s'", left);
        if (d.command) {
            commands++;
            ck_assert(d.name[0] != '-');
            continue;
        }
        options++;
        ck_assert(strncmp(d.name, "--", 2) == 0);
        if (strcmp(d.name, "--import-mockoon") == 0) {
            OK(d.name, "env.json");
            ck_assert_int_eq(cli.action, MR_CLI_IMPORT_MOCKOON);
        } else if (strcmp(d.name, "--import-wiremock") == 0) {
            OK(d.name, "wiremock");
            ck_assert_int_eq(cli.action, MR_CLI_IMPORT_WIREMOCK);
        } else if (strcmp(d.name, "--update-snapshot") == 0) {
            OK("--snapshot", "calls.snap.json", d.name, "s.json", "--", "true");
            ck_assert(cli.update_snapshot);
        } else if (strcmp(d.name, "--help") == 0 || strcmp(d.name, "--version") == 0) {
            OK(d.name);
            ck_assert_int_ne(cli.action, MR_CLI_RUN);
            OK(d.alias ? d.alias : d.name);
            ck_assert_int_ne(cli.action, MR_CLI_RUN);
        } else if (strcmp(d.name, "--serve") == 0 || strcmp(d.name, "--check") == 0) {
            OK(d.name, "s.json");
        } else {
            /* every value name has a value every option of that name takes */
            const char *v = !d.arg                          ? NULL
                            : strcmp(d.arg, "PATH") == 0    ? "out.file"
                            : strcmp(d.arg, "ADDRESS") == 0 ? "127.0.0.1"
                                                            : "1";
            if (v)
                OK(d.name, v, "s.json", "--", "true");
            else
                OK(d.name, "s.json", "--", "true");
            if (d.alias)
                OK(d.alias, "s.json");
        }
    }
    ck_assert_uint_ge(options, 20);
    ck_assert_uint_eq(commands, 6); /* schema, init, merge, record, drift, import */
    ck_assert(!mr_cli_doc(n, &d));
}
END_TEST

/* --- options ------------------------------------------------------------ */

START_TEST(test_every_option_separate_value)
{
    OK("--junit", "out/r.xml", "--journal", "j.json", "--timeout", "2.5", "--kill-after", "0.25",
       "--port", "8080", "--host", "::1", "--threads", "4", "--body-limit", "0", "--journal-limit",
       "7", "--seed", "42", "--max-request-body", "4096", "s.json");
    ck_assert_uint_eq(cli.nscenarios, 1);
    ck_assert_str_eq(cli.scenarios[0], "s.json");
    ck_assert_uint_eq(cli.body_read_max, 4096);
    ck_assert_str_eq(cli.junit, "out/r.xml");
    ck_assert_str_eq(cli.journal, "j.json");
    ck_assert_int_eq(cli.timeout_ms, 2500);
    ck_assert_int_eq(cli.kill_after_ms, 250);
    ck_assert_int_eq(cli.port, 8080);
    ck_assert_str_eq(cli.host, "::1");
    ck_assert_int_eq(cli.threads, 4);
    ck_assert_uint_eq(cli.body_max, 0);
    ck_assert_uint_eq(cli.journal_limit, 7);
    ck_assert(cli.has_seed);
    ck_assert_uint_eq(cli.seed, 42);
}
END_TEST

START_TEST(test_every_option_equals_value)
{
    OK("s.json", "--junit=r.xml", "--journal=j.json", "--timeout=120", "--kill-after=3", "--port=1",
       "--host=0.0.0.0", "--threads=4096", "--body-limit=1073741824", "--journal-limit=100000000",
       "--seed=0");
    ck_assert_str_eq(cli.junit, "r.xml");
    ck_assert_str_eq(cli.journal, "j.json");
    ck_assert_int_eq(cli.timeout_ms, 120000);
    ck_assert_int_eq(cli.kill_after_ms, 3000);
    ck_assert_int_eq(cli.port, 1);
    ck_assert_str_eq(cli.host, "0.0.0.0");
    ck_assert_int_eq(cli.threads, 4096);
    ck_assert_uint_eq(cli.body_max, 1073741824u);
    ck_assert_uint_eq(cli.journal_limit, 100000000u);
    ck_assert(cli.has_seed);
    ck_assert_uint_eq(cli.seed, 0);
    /* the value may itself hold '=' and start with '-' */
    OK("s.json", "--junit=a=b.xml", "--journal", "-j.json");
    ck_assert_str_eq(cli.junit, "a=b.xml");
    ck_assert_str_eq(cli.journal, "-j.json");
}
END_TEST

START_TEST(test_flags)
{
    ck_assert_int_eq(PARSE("s.json", "--no-junit"), 0);
    ck_assert(cli.no_junit);
    ck_assert(!cli.shell);
    OK("--no-junit", "--shell", "s.json", "--", "npm test");
    ck_assert(cli.no_junit);
    ck_assert(cli.shell);
    ck_assert_uint_eq(cli.ncommand, 1);
    ck_assert_str_eq(cli.command[0], "npm test");
    ck_assert(!cli.no_tty);
    OK("--no-tty", "s.json", "--", "npm", "test");
    ck_assert(cli.no_tty);
    ck_assert_uint_eq(cli.ncommand, 2);
    /* after "--" it is the command's */
    OK("s.json", "--", "prog", "--no-tty");
    ck_assert(!cli.no_tty);
    FAILS("--no-tty takes no value", "--no-tty=1", "s.json");
}
END_TEST

START_TEST(test_timeout_units)
{
    OK("s.json", "--timeout", "0.001");
    ck_assert_int_eq(cli.timeout_ms, 1);
    OK("s.json", "--timeout", "604800");
    ck_assert_int_eq(cli.timeout_ms, 604800000);
    OK("s.json", "--timeout", "1.0005");
    ck_assert_int_eq(cli.timeout_ms, 1001); /* rounded to the nearest millisecond */
    OK("s.json", "--kill-after", "0");
    ck_assert_int_eq(cli.kill_after_ms, 0);
    OK("s.json", "--timeout", "1", "--timeout", "2");
    ck_assert_int_eq(cli.timeout_ms, 2000); /* the last one wins */
}
END_TEST

START_TEST(test_verbose)
{
    OK("s.json", "-v");
    ck_assert_int_eq(cli.verbose, 1);
    OK("-vv", "s.json");
    ck_assert_int_eq(cli.verbose, 2);
    OK("-v", "s.json", "--verbose", "-vvv");
    ck_assert_int_eq(cli.verbose, 5);
    FAILS("unknown option '-vx'; see 'mockrun --help'", "s.json", "-vx");
}
END_TEST

/* --- the command after "--" --------------------------------------------- */

START_TEST(test_double_dash)
{
    OK("s.json", "--", "npm", "test", "--", "-v", "--junit", "x");
    ck_assert_uint_eq(cli.ncommand, 6);
    ck_assert_ptr_eq(cli.command, &args[3]); /* borrowed from argv */
    ck_assert_str_eq(cli.command[0], "npm");
    ck_assert_str_eq(cli.command[2], "--");
    ck_assert_str_eq(cli.command[3], "-v");
    ck_assert_ptr_null(cli.command[6]); /* NULL-terminated, like argv */
    /* nothing after "--" was read as an option */
    ck_assert_int_eq(cli.verbose, 0);
    ck_assert_str_eq(cli.junit, "mockrun-junit.xml");

    /* "--" with nothing after it: no command */
    OK("s.json", "--");
    ck_assert_ptr_null(cli.command);
    ck_assert_uint_eq(cli.ncommand, 0);

    /* options after the scenario and before "--" are read */
    OK("s.json", "--port", "9", "--", "x");
    ck_assert_int_eq(cli.port, 9);
    ck_assert_uint_eq(cli.ncommand, 1);

    /* "-" is a name, not an option */
    OK("-", "--", "x");
    ck_assert_str_eq(cli.scenarios[0], "-");
}
END_TEST

/* --- errors ------------------------------------------------------------- */

START_TEST(test_unknown_options)
{
    FAILS("unknown option '--nope'; see 'mockrun --help'", "s.json", "--nope");
    FAILS("unknown option '--nope=1'; see 'mockrun --help'", "s.json", "--nope=1");
    FAILS("unknown option '-x'; see 'mockrun --help'", "-x", "s.json");
    FAILS("--no-junit takes no value", "s.json", "--no-junit=yes");
    FAILS("unknown option '--JUNIT'; see 'mockrun --help'", "s.json", "--JUNIT", "x");
    FAILS("unknown option '---junit'; see 'mockrun --help'", "s.json", "---junit", "x");
}
END_TEST

START_TEST(test_missing_values)
{
    FAILS("--junit needs a value", "s.json", "--junit");
    FAILS("--timeout needs a value", "s.json", "--timeout");
    FAILS("--seed needs a value", "s.json", "--seed");
    FAILS("--junit needs a path", "s.json", "--junit=");
    FAILS("--journal needs a path", "s.json", "--journal", "");
    FAILS("--host needs an address", "s.json", "--host=");
}
END_TEST

START_TEST(test_bad_numbers)
{
    FAILS("--timeout: expected a number from 0.001 to 604800, got 'abc'", "s.json", "--timeout",
          "abc");
    FAILS("--timeout: expected a number from 0.001 to 604800, got '0'", "s.json", "--timeout=0");
    FAILS("--timeout: expected a number from 0.001 to 604800, got '-5'", "s.json", "--timeout",
          "-5");
    FAILS("--timeout: expected a number from 0.001 to 604800, got '5s'", "s.json", "--timeout",
          "5s");
    FAILS("--timeout: expected a number from 0.001 to 604800, got ''", "s.json", "--timeout=");
    FAILS("--timeout: expected a number from 0.001 to 604800, got 'inf'", "s.json", "--timeout",
          "inf");
    FAILS("--timeout: expected a number from 0.001 to 604800, got 'nan'", "s.json", "--timeout",
          "nan");
    FAILS("--timeout: expected a number from 0.001 to 604800, got '1e400'", "s.json", "--timeout",
          "1e400");
    FAILS("--kill-after: expected a number from 0 to 3600, got '3601'", "s.json", "--kill-after",
          "3601");
    FAILS("--kill-after: expected a number from 0 to 3600, got 'NaN'", "s.json", "--kill-after",
          "NaN");
    FAILS("--port: expected a number from 1 to 65535, got '0'", "s.json", "--port", "0");
    FAILS("--port: expected a number from 1 to 65535, got '65536'", "s.json", "--port=65536");
    FAILS("--port: expected a whole number, got '80.5'", "s.json", "--port", "80.5");
    FAILS("--port: expected a number from 1 to 65535, got 'http'", "s.json", "--port", "http");
    FAILS("--threads: expected a number from 1 to 4096, got '0'", "s.json", "--threads", "0");
    FAILS("--threads: expected a whole number, got '2.5'", "s.json", "--threads=2.5");
    FAILS("--body-limit: expected a number from 0 to 1.07374e+09, got '-1'", "s.json",
          "--body-limit", "-1");
    FAILS("--journal-limit: expected a number from 0 to 1e+08, got '100000001'", "s.json",
          "--journal-limit", "100000001");
    FAILS("--seed: expected a whole number, got '1.5'", "s.json", "--seed", "1.5");
    FAILS("--seed: expected a number from 0 to 9.0072e+15, got '-1'", "s.json", "--seed", "-1");
}
END_TEST

START_TEST(test_scenario_errors)
{
    FAILS("missing the scenario file; see 'mockrun --help'", "--no-junit");
    FAILS("missing the scenario file; see 'mockrun --help'", "--", "npm", "test");
    /* several scenario files; a word that is neither a file nor *.json is a command
     * that lacks its "--" */
    OK("a.json", "-v", "b.json", "--", "x");
    ck_assert_uint_eq(cli.nscenarios, 2);
    ck_assert_str_eq(cli.scenarios[1], "b.json");
    ck_assert_int_eq(cli.verbose, 1);
    FAILS("unexpected argument 'npm'; put the command after \"--\"", "s.json", "npm", "test");
}
END_TEST

START_TEST(test_shell_needs_one_string)
{
    FAILS("--shell takes the command as one string after \"--\"", "--shell", "s.json", "--", "npm",
          "test");
    FAILS("--shell takes the command as one string after \"--\"", "--shell", "s.json");
    OK("s.json", "--shell", "--", "npm test && echo done");
    ck_assert(cli.shell);
    ck_assert_str_eq(cli.command[0], "npm test && echo done");
}
END_TEST

START_TEST(test_serve_and_check)
{
    OK("--serve", "s.json");
    ck_assert(cli.serve && !cli.check);
    ck_assert_ptr_null(cli.command);
    OK("s.json", "--serve", "--timeout", "2", "--port", "3000");
    ck_assert(cli.serve);
    ck_assert_int_eq(cli.timeout_ms, 2000);
    ck_assert_int_eq(cli.port, 3000);
    OK("--check", "s.json");
    ck_assert(cli.check && !cli.serve);
    FAILS("--serve runs no command; drop the part after \"--\"", "--serve", "s.json", "--", "npm",
          "test");
    FAILS("--check runs no command; drop the part after \"--\"", "--check", "s.json", "--", "true");
    FAILS("--serve and --check cannot be combined", "--serve", "--check", "s.json");
    FAILS("missing the scenario file; see 'mockrun --help'", "--check");
}
END_TEST

START_TEST(test_import_mockoon)
{
    OK("--import-mockoon", "env.json");
    ck_assert_int_eq(cli.action, MR_CLI_IMPORT_MOCKOON);
    ck_assert_str_eq(cli.import_mockoon, "env.json");
    ck_assert_uint_eq(cli.nscenarios, 0);
    OK("--import-mockoon=dir/env.json");
    ck_assert_int_eq(cli.action, MR_CLI_IMPORT_MOCKOON);
    ck_assert_str_eq(cli.import_mockoon, "dir/env.json");
    FAILS("--import-mockoon needs a file", "--import-mockoon");
    FAILS("--import-mockoon needs a file", "--import-mockoon=");
    FAILS("--import-mockoon takes only the environment file, got 's.json'", "--import-mockoon",
          "env.json", "s.json");
    FAILS("--import-mockoon takes only the environment file, got '--'", "--import-mockoon",
          "env.json", "--", "true");
    FAILS("--import-mockoon takes only the environment file, got 's.json'", "s.json",
          "--import-mockoon", "env.json");
    FAILS("--import-mockoon takes only the environment file, got '--check'", "--check",
          "--import-mockoon", "env.json");
    /* options before it would be silently dropped: refused, naming the first */
    FAILS("--import-mockoon takes only the environment file, got '--junit'", "--junit", "x.xml",
          "--import-mockoon", "env.json");
}
END_TEST

START_TEST(test_commands)
{
    OK("schema");
    ck_assert_int_eq(cli.action, MR_CLI_SCHEMA);
    ck_assert_uint_eq(cli.nscenarios, 0);
    FAILS("'mockrun schema' takes no arguments, got 'x.json'", "schema", "x.json");
    FAILS("'mockrun schema' takes no arguments, got '--help'", "schema", "--help");
    OK("init");
    ck_assert_int_eq(cli.action, MR_CLI_INIT);
    ck_assert_str_eq(cli.init_file, "scenario.json");
    OK("init", "tests/api.json");
    ck_assert_int_eq(cli.action, MR_CLI_INIT);
    ck_assert_str_eq(cli.init_file, "tests/api.json");
    FAILS("'mockrun init' takes one file at most, got 'b.json'", "init", "a.json", "b.json");
    FAILS("'mockrun init' takes a file name, got '--force'", "init", "--force");
    FAILS("'mockrun init' takes a file name, got ''", "init", "");
    /* commands only as the first argument: elsewhere, a scenario file of that name */
    OK("-v", "schema");
    ck_assert_int_eq(cli.action, MR_CLI_RUN);
    ck_assert_str_eq(cli.scenarios[0], "schema");
    OK("./init");
    ck_assert_int_eq(cli.action, MR_CLI_RUN);
    ck_assert_str_eq(cli.scenarios[0], "./init");
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "\n  schema               print the JSON Schema"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "\n  init [FILE]          write a starter"));
}
END_TEST

START_TEST(test_import_wiremock)
{
    OK("--import-wiremock", "wiremock");
    ck_assert_int_eq(cli.action, MR_CLI_IMPORT_WIREMOCK);
    ck_assert_str_eq(cli.import_wiremock, "wiremock");
    ck_assert_ptr_null(cli.import_mockoon);
    ck_assert_uint_eq(cli.nscenarios, 0);
    OK("--import-wiremock=root/mappings/x.json");
    ck_assert_int_eq(cli.action, MR_CLI_IMPORT_WIREMOCK);
    ck_assert_str_eq(cli.import_wiremock, "root/mappings/x.json");
    FAILS("--import-wiremock needs a folder or file", "--import-wiremock");
    FAILS("--import-wiremock needs a folder or file", "--import-wiremock=");
    FAILS("--import-wiremock takes only the WireMock folder or mapping file, got 's.json'",
          "--import-wiremock", "wm", "s.json");
    FAILS("--import-wiremock takes only the WireMock folder or mapping file, got '--serve'",
          "--serve", "--import-wiremock", "wm");
    /* one import at a time */
    FAILS("--import-mockoon takes only the environment file, got '--import-wiremock'",
          "--import-mockoon", "env.json", "--import-wiremock", "wm");
}
END_TEST

/* --snapshot, --update-snapshot, --shard, and the merge command. */
START_TEST(test_snapshot_shard_merge)
{
    OK("--snapshot", "calls.snap.json", "--update-snapshot", "--shard", "2/4", "s.json");
    ck_assert_str_eq(cli.snapshot, "calls.snap.json");
    ck_assert(cli.update_snapshot);
    ck_assert_str_eq(cli.shard, "2/4");
    ck_assert(!cli.junit_given);
    ck_assert_str_eq(cli.junit, "mockrun-junit.xml");
    OK("--junit", "r.xml", "s.json");
    ck_assert(cli.junit_given);
    FAILS("--update-snapshot needs --snapshot PATH", "--update-snapshot", "s.json");

    OK("merge", "s.json", "shard-1.json", "--junit=m.xml", "shard-2.json");
    ck_assert_int_eq(cli.action, MR_CLI_MERGE);
    ck_assert_uint_eq(cli.nscenarios, 3);
    ck_assert_str_eq(cli.scenarios[2], "shard-2.json");
    ck_assert_str_eq(cli.junit, "m.xml");
    ck_assert(cli.junit_given);
    OK("merge", "--no-junit", "s.json", "j.json");
    ck_assert(cli.no_junit);
    FAILS("usage: mockrun merge [--junit PATH] SCENARIO... JOURNAL...", "merge", "s.json");
    FAILS("'mockrun merge' takes --junit PATH and --no-junit only, got '--shard'", "merge",
          "--shard", "1/2", "s.json", "j.json");
    FAILS("--junit needs a path", "merge", "s.json", "j.json", "--junit");
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "\n  --snapshot PATH      compare the calls"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "\n  merge SCENARIO... JOURNAL...\n"));
}
END_TEST

START_TEST(test_record)
{
    OK("record", "--target", "http://127.0.0.1:5000", "--out", "rec/s.json", "--", "npm", "test");
    ck_assert_int_eq(cli.action, MR_CLI_RECORD);
    ck_assert_uint_eq(cli.ntargets, 1);
    ck_assert_str_eq(cli.targets[0], "http://127.0.0.1:5000");
    ck_assert_ptr_null(cli.target_names[0]); /* "api" */
    ck_assert_str_eq(cli.out, "rec/s.json");
    ck_assert_uint_eq(cli.ncommand, 2);
    ck_assert_str_eq(cli.command[0], "npm");
    /* several targets, each named after it; the options that concern serving */
    OK("record", "--target=http://a:1", "--service", "pay", "--target", "http://b:2",
       "--service=stock", "-v", "--timeout", "30", "--no-tty", "--shell", "--out=x.json", "--",
       "npm test");
    ck_assert_uint_eq(cli.ntargets, 2);
    ck_assert_str_eq(cli.target_names[0], "pay");
    ck_assert_str_eq(cli.targets[1], "http://b:2");
    ck_assert_str_eq(cli.target_names[1], "stock");
    ck_assert_int_eq(cli.verbose, 1);
    ck_assert_int_eq(cli.timeout_ms, 30000);
    ck_assert(cli.no_tty && cli.shell);
    ck_assert_str_eq(cli.out, "x.json");

    FAILS("'mockrun record' needs --target URL: the API to record", "record", "--out", "x.json",
          "--", "true");
    FAILS("'mockrun record' needs --out FILE: where to write the scenario", "record", "--target",
          "http://a", "--", "true");
    FAILS("'mockrun record' needs the command to record after \"--\"", "record", "--target",
          "http://a", "--out", "x.json");
    FAILS("--service pay: give it after the --target it names", "record", "--service", "pay",
          "--target", "http://a", "--out", "x.json", "--", "true");
    FAILS("--service b: the target before it is named 'a' already", "record", "--target",
          "http://a", "--service", "a", "--service", "b", "--out", "x.json", "--", "true");
    FAILS("name each of several targets with --service NAME after it (http://b has none)", "record",
          "--target", "http://a", "--service", "a", "--target", "http://b", "--out", "x.json", "--",
          "true");
    FAILS("'mockrun record' does not take --junit", "record", "--junit", "j.xml", "--target",
          "http://a", "--out", "x.json", "--", "true");
    FAILS("unexpected argument 'npm'; put the command to record after \"--\"", "record", "--target",
          "http://a", "--out", "x.json", "npm");
    FAILS("--target needs a URL", "record", "--target");
    FAILS("--out needs a file", "record", "--target", "http://a", "--out=");
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "\n  record               run COMMAND"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "mockrun record --target URL [--service NAME]"));
}
END_TEST

/* Whether `help` names the option `name` as a word ("--port," or "--port "). */
static bool names_option(const char *help, const char *name)
{
    const char *p;
    size_t n = strlen(name);

    for (p = strstr(help, name); p; p = strstr(p + 1, name))
        if ((p == help || strchr(" \n", p[-1])) && strchr(",\n ", p[n]))
            return true;
    return false;
}

START_TEST(test_record_options_as_documented)
{
    /* record's --help entry lists the table's options it takes: exactly those parse */
    struct mr_cli_doc d, rec = {0};
    size_t i, taken = 0;

    for (i = 0; mr_cli_doc(i, &d); i++)
        if (d.command && strcmp(d.name, "record") == 0)
            rec = d;
    ck_assert_ptr_nonnull(rec.help);
    ck_assert_msg(strstr(rec.help, "\ntakes --timeout,") && strstr(rec.help, " and -v") &&
                      rec.help[strlen(rec.help) - 1] == 'v',
                  "record's help: %s", rec.help);
    for (i = 0; mr_cli_doc(i, &d); i++) {
        bool listed;
        int rc;
        char want[128];
        if (d.command || strncmp(d.name, "--", 2) != 0 || strcmp(d.name, "--help") == 0 ||
            strcmp(d.name, "--version") == 0 || strncmp(d.name, "--import-", 9) == 0)
            continue;
        listed = names_option(rec.help, d.name);
        if (d.arg)
            rc = PARSE("record", "--target", "http://a", "--out", "x.json", d.name, "1", "--",
                       "true");
        else
            rc = PARSE("record", "--target", "http://a", "--out", "x.json", d.name, "--", "true");
        ck_assert_msg((rc == 0) == listed, "%s: record's help %s it, parsing %s it (%s)", d.name,
                      listed ? "lists" : "does not list", rc == 0 ? "takes" : "refuses", err.msg);
        if (!listed) {
            snprintf(want, sizeof(want), "'mockrun record' does not take %s", d.name);
            ck_assert_str_eq(err.msg, want);
        }
        taken += listed;
    }
    ck_assert_uint_eq(taken, 9);
}
END_TEST

START_TEST(test_drift)
{
    OK("drift", "s.json", "--target", "http://127.0.0.1:5000");
    ck_assert_int_eq(cli.action, MR_CLI_DRIFT);
    ck_assert_uint_eq(cli.nscenarios, 1);
    ck_assert_str_eq(cli.scenarios[0], "s.json");
    ck_assert_uint_eq(cli.ntargets, 1);
    ck_assert_str_eq(cli.targets[0], "http://127.0.0.1:5000");
    ck_assert(!cli.values && !cli.allow_unsafe && !cli.junit_given && !cli.no_junit);
    /* scenarios and journals, named targets, its own options and the table's it takes */
    OK("drift", "--target=pay=http://a:1", "a.json", "run.journal.json", "--target",
       "stock=http://b", "--header", "Authorization: Bearer x", "--header=X-Key:k", "--values",
       "--allow-unsafe", "--junit", "d.xml", "--strict-import", "-vv", "b.json");
    ck_assert_uint_eq(cli.nscenarios, 3);
    ck_assert_str_eq(cli.scenarios[2], "b.json");
    ck_assert_uint_eq(cli.ntargets, 2);
    ck_assert_str_eq(cli.targets[0], "pay=http://a:1");
    ck_assert_str_eq(cli.targets[1], "stock=http://b");
    ck_assert_uint_eq(cli.nheaders, 2);
    ck_assert_str_eq(cli.headers[0], "Authorization: Bearer x");
    ck_assert_str_eq(cli.headers[1], "X-Key:k");
    ck_assert(cli.values && cli.allow_unsafe && cli.strict_import);
    ck_assert(cli.junit_given);
    ck_assert_str_eq(cli.junit, "d.xml");
    ck_assert_int_eq(cli.verbose, 2);
    OK("drift", "s.json", "--target", "http://a", "--no-junit");
    ck_assert(cli.no_junit);
    OK("drift", "--help");
    ck_assert_int_eq(cli.action, MR_CLI_HELP);

    FAILS("'mockrun drift' needs --target URL: the real API to compare the mocks with (NAME=URL "
          "for each of several services)",
          "drift", "s.json");
    FAILS("usage: mockrun drift [options] SCENARIO... [JOURNAL...] --target [NAME=]URL...", "drift",
          "--target", "http://a");
    FAILS("--target needs a URL (or NAME=URL)", "drift", "s.json", "--target");
    FAILS("--header needs \"Name: value\"", "drift", "s.json", "--target", "http://a", "--header=");
    FAILS("--header 'X-Key': expected \"Name: value\", e.g. --header 'Authorization: Bearer "
          "$TOKEN'",
          "drift", "s.json", "--target", "http://a", "--header", "X-Key");
    FAILS("--header 'X Key: v': the name must be letters, digits and !#$%&'*+-.^_`|~ (no spaces)",
          "drift", "s.json", "--target", "http://a", "--header", "X Key: v");
    FAILS("--header: a value must not hold CR or LF", "drift", "s.json", "--target", "http://a",
          "--header", "X: a\r\nHost: b");
    FAILS("'mockrun drift' does not take --timeout", "drift", "s.json", "--target", "http://a",
          "--timeout", "3");
    FAILS("unknown option '--value'; see 'mockrun --help'", "drift", "s.json", "--target",
          "http://a", "--value");
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "\n  drift SCENARIO... [JOURNAL...]"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "--allow-unsafe"));
}
END_TEST

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 30);
    return tc;
}

/* Which files are Mockoon environments: by their top-level keys only. */
START_TEST(test_import_command)
{
    OK("import", "openapi", "specs/api.yaml");
    ck_assert_int_eq(cli.action, MR_CLI_IMPORT_OPENAPI);
    ck_assert_str_eq(cli.import_openapi, "specs/api.yaml");
    ck_assert_uint_eq(cli.nscenarios, 0);
    OK("import", "mockoon", "env.json");
    ck_assert_int_eq(cli.action, MR_CLI_IMPORT_MOCKOON);
    ck_assert_str_eq(cli.import_mockoon, "env.json");
    OK("import", "wiremock", "wm");
    ck_assert_int_eq(cli.action, MR_CLI_IMPORT_WIREMOCK);
    ck_assert_str_eq(cli.import_wiremock, "wm");
    FAILS("usage: mockrun import openapi|mockoon|wiremock FILE", "import");
    FAILS("usage: mockrun import openapi|mockoon|wiremock FILE (got 'swagger')", "import",
          "swagger", "x.yaml");
    FAILS("'mockrun import openapi' needs the file", "import", "openapi");
    FAILS("'mockrun import wiremock' needs the folder or mapping file", "import", "wiremock", "");
    FAILS("'mockrun import openapi' takes one file, got 'b.yaml'", "import", "openapi", "a.yaml",
          "b.yaml");
    /* a command only as the first argument */
    OK("s.json", "--", "import", "openapi", "x");
    ck_assert_int_eq(cli.action, MR_CLI_RUN);
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "\n  import openapi FILE  print a starting"));
    ck_assert_ptr_nonnull(strstr(mr_cli_help(), "mockrun import openapi SPEC.yaml"));
}
END_TEST

START_TEST(test_detect_format)
{
    static const struct {
        const char *text;
        enum mr_format want;
    } cases[] = {
        {"{\"uuid\": \"x\", \"lastMigration\": 33, \"routes\": []}", MR_FORMAT_MOCKOON},
        {"\xef\xbb\xbf{\"lastMigration\": 28}", MR_FORMAT_MOCKOON}, /* after a BOM */
        {"{\"uuid\": \"x\", \"endpointPrefix\": \"\", \"routes\": []}", MR_FORMAT_MOCKOON},
        {"{\"uuid\": \"x\", \"routes\": []}", MR_FORMAT_SCENARIO},
        /* nested keys do not count */
        {"{\"services\": {\"a\": {\"lastMigration\": 1, \"routes\": []}}}", MR_FORMAT_SCENARIO},
        {"{\"routes\": [{\"id\": \"lastMigration\"}]}", MR_FORMAT_SCENARIO},
        {"not json", MR_FORMAT_SCENARIO}, /* the loader says why */
        {"", MR_FORMAT_SCENARIO},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(mr_sources_detect(cases[i].text, strlen(cases[i].text)) == cases[i].want,
                      "case %zu", i);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc;

    tc = tcase("defaults");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_help_and_version);
    tcase_add_test(tc, test_import_mockoon);
    tcase_add_test(tc, test_commands);
    tcase_add_test(tc, test_import_wiremock);
    tcase_add_test(tc, test_snapshot_shard_merge);
    tcase_add_test(tc, test_docs);
    tcase_add_test(tc, test_record);
    tcase_add_test(tc, test_drift);
    tcase_add_test(tc, test_record_options_as_documented);
    tcase_add_test(tc, test_import_command);
    suite_add_tcase(s, tc);

    tc = tcase("options");
    tcase_add_test(tc, test_every_option_separate_value);
    tcase_add_test(tc, test_every_option_equals_value);
    tcase_add_test(tc, test_flags);
    tcase_add_test(tc, test_timeout_units);
    tcase_add_test(tc, test_verbose);
    tcase_add_test(tc, test_double_dash);
    suite_add_tcase(s, tc);

    tc = tcase("errors");
    tcase_add_test(tc, test_unknown_options);
    tcase_add_test(tc, test_missing_values);
    tcase_add_test(tc, test_bad_numbers);
    tcase_add_test(tc, test_scenario_errors);
    tcase_add_test(tc, test_shell_needs_one_string);
    tcase_add_test(tc, test_serve_and_check);
    tcase_add_test(tc, test_detect_format);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
