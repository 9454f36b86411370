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
