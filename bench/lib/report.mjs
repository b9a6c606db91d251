// Medians over rounds, hub/floor ratios, and the tables (console text and Markdown).

export const SCENARIO_TITLES = {
  max: 'as fast as possible (--rate 0)',
  100: '100 msg/s offered',
  300: '300 msg/s offered',
  1000: '1,000 msg/s offered',
  'api-alone': 'api alone: webhooks accepted into the paused queue, as fast as possible',
  'worker-alone': 'worker alone: draining the queue the api filled',
  'isolation-idle': 'isolation, phase 1: SMS at a fixed rate, nothing else running',
  'isolation-import': 'isolation, phase 2: the same SMS load while call logs are imported',
  'email-sms': 'email run, SMS as fast as possible (the ratio\u2019s denominator)',
  'email-webhook': 'email through POST /webhooks/email, as fast as possible',
  'email-smtp': 'email through the SMTP listener, as fast as possible',
  'email-both': 'email through the webhook and SMTP at once, as fast as possible',
  'chat-sms': 'chat run, SMS at the chat rate (the ratio\u2019s denominator)',
  chat: 'chat: visitor sockets at a fixed total rate',
  'retention-idle': 'retention, phase 1: SMS at a fixed rate, nothing else running',
  'retention-scan': 'retention, phase 2: the same SMS load while the large scan runs',
  'inbox-small': 'inbox routes and first screen, small database (--inbox-small conversations)',
  'inbox-large': 'inbox routes and first screen, large database (--inbox-conversations)',
  'affinity-small': 'affinity: the retention scan with extension offers, 10× fewer purchase events',
  affinity: 'affinity: the retention scan with extension offers',
};

const MB = (b) => (typeof b === 'number' ? Math.round((b / 1048576) * 10) / 10 : null);

// [key, label, value of one run, how summarised: 'median' | 'sum']
export const FIGURES = [
  ['e2ePerSec', 'end-to-end msg/s', (r) => r.e2ePerSec],
  ['httpPerSec', 'HTTP accepted msg/s', (r) => r.httpPerSec],
  ['drainPerSec', 'queue drained by the worker(s), msg/s', (r) => r.drainPerSec],
  ['e2eP50', 'e2e latency p50 ms', (r) => r.e2eMs.p50],
  ['e2eP95', 'e2e latency p95 ms', (r) => r.e2eMs.p95],
  ['e2eP99', 'e2e latency p99 ms', (r) => r.e2eMs.p99],
  ['httpP50', 'HTTP latency p50 ms', (r) => r.httpMs.p50],
  ['httpP99', 'HTTP latency p99 ms', (r) => r.httpMs.p99],
  ['cpuApi', 'CPU µs/msg api', (r) => r.cpuUsPerMsg.api],
  ['cpuWorker', 'CPU µs/msg worker', (r) => r.cpuUsPerMsg.worker],
  ['cpuPostgres', 'CPU µs/msg postgres', (r) => r.cpuUsPerMsg.postgres],
  ['cpuRedis', 'CPU µs/msg redis', (r) => r.cpuUsPerMsg.redis],
  ['cpuTotal', 'CPU µs/msg api+worker+pg+redis', (r) => r.cpuUsPerMsg.total],
  ['cpuProxy', 'CPU µs/msg proxy: balancer or --trace (not in total)', (r) => r.cpuUsPerMsg.proxy],
  ['cpuLoadgen', 'CPU µs/msg load generator (not in total)', (r) => r.cpuUsPerMsg.loadgen],
  ['pgXact', 'PostgreSQL transactions/msg', (r) => r.pg?.xactPerMsg],
  ['redisDbMB', 'Redis MB held by the run\u2019s db after it', (r) => MB(r.redis?.dbBytes)],
  ['redisKeys', 'Redis keys after the run', (r) => r.redis?.keys],
  ['redisUsedMB', 'Redis used_memory MB after (server-wide)', (r) => MB(r.redis?.usedMemory)],
  ['httpErrors', 'HTTP errors (sum of rounds)', (r) => r.httpErrors, 'sum'],
  ['lost', 'lost messages (sum of rounds)', (r) => r.lost, 'sum'],
  ['duplicates', 'duplicated events (sum of rounds)', (r) => r.duplicates, 'sum'],
];

