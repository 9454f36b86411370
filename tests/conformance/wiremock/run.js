#!/usr/bin/env node
// run.js - oracle test for `mockrun --import-wiremock`: the real WireMock
// (the standalone jar of the npm package `wiremock`) serves the stub mappings
// in root/, mockrun serves the scenario `mockrun --import-wiremock` makes of
// them, the same requests go to both, and the status, the body and selected
// headers are compared.
//
//   node run.js --mockrun BUILD/mockrun --jar PREFIX/node_modules/wiremock/build/wiremock-standalone-X.jar
//               [--case NAME]... [--keep] [--verbose]
//
// As import.js does for Mockoon, one process plays two parts. The driver
// copies root/ to a temporary folder, runs `mockrun --import-wiremock .`
// there and saves the scenario in that folder (binary __files are served by
// reference), adds `"unexpected": "allow"` (some cases expect a 404; it
// changes no answer), starts WireMock on a free port of 127.0.0.1 with that
// folder as --root-dir, and runs
//   mockrun scenario.json --no-junit -- node run.js --client ...
// so that this script, now mockrun's command under test, sends every case's
// request to WireMock and to $MOCKRUN_URL in turn. The cases run in order and
// some depend on it (scenario states).
//
// Exit status: 0 every case equal (or differing only as KNOWN lists), 1 a
// mismatch, 2 usage or set-up error.
'use strict';

const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { stopGroup, waitExit } = require('../mockoon-process.js');
const { startReceiver, compareHooks } = require('../hooks.js');

const HERE = __dirname;
const FIXTURE = path.join(HERE, 'root');
const REQUEST_TIMEOUT_MS = 10000;
const START_TIMEOUT_MS = 60000;
const MOCKRUN_TIMEOUT_MS = 60000;

// ---- the cases ------------------------------------------------------------------
// req: method (GET), path, headers, and json / body (raw; set Content-Type).
// headers: response headers to compare besides the status and the body
// (WireMock sets no Content-Type of its own, mockrun always does: it is
// compared only where the stub sets it).
// fault: both servers must answer with no complete, well-formed HTTP response
// (checked on the raw bytes: Node's parser accepts some broken chunks).
// minMs: both answers take at least this long.
// statusOnly: compare the status only (unmatched requests: each server has its own 404 text).
// hooks: { count, headers, minMs? }: the stub's webhooks (../hooks.js). Each server is
// named a receiver of its own in the request header X-Hook-Port (the stubs' webhook URLs
// use it), so both requests still go at once; then each server's `count` webhooks are
// compared.

const json = (o) => ({ json: o });

