/*
 * gendoc.c - a build tool (not installed): writes mockrun's man page and its
 * bash and zsh completions from templates, with every option and command
 * taken from the option table through mr_cli_doc, so that neither can drift
 * from what mockrun takes.
 *
 *     mockrun-gendoc man  TEMPLATE OUT DATE   (dist/mockrun.1.in)
 *     mockrun-gendoc bash TEMPLATE OUT        (dist/completion.bash.in)
 *     mockrun-gendoc zsh  TEMPLATE OUT        (dist/completion.zsh.in)
 *
 * In a template, these words are replaced and everything else is copied:
 *   all:  @VERSION@
 *   man:  @DATE@, @OPTIONS@ and @COMMANDS@ (a .TP paragraph each)
 *   bash: @OPTIONS@ (every option and alias, space-separated), @COMMANDS@;
 *         @FILE_OPTIONS@, @JSON_OPTIONS@ and @VALUE_OPTIONS@ (the options
 *         whose value is a file, a JSON file, or something else, as a case
 *         pattern: a|b)
 *   zsh:  @OPTIONS@ (one _arguments spec a line, for an array), @COMMANDS@
 *         (one 'name:description' a line, for _describe)
 * How a value is completed follows its name in --help: PATH and FILE are
 * files, ENV a JSON file (a Mockoon environment), anything else is typed.
 * Exit status 0, or 1 with a message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "runner/cli.h"

enum value_kind { VALUE_NONE, VALUE_FILE, VALUE_JSON, VALUE_TYPED };

static enum value_kind kind_of(const struct mr_cli_doc *d)
{
    if (!d->arg)
        return VALUE_NONE;
    if (strcmp(d->arg, "PATH") == 0 || strcmp(d->arg, "[FILE]") == 0)
        return VALUE_FILE;
    if (strcmp(d->arg, "ENV") == 0)
        return VALUE_JSON;
    return VALUE_TYPED;
}

/* Text for roff: a backslash is \e, a hyphen \- (so it stays a hyphen-minus
 * people can copy), and a line starting with . or ' is not a request. */
static void roff_text(struct mr_buf *b, const char *s)
{
    bool line_start = true;

    for (; *s; s++) {
        if (line_start && (*s == '.' || *s == '\''))
            mr_buf_puts(b, "\\&");
        line_start = *s == '\n';
        if (*s == '\\')
            mr_buf_puts(b, "\\e");
        else if (*s == '-')
            mr_buf_puts(b, "\\-");
        else
            mr_buf_putc(b, *s);
    }
}

/* One .TP paragraph: "\fB\-v\fR, \fB\-\-verbose\fR \fIN\fR", then the help. */
static void man_entry(struct mr_buf *b, const struct mr_cli_doc *d)
{
    mr_buf_puts(b, ".TP\n");
    if (d->alias) {
        mr_buf_puts(b, "\\fB");
        roff_text(b, d->alias);
        mr_buf_puts(b, "\\fR, ");
    }
    mr_buf_puts(b, "\\fB");
    roff_text(b, d->name);
    mr_buf_puts(b, "\\fR");
    if (d->arg) {
        bool optional = d->arg[0] == '[';
        size_t len = strlen(d->arg) - (optional ? 2 : 0);
        mr_buf_printf(b, " %s\\fI%.*s\\fR%s", optional ? "[" : "", (int)len,
                      d->arg + (optional ? 1 : 0), optional ? "]" : "");
    }
    mr_buf_putc(b, '\n');
    if (d->help[0] >= 'a' && d->help[0] <= 'z') /* a sentence here */
        mr_buf_putc(b, (char)(d->help[0] - 'a' + 'A'));
    roff_text(b, d->help + (d->help[0] >= 'a' && d->help[0] <= 'z'));
    if (d->def >= 0)
        mr_buf_printf(b, " (default %.0f)", d->def);
    mr_buf_puts(b, ".\n");
}

/* bash: the names of one kind of entry, joined by sep. */
static void bash_names(struct mr_buf *b, bool commands, int kind, const char *sep)
{
    struct mr_cli_doc d;
    size_t i, n = 0;

    for (i = 0; mr_cli_doc(i, &d); i++) {
        if (d.command != commands || (kind >= 0 && kind_of(&d) != (enum value_kind)kind))
            continue;
        if (d.alias)
            mr_buf_printf(b, "%s%s", n++ ? sep : "", d.alias);
        mr_buf_printf(b, "%s%s", n++ ? sep : "", d.name);
    }
    if (n == 0) /* a case pattern cannot be empty; this one matches no word */
        mr_buf_puts(b, "--@none@");
}

/* The first line of an entry's help, for zsh, inside '...' and [...]. */
static void zsh_description(struct mr_buf *b, const char *help)
{
    for (; *help && *help != '\n'; help++) {
        if (*help == '\'')
            mr_buf_puts(b, "'\\''");
        else if (*help == '[' || *help == ']' || *help == '\\' || *help == ':')
            mr_buf_printf(b, "\\%c", *help);
        else
            mr_buf_putc(b, *help);
    }
    if (*help) /* the sentence goes on */
        mr_buf_puts(b, "...");
}