// The isolation scenario's own figures, on its rows only.
export const ISOLATION_FIGURES = [
  ['p99Ratio', 'e2e p99 during the import / idle p99 (same run)', (r) => r.p99Ratio],
  ['importPerSec', 'call logs imported/s (first post → last stored)', (r) => r.importPerSec],
  ['importPostedPerSec', 'call logs accepted/s over HTTP', (r) => r.importPostedPerSec],
  ['importStored', 'call logs stored', (r) => r.importStored],
  ['importMissing', 'call logs not stored (sum of rounds)', (r) => r.importMissing, 'sum'],
  ['smsOverlap', 'share of the SMS sending time the import covered', (r) => r.smsOverlap],
];
// The email and chat scenarios' own figures, on their rows only.
export const EMAIL_FIGURES = [
  ['emailToSms', 'email msg/s ÷ SMS max msg/s (same run)', (r) => r.emailToSms],
  ['mailKB', 'mean mail size KB', (r) => r.mailKB],
];
export const CHAT_FIGURES = [
  ['chatP99Ratio', 'chat e2e p99 / SMS p99 at the same rate (same run)', (r) => r.chatP99Ratio],
  ['visitors', 'visitor sockets connected', (r) => r.visitors],
  ['kbPerVisitor', 'api RSS KB per connected visitor', (r) => r.kbPerVisitor],
  ['visitorsConnectPerSec', 'visitors connected/s (until their session)', (r) => r.visitorsConnectPerSec],
  ['visitorDisconnects', 'visitor sockets not connected at the end (sum of rounds)', (r) => r.visitorDisconnects, 'sum'],
];
export const RETENTION_FIGURES = [
  ['scanSmallSec', 'scan of the small customer set, s', (r) => r.scanSmallSec],
  ['scanLargeSec', 'scan of the large customer set, s', (r) => r.scanLargeSec],
  ['scanRatio', 'large scan time / small scan time (same run)', (r) => r.scanRatio],
  ['scanP99Ratio', 'SMS e2e p99 during the scan / idle p99 (same run)', (r) => r.scanP99Ratio],
  ['scanOverlap', 'share of the SMS sending time the scan covered', (r) => r.scanOverlap],
];
// The inbox scenario's figures: its rows time agent requests, not messages, so they have only these.
export const INBOX_FIGURES = [
  ['conversations', 'conversations in the database', (r) => r.conversations],
  ['interactions', 'interactions in the database', (r) => r.interactions],
  ['seedSeconds', 'seconds to seed this size (SQL, set-based)', (r) => r.seedSeconds],
  ['listP50', 'GET /api/conversations?limit=25 p50 ms', (r) => r.listP50],
  ['listP95', 'GET /api/conversations?limit=25 p95 ms', (r) => r.listP95],
  ['listOpenP95', 'GET /api/conversations?status=open&limit=25 p95 ms', (r) => r.listOpenP95],
  ['conversationP50', 'GET /api/conversations/:id p50 ms', (r) => r.conversationP50],
  ['conversationP95', 'GET /api/conversations/:id p95 ms', (r) => r.conversationP95],
  ['listRatio', 'list p95 ÷ the small size\u2019s (same run)', (r) => r.listRatio],
  ['listOpenRatio', 'open list p95 ÷ the small size\u2019s (same run)', (r) => r.listOpenRatio],
  ['conversationRatio', 'conversation p95 ÷ the small size\u2019s (same run)', (r) => r.conversationRatio],
  ['ttiMs', 'first screen to interactive in Chromium, median ms', (r) => r.ttiMs],
  ['httpErrors', 'HTTP errors (sum of rounds)', (r) => r.httpErrors, 'sum'],
];
// The affinity scenario's figures: a scan, not a message stream.
export const AFFINITY_FIGURES = [
  ['scanSec', 'scan seconds (POST /api/admin/retention-scan)', (r) => r.scanSec],
  ['scanRatio', 'scan time ÷ the 10× smaller pass (same run)', (r) => r.scanRatio],
  ['customers', 'customers', (r) => r.customers],
  ['events', 'purchase events', (r) => r.events],
  ['evaluated', 'customers evaluated', (r) => r.evaluated],
  ['extensionTasks', 'extension tasks opened', (r) => r.extensionTasks],
  ['affinityPairs', 'product affinities strong enough to offer on', (r) => r.affinityPairs],
  ['scanCpuWorker', 'worker CPU s during the scan', (r) => r.scanCpuSec?.worker],
  ['scanCpuPostgres', 'PostgreSQL CPU s during the scan', (r) => r.scanCpuSec?.postgres],
  ['seedSec', 'seed seconds (SQL, not measured)', (r) => r.seedSec],
];
const figuresFor = (scenario) =>
  scenario.startsWith('affinity')
    ? AFFINITY_FIGURES
    : scenario.startsWith('inbox-')
      ? INBOX_FIGURES
      : scenario.startsWith('isolation')
        ? [...FIGURES, ...ISOLATION_FIGURES]
        : /^email-(webhook|smtp|both)$/.test(scenario)
          ? [...FIGURES, ...EMAIL_FIGURES]
          : scenario === 'chat'
            ? [...FIGURES, ...CHAT_FIGURES]
            : scenario === 'retention-scan'
              ? [...FIGURES, ...RETENTION_FIGURES]
              : FIGURES;

