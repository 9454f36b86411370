#!/usr/bin/env node
// run.js - serves every case of cases.js with the real Mockoon CLI and with
// mockrun, and compares the bodies.
//
//   node run.js --mockrun BUILD/mockrun --mockoon-cli PREFIX/node_modules/.bin/mockoon-cli
//               [--source-dir DIR] [--case NAME]... [--keep] [--verbose]
//
// One process plays two parts. Started by hand (or by run.sh) it is the
// driver: it writes ONE Mockoon environment and ONE mockrun scenario with a
// route /c/<n>/... per case, starts mockoon-cli (TZ=UTC, fixed --faker-seed,
// a free port on 127.0.0.1) and then runs
//   mockrun scenario.json --no-junit -- node run.js --client ...
// so the same script, now mockrun's command under test, queries both servers
// (mockrun through $MOCKRUN_URL) with the same requests, compares, prints a
// diff per mismatch and exits non-zero on any mismatch that
// known-differences.json does not list.
//
// Exit status: 0 all cases pass (or differ only as documented), 1 a mismatch
// or a broken case, 2 usage or set-up error.
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { stopGroup, waitExit, startMockoon } = require('./mockoon-process.js');
const { spawn } = require('child_process');

const HERE = __dirname;
// CONFORMANCE_SEED tries another seed (shape cases must hold for any).
const FAKER_SEED = Number(process.env.CONFORMANCE_SEED || 1234);
const REQUEST_TIMEOUT_MS = 15000;

function die(msg) {
  process.stderr.write(`conformance: ${msg}\n`);
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
    else if (a === '--source-dir') o.sourceDir = val();
    else if (a === '--case') o.cases.push(val());
    else if (a === '--client') o.client = true;
    else if (a === '--mockoon-url') o.mockoonUrl = val();
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else die(`unknown option '${a}' (see the comment at the top of run.js)`);
  }
  return o;
}

// ---- the cases ----------------------------------------------------------------

function loadCases(only) {
  const { cases } = require(path.join(HERE, 'cases.js'));
  const seen = new Set();
  cases.forEach((c, i) => {
    if (!c.name || typeof c.template !== 'string') die(`case #${i} needs a name and a template`);
    if (seen.has(c.name)) die(`case name '${c.name}' is used twice`);
    seen.add(c.name);
    c.n = i + 1; // route /c/<n>
  });
  if (only.length === 0) return cases;
  for (const name of only) if (!seen.has(name)) die(`no case named '${name}'`);
  return cases.filter((c) => only.includes(c.name));
}

function loadKnown() {
  const file = path.join(HERE, 'known-differences.json');
  const list = JSON.parse(fs.readFileSync(file, 'utf8'));
  const map = new Map();
  for (const k of list) {
    if (k.suite) continue; // another suite's (rules.js: "mockoon-rules")
    if (!k.case || !k.reason) die(`${file}: every entry needs "case" and "reason"`);
    map.set(k.case, k.reason);
  }
  return map;
}

const routePath = (c) => `/c/${c.n}${c.route || ''}`;
const contentType = (c) => c.type || 'text/plain';

// ---- the two server configurations ---------------------------------------------------

