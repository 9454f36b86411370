// Drives every response mode through Node's fetch and prints what it saw.
const u = process.env.MOCKRUN_API_URL;
const get = async (path, init) => {
  const r = await fetch(u + path, init);
  return { status: r.status, text: await r.text() };
};
const auth = { headers: { Authorization: 'Bearer t' } };

const flaky = [];
for (let i = 0; i < 4; i++) flaky.push((await get('/flaky')).status);
console.log('flaky:', flaky.join(' '));

let cycle = '';
for (let i = 0; i < 5; i++) cycle += (await get('/cycle')).text;
console.log('cycle:', cycle);

let random = '';
for (let i = 0; i < 12; i++) random += (await get('/random')).text;
console.log('random:', random);

const rules = [];
rules.push((await get('/orders/1')).status);
const o2 = await get('/orders/2', auth);
rules.push(`${o2.status} ${o2.text}`);
const slash = await get('/orders/a%2Fb', auth);
rules.push(`${slash.status} ${slash.text}`);
// `when` as an array: any one of its condition sets
rules.push((await get('/orders/4?debug=1', auth)).text);
rules.push((await get('/orders/4', { headers: { ...auth.headers, 'X-Debug': 'yes' } })).text);
rules.push((await get('/orders/3', auth)).status);
console.log('rules:', rules.join(' | '));

const before = await get('/cart');
const add = await get('/cart/items', { method: 'POST', body: '{"sku":"book"}' });
const after = await get('/cart');
console.log(`cart: ${before.text} ${add.status} ${after.text}`);

const t0 = performance.now();
const slow = await get('/slow');
console.log(`slow: ${slow.text} ${Math.round(performance.now() - t0) >= 60 ? 'waited' : 'too fast'}`);

const here = await get('/status');
const gone = await get('/status?gone=1');
console.log(`status: ${here.status} ${here.text} ${gone.status} ${gone.text}`);

// faults: how fetch fails
const failure = async (path) => {
  try {
    const r = await fetch(u + path);
    await r.text();
    return 'no error';
  } catch (e) {
    return e.cause?.code ?? e.cause?.message ?? e.message;
  }
};
console.log('reset:', await failure('/reset'));
console.log('empty:', await failure('/empty'));
console.log('truncated:', await failure('/truncated'));
const t1 = performance.now();
const drib = await get('/dribble');
console.log(`dribble: ${drib.status} ${drib.text} ${performance.now() - t1 >= 60 ? 'spread' : 'at once'}`);