export function median(xs) {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ratioOf = (a, b) => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? Math.round((a / b) * 100) / 100 : null);

/**
 * runs: per-run summaries → [{ scenario, hub: {key: v}, floor: {...}, 'hub-cluster': {...}, ratio (hub/floor),
 * clusterToFloor, clusterToHub: {...}, runs: {hub, floor, 'hub-cluster'}, e2eRange }] in run order.
 */
export function summarise(runs) {
  const out = [];
  const scenarios = [...new Set(runs.map((r) => r.scenario))];
  for (const scn of scenarios) {
    const entry = {
      scenario: scn,
      hub: {},
      floor: {},
      'hub-cluster': {},
      ratio: {},
      clusterToFloor: {},
      clusterToHub: {},
      runs: {},
      e2eRange: {},
    };
    for (const side of ['hub', 'floor', 'hub-cluster']) {
      const rs = runs.filter((r) => r.scenario === scn && r.side === side && !r.error);
      entry.runs[side] = rs.length;
      if (!rs.length) continue;
      for (const [key, , f, how] of figuresFor(scn)) {
        const vals = rs.map(f);
        const known = vals.filter((v) => typeof v === 'number');
        entry[side][key] = how === 'sum' ? (known.length ? known.reduce((x, y) => x + y, 0) : null) : median(vals);
      }
      const t = rs.map((r) => r.e2ePerSec);
      entry.e2eRange[side] = [Math.min(...t), Math.max(...t)];
    }
    for (const [key] of figuresFor(scn)) {
      const h = entry.hub[key],
        f = entry.floor[key],
        c = entry['hub-cluster'][key];
      entry.ratio[key] = ratioOf(h, f);
      entry.clusterToFloor[key] = ratioOf(c, f);
      entry.clusterToHub[key] = ratioOf(c, h);
    }
    out.push(entry);
  }
  return out;
}

const fmt = (v) => {
  if (v === null || v === undefined) return '–';
  if (typeof v !== 'number') return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return (Math.round(v * 10) / 10).toString();
  return (Math.round(v * 100) / 100).toString();
};
const fmtRatio = (v) => (v === null || v === undefined ? '–' : `${v.toFixed(2)}×`);

// With --redis-cluster every table has three more columns: the hub on the cluster, and its ratios.
const hasCluster = (entry) => entry.runs['hub-cluster'] > 0;
const tableHeader = (entry) => ['figure', 'hub', 'floor', 'hub/floor', ...(hasCluster(entry) ? CLUSTER_COLUMNS : [])];
const CLUSTER_COLUMNS = ['hub-cluster', 'hub-cluster/floor', 'hub-cluster/hub'];

