#!/usr/bin/env node
// import.js - oracle test for `mockrun --import-mockoon`: the real Mockoon CLI
// serves the environment in import-env/, mockrun serves the scenario
// `mockrun --import-mockoon` makes of it, the same requests go to both, and
// the status, the body and selected headers are compared (oracle.js does the
// work; README.md, "Importing a Mockoon environment").
//
//   node import.js --mockrun BUILD/mockrun --mockoon-cli PREFIX/node_modules/.bin/mockoon-cli
//                  [--case NAME]... [--keep] [--verbose] [--list]
//
// The cases run in order and some depend on it (SEQUENTIAL and
// request_number count calls per route).
//
// Exit status: 0 every case equal (or differing only as KNOWN lists), 1 a
// mismatch, 2 usage or set-up error.
'use strict';

const fs = require('fs');
const path = require('path');
const { main } = require('./oracle.js');

const FIXTURE = path.join(__dirname, 'import-env');
const P = '/api/v1'; // the fixture's endpointPrefix

// Headers compared on every answer ("(none)" when absent).
// Access-Control-Allow-Origin only in the CORS cases (see KNOWN).
const HEADERS = ['content-type', 'content-disposition', 'x-custom', 'x-env'];
const CORS_HEADERS = [...HEADERS, 'access-control-allow-origin'];

// ---- the cases ------------------------------------------------------------------
// req: method (GET), path, headers, and json / body (raw, set Content-Type).
// shape: a RegExp both bodies must match instead of being equal.
// statusOnly: compare the status only (the reason is in `why`).
// headers: the header list to compare instead of HEADERS.

