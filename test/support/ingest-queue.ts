import { Redis } from 'ioredis';

/** BullMQ's keys for the ingest queue (prefix `bull`, queue `interaction-ingest`). */
const QUEUE = 'bull:interaction-ingest';

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

  async counts(): Promise<IngestJobCounts> {
    const [waiting, active, delayed, failed, completed] = await Promise.all([
      this.redis.llen(`${QUEUE}:wait`),
      this.redis.llen(`${QUEUE}:active`),
      this.redis.zcard(`${QUEUE}:delayed`),
      this.redis.zcard(`${QUEUE}:failed`),
      this.redis.zcard(`${QUEUE}:completed`),
    ]);
    return { waiting, active, delayed, failed, completed };
  }

  async drained(): Promise<boolean> {
    const { waiting, active, delayed } = await this.counts();
    return waiting + active + delayed === 0;
  }

  /** The remaining lifetime (ms) of the locks of up to `limit` running jobs. */
  async lockTtls(limit = 5): Promise<number[]> {
    const locks = (await this.redis.keys(`${QUEUE}:*:lock`)).slice(0, limit);
    return Promise.all(locks.map((key) => this.redis.pttl(key)));
  }

  /** The time (ms) before any worker runs the next stalled-job check; negative when one is due now. */
  stalledCheckTtl(): Promise<number> {
    return this.redis.pttl(`${QUEUE}:stalled-check`);
  }

  /** Entries in the agent-event stream the ingest jobs append to (three per stored interaction). */
  agentEvents(): Promise<number> {
    return this.redis.xlen('omnihub:socket.io');
  }

  close(): void {
    this.redis.disconnect();
  }
}
