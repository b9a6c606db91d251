// One run of one scenario on one side (max, a rate, or split): fresh stores, the side's processes,
// the load generator, and the run's figures (one summary; split gives two, api alone and worker
// alone).
import fs from 'node:fs';
import path from 'node:path';
import { diffCpu, monoUs, redisOfSide, snapshotCpu } from './cpu.mjs';
import { loadgenFailed, runLoadgen } from './loadgen.mjs';
import { dbFigures, flushRedisDb, pgStats, redisFigures, resetStores, setQueuePaused, waitForRows } from './stores.mjs';
import { startSide } from './topology.mjs';

export const r2 = (x) => Math.round(x * 100) / 100;

/** side: hub, hub-cluster or floor. ctx: { admin, runDir, profDir, hubRoot, hubChecked, cluster (--redis-cluster) }. */
export async function runOne(side, scenario, round, ctx, opt) {
  const split = scenario === 'split';
  const rate = scenario === 'max' || split ? 0 : Number(scenario);
  const messages = rate ? Math.min(opt.messages, rate * opt.rateSeconds) : opt.messages;
  const id = `${side}-${scenario}-r${round}`;
  const dir = path.join(ctx.runDir, id);
  fs.mkdirSync(dir, { recursive: true });
  await resetStores(ctx.admin, side);
  const top = await startSide(side, { id, dir, pauseQueue: split, opt, ctx });

  const loadgenJson = path.join(dir, 'loadgen.json');
  const loadgenLog = path.join(dir, 'loadgen.log');
  const cpu0 = path.join(dir, 'cpu0.json'),
    cpu1 = path.join(dir, 'cpu1.json');
  if (top.traceControl) await fetch(`http://127.0.0.1:${top.traceControl}/reset`, { method: 'POST' }).then((r) => r.arrayBuffer());
  await snapshotCpu(cpu0);
  const window = { startUs: monoUs() };
  const lg = await runLoadgen({
    base: top.base,
    messages,
    rate,
    warmup: split ? 0 : opt.warmup,
    // split: no event can arrive while the queue is paused, so do not wait for any.
    drainTimeoutS: split ? 0 : 120,
    graceMs: split ? 0 : 1000,
    label: `${side} ${scenario} r${round}`,
    json: loadgenJson,
    logFile: loadgenLog,
    opt,
  });
  window.endUs = monoUs();
  await snapshotCpu(cpu1);
  const traced = top.traceControl ? await (await fetch(`http://127.0.0.1:${top.traceControl}/stats`)).json() : null;
  let drain = null;
  if (split && lg.result) {
    // Worker phase: resume the queue the api filled and time the worker(s) draining it.
    const accepted = lg.result.http.accepted;
    const cpu2 = path.join(dir, 'cpu2.json'),
      cpu3 = path.join(dir, 'cpu3.json');
    await snapshotCpu(cpu2);
    await setQueuePaused(side, false);
    const waited = await waitForRows(side, accepted, Math.max(120_000, (accepted / 20) * 1000));
    await snapshotCpu(cpu3);
    const { api, worker } = top.pids();
    const cpuW = await diffCpu(cpu2, cpu3, { api, worker });
    drain = { accepted, ...waited, cpu: cpuW };
    window.endUs = monoUs(); // profiles: the api's busy time is its phase, the worker's is the drain
  }
  const redisFig = await redisFigures(side);
  const dbFig = await dbFigures(side);
  const pids = top.pids();
  const cpu = redisOfSide(side, await diffCpu(cpu0, cpu1, { ...pids, redisCluster: ctx.cluster?.pids() ?? [] }));
  const crashed = [...top.crashed(), ...(side === 'hub-cluster' ? ctx.cluster.crashed() : [])];
  await top.stop();
  const pgs = await pgStats(ctx.admin, side);
  await flushRedisDb(side); // so that the next run's server-wide used_memory does not carry this one's keys
  if (opt.profile)
    fs.writeFileSync(
      path.join(top.profDir, 'window.json'),
      JSON.stringify({ ...window, side, scenario, round, messages, warmup: split ? 0 : opt.warmup }),
    );

  if (!lg.result) throw loadgenFailed(id, lg.exit, loadgenLog, crashed);
  const r = lg.result;
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
    ...loadFigures(r, cpu, pids),
    redis: redisFig,
    db: dbFig,
    pg: pgPerMsg(pgs, processed),
    trace: traced && traceSummary(traced, processed),
    crashed,
    profiled: opt.profile,
    traced: opt.trace,
    logs: dir,
  };
  if (lg.exit.code !== 0) summary.loadgenExit = lg.exit.code;
  return split ? splitRows(summary, r, cpu, drain, pids, side, round) : summary;
}

/** The database's counters for the run, and per message that went through the pipeline. */
export const pgPerMsg = (pgs, processed) =>
  pgs && {
    ...pgs,
    xactPerMsg: r2(pgs.commit / processed),
    insertedPerMsg: r2(pgs.inserted / processed),
    updatedPerMsg: r2(pgs.updated / processed),
  };

/** The figures of one load generator pass `r`, with `cpu` the CPU seconds of its window by group. */
export function loadFigures(r, cpu, pids) {
  const n = r.e2e.seen || 1;
  const lgCpu = r.loadgen.cpuUserSec + r.loadgen.cpuSysSec;
  const us = (s) => (typeof s === 'number' ? Math.round((s * 1e6) / n) : null);
  const L = r.e2e.latencyMs ?? {},
    H = r.http.latencyMs ?? {};
  return {
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
  };
}

// split → two rows: the api alone (HTTP into a paused queue) and the worker(s) alone (draining it).
function splitRows(summary, r, cpu, drain, pids, side, round) {
  const lgCpu = r.loadgen.cpuUserSec + r.loadgen.cpuSysSec;
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

/** The counting proxy's totals, per process and per message processed. */
export function traceSummary(stats, processed) {
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
