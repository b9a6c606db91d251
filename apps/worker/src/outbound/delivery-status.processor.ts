import { Processor } from '@nestjs/bullmq';
import { DELIVERY_STATUS_QUEUE, OutboundDeliveryService, WORKER_SETTINGS, type DeliveryStatusJob } from '@omnihub/crm-core';
import type { Job } from 'bullmq';
import { FailedJobsRecorder } from '../failed-jobs/failed-jobs.recorder';
import { ParkingWorkerHost } from '../failed-jobs/parking-worker-host';
import { AgentEventsPublisher } from '../realtime/agent-events.publisher';
import { JOB_LOCKS } from '../recovery/job-locks';

/** A provider's delivery news → the message's deliveryStatus, forward only, live for agents. */
@Processor(DELIVERY_STATUS_QUEUE, { ...JOB_LOCKS, settings: WORKER_SETTINGS })
export class DeliveryStatusProcessor extends ParkingWorkerHost<DeliveryStatusJob, { result: 'updated' | 'stale' }> {
  constructor(
    private readonly delivery: OutboundDeliveryService,
    private readonly events: AgentEventsPublisher,
    failedJobs: FailedJobsRecorder,
  ) {
    super(failedJobs);
  }

  protected async handle(job: Job<DeliveryStatusJob>): Promise<{ result: 'updated' | 'stale' }> {
    const outcome = await this.delivery.applyReport(job.data);
    if (outcome.result === 'unknown') {
      // Twilio can report on a message before the sender has recorded its MessageSid.
      throw new Error(`no outbound ${job.data.channel} message ${job.data.providerId} is recorded yet; retrying`);
    }
    if (outcome.result === 'updated') await this.events.publish([['interaction.updated', { interaction: outcome.interaction }]]);
    return { result: outcome.result };
  }
}
