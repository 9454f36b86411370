/*
 * service.c - the mock services on CivetWeb.
 *
 * One context listens on every service's port; the handler tells services
 * apart by the local port. Everything a request needs is reused per worker
 * thread (struct worker), so the request path allocates only when a request
 * is bigger than any before it on that thread.
 */
#define _GNU_SOURCE /* usleep-free nanosleep is POSIX; _GNU_SOURCE for TCP headers */
#include "server/service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <civetweb.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/text.h"
#include "common/url.h"
#include "server/attrib.h"
#include "server/callback.h"
#include "server/match.h"
#include "server/proxy.h"
#include "server/select.h"
#include "templates/template.h"

#define MAX_HEADERS 64 /* CivetWeb's MG_MAX_HEADERS */
#define FILE_CHUNK (64u * 1024u)

struct mr_server {
    const struct mr_scenario *sc;
    struct mr_server_opts opts;
    struct mg_context *ctx;
    struct mr_router *router;
    struct mr_journal *journal;
    struct mr_dispatch *dispatch; /* sends callbacks; NULL when the scenario has none */
    int *ports;
    char **urls;
    atomic_bool closed;
    atomic_int inflight;
    atomic_int conns;      /* connections workers hold (CivetWeb's init_connection .. closed) */
    int crowded_at;        /* from this many on, answers say "Connection: close" */
    int keep_alive_hint_s; /* the Keep-Alive: timeout=N clients are told */
    _Atomic uint64_t *route_calls; /* calls served per route, for modes and callNumber */
    _Atomic uint64_t rng_counter;  /* the seeded generator is a counter-based hash */
    bool stateful;                 /* the scenario uses states: selection takes state_lock */
    bool *reads_body;              /* per service: matching or templates read the whole body */
    struct mr_kv *service_urls;    /* per service: name → URL, for {{serviceUrl}} */
    pthread_mutex_t state_lock;
    const char **states;     /* per service */
    struct mr_url **proxies; /* per service: its "proxy" target, or NULL */
    struct mr_upstream_limits upstream;
};

struct worker {
    struct mr_buf path; /* the decoded request path */
    struct mr_buf body;
    struct mr_buf out;
    struct mr_buf body_out; /* a rendered template body */
    struct mr_buf hdr_out;  /* rendered header values, each NUL-terminated, in order */
    struct mr_buf file_buf; /* a window of a large response file */
    struct mr_buf tmp;
    struct mr_buf scratch;
    struct mr_kv *params;
    size_t params_cap;
    struct mr_kv headers[MAX_HEADERS];
    struct mr_buf param_text;     /* decoded path parameters */
    struct mr_kv path_params[32]; /* of the chosen route */
    size_t nparams;
    struct mr_kv cookies[64];
    size_t ncookies;
    size_t *hits;
    size_t service; /* of the request being handled */
    /* the response being sent: rendered before it is recorded and sent */
    int status;
    const char *resp_body;
    size_t resp_len;
    char near[MR_MISS_TEXT_MAX]; /* an unmatched call's explanation (mr_router_explain) */
    /* how the call is answered, decided while it is recorded, sent after */
    enum { ANSWER_ROUTE, ANSWER_TEXT, ANSWER_PREFLIGHT, ANSWER_JSON, ANSWER_PROXY } answer;
    const struct mr_response *resp; /* ANSWER_ROUTE */
    int64_t delay_ms;
    bool alive;
    char text[MR_MISS_TEXT_MAX + 128]; /* ANSWER_TEXT */
    char test[MR_ATTRIB_NAME_MAX + 1]; /* the call's X-Mockrun-Test (server/attrib.h) */
    /* a `file` response with a templated path: the file opened for this
     * answer (-1: none; closed once sent) and its type */
    struct mr_buf file_path;
    int file_fd;
    const char *file_type;
    struct mr_proxy_call *proxy; /* ANSWER_PROXY: the forwarded call (made when first needed) */
};

static _Thread_local struct worker *tls_worker;

static struct worker *worker_get(size_t nexpects)
{
    struct worker *w = tls_worker;
    if (!w) {
        w = calloc(1, sizeof(*w));
        if (!w)
            return NULL;
        w->hits = calloc(nexpects ? nexpects : 1, sizeof(size_t));
        if (!w->hits) {
            free(w);
            return NULL;
        }
        w->file_fd = -1;
        tls_worker = w;
    }
    return w;
}

static void worker_free(void)
{
    struct worker *w = tls_worker;
    if (!w)
        return;
    mr_buf_release(&w->path);
    mr_buf_release(&w->body);
    mr_buf_release(&w->out);
    mr_buf_release(&w->body_out);
    mr_buf_release(&w->hdr_out);
    mr_buf_release(&w->file_buf);
    mr_buf_release(&w->param_text);
    mr_buf_release(&w->tmp);
    mr_buf_release(&w->scratch);
    mr_buf_release(&w->file_path);
    if (w->file_fd >= 0)
        close(w->file_fd);
    if (w->proxy)
        mr_proxy_call_release(w->proxy);
    free(w->proxy);
    free(w->params);
    free(w->hits);
    free(w);
    tls_worker = NULL;
}

static void on_thread_exit(const struct mg_context *ctx, int thread_type, void *thread_pointer)
{
    (void)ctx;
    (void)thread_type;
    (void)thread_pointer;
    worker_free();
    mr_match_thread_exit();
}

/*
 * CivetWeb answers requests it cannot parse itself, building the status line
 * from the client's own "HTTP version" text (a response-splitting hole in
 * 1.15). Answer those with a fixed status line instead.
 */
static int on_http_error(struct mg_connection *conn, int status, const char *msg)
{
    char out[512], why[200];
    int n;
    if (status < 100 || status > 599)
        status = 400;
    /* CivetWeb's reason quotes request bytes: one printable line */
    mr_printable(why, sizeof(why), msg ? msg : "", msg ? strlen(msg) : 0);
    n = snprintf(out, sizeof(out),
                 "HTTP/1.1 %d %s\r\nConnection: close\r\nContent-Type: text/plain; "
                 "charset=utf-8\r\nContent-Length: %zu\r\n\r\nmockrun: malformed request: %s\n",
                 status, mg_get_response_code_text(NULL, status),
                 strlen("mockrun: malformed request: \n") + strlen(why), why);
    if (n > 0 && (size_t)n < sizeof(out))
        mg_write(conn, out, (size_t)n);
    return 0;
}

static int on_conn_open(const struct mg_connection *conn, void **data)
{
    struct mr_server *s = mg_get_user_data(mg_get_context(conn));
    (void)data;
    atomic_fetch_add(&s->conns, 1);
    return 0;
}

static void on_conn_closed(const struct mg_connection *conn)
{
    struct mr_server *s = mg_get_user_data(mg_get_context(conn));
    atomic_fetch_sub(&s->conns, 1);
}

/* The port of an IPv4 or IPv6 address, or -1. */
static int port_of(const struct sockaddr_storage *sa)
{
    if (sa->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)sa)->sin_port);
    if (sa->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    return -1;
}

/* True when `port` is one of the services' ports. */
static bool our_port(const struct mr_server *s, int port)
{
    size_t i;
    for (i = 0; i < s->sc->nservices; i++)
        if (s->ports[i] == port)
            return true;
    return false;
}

/*
 * Silent connections (opened and never written to: browsers' pre-opened
 * sockets, TCP health checks) stay in the kernel until their first bytes
 * arrive, so they cost no worker thread. CivetWeb does not expose its
 * listening sockets: they are found among our descriptors by their ports.
 */
static void defer_accept(const struct mr_server *s)
{
    int fd, secs = 30, unused = 0;

    /* descriptors are handed out lowest first, so CivetWeb's sockets sit among the first
     * ones in use: stop after a run of free numbers */
    for (fd = 3; fd < 65536 && unused < 64; fd++) {
        struct sockaddr_storage sa;
        socklen_t sl = sizeof(sa), al;
        int accepting = 0;

        al = sizeof(accepting);
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &al) != 0) {
            unused = errno == EBADF ? unused + 1 : 0;
            continue;
        }
        unused = 0;
        if (!accepting || getsockname(fd, (struct sockaddr *)&sa, &sl) != 0)
            continue;
        if (our_port(s, port_of(&sa)))
            (void)setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs, sizeof(secs));
    }
}

