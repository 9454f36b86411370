/*
 * test_template.c - templates/template*.c: Handlebars syntax and whitespace
 * rules, escaping, compile errors with positions, every helper, the request
 * context, determinism under a seed, and the limits that keep a render safe.
 *
 * Expected outputs are Mockoon's. Where a case comes from Mockoon's own test
 * suite it names the describe() block of
 *   mockoon/mockoon packages/commons-server/test/specs/templating-helpers/
 *     helpers.test.ts ("H: name") or request-helpers.test.ts ("R: name");
 * other cases follow the helper's source in
 *   packages/commons-server/src/libs/templating-helpers/helpers/NAME.ts
 * and Handlebars 4.7 (lib/handlebars/helpers, lib/handlebars/compiler) for
 * the built-ins and the syntax.
 *
 * One case:   CK_RUN_CASE=helpers-values ./test_template
 * Under gdb:  CK_FORK=no gdb ./test_template
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "templates/template.h"

/* ---- fixtures ------------------------------------------------------------------ */

/* splitmix64: the seeded generator a scenario run would hand templates */
static uint64_t next_rand(void *p)
{
    uint64_t *s = p;
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

#define KV(n, v)                                                                                   \
    {                                                                                              \
        n, sizeof(n) - 1, v, sizeof(v) - 1                                                         \
    }

static const struct mr_kv headers[] = {KV("Content-Type", "application/json"),
                                       KV("Authorization", "Bearer mytoken"),
                                       KV("Host", "localhost:3000"),
                                       KV("X-Trace", "t1"),
                                       KV("x-trace", "t2"),
                                       KV("Cookie", "sid=xyz; theme=dark")};
static const struct mr_kv params[] = {KV("id", "123"), KV("category", "books")};
static const struct mr_kv cookies[] = {KV("sid", "xyz"), KV("theme", "dark")};

static const char json_body[] =
    "{\"prop1\":\"123\",\"prop2\":{\"data\":\"super\"},\"name\":\"Ann <b>\","
    "\"items\":[{\"sku\":\"A1\",\"qty\":2},{\"sku\":\"B2\",\"qty\":5}],"
    "\"deep\":{\"property.with.dots\":\"val1\"},\"n\":1.5,\"flag\":true,\"none\":null}";

static uint64_t seed_state;

static struct mr_tpl_ctx base_ctx(const char *body, size_t body_len)
{
    struct mr_tpl_ctx c;

    memset(&c, 0, sizeof(c));
    c.method = "POST";
    c.path = "/users/123";
    c.query_raw = "page=2&tag=a&tag=b&filter[status]=open&param1.name=dotted";
    c.headers = headers;
    c.nheaders = sizeof(headers) / sizeof(headers[0]);
    c.params = params;
    c.nparams = sizeof(params) / sizeof(params[0]);
    c.cookies = cookies;
    c.ncookies = sizeof(cookies) / sizeof(cookies[0]);
    c.body = body;
    c.body_len = body_len;
    c.base_url = "http://127.0.0.1:3000";
    c.now_ms = 1700000000000LL; /* 2023-11-14T22:13:20Z */
    c.rand = next_rand;
    c.rand_ctx = &seed_state;
    return c;
}

/* Compiles and renders; the caller frees the result. */
static char *render_ctx(const char *tpl, enum mr_tpl_escape esc, const struct mr_tpl_ctx *ctx)
{
    struct mr_template *t = NULL;
    struct mr_buf out;
    char err[512];
    int rc = mr_template_compile(&t, tpl, strlen(tpl), esc, err, sizeof(err));
    char *s;

    ck_assert_msg(rc == 0, "compiling %s: %s", tpl, err);
    mr_buf_init(&out);
    rc = mr_template_render(t, ctx, &out);
    ck_assert_int_eq(rc, 0);
    mr_template_free(t);
    s = mr_buf_detach(&out, NULL);
    ck_assert_ptr_nonnull(s);
    return s;
}

static char *render(const char *tpl)
{
    struct mr_tpl_ctx c = base_ctx(json_body, strlen(json_body));
    seed_state = 42;
    return render_ctx(tpl, MR_TPL_HTML, &c);
}

static void expect_at(int line, const char *tpl, const char *want)
{
    char *got = render(tpl);
    ck_assert_msg(strcmp(got, want) == 0, "line %d: %s\n  want [%s]\n  got  [%s]", line, tpl, want,
                  got);
    free(got);
}
#define expect(tpl, want) expect_at(__LINE__, tpl, want)

static void expect_none_at(int line, const char *tpl, const char *want)
{
    struct mr_tpl_ctx c = base_ctx(json_body, strlen(json_body));
    char *got;

    seed_state = 42;
    got = render_ctx(tpl, MR_TPL_NONE, &c);
    ck_assert_msg(strcmp(got, want) == 0, "line %d: %s\n  want [%s]\n  got  [%s]", line, tpl, want,
                  got);
    free(got);
}
#define expect_none(tpl, want) expect_none_at(__LINE__, tpl, want)

/* Renders with a given body and Content-Type (NULL: no Content-Type). */
static void expect_body_at(int line, const char *body, const char *ctype, const char *tpl,
                           const char *want)
{
    struct mr_tpl_ctx c = base_ctx(body, body ? strlen(body) : 0);
    struct mr_kv h[2];
    char *got;

    h[0].name = "Content-Type";
    h[0].name_len = 12;
    h[0].value = ctype ? ctype : "";
    h[0].value_len = ctype ? strlen(ctype) : 0;
    c.headers = h;
    c.nheaders = ctype ? 1 : 0;
    seed_state = 42;
    got = render_ctx(tpl, MR_TPL_HTML, &c);
    ck_assert_msg(strcmp(got, want) == 0, "line %d: %s\n  want [%s]\n  got  [%s]", line, tpl, want,
                  got);
    free(got);
}
#define expect_body(body, ctype, tpl, want) expect_body_at(__LINE__, body, ctype, tpl, want)

static void expect_error_at(int line, const char *tpl, const char *want)
{
    struct mr_template *t = NULL;
    char err[512];
    int rc = mr_template_compile(&t, tpl, strlen(tpl), MR_TPL_HTML, err, sizeof(err));

    ck_assert_msg(rc == MR_ESCENARIO, "line %d: %s compiled", line, tpl);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err, want) != NULL,
                  "line %d: %s\n  want error containing [%s]\n  got [%s]", line, tpl, want, err);
}
#define expect_error(tpl, want) expect_error_at(__LINE__, tpl, want)

static bool compiles(const char *tpl)
{
    struct mr_template *t = NULL;
    char err[256];
    int rc = mr_template_compile(&t, tpl, strlen(tpl), MR_TPL_HTML, err, sizeof(err));
    mr_template_free(t);
    return rc == 0;
}

/* ---- syntax ---------------------------------------------------------------------- */

START_TEST(test_text_and_comments)
{
    expect("", "");
    expect("plain text, no mustache", "plain text, no mustache");
    expect("a{{! a comment }}b", "ab");
    expect("a{{!-- a comment with }} inside --}}b", "ab");
    expect("a{{!--}}b", "ab");
    expect("a{{!}}b", "ab");
    ck_assert(mr_template_detect("x {{y}}", 7));
    ck_assert(!mr_template_detect("x { {y} }", 9));
    ck_assert(!mr_template_detect("{", 1));
}
END_TEST

START_TEST(test_escaped_mustaches)
{
    /* handlebars.l: \{{ starts literal text up to the next {{, and \\{{ is a
     * backslash followed by a real mustache */
    expect("\\{{method}}", "{{method}}");
    expect("\\{{method}} and {{method}}", "{{method}} and POST");
    expect("\\\\{{method}}", "\\POST");
    expect("\\{{a}}\\{{b}}", "{{a}}{{b}}");
    expect("a\\b {{method}}", "a\\b POST");
}
END_TEST

/* mr_template_quote: text kept as it is inside a template, whatever braces it holds */
START_TEST(test_quote)
{
    static const char *const texts[] = {"plain",
                                        "",
                                        "{{method}}",
                                        "a{{b}}c{{d}}",
                                        "{{{method}}}",
                                        "{{{{x}}}}",
                                        "{{",
                                        "{{{",
                                        "x}}y",
                                        "{{#if}}\n{{/if}}",
                                        "{{! comment }}",
                                        "  {{~method~}}  ",
                                        "a\\b {{x}}",
                                        "{",
                                        "{ {",
                                        "}}{{"};
    size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct mr_buf src;
        char *got;
        mr_buf_init(&src);
        ck_assert(mr_template_quote(&src, texts[i], strlen(texts[i])));
        ck_assert(!src.failed);
        got = render(mr_buf_cstr(&src));
        ck_assert_msg(strcmp(got, texts[i]) == 0, "%s: quoted as %s, rendered %s", texts[i],
                      mr_buf_cstr(&src), got);
        free(got);
        mr_buf_release(&src);
    }
    /* a backslash before "{{" cannot be said: nothing appended */
    {
        struct mr_buf src;
        mr_buf_init(&src);
        ck_assert(!mr_template_quote(&src, "a\\{{x}}", 6));
        ck_assert(!mr_template_quote(&src, "\\{{", 3));
        ck_assert_uint_eq(src.len, 0);
        mr_buf_release(&src);
    }
}
END_TEST

START_TEST(test_whitespace_control)
{
    expect("a  {{~method~}}  b", "aPOSTb");
    expect("a \n {{~method}} b", "aPOST b");
    expect("[ {{~#if true~}} x {{~/if~}} ]", "[x]");
    expect("{{#if false}}x{{~else~}}  y  {{/if}}", "y  ");
    expect("a {{~! comment ~}} b", "ab");
    expect("a {{~{method}~}} b", "aPOSTb");
}
END_TEST

START_TEST(test_standalone_lines)
{
    /* whitespace-control.js: a block tag alone on its line takes the line */
    expect("{{#if true}}\n  yes\n{{else}}\n  no\n{{/if}}\nend", "  yes\nend");
    expect("list:\n  {{#each (array 1 2)}}\n  - {{this}}\n  {{/each}}\ndone",
           "list:\n  - 1\n  - 2\ndone");
    expect("a\n  {{! note }}\nb", "a\nb");
    expect("a\n{{!-- note --}}\nb", "a\nb");
    /* not standalone: something else on the line */
    expect("a {{#if true}}x{{/if}} b\n", "a x b\n");
    expect("  {{method}}\n", "  POST\n");
    /* the root's first and last lines */
    expect("{{#if true}}\nx\n{{/if}}", "x\n");
}
END_TEST

START_TEST(test_literals_and_paths)
{
    expect("{{lookup (array 'a' 'b') 1}}", "b");
    /* string literals: \" and \' escape their quote; an unterminated one
     * ends at its last escaped quote (the lexer's regex backtracks) */
    expect("{{concat \"a\\\" b\" \"c\"}}|{{lowercase \"X\\\"Y}}|{{lowercase 'It\\'S'}}",
           "a&quot; bc|x\\|it&#x27;s");
    expect("{{#if false}}a{{ else }}b{{/if}}|{{#if false}}a{{^}}b{{/if}}|"
           "{{#if false}}a{{~^~}} b{{/if}}",
           "b|b|b");
    expect("{{concat 1 -2 1.5 true false null undefined 'q' \"d\"}}",
           "1-21.5truefalsenullundefinedqd");
    expect("{{concat 'it\\'s' \" say \\\"hi\\\"\"}}", "it&#x27;s say &quot;hi&quot;");
    /* a literal in the head position looks up a key (transformLiteralToPath) */
    expect("[{{1}}|{{true}}|{{'a b'}}]", "[||]");
    expect("{{this}}|{{.}}", "[object Object]|[object Object]");
    expect("{{#with (object a=(object b=(array 'x' 'y')))}}{{a.b.[1]}} {{a.b.1}} {{a.b.length}} "
           "{{./a.b.[0]}} {{this.a.b.0}}{{/with}}",
           "y y 2 x x");
    expect("{{#with (object [a b]='sp')}}{{[a b]}}{{/with}}", "sp");
    expect("{{#with (jsonParse '{\"a b\":\"sp\",\"x\":{\"0\":\"z\"}}')}}{{[a b]}} "
           "{{x.[0]}}{{/with}}",
           "sp z");
    expect("{{#with 'hello'}}{{length}} {{[1]}}{{/with}}", "5 e");
    expect("{{#each (array (object n='a') (object n='b'))}}{{n}}{{../request.method}} {{/each}}",
           "aPOST bPOST ");
    expect("{{#each (array 1)}}{{@root.request.path}}{{/each}}", "/users/123");
    expect("{{#with (object a='x')}}{{#with (object a='y')}}{{a}}{{../a}}{{/with}}{{/with}}", "yx");
}
END_TEST

START_TEST(test_hash_and_subexpressions)
{
    expect("{{{stringify (object a=1 b=(object c=(add 1 2)))}}}",
           "{\n  \"b\": {\n    \"c\": 3\n  },\n  \"a\": 1\n}");
    expect("{{{stringify (object\n  foo = 'abc'\n  bar = (base64 'abc')\n)}}}",
           "{\n  \"bar\": \"YWJj\",\n  \"foo\": \"abc\"\n}");
    expect("{{uppercase (concat (lowercase 'AB') (substr 'xyz' 1))}}", "ABYZ");
}
END_TEST

START_TEST(test_block_forms)
{
    expect("{{#if false}}A{{else if true}}B{{else}}C{{/if}}", "B");
    expect("{{#if false}}A{{else if false}}B{{else}}C{{/if}}", "C");
    expect("{{#if false}}A{{else unless false}}U{{/if}}", "U");
    expect("{{#if false}}A{{^}}B{{/if}}", "B");
    expect("{{^if true}}no{{else}}yes{{/if}}", "yes");
    expect("{{#each (array 'x' 'y') as |v i|}}{{i}}={{v}};{{/each}}", "0=x;1=y;");
    expect("{{#each (object a=1) as |v k|}}{{k}}={{v}}{{/each}}", "a=1");
    expect("{{#with (object a=1) as |o|}}{{o.a}}{{/with}}", "1");
    expect("{{#each (array (array 1 2)) as |row|}}{{#each row as |cell|}}{{cell}}{{row.length}}"
           "{{/each}}{{/each}}",
           "1222");
    /* a block named by a value (blockHelperMissing) */
    expect("{{#request.params}}{{id}}{{/request.params}}", "123");
    expect("{{#request.nothing}}x{{else}}none{{/request.nothing}}", "none");
    expect("{{^request.nothing}}none{{/request.nothing}}", "none");
    expect("{{#request.pathSegments}}[{{this}}]{{/request.pathSegments}}", "[users][123]");
}
END_TEST

/* ---- escaping -------------------------------------------------------------------- */

