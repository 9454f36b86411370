#!/usr/bin/env node
// rules.js - oracle test for Mockoon's response rules and route features
// through `mockrun --import-mockoon` (CTest: conformance.mockoon-rules).
//
// The environment is generated here: a route for every rule target x
// operator x invert (the "matrix"), each answering "hit" when its one rule
// holds and "miss" (its default response) otherwise, probed with requests
// that put the target's value on either side of the rule; then routes for
// rulesOperator AND/OR, every response mode, environment and response
// headers, latency, CORS, `enabled`, files and templated rule values. The
// real Mockoon CLI serves env.json, mockrun the scenario imported from it,
// and oracle.js compares status, body and headers (README.md, "Mockoon
// rules").
//
//   sh tests/conformance/rules.sh build/mockrun . .cache/conformance-npm [--case NAME]... [-v] [--keep] [--list]
//   node rules.js --write-env FILE    # write the environment only (for a look, or a fuzz seed)
//
// Known differences are entries of known-differences.json with
// "suite": "mockoon-rules"; each names a case and says why.
'use strict';

const fs = require('fs');
const path = require('path');
const { main } = require('./oracle.js');

const P = '/api'; // endpointPrefix
const HEADERS = ['content-type', 'content-disposition', 'x-custom', 'x-env'];

// ---- environment builders -----------------------------------------------------------

let nextId = 1;
const uuid = () => `00000000-0000-4000-8000-${(nextId++).toString(16).padStart(12, '0')}`;

function response(o) {
  return {
    uuid: uuid(),
    body: o.body !== undefined ? o.body : '',
    latency: o.latency || 0,
    statusCode: o.status || 200,
    label: o.label || '',
    headers: o.headers || [],
    bodyType: o.bodyType || 'INLINE',
    filePath: o.filePath || '',
    databucketID: '',
    sendFileAsBody: !!o.sendFileAsBody,
    rules: o.rules || [],
    rulesOperator: o.op || 'OR',
    disableTemplating: !!o.disableTemplating,
    fallbackTo404: !!o.fallbackTo404,
    default: !!o.default,
    crudKey: 'id',
    callbacks: []
  };
}

const rule = (target, modifier, operator, value, invert = false) => ({ target, modifier, value, invert, operator });

function route(method, endpoint, responses, extra = {}) {
  return {
    uuid: uuid(),
    type: 'http',
    documentation: '',
    method,
    endpoint,
    responses,
    responseMode: extra.mode || null,
    streamingMode: null,
    streamingInterval: 0,
    ...(extra.enabled !== undefined ? { enabled: extra.enabled } : {})
  };
}

// "miss" (the default, first) and "hit" (the rules)
const hitMiss = (rules, op = 'OR') => [
  response({ body: 'miss', default: true }),
  response({ body: 'hit', rules, op })
];

// ---- requests ------------------------------------------------------------------------

const get = (p, headers) => ({ method: 'GET', path: p, headers });
const post = (p, extra = {}) => ({ method: 'POST', path: p, ...extra });
const json = (p, o, type) => post(p, { body: typeof o === 'string' ? o : JSON.stringify(o),
  headers: { 'Content-Type': type || 'application/json' } });
