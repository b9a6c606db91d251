#!/usr/bin/env node
// A call centre's bulk import, through the contract only, run as its own process so that its CPU is
// its own: logs in as the admin, creates a partner (POST /api/partners), then posts `count` call
// logs in batches of `batch` to POST /api/call-logs with X-Api-Key, `concurrency` requests in
// flight. A 429 or 503 is retried after its Retry-After, as a partner would.
//   node bench/lib/call-log-import.mjs '<json config>'
// config: { base, adminEmail, adminPassword, count, batch, concurrency, json }
// Once the partner exists it logs "ready" and waits for SIGUSR2 to start posting, so that the
// bench can start the import exactly when the SMS load starts. Writes its result to `json`.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

const cfg = JSON.parse(process.argv[2]);
const log = (...x) => console.error(`[import ${new Date().toISOString().slice(11, 23)}]`, ...x);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MAX_RETRIES = 20;

// ---- deterministic call logs ------------------------------------------------------------------
// 20,000 customers on numbers outside the load generator's 555-01XX block, so the import's
// customers are not the SMS customers. A realistic mix of outcomes, mostly answered.
const AREA = [212, 213, 305, 312, 404, 415, 512, 602, 617, 702, 206, 303, 614, 713, 214, 310, 408, 503];
const OUTCOMES = ['answered', 'answered', 'answered', 'answered', 'missed', 'voicemail', 'no_answer', 'callback_requested', 'sale'];
const NOTES = [
  'Asked about the delivery date of the last order; gave the tracking link.',
  'Wants to change the billing address. Done on the call.',
  'No answer, left a voicemail about the renewal.',
  'Interested in the annual plan, sent the price list by email.',
  '',
];
const customers = 20_000;
const phoneOf = (c) => {
  const nxx = 200 + ((c * 7) % 800);
  const area = AREA[c % AREA.length];
  return `+1${area}${nxx === 555 || nxx % 100 === 11 ? 556 : nxx}${String((c * 7919) % 10000).padStart(4, '0')}`;
};
const t0Date = Date.now() - 30 * 24 * 3600_000; // the calls took place over the last 30 days
function callLog(i) {
  const c = (i * 48271) % customers;
  const startedAt = t0Date + Math.floor((i / cfg.count) * 29 * 24 * 3600_000);
  const duration = 30 + ((i * 37) % 900);
  return {
    externalId: `bench-call-${i}`,
    direction: i % 3 ? 'inbound' : 'outbound',
    customerPhone: phoneOf(c),
    customerName: `Customer ${c}`,
    agentName: `Agent ${i % 40}`,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(startedAt + duration * 1000).toISOString(),
    outcome: OUTCOMES[i % OUTCOMES.length],
    notes: NOTES[i % NOTES.length],
  };
}

// ---- partner ----------------------------------------------------------------------------------
async function json(res) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}
const login = await fetch(`${cfg.base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: cfg.adminEmail, password: cfg.adminPassword }),
});
if (login.status !== 200) throw new Error(`login: HTTP ${login.status} ${JSON.stringify(await json(login))}`);
const { accessToken } = await json(login);
const created = await fetch(`${cfg.base}/api/partners`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
  body: JSON.stringify({ name: 'Bench call centre' }),
});
if (created.status !== 201) throw new Error(`POST /api/partners: HTTP ${created.status} ${JSON.stringify(await json(created))}`);
const partner = await json(created);
await new Promise((resolve) => {
  const keepAlive = setInterval(() => {}, 1000); // a signal handler alone does not keep Node running
  process.once('SIGUSR2', () => resolve(clearInterval(keepAlive)));
  log('ready: partner created, waiting for SIGUSR2 to post');
});

// ---- import -----------------------------------------------------------------------------------
const batches = Math.ceil(cfg.count / cfg.batch);
const batchMs = [];
const errorsByStatus = {};
let next = 0,
  accepted = 0,
  duplicates = 0,
  failedItems = 0,
  retries = 0;

async function postBatch(k) {
  const items = [];
  for (let i = k * cfg.batch; i < Math.min(cfg.count, (k + 1) * cfg.batch); i++) items.push(callLog(i));
  const body = JSON.stringify(items);
  for (let attempt = 0; ; attempt++) {
    const t = performance.now();
    let status = -1,
      answer = null;
    try {
      const res = await fetch(`${cfg.base}/api/call-logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': partner.apiKey },
        body,
      });
      status = res.status;
      answer = await json(res);
      if ((status === 429 || status === 503) && attempt < MAX_RETRIES) {
        retries++;
        errorsByStatus[status] = (errorsByStatus[status] ?? 0) + 1;
        await sleep(1000 * (Number(res.headers.get('retry-after')) || 1));
        continue;
      }
    } catch (e) {
      errorsByStatus[e.cause?.code ?? e.message] = (errorsByStatus[e.cause?.code ?? e.message] ?? 0) + 1;
    }
    batchMs.push(performance.now() - t);
    if (status === 202) {
      accepted += answer.accepted;
      duplicates += answer.duplicates;
    } else {
      failedItems += items.length;
      if (status > 0) errorsByStatus[status] = (errorsByStatus[status] ?? 0) + 1;
      log(`batch ${k}: HTTP ${status} ${JSON.stringify(answer).slice(0, 300)}`);
    }
    return;
  }
}

const cpu0 = process.cpuUsage();
const startedAtMs = Date.now();
log(`partner ${partner.id}: posting ${cfg.count} call logs in ${batches} batches of ${cfg.batch}, ${cfg.concurrency} in flight`);
await Promise.all(
  Array.from({ length: Math.min(cfg.concurrency, batches) }, async () => {
    while (next < batches) await postBatch(next++);
  }),
);
const postedAtMs = Date.now();
const cpu = process.cpuUsage(cpu0);

const sorted = batchMs.sort((x, y) => x - y);
const q = (p) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]) : null);
const result = {
  partnerId: partner.id,
  count: cfg.count,
  batch: cfg.batch,
  concurrency: cfg.concurrency,
  startedAtMs,
  postedAtMs,
  accepted,
  duplicates,
  failedItems,
  retries,
  errorsByStatus,
  requestMs: { p50: q(0.5), p99: q(0.99), max: q(1) },
  cpuSec: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
};
fs.writeFileSync(cfg.json, `${JSON.stringify(result, null, 2)}\n`);
log(`posted in ${((postedAtMs - startedAtMs) / 1000).toFixed(1)} s: accepted ${accepted}, duplicates ${duplicates}, failed ${failedItems}`);
