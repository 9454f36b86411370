/*
 * xmljs.c - xml-js's compact form of an XML body, built from the
 * document's events (mr_xmldoc_walk) into cJSON.
 *
 * xml-js adds each child to its element as `el[key]`: the first value is
 * set, a second turns the member into an array, later ones are pushed
 * (addField, onStartElement). Finding the member by scanning the element's
 * members would make an element with many differently named children
 * quadratic, so the members met so far are kept in one hash table keyed by
 * (element, name) for the length of the build.
 */
#include "common/xmljs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/error.h"
#include "common/text.h"
#include "common/xmldoc.h"

/* Open elements: libxml2 stops at 256 levels (XML_PARSE_HUGE is never set). */
#define MAX_OPEN 300

struct slot {
    const cJSON *parent; /* NULL: empty */
    cJSON *member;
    uint64_t hash;
};

struct build {
    cJSON *open[MAX_OPEN]; /* the result object, then each open element */
    size_t depth;
    struct slot *slots;
    size_t nslots, used;
    size_t bytes; /* an estimate of what the tree takes */
    const char *why;
};

static bool contains_ci(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle), i, k;

    for (i = 0; i + n <= len; i++) {
        for (k = 0; k < n; k++) {
            char c = s[i + k];
            if ((c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c) != needle[k])
                break;
        }
        if (k == n)
            return true;
    }
    return false;
}

/* Mockoon's /application\/.*\+json/i: "application/", then "+json" later. */
static bool plus_json(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i + 12 <= len; i++)
        if (contains_ci(s + i, 12, "application/"))
            return contains_ci(s + i + 12, len - i - 12, "+json");
    return false;
}

bool mr_xmljs_content_type(const char *ct, size_t len)
{
    /* processRawBody's order: JSON, a form, multipart, then XML */
    if (contains_ci(ct, len, "application/json") || plus_json(ct, len) ||
        contains_ci(ct, len, "application/x-www-form-urlencoded") ||
        contains_ci(ct, len, "multipart/form-data"))
        return false;
    return contains_ci(ct, len, "application/xml") ||
           contains_ci(ct, len, "application/soap+xml") || contains_ci(ct, len, "text/xml");
}

/* ---- members by (element, name) ---------------------------------------------------------- */

static uint64_t hash_of(const cJSON *parent, const char *key)
{
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)(uintptr_t)parent;

    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

static struct slot *find_slot(struct slot *slots, size_t nslots, const cJSON *parent,
                              const char *key, uint64_t h)
{
    size_t i = (size_t)h & (nslots - 1);

    for (; slots[i].parent; i = (i + 1) & (nslots - 1))
        if (slots[i].hash == h && slots[i].parent == parent &&
            strcmp(slots[i].member->string, key) == 0)
            break;
    return &slots[i];
}

static bool grow(struct build *b)
{
    size_t n = b->nslots ? 2 * b->nslots : 64, i;
    struct slot *s = calloc(n, sizeof(*s));

    if (!s)
        return false;
    for (i = 0; i < b->nslots; i++)
        if (b->slots[i].parent)
            *find_slot(s, n, b->slots[i].parent, b->slots[i].member->string, b->slots[i].hash) =
                b->slots[i];
    free(b->slots);
    b->bytes += (n - b->nslots) * sizeof(*s);
    b->slots = s;
    b->nslots = n;
    return true;
}

/* Makes the member `m` an array holding its value, in its place: in
 * JavaScript, assigning to an existing key keeps the key's position. */
static bool into_array(cJSON *m)
{
    cJSON *first = cJSON_CreateNull();

    if (!first)
        return false;
    first->type = m->type;
    first->child = m->child;
    first->valuestring = m->valuestring;
    m->type = cJSON_Array;
    m->child = NULL;
    m->valuestring = NULL;
    return cJSON_AddItemToArray(m, first);
}

/* xml-js's addField: `v` under `key` of `parent`; takes `v` (freed on failure). */
static bool add_field(struct build *b, cJSON *parent, const char *key, cJSON *v)
{
    uint64_t h = hash_of(parent, key);
    struct slot *s;

    if (!v)
        return false;
    if (b->used + 1 > b->nslots / 2 && !grow(b)) {
        cJSON_Delete(v);
        return false;
    }
    s = find_slot(b->slots, b->nslots, parent, key, h);
    if (s->parent) {
        if ((!cJSON_IsArray(s->member) && !into_array(s->member)) ||
            !cJSON_AddItemToArray(s->member, v)) {
            cJSON_Delete(v);
            return false;
        }
        return true;
    }
    if (!cJSON_AddItemToObject(parent, key, v)) {
        cJSON_Delete(v);
        return false;
    }
    s->parent = parent;
    s->member = v;
    s->hash = h;
    b->used++;
    return true;
}

/* Charges the estimate for one node; false past the limit. */
static bool charge(struct build *b, size_t key, size_t value)
{
    b->bytes += sizeof(cJSON) + key + value + 2;
    if (b->bytes > MR_XMLJS_MAX_BYTES) {
        b->why = "larger than 256 MiB as an object";
        return false;
    }
    return true;
}

