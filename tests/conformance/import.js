#!/usr/bin/env node
// import.js - oracle test for `mockrun --import-mockoon`: the real Mockoon CLI
// serves the environment in import-env/, mockrun serves the scenario
// `mockrun --import-mockoon` makes of it, the same requests go to both, and
// the status, the body and selected headers are compared.
//
//   node import.js --mockrun BUILD/mockrun --mockoon-cli PREFIX/node_modules/.bin/mockoon-cli
//                  [--case NAME]... [--keep] [--verbose]
//
// Like run.js, one process plays two parts. The driver copies import-env/ to a
// temporary folder, runs `mockrun --import-mockoon env.json > scenario.json`
// there, adds `"unexpected": "allow"` (the cases send requests no route
// answers on purpose; it changes no answer), starts mockoon-cli on the same
// env.json (a free port on 127.0.0.1) and runs
//   mockrun scenario.json --no-junit -- node import.js --client ...
// so that this script, now mockrun's command under test, sends every case's
// request to Mockoon and to $MOCKRUN_URL in turn. The cases run in order and
// some depend on it (SEQUENTIAL and request_number count calls per route).
// Without --case every case runs; with --case, only the named ones (counters
// then differ from a full run, but equally on both servers).
//
// Exit status: 0 every case equal (or differing only as KNOWN lists), 1 a
// mismatch, 2 usage or set-up error.
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { stopGroup, waitExit, startMockoon } = require('./mockoon-process.js');
const { spawn, spawnSync } = require('child_process');

const HERE = __dirname;
const FIXTURE = path.join(HERE, 'import-env');
const REQUEST_TIMEOUT_MS = 15000;
const MOCKRUN_TIMEOUT_MS = 120000;
const P = '/api/v1'; // the fixture's endpointPrefix

// Headers compared on every answer ("(none)" when absent). The Content-Type
// is compared on its media type: Express appends "; charset=utf-8" to the
// text types it sets, mockrun sends the value as the environment gives it.
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
  'body-path-on-text-body': 'docs/migrating.md: "body paths need a JSON body". Mockoon applies a body-path ' +
    'rule to a body it does not parse (text/plain here) as to the whole raw text, so `$.coupon` "null" ' +
    'inverted holds for any non-empty text body there (203); in mockrun the path is absent (400).',
  'trailing-slash': 'documented difference (docs/migrating.md): Mockoon (Express, non-strict routing) serves ' +
    'GET /api/v1/a/1/b/2/ with the route `a/:x/b/:y`; mockrun\'s paths are strict about a trailing ' +
    'slash and answer 404.',
  'cors-preflight': 'documented difference (docs/migrating.md): Mockoon answers every OPTIONS with 200 and its CORS headers plus the environment\'s ' +
    '(Access-Control-Allow-Origin "*", X-Env, Content-Type); mockrun answers 204 with the request\'s ' +
    'Origin and no environment headers (docs/scenario-format.md, "cors").'
};

// ---- options --------------------------------------------------------------------

