#!/usr/bin/env node
// `npm run bench`: the hub against the floor (../shared/bench), alternating in one run on this
// machine, with the shared load generator. See bench/README.md and BENCHMARKS.md.
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { freePort, httpOk, killAllSync, runNode, sleep, startNode, stopAll, waitFor } from './lib/procs.mjs';
import { consoleReport, markdownReport, summarise } from './lib/report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const SHARED = path.resolve(process.env.BENCH_SHARED_DIR ?? path.join(REPO, '..', 'shared', 'bench'));
const WORK = path.join(HERE, '.work');
const SB = path.join(WORK, 'shared-bench'); // a copy of SHARED whose imports resolve to REPO/node_modules
const RESULTS = path.join(HERE, 'results');
let HUB_ROOT = REPO; // where the hub's dist/ is: the repository, or an export of --commit
const apiMain = () => path.join(HUB_ROOT, 'dist/apps/api/src/main.js');
const workerMain = () => path.join(HUB_ROOT, 'dist/apps/worker/src/main.js');

const HELP = `usage: npm run bench -- [options]

Runs the shared load generator against the hub (dist/: build first, or --commit) and against the floor
(../shared/bench/floor), alternating hub and floor within each round, and prints hub, floor and
hub/floor for every figure (medians over rounds).

  --messages N            messages per run (default 20000); rate runs send min(N, rate × --rate-seconds)
  --customers N           distinct customers (default 2000)
  --rounds N              rounds; each runs every scenario on both sides (default 3)
  --scenarios LIST        any of max,100,300,1000,split (default max,100,300,1000); split measures
                          each process kind alone: the api fills the paused ingest queue as fast as
                          it can (no worker consuming), then the worker(s) drain it (no agent
                          connected), giving the ceiling of one api and of one worker
  --rate-seconds S        length of the fixed-rate runs (default 30)
  --quick                 smoke run: 1000 messages, 200 customers, 1 round, 5 s rate runs, warm-up 100
  --hub-apis N            api processes (default 1); >1 puts a round-robin TCP balancer in front
  --hub-workers N         worker processes (default 1); the floor runs the same topology
  --worker-concurrency N  jobs in flight per worker process, both sides (default 16)
  --http-concurrency N    load generator HTTP connections (default 64)
  --warmup N              unmeasured warm-up messages per run (default 500)
  --sides LIST            hub,floor (default both)
  --commit REV            bench this commit instead of ./dist: exported with git archive into
                          bench/.work/hub-<sha>/ and built there (others' working tree and dist/
                          are left alone)
  --write-md              append the dated table to BENCHMARKS.md
  --profile               also write V8 CPU profiles of every api/worker process (node --cpu-prof)
                          to bench/.work/prof/<run>/; summarise with node bench/profile-summary.mjs
  --trace                 route each process's PostgreSQL and Redis connections through a counting
                          proxy and report round trips and requests per message (slows the run:
                          its throughput and CPU figures are not comparable with untraced runs)
  --label TEXT            free text stored in the result file
  --help

Uses the PostgreSQL databases omnihub_bench (hub) and omnihub_bench_floor (floor), dropped and
created for every run, Redis db 12 (hub) and db 13 (floor), flushed before every run (FLUSHDB only).
Environment: BENCH_PG_URL (admin connection, default postgres://postgres@127.0.0.1:5432/postgres),
BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_SHARED_DIR (default ../shared/bench).`;

