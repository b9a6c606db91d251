import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { FAILED_JOB, FAILED_JOBS_QUEUE, failedJobId, type FailedJobRecord } from '@omnihub/crm-core';
import type { Job, Queue } from 'bullmq';

/**
 * Makes failed work visible: logged at `error` with the queue, the idempotency key and the
 * reason, and parked in FAILED_JOBS_QUEUE for the admin routes. The job then leaves its own queue,
 * so its id is free and a redelivery of the same item is queued again.
 */
@Injectable()
export class FailedJobsRecorder {
  private readonly logger = new Logger(FailedJobsRecorder.name);

  constructor(@InjectQueue(FAILED_JOBS_QUEUE) private readonly parked: Queue<FailedJobRecord>) {}

  async record(queue: string, job: Job, error: Error): Promise<void> {
    const data = job.data as { channel?: unknown; idempotencyKey?: unknown } | null;
    const record: FailedJobRecord = {
      queue,
      jobId: job.id ?? '',
      name: job.name,
      data: job.data,
      channel: typeof data?.channel === 'string' ? data.channel : null,
      idempotencyKey: typeof data?.idempotencyKey === 'string' ? data.idempotencyKey : null,
      failedReason: error.message,
      attempts: job.attemptsMade,
      failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
    };
    this.logger.error(
      {
        queue,
        jobId: record.jobId,
        channel: record.channel,
        idempotencyKey: record.idempotencyKey,
        attempts: record.attempts,
        reason: record.failedReason,
      },
      `job failed for good and was parked in ${FAILED_JOBS_QUEUE}`,
    );
    await this.parked.add(FAILED_JOB, record, { jobId: failedJobId(queue, record.jobId) });
    await job.remove();
  }
}
