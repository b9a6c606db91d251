#!/usr/bin/env node
// `npm run bench`: the hub against the floor (../shared/bench), alternating in one run on this
// machine, with the shared load generator. See bench/README.md and BENCHMARKS.md.
// This file is the run's outline; each step's work is in bench/lib/.
import fs from 'node:fs';
import path from 'node:path';
import { HUB_ONLY, OWN_STORES, readOptions } from './lib/options.mjs';
import { REPO, RESULTS, WORK, apiMain } from './lib/paths.mjs';
import { log } from './lib/log.mjs';
import { killAllSync, sleep, stopAll } from './lib/procs.mjs';
import { prepareHub, prepareSharedCopy, machineInfo, loadavg } from './lib/prepare.mjs';
import { AFFINITY_STORES, connectAdmin, flushRedisDb, takeBenchLock, useCluster } from './lib/stores.mjs';
import { MASTERS, startCluster } from './lib/redis-cluster.mjs';
import { runOne } from './lib/scenario.mjs';
import { runIsolation } from './lib/isolation.mjs';
import { runEmail } from './lib/email.mjs';
import { runChat } from './lib/chat.mjs';
import { runRetention } from './lib/retention.mjs';
import { runInbox } from './lib/inbox.mjs';
import { runAffinity } from './lib/affinity.mjs';
import { summarise } from './lib/report.mjs';
import { appendMarkdown, printReport, writeResult } from './lib/output.mjs';

const { opt, commit: commitArg, writeMd, label } = readOptions(process.argv.slice(2));

// Cleanup: only what this run started.
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