static int on_log(const struct mg_connection *conn, const char *message)
{
    (void)conn;
    mr_log(MR_LOG_DEBUG, "civetweb: %s", message);
    return 1; /* never let CivetWeb print on its own */
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Decodes the path ('+' stays '+'); false when it decodes to a NUL. */
static bool decode_path(struct mr_buf *out, const char *p)
{
    size_t len = strlen(p);
    if (!mr_buf_reserve(out, len))
        return true; /* out of memory: matched as "" */
    out->len = mr_percent_decode(out->data, p, len, 0);
    out->data[out->len] = '\0';
    return memchr(out->data, '\0', out->len) == NULL;
}

/* splitmix64 over a shared counter: deterministic for a seed and a call order. */
static uint64_t rng_next(struct mr_server *s)
{
    uint64_t z = s->opts.seed + (atomic_fetch_add(&s->rng_counter, 1) + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static bool keep_alive(const struct mg_request_info *ri)
{
    const char *c = NULL;
    int i;
    for (i = 0; i < ri->num_headers; i++)
        if (strcasecmp(ri->http_headers[i].name, "Connection") == 0)
            c = ri->http_headers[i].value;
    if (c)
        return strcasestr(c, "keep-alive") != NULL;
    return ri->http_version && strcmp(ri->http_version, "1.1") == 0;
}

/*
 * After an answer that says "Connection: close" to a client that asked to
 * keep the connection, CivetWeb would still wait on it for the next request
 * (up to keep_alive_ms): it decides from the request alone, by its Connection
 * header or else its HTTP version. Make the request say close, so CivetWeb
 * closes the connection after the answer instead of holding a worker for a
 * client that may not close promptly. The request's text is the worker's own
 * buffer, written in place (its length never grows).
 */
static void close_after_answer(const struct mg_request_info *ri)
{
    int i;
    for (i = 0; i < ri->num_headers; i++) {
        if (strcasecmp(ri->http_headers[i].name, "Connection") == 0) {
            if (strlen(ri->http_headers[i].value) >= 5)
                memcpy((char *)ri->http_headers[i].value, "close", 6);
            return;
        }
    }
    if (ri->http_version && strcmp(ri->http_version, "1.1") == 0)
        memcpy((char *)ri->http_version, "1.0", 4); /* a 1.0 request closes by default */
}

static int write_all(struct mg_connection *conn, const char *data, size_t len)
{
    while (len > 0) {
        int n = mg_write(conn, data, len);
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * Reads the body into b, keeping at most `keep` bytes. With `strict` (the
 * whole body is needed: matching or templates read it), reading stops at the
 * first byte past `keep` and the rest stays unread; otherwise the rest is
 * read and dropped. *over is set in both cases. Returns the bytes read.
 * *complete is false when the body ended early (a Content-Length that lied,
 * a broken chunked encoding, a client that went away).
 */
static uint64_t read_body(struct mg_connection *conn, struct mr_buf *b, size_t keep, bool strict,
                          bool *over, bool *complete)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    char sink[8192];
    uint64_t total = 0;
    int n = 0;

    *over = false;
    for (;;) {
        size_t room = b->len < keep ? keep - b->len : 0;
        if (room > 0) {
            if (!mr_buf_reserve(b, room < 65536 ? room : 65536))
                room = 0;
        }
        if (room > 0) {
            size_t want = b->cap - b->len - 1;
            if (want > room)
                want = room;
            n = mg_read(conn, b->data + b->len, want);
            if (n <= 0)
                break;
            b->len += (size_t)n;
            b->data[b->len] = '\0';
        } else {
            n = mg_read(conn, sink, strict ? 1 : sizeof(sink));
            if (n <= 0)
                break;
            *over = true;
            if (strict) {
                total += (uint64_t)n;
                *complete = true;
                return total;
            }
        }
        total += (uint64_t)n;
    }
    *complete = n == 0 && (ri->content_length < 0 || total == (uint64_t)ri->content_length);
    return total;
}

/*
 * CivetWeb gives handlers no access to the socket, so a fault finds it by
 * its addresses: the one descriptor whose local port and peer match this
 * connection. Only fault responses pay for the scan.
 */
static int conn_fd(const struct mg_request_info *ri)
{
    int fd;
    for (fd = 3; fd < 65536; fd++) {
        struct sockaddr_storage local, peer;
        socklen_t ll = sizeof(local), pl = sizeof(peer);
        char addr[INET6_ADDRSTRLEN];
        int lport, pport;
        const void *pa;

        if (getsockname(fd, (struct sockaddr *)&local, &ll) != 0) {
            if (errno == EBADF && fcntl(fd, F_GETFD) < 0 && fd > 1024)
                break;
            continue;
        }
        if (getpeername(fd, (struct sockaddr *)&peer, &pl) != 0)
            continue;
        if (local.ss_family == AF_INET) {
            lport = ntohs(((struct sockaddr_in *)&local)->sin_port);
            pport = ntohs(((struct sockaddr_in *)&peer)->sin_port);
            pa = &((struct sockaddr_in *)&peer)->sin_addr;
        } else if (local.ss_family == AF_INET6) {
            lport = ntohs(((struct sockaddr_in6 *)&local)->sin6_port);
            pport = ntohs(((struct sockaddr_in6 *)&peer)->sin6_port);
            pa = &((struct sockaddr_in6 *)&peer)->sin6_addr;
        } else {
            continue;
        }
        if (lport != ri->server_port || pport != ri->remote_port)
            continue;
        if (!inet_ntop(peer.ss_family, pa, addr, sizeof(addr)) || strcmp(addr, ri->remote_addr))
            continue;
        return fd;
    }
    return -1;
}

static void begin_response(struct mr_buf *o, struct mg_connection *conn, int status, bool alive)
{
    const struct mr_server *srv = mg_get_request_info(conn)->user_data;

    mr_buf_printf(o, "HTTP/1.1 %d %s\r\n", status, mg_get_response_code_text(conn, status));
    if (alive) /* the hint is a second short of the real timeout: clients close first */
        mr_buf_printf(o, "Connection: keep-alive\r\nKeep-Alive: timeout=%d\r\n",
                      srv->keep_alive_hint_s);
    else
        mr_buf_puts(o, "Connection: close\r\n");
}

/* True when response r (NULL: mockrun's own text) sets header `name` itself. */
static bool sets_header(const struct mr_response *r, const char *name)
{
    size_t i;
    for (i = 0; r && i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return true;
    return false;
}

/* CORS headers for a service with "cors": true: the origin is echoed. A header
 * the response sets itself (its own or the service's `defaults`) wins: sent
 * twice, Access-Control-Allow-Origin makes browsers refuse the response. */
static void cors_headers(struct mr_buf *o, const struct mg_request_info *ri,
                         const struct mr_response *r)
{
    const char *origin = NULL;
    int i;
    for (i = 0; i < ri->num_headers; i++)
        if (strcasecmp(ri->http_headers[i].name, "Origin") == 0)
            origin = ri->http_headers[i].value;
    if (!sets_header(r, "Access-Control-Allow-Origin")) {
        if (origin && !strpbrk(origin, "\r\n")) {
            mr_buf_printf(o, "Access-Control-Allow-Origin: %s\r\nVary: Origin\r\n", origin);
            if (!sets_header(r, "Access-Control-Allow-Credentials"))
                mr_buf_puts(o, "Access-Control-Allow-Credentials: true\r\n");
        } else {
            mr_buf_puts(o, "Access-Control-Allow-Origin: *\r\n");
        }
    }
    if (!sets_header(r, "Access-Control-Expose-Headers"))
        mr_buf_puts(o, "Access-Control-Expose-Headers: *\r\n");
}

static int send_typed(struct worker *w, struct mg_connection *conn, int status, bool alive,
                      bool head, const char *type, const char *body, size_t len)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const struct mr_server *s = ri->user_data;
    struct mr_buf *o = &w->out;
    mr_buf_reset(o);
    begin_response(o, conn, status, alive);
    if (s->sc->services[w->service].cors)
        cors_headers(o, ri, NULL);
    mr_buf_printf(o, "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n", type, len);
    if (!head)
        mr_buf_append(o, body, len);
    if (o->failed)
        return -1;
    return write_all(conn, o->data, o->len);
}

static int send_text(struct worker *w, struct mg_connection *conn, int status, bool alive,
                     bool head, const char *text)
{
    return send_typed(w, conn, status, alive, head, "text/plain; charset=utf-8", text,
                      strlen(text));
}

/* Reads len bytes at off from the response file into dst; returns bytes read. */
static size_t read_file_at(int fd, char *dst, size_t len, off_t off)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, dst + got, len - got, off + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

/* Renders a templated body (body, file template or json parts) into w->body_out. */
static void render_body(struct worker *w, const struct mr_response *r, const struct mr_tpl_ctx *ctx)
{
    size_t i;
    mr_buf_reset(&w->body_out);
    if (r->body_tpl) {
        mr_template_render(r->body_tpl, ctx, &w->body_out);
        return;
    }
    for (i = 0; i < r->njson_parts; i++) {
        const struct mr_json_part *p = &r->json_parts[i];
        if (p->text) {
            mr_buf_append(&w->body_out, p->text, p->len);
        } else if (p->tpl) {
            mr_buf_reset(&w->tmp);
            mr_template_render(p->tpl, ctx, &w->tmp);
            mr_buf_put_json_string(&w->body_out, w->tmp.data ? w->tmp.data : "", w->tmp.len);
        }
    }
}

/* Renders the templated header values into w->hdr_out, in order, each one
 * NUL-terminated. Rendered from request data, they never carry CR or LF (no
 * response splitting) or NUL. */
static void render_headers(struct worker *w, const struct mr_response *r,
                           const struct mr_tpl_ctx *ctx)
{
    size_t i, k, from;
    mr_buf_reset(&w->hdr_out);
    for (i = 0; i < r->nheaders; i++) {
        if (!r->header_tpls[i])
            continue;
        from = w->hdr_out.len;
        mr_template_render(r->header_tpls[i], ctx, &w->hdr_out);
        for (k = from; k < w->hdr_out.len; k++)
            if (w->hdr_out.data[k] == '\r' || w->hdr_out.data[k] == '\n' ||
                w->hdr_out.data[k] == '\0')
                w->hdr_out.data[k] = ' ';
        mr_buf_putc(&w->hdr_out, '\0');
    }
}

/*
 * Decides what the response is before it is recorded: the status (which a
 * template's {{status}} may change) and the rendered body and headers. A
 * file response is left to send_route, which streams it.
 */
static void prepare_response(struct worker *w, const struct mr_response *r,
                             const struct mr_tpl_ctx *ctx)
{
    w->status = r->status;
    w->resp_body = r->body;
    w->resp_len = r->body_len;
    if (!r->templated)
        return;
    if (r->body_tpl || r->njson_parts) {
        render_body(w, r, ctx);
        w->resp_body = w->body_out.data ? w->body_out.data : "";
        w->resp_len = w->body_out.len;
    }
    if (r->header_tpls)
        render_headers(w, r, ctx);
}

/* Writes bytes [off, off + n) of the body, from memory or streamed from the
 * response file through the worker's bounded buffer. */
static int send_body(struct worker *w, struct mg_connection *conn, const struct mr_response *r,
                     bool from_file, size_t off, size_t n)
{
    if (!from_file)
        return n ? write_all(conn, w->resp_body + off, n) : 0;
    mr_buf_reset(&w->file_buf);
    if (n && !mr_buf_reserve(&w->file_buf, FILE_CHUNK))
        return -1;
    while (n > 0) {
        size_t got = read_file_at(r->file_tpl ? w->file_fd : r->file_fd, w->file_buf.data,
                                  n < FILE_CHUNK ? n : FILE_CHUNK, (off_t)off);
        if (got == 0 || write_all(conn, w->file_buf.data, got) != 0)
            return -1;
        off += got;
        n -= got;
    }
    return 0;
}

/* The status line and every header of the response into w->out. */
static void build_head(struct worker *w, struct mg_connection *conn, const struct mr_response *r,
                       bool alive, size_t content_length)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const struct mr_server *s = ri->user_data;
    const char *hdr = w->hdr_out.data;
    struct mr_buf *o = &w->out;
    size_t i;

    mr_buf_reset(o);
    begin_response(o, conn, w->status, alive);
    if (s->sc->services[w->service].cors)
        cors_headers(o, ri, r);
    if (r->file_tpl && !r->has_content_type && w->file_type)
        mr_buf_printf(o, "Content-Type: %s\r\n", w->file_type); /* the rendered name's */
    else if (r->content_type && !r->has_content_type && r->kind != MR_RESP_EMPTY)
        mr_buf_printf(o, "Content-Type: %s\r\n", r->content_type);
    for (i = 0; i < r->nheaders; i++) {
        const char *value = r->headers[i].value;
        if (r->templated && r->header_tpls && r->header_tpls[i] && hdr) {
            value = hdr; /* rendered by render_headers, in order */
            hdr += strlen(hdr) + 1;
        }
        mr_buf_printf(o, "%s: %s\r\n", r->headers[i].name, value);
    }
    mr_buf_printf(o, "Content-Length: %zu\r\n\r\n", content_length);
}

/* reset, empty, garbage, truncated: break the connection the way the fault says. */
static int send_fault(struct worker *w, struct mg_connection *conn, const struct mr_response *r,
                      bool head, bool from_file, size_t len)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct mr_server *s = ri->user_data;
    struct mr_buf *o = &w->out;
    int fd = conn_fd(ri);
    size_t i;

    switch (r->fault) {
    case MR_FAULT_RESET:
        if (fd >= 0) {
            struct linger lg = {1, 0};
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        }
        break;
    case MR_FAULT_GARBAGE:
        mr_buf_reset(o);
        for (i = 0; i < 64; i++) {
            uint64_t x = rng_next(s);
            mr_buf_append(o, &x, sizeof(x));
        }
        write_all(conn, o->data, o->len);
        break;
    case MR_FAULT_TRUNCATED:
        /* the whole head, promising the real length (at least 1), and half the body;
         * a HEAD response has no body to cut, so its head is cut in half instead */
        build_head(w, conn, r, false, len ? len : 1);
        if (head) {
            write_all(conn, o->data, o->len / 2);
        } else if (write_all(conn, o->data, o->len) == 0) {
            send_body(w, conn, r, from_file, 0, len / 2);
        }
        break;
    default:
        break;
    }
    if (fd < 0)
        return -1;
    if (r->fault == MR_FAULT_RESET) {
        /* CivetWeb would shut the socket down gracefully (FIN). Put an unconnected
         * socket in its place instead: the last reference to the real one goes,
         * and with a zero linger the kernel answers with a RST. CivetWeb then
         * fails on the placeholder and closes it. */
        int placeholder = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (placeholder >= 0) {
            dup3(placeholder, fd, O_CLOEXEC);
            close(placeholder);
            return 0;
        }
    }
    /* end the connection now: CivetWeb reads EOF and closes its socket */
    shutdown(fd, SHUT_RDWR);
    return 0;
}

/* The head at once, then `len` body bytes in pieces, one every overMs / pieces:
 * the last byte arrives overMs after the head whatever the body's size. */
static int dribble(struct worker *w, struct mg_connection *conn, const struct mr_response *r,
                   bool from_file, size_t len)
{
    size_t chunks = (size_t)r->dribble_chunks, pieces, i, off = 0;
    int64_t pause;

    pieces = len == 0 ? 1 : len < chunks ? len : chunks;
    pause = r->dribble_ms / (int64_t)pieces;
    if (write_all(conn, w->out.data, w->out.len) != 0)
        return -1;
    for (i = 0; i < pieces; i++) {
        size_t n = len / pieces + (i < len % pieces ? 1 : 0);
        if (pause > 0)
            sleep_ms(pause);
        if (send_body(w, conn, r, from_file, off, n) != 0)
            return -1;
        off += n;
    }
    return 0;
}

static int send_route(struct worker *w, struct mg_connection *conn, const struct mr_response *r,
                      bool alive, bool head)
{
    struct mr_buf *o = &w->out;
    size_t len = w->resp_len;
    bool from_file = false;
    struct stat st;
    /* opened at load time (a symlink swapped in later cannot redirect it), or
     * for this request from its templated path */
    int fd = r->file_tpl ? w->file_fd : r->file_fd;

    if (r->kind == MR_RESP_FILE && !r->body_tpl) {
        if (fstat(fd, &st) != 0) {
            mr_log(MR_LOG_WARN, "cannot read response file '%s': %s", r->file, strerror(errno));
            return send_text(w, conn, 500, alive, head, "mockrun: cannot read the response file\n");
        }
        len = (size_t)st.st_size;
        from_file = true;
    }
    if (r->fault != MR_FAULT_NONE && r->fault != MR_FAULT_DRIBBLE)
        return send_fault(w, conn, r, head, from_file, len);
    build_head(w, conn, r, alive, len);
    if (o->failed)
        return -1;
    if (r->fault == MR_FAULT_DRIBBLE)
        return dribble(w, conn, r, from_file, head ? 0 : len);
    if (!head && !from_file && len)
        mr_buf_append(o, w->resp_body, len);
    if (!head && from_file && len <= FILE_CHUNK && mr_buf_reserve(o, len)) {
        /* a small file goes out with the headers, in one write */
        o->len += read_file_at(fd, o->data + o->len, len, 0);
        o->data[o->len] = '\0';
        from_file = false;
    }
    if (o->failed || write_all(conn, o->data, o->len) != 0)
        return -1;
    /* large files are streamed after the head */
    return !head && from_file ? send_body(w, conn, r, true, 0, len) : 0;
}

static void send_preflight(struct worker *w, struct mg_connection *conn, bool alive)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *methods = NULL, *headers = NULL;
    struct mr_buf *o = &w->out;
    int i;

    for (i = 0; i < ri->num_headers; i++) {
        if (strcasecmp(ri->http_headers[i].name, "Access-Control-Request-Method") == 0)
            methods = ri->http_headers[i].value;
        else if (strcasecmp(ri->http_headers[i].name, "Access-Control-Request-Headers") == 0)
            headers = ri->http_headers[i].value;
    }
    mr_buf_reset(o);
    begin_response(o, conn, 204, alive);
    cors_headers(o, ri, NULL);
    mr_buf_printf(o, "Access-Control-Allow-Methods: %s\r\n",
                  methods && !strpbrk(methods, "\r\n")
                      ? methods
                      : "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS");
    if (headers && !strpbrk(headers, "\r\n"))
        mr_buf_printf(o, "Access-Control-Allow-Headers: %s\r\n", headers);
    mr_buf_puts(o, "Access-Control-Max-Age: 86400\r\nContent-Length: 0\r\n\r\n");
    if (!o->failed)
        write_all(conn, o->data, o->len);
}

/* A proxied call's answer: the target's, with our own status line and
 * Connection (and CORS headers for a "cors" service). */
static void send_proxied(struct worker *w, struct mg_connection *conn, bool alive, bool head)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const struct mr_server *s = ri->user_data;
    bool cors = s->sc->services[w->service].cors;
    struct mr_buf *o = &w->out;

    mr_buf_reset(o);
    begin_response(o, conn, w->status, alive);
    if (cors)
        cors_headers(o, ri, NULL);
    mr_proxy_put_answer(w->proxy, o, head, cors);
    if (!o->failed)
        write_all(conn, o->data, o->len);
}

