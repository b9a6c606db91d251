import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type RedisClient } from '@omnihub/crm-core';
import { createHash } from 'node:crypto';

export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** Until the window ends and the count starts again from zero. */
  retryAfterSeconds: number;
}

/**
 * One counter per key and window, in Redis: every api instance counts into the same one, so a
 * client cannot multiply its allowance by the number of instances. The window is fixed, started
 * by the first hit (INCRBY, then PEXPIRE when it is new, in one script so no key is left without
 * an expiry).
 */
const HIT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

const PREFIX = 'omnihub:limit:';

/** A key part that names a credential or an email without storing it in Redis. */
export const fingerprint = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/** The client with HIT defined: ioredis sends it by its SHA (EVALSHA), not its text, every time. */
type WithHit = RedisClient & { omnihubLimitHit(key: string, windowMs: number, hits: number): Promise<[number, number]> };

interface PendingHits {
  windowMs: number;
  waiters: Array<{ resolve: (count: WindowCount) => void; reject: (error: unknown) => void }>;
}

@Injectable()
export class RateLimiter {
  private readonly redis: WithHit;
  private pending = new Map<string, PendingHits>();

  constructor(@Inject(REDIS) redis: RedisClient) {
    redis.defineCommand('omnihubLimitHit', { numberOfKeys: 1, lua: HIT });
    this.redis = redis as WithHit;
  }

  /**
   * Counts one hit. The hits on one key within an event-loop turn (concurrent webhooks from one
   * provider's address) go to Redis as one INCRBY, and each is told its own place in the count,
   * as if it had been counted alone: one round trip per key and turn instead of one per request.
   */
  hit(key: string, windowMs: number): Promise<WindowCount> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) setImmediate(() => this.flush());
      const hits = this.pending.get(key) ?? { windowMs, waiters: [] };
      hits.waiters.push({ resolve, reject });
      this.pending.set(key, hits);
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    for (const [key, { windowMs, waiters }] of batch) {
      this.redis.omnihubLimitHit(PREFIX + key, windowMs, waiters.length).then(
        ([total, ttl]) => {
          const retryAfterSeconds = Math.max(1, Math.ceil(ttl / 1000));
          const first = total - waiters.length;
          waiters.forEach((waiter, i) => waiter.resolve({ count: first + i + 1, retryAfterSeconds }));
        },
        (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
      );
    }
  }

  /** Takes back a hit that turned out not to count (a login that succeeded). */
  async undo(key: string): Promise<void> {
    await this.redis.decr(PREFIX + key);
  }
}
