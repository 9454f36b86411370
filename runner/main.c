/*
 * main.c - mockrun's entry point: block signals before any thread exists,
 * parse the command line, run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "runner/cli.h"
#include "runner/proc.h"
#include "runner/run.h"
#include "formats/mockoon.h"

/* A closed fd 0-2 would be reused by a socket or pipe and receive output. */
static void ensure_std_fds(void)
{
    int fd;
    while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
        ;
    if (fd > 2)
        close(fd);
}

/* --import-mockoon FILE: the scenario on stdout, one warning a line on stderr. */
static int import_mockoon(const char *file)
{
    struct mr_mockoon_result res;
    struct mr_error err;
    struct mr_buf text;
    char msg[1024];
    size_t i;
    int rc;

    mr_buf_init(&text);
    if ((rc = mr_buf_read_file(&text, file, 64u << 20)) != 0) {
        fprintf(stderr, "mockrun: %s: cannot read the environment: %s\n", file,
                rc == EFBIG ? "larger than 64 MiB" : strerror(rc));
        mr_buf_release(&text);
        return MR_EXIT_USAGE;
    }
    rc = mr_mockoon_convert(file, text.data ? text.data : "", text.len, &res, &err);
    mr_buf_release(&text);
    if (rc != 0) {
        mr_error_format(&err, msg, sizeof(msg));
        fprintf(stderr, "mockrun: %s\n", msg);
        return MR_EXIT_USAGE;
    }
    fputs(res.scenario, stdout);
    for (i = 0; i < res.nwarnings; i++)
        fprintf(stderr, "mockrun: %s: %s\n", file, res.warnings[i]);
    mr_mockoon_result_free(&res);
    return fflush(stdout) == 0 ? MR_EXIT_PASS : MR_EXIT_SETUP;
}

int main(int argc, char **argv)
{
    struct mr_cli cli;
    struct mr_error err;

    ensure_std_fds();

    /* CivetWeb's threads inherit this mask, so signals reach only our signalfd. */
    mr_proc_block_signals();

    if (mr_cli_parse(&cli, argc, argv, &err) != 0) {
        fprintf(stderr, "mockrun: %s\n", err.msg);
        return MR_EXIT_USAGE;
    }
    if (cli.action == MR_CLI_HELP) {
        fputs(mr_cli_help(), stdout);
        return MR_EXIT_PASS;
    }
    if (cli.action == MR_CLI_VERSION) {
        printf("mockrun %s\n", MOCKRUN_VERSION);
        return MR_EXIT_PASS;
    }
    if (cli.action == MR_CLI_IMPORT_MOCKOON)
        return import_mockoon(cli.import_mockoon);
    return mr_run(&cli);
}
