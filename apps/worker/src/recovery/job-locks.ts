import type { WorkerOptions } from 'bullmq';

/**
 * How long a worker's claim on a running job lasts, and so how soon another worker takes over
 * the jobs of one that died (SIGKILL, out of memory, a lost machine). A worker renews the lock of
 * each running job every lockDuration / 2; once a lock has lapsed, the next stalled check (each
 * worker runs one every stalledInterval, and one suffices for all) puts the job back in the
 * queue. A dead worker's jobs thus run again within lockDuration + stalledInterval = 15 s,
 * rather than BullMQ's default 30 s + 30 s.
 *
 * The price of a shorter lock: a worker that cannot renew it for 10 s (its event loop blocked,
 * or Redis unreachable that long) loses its jobs to another, which runs them again. Ingest jobs
 * take milliseconds and their writes are idempotent, so that costs a repeat, never a duplicate;
 * a reply being sent at that moment could go out twice, as it could after a crash mid-send.
 * The price of a shorter interval: one more small script per worker every 5 s.
 *
 * maxStalledCount 2: a job survives two such interruptions (a crash, then a Redis restart, say)
 * before it is parked in the failed set, where it is kept and can be retried; a job that itself
 * kills its worker every time is run three times, not forever.
 */
export const JOB_LOCKS = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
} as const satisfies Partial<WorkerOptions>;
