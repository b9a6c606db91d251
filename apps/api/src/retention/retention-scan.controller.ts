import { InjectQueue } from '@nestjs/bullmq';
import { Controller, HttpCode, Inject, Post, ServiceUnavailableException, type OnModuleDestroy } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  bullConnection,
  BULLMQ_WORKER,
  REDIS_TARGET,
  RETENTION_SCAN_JOB,
  RETENTION_SCAN_JOB_OPTIONS,
  RETENTION_SCAN_QUEUE,
  type AgentView,
  type RetentionScanJob,
  type RetentionScanJobResult,
  type RedisTarget,
} from '@omnihub/crm-core';
import { QueueEvents, type ConnectionOptions, type Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { AdminOnly, CurrentAgent } from '../auth/access.decorators';

/** How long an admin's request waits for the scan it queued. */
const SCAN_WAIT_MS = 10 * 60 * 1000;

/**
 * Runs now the scan that otherwise runs on its schedule. It runs in the worker, in its own queue
 * (one scan at a time across workers); this route waits for it and answers its counts.
 */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('api/admin/retention-scan')
export class RetentionScanController implements OnModuleDestroy {
  private readonly finished: QueueEvents;
  private readonly connection: ConnectionOptions;

  constructor(
    @InjectQueue(RETENTION_SCAN_QUEUE) private readonly queue: Queue<RetentionScanJob, RetentionScanJobResult>,
    @Inject(REDIS_TARGET) target: RedisTarget,
  ) {
    // A listener blocks on Redis, so it must wait out reconnects (unlike the fail-fast producer).
    this.connection = bullConnection(target, BULLMQ_WORKER);
    this.finished = new QueueEvents(queue.name, { connection: this.connection, prefix: queue.opts.prefix });
    // Redis outages are logged once by the process's outage tracker; no stack per reconnect here.
    this.finished.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.finished.close();
    // BullMQ leaves a client it was given open (a cluster's); this one is ours alone.
    if (this.connection instanceof Cluster) this.connection.disconnect();
  }

  @Post()
  @HttpCode(200)
  async scan(@CurrentAgent() agent: AgentView): Promise<RetentionScanJobResult> {
    await this.finished.waitUntilReady();
    const job = await this.queue.add(RETENTION_SCAN_JOB, { requestedBy: agent.email }, RETENTION_SCAN_JOB_OPTIONS);
    try {
      const { evaluated, tasksCreated } = await job.waitUntilFinished(this.finished, SCAN_WAIT_MS);
      return { evaluated, tasksCreated };
    } catch (error) {
      // The scan failed in the worker, or no worker finished it in time: ask again later.
      throw new ServiceUnavailableException(`the retention scan did not finish: ${(error as Error).message}`);
    }
  }
}
