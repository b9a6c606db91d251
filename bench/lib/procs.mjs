// Child processes for the bench: start with a log file, wait for readiness, stop by PID (SIGTERM,
// then SIGKILL after a grace period). Every child is registered so an interrupted or failed run
// stops exactly the processes it started, and nothing else.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const live = new Set();

export class Proc {
  constructor(name, child, logFile) {
    this.name = name;
    this.child = child;
    this.pid = child.pid;
    this.logFile = logFile;
    this.exitCode = null;
    this.signal = null;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        live.delete(this);
        resolve();
      }),
    );
  }

  get running() {
    return this.exitCode === null && this.signal === null;
  }

  log(tail = 4000) {
    try {
      const text = fs.readFileSync(this.logFile, 'utf8');
      return text.length > tail ? `…${text.slice(-tail)}` : text;
    } catch {
      return '';
    }
  }

  async stop(graceMs = 15_000) {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.running && this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts `node args...` with exactly `env` (plus PATH/HOME), stdout+stderr to `logFile`. */
export const startNode = (name, args, env, logFile, options) => startProcess(name, process.execPath, args, env, logFile, options);

/** Starts `command args...` (a redis-server of --redis-cluster, or node) the same way, registered like every child. */
export function startProcess(name, command, args, env, logFile, { cwd } = {}) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  const proc = new Proc(name, child, logFile);
  live.add(proc);
  return proc;
}

/** Runs `node args...` to completion, stdout captured, stderr to `logFile`. */
export function runNode(name, args, env, logFile, { cwd, timeoutMs } = {}) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', fd],
  });
  fs.closeSync(fd);
  const proc = new Proc(name, child, logFile);
  live.add(proc);
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const timer = timeoutMs ? setTimeout(() => proc.stop(5000), timeoutMs) : null;
  return proc.exited.then(() => {
    if (timer) clearTimeout(timer);
    return { code: proc.exitCode, signal: proc.signal, stdout: out };
  });
}

/** Stops every child still running (SIGTERM, then SIGKILL). */
export async function stopAll() {
  await Promise.all([...live].map((p) => p.stop(8000)));
}

/** Last resort on process exit: synchronous SIGKILL of whatever is left. */
export function killAllSync() {
  for (const p of live) {
    try {
      if (p.running) p.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it returns true; fails when `proc` dies or after `timeoutMs`. */
export async function waitFor(what, check, { proc, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && !proc.running) throw new Error(`${proc.name} exited (${proc.exitCode ?? proc.signal}) before ${what}:\n${proc.log()}`);
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${proc ? `:\n${proc.log()}` : ''}`);
    await sleep(100);
  }
}

export async function httpOk(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === 200;
}
