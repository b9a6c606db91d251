// The email scenario (hub only; issue 15): how fast does the hub take 20 KB mails compared with SMS?
// In one run on one hub: an SMS `max` pass with the shared load generator, then --email-count mails
// (multipart/alternative text + HTML, a small attachment) as fast as possible through the webhook
// (POST /webhooks/email, raw message/rfc822), then through SMTP to the api's listener (plain SMTP,
// a pool of --smtp-connections), then through both at once (round r starts with the r-th of the
// three, so each way is first as often as the others). Each mail is timed from its send to
// the `interaction.created` whose externalId is its Message-ID, on an agent socket. Four rows:
// `email-sms`, `email-webhook`, `email-smtp`, `email-both`; each email row carries its msg/s ÷ the
// SMS pass's.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectAgent, percentiles } from './agent-socket.mjs';
import { diffCpu, monoUs, snapshotCpu } from './cpu.mjs';
import { buildMail } from './email-mail.mjs';
import { loadgenFailed, runLoadgen } from './loadgen.mjs';
import { dotStuffed, smtpPool } from './smtp-client.mjs';
import { freePort } from './procs.mjs';
import { loadFigures, pgPerMsg, r2 } from './scenario.mjs';
import { dbFigures, flushRedisDb, pgStats, redisFigures, resetStores } from './stores.mjs';
import { SECRETS, startSide } from './topology.mjs';

const side = 'hub';
const PASSES = ['webhook', 'smtp', 'both'];

