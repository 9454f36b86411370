/*
 * fuzz_record.c - mockrun record's scenario builder (record/), fed calls as
 * a real API could answer them: any path, status, headers and body. The
 * property is the one the round trip rests on: whatever was recorded, the
 * scenario built from it loads (its fixtures written to a folder of this
 * process first), and its fixtures stay under fixtures/.
 *
 * The input is up to 8 calls separated by "\0\0". Each: a byte choosing
 * the method, then lines (LF): the path (a '/' is put in front), the
 * status (clamped to 100-599), headers "Name: value" up to an empty line,
 * and the rest is the body (any bytes). Fixtures are written for bodies
 * over 64 bytes, so that path is taken often.
 *
 * MOCKRUN_FUZZ_VERBOSE=1 prints each scenario and the loader's verdict.
 */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "record/recording.h"
#include "scenarios/scenario.h"

#define MAX_CALLS 8
#define MAX_HEADERS 16

static char dir[64];
static bool verbose;

/* The folder goes at exit, with what the runs wrote in it. */
static void remove_dir(void)
{
    char fixtures[128], file[512];
    struct dirent *e;
    DIR *d;

    snprintf(fixtures, sizeof(fixtures), "%s/" MR_REC_FIXTURES, dir);
    if ((d = opendir(fixtures)) != NULL) {
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..")))
                continue;
            snprintf(file, sizeof(file), "%s/%s", fixtures, e->d_name);
            unlink(file);
        }
        closedir(d);
    }
    rmdir(fixtures);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *v = getenv("MOCKRUN_FUZZ_VERBOSE");
    char fixtures[128];

    (void)argc;
    (void)argv;
    verbose = v && *v && strcmp(v, "0") != 0;
    snprintf(dir, sizeof(dir), "/tmp/mockrun-fuzz-record-%d", (int)getpid());
    snprintf(fixtures, sizeof(fixtures), "%s/" MR_REC_FIXTURES, dir);
    FUZZ_CHECK(mkdir(dir, 0700) == 0 || access(dir, W_OK) == 0);
    FUZZ_CHECK(mkdir(fixtures, 0700) == 0 || access(fixtures, W_OK) == 0);
    atexit(remove_dir);
    return 0;
}

/* The next line of [*p, end): its length; *p moves past its LF. */
static size_t line(const char **p, const char *end, const char **start)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t n = (size_t)((nl ? nl : end) - *p);
    *start = *p;
    *p = nl ? nl + 1 : end;
    return n;
}

static void add_call(struct mr_recording *rec, const char *p, const char *end)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
    struct mr_kv h[MAX_HEADERS];
    struct mr_rec_call c;
    const char *s;
    char *path, *status;
    size_t n, nh = 0;

    if (p >= end)
        return;
    memset(&c, 0, sizeof(c));
    c.method = methods[(unsigned char)*p++ % 6];
    n = line(&p, end, &s);
    path = fuzz_copy("/", 1, 0);
    path = realloc(path, n + 2);
    FUZZ_CHECK(path != NULL);
    memcpy(path + 1, s, n);
    path[n + 1] = '\0';
    n = strlen(path); /* the server never records a NUL in a path */
    c.path = path;
    n = line(&p, end, &s);
    status = fuzz_copy(s, n, 1);
    c.status = atoi(status) < 100 || atoi(status) > 599 ? 200 : atoi(status);
    free(status);
    while (p < end && nh < MAX_HEADERS) {
        const char *colon;
        n = line(&p, end, &s);
        if (n == 0)
            break;
        colon = memchr(s, ':', n);
        if (!colon || memchr(s, '\0', n) || memchr(s, '\r', n))
            continue; /* the client never gives these */
        h[nh].name = s;
        h[nh].name_len = (size_t)(colon - s);
        h[nh].value = colon + 1 + (colon + 1 < s + n && colon[1] == ' ');
        h[nh].value_len = (size_t)(s + n - h[nh].value);
        nh++;
    }
    c.headers = h;
    c.nheaders = nh;
    c.body = p;
    c.body_len = (size_t)(end - p);
    c.query = "";
    c.self_url = "http://127.0.0.1:41234";
    FUZZ_CHECK(mr_recording_add(rec, &c) == 0);
    free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct mr_rec_service services[] = {{"api", "http://api.test"}};
    char *in = fuzz_copy(data, size, 0), scenario[128], file[256];
    const char *p = in, *end = in + size;
    struct mr_recording *rec;
    struct mr_rec_options o;
    struct mr_rec_result res;
    struct mr_error err;
    struct mr_error_list *errs = calloc(1, sizeof(*errs));
    struct mr_scenario *sc = NULL;
    size_t i, calls = 0;
    int rc;

    FUZZ_CHECK(errs != NULL);
    FUZZ_CHECK(mr_recording_new(&rec, &err) == 0);
    while (p < end && calls++ < MAX_CALLS) {
        const char *sep = NULL, *q;
        for (q = p; q + 1 < end; q++)
            if (q[0] == '\0' && q[1] == '\0') {
                sep = q;
                break;
            }
        add_call(rec, p, sep ? sep : end);
        p = sep ? sep + 2 : end;
    }
    memset(&o, 0, sizeof(o));
    o.services = services;
    o.nservices = 1;
    o.name = "fuzz";
    o.inline_max = 64;
    FUZZ_CHECK(mr_recording_build(rec, &o, &res, &err) == 0);
    FUZZ_CHECK(res.scenario && strlen(res.scenario) == res.scenario_len);
    for (i = 0; i < res.nfixtures; i++) {
        FILE *f;
        /* one plain name under fixtures/ */
        FUZZ_CHECK(strncmp(res.fixtures[i].path, MR_REC_FIXTURES "/", 9) == 0);
        FUZZ_CHECK(!strchr(res.fixtures[i].path + 9, '/'));
        FUZZ_CHECK(res.fixtures[i].path[9] != '.');
        snprintf(file, sizeof(file), "%s/%s", dir, res.fixtures[i].path);
        f = fopen(file, "wb");
        FUZZ_CHECK(f != NULL);
        FUZZ_CHECK(fwrite(res.fixtures[i].data, 1, res.fixtures[i].len, f) == res.fixtures[i].len);
        FUZZ_CHECK(fclose(f) == 0);
    }
    snprintf(scenario, sizeof(scenario), "%s/scenario.json", dir);
    rc = mr_scenario_parse_one(&sc, scenario, res.scenario, res.scenario_len, errs);
    if (verbose || rc != 0) {
        char msg[2048];
        fprintf(stderr, "%s\n", res.scenario);
        for (i = 0; i < errs->count; i++) {
            mr_error_format(&errs->items[i], msg, sizeof(msg));
            fprintf(stderr, "refused: %s\n", msg);
        }
    }
    FUZZ_CHECK(rc == 0);
    mr_scenario_free(sc);
    free(errs);
    mr_rec_result_release(&res);
    mr_recording_free(rec);
    free(in);
    return 0;
}