static uint64_t server_rand(void *server)
{
    return rng_next(server);
}

/* Makes room for the decoded path parameters of any route of this request. */
static bool param_room(struct worker *w, const struct mr_request *req)
{
    mr_buf_reset(&w->param_text);
    return mr_buf_reserve(&w->param_text, strlen(req->raw_path));
}

static size_t service_of(const struct mr_server *s, int port)
{
    size_t i;
    for (i = 0; i < s->sc->nservices; i++)
        if (s->ports[i] == port)
            return i;
    return 0;
}

/* The request as the matcher sees it, over CivetWeb's buffers and the worker's. */
static void build_request(struct worker *w, const struct mg_request_info *ri,
                          struct mr_request *req)
{
    size_t i, nquery;

    memset(req, 0, sizeof(*req));
    req->method = ri->request_method;
    req->path = mr_buf_cstr(&w->path);
    req->raw_path = ri->local_uri ? ri->local_uri : "/";
    req->query = ri->query_string ? ri->query_string : "";
    for (i = 0; i < (size_t)ri->num_headers && i < MAX_HEADERS; i++) {
        w->headers[i].name = ri->http_headers[i].name;
        w->headers[i].name_len = strlen(ri->http_headers[i].name);
        w->headers[i].value = ri->http_headers[i].value;
        w->headers[i].value_len = strlen(ri->http_headers[i].value);
    }
    req->headers = w->headers;
    req->nheaders = i;
    req->body = w->body.data ? w->body.data : "";
    req->body_len = w->body.len;

