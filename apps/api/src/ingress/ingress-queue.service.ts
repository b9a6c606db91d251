import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import type { InboundInteraction } from '@omnihub/channels';
import {
  INGEST_BULK_QUEUE,
  INGEST_JOB,
  INGEST_QUEUE,
  ingestJobId,
  QueueReplication,
  queryRows,
  restAfter,
  type IngestJob,
} from '@omnihub/crm-core';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AddCoalescer } from './add-coalescer';

export interface EnqueueOutcome {
  accepted: number;
  duplicates: number;
}

/** Requests carrying more items than this are imports: they queue apart from live traffic. */
const BULK_THRESHOLD = 10;
/** An import is queued this many items at a time, and rests this many times as long as each took. */
const IMPORT_CHUNK = 100;
const IMPORT_REST_PER_BUSY = 1;

/**
 * Every channel's way in: accepting an item means it is durably queued for the worker, which
 * does the writing. Each item's interaction id is chosen here, from its channel and idempotency
 * key, so a redelivery maps to the same id before anything is written.
 */
@Injectable()
export class IngressQueue {
  private readonly logger = new Logger(IngressQueue.name);
  private readonly webhookAdds = new AddCoalescer<IngestJob>((jobs) => this.addJobs(this.live, jobs));
  /** The import being queued; the next one waits for it. */
  private importLane: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectQueue(INGEST_QUEUE) private readonly live: Queue<IngestJob>,
    @InjectQueue(INGEST_BULK_QUEUE) private readonly bulk: Queue<IngestJob>,
    private readonly db: DataSource,
    private readonly replication: QueueReplication,
  ) {}

  /** A batch (call logs): items already stored, or repeated within the request, are duplicates. */
  async enqueue(items: InboundInteraction[]): Promise<EnqueueOutcome> {
    if (items.length <= BULK_THRESHOLD) return this.queueBatch(items, this.live);
    // An import, one at a time per api instance, a chunk at a time, resting between chunks: queued
    // flat out, four 1,000-item imports in flight held the event loop and Redis for long
    // stretches, and live webhooks waited behind them for seconds (bench, isolation scenario).
    // The worker drains imports at its own set rate anyway (WORKER_BULK_RATE).
    const turn = this.importLane.then(() => this.queueBatch(items, this.bulk, IMPORT_REST_PER_BUSY));
    this.importLane = turn.catch(() => undefined);
    return turn;
  }

  private async queueBatch(items: InboundInteraction[], queue: Queue<IngestJob>, restPerBusy = 0): Promise<EnqueueOutcome> {
    const lookedUp = performance.now();
    const stored = await this.durably('look up', () => this.storedIds(items));
    await restAfter(lookedUp, restPerBusy);
    const fresh = new Map<string, IngestJob>();
    for (const item of items) {
      const job = identified(item);
      if (!stored.has(job.id)) fresh.set(job.id, job);
    }
    const jobs = [...fresh.values()];
    for (let start = 0; start < jobs.length; start += IMPORT_CHUNK) {
      const chunkStarted = performance.now();
      const kept = start > 0 ? `the first ${start} items were queued, and sending them again adds nothing twice` : undefined;
      await this.durably('queue', () => this.addJobs(queue, jobs.slice(start, start + IMPORT_CHUNK)), kept);
      await restAfter(chunkStarted, restPerBusy);
    }
    return { accepted: fresh.size, duplicates: items.length - fresh.size };
  }

  /**
   * One webhook delivery, on the hot path: no duplicate count to report, so no database look-up.
   * A redelivery is caught by the job id while the job is kept, and by the unique key after.
   * Deliveries arriving together share one Redis round trip. Returns the interaction's id.
   */
  async accept(item: InboundInteraction): Promise<string> {
    const job = identified(item);
    await this.durably('queue', () => this.webhookAdds.submit(job));
    return job.id;
  }

  /**
   * A bulk add builds a pipeline carrying BullMQ's scripts: worth it only for several jobs. On a
   * cluster with replicas the jobs are accepted once a replica has them too (QueueReplication).
   */
  private async addJobs(queue: Queue<IngestJob>, jobs: IngestJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (jobs.length === 1) await queue.add(INGEST_JOB, jobs[0], { jobId: jobs[0].id });
    else await queue.addBulk(jobs.map((data) => ({ name: INGEST_JOB, data, opts: { jobId: data.id } })));
    await this.replication.settle(queue);
  }

  /** Redis or PostgreSQL down: the sender gets a 503 it can retry, and knows what was kept. */
  private async durably<T>(what: string, step: () => Promise<T>, kept = 'nothing was stored'): Promise<T> {
    try {
      return await step();
    } catch (error) {
      this.logger.error(`could not ${what}: ${(error as Error).message}`);
      throw new ServiceUnavailableException(`The hub could not queue the request right now; ${kept}. Retry shortly.`);
    }
  }

  private async storedIds(items: InboundInteraction[]): Promise<Set<string>> {
    const rows = await queryRows<{ channel: InboundInteraction['channel']; idempotency_key: string }>(
      this.db,
      `SELECT channel, idempotency_key FROM interactions
       WHERE (channel, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [items.map((i) => i.channel), items.map((i) => i.idempotencyKey)],
    );
    return new Set(rows.map((row) => ingestJobId({ channel: row.channel, idempotencyKey: row.idempotency_key })));
  }
}

function identified(item: InboundInteraction): IngestJob {
  return { ...item, id: ingestJobId(item) };
}