/** ctx: { admin, runDir, profDir, hubRoot, hubChecked }. */
export async function runEmail(round, ctx, opt) {
  const e = opt.email;
  const id = `${side}-email-r${round}`;
  const dir = path.join(ctx.runDir, id);
  const file = (name) => path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  await resetStores(ctx.admin, side);
  const smtpPort = await freePort();
  // With several apis the webhook goes through the balancer to all, SMTP to api0's listener.
  const hubEnv = (name) => ({
    EMAIL_WEBHOOK_TOKEN: SECRETS.emailWebhookToken,
    SMTP_INBOUND_PORT: name === 'api0' ? String(smtpPort) : '0',
  });
  const top = await startSide(side, { id, dir, pauseQueue: false, opt, ctx, hubEnv });
  const window = { startUs: monoUs() };

  // The SMS pass: the same run's ceiling for SMS, the ratio's denominator.
  await snapshotCpu(file('cpu-sms0.json'));
  const lg = await runLoadgen({
    base: top.base,
    messages: opt.messages,
    rate: 0,
    warmup: opt.warmup,
    drainTimeoutS: 120,
    graceMs: 1000,
    label: `${side} email (SMS max) r${round}`,
    json: file('loadgen.json'),
    logFile: file('loadgen.log'),
    opt,
  });
  await snapshotCpu(file('cpu-sms1.json'));
  if (!lg.result) {
    await top.stop();
    throw loadgenFailed(`${id} (SMS)`, lg.exit, file('loadgen.log'), top.crashed());
  }

  const agent = await connectAgent(top.base, (i) => i.externalId);
  const smtp = smtpPool('127.0.0.1', smtpPort, e.smtpConnections);
  // Every pass's mails are built now, before any is timed: building them between passes left
  // garbage that the load generator's GC threads collected during the next pass. Each sender sends
  // as many mails as each SMS customer sends messages.
  const perSender = Math.max(1, Math.round(opt.messages / opt.customers));
  const warmup = opt.warmup;
  const all = Array.from({ length: warmup + PASSES.length * e.count }, (_, i) => {
    const m = buildMail(i, { tag: `r${round}`, perSender, bytes: e.bytes, attachmentBytes: e.attachmentBytes });
    return { ...m, stuffed: dotStuffed(m.raw) };
  });
  const mails = (start, count) => all.slice(start, start + count);
  const webhook = new http.Agent({ keepAlive: true, maxSockets: e.concurrency });
  const sender = { base: top.base, smtp, webhook, concurrency: e.concurrency, smtpInFlight: 2 * e.smtpConnections };
  const passes = [];
  try {
    // Warm-up, unmeasured: the first mails pay for the parser's and the queries' first runs.
    if (warmup) await emailPass('both', 0, mails(0, warmup), sender, agent);
    let next = warmup;
    // The first pass after the warm-up costs about a tenth more (measured either way round), so
    // each round starts with another way and the median over rounds evens it out.
    const order = PASSES.map((_, k) => PASSES[(k + round - 1) % PASSES.length]);
    for (const kind of order) {
      const batch = mails(next, e.count);
      await snapshotCpu(file(`cpu-${kind}0.json`));
      const cpuStart = process.cpuUsage();
      const pass = await emailPass(kind, next, batch, sender, agent);
      const own = process.cpuUsage(cpuStart);
      await snapshotCpu(file(`cpu-${kind}1.json`));
      passes.push({ kind, ...pass, loadgenCpuSec: (own.user + own.system) / 1e6 });
      next += e.count;
    }
  } finally {
    smtp.close();
    webhook.destroy();
    agent.close();
  }
  window.endUs = monoUs();

  const redisFig = await redisFigures(side);
  const dbFig = await dbFigures(side);
  const pids = top.pids();
  const cpuSms = await diffCpu(file('cpu-sms0.json'), file('cpu-sms1.json'), pids);
  const cpus = [];
  for (const { kind } of passes) cpus.push(await diffCpu(file(`cpu-${kind}0.json`), file(`cpu-${kind}1.json`), pids));
  const crashed = top.crashed();
  await top.stop();
  const pgs = await pgStats(ctx.admin, side);
  await flushRedisDb(side);
  const processed = opt.messages + 2 * opt.warmup + PASSES.length * e.count;
  if (opt.profile)
    fs.writeFileSync(
      path.join(top.profDir, 'window.json'),
      JSON.stringify({ ...window, side, scenario: 'email', round, messages: processed, warmup: 0 }),
    );
  fs.writeFileSync(file('email.json'), `${JSON.stringify(passes, null, 2)}\n`);

  const common = {
    side,
    round,
    apis: opt.apis,
    workers: opt.workers,
    workerConcurrency: opt.workerConcurrency,
    customers: opt.customers,
    rate: 0,
    crashed,
    profiled: opt.profile,
    traced: opt.trace,
    logs: dir,
  };
  const smsRow = {
    ...common,
    scenario: 'email-sms',
    id: `${side}-email-sms-r${round}`,
    startedAt: lg.result.startedAt,
    messages: opt.messages,
    warmup: opt.warmup,
    httpConcurrency: opt.httpConcurrency,
    ...loadFigures(lg.result, cpuSms, pids),
  };
  if (lg.exit.code !== 0) smsRow.loadgenExit = lg.exit.code;
  const smsPerSec = smsRow.e2ePerSec;
  const rows = passes.map((p, k) => ({
    ...common,
    scenario: `email-${p.kind}`,
    id: `${side}-email-${p.kind}-r${round}`,
    startedAt: p.startedAt,
    messages: e.count,
    warmup: 0,
    httpConcurrency:
      p.kind === 'smtp'
        ? e.smtpConnections
        : p.kind === 'webhook'
          ? e.concurrency
          : Math.ceil(e.concurrency / 2) + Math.ceil(e.smtpConnections / 2),
    ...emailFigures(p, cpus[k], pids),
    emailToSms: typeof smsPerSec === 'number' && smsPerSec > 0 && p.e2ePerSec != null ? r2(p.e2ePerSec / smsPerSec) : null,
    mailKB: r2(p.bytes / Math.max(1, p.sent) / 1024),
  }));
  // Stores: over the whole run (SMS and every email pass).
  Object.assign(
    rows.find((r) => r.scenario === 'email-both'),
    { redis: redisFig, db: dbFig, pg: pgPerMsg(pgs, processed) },
  );
  return [smsRow, ...rows];
}

/**
 * Sends `mails` (numbered from `start`) as fast as `sender` allows: by the webhook, by SMTP, or
 * both (even mails by the webhook, odd ones by SMTP), then waits for their events.
 */
