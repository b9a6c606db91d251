import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnModuleInit } from '@nestjs/common';
import { INGEST_QUEUE, InteractionIngestService, type IngestJob } from '@omnihub/crm-core';
import type { Job } from 'bullmq';
import { WorkerConfig } from '../config/worker-config';
import { AgentEventsPublisher } from '../realtime/agent-events.publisher';
import { JOB_LOCKS } from '../recovery/job-locks';

/** One inbound interaction → crm-core's one-transaction ingest → the three agent events. */
@Processor(INGEST_QUEUE, JOB_LOCKS)
export class IngestProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(IngestProcessor.name);

  constructor(
    private readonly ingestion: InteractionIngestService,
    private readonly events: AgentEventsPublisher,
    private readonly config: WorkerConfig,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.concurrency;
  }

  async process(job: Job<IngestJob>): Promise<{ interactionId: string } | { duplicate: true }> {
    const outcome = await this.ingestion.ingest(job.data);
    if (outcome.status === 'duplicate') {
      this.logger.debug(`job ${job.id}: already stored`);
      return { duplicate: true };
    }
    const { created, ...customer } = outcome.customer;
    await this.events.publish([
      ['interaction.created', { interaction: outcome.interaction }],
      ['conversation.updated', { conversation: outcome.conversation }],
      ['customer.updated', { customer }],
    ]);
    if (created) this.logger.debug(`job ${job.id}: new customer ${customer.id}`);
    return { interactionId: outcome.interaction.id };
  }
}