START_TEST(test_html_escaping)
{
    /* handlebars/utils.js escapeExpression: exactly & < > " ' ` = */
    expect("{{lowercase '&<>\"\\'`=/x'}}", "&amp;&lt;&gt;&quot;&#x27;&#x60;&#x3D;/x");
    expect("{{{lowercase '&<>\"`='}}}", "&<>\"`=");
    expect("{{& lowercase '<&>'}}", "<&>");
    /* SafeStrings (body, queryParam, base64...) are never escaped */
    expect("{{body 'name'}}|{{bodyRaw 'name'}}", "Ann <b>|Ann &lt;b&gt;");
    /* arrays print joined, then escaped; objects as [object Object] */
    expect("{{array '<a>' 'b'}}|{{object a=1}}", "&lt;a&gt;,b|[object Object]");
    /* block results are not escaped */
    expect("{{#if true}}<{{/if}}", "<");
}
END_TEST

START_TEST(test_no_escaping_mode)
{
    expect_none("{{lowercase '&<>\"\\'`='}}", "&<>\"'`=");
    expect_none("{{bodyRaw 'name'}}", "Ann <b>");
    expect_none("{{{bodyRaw 'name'}}}", "Ann <b>");
}
END_TEST

START_TEST(test_raw_values_add_up)
{
    /* Handlebars 4.7.9 (Mockoon's) compiles a program to `return a + b`:
     * adjacent {{{raw}}} numbers and booleans are added before any text */
    expect("{{{add 1 1}}}{{{add 1 1}}}", "4");
    expect("x{{{add 1 1}}}{{{add 1 1}}}|{{add 1 1}}{{add 1 1}}", "x22|22");
    expect("{{{eq 1 1}}}{{{eq 1 1}}}|", "2|");
    expect("{{#each (array 1 2)}}{{{this}}}{{{this}}}{{/each}}", "24");
    expect("{{#if true}}{{{add 1 1}}}{{{add 1 1}}}{{/if}}{{{add 1 0}}}", "5");
    expect("{{{add 1 0}}}{{#repeat 1 comma=false}}x{{/repeat}}{{{add 1 1}}}", "1x2");
    expect("{{{add 1 0}}}{{setVar \"a\" 1}}{{{add 1 1}}}", "12");
}
END_TEST

START_TEST(test_value_printing)
{
    /* String(value) as Handlebars prints it: undefined and null are "" */
    expect("[{{request.nothing}}|{{jsonParse 'null'}}|{{jsonParse 'false'}}|{{jsonParse '0'}}]",
           "[||false|0]");
    expect("{{array 1 (array 2 3) (jsonParse 'null') 4}}", "1,2,3,,4");
    /* ECMAScript Number::toString */
    expect("{{add 0.1 0.2}}", "0.30000000000000004");
    expect("{{multiply 1e21 1}}", "NaN"); /* 1e21 is no number literal: a path */
    expect("{{multiply 1000000 1000000 1000000 1000}}", "1e+21");
    expect("{{multiply 100000 100000 100000 100000}}", "100000000000000000000");
    expect("{{divide 1 10000000}}", "1e-7");
    expect("{{divide 1 1000000}}", "0.000001");
    expect("{{divide 1 3}}", "0.3333333333333333");
    expect("{{multiply -1 0}}", "0");
    expect("{{divide 10 4}}|{{subtract 0 2.5}}", "2.5|-2.5");
    expect("{{add 'x' 1}}|{{divide 1 (jsonParse '0') }}", "NaN|1");
    expect("{{multiply (jsonParse '1e308') 10}}|{{multiply (jsonParse '-1e308') 10}}",
           "Infinity|-Infinity");
    expect("{{add 123456789012345680000 0}}", "123456789012345680000");
    expect("{{add 0.000001234 0}}|{{add (jsonParse '1.5e-10') 0}}", "0.000001234|1.5e-10");
}
END_TEST

/* ---- errors ---------------------------------------------------------------------- */

START_TEST(test_error_unknown_helpers)
{
    struct mr_template *t = NULL;
    char err[512];

    expect_error("{{fakr 'person.firstName'}}",
                 "unknown helper \"fakr\" at 1:3 (did you mean \"faker\"?)");
    expect_error("x\n  {{lowercse 'A'}}", "unknown helper \"lowercse\" at 2:5 (did you mean "
                                          "\"lowercase\"?)");
    expect_error("{{queryparam 'a'}}", "did you mean \"queryParam\"?");
    expect_error("{{zzzzzzzz}}", "unknown helper \"zzzzzzzz\" at 1:3");
    /* common/text's mr_text_suggest: swapped neighbours are one slip, and a
     * short name needs a close match ("name" is two edits from "case") */
    expect_error("{{sortyB (array 2 1)}}", "(did you mean \"sortBy\"?)");
    ck_assert_int_eq(mr_template_compile(&t, "{{name}}", 8, MR_TPL_HTML, err, sizeof(err)),
                     MR_ESCENARIO);
    ck_assert_str_eq(err, "unknown helper \"name\" at 1:3");
    expect_error("{{#bogus}}x{{/bogus}}", "unknown helper \"bogus\" at 1:4");
    expect_error("{{lowercase (uppercse 'a')}}", "unknown helper \"uppercse\" at 1:14");
    expect_error("{{a.b 1}}", "unknown helper \"a.b\"");
    expect_error("{{faker 'person.frstName'}}",
                 "unknown faker method \"person.frstName\" (did you mean \"person.firstName\"?) "
                 "at 1:3");
    expect_error("{{data 'bucket'}}", "\"data\" at 1:3 is not supported by mockrun (data buckets)");
    expect_error("{{now 'yyyy-MM-dd jj'}}", "not a date-fns token");
    /* names that are fine: data in scope, request, @vars */
    ck_assert(compiles("{{#each (array (object name=1))}}{{name}}{{/each}}"));
    ck_assert(compiles("{{request}}{{@index}}{{this.x}}{{./y}}"));
}
END_TEST

START_TEST(test_error_structure)
{
    expect_error("a\n{{#if true}}\n  x", "unclosed {{#if}} opened at 2:1");
    expect_error("{{#each (array)}}x{{/if}}",
                 "{{/if}} at 1:19 does not match {{#each}} opened at 1:1");
    expect_error("x{{/if}}", "unexpected {{/...}} at 1:2: no block is open");
    expect_error("x{{else}}y", "{{else}} at 1:2 is outside any block");
    expect_error("{{method", "expected \"}}\" to close the mustache opened at 1:1, got end of "
                             "template");
    expect_error("{{{method}}", "expected \"}}}\"");
    expect_error("{\"id\": {{method}}}", "\"}}}\" at 1:16 closes a {{{ mustache");
    expect_error("{{lowercase (method}}", "expected \")\" to close the subexpression opened at "
                                          "1:13");
    expect_error("{{foo(bar)}}", "at 1:3");
    expect_error("{{!-- never closed", "unclosed comment {{!-- opened at 1:1");
    expect_error("{{> partial}}", "partials ({{> name}}) are not supported, at 1:1");
    expect_error("{{{{raw}}}}x{{{{/raw}}}}", "raw blocks");
    expect_error("{{* deco}}", "decorators");
    expect_error("{{foo.this}}", "invalid path \"foo.this\"");
    expect_error("{{}}", "expected a helper name, a value or a path at 1:3");
}
END_TEST

START_TEST(test_error_helper_use)
{
    expect_error("{{repeat 3}}", "\"repeat\" at 1:3 is a block helper");
    expect_error("{{lowercase (if true)}}", "\"if\" at 1:14 is a block helper");
    expect_error("{{#if}}x{{/if}}", "\"if\" at 1:4 needs 1 argument, got 0");
    expect_error("{{#if a b}}x{{/if}}", "\"if\" at 1:4 takes 1 argument, got 2");
    expect_error("{{#each}}x{{/each}}", "\"each\" at 1:4 needs 1 argument");
    expect_error("{{#repeat 1 2 3}}x{{/repeat}}", "takes at most 2 arguments, got 3");
    expect_error("{{#switch}}x{{/switch}}", "\"switch\" at 1:4 needs 1 argument");
    expect_error("{{lookup}}", "\"lookup\" at 1:3 needs at least 1 argument, got 0");
    expect_error("{{#default 1}}x{{/default}}", "\"default\" at 1:4 takes 0 arguments");
}
END_TEST

START_TEST(test_error_limits)
{
    char *deep = malloc(70 * 20 + 1);
    size_t i, n = 0;

    for (i = 0; i < 65; i++)
        n += (size_t)sprintf(deep + n, "(lowercase ");
    n += (size_t)sprintf(deep + n, "'x'");
    for (i = 0; i < 65; i++)
        deep[n++] = ')';
    deep[n] = '\0';
    {
        char *tpl = malloc(n + 32);
        sprintf(tpl, "{{lowercase %s}}", deep);
        expect_error(tpl, "nest more than 64 deep");
        free(tpl);
    }
    free(deep);
    ck_assert(compiles("{{#if 1}}{{#if 1}}{{#if 1}}x{{/if}}{{/if}}{{/if}}"));
}
END_TEST

/* ---- Handlebars built-ins --------------------------------------------------------- */

START_TEST(test_if_unless)
{
    expect("{{#if 0}}a{{else}}b{{/if}}|{{#if 0 includeZero=true}}a{{/if}}", "b|a");
    expect("{{#if (array)}}a{{else}}empty{{/if}}|{{#if (object)}}obj{{/if}}", "empty|obj");
    expect("{{#if ''}}a{{else}}b{{/if}}|{{#if 'x'}}a{{/if}}", "b|a");
    /* a SafeString is an object, so truthy even when empty (if.js) */
    expect("{{#if (body 'missing')}}truthy{{/if}}", "truthy");
    expect("{{#unless false}}a{{else}}b{{/unless}}|{{#unless 1}}a{{else}}b{{/unless}}", "a|b");
}
END_TEST

START_TEST(test_each)
{
    expect("{{#each (array 'a' 'b' 'c')}}{{@index}}{{@key}}{{this}}{{#if @first}}F{{/if}}"
           "{{#if @last}}L{{/if}} {{/each}}",
           "00aF 11b 22cL ");
    expect("{{#each (jsonParse '{\"b\":1,\"2\":2,\"a\":3,\"1\":4}')}}{{@key}}:{{this}}"
           "{{#if @last}}!{{/if}} {{/each}}",
           "1:4 2:2 b:1 a:3! ");
    expect("{{#each (array)}}x{{else}}empty{{/each}}|{{#each 'str'}}x{{else}}no{{/each}}",
           "empty|no");
    expect("{{#each (bodyRaw 'items')}}{{sku}}x{{qty}};{{/each}}", "A1x2;B2x5;");
    /* wrapProgram compares contexts with !=: 3 == [3], so `../` skips a level */
    expect("{{#each (array (array 1 2) (array 3))}}{{#each this}}{{../length}}{{/each}}{{/each}}",
           "22");
}
END_TEST

START_TEST(test_with_lookup_log)
{
    expect("{{#with (object a='x')}}{{a}}{{/with}}|{{#with (array)}}x{{else}}none{{/with}}",
           "x|none");
    expect(
        "{{lookup (object a='x') 'a'}}|{{lookup (array 'p' 'q') 1}}|{{lookup (array 1) 'length'}}",
        "x|q|1");
    expect("[{{lookup (object) 'nope'}}|{{lookup 0 'x'}}|{{lookup '' 'x'}}]", "[|0|]");
    expect("[{{log 'message' level='warn'}}]", "[]");
}
END_TEST

/* ---- Mockoon: logic and loops ------------------------------------------------------ */

START_TEST(test_comparisons)
{
    /* H: gt, gte, lt, lte, eq */
    expect("{{gt 1.11111 1}} {{gt 1.11111 1.2}} {{gt 1 1}}", "true false false");
    expect("{{gte 1.11111 1}} {{gte 1.11111 1.2}} {{gte 1 1}}", "true false true");
    expect("{{lt 1 2}} {{lt 2 1}} {{lt 1 1}} {{lte 1 2}} {{lte 2 1}} {{lte 1 1}}",
           "true false false true false true");
    expect("{{gt '10' 9}} {{gt 'a' 1}} {{gt 1}}", "true false false");
    expect(
        "{{eq 1 2}} {{eq 1 1}} {{eq 1 \"1\"}} {{eq \"v1\" \"v1\"}} {{eq \"v1\" \"v11\"}} {{eq 1}}",
        "false true false true false false");
    expect("{{eq (body 'prop1') '123'}} {{eq (queryParam 'page') '2'}}", "true true");
    /* mockrun's and/or/not (Mockoon has none): JavaScript truthiness */
    expect("{{and true 1 'x'}} {{and true 0}} {{or 0 '' 'y'}} {{or 0 false}} {{not 0}} {{not 'x'}}",
           "true false true false true false");
    expect("{{#if (and (eq method 'POST') (not (eq 1 2)))}}ok{{/if}}", "");
    expect("{{#if (and (eq (method) 'POST') (not (eq 1 2)))}}ok{{/if}}", "ok");
}
END_TEST

START_TEST(test_includes)
{
    /* H: includes */
    expect("{{includes 'testdata' 'test'}} {{includes 'testdata' 'not'}} {{includes}} "
           "{{includes 'testdata'}}",
           "true false true true");
    expect("{{includes (header 'Authorization') 'Bearer'}}", "true");
}
END_TEST

START_TEST(test_switch)
{
    /* H: switch */
    expect("{{#switch (body 'prop1')}}{{#case '123'}}value1{{/case}}{{#default}}defaultvalue"
           "{{/default}}{{/switch}}",
           "value1");
    expect("{{#switch (body 'prop1')}}{{#case 'x'}}value1{{/case}}{{#default}}defaultvalue"
           "{{/default}}{{/switch}}",
           "defaultvalue");
    expect("{{#repeat 2 comma=false}}{{@index}}{{#switch @index}}{{#case 0}}John{{/case}}"
           "{{#default}}Peter{{/default}}{{/switch}}{{/repeat}}",
           "0John1Peter");
    expect("{{#switch (bodyRaw 'flag')}}{{#case true}}value1{{/case}}{{#default}}defaultvalue"
           "{{/default}}{{/switch}}",
           "value1");
    expect("{{#switch 'b'}}{{#case 'a'}}A{{/case}}{{#case 'b'}}B{{/case}}{{#case 'b'}}B2{{/case}}"
           "{{#default}}D{{/default}}{{/switch}}",
           "B");
    expect("{{#switch (lowercase 'ABCD')}}{{#case 'abcd'}}value1{{/case}}{{/switch}}", "value1");
}
END_TEST

