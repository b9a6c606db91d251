import type { InboundInteraction } from '@omnihub/channels';

/**
 * The job catalogue both apps import: queue names (kebab-case, never renamed once shipped) and
 * each job's payload.
 */
export const INGEST_QUEUE = 'interaction-ingest';

export const INGEST_JOB = 'ingest';

/** An inbound item, normalized by its channel adapter. */
export type IngestJob = InboundInteraction;

/**
 * The job id is the item's idempotency key, so a redelivery while the job is still kept is not
 * queued twice. Encoded because BullMQ refuses `:` in custom ids.
 */
export const ingestJobId = (item: InboundInteraction) => encodeURIComponent(`${item.channel}:${item.idempotencyKey}`);

/** Retry policy for channel-driven writes: a database blip must not lose a message. */
export const INGEST_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  // Completed jobs go quickly (the database holds the result); failed ones stay for inspection.
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
} as const;
