// oracle.js - the machinery the `--import-mockoon` oracle suites share
// (import.js, rules.js): the real Mockoon CLI serves an environment, mockrun
// serves the scenario `mockrun --import-mockoon` makes of it, the same
// requests go to both, and the status, the body and chosen headers are
// compared.
//
// A suite calls main(suite) with
//   name      its name in messages ("conformance.import")
//   file      its script (__filename): mockrun runs it again as the client
//   prepare   (workDir) => void: writes env.json and its files into workDir
//   cases     [{ name, req, shape?, statusOnly?, why?, headers?, minMs?, hooks? }]
//             hooks: { count, headers, minMs? } - the case's callbacks (hooks.js):
//             the client listens on a port of its own, names it to both servers in
//             the request header X-Hook-Port (the environment's callback URIs use
//             it), and after each server's answer takes its `count` callbacks there
//   known     { caseName: reason } - differences that do not fail the run
//   headers   the headers compared by default (lower case)
//
// Like run.js, one process plays two parts. The driver prepares a temporary
// folder, runs `mockrun --import-mockoon env.json > scenario.json` there,
// adds `"unexpected": "allow"` (cases send requests no route answers on
// purpose; it changes no answer), starts mockoon-cli on the same env.json (a
// free port on 127.0.0.1) and runs
//   mockrun scenario.json --no-junit -- node SUITE.js --client ...
// so that the suite, now mockrun's command under test, sends every case's
// request to Mockoon and to $MOCKRUN_URL in turn. The cases run in order and
// some depend on it (SEQUENTIAL and request_number count calls per route).
// With --case, only the named cases run (call counters then differ from a
// full run, but equally on both servers).
//
// Options: --mockrun PATH --mockoon-cli PATH [--case NAME]... [--keep]
// [--verbose] [--list]. Exit status: 0 every case equal (or differing only as
// `known` says), 1 a mismatch, 2 usage or set-up error.
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { stopGroup, waitExit, startMockoon } = require('./mockoon-process.js');
const { startReceiver, compareHooks } = require('./hooks.js');
const { spawn, spawnSync } = require('child_process');

const REQUEST_TIMEOUT_MS = 15000;
const MOCKRUN_TIMEOUT_MS = 120000;

function parseArgs(suite, argv) {
  const die = dier(suite);
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
    else if (a === '--list') o.list = true;
    else die(`unknown option '${a}' (see the comment at the top of ${path.basename(suite.file)})`);
  }
  return o;
}

function dier(suite) {
  return (msg) => {
    process.stderr.write(`${suite.name}: ${msg}\n`);
    process.exit(2);
  };
}

function selectCases(suite, only) {
  const die = dier(suite);
  const names = new Set();
  for (const c of suite.cases) {
    if (names.has(c.name)) die(`case name '${c.name}' is used twice`);
    names.add(c.name);
  }
  for (const k of Object.keys(suite.known)) if (!names.has(k)) die(`the known differences list '${k}', which is no case`);
  for (const n of only) if (!names.has(n)) die(`no case named '${n}'`);
  return only.length ? suite.cases.filter((c) => only.includes(c.name)) : suite.cases;
}

// ---- driver ---------------------------------------------------------------------

