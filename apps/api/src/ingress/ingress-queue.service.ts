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
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AddCoalescer } from './add-coalescer';

export interface EnqueueOutcome {
  accepted: number;
  duplicates: number;
}

/** Requests carrying more items than this are imports: they queue apart from live traffic. */
const BULK_THRESHOLD = 10;
/**
 * An import is queued this many items at a time, and every part of its work (checking, looking up,
 * queueing) rests this many times as long as it took: a quarter of the api's time at most, which
 * still queues far faster than the workers take imports (IMPORT_BACKLOG).
 */
const IMPORT_CHUNK = 50;
const IMPORT_REST_PER_BUSY = 3;
/**
 * An import's next chunk waits while the import queue holds this many items not yet taken (about
 * 7 s of work at the workers' default rate), looking again every IMPORT_BACKLOG_POLL_MS: imports
 * are accepted as fast as the workers work them off, not twenty times faster while live messages
 * share the machine with the intake (bench, isolation scenario). Should the backlog not shrink
 * for IMPORT_BACKLOG_WAIT_MS (no worker takes imports), the request gets a 503.
 */
const IMPORT_BACKLOG = 1000;
const IMPORT_BACKLOG_POLL_MS = 250;
const IMPORT_BACKLOG_WAIT_MS = 60_000;

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

  /** Whether a request carrying this many items is an import (importTurn, the import queue). */
  isImport(count: number): boolean {
    return count > BULK_THRESHOLD;
  }

  /**
   * Runs `work` (reading, checking and queueing one import) once the imports before it on this
   * api instance are done. Taken together, four 1,000-item imports in flight held the event loop,
   * PostgreSQL and Redis for seconds, and live webhooks waited behind them (bench, isolation
   * scenario); one at a time, a chunk at a time, they leave live traffic its share.
   */
  importTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.importLane.then(work);
    this.importLane = turn.catch(() => undefined);
    return turn;
  }

  /** The rest an import's work takes after a part of it that began at `startedAt` (performance.now()). */
  restAfterImportWork(startedAt: number): Promise<void> {
    return restAfter(startedAt, IMPORT_REST_PER_BUSY);
  }

  /** A batch (call logs): items already stored, or repeated within the request, are duplicates. */
  async enqueue(items: InboundInteraction[]): Promise<EnqueueOutcome> {
    return this.isImport(items.length) ? this.queueBatch(items, this.bulk, IMPORT_REST_PER_BUSY) : this.queueBatch(items, this.live);
  }

  private async queueBatch(items: InboundInteraction[], queue: Queue<IngestJob>, restPerBusy = 0): Promise<EnqueueOutcome> {
    const lookedUp = performance.now();
    const stored = await this.durably('look up', () => this.storedIds(items));
    await restAfter(lookedUp, restPerBusy);
    const fresh = new Map<string, IngestJob>();
    for (const [index, item] of items.entries()) {
      // An id is a hash: a thousand of them in one turn would keep live webhooks waiting.
      if (index > 0 && index % IMPORT_CHUNK === 0) await nextTurn();
      const job = identified(item);
      if (!stored.has(job.id)) fresh.set(job.id, job);
    }
    const jobs = [...fresh.values()];
    for (let start = 0; start < jobs.length; start += IMPORT_CHUNK) {
      const kept = start > 0 ? `the first ${start} items were queued, and sending them again adds nothing twice` : undefined;
      if (queue === this.bulk) await this.durably('queue', () => this.roomForImport(), kept);
      const chunkStarted = performance.now();
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

  /** Resolves once the import queue has room (IMPORT_BACKLOG); throws when it keeps none. */
  private async roomForImport(): Promise<void> {
    const giveUpAt = performance.now() + IMPORT_BACKLOG_WAIT_MS;
    while ((await this.bulk.getWaitingCount()) >= IMPORT_BACKLOG) {
      if (performance.now() >= giveUpAt)
        throw new Error(`the import queue has held ${IMPORT_BACKLOG} items for ${IMPORT_BACKLOG_WAIT_MS / 1000} s`);
      await sleep(IMPORT_BACKLOG_POLL_MS);
    }
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
