// CPU time per process group, from /proc, with the shared bench's proc-cpu tool: a snapshot before
// and after a measured window, and the difference by group (api, worker, postgres, redis, ...).
import fs from 'node:fs';
import path from 'node:path';
import { SB } from './paths.mjs';
import { runNode } from './procs.mjs';

const PROC_CPU = () => path.join(SB, 'tools', 'proc-cpu.mjs');

export async function snapshotCpu(file) {
  const { stdout } = await runNode('proc-cpu', [PROC_CPU(), 'snapshot'], {}, '/dev/null');
  fs.writeFileSync(file, stdout);
}

/** groups: { name: [pid, ...] }; empty groups are left out. CPU seconds by group, plus postgres and redis. */
export async function diffCpu(f0, f1, groups) {
  const args = [
    PROC_CPU(),
    'diff',
    f0,
    f1,
    ...Object.entries(groups)
      .filter(([, p]) => p.length)
      .map(([n, p]) => `${n}=${p.join(',')}`),
  ];
  const { stdout } = await runNode('proc-cpu', args, {}, '/dev/null');
  return JSON.parse(stdout);
}

/**
 * --redis-cluster. proc-cpu's `redis` is every redis-server on the machine that is in no named
 * group, so each run's diff names the bench's cluster nodes (group `redisCluster`): on the hub and
 * floor sides their idle CPU (cluster bus pings) stays out of `redis`, as before the cluster
 * existed; on the hub-cluster side `redis` is their sum, every master's CPU, and the machine's other
 * redis-servers (the shared one, which this side does not use) are kept apart as `redisOthers`.
 */
export function redisOfSide(side, cpu) {
  return side === 'hub-cluster' ? { ...cpu, redis: cpu.redisCluster, redisOthers: cpu.redis } : cpu;
}

/** A monotonic clock in µs, the one V8's CPU profiles use: marks the load window for --profile. */
export const monoUs = () => Number(process.hrtime.bigint() / 1000n);
