import { Processor } from '@nestjs/bullmq';
import type { OnModuleInit } from '@nestjs/common';
import { OUTBOUND_SEND_QUEUE, WORKER_SETTINGS, type OutboundSendJob } from '@omnihub/crm-core';
import type { Job } from 'bullmq';
import { WorkerConfig } from '../config/worker-config';
import { FailedJobsRecorder } from '../failed-jobs/failed-jobs.recorder';
import { ParkingWorkerHost } from '../failed-jobs/parking-worker-host';
import { OutboundSender, type SendOutcome } from './outbound-sender.service';
import { JOB_LOCKS } from '../recovery/job-locks';

/** One queued reply → its channel's provider; BullMQ's backoff paces the retries. */
@Processor(OUTBOUND_SEND_QUEUE, { ...JOB_LOCKS, settings: WORKER_SETTINGS })
export class OutboundSendProcessor extends ParkingWorkerHost<OutboundSendJob, { outcome: SendOutcome }> implements OnModuleInit {
  constructor(
    private readonly sender: OutboundSender,
    private readonly config: WorkerConfig,
    failedJobs: FailedJobsRecorder,
  ) {
    super(failedJobs);
  }

  onModuleInit(): void {
    // Sends mostly wait on the provider, so they run as many at once as ingest jobs do.
    this.worker.concurrency = this.config.concurrency;
  }

  protected async handle(job: Job<OutboundSendJob>): Promise<{ outcome: SendOutcome }> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.sender.send(job.data.interactionId, lastAttempt, {
      saved: job.data.sent,
      save: (sent) => job.updateData({ ...job.data, sent }),
    });
    return { outcome };
  }
}
