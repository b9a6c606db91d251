import { UnrecoverableError } from 'bullmq';

/**
 * Work that could not be done after its retries, or at once when retrying cannot help, is parked
 * here (a queue no worker takes from) instead of staying in its own queue's failed set: the item's
 * job id is free again, so a redelivery is queued anew, and an admin can list and retry it.
 */
export const FAILED_JOBS_QUEUE = 'failed-jobs';

export const FAILED_JOB = 'failed';

export interface FailedJobRecord {
  /** The queue the job failed in, where a retry sends it back. */
  queue: string;
  jobId: string;
  name: string;
  data: unknown;
  channel: string | null;
  idempotencyKey: string | null;
  failedReason: string;
  attempts: number;
  failedAt: string;
}

/** A parked job's id: unique per original queue and job. */
export const failedJobId = (queue: string, jobId: string) => `${queue}--${jobId}`;

/**
 * Retries pause 0.5 s, doubling up to a minute, then a minute each: a database or Redis blip
 * clears in seconds, and an outage of up to an hour loses nothing (see the attempts below).
 */
export const CAPPED_BACKOFF = 'capped';
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 60_000;

export function cappedBackoff(attemptsMade: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, attemptsMade - 1), MAX_DELAY_MS);
}

/** Attempts whose pauses add up to a little over an hour with cappedBackoff. */
export const HOUR_OF_ATTEMPTS = 70;

/** Worker settings every processor shares, so the `capped` backoff type is known. */
export const WORKER_SETTINGS = { backoffStrategy: cappedBackoff };

/**
 * PostgreSQL's data exceptions (class 22: bad encoding, out-of-range values) and integrity
 * violations (class 23) fail the same way every time: retrying only delays the alarm.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof UnrecoverableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