function rowsFor(entry) {
  const c = entry['hub-cluster'];
  return figuresFor(entry.scenario)
    .filter(([key]) => entry.hub[key] != null || entry.floor[key] != null || c[key] != null)
    .map(([key, label]) => [
      label,
      fmt(entry.hub[key]),
      fmt(entry.floor[key]),
      fmtRatio(entry.ratio[key]),
      ...(hasCluster(entry) ? [fmt(c[key]), fmtRatio(entry.clusterToFloor[key]), fmtRatio(entry.clusterToHub[key])] : []),
    ]);
}

const runCounts = (entry) =>
  `runs: hub ${entry.runs.hub ?? 0}, floor ${entry.runs.floor ?? 0}${hasCluster(entry) ? `, hub-cluster ${entry.runs['hub-cluster']}` : ''}`;

function textTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function consoleReport(summary, meta) {
  const parts = [];
  for (const entry of summary) {
    const scn = entry.scenario;
    parts.push(`\n== ${SCENARIO_TITLES[scn] ?? scn}  (${runCounts(entry)}; medians)`);
    parts.push(textTable(tableHeader(entry), rowsFor(entry)));
  }
  for (const verdict of verdicts(summary, meta)) parts.push(`\n== ${verdict}`);
  return parts.join('\n');
}

/** The isolation scenario's answer in one sentence (issue 14: the p99 ratio must be ≤ 2), or null. */
export function isolationVerdict(summary, meta) {
  const idle = summary.find((e) => e.scenario === 'isolation-idle')?.hub;
  const busy = summary.find((e) => e.scenario === 'isolation-import')?.hub;
  if (!idle || !busy || busy.p99Ratio === undefined) return null;
  const met = typeof busy.p99Ratio === 'number' ? (busy.p99Ratio <= 2 ? 'met' : 'NOT met') : 'unknown';
  const lost = [idle.lost, busy.lost].every((x) => typeof x === 'number') ? idle.lost + busy.lost : null;
  const i = meta?.isolation;
  const sizes = i
    ? `, SMS at ${fmt(i.rate)} msg/s, ${fmt(i.importCount)} call logs in batches of ${fmt(i.importBatch)}, ${i.importConcurrency} in flight`
    : '';
  return (
    `isolation (target: p99 during the import ≤ 2 × idle p99${sizes}): SMS e2e p99 idle ${fmt(idle.e2eP99)} ms, ` +
    `during the import ${fmt(busy.e2eP99)} ms, ratio ${fmtRatio(busy.p99Ratio)}: ${met}; ` +
    `import ${fmt(busy.importPerSec)} call logs/s, ${fmt(busy.importMissing)} not stored; ${fmt(lost)} SMS lost; ` +
    `the import covered ${typeof busy.smsOverlap === 'number' ? `${Math.round(busy.smsOverlap * 100)} %` : '–'} of the SMS sending time`
  );
}

/**
 * The retention scenario's answer in one sentence (issue 17: large/small scan time ≤ 12 for 10×
 * the customers; SMS p99 during the scan ≤ 2 × idle), or null.
 */
export function retentionVerdict(summary, meta) {
  const idle = summary.find((e) => e.scenario === 'retention-idle')?.hub;
  const busy = summary.find((e) => e.scenario === 'retention-scan')?.hub;
  if (!idle || !busy || busy.scanRatio === undefined) return null;
  const r = meta?.retention;
  const growth = r ? r.large / r.small : 10;
  const linear = typeof busy.scanRatio === 'number' ? (busy.scanRatio <= 1.2 * growth ? 'met' : 'NOT met') : 'unknown';
  const quiet = typeof busy.scanP99Ratio === 'number' ? (busy.scanP99Ratio <= 2 ? 'met' : 'NOT met') : 'unknown';
  const sizes = r
    ? `${fmt(r.small)} and ${fmt(r.large)} customers with ${fmt(r.interactions)} interactions each, SMS at ${fmt(r.rate)} msg/s`
    : '';
  return (
    `retention (${sizes}): scan ${fmt(busy.scanSmallSec)} s and ${fmt(busy.scanLargeSec)} s, ratio ${fmtRatio(busy.scanRatio)} ` +
    `(target ≤ ${fmt(1.2 * growth)}): ${linear}; SMS e2e p99 idle ${fmt(idle.e2eP99)} ms, during the scan ${fmt(busy.e2eP99)} ms, ` +
    `ratio ${fmtRatio(busy.scanP99Ratio)} (target ≤ 2): ${quiet}; ${fmt((idle.lost ?? 0) + (busy.lost ?? 0))} SMS lost; ` +
    `the scan covered ${typeof busy.scanOverlap === 'number' ? `${Math.round(busy.scanOverlap * 100)} %` : '–'} of the SMS sending time`
  );
}

