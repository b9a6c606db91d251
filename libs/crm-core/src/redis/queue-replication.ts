import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConnectionOptions, Queue } from 'bullmq';
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { BULLMQ_CONNECTION } from './redis.tokens';

/** How long an accepting request waits for a replica before answering without one. */
const REPLICA_WAIT_MS = 500;

/**
 * Redis replicates asynchronously: a master that dies right after acknowledging a job may take
 * it with it, and the replica that replaces it never had it. So on a cluster whose shard has
 * replicas, "accepted" means on the master and on a replica: after queueing, the api waits
 * (`WAIT 1`) on the very connection that wrote the job (WAIT counts that client's writes) until a
 * replica has it. Without replicas, or on one server, it returns at once: what is accepted is
 * then as durable as that master's own persistence (docs/guarantees.md).
 */
@Injectable()
export class QueueReplication {
  private readonly logger = new Logger(QueueReplication.name);

  constructor(@Inject(BULLMQ_CONNECTION) private readonly connection: ConnectionOptions) {}

  async settle(queue: Queue): Promise<void> {
    const cluster = this.connection;
    if (!(cluster instanceof Cluster)) return;
    // Every key of the queue hashes to its prefix's tag, so any one names the queue's slot.
    const owners = cluster.slots[calculateSlot(`${queue.opts.prefix}:${queue.name}:id`)];
    if (!owners || owners.length < 2) return;
    const master = cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === owners[0]);
    if (!master) return;
    const replicas = await master.wait(1, REPLICA_WAIT_MS);
    if (replicas < 1) {
      this.logger.warn({
        queue: queue.name,
        node: owners[0],
        msg: `no replica confirmed a job of ${queue.name} within ${REPLICA_WAIT_MS} ms`,
      });
    }
  }
}
