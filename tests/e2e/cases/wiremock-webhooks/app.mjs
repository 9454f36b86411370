// The application under test: it listens for webhooks on a port it picks,
// asks the shipping API (WireMock mappings) to ship an order, naming its
// callback URL in a header, and waits (10 s at most) for the "shipped"
// webhook, which it acknowledges with 204.
import assert from 'node:assert/strict';
import http from 'node:http';

let delivered;
const webhook = new Promise((resolve) => (delivered = resolve));
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    res.writeHead(204);
    res.end();
    delivered({ at: Date.now(), method: req.method, path: req.url, carrier: req.headers['x-carrier'],
                type: req.headers['content-type'], event: JSON.parse(body) });
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

const t0 = Date.now();
const res = await fetch(`${process.env.MOCKRUN_SHIPPING_URL}/orders/o-17/ship`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'X-Callback-Url': `http://127.0.0.1:${port}` },
  body: JSON.stringify({ carrier: 'ups' }),
});
assert.equal(res.status, 202);
assert.deepEqual(await res.json(), { status: 'shipping' });

const timer = setTimeout(() => {
  console.log('node: no webhook within 10 s');
  process.exit(1);
}, 10000);
const got = await webhook;
clearTimeout(timer);
assert.ok(got.at - t0 >= 200, `the webhook came after ${got.at - t0} ms, before its delay`);
assert.equal(got.method, 'POST');
assert.equal(got.type, 'application/json');
assert.deepEqual(got.event, { order: 'o-17', carrier: 'ups' });
console.log(`node: ${got.path} by ${got.carrier}`);
server.close();