function uuid(n) {
  return `c0f0a000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function mockoonEnvironment(cases) {
  const routes = cases.map((c) => ({
    uuid: uuid(2 * c.n),
    type: 'http',
    documentation: c.name,
    method: 'all',
    endpoint: routePath(c).slice(1),
    responses: [
      {
        uuid: uuid(2 * c.n + 1),
        body: c.template,
        latency: 0,
        statusCode: 200,
        label: '',
        headers: [{ key: 'Content-Type', value: contentType(c) }],
        bodyType: 'INLINE',
        filePath: '',
        databucketID: '',
        sendFileAsBody: false,
        rules: [],
        rulesOperator: 'OR',
        disableTemplating: false,
        fallbackTo404: false,
        default: true,
        crudKey: 'id',
        callbacks: []
      }
    ],
    responseMode: null,
    streamingMode: null,
    streamingInterval: 0
  }));
  return {
    uuid: uuid(1),
    lastMigration: 33,
    name: 'mockrun-conformance',
    endpointPrefix: '',
    latency: 0,
    port: 3000,
    hostname: '127.0.0.1',
    folders: [],
    routes,
    rootChildren: routes.map((r) => ({ type: 'route', uuid: r.uuid })),
    proxyMode: false,
    proxyHost: '',
    proxyRemovePrefix: false,
    tlsOptions: { enabled: false, type: 'CERT', pfxPath: '', certPath: '', keyPath: '', caPath: '', passphrase: '' },
    cors: false,
    headers: [],
    proxyReqHeaders: [],
    proxyResHeaders: [],
    data: [],
    callbacks: []
  };
}

function mockrunScenario(cases) {
  return {
    seed: FAKER_SEED,
    unexpected: 'allow',
    routes: cases.map((c) => ({
      id: `c${c.n}`,
      request: { method: 'ANY', path: routePath(c) },
      response: { headers: { 'Content-Type': contentType(c) }, body: c.template }
    }))
  };
}

// ---- processes ------------------------------------------------------------------

// ---- driver --------------------------------------------------------------------

async function driver(opts) {
  if (!opts.mockrun || !opts.mockoonCli) die('usage: node run.js --mockrun PATH --mockoon-cli PATH [--case NAME]...');
  for (const [what, p] of [['mockrun', opts.mockrun], ['mockoon-cli', opts.mockoonCli]])
    if (!fs.existsSync(p)) die(`${what} '${p}' does not exist`);
  opts.mockrun = path.resolve(opts.mockrun);
  opts.mockoonCli = path.resolve(opts.mockoonCli);
  const cases = loadCases(opts.cases);
  loadKnown(); // fail early on a malformed file
  if (opts.sourceDir && opts.cases.length === 0) checkCoverage(opts, cases);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mockrun-conformance-'));
  const envFile = path.join(work, 'mockoon.json');
  const scenarioFile = path.join(work, 'scenario.json');
  fs.writeFileSync(envFile, JSON.stringify(mockoonEnvironment(cases), null, 2));
  fs.writeFileSync(scenarioFile, JSON.stringify(mockrunScenario(cases), null, 2));

  // for the getEnvVar case: both servers inherit it
  process.env.MOCKOON_CONFORMANCE_VAR = 'a<b> & "c"';
  delete process.env.MOCKOON_CONFORMANCE_UNSET;

  const t0 = Date.now();
  let mockoon;
  let status = 1;
  const onSignal = () => { if (mockoon) stopGroup(mockoon.child); process.exit(130); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    mockoon = await startMockoon(opts.mockoonCli, envFile, path.join(work, 'mockoon.log'),
      ['--faker-seed', String(FAKER_SEED)]);
    const started = Date.now();
    console.log(`conformance: ${cases.length} cases; Mockoon CLI ready on port ${mockoon.port} after ${((started - t0) / 1000).toFixed(1)} s`);
    const args = [scenarioFile, '--no-junit', '--', process.execPath, __filename, '--client',
      '--mockoon-url', `http://127.0.0.1:${mockoon.port}`];
    for (const c of opts.cases) args.push('--case', c);
    if (opts.verbose) args.push('--verbose');
    // stderr passes through, and is kept to name the case behind a load error.
    const mr = spawn(opts.mockrun, args, { cwd: work, env: { ...process.env, TZ: 'UTC' },
      stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    mr.stderr.on('data', (d) => { stderr += d; process.stderr.write(d); });
    const code = await new Promise((resolve) => {
      mr.on('error', (e) => { console.error(`conformance: cannot run mockrun: ${e.message}`); resolve(3); });
      mr.on('close', (c, sig) => resolve(sig ? 128 : c));
    });
    if (code === 2 || code === 3) {
      console.error(`conformance: mockrun could not serve the cases (exit status ${code}); its message is above`);
      for (const m of stderr.matchAll(/routes\[(\d+)\]/g))
        if (cases[Number(m[1])]) console.error(`conformance: routes[${m[1]}] is case '${cases[Number(m[1])].name}'`);
    }
    console.log(`conformance: done in ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
      `(Mockoon start ${((started - t0) / 1000).toFixed(1)} s, cases ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    status = code === 0 ? 0 : 1;
  } catch (e) {
    console.error(`conformance: ${e.message}`);
    status = 2;
  } finally {
    if (mockoon) {
      stopGroup(mockoon.child);
      await waitExit(mockoon.child, 5000);
    }
    if (opts.keep) console.log(`conformance: files kept in ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  process.exit(status);
}

// Every helper both engines know needs at least one case. Our list comes from
// the H("name", ...) table in scenarios/template*.c, Mockoon's from its package.
function checkCoverage(opts, cases) {
  const ours = new Set();
  const dir = path.join(opts.sourceDir, 'scenarios');
  for (const f of fs.readdirSync(dir).filter((f) => /^template.*\.c$/.test(f)))
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/\bH\("([A-Za-z0-9_]+)"/g)) ours.add(m[1]);
  let theirs;
  try {
    const lib = path.join(path.dirname(fs.realpathSync(opts.mockoonCli)), '..', '..', '@mockoon', 'commons-server',
      'dist', 'cjs', 'libs', 'templating-helpers');
    const fallback = path.join(path.dirname(opts.mockoonCli), '..', '@mockoon', 'commons-server', 'dist', 'cjs',
      'libs', 'templating-helpers');
    const base = fs.existsSync(lib) ? lib : fallback;
    const { Helpers } = require(path.join(base, 'helpers', 'index.js'));
    const { requestHelperNames } = require(path.join(base, 'request-helpers.js'));
    const { responseHelperNames } = require(path.join(base, 'response-helpers.js'));
    theirs = new Set([...Object.keys(Helpers), ...requestHelperNames, ...responseHelperNames, 'faker',
      'each', 'if', 'unless', 'with', 'lookup', 'log']);
  } catch (e) {
    console.log(`conformance: note: Mockoon's helper list not found (${e.message.split('\n')[0]}); coverage not checked`);
    return;
  }
  const used = new Set();
  for (const c of cases)
    for (const m of c.template.matchAll(/(?:\{\{[{#~]*\s*|\(\s*)([A-Za-z][A-Za-z0-9_]*)/g)) used.add(m[1]);
  const missing = [...ours].filter((h) => theirs.has(h) && !used.has(h)).sort();
  const onlyOurs = [...ours].filter((h) => !theirs.has(h)).sort();
  if (onlyOurs.length) console.log(`conformance: helpers Mockoon does not have: ${onlyOurs.join(', ')}`);
  if (missing.length) {
    console.error(`conformance: helpers both engines have but no case uses: ${missing.join(', ')}; add cases to cases.js`);
    process.exit(1);
  }
}

// ---- client: runs under mockrun ----------------------------------------------------

function buildRequest(c) {
  const r = c.req || {};
  const headers = { ...(r.headers || {}) };
  let body = null;
  if (r.json !== undefined) {
    body = JSON.stringify(r.json);
    headers['Content-Type'] = headers['Content-Type'] || 'application/json';
  } else if (r.form !== undefined) {
    body = new URLSearchParams(r.form).toString();
    headers['Content-Type'] = headers['Content-Type'] || 'application/x-www-form-urlencoded';
  } else if (r.body !== undefined) {
    body = r.body;
  }
  if (body !== null) headers['Content-Length'] = String(Buffer.byteLength(body));
  const p = `/c/${c.n}${r.path !== undefined ? r.path : ''}${r.query ? `?${r.query}` : ''}`;
  return { method: r.method || 'GET', path: p, headers, body };
}

function send(base, req) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const q = http.request({ host: u.hostname, port: u.port, method: req.method, path: req.path,
      headers: req.headers, agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    q.on('timeout', () => q.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    q.on('error', reject);
    if (req.body !== null) q.write(req.body);
    q.end();
  });
}

// The servers' own address shows up in baseUrl and the Host header.
function normalize(body, base) {
  const host = new URL(base).host;
  return body.split(base).join('{origin}').split(host).join('{host}');
}

function checkShape(shape, body) {
  if (shape instanceof RegExp) return shape.test(body) || `does not match ${shape}`;
  const r = shape(body);
  return r === true ? true : (r || 'rejected by the predicate');
}

const show = (s) => JSON.stringify(s);

function firstDiff(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function describeRequest(c, req) {
  const lines = [`    request:  ${req.method} ${req.path}`];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`              ${k}: ${v}`);
  if (req.body !== null) lines.push(`              body ${show(req.body)}`);
  return lines.join('\n');
}

async function client(opts) {
  const ours = process.env.MOCKRUN_URL;
  if (!ours) die('--client runs under mockrun, which sets MOCKRUN_URL');
  if (!opts.mockoonUrl) die('--client needs --mockoon-url');
  const cases = loadCases(opts.cases);
  const known = loadKnown();
  const results = { pass: [], fail: [], known: [], fixed: [] };

  for (const c of cases) {
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
    const mo = normalize(a.body, opts.mockoonUrl);
    const mr = normalize(b.body, ours);
    const problems = [];
    const want = c.status || 200;
    if (a.status !== b.status) problems.push(`status: Mockoon ${a.status}, mockrun ${b.status}`);
    if (a.status !== want)
      problems.push(`Mockoon answered ${a.status}${c.status ? ` (the case expects ${want})` : ''}: the case itself may be wrong`);
    if (mo.startsWith('Error while serving the content'))
      problems.push('Mockoon could not render the template (Handlebars error): the case itself may be wrong');
    if (c.shape) {
      const okMo = checkShape(c.shape, mo);
      const okMr = checkShape(c.shape, mr);
      if (okMo !== true) problems.push(`Mockoon's body fails the shape (fix the case): ${okMo}`);
      if (okMr !== true) problems.push(`mockrun's body fails the shape: ${okMr}`);
    } else if (mo !== mr) {
      const at = firstDiff(mo, mr);
      problems.push(`bodies differ at character ${at}: ` +
        `Mockoon ${show(mo.slice(Math.max(0, at - 10), at + 20))} vs mockrun ${show(mr.slice(Math.max(0, at - 10), at + 20))}`);
    }
    const verdict = problems.length === 0 ? 'pass' : known.has(c.name) ? 'known' : 'fail';
    if (verdict === 'pass' && known.has(c.name)) results.fixed.push(c.name);
    results[verdict].push(c.name);
    if (verdict === 'pass') {
      if (opts.verbose) console.log(`ok   ${c.name}: ${show(mo)}${c.shape ? ` | ${show(mr)}` : ''}`);
      continue;
    }
    console.log(`${verdict === 'fail' ? 'FAIL' : 'KNOWN'} ${c.name} (${c.shape ? 'shape' : 'bytes'}, route ${routePath(c)})`);
    if (verdict === 'known') console.log(`    known difference: ${known.get(c.name)}`);
    console.log(`    template: ${show(c.template)}`);
    console.log(describeRequest(c, req));
    console.log(`    Mockoon:  ${show(mo)}`);
    console.log(`    mockrun:  ${show(mr)}`);
    for (const p of problems) console.log(`    ${p}`);
  }
  for (const name of results.fixed)
    console.log(`NOTE ${name} is listed in known-differences.json but now matches: remove the entry`);
  console.log(`conformance: ${results.pass.length} passed, ${results.known.length} known differences, ` +
    `${results.fail.length} failed (of ${cases.length})`);
  if (results.fail.length) console.log(`conformance: failed: ${results.fail.join(' ')}`);
  process.exit(results.fail.length ? 1 : 0);
}

const opts = parseArgs(process.argv.slice(2));
(opts.client ? client(opts) : driver(opts)).catch((e) => {
  console.error(`conformance: ${e.stack || e}`);
  process.exit(2);
});