function die(msg) {
  process.stderr.write(`conformance.import: ${msg}\n`);
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
    else if (a === '--mockoon-cli') o.mockoonCli = val();
    else if (a === '--source-dir') val(); // accepted for run.sh's sake
    else if (a === '--case') o.cases.push(val());
    else if (a === '--client') o.client = true;
    else if (a === '--mockoon-url') o.mockoonUrl = val();
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else die(`unknown option '${a}' (see the comment at the top of import.js)`);
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

// ---- processes ------------------------------------------------------------------

// ---- driver ---------------------------------------------------------------------

async function driver(opts) {
  if (!opts.mockrun || !opts.mockoonCli) die('usage: node import.js --mockrun PATH --mockoon-cli PATH [--case NAME]...');
  for (const [what, p] of [['mockrun', opts.mockrun], ['mockoon-cli', opts.mockoonCli]])
    if (!fs.existsSync(p)) die(`${what} '${p}' does not exist`);
  opts.mockrun = path.resolve(opts.mockrun);
  opts.mockoonCli = path.resolve(opts.mockoonCli);
  const selected = selectCases(opts.cases);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mockrun-import-'));
  let mockoon = null;
  let mr = null;
  let status = 2;
  const onSignal = () => {
    stopGroup(mockoon && mockoon.child);
    stopGroup(mr);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = Date.now();
  try {
    fs.cpSync(FIXTURE, work, { recursive: true });
    const imp = spawnSync(opts.mockrun, ['--import-mockoon', 'env.json'], { cwd: work, encoding: 'utf8', timeout: 30000 });
    if (imp.status !== 0) throw new Error(`mockrun --import-mockoon failed (${imp.error ? imp.error.message : `exit status ${imp.status}`}):\n${imp.stderr}`);
    if (imp.stderr) process.stdout.write(`conformance.import: the importer's warnings:\n${imp.stderr.trimEnd().replace(/^/gm, '  ')}\n`);
    const scenario = JSON.parse(imp.stdout);
    scenario.unexpected = 'allow';
    fs.writeFileSync(path.join(work, 'scenario.json'), JSON.stringify(scenario, null, 2));

    mockoon = await startMockoon(opts.mockoonCli, path.join(work, 'env.json'), path.join(work, 'mockoon.log'));
    const started = Date.now();
    console.log(`conformance.import: ${selected.length} requests; Mockoon CLI ready on port ${mockoon.port} after ${((started - t0) / 1000).toFixed(1)} s`);
    const args = ['scenario.json', '--no-junit', '--', process.execPath, __filename, '--client',
      '--mockoon-url', `http://127.0.0.1:${mockoon.port}`];
    for (const c of opts.cases) args.push('--case', c);
    if (opts.verbose) args.push('--verbose');
    mr = spawn(opts.mockrun, args, { cwd: work, env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'inherit', 'inherit'],
      detached: true });
    const code = await new Promise((resolve) => {
      const t = setTimeout(() => {
        console.error(`conformance.import: mockrun and the client did not finish within ${MOCKRUN_TIMEOUT_MS / 1000} s`);
        stopGroup(mr, 'SIGKILL');
      }, MOCKRUN_TIMEOUT_MS);
      mr.on('error', (e) => { clearTimeout(t); console.error(`conformance.import: cannot run mockrun: ${e.message}`); resolve(3); });
      mr.on('close', (c, sig) => { clearTimeout(t); resolve(sig ? 128 : c); });
    });
    if (code === 2 || code === 3) console.error(`conformance.import: mockrun could not serve the imported scenario (exit status ${code}); its message is above`);
    console.log(`conformance.import: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    status = code === 0 ? 0 : code === 3 ? 2 : 1;
  } catch (e) {
    console.error(`conformance.import: ${e.message}`);
    status = 2;
  } finally {
    if (mr) { stopGroup(mr); await waitExit(mr, 5000); }
    if (mockoon) { stopGroup(mockoon.child); await waitExit(mockoon.child, 5000); }
    if (opts.keep) console.log(`conformance.import: files kept in ${work}`);
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
  return new Promise((resolve, reject) => {
    const q = http.request({ host: u.hostname, port: u.port, method: req.method, path: req.path,
      headers: req.headers, agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    q.on('timeout', () => q.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    q.on('error', reject);
    if (req.body !== null) q.write(req.body);
    q.end();
  });
}

function headerValue(res, name) {
  const v = res.headers[name];
  if (v === undefined) return '(none)';
  const s = Array.isArray(v) ? v.join(', ') : String(v);
  return name === 'content-type' ? s.split(';')[0].trim().toLowerCase() : s;
}

const show = (s) => JSON.stringify(s);

function compare(c, a, b) {
  const problems = [];
  if (a.status !== b.status) problems.push(`status: Mockoon ${a.status}, mockrun ${b.status}`);
  if (c.statusOnly) return problems;
  for (const h of c.headers || HEADERS) {
    const x = headerValue(a, h), y = headerValue(b, h);
    if (x !== y) problems.push(`header ${h}: Mockoon ${show(x)}, mockrun ${show(y)}`);
  }
  if (c.shape) {
    if (!c.shape.test(a.body)) problems.push(`Mockoon's body does not match ${c.shape} (fix the case)`);
    if (!c.shape.test(b.body)) problems.push(`mockrun's body does not match ${c.shape}`);
  } else if (a.body !== b.body) {
    problems.push('bodies differ');
  }
  return problems;
}

async function client(opts) {
  const ours = process.env.MOCKRUN_URL;
  if (!ours) die('--client runs under mockrun, which sets MOCKRUN_URL');
  if (!opts.mockoonUrl) die('--client needs --mockoon-url');
  const selected = selectCases(opts.cases);
  const results = { pass: [], fail: [], known: [], fixed: [] };
  for (const c of selected) {
    const req = buildRequest(c);
    let a, b;
    try {
      a = await send(opts.mockoonUrl, req);
      b = await send(ours, req);
    } catch (e) {
      results.fail.push(c.name);
      console.log(`FAIL ${c.name}: request failed: ${e.message}`);
      continue;
    }
    const problems = compare(c, a, b);
    const known = Object.prototype.hasOwnProperty.call(KNOWN, c.name);
    const verdict = problems.length === 0 ? 'pass' : known ? 'known' : 'fail';
    results[verdict].push(c.name);
    if (verdict === 'pass') {
      if (known) results.fixed.push(c.name);
      if (opts.verbose) console.log(`ok   ${c.name}: ${a.status} ${show(a.body)}${c.shape ? ` | ${show(b.body)}` : ''}`);
      continue;
    }
    console.log(`${verdict === 'fail' ? 'FAIL' : 'KNOWN'} ${c.name}`);
    if (known) console.log(`    known difference: ${KNOWN[c.name]}`);
    console.log(`    request:  ${req.method} ${req.path}`);
    for (const [k, v] of Object.entries(req.headers)) console.log(`              ${k}: ${v}`);
    if (req.body !== null) console.log(`              body ${show(req.body)}`);
    console.log(`    Mockoon:  ${a.status} ${show(a.body)}`);
    console.log(`    mockrun:  ${b.status} ${show(b.body)}`);
    for (const p of problems) console.log(`    ${p}`);
  }
  for (const name of results.fixed) console.log(`NOTE ${name} is listed in KNOWN but now matches: remove the entry`);
  console.log(`conformance.import: ${results.pass.length} equal, ${results.known.length} known differences, ` +
    `${results.fail.length} failed (of ${selected.length})`);
  if (results.fail.length) console.log(`conformance.import: failed: ${results.fail.join(' ')}`);
  process.exit(results.fail.length ? 1 : 0);
}

const opts = parseArgs(process.argv.slice(2));
(opts.client ? client(opts) : driver(opts)).catch((e) => {
  console.error(`conformance.import: ${e.stack || e}`);
  process.exit(2);
});