    nquery = mr_request_count_params(req->query);
    if (nquery) {
        if (nquery > w->params_cap) {
            struct mr_kv *p = realloc(w->params, nquery * sizeof(*p));
            if (p) {
                w->params = p;
                w->params_cap = nquery;
            }
        }
        mr_buf_reset(&w->scratch);
        if (mr_buf_reserve(&w->scratch, strlen(req->query) + nquery * 2 + 1) && w->params)
            req->nparams = mr_request_parse_query(req->query, w->scratch.data, w->params,
                                                  nquery < w->params_cap ? nquery : w->params_cap);
        req->params = w->params;
    }
}

/*
 * The first route of the service that matches, is in the right state and
 * has a response for this call; -1 when none. Counts the call on the route
 * and moves the service's state. Leaves the route's path parameters and the
 * request's cookies in the worker.
 */
static long choose_route(struct mr_server *s, struct worker *w, struct mr_request *req,
                         const struct mr_response **resp)
{
    const struct mr_kv *cookie = mr_request_header(req, "Cookie");
    bool room = param_room(w, req);
    long ri_route = -1;

    w->ncookies =
        cookie ? mr_request_parse_cookies(cookie->value, cookie->value_len, w->cookies, 64) : 0;
    w->nparams = 0;
    if (s->stateful)
        pthread_mutex_lock(&s->state_lock);
    while ((ri_route = mr_router_next(s->router, w->service, req, ri_route)) >= 0) {
        const struct mr_route *route = &s->sc->routes[ri_route];
        struct mr_select in = {0};
        in.call = atomic_load(&s->route_calls[ri_route]) + 1;
        in.state = s->states[w->service];
        in.params = w->path_params;
        in.nparams =
            room && route->uses_params
                ? mr_match_path_params(&route->match, req, w->path_params, 32, w->param_text.data)
                : 0;
        in.cookies = w->cookies;
        in.ncookies = w->ncookies;
        in.rand = server_rand;
        in.rand_ctx = s;
        if ((*resp = mr_select_response(route, req, &in)) != NULL) {
            const char *next = (*resp)->set_state ? (*resp)->set_state : route->set_state;
            w->nparams = in.nparams;
            atomic_fetch_add(&s->route_calls[ri_route], 1);
            if (next)
                s->states[w->service] = next;
            break;
        }
    }
    if (s->stateful)
        pthread_mutex_unlock(&s->state_lock);
    return ri_route;
}

/* What a template sees of this call. */
static void template_context(struct mr_tpl_ctx *ctx, struct mr_server *s, struct worker *w,
                             const struct mr_request *req, const struct mg_request_info *ri,
                             int64_t wall_us)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->method = req->method;
    ctx->path = req->path;
    ctx->query_raw = req->query;
    ctx->headers = req->headers;
    ctx->nheaders = req->nheaders;
    ctx->params = w->path_params;
    ctx->nparams = w->nparams;
    ctx->cookies = w->cookies;
    ctx->ncookies = w->ncookies;
    ctx->body = req->body;
    ctx->body_len = req->body_len;
    ctx->base_url = s->urls[w->service];
    ctx->client_ip = ri->remote_addr;
    ctx->now_ms = wall_us / 1000;
    ctx->rand = server_rand;
    ctx->rand_ctx = s;
    ctx->status = &w->status;
    ctx->services = s->service_urls;
    ctx->nservices = s->sc->nservices;
}

/* Records the call: the expectations it counts for (they see the whole
 * body), then the journal (which keeps at most body_max bytes of it). */
static uint64_t record(struct mr_server *s, struct worker *w, struct mr_request *req,
                       struct mr_call_meta *meta)
{
    const struct mr_scenario *sc = s->sc;
    struct mr_request kept = *req;
    size_t i, nhits = 0;

    for (i = 0; i < sc->nexpects; i++) {
        const struct mr_expect *e = &sc->expects[i];
        if (e->kind != MR_EXPECT_COUNT)
            continue; /* order, every, timing and state checks read the journal instead */
        if (e->route >= 0 && e->route != meta->route)
            continue;
        if (e->has_request && !mr_match(&e->request, req, NULL))
            continue;
        w->hits[nhits++] = i;
    }
    if (kept.body_len > s->opts.body_max)
        kept.body_len = s->opts.body_max;
    meta->body_truncated = meta->body_size > kept.body_len;
    return mr_journal_append(s->journal, meta, &kept, w->hits, nhits);
}

/* -v: one line per call, its request data made printable. */
static void log_call(struct worker *w, const struct mr_scenario *sc, const struct mr_request *req,
                     const struct mr_route *route, int status)
{
    const char *service = sc->services[w->service].name;

    mr_buf_reset(&w->tmp);
    mr_buf_put_printable(&w->tmp, req->method, strlen(req->method));
    mr_buf_putc(&w->tmp, ' ');
    mr_buf_put_printable(&w->tmp, req->path, strlen(req->path));
    if (*req->query) {
        mr_buf_putc(&w->tmp, '?');
        mr_buf_put_printable(&w->tmp, req->query, strlen(req->query));
    }
    if (route)
        mr_log(MR_LOG_INFO, "%s: %s -> %d (%s)", service, mr_buf_cstr(&w->tmp), status, route->id);
    else if (w->answer == ANSWER_PROXY)
        mr_log(MR_LOG_INFO, "%s: %s -> %d (proxied to %s)", service, mr_buf_cstr(&w->tmp), status,
               sc->services[w->service].proxy);
    else
        mr_log(MR_LOG_INFO, "%s: %s -> %d (%.*s)", service, mr_buf_cstr(&w->tmp), status,
               (int)strcspn(w->near, "\n"), w->near); /* the summary line */
}