async function main() {
  // The lock first: a waiting run must not rebuild or re-copy what a running one is using.
  const admin = await connectAdmin();
  // A run of only the scenarios with stores of their own takes their lock, not the SMS bench's.
  await takeBenchLock(admin, opt.scenarios.every((s) => OWN_STORES.includes(s)) ? AFFINITY_STORES.lock : undefined);
  const { hubRoot, commit, dirty } = prepareHub(commitArg, { needed: opt.sides.some((s) => s !== 'floor') });
  prepareSharedCopy();
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const runDir = path.join(WORK, 'runs', stamp);
  fs.mkdirSync(runDir, { recursive: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const ctx = { admin, runDir, profDir: opt.profile ? path.join(WORK, 'prof', stamp) : null, hubRoot, hubChecked: false };
  // --redis-cluster: one cluster for the whole run (each of its runs empties it, as the Redis db is
  // emptied); its nodes are this run's children, so Ctrl-C and a failure stop them with the rest.
  if (opt.redisCluster) {
    ctx.cluster = await startCluster(runDir);
    useCluster(ctx.cluster);
    log(`Redis Cluster ${ctx.cluster.version}: ${MASTERS} masters on ${ctx.cluster.nodeList}`);
  }

  const machine = await machineInfo(admin);
  const distBuilt = fs.existsSync(apiMain(hubRoot)) ? fs.statSync(apiMain(hubRoot)).mtime.toISOString() : null;
  const loadBefore = loadavg();
  const started = new Date();
  log(
    `omnihub bench ${stamp}: sides ${opt.sides.join('+')}, scenarios ${opt.scenarios.join(',')}, ${opt.rounds} round(s), ` +
      `${opt.messages} messages / ${opt.customers} customers, ${opt.apis} api + ${opt.workers} worker(s), ` +
      `${machine.cpus} × ${machine.cpuModel}; logs in ${path.relative(REPO, runDir)}`,
  );

  // Every round runs every scenario on every side: one run each, from fresh stores.
  const runs = [];
  for (let round = 1; round <= opt.rounds; round++) {
    for (const scenario of opt.scenarios) {
      // Alternate which side goes first, so a drift in the machine's load does not favour one side.
      const order = round % 2 ? opt.sides : [...opt.sides].reverse();
      for (const side of order) {
        if (interrupted) return;
        if (HUB_ONLY.includes(scenario) && side === 'floor') continue; // the floor speaks SMS only
        const t = Date.now();
        try {
          const rows = await (HUB_ALONE[scenario] ?? runOne.bind(null, side, scenario))(round, ctx, opt);
          for (const s of [].concat(rows)) {
            runs.push(s);
            log(`${s.id}: ${runLine(s)} (${Math.round((Date.now() - t) / 1000)} s)`);
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
  await ctx.cluster?.stop();

  // Medians over rounds, then the result file, the report and, with --write-md, BENCHMARKS.md.
  const summary = summarise(runs);
  const meta = {
    date: started.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    topology:
      `${opt.apis} api + ${opt.workers} worker process${opt.workers > 1 ? 'es' : ''}` +
      (ctx.cluster ? `; hub-cluster on a ${MASTERS}-master Redis Cluster (no replicas)` : ''),
    rounds: opt.rounds,
    commit,
    dirty,
    distBuilt,
    machine:
      `${machine.cpus} × ${machine.cpuModel}, ${machine.memGB} GB, Linux ${machine.kernel}, Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}` +
      (ctx.cluster ? ` (cluster nodes: Redis ${ctx.cluster.version})` : ''),
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
  if (opt.scenarios.includes('isolation')) meta.isolation = opt.isolation;
  if (opt.scenarios.includes('email')) meta.email = opt.email;
  if (opt.scenarios.includes('chat')) meta.chat = opt.chat;
  if (opt.scenarios.includes('retention')) meta.retention = opt.retention;
  if (opt.scenarios.includes('inbox')) meta.inbox = opt.inbox;
  if (opt.scenarios.includes('affinity')) meta.affinity = opt.affinity;
  const resultFile = writeResult(stamp, { label, meta, machine, options: opt, summary, runs });
  printReport({ summary, runs, meta, opt, resultFile, profDir: ctx.profDir });
  if (writeMd) appendMarkdown(summary, meta);
  if (runs.some((r) => r.error)) process.exitCode = 1;
}

/** The hub-only scenarios: one run on the hub, several rows. */
const HUB_ALONE = {
  isolation: runIsolation,
  email: runEmail,
  chat: runChat,
  retention: runRetention,
  inbox: runInbox,
  affinity: runAffinity,
};

/** One finished run's figures on one progress line. */
function runLine(s) {
  const parts = [
    s.e2ePerSec != null && `e2e ${s.e2ePerSec}/s p50 ${s.e2eMs.p50} p99 ${s.e2eMs.p99} ms`,
    s.httpPerSec != null && `http ${s.httpPerSec}/s`,
    s.drainPerSec != null && `drained ${s.drainPerSec}/s`,
    s.p99Ratio !== undefined &&
      `p99 ratio to idle ${s.p99Ratio}, import ${s.importPerSec} call logs/s, stored ${s.importStored}/${s.importCount}`,
    s.emailToSms != null && `${s.mailKB} KB mails, ${s.emailToSms}× the SMS max msg/s`,
    s.scanRatio !== undefined &&
      `scan ${s.scanSmall.customers} customers ${s.scanSmallSec} s, ${s.scanLarge.customers} customers ${s.scanLargeSec} s (${s.scanRatio}×), SMS p99 ${s.scanP99Ratio}× idle`,
    s.chatP99Ratio !== undefined && `${s.visitors} visitors, p99 ${s.chatP99Ratio}× the SMS p99, api ${s.kbPerVisitor} KB RSS/visitor`,
    s.listP95 !== undefined &&
      `${s.conversations} conversations: list p95 ${s.listP95} ms, open list p95 ${s.listOpenP95} ms, conversation p95 ${s.conversationP95} ms, first screen ${s.ttiMs ?? '–'} ms` +
        (s.listRatio !== undefined ? ` (p95 ratios to the small size ${s.listRatio} / ${s.listOpenRatio} / ${s.conversationRatio})` : ''),
    s.cpuUsPerMsg &&
      `cpu µs/msg api ${s.cpuUsPerMsg.api} worker ${s.cpuUsPerMsg.worker} pg ${s.cpuUsPerMsg.postgres} redis ${s.cpuUsPerMsg.redis} = ${s.cpuUsPerMsg.total}`,
    `lost ${s.lost ?? '–'} dup ${s.duplicates ?? '–'} err ${s.httpErrors ?? '–'}`,
    s.crashed?.length && s.crashed.join(', '),
    s.scanSec != null &&
      `${s.customers} customers, ${s.events} purchase events: scan ${s.scanSec} s (${s.evaluated} evaluated, ` +
        `${s.extensionTasks} extension tasks from ${s.affinityPairs} affinities)${s.scanRatio ? `, ${s.scanRatio}× the 10× smaller pass` : ''}`,
  ];
  return parts.filter(Boolean).join(' | ');
}

main().catch(async (e) => {
  log(e.message);
  await stopAll();
  process.exit(1);
});
