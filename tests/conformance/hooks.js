// hooks.js - the receiver of the callbacks (webhooks) the oracle suites'
// servers send (oracle.js for Mockoon, wiremock/run.js for WireMock), and
// the comparison of what each server sent.
//
// A case with `hooks: { count, headers, minMs? }` expects `count` callbacks
// per server; both lists (sorted by URL) must have equal methods, URLs
// (path and query), bodies and the headers named in `headers` (lower case),
// and `minMs` maps a URL to the least time from the request to its arrival.
'use strict';

const http = require('http');

const HOOK_TIMEOUT_MS = 10000; // for a case's callbacks to arrive
const HOOK_SETTLE_MS = 300; // then for any one too many

// Listens on 127.0.0.1 (port: its port); take(n, since) resolves with the next n
// requests (sorted by URL), each { method, url, headers, body, ms: from `since` },
// once n have come and HOOK_SETTLE_MS more passed (with any extra ones too), or
// with what came when HOOK_TIMEOUT_MS is over. Each is answered 200.
async function startReceiver() {
  const got = [];
  let wake = null;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      got.push({ method: req.method, url: req.url, headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('received');
      if (wake) wake();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const take = async (n, since) => {
    const deadline = Date.now() + HOOK_TIMEOUT_MS;
    while (got.length < n && Date.now() < deadline)
      await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 100); });
    await new Promise((resolve) => setTimeout(resolve, HOOK_SETTLE_MS));
    const list = got.splice(0).map((h) => ({ ...h, ms: h.at - since }));
    return list.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  };
  return { port: server.address().port, take, close: () => server.close() };
}

const show = (s) => JSON.stringify(s);

// Node joins a header sent several times with ", " (set-cookie aside).
function hookValue(h, name) {
  const v = h.headers[name];
  return v === undefined ? '(none)' : Array.isArray(v) ? v.join(', ') : String(v);
}

// The differences between the callbacks `a` of the oracle (named `oracle`) and
// `b` of mockrun, for case `c`; [] when they are alike.
function compareHooks(c, a, b, oracle) {
  const problems = [];
  const want = c.hooks.count;
  if (a.length !== want) problems.push(`${oracle} sent ${a.length} callbacks, not ${want} (fix the case)`);
  if (b.length !== want) problems.push(`mockrun sent ${b.length} callbacks, ${oracle} ${a.length}`);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i], y = b[i], at = `callback ${x.url}`;
    if (x.method !== y.method || x.url !== y.url) problems.push(`${at}: ${oracle} ${x.method} ${x.url}, mockrun ${y.method} ${y.url}`);
    if (x.body !== y.body) problems.push(`${at}: bodies differ: ${oracle} ${show(x.body)}, mockrun ${show(y.body)}`);
    for (const h of c.hooks.headers) {
      const p = hookValue(x, h), q = hookValue(y, h);
      if (p !== q) problems.push(`${at}: header ${h}: ${oracle} ${show(p)}, mockrun ${show(q)}`);
    }
    const min = (c.hooks.minMs || {})[x.url];
    if (min !== undefined && x.ms < min) problems.push(`${at}: ${oracle} sent it after ${x.ms} ms, before ${min} ms (fix the case)`);
    if (min !== undefined && y.ms < min) problems.push(`${at}: mockrun sent it after ${y.ms} ms, before ${min} ms`);
  }
  return problems;
}

module.exports = { startReceiver, compareHooks };
