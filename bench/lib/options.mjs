// The bench's command line: --help text, parsing, and validation into one options object.
import { parseArgs } from 'node:util';

const HELP = `usage: npm run bench -- [options]

Runs the shared load generator against the hub (dist/: build first, or --commit) and against the floor
(../shared/bench/floor), alternating hub and floor within each round, and prints hub, floor and
hub/floor for every figure (medians over rounds).

  --messages N            messages per run (default 20000); rate runs send min(N, rate × --rate-seconds)
  --customers N           distinct customers (default 2000)
  --rounds N              rounds; each runs every scenario on both sides (default 3)
  --scenarios LIST        any of max,100,300,1000,split,isolation,email,chat,retention,inbox,affinity (default max,100,300,1000); split
                          measures each process kind alone: the api fills the paused ingest queue as
                          fast as it can (no worker consuming), then the worker(s) drain it (no agent
                          connected), giving the ceiling of one api and of one worker; isolation (hub
                          only) measures SMS at --isolation-rate idle, then again while a bulk import
                          of --import-count call logs is posted, and reports the p99 ratio; email
                          (hub only) measures an SMS max pass, then --email-count mails through the
                          webhook, through SMTP and through both, and reports email msg/s ÷ SMS msg/s;
                          chat (hub only) measures SMS at --chat-rate, then --chat-visitors visitor
                          sockets sending at the same rate, and reports the p99 ratio and the api's
                          memory per visitor; retention (hub only) seeds --retention-customers
                          histories and times the retention scan at both sizes, the second while SMS
                          runs at --retention-rate, and reports the scan-time ratio and the SMS p99
                          ratio to an idle pass
                          memory per visitor; inbox (hub only) seeds --inbox-small and then
                          --inbox-conversations conversations in SQL and times the inbox's list and
                          conversation routes and the first screen in Chromium at both sizes
                          memory per visitor; affinity (hub only, its own database, Redis db 14 and
                          lock) times the retention scan with extension offers over
                          --affinity-customers customers and --affinity-events ÷ 10, then
                          --affinity-events, purchase events seeded in SQL, and reports the ratio
  --rate-seconds S        length of the fixed-rate runs (default 30)
  --quick                 smoke run: 1000 messages, 200 customers, 1 round, 5 s rate runs, warm-up 100,
                          5000 call logs to import, 300 mails per email pass
  --hub-apis N            api processes (default 1); >1 puts a round-robin TCP balancer in front
  --hub-workers N         worker processes (default 1); the floor runs the same topology
  --worker-concurrency N  jobs in flight per worker process, both sides (default 16)
  --http-concurrency N    load generator HTTP connections (default 64)
  --warmup N              unmeasured warm-up messages per run (default 500)
  --sides LIST            hub,floor (default both)
  --redis-cluster         a third side, hub-cluster: the hub on a private 3-master Redis Cluster
                          (REDIS_CLUSTER_NODES) the bench starts on free loopback ports, empties
                          (FLUSHALL on each master) around every run and stops at the end; each
                          round runs hub, hub-cluster and floor in turn, and the report adds
                          hub-cluster, hub-cluster/floor and hub-cluster/hub (its Redis CPU is the
                          sum of its nodes). Scenarios max and rates only; not with --trace
  --isolation-rate R      isolation: the SMS rate offered in both phases, msg/s (default 300)
  --import-count N        isolation: call logs imported during the second phase (default 100000)
  --import-batch N        isolation: call logs per POST /api/call-logs, 1–1000 (default 1000)
  --import-concurrency N  isolation: import requests in flight (default 4)
  --email-count N         email: mails per pass (webhook, SMTP, both), default 2000
  --email-bytes N         email: size of each mail, bytes (default 20480)
  --email-attachment-bytes N  email: size of its attachment before base64, bytes (default 2048)
  --email-concurrency N   email: webhook requests in flight (default: --http-concurrency, as the SMS pass)
  --smtp-connections N    email: SMTP connections (bench/lib/smtp-client.mjs), two mails queued per connection
                          (default: --http-concurrency, at most 90); the both pass uses half of each, so
                          as many mails are in flight in every pass as SMS messages in the SMS pass
  --chat-visitors N       chat: visitor sockets connected to one hub (default 1000)
  --chat-rate R           chat: messages/s offered in total, and the SMS rate it is compared with
                          (default 300)
  --chat-connect-concurrency N  chat: visitors connecting at once (default 50)
  --retention-customers SMALL,LARGE  retention: customers seeded for the first and the second scan
                          (default 10000,100000)
  --retention-interactions N  retention: interactions seeded per customer (default 30)
  --retention-rate R      retention: the SMS rate offered idle and during the scan, msg/s (default 100)
  --inbox-conversations N inbox: conversations at the large size (default 100000; 10000 with --quick)
  --inbox-small N         inbox: conversations at the small size, timed first in the same run (default 1000)
  --inbox-interactions N  inbox: interactions per conversation (default 10: 1,000,000 at the large size)
  --inbox-requests N      inbox: timed requests per route and size, after 100 warm-up (default 300)
  --inbox-tti-loads N     inbox: cold loads of the first screen in Chromium per size (default 5)
  --affinity-customers N  affinity: retained customers (default 100000; --quick 10000)
  --affinity-events N     affinity: purchase events of the second pass (default 1000000; --quick 100000)
  --affinity-products N   affinity: products in the catalogue (default 200)
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
created for every run, Redis db 12 (hub) and db 13 (floor), flushed before every run (FLUSHDB only);
with --redis-cluster also omnihub_bench_cluster, and the bench's own cluster instead of a Redis db.
Environment: BENCH_PG_URL (admin connection, default postgres://postgres@127.0.0.1:5432/postgres),
BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_SHARED_DIR (default ../shared/bench).`;

