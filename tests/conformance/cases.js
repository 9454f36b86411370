// cases.js - the Mockoon conformance cases: one template, one request, one way
// to compare. Read by run.js; see README.md for the fields.
//
// Each case:
//   name      unique id (used by --case and by known-differences.json)
//   template  the response body template, served by both servers unchanged
//   route     route path after /c/<n> (default ""), with :params
//   req       { method, path (after /c/<n>), query (raw string, no '?'),
//               headers, json | form | body (raw string) }
//   type      response Content-Type (default text/plain)
//   shape     absent: the bodies must be byte-identical. A RegExp (whole
//             body, anchor it) or a function (body) => true | "why not",
//             applied to both bodies: for random output.
//   status    the response status both servers must answer (default 200),
//             for templates that set it with {{status}}
'use strict';

const b64u = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64u({ alg: 'HS256', typ: 'JWT' })}.${b64u({ sub: '123', name: 'Ann', admin: true, n: 7 })}.c2ln`;

// One JSON request body used by many cases.
const DOC = {
  user: { name: 'Ann', tags: ['a', 'b'], age: 41 },
  items: [
    { sku: 'X1', qty: 2, price: 9.5 },
    { sku: 'Y2', qty: 1, price: 20 },
    { sku: 'A3', qty: 5, price: 0.25 }
  ],
  n: 3,
  ok: true,
  nil: null,
  html: '<i>a & "b"</i>',
  'a.b': 'dotted',
  text: 'Hello World'
};
const POST_DOC = { method: 'POST', json: DOC };

// XML request bodies (the xml-* cases).
const XML_ORDER = '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<order id="7" status="new">\n  <customer><name>Ann &amp; Bo</name></customer>\n' +
  '  <item sku="A1" qty="2">Apple</item>\n  <item sku="B2" qty="1">Pear</item>\n  <note/>\n</order>\n';
const XML_SOAP = '<?xml version="1.0"?>\n' +
  '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" soap:encodingStyle="http://www.w3.org/2003/05/soap-encoding">\n' +
  '  <soap:Header/>\n  <soap:Body>\n    <m:GetPrice xmlns:m="https://www.example.org/prices" m:currency="EUR">\n' +
  '      <m:Item>Apple</m:Item>\n    </m:GetPrice>\n  </soap:Body>\n</soap:Envelope>';

// Random output: predicates and patterns.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;
const between = (lo, hi, intOnly) => (body) => {
  const v = Number(body);
  if (body === '' || Number.isNaN(v)) return `not a number: ${JSON.stringify(body)}`;
  if (intOnly && !Number.isInteger(v)) return `not an integer: ${body}`;
  return (v >= lo && v <= hi) || `${v} is outside [${lo}, ${hi}]`;
};
const nearNow = (body) => {
  const t = Date.parse(body);
  if (Number.isNaN(t)) return `not a date: ${JSON.stringify(body)}`;
  return Math.abs(Date.now() - t) < 120000 || `${body} is not within 2 minutes of now`;
};
// Faker names may hold an apostrophe (O'Keefe), which {{ }} escapes as &#x27;.
const NAME = "(?:[A-Za-z.\\- ]|&#x27;)";
const name = (pre, post) => new RegExp(`^${pre}${NAME}+${post || ''}$`);
// Faker's English color.human list (helpers/color.ts prints one).
const HUMAN_COLOR = '(?:azure|black|blue|cyan|fuchsia|gold|green|grey|indigo|ivory|lavender|lime|magenta|' +
  'maroon|mint green|olive|orange|orchid|pink|plum|purple|red|salmon|silver|sky blue|tan|teal|turquoise|' +
  'violet|white|yellow)';
const words = (lo, hi) => new RegExp(`^[a-z]+( [a-z]+){${lo - 1},${hi - 1}}$`);

const cases = [
  // ---- request helpers ------------------------------------------------------
  { name: 'urlParam', template: "{{urlParam 'id'}}|{{urlParam 'order'}}|[{{urlParam 'missing'}}]",
    route: '/users/:id/orders/:order', req: { path: '/users/42/orders/x-7' } },
  { name: 'urlParam-decoded', template: "[{{urlParam 'id'}}]", route: '/u/:id',
    req: { path: '/u/a%20b%C3%A9' } },
  { name: 'urlParams', template: '{{{stringify (urlParams)}}}', route: '/u/:id/:kind',
    req: { path: '/u/7/book' } },
  { name: 'queryParam', template: "{{queryParam 'q'}}|{{queryParam 'n'}}|[{{queryParam 'missing'}}]|{{queryParam 'missing' 'dflt'}}",
    req: { query: 'q=hello&n=5' } },
  { name: 'queryParam-nested', template: "{{queryParam 'filter.name'}}|{{queryParam 'filter'}}",
    req: { query: 'filter[name]=bob&filter[age]=3' } },
  { name: 'queryParam-array', template: "{{queryParam 'tag'}}|{{queryParam 'tag.1'}}",
    req: { query: 'tag=a&tag=b' } },
  { name: 'queryParam-stringify', template: "{{queryParam 'q' '' true}}|{{queryParam}}",
    req: { query: 'q=hello&x=1' } },
  { name: 'queryParam-decoding', template: "[{{queryParam 'q'}}]|[{{queryParam 'e'}}]",
    req: { query: 'q=a%20b+c%26d&e=' } },
  { name: 'queryParam-unescaped', template: "{{queryParam 'q'}}",
    req: { query: 'q=%3Cb%3E%22x%22%26%27' } },
  { name: 'queryParamRaw', template: "{{#each (queryParamRaw 'tag')}}[{{this}}]{{/each}}|{{queryParamRaw 'q'}}|{{queryParamRaw 'none' 'dflt'}}",
    req: { query: 'tag=a&tag=b&q=%3Cb%3E' } },
  { name: 'queryParams', template: '{{{stringify (queryParams)}}}',
    req: { query: 'a=1&b=x&b=y&c[d]=2' } },
  { name: 'header', template: "{{header 'X-Custom'}}|{{header 'x-custom'}}|{{header 'X-None' 'dflt'}}|[{{header 'X-None'}}]",
    req: { headers: { 'X-Custom': 'v1' } } },
  { name: 'header-escaped', template: "{{header 'X-Html'}}|{{{header 'X-Html'}}}",
    req: { headers: { 'X-Html': `<a href="x">&'\`=` } } },
  { name: 'headers', template: '{{#each (headers)}}{{@key}}={{this}};{{/each}}',
    req: { headers: { 'X-A': '1', 'x-b': 'two', Accept: 'text/plain' } } },
  { name: 'cookie', template: "{{cookie 'session'}}|{{cookie 'theme'}}|{{cookie 'none' 'dflt'}}|[{{cookie 'none'}}]",
    req: { headers: { Cookie: 'session=abc123; theme=dark%20blue' } } },
  { name: 'cookie-edge', template: "[{{cookie 'plus'}}]|[{{cookie 'dup'}}]|[{{cookie 'q'}}]|[{{cookie 'sp'}}]|[{{cookie 'bad'}}]",
    req: { headers: { Cookie: 'plus=a+b; dup=1; dup=2; q="quoted"; sp= x y ; bad=%E0%A4%A' } } },
  { name: 'method', template: '{{method}}', req: { method: 'PATCH' } },
  { name: 'method-delete', template: '{{method}}', req: { method: 'DELETE' } },
  { name: 'body-path', template: "{{body 'user.name'}}|{{body 'items.0.sku'}}|{{body 'items.1.qty'}}|{{body 'n'}}|{{body 'ok'}}|[{{body 'nil'}}]|{{body 'missing' 'dflt'}}",
    req: POST_DOC },
  { name: 'body-json-values', template: "{{body 'user'}}|{{body 'user.tags'}}|{{body 'items.2'}}",
    req: POST_DOC },
  { name: 'body-whole', template: '{{body}}', req: { method: 'POST', body: '{"a": [1, 2],  "b":"<x>"}', headers: { 'Content-Type': 'application/json' } } },
  { name: 'body-stringify', template: "{{body 'user.name' '' true}}|{{body 'n' '' true}}",
    req: POST_DOC },
  { name: 'body-jsonpath', template: "{{body '$.items[1].sku'}}|{{body '$.items[*].sku'}}|{{body '$..qty'}}|{{body '$.nope' 'dflt'}}",
    req: POST_DOC },
  { name: 'body-escaped-dot', template: "{{body 'a\\.b'}}", req: POST_DOC },
  { name: 'body-html', template: "{{body 'html'}}|{{bodyRaw 'html'}}", req: POST_DOC },
  { name: 'body-form', template: "{{body 'name'}}|{{body 'city'}}|[{{body 'missing'}}]|{{body}}",
    req: { method: 'POST', form: { name: 'Ann Lee', city: 'Zürich & Co' } } },
  { name: 'body-form-nested', template: "{{body 'user.name'}}|{{body 'tags'}}",
    req: { method: 'POST', body: 'user[name]=Bo&tags[]=x&tags[]=y', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } },
  { name: 'body-plus-json', template: "{{body 'data.id'}}",
    req: { method: 'POST', body: '{"data":{"id":"9"}}', headers: { 'Content-Type': 'application/vnd.api+json' } } },
  { name: 'body-text', template: "[{{body}}]|[{{body 'x' 'dflt'}}]|[{{bodyRaw 'x' 'dflt'}}]",
    req: { method: 'POST', body: 'just text', headers: { 'Content-Type': 'text/plain' } } },
  { name: 'body-none', template: "[{{body}}]|[{{body 'x' 'dflt'}}]|[{{bodyRaw 'x' 'dflt'}}]" },
  // {{bodyRaw}} and {{body}} without a path, on bodies that are not parsed
  // (text, none, invalid JSON) and on ones that are (form, JSON): body is the
  // raw text whatever the type, bodyRaw the parsed body ("" when there is none)
  { name: 'bodyRaw-whole-text', template: "[{{bodyRaw}}]|[{{body}}]|[{{bodyRaw ''}}]|[{{bodyRaw 'x'}}]",
    req: { method: 'POST', body: 'just <text>', headers: { 'Content-Type': 'text/plain' } } },
  { name: 'bodyRaw-whole-no-type', template: "[{{bodyRaw}}]|[{{body}}]",
    req: { method: 'POST', body: 'a=1&b=2' } },
  { name: 'bodyRaw-whole-invalid-json', template: "[{{bodyRaw}}]|[{{body}}]|[{{bodyRaw 'x' 'dflt'}}]",
    req: { method: 'POST', body: '{"x": ', headers: { 'Content-Type': 'application/json' } } },
  { name: 'bodyRaw-whole-form', template: "[{{bodyRaw}}]|[{{{stringify (bodyRaw)}}}]|[{{body}}]",
    req: { method: 'POST', form: { name: 'Ann', city: 'Z&rich' } } },
  { name: 'bodyRaw-whole-json', template: "[{{bodyRaw}}]|[{{{stringify (bodyRaw)}}}]|[{{body}}]",
    req: { method: 'POST', body: '{"a": [1, 2], "b": "<x>"}', headers: { 'Content-Type': 'application/json' } } },
  { name: 'bodyRaw-whole-json-scalar', template: "[{{bodyRaw}}]|[{{body}}]|[{{#if (bodyRaw)}}t{{else}}f{{/if}}]",
    req: { method: 'POST', body: '0', headers: { 'Content-Type': 'application/json' } } },
  { name: 'bodyRaw-whole-none', template: "[{{bodyRaw}}]|[{{body}}]|[{{#if (bodyRaw)}}t{{else}}f{{/if}}]" },
  // XML bodies (Content-Type with application/xml, application/soap+xml or
  // text/xml): Mockoon parses them with xml-js's xml2js(body, {compact: true}):
  // attributes under _attributes, text under _text, CDATA under _cdata,
  // comments under _comment, the declaration under _declaration, names with
  // their prefixes, a repeated element as an array
  { name: 'xml-paths', template: "{{body 'order._attributes.id'}}|{{body 'order.customer.name._text'}}|{{body 'order.item.1._attributes.sku'}}|" +
      "{{body 'order.item.0._text'}}|{{body 'order.note'}}|{{body '_declaration._attributes.encoding'}}|{{body 'order.missing' 'dflt'}}|{{body 'order.customer'}}",
    req: { method: 'POST', body: XML_ORDER, headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-stringify', template: '{{{stringify (bodyRaw)}}}|[{{bodyRaw}}]|{{#if (bodyRaw)}}parsed{{/if}}',
    req: { method: 'POST', body: XML_ORDER, headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-each', template: "{{#each (bodyRaw 'order.item')}}{{@index}}:{{_attributes.sku}}x{{_attributes.qty}}={{_text}};{{/each}}|" +
      "{{#each (bodyRaw 'order.customer')}}{{@key}};{{/each}}|{{len (bodyRaw 'order.item')}}|{{bodyRaw 'order.item.length'}}",
    req: { method: 'POST', body: XML_ORDER, headers: { 'Content-Type': 'text/xml; charset=utf-8' } } },
  { name: 'xml-jsonpath', template: "{{body '$.order.item[*]._attributes.sku'}}|{{body '$..name._text'}}|{{jsonPath (bodyRaw) '$.order.item[1]._text'}}|{{objectPath (bodyRaw) 'order._attributes.status'}}",
    req: { method: 'POST', body: XML_ORDER, headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-soap', template: "{{body 'soap:Envelope.soap:Body.m:GetPrice.m:Item._text'}}|{{body 'soap:Envelope._attributes.xmlns:soap'}}|" +
      "{{{stringify (bodyRaw 'soap:Envelope.soap:Header')}}}|{{{stringify (bodyRaw 'soap:Envelope.soap:Body.m:GetPrice._attributes')}}}",
    req: { method: 'POST', body: XML_SOAP, headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' } } },
  { name: 'xml-namespace-attribute-order', template: '{{{stringify (bodyRaw)}}}',
    req: { method: 'POST', body: '<a id="1" xmlns="urn:a" x:k="2" xmlns:x="urn:x"><x:b xmlns:y="urn:y" y:c="3" xml:lang="en"/><b xmlns="">4</b></a>',
      headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-text-and-attributes', template: "{{body 'p._attributes.currency'}}|[{{body 'p._text'}}]|{{{stringify (bodyRaw)}}}",
    req: { method: 'POST', body: '<p currency="EUR" note="a &amp; &lt;b&gt; &#233;&#x263A;">  9.50 &amp; up  </p>', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-mixed-content', template: '{{{stringify (bodyRaw)}}}|{{body \'a._text.1\'}}',
    req: { method: 'POST', body: '<a>x<b/>y<!-- c -->z<?pi  p q ?><b>w</b>\n  <c>  </c><d>&#160;</d></a>', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-cdata', template: "{{body 'a.s._cdata'}}|{{{body 'a.s._cdata'}}}|{{{stringify (bodyRaw)}}}",
    req: { method: 'POST', body: '<a><s><![CDATA[<b>&amp;</b>]]></s><t>x<![CDATA[ ]]>y<![CDATA[]]></t><u><![CDATA[1]]>\n<![CDATA[2]]></u></a>',
      headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-cdata-adjacent', template: "{{{stringify (bodyRaw 'a._cdata')}}}",
    req: { method: 'POST', body: '<a><![CDATA[x]]]]><![CDATA[>y]]></a>', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-prolog', template: '{{{stringify (bodyRaw)}}}',
    req: { method: 'POST', body: '\ufeff<?xml version="1.0" standalone=\'yes\'?>\n<!-- first --><?xml-stylesheet href="s.xsl"?>\n<r/>\n<!-- last -->\n',
      headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-escaped-output', template: "{{body 'a._text'}}|{{bodyRaw 'a._text'}}|{{{bodyRaw 'a._text'}}}",
    req: { method: 'POST', body: '<a>&lt;i&gt; "q" &amp; \'s\'</a>', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-malformed', template: "[{{bodyRaw}}]|{{body 'a' 'dflt'}}|{{bodyRaw 'a.b' 'dflt'}}|{{body}}",
    req: { method: 'POST', body: '<a><b>x</a>', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-not-xml', template: "[{{bodyRaw}}]|{{body 'a' 'dflt'}}|{{body}}",
    req: { method: 'POST', body: '{"a": 1}', headers: { 'Content-Type': 'text/xml' } } },
  { name: 'xml-trailing-text', template: "[{{bodyRaw}}]|{{body 'a._text' 'dflt'}}",
    req: { method: 'POST', body: '<a>1</a>trailing', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-empty', template: "[{{bodyRaw}}]|{{body 'a' 'dflt'}}|[{{body}}]|{{{stringify (bodyRaw)}}}",
    req: { method: 'POST', body: '', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-other-type', template: "[{{bodyRaw}}]|{{body 'a._text' 'dflt'}}",
    req: { method: 'POST', body: '<a>1</a>', headers: { 'Content-Type': 'application/atom+xml' } } },
  { name: 'xml-json-type', template: "[{{bodyRaw}}]|{{body 'a._text' 'dflt'}}",
    req: { method: 'POST', body: '<a>1</a>', headers: { 'Content-Type': 'application/xml+json' } } },
  { name: 'xml-truncated', template: "{{body 'a.b._text' 'dflt'}}",
    req: { method: 'POST', body: '<a><b>x</b>', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-doctype', template: "{{body 'a._text' 'dflt'}}",
    req: { method: 'POST', body: '<!DOCTYPE a><a>1</a>', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-html-entity', template: "{{body 'a._text' 'dflt'}}",
    req: { method: 'POST', body: '<a>&eacute;t&eacute;</a>', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'xml-line-ends', template: '{{{stringify (bodyRaw)}}}',
    req: { method: 'POST', body: '<a v="1\r\n2\t3">x\r\ny</a>', headers: { 'Content-Type': 'application/xml' } } },
  { name: 'bodyRaw', template: "{{#each (bodyRaw 'items')}}{{sku}}:{{qty}} {{/each}}|{{bodyRaw 'user.name'}}|{{bodyRaw 'missing' 'dflt'}}|{{bodyRaw 'user.tags'}}",
    req: POST_DOC },
  { name: 'baseUrl-hostname', template: '{{baseUrl}}|{{hostname}}' },
  // system-helpers.ts; run.js sets MOCKOON_CONFORMANCE_VAR for both servers
  // (Mockoon reads only MOCKOON_-prefixed names, mockrun any name)
  { name: 'getEnvVar', template: "{{getEnvVar 'MOCKOON_CONFORMANCE_VAR'}}|{{{getEnvVar 'MOCKOON_CONFORMANCE_VAR'}}}|" +
      "{{getEnvVar 'MOCKOON_CONFORMANCE_UNSET' 'dflt'}}|[{{getEnvVar 'MOCKOON_CONFORMANCE_UNSET'}}]|" +
      "{{#if (getEnvVar 'MOCKOON_CONFORMANCE_UNSET')}}set{{else}}unset{{/if}}|{{getEnvVar 'MOCKOON_CONFORMANCE_UNSET' 5}}" },
  // req.ip: both listen on 127.0.0.1 only, so Node gives the plain IPv4 form;
  // on a dual-stack socket Express would say "::ffff:127.0.0.1" (README.md).
  { name: 'ip', template: '{{ip}}|{{#if (ip)}}known{{/if}}', shape: /^(::ffff:)?127\.0\.0\.1\|known$/ },

  // ---- response helpers -------------------------------------------------------
  { name: 'status', template: '{{status 404}}gone', status: 404 },
  { name: 'status-from-request', template: "{{status (queryParam 'code')}}[{{queryParam 'code'}}]",
    req: { query: 'code=201' }, status: 201 },
  { name: 'status-parseInt', template: "{{status ' 418 teapot'}}{{status 'x'}}{{status 42}}|{{status 503.9}}", status: 503 },
  { name: 'status-invalid', template: "[{{status 'abc'}}{{status 99}}{{status 1000}}{{status -404}}{{status '4e2'}}{{status}}]" },

  // ---- Handlebars built-ins ---------------------------------------------------
  { name: 'if-else', template: "{{#if (queryParamRaw 'flag')}}yes{{else}}no{{/if}}|{{#if (queryParamRaw 'none')}}yes{{else}}no{{/if}}",
    req: { query: 'flag=1' } },
  { name: 'if-else-chain', template: "{{#if (eq (queryParam 'k') 'a')}}A{{else if (eq (queryParam 'k') 'b')}}B{{else}}C{{/if}}",
    req: { query: 'k=b' } },
  { name: 'if-literals', template: "{{#if 0}}t{{else}}f{{/if}}{{#if ''}}t{{else}}f{{/if}}{{#if 'x'}}t{{else}}f{{/if}}{{#if (array)}}t{{else}}f{{/if}}{{#if (array 1)}}t{{else}}f{{/if}}{{#if true}}t{{/if}}{{#if false}}t{{/if}}" },
  { name: 'if-safestring', template: "{{#if (queryParam 'none')}}truthy{{else}}falsy{{/if}}|{{#if (body 'none')}}truthy{{else}}falsy{{/if}}" },
  { name: 'unless', template: "{{#unless (eq 1 2)}}ok{{/unless}}|{{#unless true}}no{{else}}else{{/unless}}" },
  { name: 'each-array', template: "{{#each (array 'a' 'b' 'c')}}{{@index}}:{{this}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}},{{/each}}" },
  { name: 'each-object', template: "{{#each (bodyRaw 'user')}}{{@key}}={{this}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}};{{/each}}",
    req: POST_DOC },
  { name: 'each-else', template: '{{#each (array)}}x{{else}}empty{{/each}}' },
  { name: 'each-parent', template: "{{#each (bodyRaw 'items')}}{{sku}}@{{@index}}/{{../n}} {{/each}}",
    req: POST_DOC },
  { name: 'with', template: "{{#with (bodyRaw 'user')}}{{name}} {{tags.[1]}} {{age}}{{/with}}|{{#with (bodyRaw 'missing')}}x{{else}}none{{/with}}",
    req: POST_DOC },
  { name: 'with-nested-each', template: "{{#with (bodyRaw 'user')}}{{#each tags}}{{this}}{{../name}} {{/each}}{{/with}}",
    req: POST_DOC },
  { name: 'lookup', template: "{{lookup (bodyRaw 'user') 'name'}}|{{lookup (array 'a' 'b') 1}}|[{{lookup (bodyRaw 'user') 'none'}}]",
    req: POST_DOC },
  { name: 'log', template: "a{{log 'hello from the conformance test'}}b" },
  { name: 'whitespace-control', template: 'a  {{~#if true~}}  b  {{~/if~}}  c' },
  { name: 'comments', template: 'a{{! one }}b{{!-- two }} --}}c' },
  { name: 'escaped-mustache', template: '\\{{method}} {{method}}' },

  // ---- logic -------------------------------------------------------------------
  { name: 'switch', template: "{{#switch (queryParam 'k')}}{{#case 'a'}}A{{/case}}{{#case 'b'}}B{{/case}}{{#default}}D{{/default}}{{/switch}}",
    req: { query: 'k=b' } },
  { name: 'switch-default', template: "{{#switch (queryParam 'k')}}{{#case 'a'}}A{{/case}}{{#default}}D{{/default}}{{/switch}}",
    req: { query: 'k=z' } },
  { name: 'switch-number', template: "{{#switch (body 'n')}}{{#case 3}}three{{/case}}{{#case '3'}}string{{/case}}{{#default}}D{{/default}}{{/switch}}",
    req: POST_DOC },
  { name: 'eq', template: "{{eq 1 1}} {{eq 1 '1'}} {{eq 'a' 'a'}} {{eq (queryParam 'n') '5'}} {{eq 'a'}}",
    req: { query: 'n=5' } },
  { name: 'gt-gte-lt-lte', template: "{{gt 3 2}} {{gt '10' 9}} {{gte 2 2}} {{lt 1 2}} {{lte 3 2}} {{gt 'x' 1}} {{lt (queryParam 'n') 10}}",
    req: { query: 'n=5' } },
  { name: 'and-or-not', template: "{{#if (and true 1)}}and{{/if}}|{{#if (or false 'x')}}or{{/if}}|{{#if (not false)}}not{{/if}}" },
  { name: 'includes', template: "{{includes 'hello world' 'wor'}} {{includes 'abc' 'z'}} {{includes (queryParam 'q') 'ell'}}",
    req: { query: 'q=hello' } },

  // ---- values ------------------------------------------------------------------
  { name: 'array-join', template: "{{join (array 'a' 'b' 'c') '-'}}|{{join (array 1 2)}}|{{array 'a' 'b'}}" },
  { name: 'object', template: "{{{stringify (object a='1' b=2 c=true)}}}|{{object a=1}}" },
  { name: 'len', template: "{{len 'hello'}} {{len (array 1 2 3)}} {{len 5}} {{len (queryParam 'q')}}",
    req: { query: 'q=abcd' } },
  { name: 'stringify', template: "{{{stringify (bodyRaw 'user')}}}|{{stringify 'str'}}|{{stringify (bodyRaw 'user.tags')}}",
    req: POST_DOC },
  { name: 'jsonParse', template: "{{#with (jsonParse '{\"a\":{\"b\":[1,2]}}')}}{{a.b.[1]}}{{/with}}|{{{stringify (jsonParse (body))}}}",
    req: { method: 'POST', body: '{"x":[true,null]}', headers: { 'Content-Type': 'text/plain' } } },
  { name: 'concat', template: "{{concat 'a' 1 'b' (queryParam 'q')}}|{{join (concat (array 1 2) (array 3)) '|'}}",
    req: { query: 'q=z' } },
  { name: 'split', template: "{{#each (split 'a,b,c' ',')}}[{{this}}]{{/each}}|{{split 'a b'}}|{{join (split (queryParam 'csv') ',') ' + '}}",
    req: { query: 'csv=1,2,3' } },
  { name: 'substr', template: "{{substr 'hello world' 6}}|{{substr 'hello world' 0 5}}|{{substr 'hello' '1' '2'}}|{{substr 'hello' -3}}" },
  { name: 'slice', template: "{{join (slice (array 'a' 'b' 'c' 'd') 1 3) ','}}|{{slice (array 1 2 3) 1}}|{{join (slice (array 1 2 3) -2) ','}}" },
  { name: 'indexOf', template: "{{indexOf 'hello' 'l'}} {{indexOf 'hello' 'l' 3}} {{indexOf 'abc' 'z'}}" },
  { name: 'lowercase-uppercase', template: "{{lowercase 'HeLLo'}} {{uppercase 'HeLLo'}} {{uppercase (queryParam 'q')}}",
    req: { query: 'q=abc' } },
  { name: 'unicode-case', template: "{{uppercase 'straße éa'}}|{{lowercase 'ÀÉÎ'}}" },
  { name: 'unicode-length', template: "{{len 'héllo'}}|{{substr 'héllo' 1 2}}|{{padStart 'é' 3 '*'}}|{{indexOf 'héllo' 'l'}}" },
  { name: 'replace', template: "{{replace 'a-b-c' '-' '+'}}|{{replaceAll 'a-b-c' '-' '+'}}|{{replaceAll 'a.b.c' '.' ''}}|{{replace 'abc' '' 'x'}}" },
  { name: 'padStart-padEnd', template: "[{{padStart '7' 3 '0'}}] [{{padEnd 'ab' 5 '.'}}] [{{padStart 'x' 3}}] [{{padStart 'abc' 6 'xy'}}] [{{padEnd 5 3 0}}]" },
  { name: 'filter', template: "{{{stringify (filter (bodyRaw 'items') (object sku='X1'))}}}|{{join (filter (array 1 2 1 3) 1) ','}}",
    req: POST_DOC },
  { name: 'filter-or', template: "{{#each (filter (bodyRaw 'items') (object sku='X1') (object sku='A3'))}}{{sku}} {{/each}}",
    req: POST_DOC },
  { name: 'find', template: "{{{stringify (find (bodyRaw 'items') (object sku='Y2'))}}}|[{{find (array 1 2) 5}}]",
    req: POST_DOC },
  { name: 'sort', template: "{{join (sort (array 'b' 'a' 'c')) ','}}|{{join (sort (array 3 1 2) 'desc') ','}}|{{join (sort (array 10 9 100)) ','}}" },
  { name: 'sortBy', template: "{{#each (sortBy (bodyRaw 'items') 'qty')}}{{sku}}{{/each}}|{{#each (sortBy (bodyRaw 'items') 'sku' 'desc')}}{{sku}}{{/each}}",
    req: POST_DOC },
  { name: 'reverse', template: "{{join (reverse (array 1 2 3)) ','}}|[{{reverse 'abc'}}]" },
  { name: 'objectMerge', template: '{{{stringify (objectMerge (object a=1 b=2) (object b=3 c=4))}}}' },
  { name: 'setVar-getVar', template: "{{setVar 'x' 'hi'}}{{getVar 'x'}}|{{setVar 'n' (add 1 2)}}{{getVar 'n'}}|{{#each (array 1 2)}}{{setVar 'v' this}}{{/each}}[{{getVar 'v'}}]|[{{getVar 'none'}}]" },
  { name: 'base64', template: "{{base64 'hello world'}}|{{base64Decode 'aGVsbG8gd29ybGQ='}}|{{#base64}}x{{method}}{{/base64}}|{{base64 'é?>'}}" },
  { name: 'base64url', template: "{{base64url 'a?b>c~'}}|{{base64urlDecode 'YT9iPmN-'}}|{{#base64url}}{{method}}{{/base64url}}" },
  { name: 'jwt', template: "{{jwtPayload (header 'Authorization') 'sub'}}|{{jwtHeader (header 'Authorization') 'alg'}}|{{{stringify (jwtPayload (header 'Authorization'))}}}|{{jwtPayload (header 'Authorization') 'n'}}",
    req: { headers: { Authorization: `Bearer ${JWT}` } } },
  { name: 'jsonPath', template: "{{jsonPath (bodyRaw) '$.items[0].sku'}}|{{{stringify (jsonPath (bodyRaw) '$.items[*].qty')}}}|{{jsonPath (bodyRaw) '$.nope' 'dflt'}}",
    req: POST_DOC },
  { name: 'objectPath', template: "{{objectPath (bodyRaw) 'user.tags.0'}}|{{objectPath (bodyRaw) 'x.y' 'dflt'}}|{{objectPath (bodyRaw) 'items.1.sku'}}",
    req: POST_DOC },
  { name: 'newline', template: 'a{{newline}}b' },

  // ---- numbers -----------------------------------------------------------------
  { name: 'add', template: "{{add 1 2 '3'}} {{add 0.1 0.2}} {{add 1 'x' 2}} {{add (queryParam 'n') 1}} [{{add}}]",
    req: { query: 'n=5' } },
  { name: 'subtract-multiply-divide', template: "{{subtract 10 3 2}} {{multiply 2 3 '4'}} {{divide 10 4}} {{divide 1 0}} {{divide 1 3}} {{multiply 0.1 3}}" },
  { name: 'modulo', template: '{{modulo 10 3}} [{{modulo 1 0}}] {{modulo -7 3}} {{modulo 7.5 2}}' },
  { name: 'ceil-floor-round', template: "{{ceil 1.2}} {{floor 1.8}} {{round 2.5}} {{round -2.5}} {{ceil '3.01'}} {{floor -0.5}}" },
  { name: 'toFixed', template: "{{toFixed 3.14159 2}} {{toFixed 2 3}} {{toFixed 'x' 1}} {{toFixed 1.005 2}} {{toFixed 2.5}}" },
  { name: 'parseInt', template: "{{parseInt '42px'}} [{{parseInt 'x'}}] {{parseInt '-3.9'}} {{parseInt (queryParam 'n')}}",
    req: { query: 'n=08' } },
  { name: 'number-format', template: "{{add 1e21 0}} {{multiply 1000000 1000000}} {{divide 1 8}} {{subtract 0 0.000001}}" },

  // ---- dates with fixed inputs ---------------------------------------------------
  { name: 'dateFormat', template: "{{dateFormat '2024-03-05T14:07:09.123Z' 'yyyy-MM-dd HH:mm:ss.SSS'}}|{{dateFormat '2024-03-05T14:07:09Z' 'EEEE, MMMM do yyyy'}}|{{dateFormat '2024-03-05' 'dd/MM/yy'}}" },
  { name: 'dateFormat-tokens', template: "{{dateFormat '2024-12-30T23:05:00Z' \"yyyy-'W'II i Q a h K D DDD YYYY EEE MMM\"}}" },
  { name: 'dateFormat-from-request', template: "{{dateFormat (queryParam 'd') 'yyyy/MM/dd'}}",
    req: { query: 'd=2023-07-04T12:00:00Z' } },
  { name: 'dateTimeShift', template: "{{dateTimeShift date='2024-01-31T10:00:00.000Z' months=1}}|{{dateTimeShift date='2024-03-01T00:00:00Z' days=-1 hours=2 format='yyyy-MM-dd HH:mm'}}|{{dateTimeShift date='2024-02-29T12:00:00Z' years=1 minutes=30 seconds=15}}" },
  { name: 'isValidDate', template: "{{isValidDate '2024-02-30'}} {{isValidDate '2024-01-01'}} {{isValidDate 'nope'}} {{isValidDate 0}}" },

  // ---- generated values (compared by shape) ---------------------------------------
  { name: 'now', template: '{{now}}', shape: (b) => ISO_UTC.test(b) ? nearNow(b) : `not ISO with +00:00: ${b}` },
  { name: 'now-format', template: "{{now 'yyyy-MM-dd'}}", shape: /^\d{4}-\d\d-\d\d$/ },
  { name: 'date', template: "{{date '2024-01-01' '2024-12-31' 'yyyy-MM-dd'}}", shape: /^2024-\d\d-\d\d$/ },
  { name: 'date-no-format', template: "{{date '2024-01-01' '2024-01-02'}}",
    shape: /^(Mon|Tue) Jan 0[12] 2024 \d\d:\d\d:\d\d GMT\+0000 \(Coordinated Universal Time\)$/ },
  { name: 'time', template: '{{time}}', shape: /^([01]\d|2[0-3]):[0-5]\d$/ },
  { name: 'time-range', template: "{{time '09:00' '10:00' 'HH:mm:ss'}}", shape: /^09:[0-5]\d:[0-5]\d$/ },
  { name: 'int', template: '{{int}}', shape: between(0, Number.MAX_SAFE_INTEGER, true) },
  { name: 'int-range', template: '{{int 5 10}}', shape: between(5, 10, true) },
  { name: 'float', template: '{{float 1 2}}', shape: between(1, 2, false) },
  { name: 'boolean', template: '{{boolean}}', shape: /^(true|false)$/ },
  { name: 'uuid', template: '{{uuid}}', shape: UUID },
  { name: 'guid', template: '{{guid}}', shape: UUID },
  { name: 'oneOf', template: "{{oneOf (array 'a' 'b' 'c')}}|{{oneOf (array 'x' 'y') true}}", shape: /^[abc]\|"[xy]"$/ },
  { name: 'someOf', template: "{{someOf (array 'a' 'b' 'c') 1 2}}", shape: /^[abc](,[abc])?$/ },
  { name: 'someOf-stringify', template: "{{{someOf (array 'a' 'b' 'c') 1 2 true}}}", shape: /^\["[abc]"(,"[abc]")?\]$/ },
  { name: 'repeat', template: '[{{#repeat 3}}{"i":{{@index}} }{{/repeat}}]' },
  { name: 'repeat-multiline', template: '[\n  {{#repeat 2}}\n  {\n    "id": {{@index}},\n    "first": {{@first}}\n  },\n  {{/repeat}}\n]',
    type: 'application/json' },
  { name: 'repeat-comma-false', template: '{{#repeat 3 comma=false}}{{@index}}{{/repeat}}' },
  { name: 'repeat-data', template: '{{#repeat 2 comma=false}}{{@index}}/{{@total}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}} {{/repeat}}' },
  { name: 'repeat-range', template: '{{#repeat 2 4}}x{{/repeat}}', shape: /^x(,\nx){1,3}\n$/ },
  { name: 'json-document', type: 'application/json', route: '/orders/:id',
    req: { path: '/orders/o-9', query: 'currency=EUR' },
    template: '{\n  "id": "{{urlParam \'id\'}}",\n  "currency": "{{queryParam \'currency\'}}",\n  "lines": [\n    {{#repeat 2}}\n    { "n": {{add @index 1}} }\n    {{/repeat}}\n  ]\n}' },

  // ---- faker (random: compared by shape) --------------------------------------------
  { name: 'faker-person.firstName', template: "{{faker 'person.firstName'}}", shape: name('[A-Z]') },
  { name: 'faker-person.lastName', template: "{{faker 'person.lastName'}}", shape: name('[A-Z]') },
  { name: 'faker-person.fullName', template: "{{faker 'person.fullName'}}", shape: name('[A-Z]', ` ${NAME}+`) },
  { name: 'faker-internet.email', template: "{{faker 'internet.email'}}", shape: /^[A-Za-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]+$/ },
  { name: 'faker-internet.userName', template: "{{faker 'internet.userName'}}", shape: /^[A-Za-z0-9._\-]+$/ },
  { name: 'faker-internet.url', template: "{{faker 'internet.url'}}", shape: /^https?:\/\/[a-z0-9.\-]+\.[a-z]+\/?$/ },
  { name: 'faker-internet.ip', template: "{{faker 'internet.ip'}}",
    shape: (b) => /^(\d{1,3}\.){3}\d{1,3}$/.test(b) || /^[0-9a-f:]+$/.test(b) || `not an IP: ${b}` },
  { name: 'faker-location.city', template: "{{faker 'location.city'}}", shape: /^[A-Z](?:[A-Za-z.()\/\- ]|&#x27;)+$/ },
  { name: 'faker-location.country', template: "{{faker 'location.country'}}", shape: /^[A-Z\u00c5][^\n]+$/ },
  { name: 'faker-location.streetAddress', template: "{{faker 'location.streetAddress'}}", shape: /^\d+ [A-Z0-9](?:[A-Za-z0-9.\- ]|&#x27;)+$/ },
  { name: 'faker-location.zipCode', template: "{{faker 'location.zipCode'}}", shape: /^\d{5}(-\d{4})?$/ },
  { name: 'faker-company.name', template: "{{{faker 'company.name'}}}", shape: /^[A-Z][A-Za-z,.'\- ]+$/ },
  { name: 'faker-commerce.productName', template: "{{faker 'commerce.productName'}}", shape: /^[A-Z][a-z]+( [A-Z][a-z]+){2}$/ },
  { name: 'faker-commerce.price', template: "{{faker 'commerce.price'}}", shape: /^\d+\.\d\d$/ },
  { name: 'faker-finance.amount', template: "{{faker 'finance.amount'}}", shape: /^\d+\.\d\d$/ },
  { name: 'faker-finance.iban', template: "{{faker 'finance.iban'}}", shape: /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/ },
  { name: 'faker-phone.number', template: "{{faker 'phone.number'}}", shape: /^[0-9 ().x+\-]{7,}$/ },
  { name: 'faker-lorem.word', template: "{{faker 'lorem.word'}}", shape: /^[a-z]+$/ },
  { name: 'faker-lorem.words', template: "{{faker 'lorem.words'}}", shape: words(3, 3) },
  { name: 'faker-lorem.sentence', template: "{{faker 'lorem.sentence'}}", shape: /^[A-Z][a-z]*( [a-z]+){2,9}\.$/ },
  { name: 'faker-lorem.paragraph', template: "{{faker 'lorem.paragraph'}}", shape: /^[A-Z][a-z]*( [a-z]+)*\.( [A-Z][a-z]*( [a-z]+)*\.){2}$/ },
  { name: 'faker-string.uuid', template: "{{faker 'string.uuid'}}", shape: UUID },
  { name: 'faker-string.alphanumeric', template: "{{faker 'string.alphanumeric'}}", shape: /^[A-Za-z0-9]$/ },
  { name: 'faker-date.past', template: "{{faker 'date.past'}}",
    shape: /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d\d \d{4} \d\d:\d\d:\d\d GMT\+0000 \(Coordinated Universal Time\)$/ },
  { name: 'faker-date.future', template: "{{faker 'date.future'}}",
    shape: /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d\d \d{4} \d\d:\d\d:\d\d GMT\+0000 \(Coordinated Universal Time\)$/ },
  { name: 'faker-image.url', template: "{{faker 'image.url'}}", shape: /^https:\/\/[a-z.]+\/[^\s]+$/ },
  { name: 'faker-args-positional', template: "{{faker 'string.alphanumeric' 8}}|{{faker 'lorem.words' 2}}", shape: /^[A-Za-z0-9]{8}\|[a-z]+ [a-z]+$/ },
  { name: 'faker-args-hash', template: "{{faker 'number.int' min=5 max=7}}|{{faker 'finance.amount' min=1 max=2 dec=1}}", shape: /^[5-7]\|[12]\.\d$/ },
  { name: 'faker-args-object', template: "{{faker 'string.alpha' '{ length: 5, casing: \"upper\" }'}}", shape: /^[A-Z]{5}$/ },
  { name: 'color', template: "{{color}}|{{faker 'color.human'}}",
    shape: new RegExp(`^${HUMAN_COLOR}\\|${HUMAN_COLOR}$`) },
  { name: 'faker-in-repeat', template: "{{#repeat 3}}\"{{faker 'person.firstName'}}\"{{/repeat}}",
    shape: new RegExp(`^"[A-Z]${NAME}+",\n"[A-Z]${NAME}+",\n"[A-Z]${NAME}+"\n$`) },
  // ---- added after the first run: edges found worth pinning ------------------------
  { name: 'urlParam-encoded-slash', template: "[{{urlParam 'id'}}]", route: '/u/:id',
    req: { path: '/u/a%2Fb' } },
  { name: 'path-numeric-segment', template: "{{#with (bodyRaw 'user')}}{{tags.1}}{{/with}}", req: POST_DOC },
  { name: 'queryParam-qs-arrays', template: "{{queryParam 'a'}}|{{queryParam 'b'}}|{{queryParam 'c'}}|[{{queryParam 'd'}}]|{{queryParam 'e.f.g'}}",
    req: { query: 'a[0]=x&a[1]=y&b[]=1&b[]=2&c[25]=z&d&e[f][g]=deep' } },
  { name: 'body-top-array', template: "{{body '0.id'}}|{{body '1'}}|{{len (bodyRaw)}}",
    req: { method: 'POST', json: [{ id: 'first' }, { id: 'second' }] } },
  { name: 'body-invalid-json', template: "[{{body 'x' 'dflt'}}]|[{{body}}]",
    req: { method: 'POST', body: '{"x": ', headers: { 'Content-Type': 'application/json' } } },
  { name: 'body-safestring-values', template: "{{len (body 'user.tags')}}|{{eq (body 'n') 3}}|{{eq (body 'n') '3'}}|{{add (body 'n') 1}}|{{len (bodyRaw 'user.tags')}}",
    req: POST_DOC },
  { name: 'each-safestring', template: "{{#each (body 'user.tags')}}[{{@key}}={{this}}]{{/each}}", req: POST_DOC },
  { name: 'each-block-params', template: "{{#each (array 'a' 'b') as |v i|}}{{i}}{{v}} {{/each}}" },
  { name: 'root-this', template: '[{{this}}]|[{{.}}]' },
  { name: 'hash-subexpressions', template: "{{dateTimeShift date=(queryParam 'd') days=(queryParam 'n') format='yyyy-MM-dd'}}",
    req: { query: 'd=2024-02-27T00:00:00Z&n=3' } },
  { name: 'number-literals', template: '{{add 1.50 2}} {{add -1 -2}} {{eq true true}} {{multiply 1.1 1.1}} {{round 1e3}}' },
  { name: 'array-escaped', template: "{{array '<' '&'}}|{{{array '<' '&'}}}|{{concat (array 1) 2}}|{{stringify (object a='<')}}" },
  { name: 'setVar-data-var', template: "{{setVar 'u' (bodyRaw 'user')}}{{@u.name}}|{{#repeat 2 comma=false}}{{setVar 'i' @index}}{{getVar 'i'}}{{/repeat}}",
    req: POST_DOC },
  { name: 'repeat-zero-one', template: '[{{#repeat 0}}x{{/repeat}}]|[{{#repeat 1 1}}y{{/repeat}}]' },
  { name: 'string-edges', template: "[{{split '' ','}}]|{{indexOf 'abc' ''}}|[{{join (array) ','}}]|[{{padStart 'abc' 2}}]|{{substr 'abc' 5}}" },
  { name: 'hostname-host-header', template: '{{hostname}}', req: { headers: { Host: 'api.example.com:8080' } } },
  { name: 'header-repeated', template: "{{header 'X-Multi'}}", req: { headers: { 'X-Multi': ['a', 'b'] } } },
  { name: 'dates-now-relative', template: "{{isValidDate (now)}}|{{dateTimeShift days=1}}",
    shape: (b) => /^true\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/.test(b) ||
      `not "true|<ISO date>": ${b}` },
  { name: 'date-bad-args', template: "[{{date}}]|[{{date '2024-01-01'}}]|[{{dateFormat 'x'}}]" },
  { name: 'generated-degenerate', template: "{{int 3 3}}|{{oneOf (array 'only')}}|{{float 1.5 1.5}}" },
  { name: 'faker-more-args', template: "{{faker 'string.numeric' 4}}|{{faker 'person.firstName' sex='female'}}", shape: name('\\d{4}\\|[A-Z]') },
  { name: 'queryParam-qs-depth', template: "{{{queryParam 'e'}}}",
    req: { query: 'e[a][b][c][d][e][f][g]=deep' } },
  { name: 'queryParam-qs-mixed', template: "{{{queryParam 'm'}}}", req: { query: 'm=1&m[x]=2' } },
  { name: 'queryParam-qs-merge', template: "{{{queryParam 'a'}}}|{{{queryParam 'b'}}}|{{{queryParam 'c'}}}|{{{queryParam 'd'}}}|{{{queryParam 'e'}}}|{{{queryParam '5'}}}",
    req: { query: 'a[x]=2&a=1&b=1&b[]=2&c[0]=x&c[k]=y&d[1]=x&d[0]=y&d[1]=z&e=&e[k]=1&5[a]=1&5=2' } },
  { name: 'queryParam-qs-keys', template: '{{{stringify (queryParams)}}}',
    req: { query: '[x]=1&[]=2&f[g=3&h[i]j[k]=4&l[m[n]]=5&o[1000]=6&o=7&toString=8' } },
  // a key ends at "]=", %5B/%5D are brackets even when the rest fails to decode,
  // and empty parts count toward qs's 1000-part limit (the server used to split them)
  { name: 'queryParam-qs-split', template: '{{{stringify (queryParams)}}}',
    req: { query: 'k[=]=1&a%5Bb%5D%zz=2&c%5bd%5d=3' } },
  { name: 'queryParam-qs-limit', template: "{{queryParam 'last'}}|{{queryParam 'kept'}}",
    req: { query: '&'.repeat(999) + 'kept=1&last=2' } },
  { name: 'body-form-qs-merge', template: "{{{body 'm'}}}|{{{body 'a'}}}|{{{body 'r'}}}|{{{body 'k'}}}",
    req: { method: 'POST', body: 'm=1&m[x]=2&a[0]=x&a[b]=y&k[=]=1&hasOwnProperty=2&' +
      Array.from({ length: 21 }, (_, i) => `r=${i}`).join('&'),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } },
  { name: 'queryParam-bad-percent', template: "{{queryParam 'bad'}}|{{queryParam 'lat'}}|{{queryParam 'ok'}}",
    req: { query: 'bad=%zz&lat=%E9&ok=%C3%A9' } },
  { name: 'body-form-qs', template: "{{{body 'c'}}}|{{{body 'c2'}}}|{{{body 'c3'}}}",
    req: { method: 'POST', body: 'c[25]=z&c2[19]=y&c3[20]=w', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } },
  { name: 'body-form-qs-depth', template: "{{{body 'e'}}}",
    req: { method: 'POST', body: 'e[a][b][c][d][e][f][g][h][i][j][k][l]=deep', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } },
  { name: 'body-form-bad-percent', template: "{{body 'lat'}}|{{body 'ok'}}",
    req: { method: 'POST', body: 'lat=%E9&ok=%C3%A9', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } },
  { name: 'queryParam-qs-array-limit', template: "{{queryParam 'c'}}|{{{queryParam 'd'}}}|{{queryParam 'e'}}",
    req: { query: 'c[999]=z&d[1000]=y&e[20]=x' } },
  { name: 'each-string', template: "{{#each (queryParamRaw 'tag')}}[{{this}}]{{else}}none{{/each}}", req: { query: 'tag=solo' } },
  { name: 'body-number-format', template: "{{body 'a'}}|{{body 'b'}}|{{body 'c'}}|{{body 'd'}}|{{body 'e'}}|{{body 'f'}}|{{{body 'g'}}}",
    req: { method: 'POST', body: '{"a":1e21,"b":0.1,"c":-0,"d":12345678901234567890,"e":1.0,"f":2.50,"g":[1E2,-0.0,1.5e-7]}',
      headers: { 'Content-Type': 'application/json' } } },
  { name: 'body-unicode', template: "{{body 's'}}|{{len (bodyRaw 's')}}|{{{body 'o'}}}",
    req: { method: 'POST', body: '{"s":"\\u00e9\\ud83d\\ude00","o":{"k":"\\u2028/\\""}}', headers: { 'Content-Type': 'application/json' } } },
  { name: 'number-edges', template: "{{round 0.5}} {{round -0.5}} {{multiply -1 0}} {{divide 0 5}} {{parseInt '0x1A'}} {{add '' 1}} {{add ' 2 ' 1}} {{gt '' -1}} {{toFixed 1e21 2}} {{toFixed -1.5 0}}" },
  { name: 'dateFormat-inputs', template: "[{{dateFormat 0 'yyyy'}}]|{{dateFormat '2024-03-05 10:20' 'yyyy-MM-dd HH:mm'}}|{{dateTimeShift date='2024-03-05' days=1}}|{{dateFormat '2024-03-05T10:20:00+02:00' 'HH:mm xxx'}}" },
  { name: 'dateFormat-loose-input', template: "{{dateFormat 'March 7, 2024' 'yyyy-MM-dd'}}|{{dateFormat '2024/03/07' 'yyyy-MM-dd'}}" },
  { name: 'sort-locale', template: "{{join (sort (array 'b' 'B' 'a' 'A' '_' '1' 'é')) ','}}" },
  { name: 'values-of-wrong-type', template: "{{includes (array 'a') 'a'}}|{{len (object a=1)}}|[{{join 'abc' ','}}]|[{{sort 'abc'}}]|[{{slice 'abc' 1}}]" },
  { name: 'if-includeZero-inverse', template: "{{#if 0 includeZero=true}}zero{{/if}}|{{#if false}}a{{^}}b{{/if}}|{{#with (bodyRaw 'user') as |u|}}{{u.name}}{{/with}}",
    req: POST_DOC }
];

module.exports = { cases };
