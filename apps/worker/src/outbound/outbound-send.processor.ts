import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { OnModuleInit } from '@nestjs/common';
import { OUTBOUND_SEND_QUEUE, type OutboundSendJob } from '@omnihub/crm-core';
import type { Job } from 'bullmq';
import { WorkerConfig } from '../config/worker-config';
import { OutboundSender, type SendOutcome } from './outbound-sender.service';
import { JOB_LOCKS } from '../recovery/job-locks';

/** One queued reply → its channel's provider; BullMQ's backoff paces the retries. */
@Processor(OUTBOUND_SEND_QUEUE, JOB_LOCKS)
export class OutboundSendProcessor extends WorkerHost implements OnModuleInit {
  constructor(
    private readonly sender: OutboundSender,
    private readonly config: WorkerConfig,
  ) {
    super();
  }

  onModuleInit(): void {
    // Sends mostly wait on the provider, so they run as many at once as ingest jobs do.
    this.worker.concurrency = this.config.concurrency;
  }

  async process(job: Job<OutboundSendJob>): Promise<{ outcome: SendOutcome }> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return { outcome: await this.sender.send(job.data.interactionId, lastAttempt) };
  }
}