const verdicts = (summary, meta) =>
  [
    isolationVerdict(summary, meta),
    emailVerdict(summary, meta),
    chatVerdict(summary, meta),
    retentionVerdict(summary, meta),
    inboxVerdict(summary, meta),
    affinityVerdict(summary),
    clusterVerdict(summary),
  ].filter(Boolean);

/**
 * --redis-cluster in one sentence (issue 21: the cluster's cost against one Redis, beside hub/floor):
 * per scenario the hub on the cluster's msg/s and CPU against the hub on one Redis and the floor; or null.
 */
export function clusterVerdict(summary) {
  const entries = summary.filter(hasCluster);
  if (!entries.length) return null;
  return (
    'Redis Cluster (hub-cluster: the hub on the bench\u2019s 3-master cluster; hub: on one Redis; same run): ' +
    entries
      .map((e) => {
        const c = e['hub-cluster'];
        return (
          `${e.scenario}: ${fmt(c.e2ePerSec)} msg/s end to end (${fmtRatio(e.clusterToHub.e2ePerSec)} the hub on one Redis, ` +
          `${fmtRatio(e.clusterToFloor.e2ePerSec)} the floor; hub/floor ${fmtRatio(e.ratio.e2ePerSec)}), e2e p99 ${fmt(c.e2eP99)} ms ` +
          `(${fmtRatio(e.clusterToHub.e2eP99)}), CPU ${fmt(c.cpuTotal)} µs/msg (${fmtRatio(e.clusterToHub.cpuTotal)}), ` +
          `of which Redis ${fmt(c.cpuRedis)} µs/msg over all its nodes against ${fmt(e.hub.cpuRedis)} on one Redis ` +
          `(${fmtRatio(e.clusterToHub.cpuRedis)}), ${fmt(c.lost)} lost`
        );
      })
      .join('; ')
  );
}

/** The inbox scenario's answer in one sentence (issue 19: each route's p95 at the large size ≤ 2 × at the small one), or null. */
export function inboxVerdict(summary) {
  const small = summary.find((e) => e.scenario === 'inbox-small')?.hub;
  const large = summary.find((e) => e.scenario === 'inbox-large')?.hub;
  if (!small || !large) return null;
  const ratios = [large.listRatio, large.listOpenRatio, large.conversationRatio];
  const met = ratios.every((x) => typeof x === 'number') ? (ratios.every((x) => x <= 2) ? 'met' : 'NOT met') : 'unknown';
  return (
    `inbox (target: p95 at ${fmt(large.conversations)} conversations and ${fmt(large.interactions)} interactions ≤ 2 × at ${fmt(small.conversations)}): ` +
    `list p95 ${fmt(small.listP95)} → ${fmt(large.listP95)} ms (${fmtRatio(large.listRatio)}), ` +
    `open list ${fmt(small.listOpenP95)} → ${fmt(large.listOpenP95)} ms (${fmtRatio(large.listOpenRatio)}), ` +
    `conversation ${fmt(small.conversationP95)} → ${fmt(large.conversationP95)} ms (${fmtRatio(large.conversationRatio)}): ${met}; ` +
    `first screen to interactive in Chromium ${fmt(small.ttiMs)} → ${fmt(large.ttiMs)} ms`
  );
}

