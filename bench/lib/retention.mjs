// The retention scenario (hub only): does the scan stay linear in the number of customers, and is
// live SMS still quick while it runs? On one hub: --retention-small customers are seeded with
// --retention-interactions each (bench/lib/retention-seed.mjs) and scanned, then the rest up to
// --retention-large and scanned again; both scans run while the same SMS load as the idle pass
// runs, so the two sizes are timed under the same conditions. Rows:
// `retention-idle` (SMS alone) and `retention-scan` (SMS during the large scan), which carries
// both scan times, their ratio and the p99 ratio.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { diffCpu, snapshotCpu } from './cpu.mjs';
import { loadgenFailed, runLoadgen } from './loadgen.mjs';
import { log } from './log.mjs';
import { waitFor } from './procs.mjs';
import { seedHistories } from './retention-seed.mjs';
import { loadFigures, r2 } from './scenario.mjs';
import { SIDES, dbUrl, flushRedisDb, resetStores } from './stores.mjs';
import { SECRETS, startSide } from './topology.mjs';

const side = 'hub';

/** ctx: { admin, runDir, profDir, hubRoot, hubChecked }. */
export async function runRetention(round, ctx, opt) {
  const { rate, small, large, interactions } = opt.retention;
  const id = `${side}-retention-r${round}`;
  const dir = path.join(ctx.runDir, id);
  fs.mkdirSync(dir, { recursive: true });
  const file = (name) => path.join(dir, name);
  await resetStores(ctx.admin, side);
  // No scheduled scan may start by itself during the run: only the two asked for are timed.
  const top = await startSide(side, { id, dir, pauseQueue: false, opt, ctx, hubEnv: () => ({ RETENTION_SCAN_CRON: '0 0 1 1 *' }) });
  const db = new pg.Client({ connectionString: dbUrl(SIDES[side].db) });
  await db.connect();
  try {
    const seed = async (from, to) => {
      const t = Date.now();
      await seedHistories(db, from, to, interactions, (line) => log(`${id}: ${line}`));
      return r2((Date.now() - t) / 1000);
    };
    const token = await adminToken(top.base);
    const scan = async () => {
      const t = Date.now();
      const res = await fetch(`${top.base}/api/admin/retention-scan`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${id}: the scan answered ${res.status} ${JSON.stringify(body)}`);
      return { seconds: r2((Date.now() - t) / 1000), ...body };
    };
    const sms = (phase, messages, warmup) =>
      runLoadgen({
        base: top.base,
        messages,
        rate,
        warmup,
        drainTimeoutS: 120,
        graceMs: 1000,
        label: `${side} retention ${phase} r${round}`,
        json: file(`loadgen-${phase}.json`),
        logFile: file(`loadgen-${phase}.log`),
        opt,
      });

    // A scan while the load generator sends SMS at `rate` and its agent socket hears every event,
    // as both scans are timed: the same load at both sizes, so their ratio is the scan's own growth.
    const scanDuringSms = async (phase, expectSec) => {
      const logFile = file(`loadgen-${phase}.log`);
      const run = sms(phase, rate * expectSec, 0);
      let ended = false;
      run.then(
        () => (ended = true),
        () => (ended = true),
      );
      const sending = () => fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes('agent socket connected');
      await waitFor('the load generator\u2019s agent socket', () => ended || sending(), { timeoutMs: 300_000 });
      const startMs = Date.now();
      const result = await scan();
      const endMs = Date.now();
      const load = await run;
      if (!load.result) throw loadgenFailed(`${id} (during the ${phase})`, load.exit, logFile, top.crashed());
      return { scan: result, load, startMs, endMs };
    };
    const seedSmallSec = await seed(0, small);
    const { scan: smallScan } = await scanDuringSms('small-scan', opt.rateSeconds);
    log(`${id}: scan of ${small} customers: ${smallScan.seconds} s, ${smallScan.tasksCreated} tasks`);
    const seedLargeSec = await seed(small, large);
    // Phase 1: SMS alone.
    const messages = Math.min(opt.messages, rate * opt.rateSeconds);
    await snapshotCpu(file('cpu0.json'));
    const idle = await sms('idle', messages, opt.warmup);
    await snapshotCpu(file('cpu1.json'));
    if (!idle.result) throw loadgenFailed(`${id} (idle)`, idle.exit, file('loadgen-idle.log'), top.crashed());
    // Phase 2: the same SMS rate for as long as the large scan should take if it is linear, and
    // the scan once the load generator's agent socket is connected (it sends right after).
    const expectSec = Math.max(opt.rateSeconds, Math.ceil(smallScan.seconds * (large / small) * 1.2));
    await snapshotCpu(file('cpu2.json'));
    const { scan: largeScan, load: busy, startMs: scanStartMs, endMs: scanEndMs } = await scanDuringSms('scan', expectSec);
    log(`${id}: scan of ${large} customers: ${largeScan.seconds} s, ${largeScan.tasksCreated} tasks`);
    await snapshotCpu(file('cpu3.json'));
    const pids = top.pids();
    const cpuIdle = await diffCpu(file('cpu0.json'), file('cpu1.json'), pids);
    const cpuBusy = await diffCpu(file('cpu2.json'), file('cpu3.json'), pids);
    const crashed = top.crashed();
    const common = {
      side,
      round,
      apis: opt.apis,
      workers: opt.workers,
      workerConcurrency: opt.workerConcurrency,
      messages,
      customers: opt.customers,
      rate,
      httpConcurrency: opt.httpConcurrency,
      crashed,
      logs: dir,
    };
    const idleP99 = idle.result.e2e.latencyMs?.p99;
    const busyP99 = busy.result.e2e.latencyMs?.p99;
    const smsStart = Date.parse(busy.result.startedAt);
    const smsEnd = smsStart + busy.result.durationsSec.send * 1000;
    const overlap = Math.max(0, Math.min(smsEnd, scanEndMs) - Math.max(smsStart, scanStartMs));
    return [
      {
        ...common,
        scenario: 'retention-idle',
        id: `${side}-retention-idle-r${round}`,
        startedAt: idle.result.startedAt,
        warmup: opt.warmup,
        ...loadFigures(idle.result, cpuIdle, pids),
      },
      {
        ...common,
        scenario: 'retention-scan',
        id: `${side}-retention-scan-r${round}`,
        startedAt: busy.result.startedAt,
        warmup: 0,
        messages: rate * expectSec,
        ...loadFigures(busy.result, cpuBusy, pids),
        scanSmall: { customers: small, ...smallScan, seedSec: seedSmallSec },
        scanLarge: { customers: large, ...largeScan, seedSec: seedLargeSec },
        scanSmallSec: smallScan.seconds,
        scanLargeSec: largeScan.seconds,
        scanRatio: smallScan.seconds > 0 ? r2(largeScan.seconds / smallScan.seconds) : null,
        scanP99Ratio: typeof idleP99 === 'number' && typeof busyP99 === 'number' && idleP99 > 0 ? r2(busyP99 / idleP99) : null,
        scanOverlap: smsEnd > smsStart ? r2(overlap / (smsEnd - smsStart)) : null,
      },
    ];
  } finally {
    await db.end();
    await top.stop();
    await flushRedisDb(side);
  }
}

async function adminToken(base) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: SECRETS.adminEmail, password: SECRETS.adminPassword }),
  });
  if (res.status !== 200) throw new Error(`login: HTTP ${res.status}`);
  return (await res.json()).accessToken;
}