const text = (p, s) => post(p, { body: s, headers: { 'Content-Type': 'text/plain' } });
const form = (p, s) => post(p, { body: s, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
const xml = (p, s, type) => post(p, { body: s, headers: { 'Content-Type': type || 'application/xml' } });

// ---- the matrix: target x operator x invert -------------------------------------------

const OPS = ['equals', 'regex', 'regex_i', 'null', 'empty_array', 'array_includes', 'valid_json_schema'];

// Per target: the route's method and endpoint tail, the rule's modifier and
// value per operator, and the probes (name -> request for a route path).
const TARGETS = {
  body: {
    method: 'post',
    rule: (op) => ({
      equals: ['user.name', 'ann'],
      regex: ['user.name', '^a'],
      regex_i: ['user.name', '^A'],
      null: ['user.name', ''],
      empty_array: ['tags', ''],
      array_includes: ['tags', 'x'],
      valid_json_schema: ['user', 'schema']
    }[op]),
    probes: {
      ann: (p) => json(p, { user: { name: 'ann' }, tags: ['x', 'y'] }),
      bob: (p) => json(p, { user: { name: 'bob' }, tags: ['y'] }),
      upper: (p) => json(p, { user: { name: 'ANN' }, tags: 'x' }),
      missing: (p) => json(p, { user: {}, tags: [] }),
      'json-null': (p) => json(p, { user: { name: null }, tags: null }),
      empty: (p) => json(p, { user: { name: '' }, tags: [''] }),
      array: (p) => json(p, { user: { name: ['bob', 'ann'] }, tags: [['x']] }),
      number: (p) => json(p, { user: { name: 12.50 }, tags: [1, 'x'] }),
      object: (p) => json(p, { user: { name: { first: 'ann' } }, tags: {} }),
      vendor: (p) => json(p, { user: { name: 'ann' }, tags: ['x'] }, 'application/vnd.api+json'),
      'text-body': (p) => text(p, 'ann'),
      'no-body': (p) => post(p),
      'invalid-json': (p) => json(p, '{"user": {"name": "ann"'),
      form: (p) => form(p, 'user[name]=ann&tags[]=x')
    }
  },
  'body-whole': {
    method: 'post',
    target: 'body',
    rule: (op) => ({
      equals: ['', 'ping'],
      regex: ['', '^hel'],
      regex_i: ['', '^HEL'],
      null: ['', ''],
      empty_array: ['', ''],
      array_includes: ['', 'x'],
      valid_json_schema: ['', 'schema']
    }[op]),
    probes: {
      ping: (p) => text(p, 'ping'),
      hello: (p) => text(p, 'hello world'),
      upper: (p) => text(p, 'HELLO'),
      'no-body': (p) => post(p),
      'json-array-empty': (p) => json(p, []),
      'json-array': (p) => json(p, ['x', 'y']),
      'json-null': (p) => json(p, 'null'),
      'json-ping': (p) => json(p, '"ping"'),
      'form-empty': (p) => form(p, ''),
      xml: (p) => xml(p, '<a>ping</a>'),
      'xml-empty': (p) => xml(p, ''),
      'xml-invalid': (p) => xml(p, 'x', 'text/xml')
    }
  },
  // body paths in an XML body: Mockoon reads it as xml-js's object
  'body-xml': {
    method: 'post',
    target: 'body',
    ops: OPS.filter((op) => op !== 'valid_json_schema'),
    rule: (op) => ({
      equals: ['root.name._text', 'ann'],
      regex: ['root.name._text', '^a'],
      regex_i: ['$.root.name._text', '^A'],
      null: ['root.name._attributes.lang', ''],
      empty_array: ['root.t', ''],
      array_includes: ['root.t._text', 'x']
    }[op]),
    probes: {
      ann: (p) => xml(p, '<?xml version="1.0"?>\n<root><name lang="en">ann</name><t>x<!--c-->y</t></root>'),
      bob: (p) => xml(p, '<root><name lang="">bob</name><t>y</t></root>', 'text/xml; charset=utf-8'),
      upper: (p) => xml(p, '<root><name>ANN</name><t/></root>', 'application/soap+xml'),
      missing: (p) => xml(p, '<root/>'),
      blank: (p) => xml(p, '<root><name lang=" "> </name><t></t></root>'),
      repeated: (p) => xml(p, '<root><name>ann</name><name>bob</name><t>x</t><t>y</t></root>'),
      cdata: (p) => xml(p, '<root><name><![CDATA[ann]]></name><t>a<b/>x</t></root>'),
      'no-body': (p) => xml(p, ''),
      'upper-type': (p) => xml(p, '<root><name>ann</name></root>', 'Application/XML'),
      'as-text': (p) => text(p, '<root><name>ann</name></root>'),
      'invalid-xml': (p) => xml(p, '<root><name>ann</nam></root>')
    }
  },
  query: {
    method: 'get',
    rule: (op) => ({
      equals: ['q', 'abc'],
      regex: ['q', '^ab'],
      regex_i: ['q', '^AB'],
      null: ['q', ''],
      empty_array: ['q', ''],
      array_includes: ['q', 'abc'],
      valid_json_schema: ['q', 'schema']
    }[op]),
    probes: {
      abc: (p) => get(`${p}?q=abc`),
      upper: (p) => get(`${p}?q=ABC`),
      other: (p) => get(`${p}?q=xyz`),
      empty: (p) => get(`${p}?q=`),
      bare: (p) => get(`${p}?q`),
      missing: (p) => get(`${p}?r=abc`),
      twice: (p) => get(`${p}?q=x&q=abc`),
      encoded: (p) => get(`${p}?q=a%62c`)
    }
  },
  'query-path': {
    method: 'get',
    target: 'query',
    rule: (op) => ({
      equals: ['filter.name', 'abc'],
      regex: ['filter.name', '^ab'],
      regex_i: ['filter.name', '^AB'],
      null: ['filter.name', ''],
      empty_array: ['filter.name', ''],
      array_includes: ['filter.name', 'abc'],
      valid_json_schema: ['filter', 'schema']
    }[op]),
    probes: {
      abc: (p) => get(`${p}?filter[name]=abc`),
      other: (p) => get(`${p}?filter[name]=xyz`),
      missing: (p) => get(`${p}?filter[age]=3`),
      flat: (p) => get(`${p}?filter=abc`)
    }
  },
  header: {
    method: 'get',
    rule: (op) => ({
      equals: ['X-Test', 'abc'],
      regex: ['X-Test', '^ab'],
      regex_i: ['X-Test', '^AB'],
      null: ['X-Test', ''],
      empty_array: ['X-Test', ''],
      array_includes: ['X-Test', 'abc'],
      valid_json_schema: ['X-Test', 'schema']
    }[op]),
    probes: {
      abc: (p) => get(p, { 'X-Test': 'abc' }),
      lower: (p) => get(p, { 'x-test': 'abcdef' }),
      upper: (p) => get(p, { 'X-Test': 'ABC' }),
      empty: (p) => get(p, { 'X-Test': '' }),
      missing: (p) => get(p, { 'X-Other': 'abc' })
    }
  },
  cookie: {
    method: 'get',
    rule: (op) => ({
      equals: ['sid', 'abc'],
      regex: ['sid', '^ab'],
      regex_i: ['sid', '^AB'],
      null: ['sid', ''],
      empty_array: ['sid', ''],
      array_includes: ['sid', 'abc'],
      valid_json_schema: ['sid', 'schema']
    }[op]),
    probes: {
      abc: (p) => get(p, { Cookie: 'a=1; sid=abc' }),
      upper: (p) => get(p, { Cookie: 'sid=ABC' }),
      other: (p) => get(p, { Cookie: 'sid=xyz' }),
      missing: (p) => get(p, { Cookie: 'other=abc' }),
      none: (p) => get(p)
    }
  },
  params: {
    method: 'get',
    tail: '/:id',
    rule: (op) => ({
      equals: ['id', 'abc'],
      regex: ['id', '^ab'],
      regex_i: ['id', '^AB'],
      null: ['id', ''],
      empty_array: ['id', ''],
      array_includes: ['id', 'abc'],
      valid_json_schema: ['id', 'schema']
    }[op]),
    probes: {
      abc: (p) => get(`${p}/abc`),
      upper: (p) => get(`${p}/ABC`),
      other: (p) => get(`${p}/xyz`)
    }
  },
  path: {
    method: 'get',
    tail: '/:x',
    rule: (op, base) => ({
      equals: ['', `${base}/yes`],
      regex: ['', '/yes$'],
      regex_i: ['', '/YES$'],
      null: ['', ''],
      empty_array: ['', ''],
      array_includes: ['x', `${base}/yes`],
      valid_json_schema: ['', 'schema']
    }[op]),
    probes: {
      yes: (p) => get(`${p}/yes`),
      no: (p) => get(`${p}/no`),
      query: (p) => get(`${p}/yes?a=1`),
      upper: (p) => get(`${p}/YES`)
    }
  },
  method: {
    method: 'all',
    rule: (op) => ({
      equals: ['', 'post'],
      regex: ['', '^p'],
      regex_i: ['', '^P'],
      null: ['', ''],
      empty_array: ['', ''],
      array_includes: ['', 'post'],
      valid_json_schema: ['', 'schema']
    }[op]),
    probes: {
      get: (p) => get(p),
      post: (p) => post(p),
      put: (p) => ({ method: 'PUT', path: p }),
      delete: (p) => ({ method: 'DELETE', path: p })
    }
  },
  request_number: {
    method: 'get',
    rule: (op) => ({
      equals: ['', '2'],
      regex: ['', '^[13]$'],
      regex_i: ['', '^[13]$'],
      null: ['', ''],
      empty_array: ['', ''],
      array_includes: ['', '2'],
      valid_json_schema: ['', 'schema']
    }[op]),
    probes: {
      call1: (p) => get(p),
      call2: (p) => get(p),
      call3: (p) => get(p),
      call4: (p) => get(p)
    }
  }
};

const routes = [];
const cases = [];
const KNOWN = {};

for (const [tname, t] of Object.entries(TARGETS)) {
  for (const op of t.ops || OPS) {
    for (const invert of [false, true]) {
      const base = `${P}/m/${tname}/${op}${invert ? '-not' : ''}`;
      const [modifier, value] = t.rule(op, base);
      routes.push(route(t.method, `${base.slice(P.length + 1)}${t.tail || ''}`,
        hitMiss([rule(t.target || tname, modifier, op, value, invert)])));
      for (const [pname, probe] of Object.entries(t.probes))
        cases.push({ name: `${tname}/${op}${invert ? '/not' : ''}/${pname}`, req: probe(base) });
    }
  }
}

// Mockoon's own syntaxes of a body path, the dotted-key regression among them
for (const [name, modifier] of [
  ['object-path-index', 'items.1.sku'],
  ['jsonpath-dot', '$.items[1].sku'],
  ['jsonpath-bracket', "$['items'][1]['sku']"],
  ['dotted-key-escaped', 'obj.prop\\.with\\.dot'],
  ['dotted-key-bracket', "$.obj['prop.with.dot']"],
  ['dotted-key-double-quote', '$.obj["prop.with.dot"]'],
  ['wildcard', '$.items[*].sku'],
  ['root-dollar', '$']
]) {
  const base = `${P}/bodypath/${name}`;
  const value = modifier === '$' ? 'x' : 'B-2';
  routes.push(route('post', base.slice(P.length + 1), hitMiss([rule('body', modifier, 'equals', value)])));
  const doc = { items: [{ sku: 'A-1' }, { sku: 'B-2' }], obj: { 'prop.with.dot': 'B-2', prop: { with: { dot: 'no' } } } };
  cases.push({ name: `bodypath/${name}/hit`, req: json(base, doc) });
  cases.push({ name: `bodypath/${name}/miss`, req: json(base, { items: [{ sku: 'C-3' }], obj: { prop: { with: { dot: 'B-2' } } } }) });
}

// body paths as xml-js names them: prefixes, the declaration, an index, a PI
const SOAP = (price, cur, second, pi) => '<?xml version="1.0"?>\n' +
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="urn:m">' +
  `<?app ${pi}?><soap:Body><m:Price cur="${cur}">${price}</m:Price>` +
  `<m:Item>A</m:Item><m:Item>${second}</m:Item></soap:Body></soap:Envelope>`;
for (const [name, modifier, value] of [
  ['xml-prefixed', 'soap:Envelope.soap:Body.m:Price._text', '12'],
  ['xml-jsonpath-bracket', "$['soap:Envelope']['soap:Body']['m:Price']._attributes.cur", 'EUR'],
  ['xml-index', 'soap:Envelope.soap:Body.m:Item.1._text', 'B'],
  ['xml-instruction', '$.soap:Envelope._instruction.app', 'x y'],
  ['xml-declaration', '_declaration._attributes.version', '1.0']
]) {
  const base = `${P}/bodypath/${name}`;
  routes.push(route('post', base.slice(P.length + 1), hitMiss([rule('body', modifier, 'equals', value)])));
  cases.push({ name: `bodypath/${name}/hit`, req: xml(base, SOAP('12', 'EUR', 'B', 'x y'), 'text/xml') });
  cases.push({ name: `bodypath/${name}/miss`, req: xml(base, SOAP('13', 'USD', 'C', 'z').replace('"1.0"', '"1.1"')) });
}

// ---- rules operators: AND / OR, several rules on one field ------------------------------

function feature(method, endpoint, responses, requests, extra) {
  routes.push(route(method, endpoint, responses, extra));
  for (const [name, req] of Object.entries(requests)) cases.push({ name: `${endpoint}/${name}`, req });
}

feature('get', 'and/query-twice', hitMiss([rule('query', 'q', 'regex', '^a'), rule('query', 'q', 'regex', 'c$')], 'AND'), {
  both: get(`${P}/and/query-twice?q=abc`),
  first: get(`${P}/and/query-twice?q=ab`),
  neither: get(`${P}/and/query-twice?q=x`),
  missing: get(`${P}/and/query-twice`)
});
feature('get', 'and/query-not-twice', hitMiss([rule('query', 'q', 'equals', 'a', true), rule('query', 'q', 'equals', 'b', true)], 'AND'), {
  a: get(`${P}/and/query-not-twice?q=a`),
  b: get(`${P}/and/query-not-twice?q=b`),
  c: get(`${P}/and/query-not-twice?q=c`),
  missing: get(`${P}/and/query-not-twice`)
});
feature('get', 'and/header-query', hitMiss([rule('header', 'X-Role', 'equals', 'admin'), rule('query', 'id', 'null', '', true)], 'AND'), {
  both: get(`${P}/and/header-query?id=7`, { 'X-Role': 'admin' }),
  'no-id': get(`${P}/and/header-query`, { 'X-Role': 'admin' }),
  'no-role': get(`${P}/and/header-query?id=7`)
});
feature('post', 'and/body-paths', hitMiss([rule('body', 'a', 'equals', '1'), rule('body', '$.b', 'regex', '^x'), rule('body', 'c', 'null', '')], 'AND'), {
  all: json(`${P}/and/body-paths`, { a: 1, b: 'xy' }),
  'c-set': json(`${P}/and/body-paths`, { a: 1, b: 'xy', c: 3 }),
  'b-wrong': json(`${P}/and/body-paths`, { a: 1, b: 'yx' }),
  text: text(`${P}/and/body-paths`, 'a')
});
feature('post', 'and/body-path-not', hitMiss([rule('body', 'a', 'equals', '1', true), rule('body', 'b', 'equals', '2', true)], 'AND'), {
  neither: json(`${P}/and/body-path-not`, { a: 3, b: 3 }),
  a: json(`${P}/and/body-path-not`, { a: 1, b: 3 }),
  empty: json(`${P}/and/body-path-not`, {}),
  text: text(`${P}/and/body-path-not`, 'x')
});
feature('get', 'or/three', hitMiss([rule('query', 'a', 'equals', '1'), rule('header', 'X-B', 'equals', '2'), rule('cookie', 'c', 'equals', '3')]), {
  a: get(`${P}/or/three?a=1`),
  b: get(`${P}/or/three`, { 'X-B': '2' }),
  c: get(`${P}/or/three`, { Cookie: 'c=3' }),
  none: get(`${P}/or/three?a=2`)
});
feature('all', 'and/method-not', hitMiss([rule('method', '', 'equals', 'get', true), rule('query', 'x', 'equals', '1')], 'AND'), {
  get: get(`${P}/and/method-not?x=1`),
  post: post(`${P}/and/method-not?x=1`),
  'post-no-x': post(`${P}/and/method-not`)
});
feature('get', 'and/request-number-not', hitMiss([rule('request_number', '', 'equals', '1', true), rule('request_number', '', 'regex', '^[1-3]$')], 'AND'), {
  call1: get(`${P}/and/request-number-not`),
  call2: get(`${P}/and/request-number-not`),
  call3: get(`${P}/and/request-number-not`),
  call4: get(`${P}/and/request-number-not`)
});
feature('get', 'and/path-regex-twice', hitMiss([rule('path', '', 'regex', 'twice'), rule('path', '', 'regex', 'zzz', true)], 'AND'), {
  hit: get(`${P}/and/path-regex-twice`)
});
feature('get', 'and/empty', [response({ body: 'miss', default: true }), response({ body: 'never', rules: [], op: 'AND' })], {
  any: get(`${P}/and/empty`)
});

// ---- response modes -----------------------------------------------------------------

const seq = ['first', 'second', 'third'].map((b) => response({ body: b, rules: b === 'second' ? [rule('query', 'x', 'equals', '1')] : [] }));
feature('get', 'mode/sequential', seq, Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`call${i}`, get(`${P}/mode/sequential?x=1`)])), { mode: 'SEQUENTIAL' });
routes.push(route('get', 'mode/random', ['heads', 'tails'].map((b) => response({ body: b })), { mode: 'RANDOM' }));
for (const i of [1, 2, 3]) cases.push({ name: `mode/random/call${i}`, req: get(`${P}/mode/random`), shape: /^(heads|tails)$/ });
feature('get', 'mode/disable-rules', [response({ body: 'rule', rules: [rule('query', 'x', 'equals', '1')] }), response({ body: 'default', default: true })], {
  'rule-holds': get(`${P}/mode/disable-rules?x=1`),
  plain: get(`${P}/mode/disable-rules`)
}, { mode: 'DISABLE_RULES' });
feature('get', 'mode/fallback', [response({ body: 'default', default: true }), response({ body: 'rule', rules: [rule('header', 'X-F', 'equals', 'on')] })], {
  'rule-holds': get(`${P}/mode/fallback`, { 'X-F': 'on' }),
  'next-route': get(`${P}/mode/fallback`)
}, { mode: 'FALLBACK' });
routes.push(route('get', 'mode/fallback', [response({ body: 'next route', status: 202 })]));
feature('get', 'mode/fallback-alone', [response({ body: 'rule', rules: [rule('query', 'k', 'null', '', true)] })], {
  holds: get(`${P}/mode/fallback-alone?k=v`)
}, { mode: 'FALLBACK' });
cases.push({ name: 'mode/fallback-alone/none', req: get(`${P}/mode/fallback-alone`), statusOnly: true,
  why: 'no route answers: each server answers its own 404 page' });