const { values: a } = parseArgs({
  options: {
    messages: { type: 'string' },
    customers: { type: 'string' },
    rounds: { type: 'string' },
    scenarios: { type: 'string', default: 'max,100,300,1000' },
    'rate-seconds': { type: 'string' },
    quick: { type: 'boolean', default: false },
    'hub-apis': { type: 'string', default: '1' },
    'hub-workers': { type: 'string', default: '1' },
    'worker-concurrency': { type: 'string', default: '16' },
    'http-concurrency': { type: 'string', default: '64' },
    warmup: { type: 'string' },
    sides: { type: 'string', default: 'hub,floor' },
    commit: { type: 'string' },
    'write-md': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    label: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (a.help) {
  console.log(HELP);
  process.exit(0);
}

function int(name, value, min) {
  const v = Number(value);
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} must be a whole number >= ${min}, got ${value}`);
    process.exit(2);
  }
  return v;
}
const quick = a.quick;
const opt = {
  messages: int('messages', a.messages ?? (quick ? 1000 : 20000), 1),
  customers: int('customers', a.customers ?? (quick ? 200 : 2000), 1),
  rounds: int('rounds', a.rounds ?? (quick ? 1 : 3), 1),
  rateSeconds: int('rate-seconds', a['rate-seconds'] ?? (quick ? 5 : 30), 1),
  warmup: int('warmup', a.warmup ?? (quick ? 100 : 500), 0),
  apis: int('hub-apis', a['hub-apis'], 1),
  workers: int('hub-workers', a['hub-workers'], 1),
  workerConcurrency: int('worker-concurrency', a['worker-concurrency'], 1),
  httpConcurrency: int('http-concurrency', a['http-concurrency'], 1),
  scenarios: a.scenarios
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  sides: a.sides
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  profile: a.profile,
  trace: a.trace,
};
for (const s of opt.scenarios) {
  if (s !== 'max' && s !== 'split' && !(Number(s) > 0)) {
    console.error(`--scenarios: "${s}" is neither max, split nor a rate`);
    process.exit(2);
  }
}
for (const s of opt.sides) {
  if (s !== 'hub' && s !== 'floor') {
    console.error(`--sides: "${s}" is neither hub nor floor`);
    process.exit(2);
  }
}

const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_BASE = (process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/+\d*$/, '');
const SIDES = {
  // queue: the ingest queue (BullMQ name and key prefix), paused and resumed by the `split` scenario.
  hub: { db: 'omnihub_bench', redisDb: 12, queue: { name: 'interaction-ingest', prefix: 'bull' } },
  floor: { db: 'omnihub_bench_floor', redisDb: 13, queue: { name: 'sms-inbound', prefix: 'floor-bull' } },
};
/** The connection URL of database `db`; through a local proxy on `port` when given. */
const dbUrl = (db, port) => {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${db}`;
  if (port) {
    u.hostname = '127.0.0.1';
    u.port = String(port);
  }
  return u.toString();
};
const pgHostPort = () => {
  const u = new URL(PG_ADMIN);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) };
};
const redisHostPort = () => {
  const u = new URL(REDIS_BASE);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) };
};
const SECRETS = {
  jwtSecret: 'omnihub-bench-jwt-secret-0123456789',
  adminEmail: 'admin@bench.test',
  adminPassword: 'bench-admin-password-1',
  twilioAuthToken: 'bench0auth0token0123456789abcdef',
};
const SEED = 1;

const log = (...x) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...x);
const r2 = (x) => Math.round(x * 100) / 100;

// ---- cleanup: only what this run started -------------------------------------------------------
let interrupted = false;
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping the processes this run started`);
    stopAll().finally(() => process.exit(130));
  });
}

// ---- preparation ---------------------------------------------------------------------------------
function copyTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'results') continue;
    const src = path.join(from, e.name),
      dst = path.join(to, e.name);
    if (e.isDirectory()) copyTree(src, dst);
    else if (e.isFile()) fs.writeFileSync(dst, fs.readFileSync(src), { mode: 0o644 });
  }
}

function prepareSharedCopy() {
  if (!fs.existsSync(path.join(SHARED, 'loadgen', 'ingest.mjs'))) {
    throw new Error(`the shared bench is not at ${SHARED} (set BENCH_SHARED_DIR)`);
  }
  fs.rmSync(SB, { recursive: true, force: true });
  copyTree(SHARED, SB);
  // Node resolves a module's imports from the module's own directory upwards: the copy lives under
  // the repository, so its imports resolve to the repository's node_modules (devDependencies).
  const req = createRequire(path.join(SB, 'loadgen', 'ingest.mjs'));
  const missing = [];
  for (const dep of [
    'bullmq',
    'ioredis',
    'pg',
    'socket.io',
    'socket.io-client',
    '@socket.io/redis-emitter',
    '@socket.io/redis-adapter',
    'twilio',
    'undici',
  ]) {
    try {
      req.resolve(dep);
    } catch {
      missing.push(dep);
    }
  }
  if (missing.length) throw new Error(`missing from ${REPO}/node_modules: ${missing.join(', ')}; run npm ci in the repository`);
}

function sh(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], ...opts }).trim();
  } catch {
    return '';
  }
}

async function machineInfo(admin, redis) {
  const cpus = os.cpus();
  const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
  return {
    hostname: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim(),
    memGB: Math.round(os.totalmem() / 1e9),
    kernel: os.release(),
    node: process.version,
    postgres: pgVersion,
    redis: redisVersion,
  };
}

const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

// ---- one run: fresh database and Redis db, start the side's processes, load, measure, stop --------
async function resetStores(admin, side) {
  const { db } = SIDES[side];
  await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${db}"`);
  await flushRedisDb(side);
}

async function flushRedisDb(side) {
  const r = new Redis(`${REDIS_BASE}/${SIDES[side].redisDb}`, { lazyConnect: true });
  await r.connect();
  await r.flushdb();
  r.disconnect();
}

