// A test runner in CI with FORCE_COLOR=1: its output is a pipe, yet it
// colours what it prints (Node's console does, as jest and mocha do).
const res = await fetch(process.env.MOCKRUN_URL + '/ping');
console.log({ got: await res.text(), status: res.status });
console.error({ warned: true });