feature('get', 'mode/default-not-first', [
  response({ body: 'a', rules: [rule('query', 'a', 'equals', '1')] }),
  response({ body: 'default', default: true, status: 203 }),
  response({ body: 'c', rules: [rule('query', 'c', 'equals', '1')] })
], {
  a: get(`${P}/mode/default-not-first?a=1`),
  c: get(`${P}/mode/default-not-first?c=1`),
  none: get(`${P}/mode/default-not-first`)
});
feature('get', 'mode/no-default-flag', [
  response({ body: 'first has rules', rules: [rule('query', 'a', 'equals', '1')] }),
  response({ body: 'second', status: 201 })
], {
  a: get(`${P}/mode/no-default-flag?a=1`),
  none: get(`${P}/mode/no-default-flag`)
});
feature('get', 'mode/always', [
  response({ body: 'default', default: true }),
  response({ body: 'always', rules: [rule('query', '', 'equals', '[object Object]')] }),
  response({ body: 'later', rules: [rule('query', 'a', 'equals', '1')] })
], {
  plain: get(`${P}/mode/always`),
  a: get(`${P}/mode/always?a=1`)
});

// ---- headers, latency, CORS, enabled, files, templated rule values ---------------------

feature('get', 'headers/route', [response({ body: '{"ok":true}', headers: [
  { key: 'Content-Type', value: 'application/json' }, { key: 'X-Custom', value: 'c-{{queryParam "v"}}' }, { key: 'X-Env', value: 'overridden' }] })], {
  plain: get(`${P}/headers/route?v=1`)
});
feature('get', 'latency/route', [response({ body: 'slow', latency: 250 })], {});
cases.push({ name: 'latency/route/slow', req: get(`${P}/latency/route`), minMs: 250 });
feature('get', 'cors', [response({ body: 'cors' })], {});
const CORS = [...HEADERS, 'access-control-allow-origin'];
cases.push({ name: 'cors/with-origin', req: get(`${P}/cors`, { Origin: 'http://example.test' }), headers: CORS });
cases.push({ name: 'cors/preflight', req: { method: 'OPTIONS', path: `${P}/cors`,
  headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'GET' } }, headers: CORS });
