#include "server/proxy.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "upstream/gzip.h"

void mr_proxy_call_init(struct mr_proxy_call *pc)
{
    memset(pc, 0, sizeof(*pc));
    pc->body = "";
    mr_upstream_response_init(&pc->up_);
    mr_buf_init(&pc->target_);
    mr_buf_init(&pc->accept_);
    mr_buf_init(&pc->location_);
    mr_buf_init(&pc->decoded_);
}

void mr_proxy_call_release(struct mr_proxy_call *pc)
{
    mr_upstream_response_release(&pc->up_);
    mr_buf_release(&pc->target_);
    mr_buf_release(&pc->accept_);
    mr_buf_release(&pc->location_);
    mr_buf_release(&pc->decoded_);
    free(pc->send_);
    free(pc->answer_);
    memset(pc, 0, sizeof(*pc));
    pc->body = "";
}

size_t mr_proxy_call_size(const struct mr_proxy_call *pc)
{
    return mr_upstream_response_size(&pc->up_) + pc->decoded_.cap + pc->target_.cap;
}

static bool named(const struct mr_kv *h, const char *name)
{
    return h->name_len == strlen(name) && strncasecmp(h->name, name, h->name_len) == 0;
}

static const char *header_value(const struct mr_kv *h, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (named(&h[i], name))
            return h[i].value;
    return NULL;
}

/* Accept-Encoding with only the codings mockrun decodes; false when none is left. */
static bool filter_accept(struct mr_buf *out, const char *v, size_t len)
{
    const char *end = v + len;
    mr_buf_reset(out);
    while (v < end) {
        const char *comma = memchr(v, ',', (size_t)(end - v)), *stop = comma ? comma : end;
        const char *semi = memchr(v, ';', (size_t)(stop - v));
        const char *t = v, *te = semi ? semi : stop;
        while (t < te && (*t == ' ' || *t == '\t'))
            t++;
        if (te > t && mr_gzip_acceptable(t, (size_t)(te - t))) {
            if (out->len)
                mr_buf_puts(out, ", ");
            while (stop > t && (stop[-1] == ' ' || stop[-1] == '\t'))
                stop--;
            mr_buf_append(out, t, (size_t)(stop - t));
        }
        v = comma ? comma + 1 : end;
    }
    return out->len > 0 && !out->failed;
}

static bool grow(struct mr_kv **a, size_t *cap, size_t need)
{
    if (need > *cap) {
        struct mr_kv *n = realloc(*a, need * sizeof(**a));
        if (!n)
            return false;
        *a = n;
        *cap = need;
    }
    return true;
}

/* The request headers to send: all but hop-by-hop ones, Host, Content-Length and Expect. */
static int request_headers(struct mr_proxy_call *pc, const struct mr_request *req, size_t *n)
{
    const char *connection = NULL;
    size_t i;

    if (!grow(&pc->send_, &pc->send_cap_, req->nheaders + 1))
        return MR_ENOMEM;
    for (i = 0; i < req->nheaders; i++)
        if (named(&req->headers[i], "Connection"))
            connection = req->headers[i].value;
    *n = 0;
    for (i = 0; i < req->nheaders; i++) {
        const struct mr_kv *h = &req->headers[i];
        if (mr_upstream_hop_by_hop(h->name, h->name_len, connection) || named(h, "Host") ||
            named(h, "Content-Length") || named(h, "Expect") || named(h, "Proxy-Authorization"))
            continue;
        if (named(h, "Accept-Encoding")) {
            if (!filter_accept(&pc->accept_, h->value, h->value_len))
                continue;
            pc->send_[*n] = *h;
            pc->send_[*n].value = pc->accept_.data;
            pc->send_[(*n)++].value_len = pc->accept_.len;
            continue;
        }
        pc->send_[(*n)++] = *h;
    }
    return 0;
}

/*
 * A Location on the target (same host and port, under its path) made to
 * point at the service instead, into pc->location_; false when it points
 * elsewhere (or is relative: it already resolves against the service).
 */
static bool rewrite_location(struct mr_proxy_call *pc, const struct mr_url *target,
                             const char *value, const char *self_url)
{
    struct mr_url u;
    struct mr_error ignored;
    size_t base = strlen(target->path);

    if (mr_url_parse(&u, value, &ignored) != 0 || strcasecmp(u.host, target->host) != 0 ||
        u.port != target->port || strncmp(u.path, target->path, base) != 0 ||
        (u.path[base] && !strchr("/?#", u.path[base])))
        return false;
    mr_buf_reset(&pc->location_);
    mr_buf_puts(&pc->location_, self_url);
    if (u.path[base] != '/')
        mr_buf_putc(&pc->location_, '/');
    mr_buf_puts(&pc->location_, u.path + base);
    return !pc->location_.failed;
}

