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

/** A monotonic clock in µs, the one V8's CPU profiles use: marks the load window for --profile. */
export const monoUs = () => Number(process.hrtime.bigint() / 1000n);
