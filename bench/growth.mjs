#!/usr/bin/env node
// PostgreSQL growth (issue 21): does the hub hold its speed on a large interactions table? For
// each size, a fresh database is migrated by the api, seeded set-based in SQL (generate_series:
// `--customers` customers, one SMS conversation each, the interactions spread over 12 months),
// then on that database: the inbox's read routes (`--reads` each of GET /api/conversations and
// GET /api/conversations/:id of a seeded conversation, one at a time, while nothing else runs),
// SMS ingest as fast as possible (`--messages` signed webhooks, `--concurrency` in flight, from new
// senders, timed first post → all stored), and the same ingest again while an agent reads the two
// routes in turn. Prints one JSON line per size, the ratio of the largest to the smallest, and per
// size the reads' p95 during ingest against idle and the ingest's rate with reads against alone.
//   npm run build && node bench/growth.mjs --rows 100000,10000000
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import twilio from 'twilio';
import { freePort, httpOk, startNode, stopAll, waitFor } from './lib/procs.mjs';

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000,10000000' },
    customers: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16' },
    reads: { type: 'string', default: '300' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379/14' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    db: { type: 'string', default: 'omnihub_bench_growth' },
  },
});
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const LOGS = path.join(ROOT, 'bench', '.work', 'growth');
fs.mkdirSync(LOGS, { recursive: true });
const TOKEN = 'bench-twilio-token';
const PUBLIC = 'https://hub.bench.test';
const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password' };
const dbUrl = opts['pg-url'].replace(/\/[^/]*$/, `/${opts.db}`);

