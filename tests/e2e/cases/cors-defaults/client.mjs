const u = process.env.MOCKRUN_API_URL;
const pre = await fetch(u + "/items", { method: "OPTIONS", headers: {
  Origin: "http://app.test", "Access-Control-Request-Method": "GET",
  "Access-Control-Request-Headers": "x-token" } });
console.log("preflight", pre.status, pre.headers.get("access-control-allow-origin"),
  pre.headers.get("access-control-allow-methods"), pre.headers.get("access-control-allow-headers"));
const r = await fetch(u + "/items", { headers: { Origin: "http://app.test" } });
console.log("get", r.status, r.headers.get("access-control-allow-origin"),
  r.headers.get("access-control-allow-credentials"), r.headers.get("x-mock"),
  r.headers.get("cache-control"), await r.text());
// templated values, the route's own and the service default's, both rendered
console.log("templated", r.headers.get("x-origin"), r.headers.get("x-method"));
// the service's own Access-Control-Allow-Origin wins over cors' (sent once,
// not twice); a file keeps its type over the defaults' Content-Type
const o = await fetch(process.env.MOCKRUN_OPEN_URL + "/o", { headers: { Origin: "http://app.test" } });
console.log("open", o.status, JSON.stringify(o.headers.get("access-control-allow-origin")),
  o.headers.get("content-type"));
const n = await fetch(process.env.MOCKRUN_OPEN_URL + "/note");
console.log("note", n.status, n.headers.get("content-type"), (await n.text()).trim());
