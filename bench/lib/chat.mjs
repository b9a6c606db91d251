// The chat scenario (hub only; issue 16): is a chat message as quick as an SMS at the same rate,
// with many visitors connected? In one run on one hub: SMS at --chat-rate with the shared load
// generator, then --chat-visitors socket.io visitors connect to /chat (websocket), each sends one
// unmeasured first message (it creates the visitor's customer and conversation), and then messages
// are offered at --chat-rate in total, round robin over the visitors, for --rate-seconds (at most
// --messages). Each is timed from its scheduled send to the agent's `interaction.created` of the
// ack's interaction id. Two rows, `chat-sms` and `chat`; the second carries the p99 ratio and the
// api's memory per connected visitor.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { connectAgent, percentiles } from './agent-socket.mjs';
import { diffCpu, monoUs, snapshotCpu } from './cpu.mjs';
import { loadgenFailed, runLoadgen } from './loadgen.mjs';
import { sleep } from './procs.mjs';
import { loadFigures, pgPerMsg, r2 } from './scenario.mjs';
import { dbFigures, flushRedisDb, pgStats, redisFigures, resetStores } from './stores.mjs';
import { startSide } from './topology.mjs';

const side = 'hub';
const TEXTS = [
  'Hi, is the blue kettle back in stock?',
  'My order has not arrived yet, can you check the tracking for me please?',
  'Thanks, that helps a lot.',
  'Can I change the delivery address of an order I placed this morning?',
];

/** ctx: { admin, runDir, profDir, hubRoot, hubChecked }. */
export async function runChat(round, ctx, opt) {
  const { visitors: n, rate, connectConcurrency } = opt.chat;
  const messages = Math.min(opt.messages, rate * opt.rateSeconds);
  const id = `${side}-chat-r${round}`;
  const dir = path.join(ctx.runDir, id);
  const file = (name) => path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  await resetStores(ctx.admin, side);
  // The defaults (30 messages a minute per visitor, 20 connections per address) are for the
  // public; every bench visitor comes from 127.0.0.1.
  const hubEnv = () => ({ CHAT_MESSAGES_PER_MINUTE: String(Math.max(1000, messages)), CHAT_CONNECTIONS_PER_ADDRESS: String(n + 10) });
  const top = await startSide(side, { id, dir, pauseQueue: false, opt, ctx, hubEnv });
  const window = { startUs: monoUs() };

  // SMS at the same offered rate: the ratio's denominator.
  await snapshotCpu(file('cpu-sms0.json'));
  const lg = await runLoadgen({
    base: top.base,
    messages,
    rate,
    warmup: opt.warmup,
    drainTimeoutS: 120,
    graceMs: 1000,
    label: `${side} chat (SMS ${rate}) r${round}`,
    json: file('loadgen.json'),
    logFile: file('loadgen.log'),
    opt,
  });
  await snapshotCpu(file('cpu-sms1.json'));
  if (!lg.result) {
    await top.stop();
    throw loadgenFailed(`${id} (SMS)`, lg.exit, file('loadgen.log'), top.crashed());
  }

  const agent = await connectAgent(top.base, (i) => i.id);
  const apiPids = top.pids().api;
  let pass, rss;
  const sockets = [];
  try {
    await sleep(1000);
    const rssBefore = rssKB(apiPids);
    const c0 = performance.now();
    await connectVisitors(top.base, n, connectConcurrency, sockets);
    const connectMs = performance.now() - c0;
    await sleep(1000);
    rss = { beforeKB: rssBefore, afterKB: rssKB(apiPids), connectMs };

    // Each visitor's first message, unmeasured, at the same rate.
    await chatPass(sockets, n, rate, `r${round}-w`, agent);
    await snapshotCpu(file('cpu-chat0.json'));
    const cpuStart = process.cpuUsage();
    pass = await chatPass(sockets, messages, rate, `r${round}`, agent);
    const own = process.cpuUsage(cpuStart);
    pass.loadgenCpuSec = (own.user + own.system) / 1e6;
    await snapshotCpu(file('cpu-chat1.json'));
    pass.visitorDisconnects = sockets.filter((s) => !s.connected).length;
  } finally {
    for (const s of sockets) s.close();
    agent.close();
  }
  window.endUs = monoUs();

  const redisFig = await redisFigures(side);
  const dbFig = await dbFigures(side);
  const pids = top.pids();
  const cpuSms = await diffCpu(file('cpu-sms0.json'), file('cpu-sms1.json'), pids);
  const cpuChat = await diffCpu(file('cpu-chat0.json'), file('cpu-chat1.json'), pids);
  const crashed = top.crashed();
  await top.stop();
  const pgs = await pgStats(ctx.admin, side);
  await flushRedisDb(side);
  const processed = opt.warmup + 2 * messages + n;
  if (opt.profile)
    fs.writeFileSync(
      path.join(top.profDir, 'window.json'),
      JSON.stringify({ ...window, side, scenario: 'chat', round, messages: processed, warmup: 0 }),
    );
  fs.writeFileSync(file('chat.json'), `${JSON.stringify({ ...pass, rss }, null, 2)}\n`);

  const common = {
    side,
    round,
    apis: opt.apis,
    workers: opt.workers,
    workerConcurrency: opt.workerConcurrency,
    messages,
    customers: opt.customers,
    rate,
    crashed,
    profiled: opt.profile,
    traced: opt.trace,
    logs: dir,
  };
  const smsRow = {
    ...common,
    scenario: 'chat-sms',
    id: `${side}-chat-sms-r${round}`,
    startedAt: lg.result.startedAt,
    warmup: opt.warmup,
    httpConcurrency: opt.httpConcurrency,
    ...loadFigures(lg.result, cpuSms, pids),
  };
  if (lg.exit.code !== 0) smsRow.loadgenExit = lg.exit.code;
  const smsP99 = smsRow.e2eMs.p99;
  const us = (s) => (typeof s === 'number' ? Math.round((s * 1e6) / (pass.seen || 1)) : null);
  const chatRow = {
    ...common,
    scenario: 'chat',
    id: `${side}-chat-r${round}`,
    startedAt: pass.startedAt,
    customers: n,
    warmup: n,
    httpConcurrency: n,
    visitors: n,
    httpPerSec: pass.ackedPerSec,
    e2ePerSec: pass.e2ePerSec,
    e2eMs: pass.e2eMs,
    httpMs: pass.ackMs,
    httpErrors: pass.errors,
    errorsByStatus: pass.errorsByStatus,
    lost: pass.acked - pass.seen,
    duplicates: pass.duplicates,
    disconnects: pass.disconnects,
    visitorDisconnects: pass.visitorDisconnects,
    cpuSec: { ...cpuChat, loadgen: r2(pass.loadgenCpuSec) },
    cpuUsPerMsg: {
      api: us(cpuChat.api),
      worker: us(cpuChat.worker),
      postgres: us(cpuChat.postgres),
      redis: us(cpuChat.redis),
      total: us(cpuChat.api + cpuChat.worker + cpuChat.postgres + cpuChat.redis),
      proxy: pids.proxy.length ? us(cpuChat.proxy) : null,
      loadgen: us(pass.loadgenCpuSec),
    },
    loadgenLagP99Ms: pass.lateP99Ms,
    chatP99Ratio: typeof smsP99 === 'number' && smsP99 > 0 && typeof pass.e2eMs.p99 === 'number' ? r2(pass.e2eMs.p99 / smsP99) : null,
    apiRss: rss,
    kbPerVisitor: r2((rss.afterKB - rss.beforeKB) / n),
    visitorsConnectPerSec: r2(n / (rss.connectMs / 1000)),
    redis: redisFig,
    db: dbFig,
    pg: pgPerMsg(pgs, processed),
  };
  return [smsRow, chatRow];
}

