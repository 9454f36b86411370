// A stand-in for `npm test`: a tiny test suite that talks to the API with fetch.
import assert from 'node:assert/strict';

const base = process.env.API_URL;
assert.equal(base, process.env.MOCKRUN_API_URL);

const list = await fetch(`${base}/orders?status=open`);
assert.equal(list.status, 200);
assert.match(list.headers.get('content-type'), /application\/json/);
const orders = await list.json();
assert.equal(orders.reduce((sum, o) => sum + o.total, 0), 50);

const created = await fetch(`${base}/orders`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ customer: 'c_9', items: ['book-42'] }),
});
assert.equal(created.status, 201);
assert.equal(created.headers.get('location'), '/orders/3');
assert.deepEqual(await created.json(), { id: 3 });
console.log('node: 2 orders open, order 3 created');