START_TEST(test_repeat)
{
    /* repeat.ts: trimEnd, a comma between items, none after the last, EOL */
    expect("{{#repeat 3}}x{{/repeat}}", "x,\nx,\nx\n");
    expect("{{#repeat 2}}  {\"a\": 1}  \n{{/repeat}}", "  {\"a\": 1},\n  {\"a\": 1}\n");
    expect("{{#repeat 2}}a,{{/repeat}}", "a,\na\n");
    expect("{{#repeat 3 comma=false}}x{{/repeat}}", "xxx");
    expect("{{#repeat 3 comma='false'}}x{{/repeat}}", "x,\nx,\nx\n");
    expect("{{#repeat 0}}x{{/repeat}}|{{#repeat -1}}x{{/repeat}}|{{#repeat 'z'}}x{{/repeat}}",
           "||");
    expect("{{#repeat '2' comma=false}}x{{/repeat}}", "xx");
    expect("{{#repeat 2 comma=false}}{{@index}}/{{@total}}/{{@first}}/{{@last}} {{/repeat}}",
           "0/2/true/false 1/2/false/true ");
    /* R: body: {{#repeat 2}}{{body @index}}{{/repeat}} with a root array */
    expect_body("[{\"id\":1,\"name\":\"John\"},{\"id\":2,\"name\":\"Doe\"}]", "application/json",
                "{{#repeat 2}}{{body @index}}{{/repeat}}",
                "{\"id\":1,\"name\":\"John\"},\n{\"id\":2,\"name\":\"Doe\"}\n");
    expect("{\n  \"items\": [\n    {{#repeat 2}}\n    {\"id\": {{@index}} }\n    {{/repeat}}\n"
           "  ]\n}",
           "{\n  \"items\": [\n    {\"id\": 0 },\n    {\"id\": 1 }\n  ]\n}");
    /* the context inside is the outer one */
    expect("{{#with (object a='A')}}{{#repeat 2 comma=false}}{{a}}{{/repeat}}{{/with}}", "AA");
}
END_TEST

START_TEST(test_repeat_range)
{
    int seen[4] = {0}, i;

    for (i = 0; i < 60; i++) {
        struct mr_tpl_ctx c = base_ctx("", 0);
        char *got;
        size_t n;
        seed_state = (uint64_t)i * 7919;
        got = render_ctx("{{#repeat 1 3 comma=false}}x{{/repeat}}", MR_TPL_HTML, &c);
        n = strlen(got);
        ck_assert_msg(n >= 1 && n <= 3, "repeat 1 3 gave %zu items", n);
        seen[n]++;
        free(got);
    }
    ck_assert(seen[1] && seen[2] && seen[3]);
    /* the bounds may come in either order, and as strings */
    expect("{{#repeat 2 2 comma=false}}x{{/repeat}}|{{#repeat '3' '3' comma=false}}y{{/repeat}}",
           "xx|yyy");
}
END_TEST

/* ---- Mockoon: variables --------------------------------------------------------------- */

START_TEST(test_set_get_var)
{
    /* H: setVar, getVar */
    expect("{{setVar 'testvar' 'testvalue'}}{{@testvar}}", "testvalue");
    expect("{{setVar 'testvar' 123}}{{@testvar}}", "123");
    expect("{{setVar 'testvar' (body 'prop1')}}{{@testvar}}", "123");
    expect("{{setVar 'testvar' (oneOf (array 'item1'))}}{{@testvar}}", "item1");
    expect("{{setVar 'testvar' 5}}{{#repeat @testvar comma=false}}test{{/repeat}}",
           "testtesttesttesttest");
    expect("{{#repeat 5 comma=false}}{{setVar 'testvar' @index}}{{@testvar}}{{/repeat}}", "01234");
    expect("{{setVar 'outsidevar' 'test'}}{{@outsidevar}}{{#repeat 5 comma=false}}"
           "{{setVar 'testvar' @index}}{{@testvar}}{{@outsidevar}}{{/repeat}}",
           "test0test1test2test3test4test");
    expect("{{#repeat 1 comma=false}}{{setVar 'itemId' 25}}Item:{{@itemId}}{{setVar 'nb' 1}}"
           "{{#repeat @nb comma=false}}{{setVar 'childId' 56}}Child:{{@childId}}parent:{{@itemId}}"
           "{{/repeat}}{{/repeat}}",
           "Item:25Child:56parent:25");
    expect("{{#each (split '1 2')}}{{setVar 'item' this}}{{@item}}{{/each}}", "12");
    expect("{{#repeat 2 comma=false}}{{setVar 'repeatvar' 'rv'}}{{#each (split '1 2')}}"
           "{{setVar 'item' this}}{{@repeatvar}}{{@item}}{{/each}}{{/repeat}}",
           "rv1rv2rv1rv2");
    expect("{{setVar 'testvar'}}[{{@testvar}}]{{setVar ''}}[{{@testvar}}]", "[][]");
    expect("{{setVar 'testvar' 'testvalue'}}[{{getVar}}]{{getVar 'testvar'}}"
           "{{getVar (concat 'test' 'var')}}",
           "[]testvaluetestvalue");
    /* a variable set inside a block stays there; one set by if/with does not */
    expect("{{#repeat 1}}{{setVar 'in' 'x'}}{{/repeat}}[{{@in}}]", "\n[]");
    expect("{{#if true}}{{setVar 'in' 'x'}}{{/if}}[{{@in}}]", "[x]");
}
END_TEST

/* ---- Mockoon: strings ------------------------------------------------------------------ */

START_TEST(test_case_and_split)
{
    /* H: lowercase, uppercase, split, join */
    expect("[{{lowercase}}] {{lowercase 'ABCD'}} {{uppercase 'abcd'}} [{{uppercase 5}}]",
           "[] abcd ABCD []");
    expect("{{lowercase (queryParam 'tag')}} {{uppercase 'straße éà'}} {{lowercase 'ÉÀ İ'}}",
           "[&quot;a&quot;,&quot;b&quot;] STRASSE ÉÀ éà i\xcc\x87");
    expect("{{split 'I love dolphins' ' '}}|{{split 'I too, love dolphins' ','}}|"
           "{{split 'I love dolphins'}}|{{split 'I love dolphins' 123}}|[{{split 123 ','}}]",
           "I,love,dolphins|I too, love dolphins|I,love,dolphins|I,love,dolphins|[]");
    expect("{{#each (split 'item123,item456' ',')}}{{this}};{{/each}}", "item123;item456;");
    expect("{{len (split 'a,b,' ',')}}", "3");
    expect("{{join (array 'Mockoon' 'is' 'nice') ' '}}|{{join 'I too' ' '}}|"
           "{{join (array 'Water' 'Tea' 'Coffee')}}|{{join (array 1 (jsonParse 'null') 2) '-'}}",
           "Mockoon is nice|I too|Water, Tea, Coffee|1--2");
}
END_TEST

START_TEST(test_concat_substr_indexof)
{
    /* H: concat, substr, indexOf */
    expect("{{concat 'test' 'test'}}|{{concat 'test' 123 'test'}}|[{{concat}}]",
           "testtest|test123test|[]");
    expect("{{#repeat 1 comma=false}}{{concat 'test' @index 'test'}}{{/repeat}}", "test0test");
    expect("{{#repeat 2 comma=false}}item_{{body (concat 'items.' @index '.sku')}}{{/repeat}}",
           "item_A1item_B2");
    expect("{{{stringify (concat (array 'item1' 'item2') (array 'item3') 'x')}}}",
           "[\n  \"item1\",\n  \"item2\",\n  \"item3\",\n  \"x\"\n]");
    expect("{{concat 'a' request.nothing}}", "aundefined");
    expect("{{substr 'testdata' 4 4}} {{substr 'testdata' '4' '4'}} {{substr 'testdata' 4}} "
           "[{{substr}}] {{substr 'testdata'}} {{substr 'testdata' -4 2}}",
           "data data data [] testdata da");
    expect("{{setVar 'testvar' 'testdata'}}{{setVar 'from' 4}}{{setVar 'length' 4}}"
           "{{substr @testvar @from @length}}",
           "data");
    expect("{{substr 'héllo wörld' 1 4}}|{{substr '😀abc' 2}}", "éllo|abc");
    expect("{{indexOf 'testdata' 'data'}} {{indexOf 'testdatadata' 'data' 6}} "
           "{{indexOf 'testdatadata' 'data' '6'}} {{indexOf 'testdata12345' 3}} {{indexOf}} "
           "{{indexOf 'testdata'}} {{indexOf 'abc' 'z'}} {{indexOf 'éa' 'a'}}",
           "4 8 8 10 0 0 -1 1");
}
END_TEST

START_TEST(test_replace_pad_len)
{
    /* H: replace, replaceAll (string search, not regular expressions) */
    expect("{{replace 'foo foo' 'foo' 'bar'}}|{{replace 'foo foo' 'baz' 'bar'}}|"
           "{{replace 'foo foo' '' 'bar'}}|[{{replace 'foo foo' 'foo'}}]",
           "bar foo|foo foo|foo foo|[]");
    expect("{{replace (header 'Authorization') 'Bearer ' ''}}", "mytoken");
    expect("{{replaceAll 'foo foo' 'foo' 'bar'}}|{{replaceAll 'a.b.c' '.' '-'}}|"
           "{{replaceAll 'x' 'x' '[$&$$]'}}|{{replace 'abc' 'b' '$`$\\''}}",
           "bar bar|a-b-c|[x$]|aacc");
    /* H: padStart, padEnd */
    expect("[{{padStart}}] {{padStart (body 'prop1')}} [{{padStart (body 'prop1') 10}}] "
           "{{padStart (bodyRaw 'prop1') 10 '*'}} {{padStart 'abc' 7 'xy'}}",
           "[] 123 [       123] *******123 xyxyabc");
    expect("[{{padEnd (bodyRaw 'prop1') 10}}] {{padEnd 'abc' 6 '*'}} {{padEnd 5 3 '0'}}",
           "[123       ] abc*** 500");
    /* H: len */
    expect("{{len (array 1 2 3)}} {{len 'Cowboy'}} {{len true}} {{len}} {{len '😀'}} "
           "{{len (body 'prop1')}}",
           "3 6 0 0 2 0");
    expect("a{{newline}}b", "a\nb");
}
END_TEST

/* ---- Mockoon: numbers ------------------------------------------------------------------ */

START_TEST(test_arithmetic)
{
    /* H: add, subtract, multiply, divide, modulo */
    expect("{{add 1 1}} {{add '1' '1'}} {{add 1}} [{{add}}] {{add 1 (body 'prop1')}} "
           "{{add '1' '2' 'dolphins' '3'}}",
           "2 2 1 [] 124 6");
    expect("{{subtract 1 1}} {{subtract '1' '1'}} {{subtract 1}} [{{subtract}}] "
           "{{subtract 1 (body 'prop1')}} {{subtract '6' '2' 'dolphins' '3'}}",
           "0 0 1 [] -122 1");
    expect("{{multiply 2 3}} {{multiply '2' '3'}} {{multiply 1}} [{{multiply}}] "
           "{{multiply 2 (body 'prop1')}} {{multiply '1' '2' 'dolphins' '3'}}",
           "6 6 1 [] 246 6");
    expect("{{divide 4 2}} {{divide '6' '2'}} {{divide 1}} [{{divide}}] "
           "{{divide 246 (body 'prop1')}} {{divide 5 '0' 5}} {{divide '6' '2' 'dolphins' '3'}}",
           "2 3 1 [] 2 1 1");
    expect("{{modulo 4 2}} {{modulo '4' '2'}} [{{modulo 4}}] [{{modulo}}] [{{modulo 4 0}}] "
           "{{modulo -7 3}} {{modulo 5.5 2}}",
           "0 0 [] [] [] -1 1.5");
}
END_TEST

START_TEST(test_rounding)
{
    /* H: ceil, floor, round, toFixed, parseInt */
    expect("{{ceil 0.5}} {{ceil '0.5'}} {{ceil 1}} [{{ceil}}] {{ceil -0.5}}", "1 1 1 [] 0");
    expect("{{floor 0.5}} {{floor '0.5'}} {{floor 1}} [{{floor}}] {{floor -0.5}}", "0 0 1 [] -1");
    expect("{{round 0.5}} {{round 0.499}} {{round '0.499'}} [{{round}}] {{round -0.5}} "
           "{{round -1.5}} {{round 2.5}} {{round 0.49999999999999994}}",
           "1 0 0 [] 0 -1 3 0");
    expect("{{toFixed 1.11111 2}} {{toFixed 2.11111}} {{toFixed}} {{toFixed 'hi'}}", "1.11 2 0 0");
    /* Number.prototype.toFixed rounds the exact binary value, ties up */
    expect("{{toFixed 1.005 2}} {{toFixed 2.5 0}} {{toFixed 1.125 2}} {{toFixed -1.5 0}} "
           "{{toFixed 1.45 1}} {{toFixed 0 3}} {{toFixed 99.995 2}} {{toFixed -0.0001 2}}",
           "1.00 3 1.13 -2 1.4 0.000 100.00 -0.00");
    expect("{{toFixed (multiply 1000000000 1000000000000) 2}} [{{toFixed 1 101}}] "
           "{{toFixed 123.456 '1'}}",
           "1e+21 [] 123.5");
    expect("[{{parseInt}}] [{{parseInt 'zero'}}] {{parseInt '10'}} {{parseInt '  -12.9px'}} "
           "{{parseInt 12.7}} {{parseInt '0x10'}} {{parseInt (body 'prop1')}}",
           "[] [] 10 -12 12 0 123");
}
END_TEST

/* ---- Mockoon: arrays, objects and JSON -------------------------------------------------- */

START_TEST(test_array_object)
{
    /* H: object: Handlebars builds the hash last pair first */
    expect("{{ stringify (object) }}", "{}");
    expect("{{{ stringify (object key=\"value\") }}}", "{\n  \"key\": \"value\"\n}");
    expect("{{{ stringify (object key=\"value\" secondKey=\"secondValue\" numericKey=5) }}}",
           "{\n  \"numericKey\": 5,\n  \"secondKey\": \"secondValue\",\n  \"key\": \"value\"\n}");
    expect("{{{stringify (object a=1 a=2)}}}", "{\n  \"a\": 1\n}");
    /* objectLiteral drops literal-undefined pairs; a value that is undefined
     * at run time stays (stringify then leaves it out, each visits it) */
    expect("{{{stringify (object a=undefined b=1)}}}|{{#each (object a=undefined)}}x{{else}}E"
           "{{/each}}|{{#each (object a=request.nothing)}}x{{else}}E{{/each}}",
           "{\n  \"b\": 1\n}|E|x");
    expect("{{array 'item1' 'item2' 'item3'}}|{{len (array)}}", "item1,item2,item3|0");
    /* H: objectMerge */
    expect("[{{{ stringify (objectMerge) }}}]", "[]");
    expect("{{{ stringify (objectMerge (object id=12) (bodyRaw 'prop2') (array 1) 5) }}}",
           "{\n  \"id\": 12,\n  \"data\": \"super\"\n}");
    expect("{{{stringify (objectMerge (object a=1 b=2) (object a=3))}}}",
           "{\n  \"b\": 2,\n  \"a\": 3\n}");
}
END_TEST