async function admin(sql) {
  const client = new pg.Client({ connectionString: opts['pg-url'] });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Set-based seed: every row from generate_series, no row-by-row round trips. */
const seedSql = (rows, customers) => `
  CREATE TEMP TABLE seed_customers AS SELECT n, gen_random_uuid() AS id, gen_random_uuid() AS conversation_id FROM generate_series(0, ${customers - 1}) n;
  INSERT INTO customers (id, name, created_at) SELECT id, 'Seed ' || n, now() - interval '400 days' FROM seed_customers;
  INSERT INTO customer_identities (customer_id, channel, address) SELECT id, 'phone', '+1999' || lpad(n::text, 7, '0') FROM seed_customers;
  INSERT INTO conversations (id, customer_id, channel, status, last_interaction_at, last_interaction_preview, created_at)
    SELECT conversation_id, id, 'sms', CASE WHEN n % 4 = 0 THEN 'open' ELSE 'resolved' END,
           now() - (n % 365) * interval '1 day', 'seeded message', now() - interval '400 days' FROM seed_customers;
  INSERT INTO interactions (customer_id, conversation_id, channel, direction, kind, text, occurred_at, external_id, idempotency_key, intent)
    SELECT c.id, c.conversation_id, 'sms', CASE WHEN i % 3 = 0 THEN 'outbound' ELSE 'inbound' END, 'message',
           'seeded message number ' || i, now() - (i % 365) * interval '1 day' - (i % 86400) * interval '1 second',
           'SMseed' || i, 'SMseed' || i, 'other'
    FROM generate_series(0, ${rows - 1}) i JOIN seed_customers c ON c.n = i % ${customers};
  ANALYZE;`;

const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(rows) {
  await admin(`DROP DATABASE IF EXISTS ${opts.db} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${opts.db}`);
  const env = {
    DATABASE_URL: dbUrl,
    REDIS_URL: opts['redis-url'],
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnop',
    // Every request comes from this machine: the limits stay counted but out of reach.
    RATE_LIMIT_WEBHOOKS_PER_ADDRESS: String(1e9),
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    TWILIO_AUTH_TOKEN: TOKEN,
    PUBLIC_BASE_URL: PUBLIC,
    SMTP_INBOUND_PORT: '0',
    LOG_LEVEL: 'warn',
  };
  const apiPort = await freePort();
  const api = startNode('api', ['dist/apps/api/src/main.js'], { ...env, PORT: String(apiPort) }, path.join(LOGS, 'api.log'), { cwd: ROOT });
  const base = `http://127.0.0.1:${apiPort}`;
  await waitFor('api ready', () => httpOk(`${base}/health/ready`), { proc: api, timeoutMs: 120_000 });
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const seedStart = Date.now();
  await db.query(seedSql(rows, Number(opts.customers)));
  const seedSeconds = (Date.now() - seedStart) / 1000;
  const tableBytes = Number((await db.query(`SELECT pg_total_relation_size('interactions') AS n`)).rows[0].n);
  const workerPort = await freePort();
  const worker = startNode(
    'worker',
    ['dist/apps/worker/src/main.js'],
    { ...env, PORT: String(workerPort) },
    path.join(LOGS, 'worker.log'),
    { cwd: ROOT },
  );
  await waitFor('worker ready', () => httpOk(`http://127.0.0.1:${workerPort}/health/ready`), { proc: worker, timeoutMs: 120_000 });
  const login = await (
    await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })
  ).json();
  const auth = { authorization: `Bearer ${login.accessToken}` };

  // Inbox reads first, on the seeded data alone.
  const conversations = (await db.query(`SELECT id FROM conversations ORDER BY random() LIMIT ${Number(opts.reads)}`)).rows.map(
    (r) => r.id,
  );
  const timed = async (url) => {
    const t = process.hrtime.bigint();
    const response = await fetch(url, { headers: auth });
    await response.text();
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  for (let i = 0; i < 20; i++) await timed(`${base}/api/conversations?limit=25`);
  const listMs = [];
  for (let i = 0; i < Number(opts.reads); i++) listMs.push(await timed(`${base}/api/conversations?limit=25${i % 2 ? '&status=open' : ''}`));
  const threadMs = [];
  for (const id of conversations) threadMs.push(await timed(`${base}/api/conversations/${id}`));

  // Ingest as fast as possible, new senders; then again while an agent reads the inbox, one read
  // at a time: does each slow the other on one primary (the read-replica question)?
  const stored = async () => Number((await db.query('SELECT count(*) AS n FROM interactions')).rows[0].n);
  const total = Number(opts.messages);
  const ingest = async (firstSender) => {
    const before = await stored();
    let next = 0;
    const post = async () => {
      while (next < total) {
        const i = firstSender + next++;
        const params = {
          MessageSid: `SM${randomBytes(16).toString('hex')}`,
          AccountSid: 'AC' + '0'.repeat(32),
          From: `+1777${String(i).padStart(7, '0')}`,
          To: '+15005550006',
          Body: `growth ${i}`,
          NumMedia: '0',
        };
        const signature = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/sms`, params);
        const response = await fetch(`${base}/webhooks/twilio/sms`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          body: new URLSearchParams(params).toString(),
        });
        await response.text();
        if (response.status !== 200) throw new Error(`webhook ${response.status}`);
      }
    };
    const start = Date.now();
    await Promise.all(Array.from({ length: Number(opts.concurrency) }, post));
    await waitFor('every message stored', async () => (await stored()) >= before + total, { timeoutMs: 600_000 });
    return total / ((Date.now() - start) / 1000);
  };
  const ingestPerSecond = await ingest(0);
  const duringListMs = [];
  const duringThreadMs = [];
  let ingesting = true;
  const reader = (async () => {
    for (let i = 0; ingesting; i++) {
      if (i % 2) duringThreadMs.push(await timed(`${base}/api/conversations/${conversations[i % conversations.length]}`));
      else duringListMs.push(await timed(`${base}/api/conversations?limit=25${i % 4 ? '&status=open' : ''}`));
    }
  })();
  const ingestWithReadsPerSecond = await ingest(total);
  ingesting = false;
  await reader;
  await db.end();
  await worker.stop();
  await api.stop();
  const result = {
    rows,
    seedSeconds: Math.round(seedSeconds),
    interactionsTableMB: Math.round(tableBytes / 2 ** 20),
    ingestPerSecond: Math.round(ingestPerSecond),
    listP95Ms: +p95(listMs).toFixed(1),
    listP50Ms: +median(listMs).toFixed(1),
    threadP95Ms: +p95(threadMs).toFixed(1),
    threadP50Ms: +median(threadMs).toFixed(1),
    ingestWithReadsPerSecond: Math.round(ingestWithReadsPerSecond),
    listDuringIngestP95Ms: +p95(duringListMs).toFixed(1),
    threadDuringIngestP95Ms: +p95(duringThreadMs).toFixed(1),
  };
  console.log(JSON.stringify(result));
  return result;
}

try {
  const results = [];
  for (const rows of opts.rows.split(',').map(Number)) results.push(await measure(rows));
  const [small, large] = [results[0], results.at(-1)];
  console.log(
    JSON.stringify({
      ratio: `${large.rows} vs ${small.rows} rows`,
      ingest: +(large.ingestPerSecond / small.ingestPerSecond).toFixed(2),
      listP95: +(large.listP95Ms / small.listP95Ms).toFixed(2),
      threadP95: +(large.threadP95Ms / small.threadP95Ms).toFixed(2),
    }),
  );
  // The read-replica thresholds (docs/scaling.md, 4a), per size: reads during ingest against idle,
  // ingest with reads against ingest alone.
  for (const r of results) {
    console.log(
      JSON.stringify({
        rows: r.rows,
        listP95DuringIngestToIdle: +(r.listDuringIngestP95Ms / r.listP95Ms).toFixed(2),
        threadP95DuringIngestToIdle: +(r.threadDuringIngestP95Ms / r.threadP95Ms).toFixed(2),
        ingestWithReadsToAlone: +(r.ingestWithReadsPerSecond / r.ingestPerSecond).toFixed(2),
      }),
    );
  }
} finally {
  await stopAll();
  await admin(`DROP DATABASE IF EXISTS ${opts.db} WITH (FORCE)`).catch(() => {});
}
