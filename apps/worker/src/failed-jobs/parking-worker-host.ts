import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { isPermanentFailure } from '@omnihub/crm-core';
import { UnrecoverableError, type Job } from 'bullmq';
import type { FailedJobsRecorder } from './failed-jobs.recorder';

/**
 * A processor whose failures are told apart: a permanent one (the database refuses the data)
 * fails at once, a transient one retries with the queue's backoff, and a job that fails for good
 * is recorded and parked by FailedJobsRecorder.
 */
export abstract class ParkingWorkerHost<Data, Result> extends WorkerHost {
  private readonly parkingLogger = new Logger('FailedJobs');

  constructor(private readonly failedJobs: FailedJobsRecorder) {
    super();
  }

  protected abstract handle(job: Job<Data>): Promise<Result>;

  async process(job: Job<Data>): Promise<Result> {
    try {
      return await this.handle(job);
    } catch (error) {
      if (isPermanentFailure(error) && !(error instanceof UnrecoverableError)) {
        throw new UnrecoverableError(`not retried, the same input fails every time: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  /** Emitted after every failed attempt; only a finished job has failed for good. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<Data> | undefined, error: Error): Promise<void> {
    if (!job?.finishedOn) return;
    try {
      await this.failedJobs.record(this.worker.name, job, error);
    } catch (parkError) {
      // Not lost: the job stays in its queue's failed set (kept 14 days).
      this.parkingLogger.error(`could not park failed job ${job.id} of ${this.worker.name}: ${(parkError as Error).message}`);
    }
  }
}
