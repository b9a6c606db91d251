import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import {
  DELIVERY_STATUS_JOB,
  DELIVERY_STATUS_QUEUE,
  deliveryStatusJobId,
  QueueReplication,
  type DeliveryStatusJob,
} from '@omnihub/crm-core';
import type { Queue } from 'bullmq';

/** Delivery news (status callbacks, bounces) is written by the worker, like every channel-driven change. */
@Injectable()
export class DeliveryStatusQueue {
  private readonly logger = new Logger(DeliveryStatusQueue.name);

  constructor(
    @InjectQueue(DELIVERY_STATUS_QUEUE) private readonly queue: Queue<DeliveryStatusJob>,
    private readonly replication: QueueReplication,
  ) {}

  async enqueue(report: DeliveryStatusJob): Promise<void> {
    try {
      await this.queue.add(DELIVERY_STATUS_JOB, report, { jobId: deliveryStatusJobId(report) });
      await this.replication.settle(this.queue);
    } catch (error) {
      this.logger.error(`could not queue the delivery status of ${report.providerId}: ${(error as Error).message}`);
      // Providers retry a report that fails, so nothing is lost by refusing it now.
      throw new ServiceUnavailableException('The hub could not queue the delivery report right now; nothing was stored. Retry shortly.');
    }
  }
}
