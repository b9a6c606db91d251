import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import type { InboundInteraction } from '@omnihub/channels';
import { INGEST_JOB, INGEST_QUEUE, ingestJobId, queryRows, type IngestJob } from '@omnihub/crm-core';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AddCoalescer } from './add-coalescer';

export interface EnqueueOutcome {
  accepted: number;
  duplicates: number;
}

/**
 * Every channel's way in: accepting an item means it is durably queued for the worker, which
 * does the writing. Items already stored, or repeated within the request, count as duplicates.
 */
@Injectable()
export class IngressQueue {
  private readonly logger = new Logger(IngressQueue.name);
  private readonly webhookAdds = new AddCoalescer<InboundInteraction>((items) => this.addJobs(items));

  constructor(
    @InjectQueue(INGEST_QUEUE) private readonly queue: Queue<IngestJob>,
    private readonly db: DataSource,
  ) {}

  async enqueue(items: InboundInteraction[]): Promise<EnqueueOutcome> {
    const stored = await this.storedKeys(items);
    const fresh = new Map<string, InboundInteraction>();
    for (const item of items) {
      const key = ingestJobId(item);
      if (!stored.has(key)) fresh.set(key, item);
    }
    await this.durably(() => this.addJobs([...fresh.values()]));
    return { accepted: fresh.size, duplicates: items.length - fresh.size };
  }

  /**
   * One webhook delivery, on the hot path: no duplicate count to report, so no database look-up.
   * A redelivery is caught by the job id while the job is kept, and by the unique key after.
   * Deliveries arriving together share one Redis round trip.
   */
  async accept(item: InboundInteraction): Promise<void> {
    await this.durably(() => this.webhookAdds.submit(item));
  }

  /** A bulk add builds a pipeline carrying BullMQ's scripts: worth it only for several jobs. */
  private addJobs(items: InboundInteraction[]): Promise<unknown> {
    if (items.length === 1) return this.queue.add(INGEST_JOB, items[0], { jobId: ingestJobId(items[0]) });
    return this.queue.addBulk(items.map((data) => ({ name: INGEST_JOB, data, opts: { jobId: ingestJobId(data) } })));
  }

  /** Redis down: the sender gets a 503 it can retry, and knows nothing was kept. */
  private async durably(add: () => Promise<unknown>): Promise<void> {
    try {
      await add();
    } catch (error) {
      this.logger.error(`could not queue: ${(error as Error).message}`);
      throw new ServiceUnavailableException('The hub could not queue the request right now; nothing was stored. Retry shortly.');
    }
  }

  private async storedKeys(items: InboundInteraction[]): Promise<Set<string>> {
    const rows = await queryRows<{ channel: InboundInteraction['channel']; idempotency_key: string }>(
      this.db,
      `SELECT channel, idempotency_key FROM interactions
       WHERE (channel, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [items.map((i) => i.channel), items.map((i) => i.idempotencyKey)],
    );
    return new Set(rows.map((row) => ingestJobId({ channel: row.channel, idempotencyKey: row.idempotency_key })));
  }
}
