// Two tests against mockrun's shop service: one lists the items, one calls a
// path no route serves (and lists the items again: "list-items" then counts 2).
const base = process.env.MOCKRUN_SHOP_URL;

describe('shop', () => {
  test('lists items', async () => {
    const res = await fetch(`${base}/v1/items`);
    expect(res.status).toBe(200);
    const seen = await (await fetch(new Request(`${base}/v1/headers`))).text();
    expect(seen.toLowerCase()).not.toContain('x-mockrun-test');
  });

  test('loses its way — ünïcode', async () => {
    expect((await fetch(`${base}/v1/itemz`)).status).toBe(404);
    expect((await fetch(`${base}/v1/items`, { headers: { Accept: 'application/json' } })).status).toBe(200);
  });
});