START_TEST(test_stringify_jsonparse)
{
    /* H: stringify */
    expect("{{{stringify (bodyRaw 'prop2')}}}", "{\n  \"data\": \"super\"\n}");
    expect("{{stringify (bodyRaw 'prop2')}}", "{\n  &quot;data&quot;: &quot;super&quot;\n}");
    expect("{\"result\": {{{stringify (body 'prop2')}}} }",
           "{\"result\": \"{\\\"data\\\":\\\"super\\\"}\" }");
    expect("{{stringify 'plain'}}|{{stringify 5}}|[{{stringify}}]|{{{stringify (array)}}}",
           "plain|5|[]|[]");
    expect("{{{stringify (jsonParse '[1,{\"a\":[],\"b\":{},\"c\":\"x\\n\\u0001\\\"\"}]')}}}",
           "[\n  1,\n  {\n    \"a\": [],\n    \"b\": {},\n    \"c\": \"x\\n\\u0001\\\"\"\n  }\n]");
    expect("{{{stringify (array 1 request.nothing (jsonParse 'null'))}}}",
           "[\n  1,\n  null,\n  null\n]");
    expect("{{{stringify (object a=request.nothing b=1)}}}", "{\n  \"b\": 1\n}");
    expect("{{{stringify (jsonParse '{\"b\":1,\"10\":2,\"a\":3,\"2\":4}')}}}",
           "{\n  \"2\": 4,\n  \"10\": 2,\n  \"b\": 1,\n  \"a\": 3\n}");
    /* H: jsonParse */
    expect("[{{jsonParse}}|{{jsonParse ''}}|{{jsonParse 56}}|{{jsonParse '{bad'}}]", "[|||]");
    expect("{{#if (jsonParse 'true')}}value{{/if}}|{{#if (eq (jsonParse '25') 25)}}value{{/if}}",
           "value|value");
    expect("{{lookup (jsonParse '{\"data\":\"test\"}') 'data'}}|{{oneOf (jsonParse '[5]')}}|"
           "{{jsonParse '\"\\u00e9\\ud83d\\ude00\"'}}",
           "test|5|é😀");
    expect("{{lookup (jsonParse (queryParam 'filter')) 'status'}}", "open");
}
END_TEST

START_TEST(test_filter_find)
{
    /* H: filter, find */
    expect("{{ stringify (filter (array 1 2 3 4 true false) 3 1 true) }}",
           "[\n  1,\n  3,\n  true\n]");
    expect("{{{ stringify (filter (array (object key=\"value\") 2 3) (object key=\"value\") 3) }}}",
           "[\n  {\n    \"key\": \"value\"\n  },\n  3\n]");
    expect(
        "{{{ stringify (filter (array (object a=\"a1\" b=\"b2\") (object a=\"a1\" b=\"b1\") 2 3) "
        "(object a=\"a1\" b=\"b1\") 3) }}}",
        "[\n  {\n    \"b\": \"b1\",\n    \"a\": \"a1\"\n  },\n  3\n]");
    expect("{{{ stringify (filter (array (object parent=(object child=\"child-val\") b=\"b1\") "
           "(object parent=(object child=\"child-val2\") b=\"b2\") 2 3) "
           "(object parent=(object child=\"child-val\"))) }}}",
           "[\n  {\n    \"b\": \"b1\",\n    \"parent\": {\n      \"child\": \"child-val\"\n    "
           "}\n  }\n]");
    expect(
        "{{{ stringify (filter (array (object parent=\"x\")) (object parent=\"parent-val\")) }}}",
        "[]");
    expect("{{len (filter (array (object a=1 b=2) (object a=1 b=3)) (array (object a=1) "
           "(object b=3)))}}",
           "1");
    expect("[{{filter 'x'}}]|{{filter (array 1 2)}}", "[]|1,2");
    expect("{{{ stringify (find (array (object b=\"b1\" a=\"a1\") (object b=\"b2\" a=\"a2\") 3) "
           "(object b=\"b1\")) }}}",
           "{\n  \"a\": \"a1\",\n  \"b\": \"b1\"\n}");
    expect(
        "[{{{ stringify (find (array (object parent=\"x\")) (object parent=\"parent-val\")) }}}]",
        "[]");
    expect("{{find (array 1 2 3) 2}}", "2");
}
END_TEST

START_TEST(test_sort_slice_reverse)
{
    /* H: sort, sortBy, slice */
    expect("{{ sort (array 41 10 99)}}|{{ sort (array 41 10 99) \"desc\"}}|"
           "{{ sort (array \"foo\" \"bar\" \"baz\")}}|{{ sort (array \"foo\" \"bar\" \"baz\") "
           "\"DESC\"}}",
           "10,41,99|99,41,10|bar,baz,foo|foo,baz,bar");
    expect("{{sort (array 'b' 'A' 'a' 'B')}}|{{sort (array 10 9 100)}}|[{{sort 'x'}}]",
           "a,A,b,B|9,10,100|[]");
    expect("{{{ stringify (sortBy (array (object key1=10 key2=20) (object key1=30 key2=30) "
           "(object key1=15 key2=25)) \"key1\") }}}",
           "[\n  {\n    \"key2\": 20,\n    \"key1\": 10\n  },\n  {\n    \"key2\": 25,\n    "
           "\"key1\": 15\n  },\n  {\n    \"key2\": 30,\n    \"key1\": 30\n  }\n]");
    expect("{{#each (sortBy (array (object k=\"foo\") (object k=\"bar\") (object k=\"baz\")) "
           "\"k\" \"desc\")}}{{k}} {{/each}}",
           "foo baz bar ");
    expect("{{#each (sortBy (bodyRaw 'items') 'qty' 'desc')}}{{sku}}{{/each}}", "B2A1");
    expect("[{{slice 'hello'}}]|{{slice (array 'Mockoon' 'is' 'very' 'nice')}}|"
           "{{slice (array 'Mockoon' 'is' 'very' 'nice') 0 2}}|"
           "{{slice (array 'Mockoon' 'is' 'very' 'nice') 2}}|{{slice (array 1 2 3) -2}}",
           "[]|Mockoon,is,very,nice|Mockoon,is|very,nice|2,3");
    expect("{{reverse (array 1 2 3)}}|[{{reverse 'abc'}}]", "3,2,1|[]");
}
END_TEST

START_TEST(test_paths_helpers)
{
    /* objectPath and jsonPath (from the jwt.test describe blocks) */
    expect("[{{ objectPath }}]|[{{ objectPath (bodyRaw)}}]", "[]|[]");
    expect(
        "{{ objectPath (bodyRaw) 'prop3.data' 'hello' }}|{{ objectPath (bodyRaw) 'prop2.data' }}",
        "hello|super");
    expect(
        "{{ jsonPath (bodyRaw) '$.prop3.data' 'hello' }}|{{ jsonPath (bodyRaw) '$.prop2.data' }}",
        "hello|super");
    expect(
        "{{jsonPath (bodyRaw) '$.items[*].sku'}}|{{jsonPath (bodyRaw) '$..qty'}}|"
        "{{jsonPath (bodyRaw) '$.items[-1:].sku'}}|{{jsonPath (bodyRaw) \"$['items'][0]['sku']\"}}",
        "A1,B2|2,5|B2|A1");
    expect("{{jsonPath (bodyRaw) '$.items[?(@.qty > 2)].sku'}}|"
           "{{jsonPath (bodyRaw) \"$.items[?(@.sku == 'A1' || @.qty === 5)].qty\"}}|"
           "{{len (jsonPath (bodyRaw) '$.items[0,1]')}}",
           "B2|2,5|2");
    expect("{{objectPath (bodyRaw) 'deep.property\\.with\\.dots'}}|"
           "{{objectPath (bodyRaw) 'items.1.sku'}}|{{objectPath (bodyRaw) 'items.length'}}",
           "val1|B2|2");
    /* a JSON text is parsed first (mockrun extension, for request.body) */
    expect("{{jsonPath request.body '$.items[1].sku'}}|{{objectPath request.body 'prop2.data'}}",
           "B2|super");
    expect("{{jsonPath 'plain text' '$.a'}}|{{jsonPath '{\"a\":1}' 'a'}}",
           "plain text|{&quot;a&quot;:1}");
}
END_TEST

START_TEST(test_base64_jwt)
{
    /* H: base64, base64Decode, base64url, base64urlDecode */
    expect("{{base64 'abc'}} {{base64 (body 'prop1')}} {{#base64}}value: {{body 'prop1'}}"
           "{{/base64}}",
           "YWJj MTIz dmFsdWU6IDEyMw==");
    expect("{{base64Decode 'YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY3ODkw'}}",
           "abcdefghijklmnopqrstuvwxyz1234567890");
    expect("{{#base64Decode}}YWJjZGVmZ2hpamtsbW5vcHF{{concat 'yc3R1dnd4eXoxMjM0NTY3ODkw'}}"
           "{{/base64Decode}}",
           "abcdefghijklmnopqrstuvwxyz1234567890");
    expect("{{base64url 'subjects?_d=1'}} {{#base64url}}subjects?_d=1{{/base64url}} "
           "{{base64urlDecode 'c3ViamVjdHM_X2Q9MQ'}} "
           "{{#base64urlDecode}}c3ViamVjdHM_X2Q9MQ{{/base64urlDecode}}",
           "c3ViamVjdHM_X2Q9MQ c3ViamVjdHM_X2Q9MQ subjects?_d=1 subjects?_d=1");
    /* Node's decoder: both alphabets, junk skipped, '=' stops, bad UTF-8 is U+FFFD */
    expect("{{base64Decode 'YW Jj!'}}|{{base64Decode 'YQ==YQ=='}}|{{base64Decode '_w'}}|"
           "{{base64 'é'}}",
           "abc|a|\xef\xbf\xbd|w6k=");
    /* jwtPayload, jwtHeader */
    {
        const char *jwt =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4g"
            "RG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        char tpl[1024];
        expect("[{{ jwtPayload }}]|[{{ jwtHeader }}]", "[]|[]");
        snprintf(tpl, sizeof(tpl), "{{{ stringify (jwtPayload '%s') }}}", jwt);
        expect(tpl, "{\n  \"sub\": \"1234567890\",\n  \"name\": \"John Doe\",\n  \"iat\": "
                    "1516239022\n}");
        snprintf(tpl, sizeof(tpl),
                 "{{jwtPayload '%s' 'sub'}}|{{jwtHeader 'Bearer %s' 'alg'}}|"
                 "{{{ stringify (jwtHeader '%s') }}}",
                 jwt, jwt, jwt);
        expect(tpl, "1234567890|HS256|{\n  \"alg\": \"HS256\",\n  \"typ\": \"JWT\"\n}");
        expect("[{{jwtPayload 'not.a.jwt'}}]", "[]");
    }
}
END_TEST

/* ---- request helpers ---------------------------------------------------------------------- */

START_TEST(test_body_helpers)
{
    /* R: body */
    expect("{{body 'prop1'}}|{{body 'n'}}|{{body 'flag'}}|{{body 'none'}}|{{body 'items'}}",
           "123|1.5|true|null|[{\"sku\":\"A1\",\"qty\":2},{\"sku\":\"B2\",\"qty\":5}]");
    expect("{{body 'prop1' undefined true}}|{{body 'n' undefined true}}|{{body 'x' 'default' true}}"
           "|{{body 'prop2'}}",
           "\"123\"|1.5|\"default\"|{\"data\":\"super\"}");
    expect("{{body 'items.0.sku'}}|{{body 'items.5.sku' 'none'}}|"
           "{{body 'deep.property\\.with\\.dots'}}",
           "A1|none|val1");
    expect("{{body '$.items[1].qty'}}|{{body '$.items[*].sku'}}|{{body '$.data1' 'Default'}}",
           "5|[\"A1\",\"B2\"]|Default");
    expect("{{body '$.phoneNumbers[0][((this.constructor.constructor(\"return this.process\")()))]'"
           " 'default_value'}}",
           "default_value");
    expect("{{body}}", json_body);
    expect_body("{\"prop1\":\"This \\n is a \\\"message\\\"\"}", "application/json",
                "{{body 'prop1' undefined true}}", "\"This \\n is a \\\"message\\\"\"");
    /* Mockoon parses JSON for application/json and application/...+json only */
    expect_body("{\"a\":1}", "application/vnd.api+json", "{{body 'a'}}", "1");
    expect_body("{\"a\":1}", "text/plain", "[{{body 'a'}}]|{{body}}", "[]|{\"a\":1}");
    expect_body("{\"a\":1}", NULL, "[{{body 'a' 'dflt'}}]", "[dflt]");
    expect_body("{bad json", "application/json", "[{{body 'a' 'dflt'}}]", "[dflt]");
    expect_body("a=1&b=x+y%21&c[]=1&c[]=2&d[e]=f&a=2", "application/x-www-form-urlencoded",
                "{{body 'a'}}|{{body 'b'}}|{{body 'c'}}|{{body 'd.e'}}",
                "[\"1\",\"2\"]|x y!|"
                "[\"1\",\"2\"]|f");
    expect_body("[\"string1\",\"string2\"]", "application/json",
                "{{#each (bodyRaw)}}{{this}}{{/each}}|{{#repeat 2}}{{bodyRaw @index}}{{/repeat}}",
                "string1string2|string1,\nstring2\n");
    /* R: bodyRaw */
    expect("{{bodyRaw 'n'}}|{{bodyRaw 'items.0.qty'}}|{{bodyRaw 'flag'}}|"
           "{{#each (bodyRaw 'items')}}dolphin{{/each}}|{{#if (bodyRaw 'flag')}}yes{{/if}}",
           "1.5|2|true|dolphindolphin|yes");
    expect_body("", NULL,
                "{{#each (bodyRaw 'dolphin' (array 1 2 3))}}d{{/each}}|"
                "{{#if (bodyRaw 'dolphin' true)}}yes{{/if}}|{{bodyRaw '$.data1' 'Default'}}",
                "ddd|yes|Default");
    /* Without a path, body is the raw text whatever the type; bodyRaw is the
     * parsed body (request.body), so it is "" for text, invalid JSON and no
     * type, as in Mockoon 9.9 (tests/conformance: bodyRaw-whole-*) */
    expect_body("just <text>", "text/plain", "[{{bodyRaw}}]|[{{body}}]|[{{bodyRaw ''}}]",
                "[]|[just <text>]|[]");
    expect_body("a=1&b=2", NULL, "[{{bodyRaw}}]|[{{body}}]", "[]|[a=1&b=2]");
    expect_body("{\"x\": ", "application/json", "[{{bodyRaw}}]|[{{body}}]|[{{bodyRaw 'x' 'd'}}]",
                "[]|[{\"x\": ]|[d]");
    expect_body("0", "application/json",
                "[{{bodyRaw}}]|[{{body}}]|{{#if (bodyRaw)}}t{{else}}f{{/if}}", "[]|[0]|f");
    expect_body("name=Ann&city=Z%26rich", "application/x-www-form-urlencoded",
                "[{{bodyRaw}}]|{{{stringify (bodyRaw)}}}|[{{body}}]",
                "[[object Object]]|{\n  \"name\": \"Ann\",\n  \"city\": \"Z&rich\"\n}|"
                "[name=Ann&city=Z%26rich]");
}
END_TEST

