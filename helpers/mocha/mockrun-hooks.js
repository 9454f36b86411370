// mockrun-hooks.js - attributes a Mocha test's calls to mockrun's mocks to the test.
//
// A root hook plugin: one option on Mocha's command line (or `require:` in
// .mocharc):
//
//   mocha --require path/to/mockrun/helpers/mocha/mockrun-hooks.js
//
// Before each test it announces the test's full title to mockrun
// (POST $MOCKRUN_URL/__mockrun/test), so every call until the next test is
// attributed to it, whatever HTTP client makes it; after the test it clears
// the announcement. fetch() requests to mockrun also carry the header
// X-Mockrun-Test, which holds even when several processes share the mocks
// (mocha --parallel). Without MOCKRUN_URL (mockrun not running) it does
// nothing.
'use strict';

const HEADER = 'X-Mockrun-Test';
const base = process.env.MOCKRUN_URL;
let current; // the running test's full title

function mockrunOrigins() {
  const origins = [];
  for (const [key, value] of Object.entries(process.env)) {
    if (/^MOCKRUN_(?:[A-Z0-9_]+_)?URL$/.test(key) && value) {
      try {
        origins.push(new URL(value).origin);
      } catch (e) {
        // not a URL: not one of ours
      }
    }
  }
  return origins;
}

const origins = mockrunOrigins();
const original = globalThis.fetch;

if (base && typeof original === 'function' && !original.mockrunTagged) {
  const tagged = function fetch(input, init) {
    let origin;
    try {
      origin = new URL(typeof input === 'string' ? input : input.url || String(input)).origin;
    } catch (e) {
      return original(input, init);
    }
    if (current === undefined || !origins.includes(origin)) return original(input, init);
    const headers = new Headers(init && init.headers !== undefined ? init.headers : input.headers);
    headers.set(HEADER, encodeURIComponent(current));
    return original(input, { ...init, headers });
  };
  tagged.mockrunTagged = true;
  globalThis.fetch = tagged;
}

async function announce(name) {
  const res = await original(new URL('/__mockrun/test', base), { method: 'POST', body: name });
  if (!res.ok) throw new Error(`mockrun: POST /__mockrun/test answered ${res.status}`);
  await res.arrayBuffer();
}

exports.mochaHooks = base
  ? {
      async beforeEach() {
        current = this.currentTest.fullTitle();
        await announce(current);
      },
      async afterEach() {
        current = undefined;
        await announce('');
      },
    }
  : {};
