// The isolation scenario (hub only): is live SMS still quick while a call centre's bulk import
// runs? In one run on one hub: SMS at a fixed rate with nothing else going on (idle), then the same
// SMS load while --import-count call logs are posted through POST /api/call-logs. Two rows,
// `isolation-idle` and `isolation-import`; the second carries the p99 ratio and the import's figures.
import fs from 'node:fs';
import path from 'node:path';
import { CALL_LOG_IMPORT } from './paths.mjs';
import { diffCpu, monoUs, snapshotCpu } from './cpu.mjs';
import { loadgenFailed, runLoadgen } from './loadgen.mjs';
import { startNode, waitFor } from './procs.mjs';
import { loadFigures, pgPerMsg, r2, traceSummary } from './scenario.mjs';
import { countInteractions, dbFigures, flushRedisDb, pgStats, redisFigures, resetStores, waitForRows } from './stores.mjs';
import { SECRETS, startSide } from './topology.mjs';

const side = 'hub';

/** ctx: { admin, runDir, profDir, hubRoot, hubChecked }. */
export async function runIsolation(round, ctx, opt) {
  const { rate, importCount } = opt.isolation;
  const messages = Math.min(opt.messages, rate * opt.rateSeconds);
  const id = `${side}-isolation-r${round}`;
  const dir = path.join(ctx.runDir, id);
  fs.mkdirSync(dir, { recursive: true });
  await resetStores(ctx.admin, side);
  const top = await startSide(side, { id, dir, pauseQueue: false, opt, ctx });
  const file = (name) => path.join(dir, name);
  const sms = (phase, warmup, drainTimeoutS) =>
    runLoadgen({
      base: top.base,
      messages,
      rate,
      warmup,
      drainTimeoutS,
      graceMs: 1000,
      label: `${side} isolation ${phase} r${round}`,
      json: file(`loadgen-${phase}.json`),
      logFile: file(`loadgen-${phase}.log`),
      opt,
    });
  if (top.traceControl) await fetch(`http://127.0.0.1:${top.traceControl}/reset`, { method: 'POST' }).then((r) => r.arrayBuffer());

  // Phase 1: the SMS load alone (after the usual warm-up).
  await snapshotCpu(file('cpu0.json'));
  const window = { startUs: monoUs() };
  const idle = await sms('idle', opt.warmup, 120);
  await snapshotCpu(file('cpu1.json'));
  if (!idle.result) {
    await top.stop();
    throw loadgenFailed(`${id} (idle)`, idle.exit, file('loadgen-idle.log'), top.crashed());
  }

  // Phase 2: the importer gets ready (logged in, partner created), then the same SMS load starts
  // again, and the import starts once the load generator's agent socket is connected (it sends
  // right after). SMS queued behind the import may take as long as the import to arrive: the
  // load generator waits for them accordingly before counting them lost.
  const importer = startImport(top.base, opt.isolation, file('import.json'), file('import.log'));
  await waitFor('the importer', () => importer.log().includes('ready: partner created') || !importer.running, { timeoutMs: 120_000 });
  if (!importer.running) {
    await top.stop();
    throw new Error(`${id}: the call-log import stopped before it was ready:\n${importer.log()}`);
  }
  await snapshotCpu(file('cpu2.json'));
  const busyRun = sms('import', 0, 120 + Math.ceil(importCount / 100));
  let busyEnded = false;
  busyRun.then(
    () => (busyEnded = true),
    () => (busyEnded = true),
  );
  const sending = () => fs.readFileSync(file('loadgen-import.log'), 'utf8').includes('agent socket connected');
  await waitFor('the load generator\u2019s agent socket', () => busyEnded || sending(), { timeoutMs: 300_000 });
  if (!sending()) {
    await top.stop();
    await importer.stop();
    throw loadgenFailed(`${id} (during the import)`, (await busyRun).exit, file('loadgen-import.log'), top.crashed());
  }
  importer.child.kill('SIGUSR2');
  await importer.exited;
  const imp = fs.existsSync(file('import.json')) ? JSON.parse(fs.readFileSync(file('import.json'), 'utf8')) : null;
  // Stored: every accepted call log is an interaction on the phone channel.
  const waited = imp ? await waitForRows(side, imp.accepted, Math.max(120_000, (imp.accepted / 50) * 1000), 'phone') : null;
  const storedAtMs = Date.now();
  const busy = await busyRun;
  window.endUs = monoUs();
  await snapshotCpu(file('cpu3.json'));

  const traced = top.traceControl ? await (await fetch(`http://127.0.0.1:${top.traceControl}/stats`)).json() : null;
  const stored = await countInteractions(side, 'phone');
  const redisFig = await redisFigures(side);
  const dbFig = await dbFigures(side);
  const pids = top.pids();
  const cpuIdle = await diffCpu(file('cpu0.json'), file('cpu1.json'), pids);
  const cpuBusy = await diffCpu(file('cpu2.json'), file('cpu3.json'), pids);
  const crashed = top.crashed();
  await top.stop();
  const pgs = await pgStats(ctx.admin, side);
  await flushRedisDb(side);
  if (opt.profile)
    fs.writeFileSync(
      path.join(top.profDir, 'window.json'),
      JSON.stringify({ ...window, side, scenario: 'isolation', round, messages: 2 * messages + stored, warmup: opt.warmup }),
    );
  if (!imp)
    throw new Error(`${id}: the call-log import wrote no result (exit ${importer.exitCode ?? importer.signal}):\n${importer.log()}`);
  if (!busy.result) throw loadgenFailed(`${id} (during the import)`, busy.exit, file('loadgen-import.log'), crashed);

  const common = {
    side,
    round,
    startedAt: null,
    apis: opt.apis,
    workers: opt.workers,
    workerConcurrency: opt.workerConcurrency,
    messages,
    customers: opt.customers,
    rate,
    warmup: 0,
    httpConcurrency: opt.httpConcurrency,
  };
  const idleRow = {
    ...common,
    scenario: 'isolation-idle',
    id: `${side}-isolation-idle-r${round}`,
    startedAt: idle.result.startedAt,
    warmup: opt.warmup,
    ...loadFigures(idle.result, cpuIdle, pids),
    crashed,
    profiled: opt.profile,
    traced: opt.trace,
    logs: dir,
  };
  if (idle.exit.code !== 0) idleRow.loadgenExit = idle.exit.code;

  // The second window's CPU served the SMS and the call logs alike: per item, either kind.
  const busyFig = loadFigures(busy.result, cpuBusy, pids);
  const items = (busy.result.e2e.seen || 0) + stored || 1;
  const perItem = (sec) => (typeof sec === 'number' ? Math.round((sec * 1e6) / items) : null);
  const idleP99 = idle.result.e2e.latencyMs?.p99;
  const busyP99 = busy.result.e2e.latencyMs?.p99;
  const smsStart = Date.parse(busy.result.startedAt);
  const smsEnd = smsStart + busy.result.durationsSec.send * 1000;
  const overlap = Math.max(0, Math.min(smsEnd, storedAtMs) - Math.max(smsStart, imp.startedAtMs));
  const processed = opt.warmup + idle.result.e2e.seen + busy.result.e2e.seen + stored;
  const importRow = {
    ...common,
    scenario: 'isolation-import',
    id: `${side}-isolation-import-r${round}`,
    startedAt: busy.result.startedAt,
    ...busyFig,
    cpuSec: { ...busyFig.cpuSec, importer: imp.cpuSec },
    cpuUsPerMsg: {
      api: perItem(cpuBusy.api),
      worker: perItem(cpuBusy.worker),
      postgres: perItem(cpuBusy.postgres),
      redis: perItem(cpuBusy.redis),
      total: perItem(cpuBusy.api + cpuBusy.worker + cpuBusy.postgres + cpuBusy.redis),
      proxy: pids.proxy.length ? perItem(cpuBusy.proxy) : null,
      loadgen: perItem(busyFig.cpuSec.loadgen + imp.cpuSec),
    },
    p99Ratio: typeof idleP99 === 'number' && typeof busyP99 === 'number' && idleP99 > 0 ? r2(busyP99 / idleP99) : null,
    importCount,
    importStored: stored,
    importMissing: importCount - stored,
    importPerSec: r2(stored / ((storedAtMs - imp.startedAtMs) / 1000)),
    importPostedPerSec: r2(imp.accepted / ((imp.postedAtMs - imp.startedAtMs) / 1000)),
    smsOverlap: smsEnd > smsStart ? r2(overlap / (smsEnd - smsStart)) : null,
    import: { ...imp, storedAtMs, waitedForRows: waited },
    redis: redisFig,
    db: dbFig,
    pg: pgPerMsg(pgs, processed),
    trace: traced && traceSummary(traced, processed),
    crashed,
    profiled: opt.profile,
    traced: opt.trace,
    logs: dir,
  };
  if (busy.exit.code !== 0) importRow.loadgenExit = busy.exit.code;
  return [idleRow, importRow];
}

/** The bulk import as its own process (bench/lib/call-log-import.mjs), so that its CPU is its own. */
function startImport(base, { importCount, importBatch, importConcurrency }, json, logFile) {
  const config = {
    base,
    adminEmail: SECRETS.adminEmail,
    adminPassword: SECRETS.adminPassword,
    count: importCount,
    batch: importBatch,
    concurrency: importConcurrency,
    json,
  };
  return startNode('import', [CALL_LOG_IMPORT, JSON.stringify(config)], {}, logFile);
}
