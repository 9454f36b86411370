#include "runner/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char mr_cli_usage[] =
    "usage: mockrun [options] SCENARIO [-- COMMAND [ARG...]]\n"
    "       mockrun --serve [options] SCENARIO\n"
    "       mockrun --check SCENARIO\n"
    "       mockrun --import-mockoon ENV.json > scenario.json\n"
    "\n"
    "Starts the HTTP mock services SCENARIO declares, runs COMMAND with their\n"
    "URLs in its environment, checks the calls the mocks received against the\n"
    "scenario's expectations and writes a JUnit XML report.\n"
    "\n"
    "  --serve              run no command: serve until Ctrl-C (or --timeout), logging\n"
    "                       each call, then check and report as usual\n"
    "  --check              only validate SCENARIO: exit 0 when it is valid, else 2\n"
    "  --import-mockoon ENV print a scenario converted from the Mockoon environment ENV;\n"
    "                       what cannot be converted is listed on stderr\n"
    "\n"
    "options:\n"
    "  --junit PATH         write the JUnit report to PATH (default mockrun-junit.xml)\n"
    "  --no-junit           write no JUnit report\n"
    "  --journal PATH       write every recorded call to PATH as JSON\n"
    "  --timeout SECONDS    stop the command after SECONDS (overrides the scenario)\n"
    "  --kill-after SECONDS after a timeout or interrupt, SIGKILL after SECONDS (default 5)\n"
    "  --port PORT          port of a single-service scenario (overrides the scenario)\n"
    "  --host ADDRESS       address to listen on (default 127.0.0.1)\n"
    "  --threads N          connections served at once (default 72)\n"
    "  --body-limit BYTES   request body bytes kept per call (default 1048576)\n"
    "  --journal-limit N    calls kept with full details (default 100000)\n"
    "  --shell              run COMMAND through /bin/sh -c (one string)\n"
    "  --no-tty             no pseudo-terminal for COMMAND: its output goes through pipes\n"
    "                       and it shares mockrun's terminal (Ctrl-C then reaches it alone)\n"
    "  --seed N             seed for random responses and delays (default: the scenario's,\n"
    "                       else drawn and shown with -v and in the report)\n"
    "  -v, --verbose        log each request; -vv adds debug output\n"
    "  -h, --help           show this help\n"
    "  --version            show the version\n"
    "\n"
    "Each service's URL is in MOCKRUN_<NAME>_URL (and its own \"env\" name);\n"
    "MOCKRUN_URL holds the first service's URL.\n"
    "\n"
    "exit status:\n"
    "  0  every check passed\n"
    "  1  a check failed (expectation, unexpected request, command exit or timeout)\n"
    "  2  usage error or invalid scenario (nothing was started)\n"
    "  3  could not set up (port in use, report not writable, command not found)\n";

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

static int parse_int(const char *opt, const char *s, double min, double max, double *out,
                     struct mr_error *err)
{
    int rc = parse_num(opt, s, min, max, out, err);
    if (rc == 0 && *out != (double)(long long)*out)
        return mr_error_set(err, MR_EUSAGE, "%s: expected a whole number, got '%s'", opt, s);
    return rc;
}