/* mockrun's own answer (an error, a refusal, a near miss), sent as text/plain. */
static void answer_text(struct worker *w, int status, bool alive, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void answer_text(struct worker *w, int status, bool alive, const char *fmt, ...)
{
    va_list ap;
    w->answer = ANSWER_TEXT;
    w->status = status;
    w->alive = w->alive && alive;
    va_start(ap, fmt);
    vsnprintf(w->text, sizeof(w->text), fmt, ap);
    va_end(ap);
}

/* "Expect: 100-continue" on an HTTP/1.1 request with a body: the client waits
 * (curl: 1 s) for a 100 before it sends the body. */
static bool expects_continue(const struct mg_request_info *ri)
{
    const char *v = NULL;
    int i;
    if (!ri->http_version || strcmp(ri->http_version, "1.1") != 0 || ri->content_length == 0)
        return false;
    for (i = 0; i < ri->num_headers; i++)
        if (strcasecmp(ri->http_headers[i].name, "Expect") == 0)
            v = ri->http_headers[i].value;
    return v && strcasecmp(v, "100-continue") == 0;
}

/* The unmatched call's explanation, computed once: the 404 body, the journal
 * and verification all show this text (printable; lines end in '\n'). */
static void explain_miss(struct mr_server *s, struct worker *w, struct mr_request *req)
{
    mr_router_explain(s->router, w->service, req, w->near, sizeof(w->near));
    answer_text(w, 404, true, "mockrun: %s\n", w->near);
}

/* True when one of the `unexpected.allow` conditions of the scenario file
 * that defines the service (or imports its routes) holds. */
static bool allowed(const struct mr_scenario *sc, size_t service, struct mr_request *req)
{
    const struct mr_scenario_file *f = &sc->files[mr_scenario_owner(sc, service)];
    size_t i;
    for (i = 0; i < f->nallow; i++)
        if (mr_match(&f->allow[i], req, NULL))
            return true;
    return false;
}

/*
 * A `file` response with a templated path: renders the path and opens it
 * beneath the scenario's folder (mr_scenario_open_file). A missing file is
 * answered 404. A path that leaves the folder is answered 403 and never
 * opened, and false is returned: the caller records the call as unexpected,
 * with the reason, so that the run fails.
 */
static bool open_templated_file(struct mr_server *s, struct worker *w, const struct mr_route *route,
                                const struct mr_response *r, const struct mr_tpl_ctx *ctx)
{
    enum mr_file_open got;
    const char *why;
    char shown[300], id[200];

    if (w->file_fd >= 0)
        close(w->file_fd);
    w->file_fd = -1;
    mr_buf_reset(&w->file_path);
    mr_template_render(r->file_tpl, ctx, &w->file_path);
    got = mr_scenario_open_file(&s->sc->files[s->sc->services[route->service].source],
                                w->file_path.data ? w->file_path.data : "", w->file_path.len,
                                &w->file_fd, &why);
    if (got == MR_FILE_OPENED) {
        w->file_type = mr_scenario_file_type(mr_buf_cstr(&w->file_path));
        return true;
    }
    /* both quote request data: one line, no control bytes */
    mr_printable(shown, sizeof(shown), w->file_path.data ? w->file_path.data : "",
                 w->file_path.len);
    mr_printable(id, sizeof(id), route->id, strlen(route->id));
    if (got == MR_FILE_REFUSED) {
        snprintf(w->near, sizeof(w->near),
                 "route \"%s\": file path \"%s\" rendered from the request %s", id, shown, why);
        answer_text(w, 403, true, "mockrun: refused: %s\n", w->near);
        return false;
    }
    if (got == MR_FILE_MISSING) {
        answer_text(w, 404, true, "mockrun: route \"%s\": file \"%s\" %s\n", id, shown, why);
    } else {
        int e = errno;
        mr_log(MR_LOG_WARN, "route \"%s\": cannot open file \"%s\": %s", id, shown, strerror(e));
        answer_text(w, 500, true, "mockrun: route \"%s\": cannot open file \"%s\": %s\n", id, shown,
                    strerror(e));
    }
    return true;
}

/* ---- admin endpoints (/__mockrun/...) -------------------------------------------- */

/* The value of query parameter `name`, or NULL. */
static const struct mr_kv *query_param(const struct mr_request *req, const char *name)
{
    size_t i, n = strlen(name);
    for (i = 0; i < req->nparams; i++)
        if (req->params[i].name_len == n && memcmp(req->params[i].name, name, n) == 0)
            return &req->params[i];
    return NULL;
}

/* GET calls[?route=ID][&since=SEQ]: the calls recorded so far, as the --journal file has
 * them; safe while other calls are being recorded. */
static void admin_calls(struct mr_server *s, struct worker *w, const struct mr_request *req)
{
    const struct mr_kv *route = query_param(req, "route"), *since = query_param(req, "since");
    const struct mr_call **calls = NULL;
    unsigned long long after = 0;
    size_t n = 0, i, out = 0;

    if (since) {
        char num[32], *end;
        snprintf(num, sizeof(num), "%.*s", (int)since->value_len, since->value);
        after = strtoull(num, &end, 10);
        if (!*num || *end) {
            w->status = 400;
            mr_buf_puts(&w->body_out, "{\"error\": \"since: expected a call number\"}\n");
            return;
        }
    }
    if (mr_journal_snapshot(s->journal, &calls, &n) != 0) {
        w->status = 500;
        mr_buf_puts(&w->body_out, "{\"error\": \"out of memory\"}\n");
        return;
    }
    mr_buf_putc(&w->body_out, '[');
    for (i = 0; i < n; i++) {
        const struct mr_call *c = calls[i];
        const char *id = c->route >= 0 ? s->sc->routes[c->route].id : NULL;
        if (c->seq <= after)
            continue;
        if (route && (!id || strlen(id) != route->value_len ||
                      memcmp(id, route->value, route->value_len) != 0))
            continue;
        mr_buf_puts(&w->body_out, out++ ? ",\n  " : "\n  ");
        mr_journal_call_json(&w->body_out, c, s->sc);
    }
    mr_buf_puts(&w->body_out, out ? "\n]\n" : "]\n");
    free(calls);
}

/* GET routes: this service's routes with their call counts. */
static void admin_routes(struct mr_server *s, struct worker *w)
{
    const struct mr_service *svc = &s->sc->services[w->service];
    size_t i;

    mr_buf_putc(&w->body_out, '[');
    for (i = svc->first_route; i < svc->first_route + svc->nroutes; i++) {
        const struct mr_route *r = &s->sc->routes[i];
        mr_buf_puts(&w->body_out, i > svc->first_route ? ",\n  {\"id\": " : "\n  {\"id\": ");
        mr_buf_put_json_string(&w->body_out, r->id, strlen(r->id));
        mr_buf_puts(&w->body_out, ", \"method\": ");
        if (r->match.method)
            mr_buf_put_json_string(&w->body_out, r->match.method, strlen(r->match.method));
        else
            mr_buf_puts(&w->body_out, "null");
        mr_buf_puts(&w->body_out, ", \"path\": ");
        if (r->match.path)
            mr_buf_put_json_string(&w->body_out, r->match.path, strlen(r->match.path));
        else
            mr_buf_puts(&w->body_out, "null");
        mr_buf_printf(&w->body_out, ", \"calls\": %llu}",
                      (unsigned long long)mr_journal_route_count(s->journal, i));
    }
    mr_buf_puts(&w->body_out, svc->nroutes ? "\n]\n" : "]\n");
}

/* POST reset: counts, sequence positions and states start afresh; every call stays in
 * the journal. */
static void admin_reset(struct mr_server *s, struct worker *w)
{
    size_t i;

    if (s->stateful)
        pthread_mutex_lock(&s->state_lock);
    mr_journal_reset(s->journal);
    for (i = 0; i < s->sc->nroutes; i++)
        atomic_store(&s->route_calls[i], 0);
    for (i = 0; i < s->sc->nservices; i++)
        s->states[i] = s->sc->nstates ? s->sc->state_names[0] : MR_STATE_STARTED;
    if (s->stateful)
        pthread_mutex_unlock(&s->state_lock);
    mr_buf_printf(&w->body_out, "{\"reset\": true, \"afterCall\": %llu}\n",
                  (unsigned long long)mr_journal_reset_seq(s->journal));
}

/* POST test: the body names the test later calls without X-Mockrun-Test are attributed
 * to; an empty body clears it. */
static void admin_test(struct mr_server *s, struct worker *w, const struct mr_request *req)
{
    char name[MR_ATTRIB_NAME_MAX + 1];
    size_t len = mr_attrib_clean(name, req->body, req->body_len);

    if (mr_journal_set_test(s->journal, name, len) != 0) {
        w->status = 500;
        mr_buf_puts(&w->body_out, "{\"error\": \"out of memory\"}\n");
        return;
    }
    mr_buf_puts(&w->body_out, "{\"test\": ");
    if (len)
        mr_buf_put_json_string(&w->body_out, name, len);
    else
        mr_buf_puts(&w->body_out, "null");
    mr_buf_puts(&w->body_out, "}\n");
}

struct attempts_out {
    struct mr_buf *b;
    const struct mr_scenario *sc;
    size_t n;
};

static int attempt_out(void *arg, const struct mr_attempt *a)
{
    struct attempts_out *o = arg;
    mr_buf_puts(o->b, o->n++ ? ",\n  " : "\n  ");
    mr_journal_attempt_json(o->b, a, o->sc);
    return 0;
}

/* GET callbacks: every callback attempt recorded so far, as the --journal file has them. */
static void admin_callbacks(struct mr_server *s, struct worker *w)
{
    struct attempts_out o = {&w->body_out, s->sc, 0};

    mr_buf_putc(&w->body_out, '[');
    mr_journal_attempts_each(s->journal, attempt_out, &o);
    mr_buf_puts(&w->body_out, o.n ? "\n]\n" : "]\n");
}

/* mockrun's own endpoints under /__mockrun/: answered as JSON, never recorded. */
static void admin(struct mr_server *s, struct worker *w, const struct mr_request *req)
{
    static const struct {
        const char *name, *method;
    } endpoints[] = {{"calls", "GET"},  {"routes", "GET"}, {"health", "GET"},
                     {"reset", "POST"}, {"test", "POST"},  {"callbacks", "GET"}};
    const char *name = req->path + 11;
    size_t i;

    mr_buf_reset(&w->body_out);
    w->answer = ANSWER_JSON;
    w->status = 200;
    for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++)
        if (strcmp(name, endpoints[i].name) == 0)
            break;
    if (i == sizeof(endpoints) / sizeof(endpoints[0])) {
        w->status = 404;
        mr_buf_puts(&w->body_out, "{\"error\": \"no such endpoint\", \"endpoints\": [\"GET "
                                  "/__mockrun/calls\", \"GET /__mockrun/routes\", \"GET "
                                  "/__mockrun/health\", \"POST /__mockrun/reset\", "
                                  "\"POST /__mockrun/test\", \"GET /__mockrun/callbacks\"]}\n");
        return;
    }
    if (strcmp(req->method, endpoints[i].method) != 0 &&
        !(strcmp(req->method, "HEAD") == 0 && strcmp(endpoints[i].method, "GET") == 0)) {
        w->status = 405;
        mr_buf_printf(&w->body_out, "{\"error\": \"use %s /__mockrun/%s\"}\n", endpoints[i].method,
                      endpoints[i].name);
        return;
    }
    switch (i) {
    case 0:
        admin_calls(s, w, req);
        break;
    case 1:
        admin_routes(s, w);
        break;
    case 2:
        mr_buf_printf(&w->body_out, "{\"status\": \"ok\", \"service\": ");
        mr_buf_put_json_string(&w->body_out, s->sc->services[w->service].name,
                               strlen(s->sc->services[w->service].name));
        mr_buf_printf(&w->body_out, ", \"calls\": %llu}\n",
                      (unsigned long long)mr_journal_total(s->journal));
        break;
    case 3:
        admin_reset(s, w);
        break;
    case 4:
        admin_test(s, w, req);
        break;
    default:
        admin_callbacks(s, w);
        break;
    }
    if (w->body_out.failed) {
        mr_buf_reset(&w->body_out);
        w->status = 500;
    }
}

