import { WorkerHost } from '@nestjs/bullmq';
import type { DiscoveryService } from '@nestjs/core';
import { Queue, type Worker } from 'bullmq';

/** Every BullMQ queue instance this process registered (`BullModule.registerQueue`). */
export function discoverQueues(discovery: DiscoveryService): Queue[] {
  return discovery
    .getProviders()
    .map(({ instance }) => instance)
    .filter((instance): instance is Queue => instance instanceof Queue);
}

/** One per queue name: two modules may each register the same queue. */
export function uniqueByName<T extends { name: string }>(queues: T[]): T[] {
  return [...new Map(queues.map((queue) => [queue.name, queue])).values()];
}

/** The workers behind this process's `@Processor` classes; call after `onModuleInit`. */
export function discoverWorkers(discovery: DiscoveryService): Worker[] {
  return discovery
    .getProviders()
    .map(({ instance }) => instance)
    .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
    .map((host) => host.worker);
}