/** Scenarios the floor cannot run: it speaks SMS only and has no CRM. */
export const HUB_ONLY = ['isolation', 'email', 'chat', 'retention', 'inbox', 'affinity'];
/** Scenarios on stores of their own, under a lock of their own: they need not wait for an SMS bench. */
export const OWN_STORES = ['affinity'];

/** Parses `argv`; prints the help and exits on --help, exits 2 on a bad value. */
export function readOptions(argv) {
  const { values: a } = parseArgs({
    args: argv,
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
      'redis-cluster': { type: 'boolean', default: false },
      'isolation-rate': { type: 'string', default: '300' },
      'import-count': { type: 'string' },
      'import-batch': { type: 'string', default: '1000' },
      'import-concurrency': { type: 'string', default: '4' },
      'email-count': { type: 'string' },
      'email-bytes': { type: 'string', default: '20480' },
      'email-attachment-bytes': { type: 'string', default: '2048' },
      'email-concurrency': { type: 'string' },
      'smtp-connections': { type: 'string' },
      'chat-visitors': { type: 'string', default: '1000' },
      'chat-rate': { type: 'string', default: '300' },
      'chat-connect-concurrency': { type: 'string', default: '50' },
      'retention-customers': { type: 'string' },
      'retention-interactions': { type: 'string', default: '30' },
      'retention-rate': { type: 'string', default: '100' },
      'inbox-conversations': { type: 'string' },
      'inbox-small': { type: 'string', default: '1000' },
      'inbox-interactions': { type: 'string', default: '10' },
      'inbox-requests': { type: 'string', default: '300' },
      'inbox-tti-loads': { type: 'string', default: '5' },
      'affinity-customers': { type: 'string' },
      'affinity-events': { type: 'string' },
      'affinity-products': { type: 'string', default: '200' },
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
    scenarios: list(a.scenarios),
    sides: list(a.sides),
    isolation: {
      rate: int('isolation-rate', a['isolation-rate'], 1),
      importCount: int('import-count', a['import-count'] ?? (quick ? 5000 : 100000), 1),
      importBatch: int('import-batch', a['import-batch'], 1, 1000),
      importConcurrency: int('import-concurrency', a['import-concurrency'], 1),
    },
    email: {
      count: int('email-count', a['email-count'] ?? (quick ? 300 : 2000), 1),
      bytes: int('email-bytes', a['email-bytes'], 1000),
      attachmentBytes: int('email-attachment-bytes', a['email-attachment-bytes'], 1),
      concurrency: int('email-concurrency', a['email-concurrency'] ?? a['http-concurrency'], 1),
      smtpConnections: int('smtp-connections', a['smtp-connections'] ?? String(Math.min(90, Number(a['http-concurrency']))), 1, 90),
    },
    chat: {
      visitors: int('chat-visitors', a['chat-visitors'], 1),
      rate: int('chat-rate', a['chat-rate'], 1),
      connectConcurrency: int('chat-connect-concurrency', a['chat-connect-concurrency'], 1),
    },
    retention: retentionSizes(a['retention-customers'] ?? (quick ? '1000,10000' : '10000,100000')),
    inbox: {
      conversations: int('inbox-conversations', a['inbox-conversations'] ?? (quick ? 10000 : 100000), 1),
      small: int('inbox-small', a['inbox-small'], 1),
      perConversation: int('inbox-interactions', a['inbox-interactions'], 1),
      requests: int('inbox-requests', a['inbox-requests'], 10),
      ttiLoads: int('inbox-tti-loads', a['inbox-tti-loads'], 1),
    },
    affinity: {
      customers: int('affinity-customers', a['affinity-customers'] ?? (quick ? 10000 : 100000), 1),
      events: int('affinity-events', a['affinity-events'] ?? (quick ? 100000 : 1000000), 10),
      products: int('affinity-products', a['affinity-products'], 2),
    },
    redisCluster: a['redis-cluster'],
    profile: a.profile,
    trace: a.trace,
  };
  opt.retention.interactions = int('retention-interactions', a['retention-interactions'], 1, 1000);
  opt.retention.rate = int('retention-rate', a['retention-rate'], 1);
  for (const s of opt.scenarios) {
    if (!['max', 'split', ...HUB_ONLY].includes(s) && !(Number(s) > 0)) {
      console.error(`--scenarios: "${s}" is neither max, split, ${HUB_ONLY.join(', ')} nor a rate`);
      process.exit(2);
    }
  }
  for (const s of opt.sides) {
    if (s !== 'hub' && s !== 'floor') {
      console.error(`--sides: "${s}" is neither hub nor floor (--redis-cluster adds the side hub-cluster)`);
      process.exit(2);
    }
  }
  for (const s of HUB_ONLY) {
    if (opt.scenarios.includes(s) && !opt.sides.includes('hub')) {
      console.error(`--scenarios ${s} runs on the hub only (the floor speaks SMS only): add hub to --sides`);
      process.exit(2);
    }
  }
  if (opt.redisCluster) {
    // split pauses a queue on one server; the hub-only scenarios compare the hub with itself.
    const other = opt.scenarios.filter((s) => s !== 'max' && !(Number(s) > 0));
    if (other.length) {
      console.error(`--redis-cluster runs the SMS scenarios max and rates only, not ${other.join(', ')}`);
      process.exit(2);
    }
    // The counting proxy stands for one server; a cluster client is sent on to each node's own port.
    if (opt.trace) {
      console.error('--redis-cluster and --trace cannot be combined');
      process.exit(2);
    }
    // Next to the hub on one Redis, so that the round's order alternates hub, hub-cluster, floor.
    const at = opt.sides.includes('hub') ? opt.sides.indexOf('hub') + 1 : 0;
    opt.sides.splice(at, 0, 'hub-cluster');
  }
  if (opt.scenarios.includes('inbox') && opt.inbox.small >= opt.inbox.conversations) {
    console.error('--inbox-small must be below --inbox-conversations');
    process.exit(2);
  }
  return { opt, commit: a.commit, writeMd: a['write-md'], label: a.label ?? null };
}

function retentionSizes(text) {
  const [small, large] = list(text).map((x) => int('retention-customers', x, 1));
  if (!(large > small)) {
    console.error(`--retention-customers must be SMALL,LARGE with LARGE > SMALL, got ${text}`);
    process.exit(2);
  }
  return { small, large };
}

function int(name, value, min, max = Infinity) {
  const v = Number(value);
  if (!Number.isInteger(v) || v < min || v > max) {
    console.error(`--${name} must be a whole number >= ${min}${max < Infinity ? ` and <= ${max}` : ''}, got ${value}`);
    process.exit(2);
  }
  return v;
}

const list = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
