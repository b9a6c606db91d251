import { Processor } from '@nestjs/bullmq';
import { Logger, type OnModuleInit } from '@nestjs/common';
import {
  HubMetrics,
  INGEST_QUEUE,
  IngestBatcher,
  InteractionIngestService,
  RetentionIngestService,
  SatisfactionService,
  WORKER_SETTINGS,
  type CustomerSummary,
  type IngestJob,
  type RetentionIngestOutcome,
} from '@omnihub/crm-core';
import type { Job } from 'bullmq';
import { WorkerConfig } from '../config/worker-config';
import { FailedJobsRecorder } from '../failed-jobs/failed-jobs.recorder';
import { ParkingWorkerHost } from '../failed-jobs/parking-worker-host';
import { AgentEventsPublisher, type AgentEvent } from '../realtime/agent-events.publisher';
import { JOB_LOCKS } from '../recovery/job-locks';

type IngestResult = { interactionId: string; duplicate?: true };

/**
 * One inbound interaction → crm-core's one-transaction ingest → the retention step (lifecycle,
 * the signs new data reveals, the task a call worked on) → the agent events.
 */
@Processor(INGEST_QUEUE, { ...JOB_LOCKS, settings: WORKER_SETTINGS })
export class IngestProcessor extends ParkingWorkerHost<IngestJob, IngestResult> implements OnModuleInit {
  private readonly logger = new Logger(IngestProcessor.name);
  /** This queue's jobs in flight share round trips to PostgreSQL (group commit). */
  private readonly batches: IngestBatcher;

  constructor(
    private readonly ingestion: InteractionIngestService,
    private readonly retention: RetentionIngestService,
    private readonly satisfaction: SatisfactionService,
    private readonly events: AgentEventsPublisher,
    protected readonly config: WorkerConfig,
    private readonly metrics: HubMetrics,
    failedJobs: FailedJobsRecorder,
  ) {
    super(failedJobs);
    this.batches = new IngestBatcher(ingestion);
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.concurrency;
  }

  protected async handle(job: Job<IngestJob>): Promise<IngestResult> {
    // A complaint's facts come back with the ingest, as of now: its evaluation reads nothing more.
    const outcome = await this.batches.ingest(job.data, { factsAt: new Date() });
    this.metrics.observeIngestLag(job.timestamp);
    if (outcome.status === 'duplicate') {
      // A retry (or a job taken over from a dead worker) may find its own earlier run's write,
      // made before that run could publish: publish again. Agents' clients key events by id.
      if (job.attemptsMade > 0 || job.stalledCounter > 0) await this.republish(job.data, outcome.interactionId);
      this.logger.debug(`job ${job.id}: already stored`);
      return { interactionId: outcome.interactionId, duplicate: true };
    }
    const { created, stageBeforeRisk, ...customer } = outcome.customer;
    const retention = await this.retention.afterIngest(job.data, {
      customerId: customer.id,
      intent: outcome.interaction.intent ?? null,
      stage: customer.lifecycleStage,
      acquisitionStep: customer.acquisitionStep,
      stageBeforeRisk,
      facts: outcome.facts,
    });
    // Only an item that gave its conversation a score (a survey's answer, a call's score) pays for this.
    const scored = outcome.csatRecorded ? await this.satisfaction.afterScore(outcome.conversation) : null;
    await this.events.publish([
      ['interaction.created', { interaction: outcome.interaction }],
      ['conversation.updated', { conversation: outcome.conversation }],
      // Every item changes the customer's metrics, so customer.updated goes out whatever moved.
      ...retentionEvents(retention, customer.id, customer),
      ...(scored ? [[scored.created ? 'task.created' : 'task.updated', { task: scored.task }] as AgentEvent] : []),
    ]);
    if (created) this.logger.debug(`job ${job.id}: new customer ${customer.id}`);
    return { interactionId: outcome.interaction.id };
  }

  private async republish(item: IngestJob, interactionId: string): Promise<void> {
    const stored = await this.ingestion.stored(interactionId);
    if (!stored) return;
    // The earlier run may also have died before its retention step: run it again (it is idempotent).
    const retention = await this.retention.afterIngest(item, {
      customerId: stored.customer.id,
      intent: stored.interaction.intent ?? null,
      stage: stored.customer.lifecycleStage,
      acquisitionStep: stored.customer.acquisitionStep,
    });
    await this.events.publish([
      ['interaction.created', { interaction: stored.interaction }],
      ['conversation.updated', { conversation: stored.conversation }],
      ...retentionEvents(retention, stored.customer.id, stored.customer),
    ]);
  }
}

/** customer.updated for the item's customer, and the task events of the retention step. */
function retentionEvents(outcome: RetentionIngestOutcome, customerId: string, fallback?: CustomerSummary): AgentEvent[] {
  const customer = outcome.customers.find((c) => c.id === customerId) ?? fallback;
  return [
    ...(customer ? [['customer.updated', { customer }] as AgentEvent] : []),
    ...outcome.tasksCreated.map((task): AgentEvent => ['task.created', { task }]),
    ...[...outcome.tasksUpdated, ...(outcome.taskDone ? [outcome.taskDone] : [])].map((task): AgentEvent => ['task.updated', { task }]),
  ];
}