/* XML bodies as Mockoon reads them: xml-js's xml2js(body, {compact: true}) */
static const char xml_order[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<order id=\"7\" status=\"new\">\n  <customer><name>Ann &amp; Bo</name></customer>\n"
    "  <item sku=\"A1\" qty=\"2\">Apple</item>\n  <item sku=\"B2\" qty=\"1\">Pear</item>\n"
    "  <note/>\n</order>\n";

START_TEST(test_xml_body)
{
    static const char soap[] =
        "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\">"
        "<soap:Body><m:GetPrice xmlns:m=\"urn:prices\" m:currency=\"EUR\">"
        "<m:Item>Apple</m:Item></m:GetPrice></soap:Body></soap:Envelope>";

    /* attributes under _attributes, text under _text, repeated elements as
     * arrays, the declaration under _declaration */
    expect_body(xml_order, "application/xml",
                "{{body 'order._attributes.id'}}|{{body 'order.customer.name._text'}}|"
                "{{body 'order.item.1._attributes.sku'}}|{{body 'order.note'}}|"
                "{{body '_declaration._attributes.encoding'}}|{{body 'order.x' 'dflt'}}|"
                "{{body '$.order.item[*]._text'}}",
                "7|Ann & Bo|B2|{}|UTF-8|dflt|[\"Apple\",\"Pear\"]");
    expect_body(xml_order, "text/xml; charset=utf-8",
                "{{#each (bodyRaw 'order.item')}}{{@index}}:{{_attributes.sku}}={{_text}};"
                "{{/each}}|{{len (bodyRaw 'order.item')}}|[{{bodyRaw}}]",
                "0:A1=Apple;1:B2=Pear;|2|[[object Object]]");
    expect_body(xml_order, "application/xml", "{{{stringify (bodyRaw 'order')}}}",
                "{\n  \"_attributes\": {\n    \"id\": \"7\",\n    \"status\": \"new\"\n  },\n"
                "  \"customer\": {\n    \"name\": {\n      \"_text\": \"Ann & Bo\"\n    }\n  },\n"
                "  \"item\": [\n    {\n      \"_attributes\": {\n        \"sku\": \"A1\",\n"
                "        \"qty\": \"2\"\n      },\n      \"_text\": \"Apple\"\n    },\n"
                "    {\n      \"_attributes\": {\n        \"sku\": \"B2\",\n"
                "        \"qty\": \"1\"\n      },\n      \"_text\": \"Pear\"\n    }\n  ],\n"
                "  \"note\": {}\n}");
    /* names keep their prefixes; namespace declarations are attributes, in
     * the order written */
    expect_body(soap, "application/soap+xml; charset=utf-8",
                "{{body 'soap:Envelope.soap:Body.m:GetPrice.m:Item._text'}}|"
                "{{{stringify (bodyRaw 'soap:Envelope.soap:Body.m:GetPrice._attributes')}}}",
                "Apple|{\n  \"xmlns:m\": \"urn:prices\",\n  \"m:currency\": \"EUR\"\n}");
    expect_body("<a k=\"1\" xmlns=\"urn:a\" xmlns:x=\"urn:x\" x:k=\"2\"/>", "application/xml",
                "{{#each (bodyRaw 'a._attributes')}}{{@key}}={{this}};{{/each}}",
                "k=1;xmlns=urn:a;xmlns:x=urn:x;x:k=2;");
    /* mixed content: text runs, CDATA, comments and PIs each under their
     * key, an array once repeated; whitespace alone (JavaScript's) dropped */
    expect_body("<a>x<b/>y<!-- c -->z<?pi p q ?><b>w</b>\n <c> </c><d>&#160;</d>"
                "<e><![CDATA[<i>]]> <![CDATA[ ]]><![CDATA[]]></e></a>",
                "application/xml", "{{{stringify (bodyRaw)}}}",
                "{\n  \"a\": {\n    \"_text\": [\n      \"x\",\n      \"y\",\n      \"z\"\n    ],\n"
                "    \"b\": [\n      {},\n      {\n        \"_text\": \"w\"\n      }\n    ],\n"
                "    \"_comment\": \" c \",\n    \"_instruction\": {\n      \"pi\": \"p q \"\n"
                "    },\n    \"c\": {},\n    \"d\": {},\n    \"e\": {\n      \"_cdata\": [\n"
                "        \"<i>\",\n        \" \"\n      ]\n    }\n  }\n}");
    /* body values are SafeStrings: not escaped; bodyRaw's are */
    expect_body("<a>&lt;i&gt; &amp;</a>", "application/xml",
                "{{body 'a._text'}}|{{bodyRaw 'a._text'}}", "<i> &|&lt;i&gt; &amp;");
    /* not XML, a DOCTYPE, other types: undefined (defaults apply); an empty
     * body is {} */
    expect_body("<a><b>x</a>", "application/xml", "[{{bodyRaw}}]|{{body 'a' 'dflt'}}|{{body}}",
                "[]|dflt|<a><b>x</a>");
    expect_body("<!DOCTYPE a><a>1</a>", "application/xml", "{{body 'a._text' 'dflt'}}", "dflt");
    expect_body("<a>1</a>", "application/atom+xml", "{{body 'a._text' 'dflt'}}", "dflt");
    expect_body("<a>1</a>", "text/plain", "{{body 'a._text' 'dflt'}}", "dflt");
    expect_body("<a>1</a>", "multipart/form-data; boundary=text/xml", "{{body 'a._text' 'dflt'}}",
                "dflt");
    expect_body("", "application/xml",
                "[{{bodyRaw}}]|{{body 'a' 'dflt'}}|{{{stringify (bodyRaw)}}}",
                "[[object Object]]|dflt|{}");
    expect_body("\xef\xbb\xbf \r\n", "text/xml", "{{{stringify (bodyRaw)}}}", "{}");
    /* JSON types come first, as in Mockoon */
    expect_body("<a>1</a>", "application/xml+json", "{{body 'a._text' 'dflt'}}", "dflt");
}
END_TEST

/* Parsed once per render, only when read; never for other types. */
START_TEST(test_xml_body_large)
{
    struct mr_buf body;
    char *tpl_out;
    struct mr_tpl_ctx c;
    struct mr_kv h = KV("Content-Type", "application/xml");
    int i;

    mr_buf_init(&body);
    mr_buf_puts(&body, "<r>");
    for (i = 0; i < 20000; i++)
        mr_buf_printf(&body, "<i n=\"%d\">%d</i>", i, i);
    mr_buf_puts(&body, "</r>");
    c = base_ctx(body.data, body.len);
    c.headers = &h;
    c.nheaders = 1;
    tpl_out = render_ctx("{{len (bodyRaw 'r.i')}}|{{body 'r.i.19999._text'}}|"
                         "{{body 'r.i.5._attributes.n'}}",
                         MR_TPL_HTML, &c);
    ck_assert_str_eq(tpl_out, "20000|19999|5");
    free(tpl_out);
    mr_buf_release(&body);
}
END_TEST

/* {{xpath}}: mockrun's own, on the body read as XML whatever its type */
START_TEST(test_xpath_helper)
{
    static const char soap[] =
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
        "<s:Body><GetPrice xmlns=\"urn:prices\"><Item>Apple &amp; Pear</Item><Qty>3</Qty>"
        "</GetPrice></s:Body></s:Envelope>";

    expect_body(xml_order, "application/xml",
                "{{xpath '/order/@id'}}|{{xpath '/order/item/@sku'}}|{{xpath '//name'}}|"
                "{{xpath 'count(/order/item)'}}|{{xpath 'sum(//item/@qty) div 2'}}|"
                "{{xpath 'boolean(/order/note)'}}|[{{xpath '/order/none'}}]|"
                "{{xpath (concat '/order/item[' 2 ']')}}",
                "7|A1|Ann &amp; Bo|2|1.5|true|[]|Pear");
    /* a plain string: escaped by {{ }}, falsy when empty, numbers for add */
    expect_body(soap, "text/plain",
                "{{xpath '//m:Item' m='urn:prices'}}|{{{xpath '//m:Item' m='urn:prices'}}}|"
                "{{#if (xpath '//Item')}}y{{else}}n{{/if}}|"
                "{{add (xpath '//p:Qty' p='urn:prices') 1}}|"
                "{{xpath \"//*[local-name()='Qty']\"}}|"
                "{{xpath '//x:Item' x=(concat 'urn:' 'prices')}}",
                "Apple &amp; Pear|Apple & Pear|n|4|3|Apple &amp; Pear");
    /* not XML, no body, a computed expression that is not XPath */
    expect_body("{\"a\":1}", "application/json", "[{{xpath '/a'}}]", "[]");
    expect_body(NULL, NULL, "[{{xpath 'count(/a)'}}]", "[]");
    expect_body("<a>1</a>", NULL, "[{{xpath (concat '/a' '[')}}]|{{xpath '/a'}}", "[]|1");
    /* compile-time checks */
    expect_error("{{xpath}}", "\"xpath\" at 1:3 needs 1 argument, got 0");
    expect_error("{{xpath '/a' '/b'}}", "\"xpath\" at 1:3 takes 1 argument, got 2");
    expect_error("x{{xpath '/a['}}",
                 "xpath \"/a[\": not a valid XPath expression: invalid expression at 1:4");
    expect_error("{{xpath '//m:a'}}",
                 "xpath \"//m:a\": not a valid XPath expression: undefined namespace prefix "
                 "(bind each prefix with a hash argument");
    ck_assert(compiles("{{xpath '//m:a' m='urn:m'}}"));
    ck_assert(compiles("{{xpath '//m:a' m=(queryParam 'ns')}}"));
    ck_assert(compiles("{{xpath (queryParam 'expr')}}"));
}
END_TEST

START_TEST(test_query_helpers)
{
    /* R: queryParam, queryParamRaw, queryParams (Express's qs parser) */
    expect("{{queryParam 'page'}}|{{queryParam 'tag'}}|{{queryParam 'filter'}}|"
           "{{queryParam 'filter.status'}}|{{queryParam 'nope' 'default'}}",
           "2|[\"a\",\"b\"]|{\"status\":\"open\"}|open|default");
    expect("{{queryParam 'page' undefined true}}|{{queryParam 'param1\\.name' undefined true}}|"
           "{{queryParam 'nope' 'default' true}}",
           "\"2\"|\"dotted\"|\"default\"");
    expect("{{queryParamRaw 'tag'}}|{{#each (queryParamRaw 'tag')}}<{{this}}>{{/each}}|"
           "{{queryParamRaw 'param1\\.name'}}|{{#if (queryParamRaw 'x' true)}}yes{{/if}}",
           "a,b|<a><b>|dotted|yes");
    expect("{{#each (queryParams)}}{{@key}}={{this}}&{{/each}}",
           "page=2&tag=a,b&filter=[object Object]&param1.name=dotted&");
    expect("{{queryParam '$.tag[1]'}}|{{queryParam}}",
           "b|{\"page\":\"2\",\"tag\":[\"a\",\"b\"],\"filter\":{\"status\":\"open\"},"
           "\"param1.name\":\"dotted\"}");
}
END_TEST

/* Renders with the query string `raw`. */
static void expect_query_at(int line, const char *raw, const char *tpl, const char *want)
{
    struct mr_tpl_ctx c = base_ctx("", 0);
    char *got;

    c.query_raw = raw;
    seed_state = 42;
    got = render_ctx(tpl, MR_TPL_HTML, &c);
    ck_assert_msg(strcmp(got, want) == 0, "line %d: %s with ?%s\n  want [%s]\n  got  [%s]", line,
                  tpl, raw, want, got);
    free(got);
}
#define expect_query(raw, tpl, want) expect_query_at(__LINE__, raw, tpl, want)

START_TEST(test_query_qs_merge)
{
    /* qs 6.16 (Express's query parser in Mockoon): keys in JavaScript's order,
     * each built from its segments and merged with utils.merge; the
     * expected values are qs.parse's, with Express's options */
    const char *m = "{{{queryParam 'm'}}}", *a = "{{{queryParam 'a'}}}", *all = "{{{queryParam}}}";

    /* the raw query is split as qs splits it: a key ends at "]=", %5B and
     * %5D are brackets even when the rest fails to decode, and empty parts
     * count toward the 1000-part limit */
    expect_query("k[=]=1", "{{{queryParam 'k'}}}", "{\"=\":\"1\"}");
    expect_query("a%5Bb%5D%zz=2", a, "{\"b\":\"2\"}");
    {
        char raw[1100];
        memset(raw, '&', 999);
        strcpy(raw + 999, "kept=1&last=2");
        expect_query(raw, "{{queryParam 'kept'}}|{{queryParam 'last'}}", "1|");
    }
    /* a plain value and an object: a pair, in the order given */
    expect_query("m=1&m[x]=2", m, "[\"1\",{\"x\":\"2\"}]");
    expect_query("m[x]=2&m=1", m, "[{\"x\":\"2\"},\"1\"]");
    expect_query("m=1&m[x]=2&m[y]=3", m, "{\"0\":\"1\",\"1\":{\"x\":\"2\"},\"y\":\"3\"}");
    /* plain and bracketed values join one array */
    expect_query("a=1&a[]=2", a, "[\"1\",\"2\"]");
    expect_query("a[]=1&a=2", a, "[\"1\",\"2\"]");
    expect_query("x=1&x[0]=2&x[1]=3", "{{{queryParam 'x'}}}", "[\"1\",\"2\",\"3\"]");
    /* an array meeting an object becomes an object keyed by index */
    expect_query("a[0]=x&a[b]=y", a, "{\"0\":\"x\",\"b\":\"y\"}");
    expect_query("a[b]=y&a[0]=x", a, "{\"0\":\"x\",\"b\":\"y\"}");
    /* indexes place values; a taken index appends; holes close up */
    expect_query("a[1]=x&a[0]=y", a, "[\"y\",\"x\"]");
    expect_query("a[1]=x&a[1]=y", a, "[[\"x\",\"y\"]]");
    expect_query("a[0]=x&a[0][b]=y", a, "[\"x\",{\"b\":\"y\"}]");
    expect_query("a[0][b]=1&a[0][c]=2", a, "[{\"b\":\"1\",\"c\":\"2\"}]");
    expect_query("a[][b]=1&a[][c]=2", a, "[{\"b\":\"1\",\"c\":\"2\"}]");
    expect_query("a[5]=z", a, "[\"z\"]");
    /* an empty value merges into nothing, but is kept before an object */
    expect_query("a[b]=1&a=", a, "{\"b\":\"1\"}");
    expect_query("a=&a[b]=1", a, "[\"\",{\"b\":\"1\"}]");
    /* integer-like keys are taken first, as JavaScript orders them */
    expect_query("5[a]=1&5=2", "{{{queryParam '5'}}}", "[\"2\",{\"a\":\"1\"}]");
    expect_query("b=1&1=2&0=3", all, "{\"0\":\"3\",\"1\":\"2\",\"b\":\"1\"}");
    /* past arrayLimit (1000) an index makes an object, and later values go
     * on at the next index */
    expect_query("d[1000]=y&d=3", "{{{queryParam 'd'}}}", "{\"1000\":\"y\",\"1001\":\"3\"}");
    expect_query("d=3&d[1000]=y", "{{{queryParam 'd'}}}", "{\"0\":\"3\",\"1001\":\"y\"}");
    /* key syntax: a leading group, an unclosed one, text between groups,
     * nested brackets */
    expect_query("[x]=1&[]=2", all, "{\"0\":\"2\",\"x\":\"1\"}");
    expect_query("a[b=1", all, "{\"a\":{\"[b\":\"1\"}}");
    expect_query("a[b]x[c]=1", all, "{\"a\":{\"b\":{\"c\":\"1\"}}}");
    expect_query("a[b[c]]=1", all, "{\"a\":{\"b[c]\":\"1\"}}");
    /* __proto__ never becomes a key; other prototype names do (Express
     * sets allowPrototypes) */
    expect_query("__proto__=1&a[__proto__]=2&toString=3", all, "{\"a\":{},\"toString\":\"3\"}");
}
END_TEST

START_TEST(test_form_qs)
{
    const char *form = "application/x-www-form-urlencoded";

    /* Mockoon's qsParse(body, { depth: 10 }): the same merge rules */
    expect_body("m=1&m[x]=2", form, "{{{body 'm'}}}", "[\"1\",{\"x\":\"2\"}]");
    expect_body("a[0]=x&a[b]=y", form, "{{{body 'a'}}}", "{\"0\":\"x\",\"b\":\"y\"}");
    /* arrayLimit 20: a 21st repeated value turns the array into an object */
    expect_body("a=1&a=2&a=3&a=4&a=5&a=6&a=7&a=8&a=9&a=10&a=11&a=12&a=13&a=14&a=15&a=16&a=17&"
                "a=18&a=19&a=20",
                form, "{{len (bodyRaw 'a')}}", "20");
    expect_body("a=1&a=2&a=3&a=4&a=5&a=6&a=7&a=8&a=9&a=10&a=11&a=12&a=13&a=14&a=15&a=16&a=17&"
                "a=18&a=19&a=20&a=21",
                form, "{{bodyRaw 'a.20'}}|{{len (bodyRaw 'a')}}", "21|0");
    /* without allowPrototypes a key named like Object.prototype's is dropped */
    expect_body("toString=1&a[hasOwnProperty]=2&b[c]=3", form,
                "{{{body}}}|{{{stringify (bodyRaw)}}}",
                "toString=1&a[hasOwnProperty]=2&b[c]=3|{\n  \"b\": {\n    \"c\": \"3\"\n  }\n}");
    /* the key ends at "]=" when there is one; %5B and %5D are brackets even
     * where the rest of the key does not decode */
    expect_body("a[=]=1&b%5Bc%5D=2&d%5Be%5D%zz=3", form,
                "{{body 'a.='}}|{{body 'b.c'}}|{{body 'd.e'}}", "1|2|3");
}
END_TEST

START_TEST(test_request_helpers)
{
    /* R: urlParam(s), header(s), cookie, method, baseUrl */
    expect("{{urlParam 'id'}}|[{{urlParam 'nope'}}]|{{#each (urlParams)}}{{@key}}={{this}}&"
           "{{/each}}",
           "123|[]|id=123&category=books&");
    expect("{{header 'authorization'}}|{{header 'AUTHORIZATION'}}|[{{header}}]|"
           "[{{header 'notfound'}}]|{{header 'notfound' 'defaultvalue'}}|{{header 'x-trace'}}",
           "Bearer mytoken|Bearer mytoken|[]|[]|defaultvalue|t1, t2");
    expect("{{#each (headers)}}{{@key}}: {{this}}; {{/each}}",
           "content-type: application/json; authorization: Bearer mytoken; host: localhost:3000; "
           "x-trace: t1, t2; cookie: sid&#x3D;xyz; theme&#x3D;dark; ");
    expect("{{cookie 'sid'}}|[{{cookie 'nope'}}]|{{cookie 'nope' 'd'}}", "xyz|[]|d");
    /* baseUrl: the request's host name and the service's port, as Mockoon */
    expect("{{method}}|{{baseUrl}}|{{hostname}}", "POST|http://localhost:3000|localhost");
    {
        /* cookies come parsed from the server; values as the `cookie`
         * package gives them: the first of a name, trimmed, percent-decoded
         * when valid ('+' stays) */
        static const struct mr_kv jar[] = {
            KV("dup", "1"),    KV("dup", "2"),        KV("sp", " x y "),  KV("pct", "dark%20blue"),
            KV("plus", "a+b"), KV("bad", "%E0%A4%A"), KV("latin", "%E9"), KV("empty", "")};
        struct mr_tpl_ctx c = base_ctx("", 0);
        char *got;
        c.cookies = jar;
        c.ncookies = sizeof(jar) / sizeof(jar[0]);
        got = render_ctx("{{cookie 'dup'}}|[{{cookie 'sp'}}]|{{cookie 'pct'}}|{{cookie 'plus'}}|"
                         "{{cookie 'bad'}}|{{cookie 'latin'}}|[{{cookie 'empty'}}]|"
                         "{{cookie 'empty' 'd'}}|{{request.cookies.dup}}",
                         MR_TPL_HTML, &c);
        ck_assert_str_eq(got, "1|[x y]|dark blue|a+b|%E0%A4%A|%E9|[]|d|1");
        free(got);
        /* only parsed cookies count: the Cookie header alone gives none */
        c.cookies = NULL;
        c.ncookies = 0;
        got = render_ctx("[{{cookie 'theme'}}]|[{{cookie 'sid' 'd'}}]|"
                         "[{{#each request.cookies}}{{@key}}{{/each}}]",
                         MR_TPL_HTML, &c);
        ck_assert_str_eq(got, "[]|[d]|[]");
        free(got);
    }
}
END_TEST

START_TEST(test_request_context)
{
    /* WireMock-style {{request.*}} */
    expect("{{request.method}} {{request.path}} {{request.query.page}} {{request.query.tag.[1]}} "
           "{{request.headers.authorization}} {{request.headers.Host}} {{request.params.id}} "
           "{{request.cookies.theme}} {{request.pathSegments.[0]}} {{request.baseUrl}}",
           "POST /users/123 2 b Bearer mytoken localhost:3000 123 dark users "
           "http://127.0.0.1:3000");
    expect_none("{{request.url}}|{{request.body}}",
                "/users/123?page=2&tag=a&tag=b&filter[status]=open&param1.name=dotted|"
                "{\"prop1\":\"123\",\"prop2\":{\"data\":\"super\"},"
                "\"name\":\"Ann <b>\",\"items\":[{\"sku\":\"A1\",\"qty\":2},{\"sku\":\"B2\","
                "\"qty\":5}],\"deep\":{\"property.with.dots\":\"val1\"},\"n\":1.5,\"flag\":true,"
                "\"none\":null}");
    expect("{{#each request.query}}{{@key}};{{/each}}", "page;tag;filter;param1.name;");
    {
        /* a render with no request at all */
        struct mr_template *t;
        struct mr_buf out;
        char err[128];
        const char *tpl = "[{{method}}|{{body 'a'}}|{{request.path}}|{{queryParam 'x' 'd'}}]";
        ck_assert_int_eq(mr_template_compile(&t, tpl, strlen(tpl), MR_TPL_HTML, err, sizeof(err)),
                         0);
        mr_buf_init(&out);
        ck_assert_int_eq(mr_template_render(t, NULL, &out), 0);
        ck_assert_str_eq(mr_buf_cstr(&out), "[|||d]");
        mr_buf_release(&out);
        mr_template_free(t);
    }
}
END_TEST

START_TEST(test_ip)
{
    /* request-helpers.ts ip: Express's req.ip, the caller's address */
    struct mr_tpl_ctx c = base_ctx("", 0);
    char *got;

    c.client_ip = "127.0.0.1";
    got = render_ctx("{{ip}}|{{#if (ip)}}known{{/if}}", MR_TPL_HTML, &c);
    ck_assert_str_eq(got, "127.0.0.1|known");
    free(got);
    c.client_ip = "::1";
    got = render_ctx("[{{ip}}]", MR_TPL_HTML, &c);
    ck_assert_str_eq(got, "[::1]");
    free(got);
    /* unknown: "" (falsy) */
    c.client_ip = NULL;
    got = render_ctx("[{{ip}}]|{{#if (ip)}}known{{else}}unknown{{/if}}", MR_TPL_HTML, &c);
    ck_assert_str_eq(got, "[]|unknown");
    free(got);
    {
        struct mr_template *t;
        struct mr_buf out;
        char err[128];
        ck_assert_int_eq(mr_template_compile(&t, "[{{ip}}]", 8, MR_TPL_HTML, err, sizeof(err)), 0);
        mr_buf_init(&out);
        ck_assert_int_eq(mr_template_render(t, NULL, &out), 0);
        ck_assert_str_eq(mr_buf_cstr(&out), "[]");
        mr_buf_release(&out);
        mr_template_free(t);
    }
}
END_TEST

/* Renders tpl with ctx.status pointing at a code preset to -1; returns the
 * code and checks what was printed. */
static int status_at(int line, const char *tpl, const char *want_out)
{
    struct mr_tpl_ctx c = base_ctx("", 0);
    int code = -1;
    char *got;

    c.status = &code;
    got = render_ctx(tpl, MR_TPL_HTML, &c);
    ck_assert_msg(strcmp(got, want_out) == 0, "line %d: %s printed [%s]", line, tpl, got);
    free(got);
    return code;
}
#define status_of(tpl) status_at(__LINE__, tpl, "")

START_TEST(test_status)
{
    /* response-helpers.ts: parseInt(x, 10), used when an integer from 100 to
     * 999, otherwise silently ignored; always prints "" */
    ck_assert_int_eq(status_of("{{status 404}}"), 404);
    ck_assert_int_eq(status_of("{{status '201'}}"), 201);
    ck_assert_int_eq(status_of("{{status 100}}"), 100);
    ck_assert_int_eq(status_of("{{status 999}}"), 999);
    ck_assert_int_eq(status_of("{{status ' 418 teapot'}}"), 418); /* parseInt's prefix */
    ck_assert_int_eq(status_of("{{status 503.9}}"), 503);
    ck_assert_int_eq(status_of("{{status '+302'}}"), 302);
    ck_assert_int_eq(status_of("{{status '0404'}}"), 404);
    ck_assert_int_eq(status_of("{{status (urlParam 'id')}}"), 123);
    ck_assert_int_eq(status_of("{{status (array 202)}}"), 202); /* String([202]) */
    /* invalid: out of range, negative, not a number, no argument */
    ck_assert_int_eq(status_of("{{status 99}}"), -1);
    ck_assert_int_eq(status_of("{{status 1000}}"), -1);
    ck_assert_int_eq(status_of("{{status -404}}"), -1);
    ck_assert_int_eq(status_of("{{status 'abc'}}"), -1);
    ck_assert_int_eq(status_of("{{status '4e2'}}"), -1); /* parseInt gives 4 */
    ck_assert_int_eq(status_of("{{status '0x194'}}"), -1);
    ck_assert_int_eq(status_of("{{status true}}"), -1);
    ck_assert_int_eq(status_of("{{status (urlParam 'nope')}}"), -1);
    ck_assert_int_eq(status_of("{{status}}"), -1);
    ck_assert_int_eq(status_of("{{status code=404}}"), -1); /* the hash is not a parameter */
    ck_assert_int_eq(status_of("{{status '99999999999999999999404'}}"), -1);
    /* the last valid one wins; an invalid one leaves the earlier one */
    ck_assert_int_eq(status_of("{{status 404}}{{status 201}}"), 201);
    ck_assert_int_eq(status_of("{{status 404}}{{status 'x'}}{{status 42}}"), 404);
    /* only what is rendered counts */
    ck_assert_int_eq(status_of("{{#if false}}{{status 410}}{{/if}}"), -1);
    ck_assert_int_eq(status_of("{{#if true}}{{status 410}}{{/if}}"), 410);
    /* it prints nothing, escaped or not */
    ck_assert_int_eq(status_at(__LINE__, "a{{status 404}}b{{{status 500}}}c", "abc"), 500);
    /* without a place to put it (ctx->status NULL), it only prints "" */
    expect("a{{status 404}}b", "ab");
    {
        struct mr_template *t;
        struct mr_buf out;
        char err[128];
        ck_assert_int_eq(
            mr_template_compile(&t, "[{{status 404}}]", 16, MR_TPL_HTML, err, sizeof(err)), 0);
        mr_buf_init(&out);
        ck_assert_int_eq(mr_template_render(t, NULL, &out), 0);
        ck_assert_str_eq(mr_buf_cstr(&out), "[]");
        mr_buf_release(&out);
        mr_template_free(t);
    }
}
END_TEST

/* ---- generated values ------------------------------------------------------------------------ */

static const char *random_tpl =
    "{{uuid}} {{guid}} {{int}} {{int 5}} {{int 1 6}} {{float}} {{float 1 2}} {{boolean}} "
    "{{oneOf (array 'a' 'b' 'c')}} {{someOf (array 1 2 3 4) 1 3}} {{faker 'person.firstName'}} "
    "{{faker 'number.int' min=1 max=9}} {{faker 'lorem.words' 3}} {{firstName}} {{email}} "
    "{{date '2020-01-01' '2021-01-01' 'yyyy-MM-dd'}} {{time}} {{faker 'date.past'}} "
    "{{#repeat 1 5 comma=false}}x{{/repeat}}";

static char *render_seed(const char *tpl, uint64_t seed)
{
    struct mr_tpl_ctx c = base_ctx(json_body, strlen(json_body));
    seed_state = seed;
    return render_ctx(tpl, MR_TPL_NONE, &c);
}

START_TEST(test_determinism)
{
    char *a = render_seed(random_tpl, 1), *b = render_seed(random_tpl, 1);
    char *c = render_seed(random_tpl, 2);

    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    free(a);
    free(b);
    free(c);
    {
        /* one compiled template, rendered twice with the same seed */
        struct mr_template *t;
        struct mr_buf o1, o2;
        struct mr_tpl_ctx ctx = base_ctx("", 0);
        char err[128];
        ck_assert_int_eq(
            mr_template_compile(&t, random_tpl, strlen(random_tpl), MR_TPL_NONE, err, sizeof(err)),
            0);
        mr_buf_init(&o1);
        mr_buf_init(&o2);
        seed_state = 9;
        mr_template_render(t, &ctx, &o1);
        seed_state = 9;
        mr_template_render(t, &ctx, &o2);
        ck_assert_str_eq(mr_buf_cstr(&o1), mr_buf_cstr(&o2));
        mr_buf_release(&o1);
        mr_buf_release(&o2);
        mr_template_free(t);
    }
}
END_TEST

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

START_TEST(test_random_shapes)
{
    uint64_t seed;

    for (seed = 1; seed <= 40; seed++) {
        char *u = render_seed("{{uuid}}", seed), *v;
        int i, n;
        double f;
        ck_assert_uint_eq(strlen(u), 36);
        for (i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                ck_assert_int_eq(u[i], '-');
            else
                ck_assert_msg(is_hex(u[i]), "uuid %s", u);
        }
        ck_assert_int_eq(u[14], '4');
        ck_assert(strchr("89ab", u[19]) != NULL);
        free(u);
        v = render_seed("{{int 1 6}}", seed);
        n = atoi(v);
        ck_assert(n >= 1 && n <= 6);
        free(v);
        v = render_seed("{{int 7}}", seed);
        ck_assert(atoll(v) >= 7);
        free(v);
        v = render_seed("{{float 1 2}}", seed);
        f = atof(v);
        ck_assert(f >= 1 && f < 2);
        free(v);
        v = render_seed("{{boolean}}", seed);
        ck_assert(strcmp(v, "true") == 0 || strcmp(v, "false") == 0);
        free(v);
        v = render_seed("{{oneOf (array 'a' 'b')}}{{oneOf 'c' 'd'}}", seed);
        ck_assert(strlen(v) == 2 && strchr("ab", v[0]) && strchr("cd", v[1]));
        free(v);
        v = render_seed("{{someOf (array 'a' 'b' 'c' 'd') 1 2}}", seed);
        ck_assert(strlen(v) == 1 || (strlen(v) == 3 && v[1] == ','));
        free(v);
        v = render_seed("{{{someOf (array 'a' 'b') 2 2 true}}}", seed);
        ck_assert(strcmp(v, "[\"a\",\"b\"]") == 0 || strcmp(v, "[\"b\",\"a\"]") == 0);
        free(v);
    }
    /* fixed outcomes */
    expect("{{int 3 3}}|[{{int 5 1}}]|{{float 2 2}}|{{someOf (array 'value1') 1 1 true}}|"
           "{{someOf (array 'value1') 0 0 true}}|[{{oneOf}}]|{{oneOf 'only'}}",
           "3|[]|2|[&quot;value1&quot;]|[]|[]|only");
    expect("{{oneOf (array (object id=1)) true}}|{{oneOf (array (object id=1))}}",
           "{\"id\":1}|[object Object]");
}
END_TEST

START_TEST(test_faker)
{
    char *v;

    v = render_seed("{{faker 'person.firstName'}}|{{faker 'internet.email'}}|"
                    "{{faker 'string.uuid'}}",
                    3);
    ck_assert(strlen(v) > 40 && strchr(v, '@') != NULL);
    free(v);
    /* hash arguments and Mockoon's '{ min: 1 }' object strings reach Faker */
    v = render_seed("{{faker 'number.int' min=10 max=12}}|{{faker 'number.int' '{ min: 20, max: "
                    "22 }'}}|{{faker 'number.int' (object min=30 max=32)}}",
                    3);
    ck_assert_msg(v[0] == '1' && strchr("012", v[1]) && v[2] == '|' && v[3] == '2' &&
                      strchr("012", v[4]) && v[6] == '3',
                  "%s", v);
    free(v);
    /* numbers stay numbers (Faker returns them) */
    v = render_seed("{{{stringify (object n=(faker 'number.int' max=5))}}}", 3);
    ck_assert_msg(strstr(v, "\"n\": \"") == NULL, "%s", v);
    free(v);
    /* values used inside an expression are kept, each its own (only a
     * printed {{faker}} may leave its text in the scratch buffer) */
    v = render_seed("{{concat (faker 'string.uuid') '|' (faker 'string.uuid')}}|"
                    "{{faker 'string.uuid'}}{{faker 'string.uuid'}}",
                    3);
    ck_assert_msg(strlen(v) == 36 * 4 + 2 && memcmp(v, v + 37, 36) != 0 &&
                      memcmp(v + 74, v + 110, 36) != 0,
                  "%s", v);
    free(v);
    /* a name computed at run time is checked then: unknown gives "" */
    expect("[{{faker (concat 'person.' 'nope')}}]|[{{faker}}]|[{{faker 5}}]", "[]|[]|[]");
    /* Mockoon's one-word aliases */
    v = render_seed("{{firstName}} {{lastName}} {{city}} {{email}} {{lorem 3}}", 5);
    ck_assert(strlen(v) > 10);
    free(v);
}
END_TEST

START_TEST(test_faker_aliases)
{
    /* Mockoon's one-word helpers (helpers/city.ts, email.ts, ...) call Faker */
    static const char *const names[] = {
        "city",   "color",     "company",  "country",  "countryCode", "domain",
        "email",  "firstName", "hexColor", "ipv4",     "ipv6",        "lastName",
        "lat",    "long",      "lorem",    "objectId", "phone",       "postcode",
        "street", "title",     "tld",      "zipcode"};
    size_t i;
    char tpl[64], *v;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(tpl, sizeof(tpl), "{{%s}}", names[i]);
        v = render_seed(tpl, 7);
        ck_assert_msg(v[0] != '\0', "{{%s}} printed nothing", names[i]);
        free(v);
    }
    v = render_seed("{{hexColor}}|{{objectId}}|{{lorem 3}}", 7);
    ck_assert_msg(v[0] == '#' && v[7] == '|' && strlen(v) > 8 + 24, "%s", v);
    free(v);
}
END_TEST

