// The affinity scenario (hub only; issue 18): what the retention scan costs with extension offers,
// whose purchase affinity is computed set-based over every business event. In one run, twice on
// fresh stores: --affinity-customers retained customers with --affinity-events ÷ 10 purchase events,
// then the same customers with --affinity-events; each seeded set-based in SQL (no API calls), then
// one scan through the contract's route (POST /api/admin/retention-scan, which waits for it),
// timed. Two rows, `affinity-small` and `affinity`; the second carries the time ratio: the cost
// growth for 10× the events. Runs on its own database and Redis db, under its own lock, so it does
// not wait for (or disturb) an SMS bench on the same server.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { diffCpu, snapshotCpu } from './cpu.mjs';
import { r2 } from './scenario.mjs';
import { AFFINITY_STORES, dbUrl, resetStoresOf } from './stores.mjs';
import { SECRETS, startSide } from './topology.mjs';

const side = 'hub';

/**
 * Customers in id order, each in one of 50 neighbourhoods of the catalogue; event i goes to
 * customer i mod N, so every customer gets events ÷ customers of them, for one of 7 products next
 * to its neighbourhood: neighbouring customers share products, which makes affinities to offer on.
 */
const SEED_CUSTOMERS = `
INSERT INTO customers (name, lifecycle_stage, acquisition_step, created_at)
SELECT 'Bench customer ' || n, 'retained', 'adoption', now() - interval '400 days' FROM generate_series(1, $1::int) n`;
const SEED_EVENTS = `
WITH c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM customers)
INSERT INTO business_events (customer_id, type, amount, product, occurred_at)
SELECT c.id, 'purchase', 10 + (i % 90), 'Product ' || (((c.n % 50) * 4 + (i * 31) % 7) % $3::int),
       now() - ((i * 7) % 170) * interval '1 day' - (i % 86400) * interval '1 second'
  FROM generate_series(0, $2::int - 1) i JOIN c ON c.n = i % $1::int`;

/** ctx: { admin, runDir, profDir, hubRoot, hubChecked }. */
export async function runAffinity(round, ctx, opt) {
  const { customers, events, products } = opt.affinity;
  const rows = [];
  for (const [scenario, n] of [
    ['affinity-small', Math.max(1, Math.round(events / 10))],
    ['affinity', events],
  ]) {
    rows.push(await scanPass(scenario, round, ctx, opt, { customers, events: n, products }));
  }
  const [small, big] = rows;
  if (small.scanSec > 0) big.scanRatio = r2(big.scanSec / small.scanSec);
  return rows;
}

async function scanPass(scenario, round, ctx, opt, { customers, events, products }) {
  const id = `${side}-${scenario}-r${round}`;
  const dir = path.join(ctx.runDir, id);
  const file = (name) => path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  await resetStoresOf(ctx.admin, AFFINITY_STORES);
  // The scheduled scan never runs by itself during the pass; no survey is sent by anything here.
  const hubEnv = () => ({ RETENTION_SCAN_CRON: '0 3 1 1 *', DATABASE_STATEMENT_TIMEOUT_MS: '0' });
  const top = await startSide(side, {
    id,
    dir,
    pauseQueue: false,
    opt: { ...opt, apis: 1, workers: 1 },
    ctx,
    hubEnv,
    stores: AFFINITY_STORES,
  });
  const db = new pg.Client({ connectionString: dbUrl(AFFINITY_STORES.db) });
  await db.connect();
  try {
    const s0 = performance.now();
    await db.query(SEED_CUSTOMERS, [customers]);
    await db.query(SEED_EVENTS, [customers, events, products]);
    await db.query('ANALYZE customers; ANALYZE business_events');
    const seedSec = (performance.now() - s0) / 1000;

    const token = await login(top.base);
    await snapshotCpu(file('cpu0.json'));
    const t0 = performance.now();
    const res = await fetch(`${top.base}/api/admin/retention-scan`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    const scanSec = (performance.now() - t0) / 1000;
    await snapshotCpu(file('cpu1.json'));
    if (res.status !== 200) throw new Error(`${id}: the scan answered ${res.status} ${JSON.stringify(body)}`);
    const cpu = await diffCpu(file('cpu0.json'), file('cpu1.json'), top.pids());
    const { rows } = await db.query(`SELECT
      (SELECT count(*) FROM product_affinities)::int AS pairs,
      (SELECT count(*) FROM retention_tasks WHERE kind = 'extension')::int AS offers,
      (SELECT count(*) FROM business_events)::int AS events`);
    return {
      side,
      scenario,
      round,
      id,
      customers,
      events: rows[0].events,
      seedSec: r2(seedSec),
      scanSec: r2(scanSec),
      evaluated: body.evaluated,
      tasksCreated: body.tasksCreated,
      extensionTasks: rows[0].offers,
      affinityPairs: rows[0].pairs,
      scanCpuSec: { worker: r2(cpu.worker ?? 0), postgres: r2(cpu.postgres ?? 0) },
      crashed: top.crashed(),
    };
  } finally {
    await db.end();
    await top.stop();
  }
}

async function login(base) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: SECRETS.adminEmail, password: SECRETS.adminPassword }),
  });
  if (res.status !== 200) throw new Error(`bench admin login: ${res.status}`);
  return (await res.json()).accessToken;
}