async function redisFigures(side) {
  const r = new Redis(`${REDIS_BASE}/${SIDES[side].redisDb}`, { lazyConnect: true });
  await r.connect();
  try {
    const usedMemory = Number(/used_memory:(\d+)/.exec(await r.info('memory'))?.[1]);
    let dbBytes = 0,
      keys = 0,
      cursor = '0';
    const byType = {};
    do {
      const [next, batch] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const k of batch) {
        const [bytes, type] = await Promise.all([r.memory('USAGE', k, 'SAMPLES', 0), r.type(k)]);
        keys++;
        dbBytes += Number(bytes ?? 0);
        byType[type] = (byType[type] ?? 0) + Number(bytes ?? 0);
      }
    } while (cursor !== '0');
    return { usedMemory, dbBytes, keys, bytesByType: byType };
  } finally {
    r.disconnect();
  }
}

async function dbFigures(side) {
  const c = new pg.Client({ connectionString: dbUrl(SIDES[side].db) });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT
      (SELECT count(*) FROM customers)::int AS customers,
      (SELECT count(*) FROM interactions)::int AS interactions,
      (SELECT count(*) FROM conversations)::int AS conversations,
      (SELECT coalesce(sum(count), 0) FROM customer_activity_daily)::int AS "bucketCount"`);
    return rows[0];
  } finally {
    await c.end();
  }
}

async function pgStats(admin, side) {
  // Per-database counters; read after the processes stopped (backends flush their stats on exit).
  await sleep(300);
  const { rows } = await admin.query(
    `SELECT xact_commit::bigint AS commit, xact_rollback::bigint AS rollback, tup_inserted::bigint AS inserted,
            tup_updated::bigint AS updated, tup_returned::bigint AS returned, tup_fetched::bigint AS fetched
       FROM pg_stat_database WHERE datname = $1`,
    [SIDES[side].db],
  );
  return rows[0] ? Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])) : null;
}

async function snapshotCpu(file) {
  const { stdout } = await runNode('proc-cpu', [path.join(SB, 'tools', 'proc-cpu.mjs'), 'snapshot'], {}, '/dev/null');
  fs.writeFileSync(file, stdout);
}

async function diffCpu(f0, f1, groups) {
  const args = [
    path.join(SB, 'tools', 'proc-cpu.mjs'),
    'diff',
    f0,
    f1,
    ...Object.entries(groups)
      .filter(([, p]) => p.length)
      .map(([n, p]) => `${n}=${p.join(',')}`),
  ];
  const { stdout } = await runNode('proc-cpu', args, {}, '/dev/null');
  return JSON.parse(stdout);
}

const monoUs = () => Number(process.hrtime.bigint() / 1000n);

async function startTraceProxy(dir, names) {
  // One listener pair (PostgreSQL, Redis) per process, so round trips are counted per process.
  const listeners = [];
  const ports = {};
  for (const name of names) {
    const pgPort = await freePort(),
      rPort = await freePort();
    listeners.push({ name: `${name}→pg`, port: pgPort, targets: [pgHostPort()], count: 'pg' });
    listeners.push({ name: `${name}→redis`, port: rPort, targets: [redisHostPort()], count: 'redis' });
    ports[name] = { pg: pgPort, redis: rPort };
  }
  const control = await freePort();
  const proc = startNode(
    'trace-proxy',
    [path.join(HERE, 'lib', 'tcp-proxy.mjs'), JSON.stringify({ control, listeners })],
    {},
    path.join(dir, 'trace-proxy.log'),
  );
  await waitFor('the trace proxy', () => httpOk(`http://127.0.0.1:${control}/stats`), { proc, timeoutMs: 10_000 });
  return { proc, ports, control };
}

async function setQueuePaused(side, paused) {
  const { name, prefix } = SIDES[side].queue;
  const q = new Queue(name, { prefix, connection: { url: `${REDIS_BASE}/${SIDES[side].redisDb}`, maxRetriesPerRequest: 1 } });
  try {
    if (paused) await q.pause();
    else await q.resume();
  } finally {
    await q.close();
  }
}

/** Polls the side's interactions count until `expected` (or the deadline); returns the time it took. */
async function waitForRows(side, expected, timeoutMs) {
  const c = new pg.Client({ connectionString: dbUrl(SIDES[side].db) });
  await c.connect();
  const t0 = Date.now();
  let n = 0;
  try {
    while (Date.now() - t0 < timeoutMs) {
      n = (await c.query({ name: 'count_interactions', text: 'SELECT count(*)::int AS n FROM interactions' })).rows[0].n;
      if (n >= expected) break;
      await sleep(100);
    }
  } finally {
    await c.end();
  }
  return { ms: Date.now() - t0, rows: n };
}