/* Faker v8's English color.human, which Mockoon's {{color}} prints. */
static bool is_human_color(const char *s, size_t len)
{
    static const char *const colors[] = {
        "azure",    "black",  "blue",     "cyan",      "fuchsia", "gold",   "green",      "grey",
        "indigo",   "ivory",  "lavender", "lime",      "magenta", "maroon", "mint green", "olive",
        "orange",   "orchid", "pink",     "plum",      "purple",  "red",    "salmon",     "silver",
        "sky blue", "tan",    "teal",     "turquoise", "violet",  "white",  "yellow"};
    size_t i;

    for (i = 0; i < sizeof(colors) / sizeof(colors[0]); i++)
        if (strlen(colors[i]) == len && memcmp(colors[i], s, len) == 0)
            return true;
    return false;
}

START_TEST(test_color)
{
    /* helpers/color.ts: faker.color.human, also reachable by its Faker name */
    char *first = NULL, *v;
    bool varied = false;
    uint64_t seed;

    for (seed = 1; seed <= 40; seed++) {
        const char *bar;
        v = render_seed("{{color}}|{{faker 'color.human'}}", seed);
        bar = strchr(v, '|');
        ck_assert_msg(bar && is_human_color(v, (size_t)(bar - v)) &&
                          is_human_color(bar + 1, strlen(bar + 1)),
                      "seed %d: %s", (int)seed, v);
        if (!first)
            first = v;
        else {
            varied = varied || strcmp(first, v) != 0;
            free(v);
        }
    }
    ck_assert(varied);
    /* deterministic under the seed */
    v = render_seed("{{color}}|{{faker 'color.human'}}", 1);
    ck_assert_str_eq(v, first);
    free(v);
    free(first);
}
END_TEST

