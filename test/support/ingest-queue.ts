import { Redis } from 'ioredis';

/** BullMQ's keys for the ingest queues, live and bulk (prefix `bull`). */
const QUEUES = ['bull:interaction-ingest', 'bull:interaction-ingest-bulk'];

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
  private readonly redis: Redis;

  constructor(redisUrl: string) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  }

  /** Summed over the live and the bulk queue. */
  async counts(): Promise<IngestJobCounts> {
    const perQueue = await Promise.all(
      QUEUES.map((queue) =>
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

  async drained(): Promise<boolean> {
    const { waiting, active, delayed } = await this.counts();
    return waiting + active + delayed === 0;
  }

  /** The remaining lifetime (ms) of the locks of up to `limit` running jobs. */
  async lockTtls(limit = 5): Promise<number[]> {
    const locks = (await Promise.all(QUEUES.map((queue) => this.redis.keys(`${queue}:*:lock`)))).flat().slice(0, limit);
    return Promise.all(locks.map((key) => this.redis.pttl(key)));
  }

  /** The longest time (ms) before a worker runs the next stalled-job check of either queue. */
  async stalledCheckTtl(): Promise<number> {
    return Math.max(...(await Promise.all(QUEUES.map((queue) => this.redis.pttl(`${queue}:stalled-check`)))));
  }

  /** Entries in the agent-event stream the ingest jobs append to (three per stored interaction). */
  agentEvents(): Promise<number> {
    return this.redis.xlen('omnihub:socket.io');
  }

  close(): void {
    this.redis.disconnect();
  }
}