async function runOne(side, scenario, round, ctx) {
  const split = scenario === 'split';
  const rate = scenario === 'max' || split ? 0 : Number(scenario);
  const messages = rate ? Math.min(opt.messages, rate * opt.rateSeconds) : opt.messages;
  const id = `${side}-${scenario}-r${round}`;
  const dir = path.join(ctx.runDir, id);
  fs.mkdirSync(dir, { recursive: true });
  const { db, redisDb } = SIDES[side];
  await resetStores(ctx.admin, side);

  const apiPorts = [];
  for (let i = 0; i < opt.apis; i++) apiPorts.push(await freePort());
  const names = [...apiPorts.map((_, i) => `api${i}`), ...Array.from({ length: opt.workers }, (_, j) => `worker${j}`)];
  const trace = opt.trace ? await startTraceProxy(dir, names) : null;
  const urls = (name) => ({
    DATABASE_URL: dbUrl(db, trace?.ports[name].pg),
    REDIS_URL: trace ? `redis://127.0.0.1:${trace.ports[name].redis}/${redisDb}` : `${REDIS_BASE}/${redisDb}`,
  });

  let front = apiPorts[0];
  let balancer = null;
  if (opt.apis > 1) {
    front = await freePort();
    const control = await freePort();
    balancer = startNode(
      'balancer',
      [
        path.join(HERE, 'lib', 'tcp-proxy.mjs'),
        JSON.stringify({
          control,
          listeners: [{ name: 'front', port: front, targets: apiPorts.map((port) => ({ host: '127.0.0.1', port })) }],
        }),
      ],
      {},
      path.join(dir, 'balancer.log'),
    );
    await waitFor('the balancer', () => httpOk(`http://127.0.0.1:${control}/stats`), { proc: balancer, timeoutMs: 10_000 });
  }
  const publicBase = `http://127.0.0.1:${front}`;
  const profDir = path.join(ctx.profDir ?? dir, id);
  const nodeArgs = (name) => (opt.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}.cpuprofile`] : []);

  const common = {
    JWT_SECRET: SECRETS.jwtSecret,
    BOOTSTRAP_ADMIN_EMAIL: SECRETS.adminEmail,
    BOOTSTRAP_ADMIN_PASSWORD: SECRETS.adminPassword,
    TWILIO_AUTH_TOKEN: SECRETS.twilioAuthToken,
    PUBLIC_BASE_URL: publicBase,
    WORKER_CONCURRENCY: String(opt.workerConcurrency),
  };
  const apis = [],
    workers = [];
  if (side === 'hub') {
    // Inbound needs only TWILIO_AUTH_TOKEN; without an account SID nothing can be sent to Twilio.
    const env = { ...common, LOG_LEVEL: 'warn', SMTP_INBOUND_PORT: '0' };
    for (const [i, port] of apiPorts.entries()) {
      // One after another: the first runs the migrations.
      const p = startNode(
        `api${i}`,
        [...nodeArgs(`api${i}`), apiMain()],
        { ...env, ...urls(`api${i}`), PORT: String(port) },
        path.join(dir, `api${i}.log`),
        { cwd: HUB_ROOT },
      );
      apis.push(p);
      await waitFor(`hub api${i} /health/ready`, () => httpOk(`http://127.0.0.1:${port}/health/ready`), { proc: p, timeoutMs: 90_000 });
    }
    if (split) await setQueuePaused(side, true);
    for (let j = 0; j < opt.workers; j++) {
      const port = await freePort();
      const p = startNode(
        `worker${j}`,
        [...nodeArgs(`worker${j}`), workerMain()],
        { ...env, ...urls(`worker${j}`), PORT: String(port) },
        path.join(dir, `worker${j}.log`),
        { cwd: HUB_ROOT },
      );
      workers.push(p);
      await waitFor(`hub worker${j} /health/ready`, () => httpOk(`http://127.0.0.1:${port}/health/ready`), { proc: p, timeoutMs: 90_000 });
    }
    if (!ctx.hubChecked) {
      // The SMS webhook must exist: an unsigned post gets 403 from it, 404 without it.
      const res = await fetch(`http://127.0.0.1:${apiPorts[0]}/webhooks/twilio/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'MessageSid=SMx&From=%2B14155550111&Body=x',
      });
      await res.arrayBuffer();
      if (res.status === 404)
        throw new Error('the hub has no POST /webhooks/twilio/sms yet (404): rebuild after it lands, or run --sides floor');
      ctx.hubChecked = true;
    }
  } else {
    const env = { ...common, FLOOR_EMIT_ALL: '1', PGOPTIONS: '-c client_min_messages=warning' };
    for (const [i, port] of apiPorts.entries()) {
      const p = startNode(
        `api${i}`,
        [...nodeArgs(`api${i}`), path.join(SB, 'floor', 'api.mjs')],
        { ...env, ...urls(`api${i}`), PORT: String(port) },
        path.join(dir, `api${i}.log`),
        { cwd: SB },
      );
      apis.push(p);
      await waitFor(`floor api${i} /health`, () => httpOk(`http://127.0.0.1:${port}/health`), { proc: p, timeoutMs: 30_000 });
    }
    if (split) await setQueuePaused(side, true);
    for (let j = 0; j < opt.workers; j++) {
      const p = startNode(
        `worker${j}`,
        [...nodeArgs(`worker${j}`), path.join(SB, 'floor', 'worker.mjs')],
        { ...env, ...urls(`worker${j}`) },
        path.join(dir, `worker${j}.log`),
        { cwd: SB },
      );
      workers.push(p);
      await waitFor(`floor worker${j} ready`, () => p.log().includes('floor worker ready'), { proc: p, timeoutMs: 30_000 });
    }
  }

  const loadgenJson = path.join(dir, 'loadgen.json');
  const args = [
    path.join(SB, 'loadgen', 'ingest.mjs'),
    '--base',
    `http://127.0.0.1:${front}`,
    '--public-base',
    publicBase,
    '--auth-token',
    SECRETS.twilioAuthToken,
    '--admin-email',
    SECRETS.adminEmail,
    '--admin-password',
    SECRETS.adminPassword,
    '--customers',
    String(opt.customers),
    '--messages',
    String(messages),
    '--rate',
    String(rate),
    '--concurrency',
    String(opt.httpConcurrency),
    '--warmup',
    String(split ? 0 : opt.warmup),
    '--seed',
    String(SEED),
    // split: no event can arrive while the queue is paused, so do not wait for any.
    '--drain-timeout',
    split ? '0' : '120',
    '--grace',
    split ? '0' : '1000',
    '--label',
    `${side} ${scenario} r${round}`,
    '--json',
    loadgenJson,
  ];
  const timeoutMs = ((rate ? messages / rate : messages / 50) + 120 + 180) * 1000;
  const cpu0 = path.join(dir, 'cpu0.json'),
    cpu1 = path.join(dir, 'cpu1.json');
  if (trace) await fetch(`http://127.0.0.1:${trace.control}/reset`, { method: 'POST' }).then((r) => r.arrayBuffer());
  await snapshotCpu(cpu0);
  const window = { startUs: monoUs() };
  const lg = await runNode('loadgen', args, {}, path.join(dir, 'loadgen.log'), { cwd: SB, timeoutMs });
  window.endUs = monoUs();
  await snapshotCpu(cpu1);
  const traced = trace ? await (await fetch(`http://127.0.0.1:${trace.control}/stats`)).json() : null;
  let drain = null;
  if (split && fs.existsSync(loadgenJson)) {
    // Worker phase: resume the queue the api filled and time the worker(s) draining it.
    const accepted = JSON.parse(fs.readFileSync(loadgenJson, 'utf8')).http.accepted;
    const cpu2 = path.join(dir, 'cpu2.json'),
      cpu3 = path.join(dir, 'cpu3.json');
    await snapshotCpu(cpu2);
    await setQueuePaused(side, false);
    const waited = await waitForRows(side, accepted, Math.max(120_000, (accepted / 20) * 1000));
    await snapshotCpu(cpu3);
    const cpuW = await diffCpu(cpu2, cpu3, { api: apis.map((p) => p.pid), worker: workers.map((p) => p.pid) });
    drain = { accepted, ...waited, cpu: cpuW };
    window.endUs = monoUs(); // profiles: the api's busy time is its phase, the worker's is the drain
  }
  const redisFig = await redisFigures(side);
  let dbFig = null;
  try {
    dbFig = await dbFigures(side);
  } catch (e) {
    dbFig = { error: e.message };
  }
  const pids = {
    api: apis.map((p) => p.pid),
    worker: workers.map((p) => p.pid),
    proxy: [balancer, trace?.proc].filter(Boolean).map((p) => p.pid),
  };
  const cpu = await diffCpu(cpu0, cpu1, pids);
  const crashed = [...apis, ...workers].filter((p) => !p.running).map((p) => `${p.name} exited (${p.exitCode ?? p.signal})`);
  await Promise.all([...apis, ...workers].map((p) => p.stop()));
  await Promise.all([balancer, trace?.proc].filter(Boolean).map((p) => p.stop()));
  const pgs = await pgStats(ctx.admin, side);
  await flushRedisDb(side); // so that the next run's server-wide used_memory does not carry this one's keys
  if (opt.profile)
    fs.writeFileSync(
      path.join(profDir, 'window.json'),
      JSON.stringify({ ...window, side, scenario, round, messages, warmup: split ? 0 : opt.warmup }),
    );

  if (!fs.existsSync(loadgenJson)) {
    const tail = fs.readFileSync(path.join(dir, 'loadgen.log'), 'utf8').slice(-2000);
    throw new Error(`${id}: the load generator failed (exit ${lg.code ?? lg.signal}):\n${tail}\n${crashed.join('\n')}`);
  }
  const r = JSON.parse(fs.readFileSync(loadgenJson, 'utf8'));
  const n = r.e2e.seen || 1;
  const lgCpu = r.loadgen.cpuUserSec + r.loadgen.cpuSysSec;
  const us = (s) => (typeof s === 'number' ? Math.round((s * 1e6) / n) : null);
  const L = r.e2e.latencyMs ?? {},
    H = r.http.latencyMs ?? {};
  const processed = messages + (split ? 0 : opt.warmup); // what went through the pipeline (warm-up included)
  const summary = {
    side,
    scenario,
    round,
    id,
    startedAt: r.startedAt,
    apis: opt.apis,
    workers: opt.workers,
    workerConcurrency: opt.workerConcurrency,
    messages,
    customers: opt.customers,
    rate,
    warmup: split ? 0 : opt.warmup,
    httpConcurrency: opt.httpConcurrency,
    httpPerSec: r.http.throughputPerSec,
    e2ePerSec: r.e2e.throughputPerSec,
    e2eMs: { p50: L.p50, p95: L.p95, p99: L.p99, max: L.max },
    httpMs: { p50: H.p50, p95: H.p95, p99: H.p99 },
    httpErrors: r.http.errors,
    errorsByStatus: r.http.errorsByStatus,
    lost: r.e2e.lost,
    duplicates: r.e2e.duplicates,
    seenDespiteError: r.e2e.seenDespiteError,
    otherEvents: r.agentSocket.otherEvents,
    disconnects: r.agentSocket.disconnects,
    cpuSec: { ...cpu, loadgen: r2(lgCpu) },
    cpuUsPerMsg: {
      api: us(cpu.api),
      worker: us(cpu.worker),
      postgres: us(cpu.postgres),
      redis: us(cpu.redis),
      total: us(cpu.api + cpu.worker + cpu.postgres + cpu.redis),
      proxy: pids.proxy.length ? us(cpu.proxy) : null,
      loadgen: us(lgCpu),
    },
    loadgenLagP99Ms: r.loadgen.eventLoopDelayP99Ms,
    redis: redisFig,
    db: dbFig,
    pg: pgs && {
      ...pgs,
      xactPerMsg: r2(pgs.commit / processed),
      insertedPerMsg: r2(pgs.inserted / processed),
      updatedPerMsg: r2(pgs.updated / processed),
    },
    trace: traced && traceSummary(traced, processed),
    crashed,
    profiled: opt.profile,
    traced: opt.trace,
    logs: dir,
  };
  if (lg.code !== 0) summary.loadgenExit = lg.code;
  if (!split) return summary;

  // split → two rows: the api alone (HTTP into a paused queue) and the worker(s) alone (draining it).
  const acc = r.http.accepted || 1;
  const perAcc = (sec) => Math.round((sec * 1e6) / acc);
  const apiAlone = {
    ...summary,
    scenario: 'api-alone',
    id: `${side}-api-alone-r${round}`,
    warmup: 0,
    e2ePerSec: null,
    e2eMs: {},
    lost: null,
    duplicates: null,
    cpuUsPerMsg: {
      api: perAcc(cpu.api),
      worker: perAcc(cpu.worker),
      postgres: perAcc(cpu.postgres),
      redis: perAcc(cpu.redis),
      total: perAcc(cpu.api + cpu.worker + cpu.postgres + cpu.redis),
      proxy: pids.proxy.length ? perAcc(cpu.proxy) : null,
      loadgen: perAcc(lgCpu),
    },
    redis: null,
    pg: null,
  };
  const dc = drain?.cpu ?? {};
  const workerAlone = {
    ...summary,
    scenario: 'worker-alone',
    id: `${side}-worker-alone-r${round}`,
    warmup: 0,
    httpPerSec: null,
    httpMs: {},
    e2ePerSec: null,
    e2eMs: {},
    httpErrors: null,
    duplicates: null,
    drainPerSec: drain ? r2(drain.rows / (drain.ms / 1000)) : null,
    drain,
    lost: drain ? drain.accepted - drain.rows : null,
    cpuUsPerMsg: drain
      ? {
          api: perAcc(dc.api),
          worker: perAcc(dc.worker),
          postgres: perAcc(dc.postgres),
          redis: perAcc(dc.redis),
          total: perAcc(dc.api + dc.worker + dc.postgres + dc.redis),
          proxy: null,
          loadgen: null,
        }
      : {},
  };
  return [apiAlone, workerAlone];
}

