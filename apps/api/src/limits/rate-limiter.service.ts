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
 * by the first hit (INCR, then PEXPIRE when it is new, in one script so no key is left without
 * an expiry).
 */
const HIT = `
local count = redis.call('INCR', KEYS[1])
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
type WithHit = RedisClient & { omnihubLimitHit(key: string, windowMs: number): Promise<[number, number]> };

@Injectable()
export class RateLimiter {
  private readonly redis: WithHit;

  constructor(@Inject(REDIS) redis: RedisClient) {
    redis.defineCommand('omnihubLimitHit', { numberOfKeys: 1, lua: HIT });
    this.redis = redis as WithHit;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = await this.redis.omnihubLimitHit(PREFIX + key, windowMs);
    return { count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  }

  /** Takes back a hit that turned out not to count (a login that succeeded). */
  async undo(key: string): Promise<void> {
    await this.redis.decr(PREFIX + key);
  }
}
