// Two tests against mockrun's shop service: one lists the items with fetch,
// one calls a path no route serves with http.get (attributed through the
// announcement, not a header) and lists the items again.
const assert = require('assert');
const http = require('http');

const base = process.env.MOCKRUN_SHOP_URL;

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
}

describe('shop', function () {
  it('lists items', async function () {
    assert.strictEqual((await fetch(`${base}/v1/items`)).status, 200);
    const seen = await (await fetch(`${base}/v1/headers`)).text();
    assert.ok(!seen.toLowerCase().includes('x-mockrun-test'), seen);
  });

  it('loses its way', async function () {
    assert.strictEqual(await get(`${base}/v1/itemz`), 404);
    assert.strictEqual(await get(`${base}/v1/items`), 200);
  });
});