/* The body the call is answered with, for the journal (up to body_max, as for
 * requests): rendered or literal bodies and mockrun's own texts. A file streamed
 * from disk, a fault's broken answer and a HEAD answer record none. */
static void answered_with(const struct mr_server *s, const struct worker *w, bool head,
                          struct mr_call_meta *meta)
{
    const char *body = NULL;
    size_t len = 0;

    if (head)
        return;
    if (w->answer == ANSWER_ROUTE) {
        const struct mr_response *r = w->resp;
        if (r->kind == MR_RESP_FILE || (r->fault != MR_FAULT_NONE && r->fault != MR_FAULT_DRIBBLE))
            return;
        body = w->resp_body ? w->resp_body : "";
        len = w->resp_len;
    } else if (w->answer == ANSWER_TEXT) {
        body = w->text;
        len = strlen(w->text);
    } else if (w->answer == ANSWER_PROXY) {
        body = w->proxy->body; /* decoded, for people */
        len = w->proxy->body_len;
    } else {
        return;
    }
    meta->answer = body;
    meta->answer_len = len < s->opts.body_max ? len : s->opts.body_max;
}

/*
 * Forwards a call no route matched to the service's proxy: true when the
 * target answered (w->answer is ANSWER_PROXY). Otherwise the client gets 502
 * and w->near says why, so that the call is recorded as unexpected with the
 * reason and fails the run.
 */
static bool forward(struct mr_server *s, struct worker *w, const struct mr_request *req)
{
    const char *url = s->sc->services[w->service].proxy;
    struct mr_error err;

    memset(&err, 0, sizeof(err));
    if (!w->proxy && (w->proxy = malloc(sizeof(*w->proxy))) != NULL)
        mr_proxy_call_init(w->proxy);
    if (!w->proxy)
        mr_error_set(&err, MR_ENOMEM, "out of memory");
    else if (mr_proxy_forward(w->proxy, s->proxies[w->service], req, s->urls[w->service],
                              &s->upstream, s->upstream.max_body, &err) == 0) {
        w->answer = ANSWER_PROXY;
        w->status = w->proxy->status;
        return true;
    }
    snprintf(w->near, sizeof(w->near), "proxy %s failed: %s", url, err.msg);
    answer_text(w, 502, true, "mockrun: %s\n", w->near);
    return false;
}

/*
 * Reads, matches and records one call, and decides its answer (w->answer and
 * friends); handle() sends it. Calls that are not requests the command made
 * (a body cut short, a NUL in the path) and CORS preflights are not recorded.
 */
static void take_call(struct mr_server *s, struct worker *w, struct mg_connection *conn, bool head)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const struct mr_scenario *sc = s->sc;
    int64_t t0 = mr_clock_mono_us(), wall = mr_clock_wall_us();
    bool strict, over = false, complete = true;
    struct mr_request req;
    struct mr_call_meta meta;
    const struct mr_route *route = NULL;
    const struct mr_response *resp = NULL;
    uint64_t body_size = 0, seq;
    size_t limit;
    long ri_route, test_len;

    w->service = service_of(s, ri->server_port);
    /* the whole body when something reads it (matching, templates), else what the journal keeps */
    strict = s->reads_body[w->service];
    limit = strict ? s->opts.body_read_max : s->opts.body_max;
    mr_buf_reset(&w->body);
    if (strict && ri->content_length > (int64_t)limit) {
        over = true; /* refused before a byte is read (and without a 100 Continue) */
        body_size = (uint64_t)ri->content_length;
    } else {
        if (expects_continue(ri))
            write_all(conn, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        body_size = read_body(conn, &w->body, limit, strict, &over, &complete);
        over = over && strict; /* otherwise only the journal's copy is cut */
    }
    /* CivetWeb leaves the path encoded (decode_url=no): decode it here, where a
     * %00 can be seen instead of silently cutting the path short */
    mr_buf_reset(&w->path);
    if (!decode_path(&w->path, ri->local_uri ? ri->local_uri : "/") || !complete) {
        /* not a request the command really made: refused, not recorded */
        bool nul = complete;
        mr_log(MR_LOG_INFO, "%s: refused a malformed request (%s)", sc->services[w->service].name,
               nul ? "NUL in the path" : "the body ended early");
        answer_text(w, 400, false, "mockrun: malformed request: %s\n",
                    nul ? "the path decodes to a NUL (%00)" : "the body ended before its length");
        return;
    }
    build_request(w, ri, &req);
    /* the test that made the call: seen by nothing but the journal's attribution */
    test_len = mr_attrib_take(w->headers, &req.nheaders, w->test);

    if (s->opts.admin &&
        strncmp(req.path, MR_SERVER_ADMIN_PREFIX, sizeof(MR_SERVER_ADMIN_PREFIX) - 1) == 0) {
        admin(s, w, &req); /* mockrun's own endpoints: not calls of the service */
        mr_request_release(&req);
        return;
    }
    if (sc->services[w->service].cors && strcmp(req.method, "OPTIONS") == 0 &&
        mr_request_header(&req, "Access-Control-Request-Method")) {
        /* a CORS preflight: answered by mockrun itself and not recorded */
        w->answer = ANSWER_PREFLIGHT;
        w->status = 204;
        return;
    }

    memset(&meta, 0, sizeof(meta));
    ri_route = -1;
    if (over) {
        /* too large to match: the rest of the body stays unread, so the connection closes */
        snprintf(w->near, sizeof(w->near),
                 "the body is %s%llu bytes, over the %zu bytes mockrun reads to match it "
                 "(--max-request-body)",
                 ri->content_length < 0 ? "more than " : "",
                 (unsigned long long)(ri->content_length < 0 ? limit : body_size), limit);
        answer_text(w, 413, false, "mockrun: request refused: %s\n", w->near);
    } else {
        ri_route = choose_route(s, w, &req, &resp);
        if (ri_route < 0 && head) {
            /* HEAD is answered by a GET route, without the body, as Express (and so Mockoon) do */
            req.method = "GET";
            ri_route = choose_route(s, w, &req, &resp);
            req.method = ri->request_method;
        }
    }
    if (ri_route >= 0) {
        struct mr_tpl_ctx ctx;
        route = &sc->routes[ri_route];
        if (resp->templated)
            template_context(&ctx, s, w, &req, ri, wall);
        prepare_response(w, resp, resp->templated ? &ctx : NULL);
        w->answer = ANSWER_ROUTE;
        w->resp = resp;
        w->delay_ms = resp->delay_ms;
        if (resp->delay_max_ms > resp->delay_ms)
            w->delay_ms +=
                (int64_t)(rng_next(s) % (uint64_t)(resp->delay_max_ms - resp->delay_ms + 1));
        if (resp->file_tpl && !open_templated_file(s, w, route, resp, &ctx)) {
            ri_route = -1; /* refused: recorded as unexpected, with w->near saying why */
            route = NULL;
        }
    } else if (!over && s->proxies[w->service]) {
        meta.proxied = forward(s, w, &req); /* else answered 502, w->near says why */
    } else if (!over) {
        explain_miss(s, w, &req);
        meta.allowed = allowed(sc, w->service, &req);
    }
    meta.near = ri_route < 0 && !meta.proxied ? w->near : NULL;
    answered_with(s, w, head, &meta);
    meta.wall_us = wall;
    meta.service = (uint16_t)w->service;
    meta.status = (uint16_t)w->status;
    meta.route = (int32_t)ri_route;
    meta.body_size = body_size;
    meta.test = test_len >= 0 ? w->test : NULL;
    meta.test_len = test_len >= 0 ? (size_t)test_len : 0;
    meta.duration_us = (uint32_t)(mr_clock_mono_us() - t0 + w->delay_ms * 1000);
    seq = record(s, w, &req, &meta);
    if (meta.proxied && s->opts.observe) {
        struct mr_proxy_exchange x;
        memset(&x, 0, sizeof(x));
        mr_proxy_exchange_of(w->proxy, &x);
        x.service = w->service;
        x.target = sc->services[w->service].proxy;
        x.self_url = s->urls[w->service];
        x.req = &req;
        s->opts.observe(s->opts.observe_ctx, &x);
    }
    if (route && resp->ncallbacks && s->dispatch) {
        /* rendered now, while the request is here; sent later, off this thread */
        struct mr_tpl_ctx ctx;
        size_t i;
        template_context(&ctx, s, w, &req, ri, wall);
        for (i = 0; i < resp->ncallbacks; i++) {
            struct mr_callback_use use = resp->callbacks[i];
            /* a delay range is drawn here, as a response's is: from the seeded generator,
             * in call order, and only for ranges (fixed delays draw nothing) */
            if (use.delay_max_ms > use.delay_ms)
                use.delay_ms +=
                    (int64_t)(rng_next(s) % (uint64_t)(use.delay_max_ms - use.delay_ms + 1));
            use.delay_max_ms = use.delay_ms;
            mr_dispatch_trigger(s->dispatch, &use, seq, &ctx);
        }
    }
    if (mr_log_enabled(MR_LOG_INFO))
        log_call(w, sc, &req, route, w->status);
    mr_request_release(&req);
}