function traceSummary(stats, processed) {
  const out = {};
  for (const [name, s] of Object.entries(stats)) {
    const perMsg = (x) => Math.round((x / processed) * 100) / 100;
    const reqs = Object.entries(s.requests).sort((x, y) => y[1] - x[1]);
    out[name] = {
      roundTripsPerMsg: perMsg(s.roundTrips),
      requestsPerMsg: Object.fromEntries(reqs.filter(([, v]) => v / processed >= 0.005).map(([k, v]) => [k, perMsg(v)])),
      kBytesPerMsg: { up: r2(s.bytesUp / processed / 1024), down: r2(s.bytesDown / processed / 1024) },
      conns: s.conns,
    };
  }
  return out;
}

function traceReport(runs) {
  const lines = ['\n== per-message round trips and requests (counting proxy; warm-up included, idle polling included)'];
  for (const r of runs.filter((x) => x.trace)) {
    lines.push(`-- ${r.id} (${r.messages}+${r.warmup} messages)`);
    for (const [name, t] of Object.entries(r.trace)) {
      const reqs = Object.entries(t.requestsPerMsg)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      lines.push(
        `   ${name.padEnd(15)} round trips/msg ${String(t.roundTripsPerMsg).padStart(6)}   kB/msg up ${t.kBytesPerMsg.up} down ${t.kBytesPerMsg.down}   ${reqs}`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * One bench at a time per PostgreSQL server: two runs would drop each other's databases and flush
 * each other's Redis dbs. A session advisory lock, held by the admin connection until it closes.
 */
async function takeBenchLock(admin) {
  const lock = "SELECT pg_try_advisory_lock(hashtext('omnihub-bench')) AS ok";
  const deadline = Date.now() + 30 * 60_000;
  let told = false;
  while (!(await admin.query(lock)).rows[0].ok) {
    if (Date.now() > deadline) throw new Error('another bench run held the bench lock for 30 minutes; giving up');
    if (!told) log('another bench run is using omnihub_bench and Redis dbs 12/13: waiting for it to finish');
    told = true;
    await sleep(5000);
  }
}

/** Exports `rev` into bench/.work/hub-<sha>/ and builds it there (once); the hub then runs from it. */
function buildCommit(rev) {
  const sha = execFileSync('git', ['rev-parse', '--short', `${rev}^{commit}`], { cwd: REPO, encoding: 'utf8' }).trim();
  const dir = path.join(WORK, `hub-${sha}`);
  HUB_ROOT = dir;
  if (fs.existsSync(path.join(dir, 'dist/apps/worker/src/main.js'))) return sha;
  log(`exporting ${sha} into ${path.relative(REPO, dir)} and building it`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C "${dir}"`], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, [path.join(REPO, 'node_modules/@nestjs/cli/bin/nest.js'), 'build'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return sha;
}

// ---- main ---------------------------------------------------------------------------------------------
async function main() {
  // The lock first: a waiting run must not rebuild or re-copy what a running one is using.
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query('SET client_min_messages = warning');
  await takeBenchLock(admin);
  let commit = sh('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO });
  let dirty = sh('git', ['status', '--porcelain', '--', 'apps', 'libs'], { cwd: REPO }).length > 0;
  if (a.commit && opt.sides.includes('hub')) {
    commit = buildCommit(a.commit);
    dirty = false;
  }
  if (opt.sides.includes('hub')) {
    for (const f of [apiMain(), workerMain()])
      if (!fs.existsSync(f)) throw new Error(`${path.relative(REPO, f)} is missing: npm run build first`);
  }
  prepareSharedCopy();
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const runDir = path.join(WORK, 'runs', stamp);
  fs.mkdirSync(runDir, { recursive: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const redisAdmin = new Redis(REDIS_BASE, { lazyConnect: true });
  await redisAdmin.connect();
  const ctx = { admin, runDir, profDir: opt.profile ? path.join(WORK, 'prof', stamp) : null, hubChecked: false };

  const machine = await machineInfo(admin, redisAdmin);
  redisAdmin.disconnect();
  const distBuilt = fs.existsSync(apiMain()) ? fs.statSync(apiMain()).mtime.toISOString() : null;
  const loadBefore = loadavg();
  const started = new Date();
  log(
    `omnihub bench ${stamp}: sides ${opt.sides.join('+')}, scenarios ${opt.scenarios.join(',')}, ${opt.rounds} round(s), ` +
      `${opt.messages} messages / ${opt.customers} customers, ${opt.apis} api + ${opt.workers} worker(s), ` +
      `${machine.cpus} × ${machine.cpuModel}; logs in ${path.relative(REPO, runDir)}`,
  );

  const runs = [];
  for (let round = 1; round <= opt.rounds; round++) {
    for (const scenario of opt.scenarios) {
      // Alternate which side goes first, so a drift in the machine's load does not favour one side.
      const order = round % 2 ? opt.sides : [...opt.sides].reverse();
      for (const side of order) {
        if (interrupted) return;
        const t = Date.now();
        try {
          for (const s of [].concat(await runOne(side, scenario, round, ctx))) {
            runs.push(s);
            const parts = [
              s.e2ePerSec != null && `e2e ${s.e2ePerSec}/s p50 ${s.e2eMs.p50} p99 ${s.e2eMs.p99} ms`,
              s.httpPerSec != null && `http ${s.httpPerSec}/s`,
              s.drainPerSec != null && `drained ${s.drainPerSec}/s`,
              `cpu µs/msg api ${s.cpuUsPerMsg.api} worker ${s.cpuUsPerMsg.worker} pg ${s.cpuUsPerMsg.postgres} redis ${s.cpuUsPerMsg.redis} = ${s.cpuUsPerMsg.total}`,
              `lost ${s.lost ?? '–'} dup ${s.duplicates ?? '–'} err ${s.httpErrors ?? '–'}`,
              s.crashed.length && s.crashed.join(', '),
            ];
            log(`${s.id}: ${parts.filter(Boolean).join(' | ')} (${Math.round((Date.now() - t) / 1000)} s)`);
          }
        } catch (e) {
          if (interrupted) return;
          await stopAll();
          if (/no POST \/webhooks\/twilio\/sms/.test(e.message)) throw e;
          log(`${side} ${scenario} r${round} failed: ${e.message}`);
          runs.push({ side, scenario, round, id: `${side}-${scenario}-r${round}`, error: e.message });
        }
        await sleep(2000);
      }
    }
  }
  await admin.end();
  for (const side of opt.sides) await flushRedisDb(side);

  const summary = summarise(runs);
  const topology = `${opt.apis} api + ${opt.workers} worker process${opt.workers > 1 ? 'es' : ''}`;
  const meta = {
    date: started.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    topology,
    rounds: opt.rounds,
    commit,
    dirty,
    distBuilt,
    machine: `${machine.cpus} × ${machine.cpuModel}, ${machine.memGB} GB, Linux ${machine.kernel}, Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}`,
    messages: opt.messages,
    customers: opt.customers,
    rateSeconds: opt.rateSeconds,
    warmup: opt.warmup,
    workerConcurrency: opt.workerConcurrency,
    httpConcurrency: opt.httpConcurrency,
    loadBefore,
    loadAfter: loadavg(),
    command: `npm run bench -- ${process.argv
      .slice(2)
      .map((x) => (/[\s"']/.test(x) ? JSON.stringify(x) : x))
      .join(' ')}`.trim(),
  };
  const resultFile = path.join(RESULTS, `${stamp}.json`);
  fs.writeFileSync(
    resultFile,
    `${JSON.stringify({ tool: 'omnihub-bench', label: a.label ?? null, meta, machine, options: opt, summary, runs }, null, 2)}\n`,
  );

  console.log(`\nomnihub bench ${meta.date}: ${topology}, ${opt.rounds} round(s); ${meta.machine}; load ${loadBefore} → ${meta.loadAfter}`);
  if (opt.profile || opt.trace)
    console.log('NOTE: profiled/traced run: throughput and CPU figures carry the instrumentation\u2019s overhead.');
  console.log(consoleReport(summary));
  if (opt.trace) console.log(traceReport(runs));
  const failed = runs.filter((r) => r.error);
  if (failed.length) console.log(`\n${failed.length} run(s) failed: ${failed.map((r) => r.id).join(', ')} (see the result file)`);
  console.log(`\nresult: ${path.relative(process.cwd(), resultFile)}`);
  if (opt.profile)
    console.log(
      `profiles: ${path.relative(process.cwd(), ctx.profDir)} (node bench/profile-summary.mjs ${path.relative(process.cwd(), ctx.profDir)})`,
    );

  if (a['write-md']) {
    const md = path.join(REPO, 'BENCHMARKS.md');
    const text = markdownReport(summary, meta);
    if (!fs.existsSync(md)) fs.writeFileSync(md, '# Benchmarks\n\nSee bench/README.md for how to run them.\n\n');
    fs.appendFileSync(md, `\n${text}`);
    // Keep `npm run lint` (prettier --check .) green: let the repository's Prettier lay out the tables.
    const prettier = path.join(REPO, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
    if (fs.existsSync(prettier)) sh(process.execPath, [prettier, '--write', md], { cwd: REPO });
    console.log(`appended to ${path.relative(process.cwd(), md)}`);
  }
  if (failed.length) process.exitCode = 1;
}

main().catch(async (e) => {
  log(e.message);
  await stopAll();
  process.exit(1);
});
