// The app under test: read two pages and show who is on them.
for (const page of [1, 2]) {
  const r = await fetch(`${process.env.MOCKRUN_URL}/people?page=${page}`);
  const data = await r.json();
  console.log(`page ${data.page}: ${data.people.map((p) => `${p.name} <${p.email}>`).join(", ")}`);
}
