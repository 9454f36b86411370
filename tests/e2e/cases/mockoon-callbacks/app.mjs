// The application under test: it listens for webhooks on a port it picks,
// creates a charge on the payments API (a Mockoon environment) and waits
// (10 s at most) for the charge.succeeded webhook, which it acknowledges
// with 200.
import assert from 'node:assert/strict';
import http from 'node:http';

let delivered;
const webhook = new Promise((resolve) => (delivered = resolve));
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('received');
    delivered({ at: Date.now(), method: req.method, path: req.url, signature: req.headers['stripe-signature'],
                type: req.headers['content-type'], event: JSON.parse(body) });
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

const t0 = Date.now();
const res = await fetch(`${process.env.MOCKRUN_PAYMENTS_URL}/v1/charges`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ id: 'ch_42', callbackUrl: `http://127.0.0.1:${port}` }),
});
assert.equal(res.status, 201);
assert.deepEqual(await res.json(), { id: 'ch_42', status: 'pending' });

const timer = setTimeout(() => {
  console.log('node: no webhook within 10 s');
  process.exit(1);
}, 10000);
const got = await webhook;
clearTimeout(timer);
assert.ok(got.at - t0 >= 300, `the webhook came after ${got.at - t0} ms, before its latency`);
assert.equal(got.method, 'POST');
assert.equal(got.type, 'application/json');
assert.deepEqual(got.event, { type: 'charge.succeeded', data: { id: 'ch_42' } });
console.log(`node: ${got.event.type} for ${got.event.data.id} at ${got.path}, signed ${got.signature}`);
server.close();