async function driver(suite, opts) {
  const die = dier(suite);
  const N = suite.name;
  if (!opts.mockrun || !opts.mockoonCli) die(`usage: node ${path.basename(suite.file)} --mockrun PATH --mockoon-cli PATH [--case NAME]...`);
  for (const [what, p] of [['mockrun', opts.mockrun], ['mockoon-cli', opts.mockoonCli]])
    if (!fs.existsSync(p)) die(`${what} '${p}' does not exist`);
  opts.mockrun = path.resolve(opts.mockrun);
  opts.mockoonCli = path.resolve(opts.mockoonCli);
  const selected = selectCases(suite, opts.cases);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mockrun-oracle-'));
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
    suite.prepare(work);
    const imp = spawnSync(opts.mockrun, ['--import-mockoon', 'env.json'], { cwd: work, encoding: 'utf8', timeout: 30000 });
    if (imp.status !== 0) throw new Error(`mockrun --import-mockoon failed (${imp.error ? imp.error.message : `exit status ${imp.status}`}):\n${imp.stderr}`);
    if (imp.stderr) {
      const lines = imp.stderr.trimEnd().split('\n');
      console.log(`${N}: the importer's warnings (${lines.length}):`);
      for (const l of opts.verbose || lines.length <= 20 ? lines : lines.slice(0, 20)) console.log(`  ${l}`);
      if (!opts.verbose && lines.length > 20) console.log(`  ... ${lines.length - 20} more (--verbose shows them)`);
    }
    const scenario = JSON.parse(imp.stdout);
    scenario.unexpected = 'allow';
    fs.writeFileSync(path.join(work, 'scenario.json'), JSON.stringify(scenario, null, 2));

    mockoon = await startMockoon(opts.mockoonCli, path.join(work, 'env.json'), path.join(work, 'mockoon.log'));
    const started = Date.now();
    console.log(`${N}: ${selected.length} requests; Mockoon CLI ready on port ${mockoon.port} after ${((started - t0) / 1000).toFixed(1)} s`);
    const args = ['scenario.json', '--no-junit', '--', process.execPath, suite.file, '--client',
      '--mockoon-url', `http://127.0.0.1:${mockoon.port}`];
    for (const c of opts.cases) args.push('--case', c);
    if (opts.verbose) args.push('--verbose');
    mr = spawn(opts.mockrun, args, { cwd: work, env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'inherit', 'inherit'],
      detached: true });
    const code = await new Promise((resolve) => {
      const t = setTimeout(() => {
        console.error(`${N}: mockrun and the client did not finish within ${MOCKRUN_TIMEOUT_MS / 1000} s`);
        stopGroup(mr, 'SIGKILL');
      }, MOCKRUN_TIMEOUT_MS);
      mr.on('error', (e) => { clearTimeout(t); console.error(`${N}: cannot run mockrun: ${e.message}`); resolve(3); });
      mr.on('close', (c, sig) => { clearTimeout(t); resolve(sig ? 128 : c); });
    });
    if (code === 2 || code === 3) console.error(`${N}: mockrun could not serve the imported scenario (exit status ${code}); its message is above`);
    console.log(`${N}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    status = code === 0 ? 0 : code === 3 ? 2 : 1;
  } catch (e) {
    console.error(`${N}: ${e.message}`);
    status = 2;
  } finally {
    if (mr) { stopGroup(mr); await waitExit(mr, 5000); }
    if (mockoon) { stopGroup(mockoon.child); await waitExit(mockoon.child, 5000); }
    if (opts.keep) console.log(`${N}: files kept in ${work}`);
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
  return new Promise((resolve, reject) => {
    const q = http.request({ host: u.hostname, port: u.port, method: req.method, path: req.path,
      headers: req.headers, agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - t0 }));
      res.on('error', reject);
    });
    q.on('timeout', () => q.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    q.on('error', reject);
    if (req.body !== null) q.write(req.body);
    q.end();
  });
}

// The Content-Type is compared on its media type: Express appends
// "; charset=utf-8" to the text types it sets, mockrun sends the value as the
// environment gives it.
function headerValue(res, name) {
  const v = res.headers[name];
  if (v === undefined) return '(none)';
  const s = Array.isArray(v) ? v.join(', ') : String(v);
  return name === 'content-type' ? s.split(';')[0].trim().toLowerCase() : s;
}

const show = (s) => JSON.stringify(s);

function compare(suite, c, a, b) {
  const problems = [];
  if (a.status !== b.status) problems.push(`status: Mockoon ${a.status}, mockrun ${b.status}`);
  if (c.minMs !== undefined) {
    // both wait at least the latency; mockrun not much longer than Mockoon
    if (a.ms < c.minMs) problems.push(`Mockoon answered after ${a.ms} ms, before ${c.minMs} ms (fix the case)`);
    if (b.ms < c.minMs) problems.push(`mockrun answered after ${b.ms} ms, before ${c.minMs} ms`);
    if (b.ms > Math.max(a.ms, c.minMs) + 1000) problems.push(`mockrun answered after ${b.ms} ms, Mockoon after ${a.ms} ms`);
  }
  if (c.statusOnly) return problems;
  for (const h of c.headers || suite.headers) {
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

async function client(suite, opts) {
  const die = dier(suite);
  const N = suite.name;
  const ours = process.env.MOCKRUN_URL;
  if (!ours) die('--client runs under mockrun, which sets MOCKRUN_URL');
  if (!opts.mockoonUrl) die('--client needs --mockoon-url');
  const selected = selectCases(suite, opts.cases);
  const results = { pass: [], fail: [], known: [], fixed: [] };
  const receiver = selected.some((c) => c.hooks) ? await startReceiver() : null;
  for (const c of selected) {
    const req = buildRequest(c);
    let a, b, ha, hb;
    if (c.hooks) req.headers['X-Hook-Port'] = String(receiver.port);
    try {
      let t0 = Date.now();
      a = await send(opts.mockoonUrl, req);
      if (c.hooks) ha = await receiver.take(c.hooks.count, t0);
      t0 = Date.now();
      b = await send(ours, req);
      if (c.hooks) hb = await receiver.take(c.hooks.count, t0);
    } catch (e) {
      results.fail.push(c.name);
      console.log(`FAIL ${c.name}: request failed: ${e.message}`);
      continue;
    }
    const problems = compare(suite, c, a, b).concat(c.hooks ? compareHooks(c, ha, hb, 'Mockoon') : []);
    const known = Object.prototype.hasOwnProperty.call(suite.known, c.name);
    const verdict = problems.length === 0 ? 'pass' : known ? 'known' : 'fail';
    results[verdict].push(c.name);
    if (verdict === 'pass') {
      if (known) results.fixed.push(c.name);
      if (opts.verbose) console.log(`ok   ${c.name}: ${a.status} ${show(a.body)}${c.shape ? ` | ${show(b.body)}` : ''}`);
      if (opts.verbose && c.hooks) for (const h of ha) console.log(`       callback: ${h.method} ${h.url} ${show(h.body)} (${h.ms} ms)`);
      continue;
    }
    console.log(`${verdict === 'fail' ? 'FAIL' : 'KNOWN'} ${c.name}`);
    if (known) console.log(`    known difference: ${suite.known[c.name]}`);
    console.log(`    request:  ${req.method} ${req.path}`);
    for (const [k, v] of Object.entries(req.headers)) console.log(`              ${k}: ${v}`);
    if (req.body !== null) console.log(`              body ${show(req.body)}`);
    console.log(`    Mockoon:  ${a.status} ${show(a.body.length > 300 ? `${a.body.slice(0, 300)}...` : a.body)}`);
    console.log(`    mockrun:  ${b.status} ${show(b.body.length > 300 ? `${b.body.slice(0, 300)}...` : b.body)}`);
    if (c.hooks) {
      for (const h of ha) console.log(`    Mockoon callback: ${h.method} ${h.url} ${show(h.body)} ${show(h.headers)}`);
      for (const h of hb) console.log(`    mockrun callback: ${h.method} ${h.url} ${show(h.body)} ${show(h.headers)}`);
    }
    for (const p of problems) console.log(`    ${p}`);
  }
  if (receiver) receiver.close();
  for (const name of results.fixed) console.log(`NOTE ${name} is listed as a known difference but now matches: remove the entry`);
  console.log(`${N}: ${results.pass.length} equal, ${results.known.length} known differences, ` +
    `${results.fail.length} failed (of ${selected.length})`);
  if (results.fail.length) console.log(`${N}: failed: ${results.fail.join(' ')}`);
  process.exit(results.fail.length ? 1 : 0);
}

function main(suite) {
  const opts = parseArgs(suite, process.argv.slice(2));
  if (opts.list) {
    for (const c of selectCases(suite, opts.cases)) console.log(c.name);
    process.exit(0);
  }
  (opts.client ? client(suite, opts) : driver(suite, opts)).catch((e) => {
    console.error(`${suite.name}: ${e.stack || e}`);
    process.exit(2);
  });
}

module.exports = { main };
