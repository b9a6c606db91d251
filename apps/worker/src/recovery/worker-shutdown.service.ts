import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/**
 * How long running jobs get to finish after SIGTERM: well inside the 30 s an orchestrator
 * usually waits before it kills (Kubernetes' default, `stop_grace_period` in docker-compose.yml).
 */
export const SHUTDOWN_GRACE_MS = 20_000;

/**
 * SIGTERM, first step: every queue worker stops taking jobs and lets its running ones finish,
 * and only then (Nest's next phase) do the database pool and the Redis clients those jobs write
 * through close. @nestjs/bullmq closes its workers in that same later phase, so without this
 * whether the pools outlive the jobs would depend on the order of the modules. A job still
 * running when the grace is over is left to its lock: it lapses, and another worker runs the
 * job again (see job-locks.ts).
 */
@Injectable()
export class WorkerShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerShutdown.name);

  constructor(private readonly discovery: DiscoveryService) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
    this.logger.log(`${signal ?? 'shutdown'}: closing ${workers.length} queue workers; their running jobs finish first`);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((resolve) => (timer = setTimeout(() => resolve('grace over'), SHUTDOWN_GRACE_MS)));
    const outcome = await Promise.race([Promise.all(workers.map((worker) => worker.close())).then(() => 'closed' as const), graceOver]);
    clearTimeout(timer);
    if (outcome === 'grace over') {
      this.logger.warn(
        `jobs still running ${SHUTDOWN_GRACE_MS / 1000} s after ${signal}: their locks will lapse and other workers rerun them`,
      );
    } else {
      this.logger.log('queue workers closed');
    }
  }
}