int mr_cli_parse(struct mr_cli *cli, int argc, char **argv, struct mr_error *err)
{
    int i;
    double v;
    int rc;

    memset(cli, 0, sizeof(*cli));
    cli->junit = "mockrun-junit.xml";
    cli->timeout_ms = -1;
    cli->kill_after_ms = 5000;
    cli->host = "127.0.0.1";
    cli->threads = 72;
    cli->body_max = 1u << 20;
    cli->journal_limit = 100000;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        char name[64];
        const char *eq;

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
        if (strcmp(a, "--import-mockoon") == 0 || strncmp(a, "--import-mockoon=", 17) == 0) {
            const char *file = a[16] == '=' ? a + 17 : i + 1 < argc ? argv[i + 1] : NULL;
            if (!file || !*file)
                return mr_error_set(err, MR_EUSAGE, "--import-mockoon needs a file");
            if (a[16] != '=')
                i++;
            if (i + 1 < argc)
                return mr_error_set(err, MR_EUSAGE,
                                    "--import-mockoon takes only the environment file, got '%s'",
                                    argv[i + 1]);
            if (argv[1] != a) /* something came before it */
                return mr_error_set(err, MR_EUSAGE,
                                    "--import-mockoon takes only the environment file, got '%s'",
                                    argv[1]);
            cli->action = MR_CLI_IMPORT_MOCKOON;
            cli->import_mockoon = file;
            return 0;
        }
        if (a[0] == '-' && a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
            cli->verbose += (int)strlen(a + 1);
            continue;
        }
        if (strcmp(a, "--verbose") == 0) {
            cli->verbose++;
            continue;
        }
        if (strcmp(a, "--no-junit") == 0) {
            cli->no_junit = true;
            continue;
        }
        if (strcmp(a, "--shell") == 0) {
            cli->shell = true;
            continue;
        }
        if (strcmp(a, "--no-tty") == 0) {
            cli->no_tty = true;
            continue;
        }
        if (strcmp(a, "--serve") == 0) {
            cli->serve = true;
            continue;
        }
        if (strcmp(a, "--check") == 0) {
            cli->check = true;
            continue;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (cli->scenario)
                return mr_error_set(err, MR_EUSAGE,
                                    "unexpected argument '%s'; put the command after \"--\"", a);
            cli->scenario = a;
            continue;
        }
        /* options with a value: --opt VALUE or --opt=VALUE */
        eq = strchr(a, '=');
        if (eq && (size_t)(eq - a) < sizeof(name)) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else {
            snprintf(name, sizeof(name), "%s", a);
        }
#define IS(opt) (strcmp(name, opt) == 0)
        if (!(IS("--junit") || IS("--journal") || IS("--timeout") || IS("--kill-after") ||
              IS("--port") || IS("--host") || IS("--threads") || IS("--body-limit") ||
              IS("--journal-limit") || IS("--seed")))
            return mr_error_set(err, MR_EUSAGE, "unknown option '%s'; see 'mockrun --help'", a);
        if (!val) {
            if (i + 1 >= argc)
                return mr_error_set(err, MR_EUSAGE, "%s needs a value", name);
            val = argv[++i];
        }
        if (IS("--junit")) {
            if (!*val)
                return mr_error_set(err, MR_EUSAGE, "--junit needs a path");
            cli->junit = val;
        } else if (IS("--journal")) {
            if (!*val)
                return mr_error_set(err, MR_EUSAGE, "--journal needs a path");
            cli->journal = val;
        } else if (IS("--host")) {
            if (!*val)
                return mr_error_set(err, MR_EUSAGE, "--host needs an address");
            cli->host = val;
        } else if (IS("--timeout")) {
            if ((rc = parse_num(name, val, 0.001, 604800, &v, err)) != 0)
                return rc;
            cli->timeout_ms = (int64_t)(v * 1000 + 0.5);
        } else if (IS("--kill-after")) {
            if ((rc = parse_num(name, val, 0, 3600, &v, err)) != 0)
                return rc;
            cli->kill_after_ms = (int64_t)(v * 1000 + 0.5);
        } else if (IS("--port")) {
            if ((rc = parse_int(name, val, 1, 65535, &v, err)) != 0)
                return rc;
            cli->port = (int)v;
        } else if (IS("--threads")) {
            if ((rc = parse_int(name, val, 1, 4096, &v, err)) != 0)
                return rc;
            cli->threads = (int)v;
        } else if (IS("--body-limit")) {
            if ((rc = parse_int(name, val, 0, 1073741824.0, &v, err)) != 0)
                return rc;
            cli->body_max = (size_t)v;
        } else if (IS("--seed")) {
            if ((rc = parse_int(name, val, 0, 9007199254740991.0, &v, err)) != 0)
                return rc;
            cli->has_seed = true;
            cli->seed = (uint64_t)v;
        } else if (IS("--journal-limit")) {
            if ((rc = parse_int(name, val, 0, 100000000.0, &v, err)) != 0)
                return rc;
            cli->journal_limit = (size_t)v;
        }
#undef IS
    }
    if (!cli->scenario)
        return mr_error_set(err, MR_EUSAGE, "missing the scenario file; see 'mockrun --help'");
    if (cli->serve && cli->check)
        return mr_error_set(err, MR_EUSAGE, "--serve and --check cannot be combined");
    if ((cli->serve || cli->check) && cli->command)
        return mr_error_set(err, MR_EUSAGE, "%s runs no command; drop the part after \"--\"",
                            cli->serve ? "--serve" : "--check");
    if (cli->shell && cli->ncommand != 1)
        return mr_error_set(err, MR_EUSAGE, "--shell takes the command as one string after \"--\"");
    return 0;
}