// equalToXml with placeholders: one request that passes every placeholder,
// then one changing a single value (or leaving it out) per case
function placeholderCases() {
  const post = (p, body) => ({ method: 'POST', path: p, body, headers: { 'Content-Type': 'application/xml' } });
  const order = (o) => {
    const v = { id: ' id="x9"', total: '12.50', ref: 'R-77', at: '2024-05-01T10:00:00Z', note: '<note>any</note>',
      day: '01.05.2024', kind: '${xmlunit.unknown}', ...o };
    return `<order${v.id} total="${v.total}"><ref>${v.ref}</ref><at>${v.at}</at>${v.note}` +
      `<day>${v.day}</day><kind>${v.kind}</kind></order>`;
  };
  const hit = (name, o) => ({ name: `body-xml-ph-${name}`, req: post('/b/xml-ph', order(o)) });
  const nope = (name, o) => ({ ...hit(name, o), name: `body-xml-ph-${name}-miss`, ...miss });
  return [
    hit('all', {}),
    hit('optional', { id: '', note: '<note/>', total: ' 3 ', at: '2024-5-1 ', day: '1.5.2024x' }),
    hit('more', { total: '-1.5e3', ref: ' R-1 ', at: '2024-05-01', note: '<note></note>' }),
    nope('number', { total: '12.5.0' }),
    nope('number-empty', { total: '' }),
    nope('regex', { ref: 'X-1' }),
    nope('regex-empty', { ref: '' }),
    nope('date', { at: 'soon' }),
    nope('date-format', { day: '2024-05-01' }),
    nope('element-missing', { note: '' }),
    nope('unknown-is-text', { kind: 'x' }),
    { name: 'body-xml-ph-delims', req: post('/b/xml-ph-delims', '<a n="4">x</a>') },
    { name: 'body-xml-ph-delims-empty', req: post('/b/xml-ph-delims', '<a n=" 4 "/>') },
    { name: 'body-xml-ph-delims-miss', req: post('/b/xml-ph-delims', '<a n="four">x</a>'), ...miss },
    { name: 'body-xml-ph-off', req: post('/b/xml-ph-off', '<a>${xmlunit.isNumber}</a>') },
    { name: 'body-xml-ph-off-miss', req: post('/b/xml-ph-off', '<a>5</a>'), ...miss }
  ];
}
const text = (s) => ({ body: s, headers: { 'Content-Type': 'text/plain' } });
const miss = { statusOnly: true };
const cases = [
  // URLs
  { name: 'url-exact', req: { path: '/url/exact' } },
  { name: 'url-exact-miss', req: { path: '/url/exact/more' }, ...miss },
  { name: 'url-query', req: { path: '/url/q?a=1&b=two%20words' } },
  { name: 'url-query-miss', req: { path: '/url/q?a=2&b=two%20words' }, ...miss },
  { name: 'url-query-plus', req: { path: '/url/q?a=1&b=two+words' }, ...miss },
  { name: 'url-query-extra', req: { path: '/url/q?a=1&b=two%20words&c=3' }, ...miss },
  { name: 'url-exact-with-query', req: { path: '/url/exact?x=1' }, ...miss },
  { name: 'head-on-get', req: { method: 'HEAD', path: '/url/exact' }, ...miss },
  { name: 'url-path', req: { path: '/path/only' } },
  { name: 'url-path-with-query', req: { path: '/path/only?x=1' } },
  { name: 'url-pattern', req: { path: '/pattern/123' } },
  { name: 'url-pattern-miss', req: { path: '/pattern/abc' }, ...miss },
  { name: 'url-path-pattern', req: { path: '/pp/abc/x?y=2' } },
  { name: 'path-template', req: { path: '/contacts/12/addresses/99' } },
  { name: 'path-template-param-miss', req: { path: '/contacts/13/addresses/99' }, ...miss },
  { name: 'path-template-partial', req: { path: '/files/report.txt' } },
  { name: 'method-any-delete', req: { method: 'DELETE', path: '/any' } },
  { name: 'method-any-patch', req: { method: 'PATCH', path: '/any' } },
  { name: 'method-none', req: { method: 'POST', path: '/no-method' } },
  { name: 'method-miss', req: { method: 'GET', path: '/put-only' }, ...miss },
  { name: 'method-put', req: { method: 'PUT', path: '/put-only' } },
  { name: 'colon-path', req: { path: '/literal/:id/*' } },
  { name: 'colon-path-miss', req: { path: '/literal/7/x' }, ...miss },
  { name: 'single-stub-file', req: { method: 'DELETE', path: '/items/42' }, headers: ['x-deleted'] },
  // headers and basic auth
  { name: 'header-equal', req: { path: '/h/equal', headers: { 'X-Token': 'abc' } } },
  { name: 'header-equal-miss', req: { path: '/h/equal', headers: { 'X-Token': 'abcd' } }, ...miss },
  { name: 'header-ci', req: { path: '/h/ci', headers: { 'X-Mode': 'fAST' } } },
  { name: 'header-contains', req: { path: '/h/contains', headers: { Accept: 'application/json' } } },
  { name: 'header-matches', req: { path: '/h/matches', headers: { 'X-Id': 'beef' } } },
  { name: 'header-matches-whole', req: { path: '/h/matches', headers: { 'X-Id': 'beef1' } }, ...miss },
  { name: 'header-dnm-other', req: { path: '/h/dnm', headers: { 'X-Env': 'staging' } } },
  { name: 'header-dnm-missing', req: { path: '/h/dnm' } },
  { name: 'header-dnm-miss', req: { path: '/h/dnm', headers: { 'X-Env': 'production' } }, ...miss },
  { name: 'header-absent', req: { path: '/h/absent' } },
  { name: 'header-absent-miss', req: { path: '/h/absent', headers: { 'X-Debug': '1' } }, ...miss },
  { name: 'header-and', req: { path: '/h/and', headers: { 'X-Val': 'abc' } } },
  { name: 'header-and-miss', req: { path: '/h/and', headers: { 'X-Val': 'abx' } }, ...miss },
  { name: 'header-or-value', req: { path: '/h/or', headers: { 'X-Val': 'one' } } },
  { name: 'header-or-absent', req: { path: '/h/or' } },
  { name: 'header-or-miss', req: { path: '/h/or', headers: { 'X-Val': 'two' } }, ...miss },
  { name: 'header-two', req: { path: '/h/two', headers: { 'X-A': '1', 'X-B': 'x2x' } } },
  { name: 'header-two-miss', req: { path: '/h/two', headers: { 'X-A': '1' } }, ...miss },
  { name: 'basic-auth', req: { path: '/auth', headers: { Authorization: 'Basic ' + Buffer.from('ann:s3cret').toString('base64') } } },
  { name: 'basic-auth-scheme-case', req: { path: '/auth', headers: { Authorization: 'basic ' + Buffer.from('ann:s3cret').toString('base64') } } },
  { name: 'basic-auth-miss', req: { path: '/auth', headers: { Authorization: 'Basic ' + Buffer.from('ann:nope').toString('base64') } }, ...miss },
  // query parameters and cookies
  { name: 'query-equal', req: { path: '/q/equal?search=shoes&page=2' } },
  { name: 'query-equal-miss', req: { path: '/q/equal?search=shoes&page=two' }, ...miss },
  { name: 'query-absent', req: { path: '/q/absent?other=1' } },
  { name: 'query-absent-miss', req: { path: '/q/absent?debug=1' }, ...miss },
  { name: 'query-has-exactly', req: { path: '/q/exactly?id=1' } },
  { name: 'query-has-exactly-miss', req: { path: '/q/exactly?id=1&id=2' }, ...miss },
  { name: 'query-includes', req: { path: '/q/includes?id=2&id=3&id=1' } },
  { name: 'query-includes-miss', req: { path: '/q/includes?id=1&id=3' }, ...miss },
  { name: 'query-dnc-missing', req: { path: '/q/dnc' } },
  { name: 'query-dnc-miss', req: { path: '/q/dnc?tag=very-bad' }, ...miss },
  { name: 'cookie-equal', req: { path: '/c/equal', headers: { Cookie: 'a=b; session=s1' } } },
  { name: 'cookie-matches', req: { path: '/c/matches', headers: { Cookie: 'session=s42' } } },
  { name: 'cookie-dnm', req: { path: '/c/dnm', headers: { Cookie: 'session=user1' } } },
  { name: 'cookie-dnm-missing', req: { path: '/c/dnm' }, ...miss },
  { name: 'cookie-absent', req: { path: '/c/absent' } },
  { name: 'cookie-absent-miss', req: { path: '/c/absent', headers: { Cookie: 'session=x' } }, ...miss },
  // bodies
  { name: 'body-equal', req: { method: 'POST', path: '/b/equal', ...text('ping') } },
  { name: 'body-equal-miss', req: { method: 'POST', path: '/b/equal', ...text('ping ') }, ...miss },
  { name: 'body-contains', req: { method: 'POST', path: '/b/contains', ...text('a needle here') } },
  { name: 'body-matches-dotall', req: { method: 'POST', path: '/b/matches', ...text('line1\nline2') } },
  { name: 'body-dnm', req: { method: 'POST', path: '/b/dnm', ...text('public') } },
  { name: 'body-dnm-miss', req: { method: 'POST', path: '/b/dnm', ...text('top\nsecret') }, ...miss },
  { name: 'body-json-equal', req: { method: 'POST', path: '/b/json', ...json({ tags: ['a', 'b'], name: 'Zoe' }) } },
  { name: 'body-json-equal-extra-miss', req: { method: 'POST', path: '/b/json', ...json({ tags: ['a', 'b'], name: 'Zoe', x: 1 }) }, ...miss },
  { name: 'body-json-extra', req: { method: 'POST', path: '/b/json-extra', ...json({ order: { type: 'express', id: 3 }, ref: 'r1' }) } },
  { name: 'body-json-extra-miss', req: { method: 'POST', path: '/b/json-extra', ...json({ order: { type: 'slow' } }) }, ...miss },
  { name: 'body-jp-exists', req: { method: 'POST', path: '/b/jp-exists', ...json({ user: { id: 5 } }) } },
  { name: 'body-jp-exists-miss', req: { method: 'POST', path: '/b/jp-exists', ...json({ user: {} }) }, ...miss },
  { name: 'body-jp-match', req: { method: 'POST', path: '/b/jp', ...json({ items: [{ sku: 'A-12' }] }) } },
  { name: 'body-jp-match-coupon-miss', req: { method: 'POST', path: '/b/jp', ...json({ items: [{ sku: 'A-12' }], coupon: 'X' }) }, ...miss },
  { name: 'body-jp-array', req: { method: 'POST', path: '/b/jp-array', ...json({ tags: ['blue', 'red'] }) } },
  { name: 'body-two', req: { method: 'POST', path: '/b/two', ...json({ kind: 'express', ref: 1 }) } },
  { name: 'body-two-miss', req: { method: 'POST', path: '/b/two', ...json({ kind: 'express' }) }, ...miss },
  // XML bodies: equalToXml ignores whitespace, attribute order and prefixes; XPath with namespaces
  { name: 'body-xml-equal', req: { method: 'POST', path: '/b/xml', body: '<order  id="7">\n  <item sku="A1"></item>\n  <note>hi</note>\n</order>', headers: { 'Content-Type': 'text/xml' } } },
  { name: 'body-xml-equal-miss', req: { method: 'POST', path: '/b/xml', body: '<order id="7"><item sku="A2"/><note>hi</note></order>', headers: { 'Content-Type': 'text/xml' } }, ...miss },
  { name: 'body-xml-not-xml', req: { method: 'POST', path: '/b/xml', body: '<order id="7">', headers: { 'Content-Type': 'text/xml' } }, ...miss },
  { name: 'body-xpath', req: { method: 'POST', path: '/b/xpath', body: '<order id="7"><item sku="A1"/></order>', headers: { 'Content-Type': 'text/xml' } } },
  { name: 'body-xpath-miss', req: { method: 'POST', path: '/b/xpath', body: '<order id="7"><item sku="B1"/></order>', headers: { 'Content-Type': 'text/xml' } }, ...miss },
  { name: 'body-xpath-ns', req: { method: 'POST', path: '/b/soap', body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetPrice xmlns="urn:prices"><Item>Apple</Item></GetPrice></s:Body></s:Envelope>', headers: { 'Content-Type': 'text/xml' } } },
  { name: 'body-xpath-ns-miss', req: { method: 'POST', path: '/b/soap', body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetPrice xmlns="urn:other"><Item>Apple</Item></GetPrice></s:Body></s:Envelope>', headers: { 'Content-Type': 'text/xml' } }, ...miss },
  // XMLUnit's placeholders (enablePlaceholders): ignore, isNumber, matchesRegex, isDateTime
  ...placeholderCases(),
  // priority and order
  { name: 'prio-specific', req: { path: '/prio/special' } },
  { name: 'prio-catch-all', req: { path: '/prio/other' } },
  { name: 'prio-newest-first', req: { path: '/prio/same' } },
  { name: 'prio-default-is-5', req: { path: '/prio/five' } },
  // responses
  { name: 'resp-status-headers', req: { path: '/r/status' }, headers: ['x-custom', 'content-type', 'cache-control'] },
  { name: 'resp-json', req: { path: '/r/json' }, headers: ['content-type'] },
  { name: 'resp-base64', req: { path: '/r/base64' } },
  { name: 'resp-file', req: { path: '/r/file' }, headers: ['content-type'] },
  { name: 'resp-file-templated', req: { path: '/r/greeting?who=Ann' } },
  { name: 'resp-file-binary', req: { path: '/r/binary' }, headers: ['content-type'] },
  { name: 'resp-literal-braces', req: { path: '/r/braces' } },
  { name: 'resp-delay', req: { path: '/r/delay' }, minMs: 280 },
  { name: 'resp-uniform-delay', req: { path: '/r/uniform' }, minMs: 90 },
  { name: 'resp-dribble', req: { path: '/r/dribble' }, minMs: 150 },
  { name: 'fault-reset', req: { path: '/f/reset' }, fault: true },
  { name: 'fault-empty', req: { path: '/f/empty' }, fault: true },
  { name: 'fault-garbage', req: { path: '/f/garbage' }, fault: true },
  { name: 'fault-chunk', req: { path: '/f/chunk' }, fault: true },
  // scenarios: two at once (mockrun combines their states into the service's one)
  { name: 'cart-empty', req: { path: '/cart' } },
  { name: 'me-anonymous', req: { path: '/me' } },
  { name: 'cart-add', req: { method: 'POST', path: '/cart/items' } },
  { name: 'cart-full', req: { path: '/cart' } },
  { name: 'login', req: { method: 'POST', path: '/login' } },
  { name: 'me-after-login', req: { path: '/me' } },
  { name: 'cart-still-full', req: { path: '/cart' } },
  { name: 'cart-add-again', req: { method: 'POST', path: '/cart/items' } },
  { name: 'checkout', req: { method: 'POST', path: '/cart/checkout' } },
  { name: 'cart-empty-again', req: { path: '/cart' } },
  { name: 'checkout-miss', req: { method: 'POST', path: '/cart/checkout' }, ...miss },
  { name: 'login-again-miss', req: { method: 'POST', path: '/login' }, ...miss },
  // response templates
  { name: 'tpl-request', req: { method: 'POST', path: '/t/echo/one/two?q=search', headers: { 'X-Name': 'Zoe', Cookie: 'sid=c1', 'Content-Type': 'application/json' }, body: '{"name":"Ann <&>"}' }, headers: ['x-echo'] },
  { name: 'tpl-logic-a', req: { path: '/t/logic/a?flag=1' } },
  { name: 'tpl-logic-b', req: { path: '/t/logic/b' } },
  { name: 'tpl-eq-query', req: { path: '/t/eq-query?kind=a' } },
  { name: 'tpl-json', req: { method: 'POST', path: '/t/json', ...json({ name: 'Zoe' }) }, headers: ['content-type'] },
  { name: 'tpl-query', req: { path: '/t/query?a=1' } },
  { name: 'tpl-query-repeated', req: { path: '/t/query?a=1&a=2' } },
  { name: 'tpl-each', req: { method: 'POST', path: '/t/each', ...json({ items: ['a', 'b', 'c'] }) } },
  // webhooks: templated from originalRequest (jsonPath, headers, the body, the method, a
  // path parameter, the URL), a header with two values, User-Agent (the client's own),
  // fixed and uniform delays after the response's own, the older postServeActions
  // forms, a base64 body (never a template), GET (no body) with requestPhases
  { name: 'hook-json', req: { method: 'POST', path: '/hook/charges', ...json({ id: 'ch_1', amount: 1999 }),
    headers: { 'X-Raw': 'a&b<c>"d\'e=f' } }, minMs: 100,
  hooks: { count: 1, headers: ['content-type', 'content-length', 'x-sig', 'x-raw', 'x-multi'],
    minMs: { '/hooks/ch_1?src=wm': 300 } } },
  { name: 'hook-uniform', req: { method: 'PUT', path: '/hook/items/i7?x=1' },
    hooks: { count: 1, headers: ['content-type', 'content-length'], minMs: { '/items/i7': 50 } } },
  { name: 'hook-old-form', req: { method: 'POST', path: '/hook/old' },
    hooks: { count: 1, headers: ['content-type', 'content-length'] } },
  { name: 'hook-no-type', req: { method: 'POST', path: '/hook/untyped' },
    hooks: { count: 1, headers: ['content-type', 'content-length'] } },
  { name: 'hook-get', req: { path: '/hook/get?q=a-b' },
    hooks: { count: 1, headers: ['content-type', 'content-length', 'x-mode'] } }
];

// Cases where mockrun differs from WireMock, each with its reason (docs/wiremock.md).
// A listed case that differs prints KNOWN and does not fail the run; one that
// starts matching prints a note to remove it.
const KNOWN = {
  'url-query-plus': 'docs/wiremock.md, "Raw and decoded URLs": WireMock compares the URL as sent ' +
    '("+" is not "%20"); mockrun compares decoded query values, so this request matches the stub.',
  'url-query-extra': 'docs/wiremock.md, "Query strings": `url` is the whole URL in WireMock; mockrun ' +
    'checks the path and the listed parameters, and has no condition on the raw query string.',
  'url-exact-with-query': 'docs/wiremock.md, "Query strings": the same for a `url` without a query string.',
  'head-on-get': 'docs/wiremock.md, "Responses": mockrun answers HEAD with the GET route (as Express ' +
    'does); WireMock answers 404.',
  'tpl-query-repeated': 'docs/wiremock.md, "Templates": a parameter sent twice prints its first ' +
    'value in WireMock, both (qs\'s array) in mockrun.',
  'hook-no-type': 'docs/wiremock.md, "Webhooks": WireMock sends a webhook\'s body without a Content-Type ' +
    'when its headers give none; mockrun sends text/plain; charset=utf-8 (the importer warns).',
  'tpl-eq-query': 'docs/wiremock.md: WireMock 3 gives a template {{request.query.kind}} as the list of the ' +
    'parameter\'s values, which {{#eq}} never finds equal to a string ("no"); mockrun compares the value ("yes").'
};

// ---- options --------------------------------------------------------------------

function die(msg) {
  process.stderr.write(`conformance.wiremock: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { cases: [], keep: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--mockrun') o.mockrun = val();
    else if (a === '--jar') o.jar = val();
    else if (a === '--java') o.java = val();
    else if (a === '--case') o.cases.push(val());
    else if (a === '--client') o.client = true;
    else if (a === '--wiremock-url') o.wiremockUrl = val();
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else die(`unknown option '${a}' (see the comment at the top of run.js)`);
  }
  return o;
}

function selectCases(only) {
  const names = new Set();
  for (const c of cases) {
    if (names.has(c.name)) die(`case name '${c.name}' is used twice`);
    names.add(c.name);
  }
  for (const k of Object.keys(KNOWN)) if (!names.has(k)) die(`KNOWN lists '${k}', which is no case`);
  for (const n of only) if (!names.has(n)) die(`no case named '${n}'`);
  return only.length ? cases.filter((c) => only.includes(c.name)) : cases;
}

// ---- WireMock -------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Resolves true once WireMock's admin API answers (its stubs are loaded by then).
function healthy(port) {
  return new Promise((resolve) => {
    const q = http.get({ host: '127.0.0.1', port, path: '/__admin/mappings?limit=1', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    q.on('timeout', () => q.destroy());
    q.on('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startWireMock(java, jar, rootDir, logFile) {
  const port = await freePort();
  const log = fs.openSync(logFile, 'w');
  const child = spawn(java, ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-jar', jar, '--port', String(port),
    '--bind-address', '127.0.0.1', '--root-dir', rootDir, '--disable-banner', '--no-request-journal'], { stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal || `exit status ${code}`; });
  child.on('error', (e) => { exited = e.message; });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !exited) {
    if (await healthy(port)) return { child, port };
    await sleep(100);
  }
  stopGroup(child);
  await waitExit(child, 5000);
  const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  throw new Error(exited
    ? `WireMock ended before listening (${exited}); its output:\n${tail}`
    : `WireMock did not answer on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s; its output:\n${tail}`);
}

// ---- driver ---------------------------------------------------------------------

async function driver(opts) {
  if (!opts.mockrun || !opts.jar) die('usage: node run.js --mockrun PATH --jar WIREMOCK.jar [--case NAME]...');
  for (const [what, p] of [['mockrun', opts.mockrun], ['the WireMock jar', opts.jar]])
    if (!fs.existsSync(p)) die(`${what} '${p}' does not exist`);
  opts.mockrun = path.resolve(opts.mockrun);
  opts.jar = path.resolve(opts.jar);
  const selected = selectCases(opts.cases);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mockrun-wiremock-'));
  let wm = null;
  let mr = null;
  let status = 2;
  const onSignal = () => {
    stopGroup(wm && wm.child);
    stopGroup(mr);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = Date.now();
  try {
    fs.cpSync(FIXTURE, work, { recursive: true });
    // WireMock starts while mockrun converts
    const starting = startWireMock(opts.java || 'java', opts.jar, work, path.join(os.tmpdir(), `${path.basename(work)}.log`));
    starting.catch(() => {});
    const imp = spawnSync(opts.mockrun, ['--import-wiremock', '.'], { cwd: work, encoding: 'utf8', timeout: 30000 });
    if (imp.status !== 0) throw new Error(`mockrun --import-wiremock failed (${imp.error ? imp.error.message : `exit status ${imp.status}`}):\n${imp.stderr}`);
    if (imp.stderr) process.stdout.write(`conformance.wiremock: the importer's warnings:\n${imp.stderr.trimEnd().replace(/^/gm, '  ')}\n`);
    const scenario = JSON.parse(imp.stdout);
    scenario.unexpected = 'allow';
    fs.writeFileSync(path.join(work, 'scenario.json'), JSON.stringify(scenario, null, 2));

    wm = await starting;
    console.log(`conformance.wiremock: ${selected.length} requests; WireMock ready on port ${wm.port} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const args = ['scenario.json', '--no-junit', '--', process.execPath, __filename, '--client',
      '--wiremock-url', `http://127.0.0.1:${wm.port}`];
    for (const c of opts.cases) args.push('--case', c);
    if (opts.verbose) args.push('--verbose');
    mr = spawn(opts.mockrun, args, { cwd: work, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    const code = await new Promise((resolve) => {
      const t = setTimeout(() => {
        console.error(`conformance.wiremock: mockrun and the client did not finish within ${MOCKRUN_TIMEOUT_MS / 1000} s`);
        stopGroup(mr, 'SIGKILL');
      }, MOCKRUN_TIMEOUT_MS);
      mr.on('error', (e) => { clearTimeout(t); console.error(`conformance.wiremock: cannot run mockrun: ${e.message}`); resolve(3); });
      mr.on('close', (c, sig) => { clearTimeout(t); resolve(sig ? 128 : c); });
    });
    if (code === 2 || code === 3) console.error(`conformance.wiremock: mockrun could not serve the imported scenario (exit status ${code}); its message is above`);
    console.log(`conformance.wiremock: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    status = code === 0 ? 0 : code === 3 ? 2 : 1;
  } catch (e) {
    console.error(`conformance.wiremock: ${e.message}`);
    status = 2;
  } finally {
    if (mr) { stopGroup(mr); await waitExit(mr, 5000); }
    if (wm) { stopGroup(wm.child); await waitExit(wm.child, 5000); }
    fs.rmSync(path.join(os.tmpdir(), `${path.basename(work)}.log`), { force: true });
    if (opts.keep) console.log(`conformance.wiremock: files kept in ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  process.exit(status);
}

// ---- client: runs under mockrun -------------------------------------------------

function buildRequest(c) {
  const r = c.req;
  const headers = { ...(r.headers || {}) };
  let body = null;
  if (r.json !== undefined) {
    body = JSON.stringify(r.json);
    headers['Content-Type'] = headers['Content-Type'] || 'application/json';
  } else if (r.body !== undefined) {
    body = r.body;
  }
  if (body !== null) headers['Content-Length'] = String(Buffer.byteLength(body));
  return { method: r.method || 'GET', path: r.path, headers, body };
}

function send(base, req) {
  const u = new URL(base);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const q = http.request({ host: u.hostname, port: u.port, method: req.method, path: req.path,
      headers: req.headers, agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), ms: Date.now() - t0 }));
      res.on('error', (e) => resolve({ error: e.code || e.message }));
      res.on('aborted', () => resolve({ error: 'aborted' }));
    });
    q.on('timeout', () => q.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    q.on('error', (e) => resolve({ error: e.code || e.message }));
    if (req.body !== null) q.write(req.body);
    q.end();
  });
}

// The raw answer to a request over a fresh socket, and what is wrong with it
// ("" when it is a complete response): reset, nothing, not HTTP, a body
// shorter than its Content-Length, broken or unfinished chunks.
function sendRaw(base, req) {
  const u = new URL(base);
  return new Promise((resolve) => {
    const chunks = [];
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve(err || brokenHttp(Buffer.concat(chunks)));
    };
    const sock = net.connect({ host: u.hostname, port: Number(u.port) }, () => {
      // no "Connection: close": WireMock then frames MALFORMED_RESPONSE_CHUNK by closing
      let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${u.host}\r\n`;
      for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v}\r\n`;
      sock.write(head + '\r\n');
      if (req.body !== null) sock.write(req.body);
    });
    sock.setTimeout(REQUEST_TIMEOUT_MS, () => finish(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`));
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => finish());
    sock.on('error', (e) => finish(e.code || e.message));
  });
}

function brokenHttp(raw) {
  if (raw.length === 0) return 'nothing';
  const end = raw.indexOf('\r\n\r\n');
  if (!raw.subarray(0, 8).toString('latin1').startsWith('HTTP/1.') || end < 0) return 'not HTTP';
  const head = raw.subarray(0, end).toString('latin1').toLowerCase();
  let body = raw.subarray(end + 4);
  const len = /\r\ncontent-length: *([0-9]+)/.exec(head);
  if (/\r\ntransfer-encoding: *chunked/.test(head)) {
    for (;;) {
      const eol = body.indexOf('\r\n');
      const size = eol < 0 ? NaN : parseInt(body.subarray(0, eol).toString('latin1'), 16);
      if (!/^[0-9a-f]+/i.test(body.subarray(0, Math.max(eol, 0)).toString('latin1')) || Number.isNaN(size)) return 'broken chunk';
      if (size === 0) return '';
      if (body.length < eol + 2 + size + 2) return 'unfinished chunk';
      body = body.subarray(eol + 2 + size + 2);
    }
  }
  if (len && body.length < Number(len[1])) return `${body.length} of ${len[1]} body bytes`;
  return '';
}

function headerValue(res, name) {
  const v = res.headers[name];
  if (v === undefined) return '(none)';
  return Array.isArray(v) ? v.join(', ') : String(v);
}

// A body for the log: WireMock's 404 page is long, the start says enough.
const show = (b) => {
  const s = JSON.stringify(Buffer.isBuffer(b) ? b.toString('utf8') : b);
  return s.length > 160 ? `${s.slice(0, 150)}... (${s.length} chars)` : s;
};

function compare(c, a, b) {
  const problems = [];
  if (c.fault) {
    if (!a.broken) problems.push('WireMock answered in full where a broken answer was expected (fix the case)');
    if (!b.broken) problems.push(`mockrun answered in full; WireMock's answer: ${a.broken}`);
    return problems;
  }
  if (a.error) return [`WireMock: ${a.error} (fix the case)`];
  if (b.error) return [`mockrun: ${b.error}`];
  if (a.status !== b.status) problems.push(`status: WireMock ${a.status}, mockrun ${b.status}`);
  if (c.statusOnly) return problems;
  for (const h of c.headers || []) {
    const x = headerValue(a, h), y = headerValue(b, h);
    if (x !== y) problems.push(`header ${h}: WireMock ${JSON.stringify(x)}, mockrun ${JSON.stringify(y)}`);
  }
  if (!a.body.equals(b.body)) problems.push('bodies differ');
  if (c.minMs) {
    if (a.ms < c.minMs) problems.push(`WireMock answered in ${a.ms} ms, under ${c.minMs} (fix the case)`);
    if (b.ms < c.minMs) problems.push(`mockrun answered in ${b.ms} ms, under ${c.minMs}`);
  }
  return problems;
}

async function client(opts) {
  const ours = process.env.MOCKRUN_URL;
  if (!ours) die('--client runs under mockrun, which sets MOCKRUN_URL');
  if (!opts.wiremockUrl) die('--client needs --wiremock-url');
  const selected = selectCases(opts.cases);
  const results = { pass: [], fail: [], known: [], fixed: [] };
  const hooked = selected.some((c) => c.hooks);
  const recv = hooked ? await Promise.all([startReceiver(), startReceiver()]) : null;
  for (const c of selected) {
    const req = buildRequest(c);
    const reqs = [req, req];
    let ha, hb;
    if (c.hooks)
      for (const k of [0, 1]) reqs[k] = { ...req, headers: { ...req.headers, 'X-Hook-Port': String(recv[k].port) } };
    // both at once: the delay cases then cost their delay once
    const t0 = Date.now();
    const [a, b] = c.fault
      ? (await Promise.all([sendRaw(opts.wiremockUrl, req), sendRaw(ours, req)])).map((x) => ({ broken: x }))
      : await Promise.all([send(opts.wiremockUrl, reqs[0]), send(ours, reqs[1])]);
    if (c.hooks) [ha, hb] = await Promise.all([recv[0].take(c.hooks.count, t0), recv[1].take(c.hooks.count, t0)]);
    const problems = compare(c, a, b).concat(c.hooks ? compareHooks(c, ha, hb, 'WireMock') : []);
    const known = Object.prototype.hasOwnProperty.call(KNOWN, c.name);
    const verdict = problems.length === 0 ? 'pass' : known ? 'known' : 'fail';
    results[verdict].push(c.name);
    if (verdict === 'pass') {
      if (known) results.fixed.push(c.name);
      if (opts.verbose) console.log(`ok   ${c.name}: ${c.fault ? `${a.broken} | ${b.broken}` : `${a.status} ${show(a.body)}`}`);
      if (opts.verbose && c.hooks) for (const h of ha) console.log(`       webhook: ${h.method} ${h.url} ${show(h.body)} (${h.ms} ms)`);
      continue;
    }
    console.log(`${verdict === 'fail' ? 'FAIL' : 'KNOWN'} ${c.name}`);
    if (known) console.log(`    known difference: ${KNOWN[c.name]}`);
    console.log(`    request:  ${req.method} ${req.path}`);
    for (const [k, v] of Object.entries(req.headers)) console.log(`              ${k}: ${v}`);
    if (req.body !== null) console.log(`              body ${show(req.body)}`);
    const what = (x) => (c.fault ? x.broken || 'a complete answer' : x.error || `${x.status} ${show(x.body)}`);
    console.log(`    WireMock: ${what(a)}`);
    console.log(`    mockrun:  ${what(b)}`);
    if (c.hooks) {
      for (const h of ha) console.log(`    WireMock webhook: ${h.method} ${h.url} ${show(h.body)} ${JSON.stringify(h.headers)}`);
      for (const h of hb) console.log(`    mockrun webhook:  ${h.method} ${h.url} ${show(h.body)} ${JSON.stringify(h.headers)}`);
    }
    for (const p of problems) console.log(`    ${p}`);
  }
  if (recv) for (const r of recv) r.close();
  for (const name of results.fixed) console.log(`NOTE ${name} is listed in KNOWN but now matches: remove the entry`);
  console.log(`conformance.wiremock: ${results.pass.length} equal, ${results.known.length} known differences, ` +
    `${results.fail.length} failed (of ${selected.length})`);
  if (results.fail.length) console.log(`conformance.wiremock: failed: ${results.fail.join(' ')}`);
  process.exit(results.fail.length ? 1 : 0);
}

const opts = parseArgs(process.argv.slice(2));
(opts.client ? client(opts) : driver(opts)).catch((e) => {
  console.error(`conformance.wiremock: ${e.stack || e}`);
  process.exit(2);
});
