/*
 * fuzz_template.c - the template engine. The input is a template, then
 * optionally the request's query string, body and Cookie header, each after
 * the two bytes "\0\n" (a body starting with '{' or '[' is sent as JSON, one
 * starting with '<' as XML (application/xml: read into xml-js's form by
 * mr_xmldoc_walk, and by {{xpath}}), any other as a form), so the engine's
 * query, form, JSON and XML readers and its cookie lookups see fuzzed bytes
 * too; parts left out keep a fixed request.
 * The template is compiled in both escape modes, with a scenario's service
 * names; every
 * problem reported must lie inside the source, the first one must be the
 * error message, and a template is refused exactly when a problem was
 * reported. Whatever compiles is rendered against a fixed request with a
 * deterministic generator, twice, and the two outputs must be byte-identical
 * (rendering depends only on the request and the generator). Output size
 * must respect the engine's cap. The template's text quoted with
 * mr_template_quote, when it can be, compiles and renders to itself.
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

/* The request a template is rendered against: fixed, or parts of the input. */
struct request {
    const char *query;
    const char *body;
    size_t body_len;
    struct mr_kv headers[3];
    struct mr_kv cookies[16];
    size_t ncookies;
};

/* The next part of the input, up to the separator "\0\n" (or the end). */
static const char *next_part(const char **p, const char *end, size_t *len)
{
    const char *start = *p, *q;

    for (q = start; q + 1 < end && !(q[0] == '\0' && q[1] == '\n'); q++)
        ;
    if (q + 1 >= end)
        q = end;
    *len = (size_t)(q - start);
    *p = q < end ? q + 2 : end;
    return start;
}

/* "a=1; b=2" into name/value pairs pointing into `text` (which it cuts up). */
static size_t split_cookies(char *text, struct mr_kv *out, size_t max)
{
    size_t n = 0;
    char *save = NULL, *item;

    for (item = strtok_r(text, ";", &save); item && n < max; item = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(item, '=');
        while (*item == ' ')
            item++;
        out[n].name = item;
        out[n].name_len = eq ? (size_t)(eq - item) : strlen(item);
        out[n].value = eq ? eq + 1 : "";
        out[n].value_len = strlen(out[n].value);
        n++;
    }
    return n;
}

static void render(const struct mr_template *t, const struct request *rq, struct mr_buf *out)
{
    uint64_t state = 7;
    struct mr_tpl_ctx ctx;

    memset(&ctx, 0, sizeof(ctx));
    ctx.method = "POST";
    ctx.path = "/users/42";
    ctx.query_raw = rq->query;
    ctx.headers = rq->headers;
    ctx.nheaders = 3;
    ctx.params = params;
    ctx.nparams = 1;
    ctx.cookies = rq->cookies;
    ctx.ncookies = rq->ncookies;
    ctx.body = rq->body;
    ctx.body_len = rq->body_len;
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
    const char *p = (const char *)data, *end = p + size, *part;
    struct request rq;
    char *src, *query = NULL, *form = NULL, *cookie_text = NULL;
    size_t len, srclen;
    int mode;

    memset(&rq, 0, sizeof(rq));
    memcpy(rq.headers, headers, sizeof(headers));
    memcpy(rq.cookies, cookies, sizeof(cookies));
    rq.ncookies = 2;
    rq.query = "q=x%3Cy&page=2&q=z";
    rq.body = body;
    rq.body_len = sizeof(body) - 1;

    part = next_part(&p, end, &srclen);
    src = fuzz_copy((const uint8_t *)part, srclen, 0);
    if (p < end) {
        part = next_part(&p, end, &len);
        rq.query = query = fuzz_copy((const uint8_t *)part, len, 1);
    }
    if (p < end) {
        part = next_part(&p, end, &len);
        rq.body = form = fuzz_copy((const uint8_t *)part, len, 0);
        rq.body_len = len;
        if (len > 0 && part[0] == '<') {
            rq.headers[0].value = "application/xml";
            rq.headers[0].value_len = strlen(rq.headers[0].value);
        } else if (len == 0 || (part[0] != '{' && part[0] != '[')) {
            rq.headers[0].value = "application/x-www-form-urlencoded";
            rq.headers[0].value_len = strlen(rq.headers[0].value);
        }
    }
    if (p < end) {
        part = next_part(&p, end, &len);
        cookie_text = fuzz_copy((const uint8_t *)part, len, 1);
        rq.headers[1].value = cookie_text;
        rq.headers[1].value_len = strlen(cookie_text);
        rq.ncookies = split_cookies(cookie_text, rq.cookies, 16);
    }

    for (mode = 0; mode < 2; mode++) {
        struct mr_template *t = NULL;
        struct mr_tpl_compile_opts opts;
        struct problems probs;
        char msg[300];
        struct mr_buf a, b;
        int rc;

        memset(&opts, 0, sizeof(opts));
        memset(&probs, 0, sizeof(probs));
        probs.size = srclen;
        opts.escape = mode ? MR_TPL_NONE : MR_TPL_HTML;
        opts.services = service_names;
        opts.nservices = 2;
        opts.problem = on_problem;
        opts.problem_arg = &probs;
        rc = mr_template_compile_with(&t, src, srclen, &opts, msg, sizeof(msg));
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
        render(t, &rq, &a);
        render(t, &rq, &b);
        FUZZ_CHECK(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));
        FUZZ_CHECK(a.len <= (17u << 20));
        mr_buf_release(&a);
        mr_buf_release(&b);
        mr_template_free(t);
    }
    {
        /* mr_template_quote: the quoted text compiles and renders to the text itself */
        struct mr_buf q, out;
        struct mr_template *t = NULL;
        char msg[300];
        mr_buf_init(&q);
        mr_buf_init(&out);
        if (mr_template_quote(&q, src, srclen) && !q.failed) {
            FUZZ_CHECK(mr_template_compile(&t, q.data ? q.data : "", q.len, MR_TPL_HTML, msg,
                                           sizeof(msg)) == 0);
            render(t, &rq, &out);
            FUZZ_CHECK(out.len == srclen && (srclen == 0 || memcmp(out.data, src, srclen) == 0));
            mr_template_free(t);
        } else {
            FUZZ_CHECK(q.failed || q.len == 0);
        }
        mr_buf_release(&q);
        mr_buf_release(&out);
    }
    free(cookie_text);
    free(form);
    free(query);
    free(src);
    return 0;
}