static void zsh_option(struct mr_buf *b, const struct mr_cli_doc *d)
{
    enum value_kind k = kind_of(d);
    bool alone = strcmp(d->name, "--help") == 0 || strcmp(d->name, "--version") == 0 ||
                 strcmp(d->name, "--import-mockoon") == 0;

    mr_buf_puts(b, "        ");
    /* -v, -vv: repeatable; --help and the like: nothing else goes with them */
    if (alone)
        mr_buf_puts(b, "'(- *)'");
    else if (d->alias)
        mr_buf_puts(b, "'*'");
    if (d->alias)
        mr_buf_printf(b, "{%s,%s}'", d->alias, d->name);
    else
        mr_buf_printf(b, "'%s%s", d->name, k == VALUE_NONE ? "" : "=");
    mr_buf_putc(b, '[');
    zsh_description(b, d->help);
    mr_buf_putc(b, ']');
    if (k == VALUE_FILE)
        mr_buf_printf(b, ":%s:_files", d->arg);
    else if (k == VALUE_JSON)
        mr_buf_printf(b, ":%s (JSON):_files -g \"*.json(-.)\"", d->arg);
    else if (k == VALUE_TYPED)
        mr_buf_printf(b, ":%s: ", d->arg);
    mr_buf_puts(b, "'\n");
}

static void fill(struct mr_buf *b, const char *what, const char *word, const char *date)
{
    struct mr_cli_doc d;
    size_t i;

    if (strcmp(word, "VERSION") == 0) {
        mr_buf_puts(b, MOCKRUN_VERSION);
    } else if (strcmp(word, "DATE") == 0 && date) {
        mr_buf_puts(b, date);
    } else if (strcmp(what, "man") == 0 &&
               (strcmp(word, "OPTIONS") == 0 || strcmp(word, "COMMANDS") == 0)) {
        for (i = 0; mr_cli_doc(i, &d); i++)
            if (d.command == (word[0] == 'C'))
                man_entry(b, &d);
    } else if (strcmp(what, "bash") == 0 && strcmp(word, "OPTIONS") == 0) {
        bash_names(b, false, -1, " ");
    } else if (strcmp(what, "bash") == 0 && strcmp(word, "COMMANDS") == 0) {
        bash_names(b, true, -1, " ");
    } else if (strcmp(what, "bash") == 0 && strcmp(word, "FILE_OPTIONS") == 0) {
        bash_names(b, false, VALUE_FILE, "|");
    } else if (strcmp(what, "bash") == 0 && strcmp(word, "JSON_OPTIONS") == 0) {
        bash_names(b, false, VALUE_JSON, "|");
    } else if (strcmp(what, "bash") == 0 && strcmp(word, "VALUE_OPTIONS") == 0) {
        bash_names(b, false, VALUE_TYPED, "|");
    } else if (strcmp(what, "zsh") == 0 && strcmp(word, "OPTIONS") == 0) {
        for (i = 0; mr_cli_doc(i, &d); i++)
            if (!d.command)
                zsh_option(b, &d);
    } else if (strcmp(what, "zsh") == 0 && strcmp(word, "COMMANDS") == 0) {
        for (i = 0; mr_cli_doc(i, &d); i++) {
            if (!d.command)
                continue;
            mr_buf_printf(b, "        '%s:", d.name);
            zsh_description(b, d.help);
            mr_buf_puts(b, "'\n");
        }
    } else {
        fprintf(stderr, "mockrun-gendoc: %s template: unknown word '@%s@'\n", what, word);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    struct mr_buf in, out;
    const char *p, *at, *end;
    FILE *f;

    if (argc < 4 || argc > 5 ||
        (strcmp(argv[1], "man") != 0 && strcmp(argv[1], "bash") != 0 &&
         strcmp(argv[1], "zsh") != 0)) {
        fputs("usage: mockrun-gendoc man|bash|zsh TEMPLATE OUT [DATE]\n", stderr);
        return 1;
    }
    mr_buf_init(&in);
    mr_buf_init(&out);
    if (mr_buf_read_file(&in, argv[2], 1 << 20) != 0) {
        fprintf(stderr, "mockrun-gendoc: cannot read '%s'\n", argv[2]);
        return 1;
    }
    for (p = mr_buf_cstr(&in); (at = strchr(p, '@')) != NULL; p = end + 1) {
        char word[32];

        end = strchr(at + 1, '@');
        if (!end || end - at - 1 <= 0 || (size_t)(end - at - 1) >= sizeof(word) ||
            strspn(at + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != (size_t)(end - at - 1)) {
            mr_buf_append(&out, p, (size_t)(at - p) + 1); /* a lone '@' */
            end = at;
            continue;
        }
        mr_buf_append(&out, p, (size_t)(at - p));
        memcpy(word, at + 1, (size_t)(end - at - 1));
        word[end - at - 1] = '\0';
        fill(&out, argv[1], word, argc == 5 ? argv[4] : NULL);
    }
    mr_buf_puts(&out, p);
    if (out.failed) {
        fputs("mockrun-gendoc: out of memory\n", stderr);
        return 1;
    }
    if (!(f = fopen(argv[3], "w")) || fputs(mr_buf_cstr(&out), f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "mockrun-gendoc: cannot write '%s'\n", argv[3]);
        return 1;
    }
    mr_buf_release(&in);
    mr_buf_release(&out);
    return 0;
}
