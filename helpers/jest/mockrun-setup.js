// mockrun-setup.js - attributes a Jest test's calls to mockrun's mocks to the test.
//
// Every fetch() a test makes to a mockrun service carries the header
// X-Mockrun-Test with the test's full name (describe blocks and test name,
// as Jest prints it), so mockrun's reports say which test made an
// unexpected call. One line in jest.config.js:
//
//   setupFilesAfterEnv: ['<rootDir>/path/to/mockrun/helpers/jest/mockrun-setup.js'],
//
// Only requests to the URLs mockrun gives the command (MOCKRUN_URL,
// MOCKRUN_<SERVICE>_URL) are tagged; without any of them (mockrun not
// running), fetch is left alone. Clients other than fetch (http.request,
// axios) are not tagged; see helpers/README.md.
'use strict';

const HEADER = 'X-Mockrun-Test';

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

function currentTestName() {
  try {
    const state = expect.getState();
    return state && state.currentTestName ? state.currentTestName : undefined;
  } catch (e) {
    return undefined; // outside a test (expect is not there)
  }
}

function urlOf(input) {
  if (typeof input === 'string') return input;
  if (input && typeof input.url === 'string') return input.url; // a Request
  return String(input); // a URL
}

const origins = mockrunOrigins();
const original = globalThis.fetch;

if (typeof original === 'function' && !original.mockrunTagged && origins.length > 0) {
  const tagged = function fetch(input, init) {
    const name = currentTestName();
    let origin;
    try {
      origin = new URL(urlOf(input)).origin;
    } catch (e) {
      return original(input, init);
    }
    if (name === undefined || !origins.includes(origin)) return original(input, init);
    const from = init && init.headers !== undefined ? init.headers : input && input.headers;
    const headers = new Headers(from);
    // percent-encoded: any name survives as header text, and mockrun decodes it
    headers.set(HEADER, encodeURIComponent(name));
    return original(input, { ...init, headers });
  };
  tagged.mockrunTagged = true;
  globalThis.fetch = tagged;
}
