// The hub-cluster side's Redis (--redis-cluster): a Redis Cluster of the bench's own, 3 masters and
// no replicas, on free loopback ports (each node's cluster bus on a second free port), joined with
// `redis-cli --cluster create` as test/support/private-cluster.ts does. Started once per bench run,
// emptied before and after each of its runs (stores.mjs), stopped and its files removed at the
// end, on Ctrl-C and on a failure. It is never the shared Redis, and never CI's cluster ports.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, startProcess, waitFor } from './procs.mjs';

const run = promisify(execFile);
export const MASTERS = 3;
// CI's cluster tier listens on 7001-7003 (buses 17001-17003). The kernel's free ports are above
// 32767 anyway; skipping these keeps that true on a machine configured otherwise.
const CI_PORTS = new Set([7001, 7002, 7003, 17001, 17002, 17003]);

async function clusterPort() {
  for (;;) {
    const port = await freePort();
    if (!CI_PORTS.has(port)) return port;
  }
}

/**
 * Starts the cluster, logs in `logDir`. Resolves to { nodeList (REDIS_CLUSTER_NODES), urls (one
 * per master, db 0: a cluster has no other), pids(), version, stop() }.
 */
export async function startCluster(logDir) {
  // Node files (nodes.conf) in a temporary folder: nothing of the cluster outlives the run.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnihub-bench-cluster-'));
  const removeData = () => fs.rmSync(dataDir, { recursive: true, force: true });
  // Also after an interrupted or failed run: run.mjs's exit handler has SIGKILLed the nodes by then.
  process.on('exit', removeData);
  const nodes = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.proc.stop(5000)));
    removeData();
  };
  try {
    for (let i = 0; i < MASTERS; i++) {
      const port = await clusterPort();
      const bus = await clusterPort();
      const dir = path.join(dataDir, `node${i}`);
      fs.mkdirSync(dir);
      // As the bench's single-Redis side is used: in memory only (no RDB, no AOF).
      const args = ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
      args.push('--cluster-enabled', 'yes', '--cluster-port', bus, '--cluster-config-file', 'nodes.conf');
      const proc = startProcess(`redis-cluster${i}`, 'redis-server', args.map(String), {}, path.join(logDir, `redis-cluster${i}.log`));
      nodes.push({ port, proc });
      await waitFor(`redis-cluster${i} to answer PING`, () => command(port, 'ping').then((r) => r === 'PONG'), { proc, timeoutMs: 15_000 });
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    await waitFor(
      'the Redis Cluster to serve all 16,384 slots',
      async () => {
        const infos = await Promise.all(nodes.map((n) => command(n.port, 'cluster', 'info')));
        return infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info));
      },
      { timeoutMs: 60_000 },
    );
    const version = /redis_version:(\S+)/.exec(await command(nodes[0].port, 'info', 'server'))?.[1];
    return {
      nodeList: addresses.join(','),
      urls: nodes.map((n) => `redis://127.0.0.1:${n.port}/0`),
      ports: nodes.map((n) => n.port),
      version,
      pids: () => nodes.map((n) => n.proc.pid),
      crashed: () => nodes.filter((n) => !n.proc.running).map((n) => `${n.proc.name} exited (${n.proc.exitCode ?? n.proc.signal})`),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** One command to one node, on a connection of its own (not a cluster client: no redirects). */
async function command(port, ...args) {
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {}); // a node still starting refuses the connection: connect() rejects, waitFor tries again
  try {
    await r.connect();
    return await r.call(...args);
  } finally {
    r.disconnect();
  }
}