feature('get', 'disabled', [response({ body: 'served anyway' })], { get: get(`${P}/disabled`) }, { enabled: false });
feature('get', 'files/body', [response({ bodyType: 'FILE', filePath: 'data/item.json', sendFileAsBody: true })], {
  get: get(`${P}/files/body?n=4`)
});
feature('get', 'files/attachment', [response({ bodyType: 'FILE', filePath: 'data/notes.txt' })], {
  get: get(`${P}/files/attachment?who=ann`)
});
feature('get', 'files/templated/:name', [response({ bodyType: 'FILE', filePath: "data/{{urlParam 'name'}}.json", sendFileAsBody: true,
  fallbackTo404: true, body: 'no such file' })], {
  found: get(`${P}/files/templated/item?n=5`),
  missing: get(`${P}/files/templated/nope`)
});
feature('get', 'templated-value', hitMiss([rule('header', 'X-Want', 'equals', "{{queryParam 'want'}}")]), {
  same: get(`${P}/templated-value?want=a`, { 'X-Want': 'a' }),
  other: get(`${P}/templated-value?want=a`, { 'X-Want': 'b' })
});
feature('get', 'templated-modifier', hitMiss([rule('query', "{{'q'}}", 'equals', 'abc')]), {
  hit: get(`${P}/templated-modifier?q=abc`)
});
feature('get', 'no-content-type', [response({ body: 'plain' })], { get: get(`${P}/no-content-type`) });
// how paths match: path-to-regexp ignores case and one trailing slash; a HEAD request
cases.push({ name: 'paths/upper-case', req: get(`${P}/NO-CONTENT-TYPE`), statusOnly: true });
cases.push({ name: 'paths/trailing-slash', req: get(`${P}/no-content-type/`), statusOnly: true });
cases.push({ name: 'paths/head-on-get-route', req: { method: 'HEAD', path: `${P}/no-content-type` }, statusOnly: true });
cases.push({ name: 'no-prefix', req: get('/m/query/equals/abc?q=abc'), statusOnly: true,
  why: 'no route: each server answers its own 404 page' });