/* A buffer that grew past this after one large request is given back. */
#define WORKER_BUF_KEEP (4u << 20)

static void shrink(struct mr_buf *b)
{
    if (b->cap > WORKER_BUF_KEEP)
        mr_buf_release(b);
}

static int handle(struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct mr_server *s = ri->user_data;
    struct worker *w = worker_get(s->sc->nexpects);
    bool head = strcmp(ri->request_method, "HEAD") == 0, asked_alive = keep_alive(ri);

    if (!w) {
        mg_send_http_error(conn, 500, "%s", "mockrun: out of memory");
        return 500;
    }
    /* When (nearly) every worker holds a connection, others wait in the queue:
     * keep-alive clients are told to close, so everyone takes turns through
     * accept() instead of a few clients keeping the workers. Said in the
     * answer, so no request can be in flight on a connection we close. */
    w->alive = asked_alive && atomic_load(&s->conns) < s->crowded_at;
    w->delay_ms = 0;
    /* The in-flight count brackets recording only, so mr_server_close waits
     * for no delay and no send. */
    atomic_fetch_add(&s->inflight, 1);
    if (atomic_load(&s->closed))
        answer_text(w, 503, false, "mockrun: the run is over; this call was not recorded\n");
    else
        take_call(s, w, conn, head);
    atomic_fetch_sub(&s->inflight, 1);

    if (asked_alive && !w->alive)
        close_after_answer(ri);
    switch (w->answer) {
    case ANSWER_ROUTE:
        if (w->delay_ms > 0)
            sleep_ms(w->delay_ms);
        send_route(w, conn, w->resp, w->alive, head);
        if (w->file_fd >= 0) { /* opened from a templated path for this answer */
            close(w->file_fd);
            w->file_fd = -1;
        }
        break;
    case ANSWER_PREFLIGHT:
        send_preflight(w, conn, w->alive);
        break;
    case ANSWER_TEXT:
        send_text(w, conn, w->status, w->alive, head, w->text);
        break;
    case ANSWER_JSON: /* an admin endpoint's answer, in body_out */
        send_typed(w, conn, w->status, w->alive, head, "application/json",
                   mr_buf_cstr(&w->body_out), w->body_out.len);
        break;
    case ANSWER_PROXY:
        send_proxied(w, conn, w->alive, head);
        if (mr_proxy_call_size(w->proxy) > WORKER_BUF_KEEP) {
            mr_proxy_call_release(w->proxy);
            mr_proxy_call_init(w->proxy);
        }
        break;
    }
    shrink(&w->body);
    shrink(&w->body_out);
    shrink(&w->tmp);
    return w->status;
}

void mr_server_opts_init(struct mr_server_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->host = "127.0.0.1";
    o->threads = MR_SERVER_THREADS_DEFAULT;
    o->keep_alive_ms = MR_SERVER_KEEP_ALIVE_MS_DEFAULT;
    o->body_max = MR_SERVER_BODY_KEEP_DEFAULT;
    o->body_read_max = MR_SERVER_BODY_READ_DEFAULT;
    o->admin = true;
    mr_journal_limits_init(&o->journal);
}

static bool response_reads_body(const struct mr_scenario *sc, const struct mr_response *r)
{
    size_t i;
    if (r->templated)
        return true; /* {{body}}, {{bodyRaw}} and friends */
    for (i = 0; i < r->ncallbacks; i++)
        if (sc->callbacks[r->callbacks[i].callback].templated)
            return true;
    for (i = 0; i < r->nwhen; i++)
        if (r->when[i].match.body)
            return true;
    return false;
}

/* Whether a service's calls need their whole body: a route, a response rule,
 * a template, an expectation or an `unexpected.allow` condition reads it. The
 * others keep only what the journal keeps, so large uploads stream through. */
static bool service_reads_body(const struct mr_scenario *sc, size_t service)
{
    const struct mr_service *svc = &sc->services[service];
    const struct mr_scenario_file *f = &sc->files[mr_scenario_owner(sc, service)];
    size_t i, k;

    if (svc->proxy)
        return true; /* forwarded whole */
    for (i = 0; i < sc->nexpects; i++)
        if (sc->expects[i].has_request && sc->expects[i].request.body)
            return true;
    for (i = 0; i < f->nallow; i++)
        if (f->allow[i].body)
            return true;
    for (i = svc->first_route; i < svc->first_route + svc->nroutes; i++) {
        const struct mr_route *r = &sc->routes[i];
        if (r->match.body || response_reads_body(sc, &r->response))
            return true;
        for (k = 0; k < r->nresponses; k++)
            if (response_reads_body(sc, &r->responses[k]))
                return true;
    }
    return false;
}

/* The services' proxy targets, checked by the loader already. */
static int parse_proxies(struct mr_server *s, struct mr_error *err)
{
    size_t i;

    mr_upstream_limits_init(&s->upstream);
    s->proxies = calloc(s->sc->nservices, sizeof(*s->proxies));
    if (!s->proxies)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    for (i = 0; i < s->sc->nservices; i++) {
        const char *url = s->sc->services[i].proxy;
        struct mr_error e;
        if (!url)
            continue;
        if (!(s->proxies[i] = malloc(sizeof(*s->proxies[i]))))
            return mr_error_set(err, MR_ENOMEM, "out of memory");
        if (mr_url_parse_target(s->proxies[i], url, &e) != 0)
            return mr_error_set(err, MR_ESCENARIO, "service '%s': proxy: %s",
                                s->sc->services[i].name, e.msg);
    }
    return 0;
}

/* After a failed start: find which fixed port is taken, to name it. */
static int explain_bind_failure(const struct mr_server *s, struct mr_error *err)
{
    size_t i;
    for (i = 0; i < s->sc->nservices; i++) {
        struct sockaddr_in sa;
        int fd, port = s->ports[i];
        if (port == 0)
            continue;
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, s->opts.host, &sa.sin_addr) == 1 &&
            bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
            int e = errno;
            close(fd);
            return mr_error_set(err, MR_ESETUP, "service '%s': cannot listen on %s:%d: %s",
                                s->sc->services[i].name, s->opts.host, port,
                                e == EADDRINUSE ? "port is already in use" : strerror(e));
        }
        close(fd);
    }
    return mr_error_set(err, MR_ESETUP, "cannot start the mock services on %s", s->opts.host);
}