START_TEST(test_unsupported_helpers)
{
    static const char *const names[] = {"data",         "dataRaw",      "setData",
                                        "getGlobalVar", "setGlobalVar", "jmesPath"};
    size_t i;
    char tpl[64];

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(tpl, sizeof(tpl), "{{%s 'x'}}", names[i]);
        expect_error(tpl, "is not supported by mockrun");
    }
}
END_TEST

START_TEST(test_get_env_var)
{
    /* system-helpers.ts: process.env[String(name)] ?? default; a plain
     * string, so {{x}} escapes it. mockrun reads any name (no MOCKOON_ prefix) */
    ck_assert_int_eq(setenv("MR_TPL_TEST_VAR", "a<b>&c", 1), 0);
    ck_assert_int_eq(setenv("MR_TPL_TEST_EMPTY", "", 1), 0);
    unsetenv("MR_TPL_TEST_UNSET");
    expect("{{getEnvVar 'MR_TPL_TEST_VAR'}}|{{{getEnvVar 'MR_TPL_TEST_VAR'}}}",
           "a&lt;b&gt;&amp;c|a<b>&c");
    expect("[{{getEnvVar 'MR_TPL_TEST_UNSET'}}]|{{getEnvVar 'MR_TPL_TEST_UNSET' 'dflt'}}|"
           "[{{getEnvVar 'MR_TPL_TEST_EMPTY' 'dflt'}}]|{{getEnvVar 'MR_TPL_TEST_UNSET' 5}}",
           "[]|dflt|[]|5");
    /* the name can be computed; names no variable can have give the default */
    expect("{{getEnvVar (concat 'MR_TPL_' 'TEST_VAR')}}|{{getEnvVar '' 'e'}}|"
           "{{getEnvVar 'A=B' 'eq'}}",
           "a&lt;b&gt;&amp;c|e|eq");
    expect("{{#if (getEnvVar 'MR_TPL_TEST_UNSET')}}set{{else}}unset{{/if}}", "unset");
    expect_error("{{getEnvVar}}", "\"getEnvVar\" at 1:3 needs at least 1 argument, got 0");
    expect_error("{{getEnvVar 'a' 'b' 'c'}}", "\"getEnvVar\" at 1:3 takes at most 2 arguments");
}
END_TEST

static const struct mr_kv services[] = {KV("web", "http://127.0.0.1:41001"),
                                        KV("api", "http://127.0.0.1:41002"),
                                        KV("payments-v2", "http://127.0.0.1:41003")};
static const char *const service_names[] = {"web", "api", "payments-v2"};

/* Compiles with the scenario's service names; all problems go to `got`. */
static void collect(void *arg, size_t off, const char *msg)
{
    struct mr_buf *got = arg;
    mr_buf_printf(got, "%zu:%s\n", off, msg);
}

static int compile_services(struct mr_template **t, const char *tpl, struct mr_buf *got)
{
    struct mr_tpl_compile_opts o;
    char err[512];

    memset(&o, 0, sizeof(o));
    o.escape = MR_TPL_HTML;
    o.services = service_names;
    o.nservices = 3;
    o.problem = collect;
    o.problem_arg = got;
    return mr_template_compile_with(t, tpl, strlen(tpl), &o, err, sizeof(err));
}

START_TEST(test_service_url)
{
    struct mr_tpl_ctx c = base_ctx(json_body, strlen(json_body));
    struct mr_template *t = NULL;
    struct mr_buf out, got;
    const char *s;

    c.services = services;
    c.nservices = 3;
    mr_buf_init(&got);
    ck_assert_int_eq(compile_services(&t,
                                      "{{serviceUrl 'api'}}/v1|{{serviceUrl 'payments-v2'}}|"
                                      "[{{serviceUrl (concat 'w' 'eb')}}]|[{{serviceUrl (concat "
                                      "'n' 'o')}}]",
                                      &got),
                     0);
    ck_assert_uint_eq(got.len, 0);
    mr_buf_init(&out);
    ck_assert_int_eq(mr_template_render(t, &c, &out), 0);
    ck_assert_str_eq(mr_buf_cstr(&out), "http://127.0.0.1:41002/v1|http://127.0.0.1:41003|"
                                        "[http://127.0.0.1:41001]|[]");
    mr_buf_release(&out);
    mr_template_free(t);

    /* without services in the context (a test, a fuzzer): "" */
    expect("[{{serviceUrl 'api'}}]", "[]");

    /* a literal name is checked against the scenario's services */
    t = (struct mr_template *)1;
    ck_assert_int_eq(compile_services(&t,
                                      "x {{serviceUrl 'apii'}} {{serviceUrl 'paymentsv2'}} "
                                      "{{serviceUrl 'zzzzzzzz'}}",
                                      &got),
                     MR_ESCENARIO);
    ck_assert_ptr_null(t);
    s = mr_buf_cstr(&got);
    ck_assert_str_eq(s, "4:no service is named \"apii\" at 1:5 (did you mean \"api\"?)\n"
                        "26:no service is named \"paymentsv2\" at 1:27 (did you mean "
                        "\"payments-v2\"?)\n"
                        "54:no service is named \"zzzzzzzz\" at 1:55\n");
    mr_buf_release(&got);
    expect_error("{{serviceUrl}}", "\"serviceUrl\" at 1:3 needs 1 argument, got 0");
    /* without a list of names (mr_template_compile), any literal is accepted */
    ck_assert(compiles("{{serviceUrl 'anything'}}"));
}
END_TEST

START_TEST(test_every_problem_reported)
{
    struct mr_template *t = (struct mr_template *)1;
    struct mr_buf got;
    struct mr_tpl_compile_opts o;
    char err[512];
    const char *tpl = "{{fakr 'x'}} {{#each}}{{/each}} {{data 'b'}}\n{{uppercase (lowercse 'A')}} "
                      "{{faker 'person.frstName'}} {{repeat 2}}";

    memset(&o, 0, sizeof(o));
    o.escape = MR_TPL_HTML;
    o.problem = collect;
    o.problem_arg = &got;
    mr_buf_init(&got);
    ck_assert_int_eq(mr_template_compile_with(&t, tpl, strlen(tpl), &o, err, sizeof(err)),
                     MR_ESCENARIO);
    ck_assert_ptr_null(t);
    ck_assert_str_eq(
        mr_buf_cstr(&got),
        "2:unknown helper \"fakr\" at 1:3 (did you mean \"faker\"?)\n"
        "16:\"each\" at 1:17 needs 1 argument, got 0\n"
        "34:helper \"data\" at 1:35 is not supported by mockrun (data buckets)\n"
        "58:unknown helper \"lowercse\" at 2:14 (did you mean \"lowercase\"?)\n"
        "76:unknown faker method \"person.frstName\" (did you mean "
        "\"person.firstName\"?) at 2:32\n"
        "104:\"repeat\" at 2:60 is a block helper: write {{#repeat ...}}...{{/repeat}}\n");
    /* errbuf holds the first */
    ck_assert_str_eq(err, "unknown helper \"fakr\" at 1:3 (did you mean \"faker\"?)");

    /* a syntax error ends the compilation: what follows it is not looked at */
    mr_buf_reset(&got);
    tpl = "{{fakr}} {{#if x}} {{/each}} {{lowercse 'a'}}";
    ck_assert_int_eq(mr_template_compile_with(&t, tpl, strlen(tpl), &o, err, sizeof(err)),
                     MR_ESCENARIO);
    ck_assert_str_eq(mr_buf_cstr(&got),
                     "2:unknown helper \"fakr\" at 1:3 (did you mean \"faker\"?)\n"
                     "19:{{/each}} at 1:20 does not match {{#if}} opened at 1:10\n");
    mr_buf_release(&got);
}
END_TEST