const json = (o) => ({ json: o });
const text = (s) => ({ body: s, headers: { 'Content-Type': 'text/plain' } });
const cases = [
  // users/:id - rules on params, header (AND), query, cookie (OR); the default first
  { name: 'users-default', req: { path: `${P}/users/7` } },
  { name: 'users-and-holds', req: { path: `${P}/users/42`, headers: { 'X-Role': 'admin' } } },
  { name: 'users-and-header-fails', req: { path: `${P}/users/42`, headers: { 'X-Role': 'user' } } },
  { name: 'users-and-param-fails', req: { path: `${P}/users/7`, headers: { 'X-Role': 'admin' } } },
  { name: 'users-or-query', req: { path: `${P}/users/7?view=full` } },
  { name: 'users-or-cookie-regex-i', req: { path: `${P}/users/8`, headers: { Cookie: 'other=1; session=ABC123' } } },
  { name: 'users-or-cookie-fails', req: { path: `${P}/users/8`, headers: { Cookie: 'session=xabc' } } },
  { name: 'route-order', req: { path: `${P}/users/me` } },
  { name: 'wrong-method-404', req: { method: 'POST', path: `${P}/users/7` }, statusOnly: true,
    why: 'no route: each server answers its own 404 page' },
  // orders - body rules
  { name: 'body-path-equals', req: { method: 'POST', path: `${P}/orders`, ...json({ order: { type: 'express' }, ref: 'r1' }) } },
  { name: 'body-array-includes', req: { method: 'POST', path: `${P}/orders`, ...json({ items: ['book', 'gift'] }) } },
  { name: 'body-array-includes-fails', req: { method: 'POST', path: `${P}/orders`, ...json({ items: ['book'] }) } },
  { name: 'body-null-inverted', req: { method: 'POST', path: `${P}/orders`, ...json({ coupon: 'SAVE10' }) } },
  { name: 'body-whole-equals', req: { method: 'POST', path: `${P}/orders`, ...text('ping') } },
  { name: 'body-whole-regex', req: { method: 'POST', path: `${P}/orders`, ...text('hello world') } },
  { name: 'body-default-not-first', req: { method: 'POST', path: `${P}/orders`, ...json({ other: 1 }) } },
  { name: 'body-path-on-text-body', req: { method: 'POST', path: `${P}/orders`, ...text('hello World') } },
  { name: 'body-empty', req: { method: 'POST', path: `${P}/orders` } },
  // search - regex_i AND null, inverted equals
  { name: 'query-regex-i-and-null', req: { path: `${P}/search?q=FOObar` } },
  { name: 'query-and-null-fails', req: { path: `${P}/search?q=foo`, headers: { 'X-Debug': '1' } } },
  { name: 'query-inverted-holds', req: { path: `${P}/search?page=2` } },
  { name: 'query-inverted-fails', req: { path: `${P}/search?page=1` } },
  // things/:kind (method all) - method, path and request_number rules; call n of the route
  { name: 'method-rule', req: { method: 'POST', path: `${P}/things/box` } }, // call 1
  { name: 'path-equals', req: { path: `${P}/things/special` } }, // 2
  { name: 'path-regex', req: { path: `${P}/things/re42` } }, // 3
  { name: 'things-default', req: { path: `${P}/things/plain` } }, // 4
  { name: 'things-any-method', req: { method: 'DELETE', path: `${P}/things/x` } }, // 5
  { name: 'request-number-6', req: { path: `${P}/things/y` } }, // 6
  { name: 'request-number-7', req: { path: `${P}/things/y` } }, // 7
  // SEQUENTIAL wraps around
  ...[1, 2, 3, 4, 5].map((i) => ({ name: `sequential-${i}`, req: { path: `${P}/flaky` } })),
  // DISABLE_RULES: the default even when a rule holds
  { name: 'disable-rules', req: { path: `${P}/status?x=1` } },
  // FALLBACK
  { name: 'fallback-rule-holds', req: { path: `${P}/feature`, headers: { 'X-Feature': 'on' } } },
  { name: 'fallback-next-route', req: { path: `${P}/feature` } },
  { name: 'fallback-alone-holds', req: { path: `${P}/lonely?k=v` } },
  { name: 'fallback-alone-404', req: { path: `${P}/lonely` }, statusOnly: true,
    why: 'no route answers: each server answers its own 404 page' },
  // RANDOM, by shape
  ...[1, 2, 3].map((i) => ({ name: `random-${i}`, req: { path: `${P}/lucky` }, shape: /^(heads|tails)$/ })),
  // Express path syntax (a folder: rootChildren and folders order)
  { name: 'optional-param-absent', req: { path: `${P}/files` } },
  { name: 'optional-param-present', req: { path: `${P}/files/a.txt` } },
  { name: 'group-with', req: { path: `${P}/colour` } },
  { name: 'group-without', req: { path: `${P}/color` } },
  { name: 'group-404', req: { path: `${P}/colr` }, statusOnly: true, why: 'no route: each server answers its own 404 page' },
  { name: 'plus-param', req: { path: `${P}/tags/a/b` } },
  { name: 'plus-param-404', req: { path: `${P}/tags` }, statusOnly: true, why: 'no route: each server answers its own 404 page' },
  { name: 'star-one', req: { path: `${P}/docs/x` } },
  { name: 'star-two', req: { path: `${P}/docs/x/y` } },
  { name: 'two-params', req: { path: `${P}/a/1/b/2` } },
  { name: 'trailing-slash', req: { path: `${P}/a/1/b/2/` } },
  { name: 'no-prefix-404', req: { path: '/users/7' }, statusOnly: true, why: 'no route: each server answers its own 404 page' },
  // files and templating
  { name: 'file-as-body', req: { path: `${P}/catalog?n=3` } },
  { name: 'file-attachment', req: { path: `${P}/report?who=ann` } },
  { name: 'disable-templating', req: { path: `${P}/raw` } },
  { name: 'templated-echo', req: { method: 'PUT', path: `${P}/echo?loud=1`, headers: { Accept: 'text/x-test' }, ...json({ name: 'Zoe' }) } },
  { name: 'templated-echo-defaults', req: { method: 'PUT', path: `${P}/echo` } },
  // callbacks: both servers call the client back (oracle.js, `hooks`; X-Hook-Port names
  // its port): templated URLs, headers (an empty one left out) and bodies, fetch's type
  // for a string, the response's latency then the callback's, no body with GET, a path
  // to the mock itself behind the prefix whose route calls back in turn, a file
  { name: 'callback-json-and-text', req: { method: 'POST', path: `${P}/charges`, ...json({ id: 'ch_1', amount: 1999 }) },
    hooks: { count: 2, headers: ['content-type', 'content-length', 'x-sig', 'x-empty'], minMs: { '/hooks/ch_1?src=oracle': 300 } } },
  { name: 'callback-get-no-body', req: { path: `${P}/notify?q=a-b` },
    hooks: { count: 1, headers: ['content-type', 'content-length', 'x-mode'] } },
  { name: 'callback-to-itself', req: { path: `${P}/relay-start?id=r7` },
    hooks: { count: 1, headers: ['content-type', 'content-length', 'x-seen'], minMs: { '/relayed/r7': 50 } } },
  { name: 'callback-file', req: { method: 'POST', path: `${P}/filed`, ...json({ id: 'f9' }) },
    hooks: { count: 1, headers: ['content-type', 'content-length'] } },
  // CORS: the option answers preflights; Access-Control-Allow-Origin comes from the environment's headers
  { name: 'cors-preflight', headers: CORS_HEADERS, req: { method: 'OPTIONS', path: `${P}/users/7`,
    headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'GET' } } },
  { name: 'cors-with-origin', headers: CORS_HEADERS, req: { path: `${P}/users/7`, headers: { Origin: 'http://example.test' } } },
  { name: 'cors-without-origin', headers: CORS_HEADERS, req: { path: `${P}/users/7` } }
];

// Cases where mockrun differs from Mockoon, each with its reason. A listed
// case that differs prints KNOWN and does not fail the run; one that starts
// matching prints a note to remove it. "BUG" marks a difference that looks
// like a defect rather than a choice.
const KNOWN = {
  'trailing-slash': 'documented difference (docs/migrating.md): Mockoon (Express, non-strict routing) serves ' +
    'GET /api/v1/a/1/b/2/ with the route `a/:x/b/:y`; mockrun\'s paths are strict about a trailing ' +
    'slash and answer 404.'
};

main({
  name: 'conformance.import',
  file: __filename,
  prepare: (work) => fs.cpSync(FIXTURE, work, { recursive: true }),
  cases,
  known: KNOWN,
  headers: HEADERS
});
