// One side's processes for one run: its api(s) on free loopback ports (behind a round-robin TCP
// balancer when there are several), its worker(s), and, with --trace, the counting proxy every
// process's PostgreSQL and Redis connections go through. Stops exactly what it started.
import path from 'node:path';
import { SB, TCP_PROXY, apiMain, workerMain } from './paths.mjs';
import { freePort, httpOk, startNode, waitFor } from './procs.mjs';
import { SIDES, REDIS_BASE, analyzeAsItFills, dbUrl, pgHostPort, redisHostPort, setQueuePaused } from './stores.mjs';

export const SECRETS = {
  jwtSecret: 'omnihub-bench-jwt-secret-0123456789',
  adminEmail: 'admin@bench.test',
  adminPassword: 'bench-admin-password-1',
  twilioAuthToken: 'bench0auth0token0123456789abcdef',
  emailWebhookToken: 'bench-email-webhook-token-0123456789',
};

/**
 * Starts `side` (hub, hub-cluster or floor) for the run `id`, logs in `dir`. pauseQueue: the ingest queue is paused before any
 * worker starts (the `split` scenario). hubEnv(name): more variables for the hub's process `name`
 * (api0, worker0, ...: the email and chat scenarios' settings). stores: the database and Redis db
 * (the side's own by default). ctx: { hubRoot, profDir, hubChecked }.
 */
export async function startSide(side, { id, dir, pauseQueue, opt, ctx, hubEnv = () => ({}), stores = SIDES[side] }) {
  const { db, redisDb, cluster } = stores;
  const apiPorts = [];
  for (let i = 0; i < opt.apis; i++) apiPorts.push(await freePort());
  const names = [...apiPorts.map((_, i) => `api${i}`), ...Array.from({ length: opt.workers }, (_, j) => `worker${j}`)];
  const trace = opt.trace ? await startTraceProxy(dir, names) : null;
  const urls = (name) => ({
    DATABASE_URL: dbUrl(db, trace?.ports[name].pg),
    // hub-cluster: the cluster instead of REDIS_URL (the hub refuses both); --trace is refused with it.
    ...(cluster
      ? { REDIS_CLUSTER_NODES: cluster.nodeList }
      : { REDIS_URL: trace ? `redis://127.0.0.1:${trace.ports[name].redis}/${redisDb}` : `${REDIS_BASE}/${redisDb}` }),
  });

  let front = apiPorts[0];
  let balancer = null;
  if (opt.apis > 1) {
    front = await freePort();
    balancer = await startBalancer(dir, front, apiPorts);
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
  if (side !== 'floor') {
    // Inbound needs only TWILIO_AUTH_TOKEN; without an account SID nothing can be sent to Twilio.
    // Every request comes from this one machine's address: the limits are still counted (their
    // cost is part of what is measured) but set far above any rate a bench run reaches.
    const unreachable = String(1e9);
    const limits = {
      RATE_LIMIT_PARTNER_PER_KEY: unreachable,
      RATE_LIMIT_PARTNER_PER_ADDRESS: unreachable,
      RATE_LIMIT_WEBHOOKS_PER_ADDRESS: unreachable,
    };
    const env = { ...common, ...limits, LOG_LEVEL: 'warn', SMTP_INBOUND_PORT: '0' };
    for (const [i, port] of apiPorts.entries()) {
      // One after another: the first runs the migrations.
      const p = startNode(
        `api${i}`,
        [...nodeArgs(`api${i}`), apiMain(ctx.hubRoot)],
        { ...env, ...hubEnv(`api${i}`), ...urls(`api${i}`), PORT: String(port) },
        path.join(dir, `api${i}.log`),
        { cwd: ctx.hubRoot },
      );
      apis.push(p);
      await waitFor(`hub api${i} /health/ready`, () => httpOk(`http://127.0.0.1:${port}/health/ready`), { proc: p, timeoutMs: 90_000 });
    }
    if (pauseQueue) await setQueuePaused(side, true);
    for (let j = 0; j < opt.workers; j++) {
      const port = await freePort();
      const p = startNode(
        `worker${j}`,
        [...nodeArgs(`worker${j}`), workerMain(ctx.hubRoot)],
        { ...env, ...hubEnv(`worker${j}`), ...urls(`worker${j}`), PORT: String(port) },
        path.join(dir, `worker${j}.log`),
        { cwd: ctx.hubRoot },
      );
      workers.push(p);
      await waitFor(`hub worker${j} /health/ready`, () => httpOk(`http://127.0.0.1:${port}/health/ready`), { proc: p, timeoutMs: 90_000 });
    }
    if (!ctx.hubChecked) {
      await checkSmsWebhook(apiPorts[0]);
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
    if (pauseQueue) await setQueuePaused(side, true);
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

  const proxies = [balancer, trace?.proc].filter(Boolean);
  const stopAnalyze = analyzeAsItFills(db);
  return {
    base: publicBase,
    profDir,
    apis,
    workers,
    /** The counting proxy's control port (--trace), else null. */
    traceControl: trace?.control ?? null,
    pids: () => ({ api: apis.map((p) => p.pid), worker: workers.map((p) => p.pid), proxy: proxies.map((p) => p.pid) }),
    crashed: () => [...apis, ...workers].filter((p) => !p.running).map((p) => `${p.name} exited (${p.exitCode ?? p.signal})`),
    async stop() {
      await stopAnalyze();
      await Promise.all([...apis, ...workers].map((p) => p.stop()));
      await Promise.all(proxies.map((p) => p.stop()));
    },
  };
}

/** The SMS webhook must exist: an unsigned post gets 403 from it, 404 without it. */
async function checkSmsWebhook(port) {
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/twilio/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'MessageSid=SMx&From=%2B14155550111&Body=x',
  });
  await res.arrayBuffer();
  if (res.status === 404)
    throw new Error('the hub has no POST /webhooks/twilio/sms yet (404): rebuild after it lands, or run --sides floor');
}

async function startBalancer(dir, front, apiPorts) {
  const control = await freePort();
  const config = {
    control,
    listeners: [{ name: 'front', port: front, targets: apiPorts.map((port) => ({ host: '127.0.0.1', port })) }],
  };
  const proc = startNode('balancer', [TCP_PROXY, JSON.stringify(config)], {}, path.join(dir, 'balancer.log'));
  await waitFor('the balancer', () => httpOk(`http://127.0.0.1:${control}/stats`), { proc, timeoutMs: 10_000 });
  return proc;
}

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
  const proc = startNode('trace-proxy', [TCP_PROXY, JSON.stringify({ control, listeners })], {}, path.join(dir, 'trace-proxy.log'));
  await waitFor('the trace proxy', () => httpOk(`http://127.0.0.1:${control}/stats`), { proc, timeoutMs: 10_000 });
  return { proc, ports, control };
}