START_TEST(test_dates)
{
    /* the clock is ctx->now_ms: 2023-11-14T22:13:20.000Z */
    expect("{{now}}", "2023-11-14T22:13:20.000+00:00");
    expect("{{now 'yyyy-MM-dd'}} {{now 'HH:mm'}}", "2023-11-14 22:13");
    /* H: date, dateFormat, isValidDate, dateTimeShift */
    expect("[{{date}}]|[{{date '2022-01-01'}}]|{{date '2022-01-01' '2022-02-01' 'YYYY'}}|"
           "{{date '2022-02-01' '2022-02-01' 'yyyy-MM-dd'}}",
           "[]|[]|2022|2022-02-01");
    expect("{{date '2022-02-01T10:00:00Z' '2022-02-01T10:00:00Z'}}",
           "Tue Feb 01 2022 10:00:00 GMT+0000 (Coordinated Universal Time)");
    expect("[{{dateFormat}}]|[{{dateFormat '2022-01-01'}}]|{{dateFormat '2022-02-01' 'YYYY'}}|"
           "{{dateFormat (faker 'date.recent' refDate='2022-01-10T00:00:00.000Z' days=1) 'YYYY'}}",
           "[]|[]|2022|2022");
    expect("{{isValidDate}} {{isValidDate '2022-01-01'}} {{isValidDate '2022-01-50'}} "
           "{{isValidDate 1727272454000}} {{isValidDate (queryParam 'page')}} "
           "{{isValidDate 'nope'}}",
           "false true false true true false");
    expect("{{dateTimeShift date='2021-02-01' days=2 months=4}}", "2021-06-03T00:00:00.000+00:00");
    expect("{{dateTimeShift date='2021-02-01' format='yyyy-MM-dd' days=2 months=4}}", "2021-06-03");
    expect("{{dateTimeShift date='2021-02-01T10:45:00' format=\"yyyy-MM-dd'T'HH:mm:ss\" days=8 "
           "months=3 hours=1 minutes=2 seconds=3}}",
           "2021-05-09T11:47:03");
    expect("{{dateTimeShift days=2 format='yyyy-MM-dd'}}|{{dateTimeShift 1}}",
           "2023-11-16|2023-11-14T22:13:20.000+00:00");
    expect("{{dateTimeShift date=(concat '2021-01-01 ' '05:00:00') format=\"yyyy-MM-dd'T'HH:mm:ss\""
           " hours=1}}|{{dateTimeShift date='2021-01-01' format='yyyy-MM-dd' days=(queryParam "
           "'page') months='1'}}",
           "2021-01-01T06:00:00|2021-02-03");
    expect("[{{dateTimeShift date='garbage'}}]", "[]");
    {
        char *v = render_seed("{{time}}|{{time '10:00' '10:30' 'HH:mm:ss'}}", 4);
        ck_assert_uint_eq(strlen(v), 5 + 1 + 8);
        ck_assert(strncmp(v + 6, "10:", 3) == 0);
        free(v);
    }
}
END_TEST

/* ---- limits -----------------------------------------------------------------------------------
 */

START_TEST(test_output_cap)
{
    struct mr_template *t;
    struct mr_buf out;
    char err[128];
    const char *tpl = "{{#repeat 10000 comma=false}}{{#repeat 10000 comma=false}}"
                      "0123456789abcdefghij{{/repeat}}{{/repeat}}";

    ck_assert_int_eq(mr_template_compile(&t, tpl, strlen(tpl), MR_TPL_HTML, err, sizeof(err)), 0);
    mr_buf_init(&out);
    mr_buf_append(&out, "prefix", 6);
    ck_assert_int_eq(mr_template_render(t, NULL, &out), 0);
    /* 16 MiB appended at most, after what the buffer held */
    ck_assert_uint_eq(out.len, 6 + ((size_t)16 << 20));
    mr_buf_release(&out);
    mr_template_free(t);
}
END_TEST

START_TEST(test_loops_are_bounded)
{
    /* a repeat runs 10,000 times at most */
    char *v = render("{{#repeat 1000000 comma=false}}x{{/repeat}}");
    ck_assert_uint_eq(strlen(v), 10000);
    free(v);
    /* nested loops that print nothing still stop (step budget) */
    v = render("{{#repeat 10000 comma=false}}{{#repeat 10000 comma=false}}{{#repeat 10000 "
               "comma=false}}{{/repeat}}{{/repeat}}{{/repeat}}done");
    ck_assert_str_eq(v, "");
    free(v);
    /* big intermediate values are cut, not grown without bound */
    v = render("{{len (padStart 'x' 100000000000)}}");
    ck_assert_str_eq(v, "16777216");
    free(v);
    /* a fill of stray UTF-8 continuation bytes once looped forever (fuzzer) */
    v = render("{{padEnd 'abc' 6 '\x80'}}|{{len (padEnd 'a' 5000000 'xy')}}");
    ck_assert_str_eq(v, "abc\x80\x80\x80|5000000");
    free(v);
    v = render("{{#repeat 10000 comma=false}}{{setVar 'a' (concat @a @a 'x')}}{{/repeat}}"
               "{{len @a}}");
    ck_assert(strlen(v) < 12);
    free(v);
}
END_TEST

START_TEST(test_big_objects)
{
    /* objects with many keys get a hash index: lookups, duplicates, order */
    struct mr_buf json;
    struct mr_tpl_ctx c;
    char *got;
    int i;

    mr_buf_init(&json);
    mr_buf_putc(&json, '{');
    for (i = 0; i < 5000; i++)
        mr_buf_printf(&json, "%s\"k%d\":%d", i ? "," : "", i, i);
    mr_buf_puts(&json, ",\"k7\":\"again\",\"K9\":\"upper\"}");
    c = base_ctx(json.data, json.len);
    got = render_ctx("{{bodyRaw 'k4999'}}|{{bodyRaw 'k7'}}|{{bodyRaw 'K9'}}|{{bodyRaw 'k9'}}|"
                     "{{bodyRaw 'nope' 'd'}}|{{len (jsonPath (bodyRaw) '$.*')}}|"
                     "{{#each (bodyRaw)}}{{#if @first}}{{@key}}{{/if}}{{#if @last}}{{@key}}{{/if}}"
                     "{{/each}}",
                     MR_TPL_HTML, &c);
    ck_assert_str_eq(got, "4999|again|upper|9|d|5001|k0K9");
    free(got);
    mr_buf_release(&json);
}
END_TEST

START_TEST(test_deep_values)
{
    /* a deeply nested request body neither crashes nor recurses without bound */
    size_t depth = 5000, i;
    char *body = malloc(depth * 2 + 1);
    struct mr_tpl_ctx c;
    char *got;

    for (i = 0; i < depth; i++) {
        body[i] = '[';
        body[depth + i] = ']';
    }
    body[depth * 2] = '\0';
    c = base_ctx(body, depth * 2);
    c.headers = headers;
    got = render_ctx("[{{bodyRaw 'x' 'fallback'}}]{{len (jsonParse (body))}}", MR_TPL_HTML, &c);
    ck_assert_str_eq(got, "[fallback]0"); /* too deep for JSON.parse here: undefined */
    free(got);
    got = render_ctx("{{#each (jsonParse '[[[[[[[[1]]]]]]]]')}}{{this}}{{/each}}", MR_TPL_HTML, &c);
    ck_assert_str_eq(got, "1");
    free(got);
    free(body);
}
END_TEST

/* Random token soup: every template compiles or fails cleanly, and any
 * that compiles renders (the fuzzer does this at scale; see tests/fuzz). */
START_TEST(test_token_soup)
{
    static const char *const tokens[] = {
        "{{",      "}}",      "{{{",       "}}}",    "{{#",
        "{{/",     "{{^",     "{{else}}",  "{{~",    "~}}",
        "{{!",     "{{!--",   "--}}",      "\\{{",   "\\\\",
        "(",       ")",       " ",         "\n",     "'a'",
        "\"b\"",   "1",       "-2.5",      "true",   "null",
        "=",       "@index",  "../",       "this",   ".",
        "[x]",     "as |v|",  "if",        "each",   "repeat",
        "with",    "lookup",  "body",      "concat", "array",
        "object",  "setVar",  "@v",        "switch", "case",
        "default", "request", "stringify", "faker",  "'person.firstName'",
        "uuid",    "x",       "{{else if", "}}\n",   "comma=false",
        "2"};
    uint64_t s = 12345;
    int iter;

    for (iter = 0; iter < 3000; iter++) {
        char tpl[512];
        size_t n = 0;
        int k, count = (int)(next_rand(&s) % 24) + 1;
        struct mr_template *t = NULL;
        char err[256];
        for (k = 0; k < count; k++) {
            const char *tok = tokens[next_rand(&s) % (sizeof(tokens) / sizeof(tokens[0]))];
            size_t l = strlen(tok);
            if (n + l >= sizeof(tpl))
                break;
            memcpy(tpl + n, tok, l);
            n += l;
        }
        if (mr_template_compile(&t, tpl, n, MR_TPL_HTML, err, sizeof(err)) == 0) {
            struct mr_buf out;
            struct mr_tpl_ctx c = base_ctx(json_body, strlen(json_body));
            mr_buf_init(&out);
            ck_assert_int_eq(mr_template_render(t, &c, &out), 0);
            mr_buf_release(&out);
            mr_template_free(t);
        } else {
            ck_assert_ptr_null(t);
            ck_assert_msg(err[0] != '\0', "no message for %.*s", (int)n, tpl);
        }
    }
}
END_TEST

START_TEST(test_api_edges)
{
    struct mr_template *t = (struct mr_template *)1;
    char err[8];

    mr_template_free(NULL);
    /* a small error buffer is truncated, never overrun */
    ck_assert_int_eq(mr_template_compile(&t, "{{#if x}}", 9, MR_TPL_HTML, err, sizeof(err)),
                     MR_ESCENARIO);
    ck_assert_ptr_null(t);
    ck_assert_uint_lt(strlen(err), sizeof(err));
    ck_assert_int_eq(mr_template_compile(&t, "{{x", 3, MR_TPL_HTML, NULL, 0), MR_ESCENARIO);
    /* a template need not be NUL-terminated */
    {
        char *got;
        struct mr_tpl_ctx c = base_ctx("", 0);
        struct mr_buf out;
        ck_assert_int_eq(
            mr_template_compile(&t, "{{method}}XYZ", 10, MR_TPL_HTML, err, sizeof(err)), 0);
        mr_buf_init(&out);
        ck_assert_int_eq(mr_template_render(t, &c, &out), 0);
        got = mr_buf_detach(&out, NULL);
        ck_assert_str_eq(got, "POST");
        free(got);
        mr_template_free(t);
    }
}
END_TEST

/* ---- suite ----------------------------------------------------------------------------------- */

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    return tc;
}

static Suite *template_suite(void)
{
    Suite *s = suite_create("template");
    TCase *tc;

    tc = tcase("syntax");
    tcase_add_test(tc, test_text_and_comments);
    tcase_add_test(tc, test_escaped_mustaches);
    tcase_add_test(tc, test_quote);
    tcase_add_test(tc, test_whitespace_control);
    tcase_add_test(tc, test_standalone_lines);
    tcase_add_test(tc, test_literals_and_paths);
    tcase_add_test(tc, test_hash_and_subexpressions);
    tcase_add_test(tc, test_block_forms);
    suite_add_tcase(s, tc);

    tc = tcase("escaping");
    tcase_add_test(tc, test_html_escaping);
    tcase_add_test(tc, test_no_escaping_mode);
    tcase_add_test(tc, test_value_printing);
    tcase_add_test(tc, test_raw_values_add_up);
    suite_add_tcase(s, tc);

    tc = tcase("errors");
    tcase_add_test(tc, test_error_unknown_helpers);
    tcase_add_test(tc, test_error_structure);
    tcase_add_test(tc, test_error_helper_use);
    tcase_add_test(tc, test_error_limits);
    tcase_add_test(tc, test_every_problem_reported);
    tcase_add_test(tc, test_api_edges);
    suite_add_tcase(s, tc);

    tc = tcase("helpers-logic");
    tcase_add_test(tc, test_if_unless);
    tcase_add_test(tc, test_each);
    tcase_add_test(tc, test_with_lookup_log);
    tcase_add_test(tc, test_comparisons);
    tcase_add_test(tc, test_includes);
    tcase_add_test(tc, test_switch);
    tcase_add_test(tc, test_repeat);
    tcase_add_test(tc, test_repeat_range);
    tcase_add_test(tc, test_set_get_var);
    suite_add_tcase(s, tc);

    tc = tcase("helpers-strings");
    tcase_add_test(tc, test_case_and_split);
    tcase_add_test(tc, test_concat_substr_indexof);
    tcase_add_test(tc, test_replace_pad_len);
    suite_add_tcase(s, tc);

    tc = tcase("helpers-numbers");
    tcase_add_test(tc, test_arithmetic);
    tcase_add_test(tc, test_rounding);
    suite_add_tcase(s, tc);

    tc = tcase("helpers-values");
    tcase_add_test(tc, test_array_object);
    tcase_add_test(tc, test_stringify_jsonparse);
    tcase_add_test(tc, test_filter_find);
    tcase_add_test(tc, test_sort_slice_reverse);
    tcase_add_test(tc, test_paths_helpers);
    tcase_add_test(tc, test_base64_jwt);
    suite_add_tcase(s, tc);

    tc = tcase("helpers-request");
    tcase_add_test(tc, test_body_helpers);
    tcase_add_test(tc, test_xml_body);
    tcase_add_test(tc, test_xml_body_large);
    tcase_add_test(tc, test_xpath_helper);
    tcase_add_test(tc, test_query_helpers);
    tcase_add_test(tc, test_query_qs_merge);
    tcase_add_test(tc, test_form_qs);
    tcase_add_test(tc, test_request_helpers);
    tcase_add_test(tc, test_request_context);
    tcase_add_test(tc, test_ip);
    tcase_add_test(tc, test_status);
    suite_add_tcase(s, tc);

    tc = tcase("generated");
    tcase_add_test(tc, test_determinism);
    tcase_add_test(tc, test_random_shapes);
    tcase_add_test(tc, test_faker);
    tcase_add_test(tc, test_faker_aliases);
    tcase_add_test(tc, test_color);
    tcase_add_test(tc, test_unsupported_helpers);
    tcase_add_test(tc, test_get_env_var);
    tcase_add_test(tc, test_service_url);
    tcase_add_test(tc, test_dates);
    suite_add_tcase(s, tc);

    tc = tcase("limits");
    tcase_add_test(tc, test_output_cap);
    tcase_add_test(tc, test_loops_are_bounded);
    tcase_add_test(tc, test_deep_values);
    tcase_add_test(tc, test_big_objects);
    tcase_add_test(tc, test_token_soup);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(template_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