/** The affinity scenario in one sentence (issue 18: the scan's time, and its growth for 10× the events), or null. */
export function affinityVerdict(summary) {
  const small = summary.find((e) => e.scenario === 'affinity-small')?.hub;
  const big = summary.find((e) => e.scenario === 'affinity')?.hub;
  if (!small || !big) return null;
  return (
    `affinity: the retention scan of ${fmt(big.customers)} customers with extension offers takes ${fmt(big.scanSec)} s over ` +
    `${fmt(big.events)} purchase events and ${fmt(small.scanSec)} s over ${fmt(small.events)}: ${fmtRatio(big.scanRatio)} the time ` +
    `for 10× the events (${fmt(big.extensionTasks)} extension tasks from ${fmt(big.affinityPairs)} affinities)`
  );
}

/** The email scenario's answer in one sentence (issue 15: email msg/s ≥ 0.4 × SMS msg/s, 0 lost), or null. */
export function emailVerdict(summary, meta) {
  const sms = summary.find((e) => e.scenario === 'email-sms')?.hub;
  const ways = ['webhook', 'smtp', 'both'].map((w) => [w, summary.find((e) => e.scenario === `email-${w}`)?.hub]).filter(([, h]) => h);
  if (!sms || !ways.length) return null;
  const e = meta?.email;
  const sizes = e
    ? `; ${fmt(e.count)} mails per pass of ${fmt(e.bytes / 1024)} KB with a ${fmt(e.attachmentBytes / 1024)} KB attachment`
    : '';
  const met = (h) => (typeof h.emailToSms === 'number' ? (h.emailToSms >= 0.4 && h.lost === 0 ? 'met' : 'NOT met') : 'unknown');
  return (
    `email (target: email msg/s ≥ 0.4 × SMS max msg/s, 0 lost${sizes}): SMS ${fmt(sms.e2ePerSec)} msg/s; ` +
    ways
      .map(
        ([w, h]) =>
          `${w} ${fmt(h.e2ePerSec)} msg/s, ratio ${fmtRatio(h.emailToSms)}, ${fmt(h.lost)} lost, ${fmt(h.duplicates)} dup: ${met(h)}`,
      )
      .join('; ')
  );
}

/** The chat scenario's answer in one sentence (issue 16: chat p99 ≤ 1.5 × SMS p99 at the same rate), or null. */
export function chatVerdict(summary, meta) {
  const sms = summary.find((e) => e.scenario === 'chat-sms')?.hub;
  const chat = summary.find((e) => e.scenario === 'chat')?.hub;
  if (!sms || !chat) return null;
  const met = typeof chat.chatP99Ratio === 'number' ? (chat.chatP99Ratio <= 1.5 ? 'met' : 'NOT met') : 'unknown';
  const c = meta?.chat;
  const sizes = c ? `, ${fmt(c.visitors)} visitors, ${fmt(c.rate)} msg/s` : '';
  return (
    `chat (target: chat p99 ≤ 1.5 × SMS p99 at the same rate${sizes}): chat e2e p50/p95/p99 ${fmt(chat.e2eP50)}/${fmt(chat.e2eP95)}/${fmt(chat.e2eP99)} ms, ` +
    `SMS p99 ${fmt(sms.e2eP99)} ms, ratio ${fmtRatio(chat.chatP99Ratio)}: ${met}; ${fmt(chat.lost)} chat lost, ${fmt(sms.lost)} SMS lost; ` +
    `api ${fmt(chat.kbPerVisitor)} KB RSS per connected visitor`
  );
}

