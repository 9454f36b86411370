/*
 * main.c - mockrun's entry point: block signals before any thread exists,
 * parse the command line, run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "common/error.h"
#include "runner/cli.h"
#include "runner/proc.h"
#include "runner/run.h"

/* A closed fd 0-2 would be reused by a socket or pipe and receive output. */
static void ensure_std_fds(void)
{
    int fd;
    while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
        ;
    if (fd > 2)
        close(fd);
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
    return mr_run(&cli);
}
