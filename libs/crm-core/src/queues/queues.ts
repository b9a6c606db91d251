import { interactionIdOf, type DeliveryReport, type InboundInteraction, type SendResult } from '@omnihub/channels';
import { CAPPED_BACKOFF, HOUR_OF_ATTEMPTS } from './failed-jobs';

/**
 * The job catalogue both apps import: queue names (kebab-case, never renamed once shipped) and
 * each job's payload.
 */
export const INGEST_QUEUE = 'interaction-ingest';

/**
 * Bulk imports (a call centre's batch of call logs) wait here, with their own worker
 * concurrency, so a 100,000-item import never starves live messages in INGEST_QUEUE.
 */
export const INGEST_BULK_QUEUE = 'interaction-ingest-bulk';

export const INGEST_JOB = 'ingest';

/** An inbound item, normalized by its channel's plug-in, with the interaction id the api chose. */
export type IngestJob = InboundInteraction & { id: string };

/**
 * The job id is the interaction's id (derived from the channel and idempotency key), so a
 * redelivery while the job is still kept is not queued twice.
 */
export const ingestJobId = (item: Pick<InboundInteraction, 'channel' | 'idempotencyKey'>) =>
  interactionIdOf(item.channel, item.idempotencyKey);

/** Completed jobs go quickly (the database holds the result); failed ones stay for inspection. */
const JOB_RETENTION = {
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
} as const;

/**
 * Retry policy for channel-driven writes: neither a database blip nor an hour's outage may lose a
 * message. What still fails is parked in FAILED_JOBS_QUEUE (failed-jobs.ts).
 */
export const INGEST_JOB_OPTIONS = {
  attempts: HOUR_OF_ATTEMPTS,
  backoff: { type: CAPPED_BACKOFF },
  ...JOB_RETENTION,
} as const;

/** Agents' replies waiting to be sent by the worker through their channel's adapter. */
export const OUTBOUND_SEND_QUEUE = 'outbound-send';

export const OUTBOUND_SEND_JOB = 'send';

/** The reply is already stored (`queued`); the job only names it. */
export interface OutboundSendJob {
  interactionId: string;
  /** The provider's answer, saved before the database write that records it (sent at most once). */
  sent?: SendResult;
}

/** The job id is the interaction's: queueing the same reply twice sends it once. */
export const outboundSendJobId = (job: OutboundSendJob) => job.interactionId;

/**
 * Provider outages and network errors are retried with growing pauses (1 s … 16 s); an answer
 * that will not change (a 4xx) fails the reply at once, without retries.
 */
export const OUTBOUND_SEND_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1000 },
  ...JOB_RETENTION,
} as const;

/** Providers' delivery news about messages the hub sent (Twilio's status callbacks). */
export const DELIVERY_STATUS_QUEUE = 'delivery-status';

export const DELIVERY_STATUS_JOB = 'delivery-status';

export type DeliveryStatusJob = DeliveryReport;

/** One job per message and status: a redelivered callback is not queued twice. */
export const deliveryStatusJobId = (job: DeliveryStatusJob) => encodeURIComponent(`${job.channel}:${job.providerId}:${job.providerStatus}`);

/**
 * A callback can beat the sender's record of the message id by a moment: the job retries until
 * the message is known (about a minute), as an ingest job retries a database blip.
 */
export const DELIVERY_STATUS_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: CAPPED_BACKOFF },
  ...JOB_RETENTION,
} as const;

/**
 * The retention scan, in a queue of its own so a long scan never holds up live ingest; one scan
 * runs at a time across every worker (the queue's global concurrency is 1).
 */
export const RETENTION_SCAN_QUEUE = 'retention-scan';

export const RETENTION_SCAN_JOB = 'scan';

/** The job scheduler that adds a scan job on `RETENTION_SCAN_CRON`. */
export const RETENTION_SCAN_SCHEDULER = 'retention-scan-schedule';

/** `requestedBy`: who asked for a scan now (an admin), for the logs; absent for the schedule. */
export interface RetentionScanJob {
  requestedBy?: string;
}

export interface RetentionScanJobResult {
  evaluated: number;
  tasksCreated: number;
}

/** A scan is cheap to repeat (it adds nothing the second time): a failed one is not retried. */
export const RETENTION_SCAN_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { age: 24 * 3600, count: 100 },
  removeOnFail: { age: 14 * 24 * 3600, count: 100 },
} as const;
