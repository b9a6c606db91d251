import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, NotFoundException } from '@nestjs/common';
import {
  DELIVERY_STATUS_QUEUE,
  FAILED_JOBS_QUEUE,
  INGEST_BULK_QUEUE,
  INGEST_QUEUE,
  InvalidCursorError,
  OUTBOUND_SEND_QUEUE,
  type FailedJobRecord,
} from '@omnihub/crm-core';
import type { Queue } from 'bullmq';

export interface FailedJobView {
  id: string;
  queue: string;
  channel: string | null;
  idempotencyKey: string | null;
  failedReason: string;
  attempts: number;
  failedAt: string;
}

/**
 * The parked failed work (FAILED_JOBS_QUEUE, written by the worker) for admins: listed oldest
 * first, and sent back to the queue it failed in with its original job id.
 */
@Injectable()
export class FailedJobsService {
  private readonly queues: ReadonlyMap<string, Queue>;

  constructor(
    @InjectQueue(FAILED_JOBS_QUEUE) private readonly parked: Queue<FailedJobRecord>,
    @InjectQueue(INGEST_QUEUE) ingest: Queue,
    @InjectQueue(INGEST_BULK_QUEUE) ingestBulk: Queue,
    @InjectQueue(OUTBOUND_SEND_QUEUE) outbound: Queue,
    @InjectQueue(DELIVERY_STATUS_QUEUE) deliveryStatus: Queue,
  ) {
    this.queues = new Map([ingest, ingestBulk, outbound, deliveryStatus].map((queue) => [queue.name, queue]));
  }

  /** The cursor is the position in the parked list: failed work only grows at the end. */
  async list(cursor: string | undefined, limit: number): Promise<{ items: FailedJobView[]; nextCursor: string | null }> {
    const start = cursor === undefined ? 0 : positionOf(cursor);
    const jobs = await this.parked.getJobs(['wait'], start, start + limit, true);
    const items = jobs.slice(0, limit).map((job) => viewOf(job.id!, job.data));
    return { items, nextCursor: jobs.length > limit ? String(start + limit) : null };
  }

  async retry(id: string): Promise<void> {
    const job = await this.parked.getJob(id);
    const target = job && this.queues.get(job.data.queue);
    if (!job || !target) throw new NotFoundException(`failed job ${id} does not exist (or was retried already)`);
    const { name, data, jobId } = job.data;
    await target.add(name, data, { jobId });
    await job.remove();
  }
}

function positionOf(cursor: string): number {
  if (!/^\d{1,9}$/.test(cursor)) throw new InvalidCursorError();
  return Number(cursor);
}

function viewOf(id: string, record: FailedJobRecord): FailedJobView {
  const { queue, channel, idempotencyKey, failedReason, attempts, failedAt } = record;
  return { id, queue, channel, idempotencyKey, failedReason, attempts, failedAt };
}
