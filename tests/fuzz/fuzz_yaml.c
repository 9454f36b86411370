/*
 * fuzz_yaml.c - openapi/yaml.c: any bytes through mr_yaml_parse (YAML, or
 * JSON when they start with '{').
 *
 * Beyond "no crash, no leak" (alias bombs and deep nesting must stop at
 * their limits, within libFuzzer's time and memory), it checks yaml.h's
 * contract: a refusal leaves *out NULL and says why, at a line:column inside
 * the text, in one printable line; an accepted document has a root, and every
 * node of it (up to a cap, as locating walks the tree) is found again by its
 * JSON Pointer and placed at a line:column inside the text.
 *
 * MOCKRUN_FUZZ_VERBOSE=1 prints each document as JSON, or the refusal.
 */
#include "tests/fuzz/fuzz.h"

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "openapi/yaml.h"

#define MAX_CHECKED 300 /* nodes located per input: each locate walks the tree */

static bool verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    verbose = fuzz_verbose();
    return 0;
}

struct walk {
    const struct mr_yaml_doc *doc;
    int lines; /* in the text */
    size_t checked;
};

/* "~" → "~0", "/" → "~1": one reference token of a pointer. */
static void push_token(struct mr_buf *b, const char *key)
{
    mr_buf_putc(b, '/');
    for (; *key; key++) {
        if (*key == '~')
            mr_buf_puts(b, "~0");
        else if (*key == '/')
            mr_buf_puts(b, "~1");
        else
            mr_buf_putc(b, *key);
    }
}

static void check_node(struct walk *w, const cJSON *node, struct mr_buf *ptr)
{
    const cJSON *c;
    size_t mark = ptr->len, i = 0;
    int line = 0, col = 0;

    if (w->checked++ >= MAX_CHECKED || ptr->failed)
        return;
    FUZZ_CHECK(mr_yaml_pointer(mr_yaml_root(w->doc), mr_buf_cstr(ptr)) == node);
    FUZZ_CHECK(mr_yaml_locate(w->doc, node, false, &line, &col));
    FUZZ_CHECK(line >= 1 && line <= w->lines && col >= 1);
    FUZZ_CHECK(mr_yaml_locate(w->doc, node, true, &line, &col));
    FUZZ_CHECK(line >= 1 && line <= w->lines && col >= 1);
    for (c = node->child; c; c = c->next, i++) {
        if (c->string) {
            push_token(ptr, c->string);
        } else {
            char idx[32];
            snprintf(idx, sizeof(idx), "/%zu", i);
            mr_buf_puts(ptr, idx);
        }
        check_node(w, c, ptr);
        ptr->len = mark;
        if (ptr->data)
            ptr->data[mark] = '\0';
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_copy(data, size, 0);
    struct mr_yaml_doc *doc = (struct mr_yaml_doc *)text; /* must be reset */
    struct mr_error err;
    size_t i;
    int rc, lines = 1;

    for (i = 0; i < size; i++)
        lines += data[i] == '\n';
    memset(&err, 0, sizeof(err));
    rc = mr_yaml_parse(&doc, "fuzz.yaml", text, size, &err);
    if (rc == 0) {
        struct walk w = {doc, lines, 0};
        struct mr_buf ptr;
        char *json;

        FUZZ_CHECK(doc != NULL && mr_yaml_root(doc) != NULL);
        json = cJSON_PrintUnformatted(mr_yaml_root(doc));
        FUZZ_CHECK(json != NULL);
        if (verbose)
            fprintf(stderr, "%s\n", json);
        cJSON_free(json);
        mr_buf_init(&ptr);
        mr_buf_puts(&ptr, "");
        check_node(&w, mr_yaml_root(doc), &ptr);
        mr_buf_release(&ptr);
        mr_yaml_free(doc);
    } else {
        char line[1400];
        FUZZ_CHECK(doc == NULL);
        FUZZ_CHECK(rc == MR_ESCENARIO || rc == MR_ENOMEM);
        FUZZ_CHECK(err.code == rc && err.msg[0]);
        FUZZ_CHECK(strcmp(err.file, "fuzz.yaml") == 0);
        FUZZ_CHECK(rc == MR_ENOMEM || (err.line >= 1 && err.line <= lines && err.column >= 1));
        mr_error_format(&err, line, sizeof(line));
        FUZZ_CHECK(!fuzz_has_control(line));
        if (verbose)
            fprintf(stderr, "refused: %s\n", line);
    }
    free(text);
    return 0;
}
