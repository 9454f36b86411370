// ci/bench: N requests at once with Node's fetch (undici opens a connection per request);
// prints {"n", "ok", "ms"}: how many were answered 200, and when the last one was.
// Usage: node fetch.mjs URL N
const [url, n] = [process.argv[2], +process.argv[3]];
const t0 = performance.now();
const res = await Promise.allSettled(
  Array.from({ length: n }, () => fetch(url).then((r) => r.text().then(() => r.status))),
);
const ok = res.filter((r) => r.status === "fulfilled" && r.value === 200).length;
console.log(JSON.stringify({ n, ok, ms: Math.round(performance.now() - t0) }));
process.exit(ok === n ? 0 : 1);