/* The answer's headers as forwarded, and its body decoded. */
static int answer_headers(struct mr_proxy_call *pc, const struct mr_url *target,
                          const char *self_url, size_t decode_max)
{
    const struct mr_upstream_response *up = &pc->up_;
    const char *connection = header_value(up->headers, up->nheaders, "Connection"), *coding;
    size_t i;

    if (!grow(&pc->answer_, &pc->answer_cap_, up->nheaders + 1))
        return MR_ENOMEM;
    pc->nanswer_ = 0;
    for (i = 0; i < up->nheaders; i++) {
        const struct mr_kv *h = &up->headers[i];
        if (mr_upstream_hop_by_hop(h->name, h->name_len, connection) || named(h, "Content-Length"))
            continue;
        pc->answer_[pc->nanswer_] = *h;
        if (named(h, "Location") && rewrite_location(pc, target, h->value, self_url)) {
            pc->answer_[pc->nanswer_].value = pc->location_.data;
            pc->answer_[pc->nanswer_].value_len = pc->location_.len;
        }
        pc->nanswer_++;
    }
    pc->status = up->status;
    pc->body = up->body;
    pc->body_len = up->body_len;
    pc->encoding = NULL;
    coding = header_value(up->headers, up->nheaders, "Content-Encoding");
    if (coding && up->body_len > 0) {
        struct mr_error err;
        mr_buf_reset(&pc->decoded_);
        if (mr_gzip_known(coding) &&
            mr_gzip_decode(&pc->decoded_, coding, up->body, up->body_len, decode_max, &err) == 0) {
            pc->body = pc->decoded_.data ? pc->decoded_.data : "";
            pc->body_len = pc->decoded_.len;
        } else if (strcasecmp(coding, "identity") != 0) {
            pc->encoding = coding; /* kept as it came */
        }
    }
    return 0;
}

int mr_proxy_forward(struct mr_proxy_call *pc, const struct mr_url *target,
                     const struct mr_request *req, const char *self_url,
                     const struct mr_upstream_limits *lim, size_t decode_max, struct mr_error *err)
{
    struct mr_upstream_request up;
    size_t n = 0;
    int rc;

    pc->status = 0;
    pc->body = "";
    pc->body_len = 0;
    pc->encoding = NULL;
    pc->nanswer_ = 0;
    mr_buf_reset(&pc->target_);
    mr_buf_puts(&pc->target_, target->path);
    mr_buf_puts(&pc->target_, req->raw_path ? req->raw_path : req->path);
    if (req->query && *req->query) {
        mr_buf_putc(&pc->target_, '?');
        mr_buf_puts(&pc->target_, req->query);
    }
    if (pc->target_.failed || request_headers(pc, req, &n) != 0)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    memset(&up, 0, sizeof(up));
    up.method = req->method;
    up.target = pc->target_.data;
    up.headers = pc->send_;
    up.nheaders = n;
    up.body = req->body;
    up.body_len = req->body_len;
    if ((rc = mr_upstream_call(target, &up, lim, &pc->up_, err)) != 0)
        return rc;
    if (answer_headers(pc, target, self_url, decode_max) != 0)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    return 0;
}

static bool is_cors(const struct mr_kv *h)
{
    return h->name_len > 15 && strncasecmp(h->name, "Access-Control-", 15) == 0;
}

void mr_proxy_put_answer(const struct mr_proxy_call *pc, struct mr_buf *out, bool head, bool cors)
{
    const struct mr_upstream_response *up = &pc->up_;
    bool bodiless = up->status < 200 || up->status == 204 || up->status == 304;
    size_t i;

    for (i = 0; i < pc->nanswer_; i++) {
        const struct mr_kv *h = &pc->answer_[i];
        if (cors && is_cors(h))
            continue;
        mr_buf_append(out, h->name, h->name_len);
        mr_buf_puts(out, ": ");
        mr_buf_append(out, h->value, h->value_len);
        mr_buf_puts(out, "\r\n");
    }
    if (head) {
        /* the length a GET would have had, as the target said it */
        const char *cl = header_value(up->headers, up->nheaders, "Content-Length");
        if (cl)
            mr_buf_printf(out, "Content-Length: %s\r\n", cl);
    } else if (!bodiless) {
        mr_buf_printf(out, "Content-Length: %zu\r\n", up->body_len);
    }
    mr_buf_puts(out, "\r\n");
    if (!head && !bodiless)
        mr_buf_append(out, up->body, up->body_len);
}

void mr_proxy_exchange_of(const struct mr_proxy_call *pc, struct mr_proxy_exchange *x)
{
    x->status = pc->status;
    x->headers = pc->answer_;
    x->nheaders = pc->nanswer_;
    x->body = pc->body;
    x->body_len = pc->body_len;
    x->encoding = pc->encoding;
}
