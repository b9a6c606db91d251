import { INGEST_BULK_QUEUE, INGEST_QUEUE } from '@omnihub/crm-core/queues/queues';
import { queuePrefix } from '@omnihub/crm-core/redis/redis-target';
import type { Cluster, Redis } from 'ioredis';
import { openRedis, redisTargetOf } from './test-redis';

export interface IngestJobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/**
 * The ingest queue as the worker sees it, read straight from Redis: a fault test waits for it to
 * drain (nothing waiting, running or due for a retry) before it counts what was stored, so that
 * the count is final rather than "so far".
 */
export class IngestQueue {
  private readonly redis: Redis | Cluster;
  /** BullMQ's keys for the ingest queues, live and bulk, with the prefix the hub uses on this Redis. */
  private readonly queues: string[];

  constructor(redisUrl: string) {
    this.redis = openRedis(redisUrl, { maxRetriesPerRequest: 1 });
    const target = redisTargetOf(redisUrl);
    this.queues = [INGEST_QUEUE, INGEST_BULK_QUEUE].map((name) => `${queuePrefix(target, name)}:${name}`);
  }

  /** Summed over the live and the bulk queue. */
  async counts(): Promise<IngestJobCounts> {
    const perQueue = await Promise.all(
      this.queues.map((queue) =>
        Promise.all([
          this.redis.llen(`${queue}:wait`),
          this.redis.llen(`${queue}:active`),
          this.redis.zcard(`${queue}:delayed`),
          this.redis.zcard(`${queue}:failed`),
          this.redis.zcard(`${queue}:completed`),
        ]),
      ),
    );
    const sum = (i: number) => perQueue.reduce((n, counts) => n + counts[i], 0);
    return { waiting: sum(0), active: sum(1), delayed: sum(2), failed: sum(3), completed: sum(4) };
  }

  /** Imports queued and not yet taken by a worker. */
  async waitingImports(): Promise<number> {
    return this.redis.llen(`${this.queues[1]}:wait`);
  }

  async drained(): Promise<boolean> {
    const { waiting, active, delayed } = await this.counts();
    return waiting + active + delayed === 0;
  }

  /** The remaining lifetime (ms) of the locks of up to `limit` running jobs. */
  async lockTtls(limit = 5): Promise<number[]> {
    const locks = (await Promise.all(this.queues.map((queue) => this.redis.keys(`${queue}:*:lock`)))).flat().slice(0, limit);
    return Promise.all(locks.map((key) => this.redis.pttl(key)));
  }

  /** The longest time (ms) before a worker runs the next stalled-job check of either queue. */
  async stalledCheckTtl(): Promise<number> {
    return Math.max(...(await Promise.all(this.queues.map((queue) => this.redis.pttl(`${queue}:stalled-check`)))));
  }

  /** Entries in the agent-event stream the ingest jobs append to (three per stored interaction). */
  agentEvents(): Promise<number> {
    return this.redis.xlen('omnihub:socket.io');
  }

  close(): void {
    this.redis.disconnect();
  }
}