function mdTable(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** A compact one-row-per-scenario table, then one detailed table per scenario. */
export function markdownReport(summary, meta) {
  const lines = [];
  lines.push(`## ${meta.date} · ${meta.topology} · ${meta.rounds} round(s), medians`);
  lines.push('');
  lines.push(
    `Commit \`${meta.commit}\`${meta.dirty ? ' (with uncommitted changes)' : ''}; ${meta.machine}; ` +
      `${meta.messages.toLocaleString('en-US')} messages from ${meta.customers.toLocaleString('en-US')} customers ` +
      `(rates: ${meta.rateSeconds} s of load, at most --messages), warm-up ${meta.warmup}, worker concurrency ${meta.workerConcurrency}, ` +
      `${meta.httpConcurrency} HTTP connections; floor with FLOOR_EMIT_ALL=1 (the same three events per message). ` +
      `Load average before/after: ${meta.loadBefore} / ${meta.loadAfter}. Command: \`${meta.command}\`.`,
  );
  lines.push('');
  // The inbox rows time agent requests, not messages: they have their own sentence and table below.
  const withCluster = summary.some(hasCluster);
  const compact = summary
    .filter((e) => !e.scenario.startsWith('inbox-'))
    .map((e) => {
      const c = e['hub-cluster'];
      const scn = e.scenario;
      const pair = (k) => `${fmt(e.hub[k])} / ${fmt(e.floor[k])} (${fmtRatio(e.ratio[k])})`;
      const rateKey = scn === 'api-alone' ? 'httpPerSec' : scn === 'worker-alone' ? 'drainPerSec' : 'e2ePerSec';
      return [
        SCENARIO_TITLES[scn] ?? scn,
        pair(rateKey),
        `${fmt(e.hub.e2eP50)} / ${fmt(e.hub.e2eP99)} · ${fmt(e.floor.e2eP50)} / ${fmt(e.floor.e2eP99)}`,
        `${fmt(e.hub.cpuApi)}+${fmt(e.hub.cpuWorker)}+${fmt(e.hub.cpuPostgres)}+${fmt(e.hub.cpuRedis)} = ${fmt(e.hub.cpuTotal)} · ` +
          `${fmt(e.floor.cpuApi)}+${fmt(e.floor.cpuWorker)}+${fmt(e.floor.cpuPostgres)}+${fmt(e.floor.cpuRedis)} = ${fmt(e.floor.cpuTotal)} (${fmtRatio(e.ratio.cpuTotal)})`,
        pair('redisDbMB'),
        `${e.hub.lost ?? '–'}/${e.hub.duplicates ?? '–'} · ${e.floor.lost ?? '–'}/${e.floor.duplicates ?? '–'}`,
        ...(withCluster
          ? [
              `${fmt(c.e2ePerSec)} (${fmtRatio(e.clusterToFloor.e2ePerSec)}, ${fmtRatio(e.clusterToHub.e2ePerSec)})`,
              `${fmt(c.cpuApi)}+${fmt(c.cpuWorker)}+${fmt(c.cpuPostgres)}+${fmt(c.cpuRedis)} = ${fmt(c.cpuTotal)} (${fmtRatio(e.clusterToHub.cpuTotal)})`,
              `${c.lost ?? '–'}/${c.duplicates ?? '–'}`,
            ]
          : []),
      ];
    });
  if (compact.length)
    lines.push(
      mdTable(
        [
          'variant',
          'msg/s hub / floor (ratio): end-to-end; api alone: accepted; worker alone: drained',
          'e2e p50 / p99 ms hub · floor',
          'CPU µs/msg api+worker+pg+redis hub · floor (ratio)',
          'Redis MB after, hub / floor',
          'lost/dup hub · floor',
          ...(withCluster
            ? [
                'hub-cluster e2e msg/s (÷ floor, ÷ hub)',
                'hub-cluster CPU µs/msg api+worker+pg+redis, redis over all nodes (÷ hub)',
                'lost/dup hub-cluster',
              ]
            : []),
        ],
        compact,
      ),
    );
  for (const verdict of verdicts(summary, meta)) lines.push('', `${verdict[0].toUpperCase()}${verdict.slice(1)}.`);
  for (const entry of summary) {
    const scn = entry.scenario;
    lines.push('');
    lines.push(`<details><summary>${SCENARIO_TITLES[scn] ?? scn}: every figure</summary>`);
    lines.push('');
    lines.push(mdTable(tableHeader(entry), rowsFor(entry)));
    lines.push('');
    lines.push('</details>');
  }
  lines.push('');
  return lines.join('\n');
}

export function traceReport(runs) {
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
