import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import {
  RETENTION_SCAN_JOB,
  RETENTION_SCAN_JOB_OPTIONS,
  RETENTION_SCAN_QUEUE,
  RETENTION_SCAN_SCHEDULER,
  RetentionScanService,
  type RetentionScanJob,
  type RetentionScanJobResult,
} from '@omnihub/crm-core';
import type { Job, Queue } from 'bullmq';
import { WorkerConfig } from '../config/worker-config';
import { AgentEventsPublisher, type AgentEvent } from '../realtime/agent-events.publisher';

/**
 * The retention scan on its schedule (`RETENTION_SCAN_CRON`, UTC) and on an admin's request. The
 * queue's global concurrency of 1 keeps it to one scan at a time however many workers run; the
 * scheduler is upserted by id, so every worker registering it leaves one schedule.
 */
@Processor(RETENTION_SCAN_QUEUE, { concurrency: 1 })
export class RetentionScanProcessor extends WorkerHost implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(RetentionScanProcessor.name);

  constructor(
    private readonly scans: RetentionScanService,
    private readonly events: AgentEventsPublisher,
    private readonly config: WorkerConfig,
    @InjectQueue(RETENTION_SCAN_QUEUE) private readonly queue: Queue<RetentionScanJob>,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = 1;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.setGlobalConcurrency(1);
    await this.queue.upsertJobScheduler(
      RETENTION_SCAN_SCHEDULER,
      { pattern: this.config.retentionScanCron, tz: 'UTC' },
      { name: RETENTION_SCAN_JOB, data: {}, opts: RETENTION_SCAN_JOB_OPTIONS },
    );
  }

  async process(job: Job<RetentionScanJob>): Promise<RetentionScanJobResult> {
    const result = await this.scans.scan(new Date(), async (outcome) => {
      const events: AgentEvent[] = [
        ...outcome.customers.map((customer): AgentEvent => ['customer.updated', { customer }]),
        ...outcome.tasksCreated.map((task): AgentEvent => ['task.created', { task }]),
        ...outcome.tasksUpdated.map((task): AgentEvent => ['task.updated', { task }]),
      ];
      if (events.length) await this.events.publish(events);
    });
    this.logger.log(
      `retention scan${job.data.requestedBy ? ` (asked by ${job.data.requestedBy})` : ''}: ${result.evaluated} customers, ${result.tasksCreated} new tasks`,
    );
    return result;
  }
}