/* {name: value, ...} of the event's attributes, as `_attributes` of o (none: nothing). */
static bool attributes(struct build *b, cJSON *o, const struct mr_xml_event *ev)
{
    cJSON *a;
    size_t i;

    if (ev->nattrs == 0)
        return true;
    if (!charge(b, 11, 0) || !add_field(b, o, "_attributes", a = cJSON_CreateObject()))
        return false;
    for (i = 0; i < ev->nattrs; i++) {
        const struct mr_xml_attr *at = &ev->attrs[i];
        if (!charge(b, strlen(at->name), at->value_len) ||
            !cJSON_AddStringToObject(a, at->name, at->value))
            return false;
    }
    return true;
}

/* True when the text is all JavaScript whitespace (xml-js's !text.trim()). */
static bool js_blank(const char *s, size_t n)
{
    const char *end = s + n;
    size_t w;

    while (s < end && (w = mr_text_js_space(s, end)) > 0)
        s += w;
    return s == end;
}

/* One event of the walk; true stops it (b->why says why). */
static bool on_event(void *arg, const struct mr_xml_event *ev)
{
    struct build *b = arg;
    cJSON *top = b->open[b->depth - 1], *o = NULL;
    bool ok = true;

    switch (ev->kind) {
    case MR_XML_DECLARATION:
        /* currentElement._declaration = {}, with its attributes */
        ok = charge(b, 12, 0) && add_field(b, top, "_declaration", o = cJSON_CreateObject()) &&
             attributes(b, o, ev);
        break;
    case MR_XML_START:
        if (b->depth == MAX_OPEN) {
            b->why = "nested too deep";
            return true;
        }
        ok = charge(b, strlen(ev->name), 0) &&
             add_field(b, top, ev->name, o = cJSON_CreateObject()) && attributes(b, o, ev);
        if (ok)
            b->open[b->depth++] = o;
        break;
    case MR_XML_END:
        if (b->depth > 1)
            b->depth--;
        break;
    case MR_XML_TEXT:
        /* whitespace alone is dropped (captureSpacesBetweenElements: false) */
        if (!js_blank(ev->text, ev->len))
            ok = charge(b, 5, ev->len) && add_field(b, top, "_text", cJSON_CreateString(ev->text));
        break;
    case MR_XML_CDATA:
    case MR_XML_COMMENT:
        /* sax reports neither when it is empty; a blank one is kept */
        if (ev->len > 0)
            ok = charge(b, 8, ev->len) &&
                 add_field(b, top, ev->kind == MR_XML_CDATA ? "_cdata" : "_comment",
                           cJSON_CreateString(ev->text));
        break;
    case MR_XML_PI:
        /* {target: rest} */
        ok = charge(b, 12 + strlen(ev->name), ev->len) &&
             add_field(b, top, "_instruction", o = cJSON_CreateObject()) &&
             cJSON_AddStringToObject(o, ev->name, ev->text) != NULL;
        break;
    }
    if (!ok && !b->why)
        b->why = "out of memory";
    return !ok;
}

/* True when the body is empty or only sax's whitespace, after a BOM: sax
 * reports no error for it and xml-js returns {}. */
static bool sax_blank(const char *s, size_t n)
{
    size_t i = n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

    for (; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

int mr_xmljs_parse(cJSON **out, const char *text, size_t len, char *why, size_t size)
{
    struct mr_xmldoc *d;
    struct mr_error err;
    struct build b;
    bool done;

    *out = NULL;
    memset(&b, 0, sizeof(b));
    if (!(b.open[0] = cJSON_CreateObject())) {
        snprintf(why, size, "out of memory");
        return -1;
    }
    if (!text || sax_blank(text, len)) {
        *out = b.open[0];
        return 0;
    }
    if (mr_xmldoc_init(&err) != 0) {
        snprintf(why, size, "libxml2 is not available: %s", err.msg);
        cJSON_Delete(b.open[0]);
        return -1;
    }
    d = mr_xmldoc_parse_with(text, len, MR_XMLDOC_CDATA, why, size);
    if (!d) {
        cJSON_Delete(b.open[0]);
        return -1;
    }
    b.depth = 1;
    done = mr_xmldoc_walk(d, text, len, on_event, &b) && !b.why;
    mr_xmldoc_free(d);
    free(b.slots);
    if (!done) {
        snprintf(why, size, "%s", b.why ? b.why : "out of memory");
        cJSON_Delete(b.open[0]);
        return -1;
    }
    *out = b.open[0];
    return 0;
}

char *mr_xmljs_json(const char *text, size_t len, size_t *out_len, char *why, size_t size)
{
    cJSON *v;
    char *json;

    if (mr_xmljs_parse(&v, text, len, why, size) != 0)
        return NULL;
    json = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    if (!json) {
        snprintf(why, size, "out of memory");
        return NULL;
    }
    *out_len = strlen(json);
    return json;
}