const env = {
  uuid: uuid(),
  lastMigration: 33,
  name: 'Rules Oracle',
  endpointPrefix: P.slice(1),
  latency: 2,
  port: 0, // as in import-env/: the imported scenario listens on a free port, not on a fixed one another run may hold
  hostname: '',
  folders: [],
  routes,
  rootChildren: routes.map((r) => ({ type: 'route', uuid: r.uuid })),
  proxyMode: false,
  proxyHost: '',
  proxyRemovePrefix: false,
  tlsOptions: { enabled: false, type: 'CERT', pfxPath: '', certPath: '', keyPath: '', caPath: '', passphrase: '' },
  cors: true,
  headers: [{ key: 'X-Env', value: 'rules' }],
  proxyReqHeaders: [],
  proxyResHeaders: [],
  data: [{ uuid: uuid(), id: 'schm', name: 'schema', documentation: '',
    value: '{"type": "object", "required": ["name"]}' }],
  callbacks: []
};

const FILES = {
  'data/item.json': '{"n": {{queryParam \'n\' \'0\'}}, "kind": "item"}\n',
  'data/notes.txt': 'notes for {{queryParam \'who\'}}\n'
};

function prepare(work) {
  fs.writeFileSync(path.join(work, 'env.json'), JSON.stringify(env, null, 2));
  for (const [name, content] of Object.entries(FILES)) {
    fs.mkdirSync(path.join(work, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(work, name), content);
  }
}

function loadKnown() {
  const list = JSON.parse(fs.readFileSync(path.join(__dirname, 'known-differences.json'), 'utf8'));
  const known = {};
  for (const k of list) {
    if (k.suite !== 'mockoon-rules') continue;
    for (const name of k.cases || [k.case]) known[name] = k.reason;
  }
  return known;
}

if (process.argv[2] === '--write-env') {
  fs.writeFileSync(process.argv[3], JSON.stringify(env, null, 2) + '\n');
  process.exit(0);
}

main({ name: 'conformance.mockoon-rules', file: __filename, prepare, cases, known: loadKnown(), headers: HEADERS });