int mr_server_start(struct mr_server **out, const struct mr_scenario *sc,
                    const struct mr_server_opts *opts, struct mr_error *err)
{
    struct mr_server *s;
    struct mg_callbacks cb;
    struct mr_buf ports;
    struct mg_server_port *got = NULL;
    char threads[16], keepalive[16];
    const char *options[32];
    size_t i, n = 0;
    int rc, nports;
    bool v6;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (!s)
        return mr_error_set(err, MR_ENOMEM, "out of memory");
    s->sc = sc;
    s->opts = *opts;
    s->ports = calloc(sc->nservices, sizeof(int));
    s->urls = calloc(sc->nservices, sizeof(char *));
    got = calloc(sc->nservices, sizeof(*got));
    if (!s->ports || !s->urls || !got) {
        rc = mr_error_set(err, MR_ENOMEM, "out of memory");
        goto fail;
    }
    s->route_calls = calloc(sc->nroutes ? sc->nroutes : 1, sizeof(*s->route_calls));
    s->states = calloc(sc->nservices, sizeof(*s->states));
    s->reads_body = calloc(sc->nservices, sizeof(*s->reads_body));
    if (!s->route_calls || !s->states || !s->reads_body) {
        rc = mr_error_set(err, MR_ENOMEM, "out of memory");
        goto fail;
    }
    for (i = 0; i < sc->nservices; i++) {
        s->states[i] = sc->nstates ? sc->state_names[0] : MR_STATE_STARTED;
        s->reads_body[i] = service_reads_body(sc, i);
    }
    s->stateful = sc->nstates > 1;
    if ((rc = parse_proxies(s, err)) != 0)
        goto fail;
    {
        int nthreads = opts->threads > 0 ? opts->threads : MR_SERVER_THREADS_DEFAULT;
        int keep = opts->keep_alive_ms > 0 ? opts->keep_alive_ms : MR_SERVER_KEEP_ALIVE_MS_DEFAULT;
        s->crowded_at = nthreads - nthreads / 16; /* a few workers stay free for newcomers */
        s->keep_alive_hint_s = keep / 1000 - 1 > 0 ? keep / 1000 - 1 : 1;
    }
    pthread_mutex_init(&s->state_lock, NULL);
    if ((rc = mr_router_new(&s->router, sc, err)) != 0)
        goto fail;
    if ((rc = mr_journal_new(&s->journal, sc->nservices, sc->nroutes, sc->nexpects, &opts->journal,
                             err)) != 0)
        goto fail;

    v6 = strchr(opts->host, ':') != NULL;
    mr_buf_init(&ports);
    for (i = 0; i < sc->nservices; i++) {
        s->ports[i] = opts->any_port ? 0 : sc->services[i].port;
        if (opts->port_override > 0 && sc->nservices == 1)
            s->ports[i] = opts->port_override;
        mr_buf_printf(&ports, "%s%s%s%s:%d", i ? "," : "", v6 ? "[" : "", opts->host, v6 ? "]" : "",
                      s->ports[i]);
    }
    if (ports.failed) {
        mr_buf_release(&ports);
        rc = mr_error_set(err, MR_ENOMEM, "out of memory");
        goto fail;
    }
    snprintf(threads, sizeof(threads), "%d",
             opts->threads > 0 ? opts->threads : MR_SERVER_THREADS_DEFAULT);
    snprintf(keepalive, sizeof(keepalive), "%d",
             opts->keep_alive_ms > 0 ? opts->keep_alive_ms : MR_SERVER_KEEP_ALIVE_MS_DEFAULT);
    options[n++] = "listening_ports";
    options[n++] = ports.data;
    options[n++] = "num_threads";
    options[n++] = threads;
    options[n++] = "enable_keep_alive";
    options[n++] = "yes";
    options[n++] = "keep_alive_timeout_ms";
    options[n++] = keepalive;
    options[n++] = "tcp_nodelay";
    options[n++] = "1";
    options[n++] = "request_timeout_ms";
    options[n++] = "10000";
    options[n++] = "connection_queue";
    options[n++] = "512";
    options[n++] = "listen_backlog";
    options[n++] = "1024";
    options[n++] = "max_request_size";
    options[n++] = "131072";
    options[n++] = "decode_url";
    options[n++] = "no";
    options[n] = NULL;

    memset(&cb, 0, sizeof(cb));
    cb.begin_request = handle;
    cb.log_message = on_log;
    cb.http_error = on_http_error;
    cb.exit_thread = on_thread_exit;
    cb.init_connection = on_conn_open;
    cb.connection_closed = on_conn_closed;
    s->ctx = mg_start(&cb, s, options);
    mr_buf_release(&ports);
    if (!s->ctx) {
        rc = explain_bind_failure(s, err);
        goto fail;
    }
    nports = mg_get_server_ports(s->ctx, (int)sc->nservices, got);
    if (nports != (int)sc->nservices) {
        rc = mr_error_set(err, MR_ESETUP, "cannot read the mock services' ports");
        goto fail;
    }
    for (i = 0; i < sc->nservices; i++) {
        char url[128];
        s->ports[i] = got[i].port;
        snprintf(url, sizeof(url), "http://%s%s%s:%d", v6 ? "[" : "", opts->host, v6 ? "]" : "",
                 got[i].port);
        s->urls[i] = strdup(url);
        if (!s->urls[i]) {
            rc = mr_error_set(err, MR_ENOMEM, "out of memory");
            goto fail;
        }
    }
    s->service_urls = calloc(sc->nservices, sizeof(*s->service_urls));
    if (!s->service_urls) {
        rc = mr_error_set(err, MR_ENOMEM, "out of memory");
        goto fail;
    }
    for (i = 0; i < sc->nservices; i++) {
        s->service_urls[i].name = sc->services[i].name;
        s->service_urls[i].name_len = strlen(sc->services[i].name);
        s->service_urls[i].value = s->urls[i];
        s->service_urls[i].value_len = strlen(s->urls[i]);
    }
    if (sc->ncallbacks) {
        struct mr_dispatch_opts dopts;
        memset(&dopts, 0, sizeof(dopts));
        dopts.sc = sc;
        dopts.journal = s->journal;
        dopts.service_urls = (const char *const *)s->urls;
        dopts.service_ports = s->ports;
        dopts.service_host = opts->host;
        dopts.body_max = opts->body_max;
        if ((rc = mr_dispatch_start(&s->dispatch, &dopts, err)) != 0)
            goto fail;
    }
    free(got);
    defer_accept(s);
    *out = s;
    return 0;
fail:
    free(got);
    mr_server_stop(s);
    return rc;
}

int mr_server_port(const struct mr_server *s, size_t service)
{
    return service < s->sc->nservices ? s->ports[service] : 0;
}

const char *mr_server_url(const struct mr_server *s, size_t service)
{
    return service < s->sc->nservices ? s->urls[service] : NULL;
}

const char *const *mr_server_urls(const struct mr_server *s)
{
    return (const char *const *)s->urls;
}

void mr_server_close(struct mr_server *s)
{
    atomic_store(&s->closed, true);
    /* handlers that passed the check finish recording in microseconds */
    while (atomic_load(&s->inflight) > 0)
        sleep_ms(1);
}

const char *mr_server_state(const struct mr_server *s, size_t service)
{
    return service < s->sc->nservices ? s->states[service] : NULL;
}

const struct mr_journal *mr_server_journal(const struct mr_server *s)
{
    return s->journal;
}

struct mr_dispatch *mr_server_dispatch(struct mr_server *s)
{
    return s->dispatch;
}

/* mg_stop waits in the listener's poll until a connection wakes it: poke it. */
struct waker {
    atomic_bool done;
    int port;
    const char *host;
};

static void *wake_listener(void *arg)
{
    struct waker *wk = arg;
    while (!atomic_load(&wk->done)) {
        struct sockaddr_in sa;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0) {
            memset(&sa, 0, sizeof(sa));
            sa.sin_family = AF_INET;
            sa.sin_port = htons((uint16_t)wk->port);
            inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
            /* a request, not a bare connect: TCP_DEFER_ACCEPT holds silent ones back */
            if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
                (void)!write(fd, "GET / HTTP/1.0\r\n\r\n", 18);
            close(fd);
        }
        sleep_ms(5);
    }
    return NULL;
}

/* Ends every connection to our ports, so workers waiting on an idle
 * keep-alive connection (up to keep_alive_ms) notice the stop at once. The
 * run is over: no request can be lost. */
static void end_connections(const struct mr_server *s)
{
    int fd;

    for (fd = 3; fd < 65536; fd++) {
        struct sockaddr_storage local, peer;
        socklen_t ll = sizeof(local), pl = sizeof(peer);

        if (getsockname(fd, (struct sockaddr *)&local, &ll) != 0) {
            if (errno == EBADF && fcntl(fd, F_GETFD) < 0 && fd > 1024)
                break;
            continue;
        }
        if (getpeername(fd, (struct sockaddr *)&peer, &pl) == 0 && our_port(s, port_of(&local)))
            shutdown(fd, SHUT_RDWR);
    }
}

void mr_server_stop(struct mr_server *s)
{
    size_t i;

    if (!s)
        return;
    mr_dispatch_stop(s->dispatch); /* its attempts may be talking to our own services */
    if (s->ctx) {
        struct waker wk;
        pthread_t t;
        bool started;
        atomic_init(&wk.done, false);
        wk.port = s->ports[0];
        wk.host = s->opts.host;
        atomic_store(&s->closed, true);
        end_connections(s);
        started = wk.port > 0 && pthread_create(&t, NULL, wake_listener, &wk) == 0;
        mg_stop(s->ctx);
        atomic_store(&wk.done, true);
        if (started)
            pthread_join(t, NULL);
    }
    mr_router_free(s->router);
    mr_journal_free(s->journal);
    free((void *)s->route_calls);
    free(s->states);
    free(s->reads_body);
    if (s->proxies)
        for (i = 0; i < s->sc->nservices; i++)
            free(s->proxies[i]);
    free(s->proxies);
    free(s->service_urls);
    if (s->urls)
        for (i = 0; i < s->sc->nservices; i++)
            free(s->urls[i]);
    free(s->urls);
    free(s->ports);
    free(s);
}