async function emailPass(kind, start, mails, { base, smtp, webhook, concurrency, smtpInFlight }, agent) {
  const count = mails.length;
  const byWay = { webhook: [], smtp: [] };
  for (let i = start; i < start + count; i++) byWay[kind === 'both' ? (i % 2 ? 'smtp' : 'webhook') : kind].push(i);
  const sentAt = new Map(); // Message-ID → performance.now() at its send
  const accepted = [],
    sendMs = [];
  const errorsByStatus = {};
  let bytes = 0;
  const dupBefore = agent.duplicates;
  const t0 = performance.now();
  const startedAt = new Date().toISOString();

  const sendOne = async (way, i) => {
    const { messageId, from, raw, stuffed } = mails[i - start];
    bytes += raw.length;
    const t = performance.now();
    sentAt.set(messageId, t);
    let error = null;
    try {
      if (way === 'webhook') {
        const status = await postMail(`${base}/webhooks/email`, raw, webhook);
        if (status !== 202) error = `HTTP ${status}`;
      } else {
        await smtp.send(from, 'support@bench.test', stuffed);
      }
    } catch (err) {
      error = way === 'smtp' && err.responseCode ? `SMTP ${err.responseCode}` : `${way} ${err.code ?? err.message}`;
    }
    if (error) errorsByStatus[error] = (errorsByStatus[error] ?? 0) + 1;
    else {
      accepted.push(messageId);
      sendMs.push(performance.now() - t);
    }
  };
  const lanes = (way, n) =>
    Array.from({ length: Math.min(n, byWay[way].length) }, async () => {
      for (let i = byWay[way].shift(); i !== undefined; i = byWay[way].shift()) await sendOne(way, i);
    });
  // Both ways at once share the in-flight count each way has alone.
  const share = kind === 'both' ? 0.5 : 1;
  await Promise.all([...lanes('webhook', Math.ceil(concurrency * share)), ...lanes('smtp', Math.ceil(smtpInFlight * share))]);
  const sentMs = performance.now() - t0;
  await agent.drain(accepted, 120_000);

  const latencies = [];
  let last = t0;
  for (const m of accepted) {
    const at = agent.arrived.get(m);
    if (at === undefined) continue;
    latencies.push(at - sentAt.get(m));
    last = Math.max(last, at);
  }
  const errors = Object.values(errorsByStatus).reduce((x, y) => x + y, 0);
  return {
    startedAt,
    sent: count,
    bytes,
    accepted: accepted.length,
    seen: latencies.length,
    errors,
    errorsByStatus,
    duplicates: agent.duplicates - dupBefore,
    disconnects: agent.disconnects,
    acceptedPerSec: r2(accepted.length / (sentMs / 1000)),
    e2ePerSec: latencies.length ? r2(latencies.length / ((last - t0) / 1000)) : null,
    e2eMs: percentiles(latencies),
    sendMs: percentiles(sendMs),
  };
}

/** POSTs one raw mail as a relay would; node:http on a keep-alive agent costs the load generator little. */
function postMail(url, raw, agent) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'message/rfc822',
          'content-length': raw.length,
          authorization: `Bearer ${SECRETS.emailWebhookToken}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(raw);
  });
}

/** One email pass's row figures, in the shape the report reads for every scenario. */
function emailFigures(p, cpu, pids) {
  const n = p.seen || 1;
  const us = (s) => (typeof s === 'number' ? Math.round((s * 1e6) / n) : null);
  return {
    httpPerSec: p.acceptedPerSec,
    e2ePerSec: p.e2ePerSec,
    e2eMs: p.e2eMs,
    httpMs: { p50: p.sendMs.p50, p95: p.sendMs.p95, p99: p.sendMs.p99 },
    httpErrors: p.errors,
    errorsByStatus: p.errorsByStatus,
    lost: p.accepted - p.seen,
    duplicates: p.duplicates,
    disconnects: p.disconnects,
    cpuSec: { ...cpu, loadgen: r2(p.loadgenCpuSec) },
    cpuUsPerMsg: {
      api: us(cpu.api),
      worker: us(cpu.worker),
      postgres: us(cpu.postgres),
      redis: us(cpu.redis),
      total: us(cpu.api + cpu.worker + cpu.postgres + cpu.redis),
      proxy: pids.proxy.length ? us(cpu.proxy) : null,
      loadgen: us(p.loadgenCpuSec),
    },
  };
}
