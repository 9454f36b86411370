const base = process.env.MOCKRUN_SHOP_URL;
const get = async (p, opts) => {
  const r = await fetch(base + p, opts);
  return `${r.status} ${await r.text()}`;
};
console.log("before:", await get("/cart"));
console.log("early checkout:", await get("/checkout", { method: "POST" }));
console.log("add:", await get("/cart/items", { method: "POST" }));
console.log("after:", await get("/cart"));
console.log("checkout:", await get("/checkout", { method: "POST" }));