/** `n` visitors on /chat, each its own connection (forceNew), `concurrency` connecting at once. */
async function connectVisitors(base, n, concurrency, sockets) {
  let next = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const s = io(`${base}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false });
      sockets.push(s);
      s.once('session', ({ visitorId }) => {
        s.visitorId = visitorId;
        resolve();
      });
      s.once('connect_error', (e) => reject(new Error(`visitor ${sockets.length}: connect_error ${e.message}`)));
    });
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        next++;
        await one();
      }
    }),
  );
}

/**
 * `count` messages at `rate` msg/s in total, message k from visitor k mod the visitor count; each
 * timed from its scheduled send (queueing included, as the SMS load generator does at a fixed rate)
 * to its `interaction.created`. Waits up to 120 s for the events.
 */
async function chatPass(sockets, count, rate, tag, agent) {
  const sends = []; // { due, sentAt, ackAt, id }
  const errorsByStatus = {};
  const refused = (why) => {
    const key = `ack ${why}`.slice(0, 120);
    errorsByStatus[key] = (errorsByStatus[key] ?? 0) + 1;
  };
  const late = [];
  const dupBefore = agent.duplicates,
    discBefore = agent.disconnects;
  const startedAt = new Date().toISOString();
  const t0 = performance.now() + 50;
  const acks = [];
  for (let k = 0; k < count; k++) {
    const due = t0 + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const sentAt = performance.now();
    late.push(sentAt - due);
    const s = sockets[k % sockets.length];
    const rec = { due, sentAt, ackAt: null, id: null };
    sends.push(rec);
    acks.push(
      s
        .timeout(60_000)
        .emitWithAck('message', { text: `${TEXTS[k % TEXTS.length]} (${k})`, clientMessageId: `${tag}-${k}` })
        .then(
          (ack) => {
            rec.ackAt = performance.now();
            if (ack?.ok && ack.id) rec.id = ack.id;
            else refused(ack?.error ?? JSON.stringify(ack));
          },
          (e) => refused(e.message),
        ),
    );
  }
  const sendEnd = performance.now();
  await Promise.all(acks);
  const ids = sends.filter((r) => r.id).map((r) => r.id);
  await agent.drain(ids, 120_000);

  const e2e = [],
    ack = [];
  let last = t0;
  for (const r of sends) {
    if (r.ackAt !== null && r.id) ack.push(r.ackAt - r.sentAt);
    const at = r.id && agent.arrived.get(r.id);
    if (!at) continue;
    e2e.push(at - r.due);
    last = Math.max(last, at);
  }
  return {
    startedAt,
    sent: count,
    acked: ids.length,
    seen: e2e.length,
    errors: count - ids.length,
    errorsByStatus,
    duplicates: agent.duplicates - dupBefore,
    disconnects: agent.disconnects - discBefore,
    ackedPerSec: r2(ids.length / ((sendEnd - t0) / 1000)),
    e2ePerSec: e2e.length ? r2(e2e.length / ((last - t0) / 1000)) : null,
    e2eMs: percentiles(e2e),
    ackMs: percentiles(ack),
    lateP99Ms: percentiles(late).p99 ?? null,
  };
}

/** The summed resident memory of `pids` (KB), from /proc/<pid>/status. */
function rssKB(pids) {
  let kb = 0;
  for (const pid of pids) {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) kb += Number(m[1]);
  }
  return kb;
}
