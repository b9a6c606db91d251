// The agent's side of the email and chat scenarios, in the bench's own process: logs in as the
// admin, connects to /agents and records when each `interaction.created` arrives, keyed by the
// caller's choice (the externalId for email, the interaction id for chat), counting repeats.
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { SECRETS } from './topology.mjs';
import { sleep } from './procs.mjs';

/** keyOf(interaction) → the key an arrival is recorded under. */
export async function connectAgent(base, keyOf) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: SECRETS.adminEmail, password: SECRETS.adminPassword }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || !body.accessToken) throw new Error(`agent login: HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  const socket = io(`${base}/agents`, { auth: { token: body.accessToken }, transports: ['websocket'], reconnection: true });
  const arrived = new Map(); // key → performance.now() of the first arrival
  let duplicates = 0,
    disconnects = 0;
  socket.on('interaction.created', ({ interaction }) => {
    const key = keyOf(interaction);
    if (arrived.has(key)) duplicates++;
    else arrived.set(key, performance.now());
  });
  socket.on('disconnect', () => disconnects++);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (e) => reject(new Error(`agent socket connect_error: ${e.message}`)));
  });
  return {
    arrived,
    get duplicates() {
      return duplicates;
    },
    get disconnects() {
      return disconnects;
    },
    /** Waits until every key in `keys` arrived or `timeoutMs` passed, then `graceMs` for repeats. */
    async drain(keys, timeoutMs, graceMs = 1000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && keys.some((k) => !arrived.has(k))) await sleep(50);
      await sleep(graceMs);
    },
    close: () => socket.close(),
  };
}

/** p50/p95/p99/max of `xs` (ms), rounded to 0.1 ms. */
export function percentiles(xs) {
  if (!xs.length) return {};
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => Math.round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}
