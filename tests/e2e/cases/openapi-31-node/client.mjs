const base = process.env.MOCKRUN_NOTES_URL;
const ok = await fetch(`${base}/notes?limit=10`, { headers: { 'X-Api-Key': 'k-123456', Cookie: 's=1; session=s-9' } });
console.log('list', ok.status, (await ok.json()).length);
// what the contract refuses: no key, a bad cookie, a limit too high
await fetch(`${base}/notes?limit=99`, { headers: { Cookie: 'session=x-1' } });
// a readOnly id and an unknown member sent, repeated tags
const made = await fetch(`${base}/notes`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ id: 5, text: 'tea', tags: ['x', 'x'], colour: 'red' }) });
console.log('add', made.status);
// a number only as JSON writes one: hex is a string to the schema
await fetch(`${base}/notes?limit=0x10`, { headers: { 'X-Api-Key': 'k-123456' } });
