// One pass of the shared SMS load generator against a running side; its full result lands in
// `json`, its log in `logFile`.
import fs from 'node:fs';
import path from 'node:path';
import { SB } from './paths.mjs';
import { runNode } from './procs.mjs';
import { SECRETS } from './topology.mjs';

const SEED = 1;

/**
 * messages at `rate` msg/s (0: as fast as possible), after `warmup` unmeasured ones; waits at most
 * drainTimeoutS for the events, then `graceMs` for duplicates. Resolves to the exit and the
 * parsed result (null when the load generator wrote none).
 */
export async function runLoadgen({ base, messages, rate, warmup, drainTimeoutS, graceMs, label, json, logFile, opt }) {
  const args = [
    path.join(SB, 'loadgen', 'ingest.mjs'),
    '--base',
    base,
    '--public-base',
    base,
    '--auth-token',
    SECRETS.twilioAuthToken,
    '--admin-email',
    SECRETS.adminEmail,
    '--admin-password',
    SECRETS.adminPassword,
    '--customers',
    String(opt.customers),
    '--messages',
    String(messages),
    '--rate',
    String(rate),
    '--concurrency',
    String(opt.httpConcurrency),
    '--warmup',
    String(warmup),
    '--seed',
    String(SEED),
    '--drain-timeout',
    String(drainTimeoutS),
    '--grace',
    String(graceMs),
    '--label',
    label,
    '--json',
    json,
  ];
  const timeoutMs = ((rate ? messages / rate : messages / 50) + Math.max(120, drainTimeoutS) + 180) * 1000;
  const exit = await runNode('loadgen', args, {}, logFile, { cwd: SB, timeoutMs });
  return { exit, result: fs.existsSync(json) ? JSON.parse(fs.readFileSync(json, 'utf8')) : null };
}

/** The error for a pass that wrote no result: its exit, the tail of its log, crashed processes. */
export function loadgenFailed(id, exit, logFile, crashed) {
  const tail = fs.readFileSync(logFile, 'utf8').slice(-2000);
  return new Error(`${id}: the load generator failed (exit ${exit.code ?? exit.signal}):\n${tail}\n${crashed.join('\n')}`);
}
