import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  OUTBOUND_SEND_JOB,
  OUTBOUND_SEND_JOB_OPTIONS,
  OUTBOUND_SEND_QUEUE,
  OutboundDeliveryService,
  type OutboundSendJob,
} from '@omnihub/crm-core';
import type { Queue } from 'bullmq';
import { WorkerConfig } from '../config/worker-config';

const BATCH = 500;

/**
 * Replies the api stored but never queued (it died in between) would stay `queued` forever:
 * every period, queue those older than a period. A reply already queued keeps its one job (the
 * job id is the reply's), so any number of workers may sweep at once.
 */
@Injectable()
export class OutboundSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboundSweeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly delivery: OutboundDeliveryService,
    @InjectQueue(OUTBOUND_SEND_QUEUE) private readonly queue: Queue<OutboundSendJob>,
    private readonly config: WorkerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.outboundSweepSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const ids = await this.delivery.stranded(this.config.outboundSweepSeconds, BATCH);
      if (ids.length) {
        await this.queue.addBulk(
          ids.map((interactionId) => ({
            name: OUTBOUND_SEND_JOB,
            data: { interactionId },
            opts: { ...OUTBOUND_SEND_JOB_OPTIONS, jobId: interactionId },
          })),
        );
        this.logger.warn(`queued ${ids.length} stranded repl${ids.length === 1 ? 'y' : 'ies'} for sending`);
      }
      return ids.length;
    } catch (error) {
      this.logger.warn(`outbound sweep skipped: ${(error as Error).message}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
