/*
 * fuzz_template.c - the template engine: the input is a template. It is
 * compiled in both escape modes, with a scenario's service names; every
 * problem reported must lie inside the source, the first one must be the
 * error message, and a template is refused exactly when a problem was
 * reported. Whatever compiles is rendered against a fixed request with a
 * deterministic generator, twice, and the two outputs must be byte-identical
 * (rendering depends only on the request and the generator). Output size
 * must respect the engine's cap.
 */
#include <stdbool.h>

#include "common/buf.h"
#include "common/error.h"
#include "templates/template.h"
#include "tests/fuzz/fuzz.h"

static uint64_t counter_rand(void *ctx)
{
    uint64_t *state = ctx;
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const struct mr_kv headers[] = {{"Content-Type", 12, "application/json", 16},
                                       {"Cookie", 6, "sid=abc; theme=dark", 19},
                                       {"Authorization", 13, "Bearer e30.eyJzdWIiOiIxIn0.x", 28}};
static const struct mr_kv params[] = {{"id", 2, "42", 2}};
static const struct mr_kv cookies[] = {{"sid", 3, "abc", 3}, {"theme", 5, "dark", 4}};
static const char body[] =
    "{\"name\":\"Ann\",\"items\":[{\"sku\":\"a\",\"qty\":2},{\"sku\":\"b\"}],"
    "\"n\":1.5,\"ok\":true,\"nil\":null}";

static const struct mr_kv services[] = {{"web", 3, "http://127.0.0.1:8080", 21},
                                        {"api", 3, "http://127.0.0.1:8081", 21}};
static const char *const service_names[] = {"web", "api"};

struct problems {
    size_t n, size;
    char first[512];
};

static void on_problem(void *arg, size_t off, const char *msg)
{
    struct problems *p = arg;

    FUZZ_CHECK(off <= p->size);
    FUZZ_CHECK(msg[0] != '\0');
    if (p->n++ == 0)
        snprintf(p->first, sizeof(p->first), "%s", msg);
}

static void render(const struct mr_template *t, struct mr_buf *out)
{
    uint64_t state = 7;
    struct mr_tpl_ctx ctx;

    memset(&ctx, 0, sizeof(ctx));
    ctx.method = "POST";
    ctx.path = "/users/42";
    ctx.query_raw = "q=x%3Cy&page=2&q=z";
    ctx.headers = headers;
    ctx.nheaders = sizeof(headers) / sizeof(headers[0]);
    ctx.params = params;
    ctx.nparams = 1;
    ctx.cookies = cookies;
    ctx.ncookies = 2;
    ctx.body = body;
    ctx.body_len = sizeof(body) - 1;
    ctx.base_url = "http://127.0.0.1:8080";
    ctx.now_ms = 1764073857000;
    ctx.rand = counter_rand;
    ctx.rand_ctx = &state;
    ctx.services = services;
    ctx.nservices = 2;
    FUZZ_CHECK(mr_template_render(t, &ctx, out) == 0 || out->failed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = fuzz_copy(data, size, 0);
    int mode;

    for (mode = 0; mode < 2; mode++) {
        struct mr_template *t = NULL;
        struct mr_tpl_compile_opts opts;
        struct problems probs;
        char msg[300];
        struct mr_buf a, b;
        int rc;

        memset(&opts, 0, sizeof(opts));
        memset(&probs, 0, sizeof(probs));
        probs.size = size;
        opts.escape = mode ? MR_TPL_NONE : MR_TPL_HTML;
        opts.services = service_names;
        opts.nservices = 2;
        opts.problem = on_problem;
        opts.problem_arg = &probs;
        rc = mr_template_compile_with(&t, src, size, &opts, msg, sizeof(msg));
        if (rc != 0) {
            FUZZ_CHECK(t == NULL);
            FUZZ_CHECK(memchr(msg, '\0', sizeof(msg)) != NULL);
            FUZZ_CHECK(rc == MR_ENOMEM || probs.n > 0);
            FUZZ_CHECK(probs.n == 0 || strncmp(msg, probs.first, sizeof(msg) - 1) == 0);
            continue;
        }
        FUZZ_CHECK(probs.n == 0);
        mr_buf_init(&a);
        mr_buf_init(&b);
        render(t, &a);
        render(t, &b);
        FUZZ_CHECK(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));
        FUZZ_CHECK(a.len <= (17u << 20));
        mr_buf_release(&a);
        mr_buf_release(&b);
        mr_template_free(t);
    }
    free(src);
    return 0;
}
