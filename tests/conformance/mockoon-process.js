// mockoon-process.js - starting and stopping the Mockoon CLI for the
// conformance scripts (run.js, import.js): on 127.0.0.1, on a free port, in
// a process group of its own, every wait bounded.
'use strict';

const fs = require('fs');
const net = require('net');
const { spawn } = require('child_process');

const START_TIMEOUT_MS = 60000;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.setTimeout(1000);
    sock.on('connect', () => { sock.destroy(); resolve(true); });
    sock.on('timeout', () => { sock.destroy(); resolve(false); });
    sock.on('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stopGroup(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, signal); } catch (_) { /* already gone */ }
}

// Resolves when `child` has exited, or after `ms` (then its group gets SIGKILL).
function waitExit(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => { stopGroup(child, 'SIGKILL'); resolve(); }, ms);
    child.on('exit', () => { clearTimeout(t); resolve(); });
  });
}

// Starts mockoon-cli on envFile with `extraArgs` (e.g. --faker-seed N); resolves
// with { child, port } once its port accepts connections, rejects when it exits
// first or does not listen within 60 s.
async function startMockoon(cli, envFile, logFile, extraArgs = []) {
  const port = await freePort();
  const log = fs.openSync(logFile, 'w');
  const child = spawn(cli, ['start', '--data', envFile, '--port', String(port), '--hostname', '127.0.0.1',
    ...extraArgs, '--disable-log-to-file', '--disable-admin-api'], {
    env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', log, log], detached: true
  });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal || `exit status ${code}`; });
  child.on('error', (e) => { exited = e.message; });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !exited) {
    if (await canConnect(port)) return { child, port };
    await sleep(100);
  }
  stopGroup(child);
  await waitExit(child, 5000);
  const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  throw new Error(exited
    ? `mockoon-cli ended before listening (${exited}); its output:\n${tail}`
    : `mockoon-cli did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s; its output:\n${tail}`);
}

module.exports = { stopGroup, waitExit, startMockoon };
