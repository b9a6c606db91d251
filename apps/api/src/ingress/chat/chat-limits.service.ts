import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ChannelRegistry } from '@omnihub/channels';
import { REDIS, type RedisClient } from '@omnihub/crm-core';

/**
 * The chat's abuse limits. Messages per visitor per minute count in Redis, so a visitor's tabs on
 * several api instances share one budget; open connections per client address are counted by
 * each api instance, which is where they are held (a crashed instance leaves no stale count).
 */
@Injectable()
export class ChatLimits {
  private readonly connections = new Map<string, number>();
  private readonly messagesPerMinute: number;
  private readonly connectionsPerAddress: number;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    channels: ChannelRegistry,
  ) {
    ({ messagesPerMinute: this.messagesPerMinute, connectionsPerAddress: this.connectionsPerAddress } = channels.get('chat').settings);
  }

  /** Takes a connection slot for the address; false when it has as many open as allowed. */
  openConnection(address: string): boolean {
    const open = this.connections.get(address) ?? 0;
    if (open >= this.connectionsPerAddress) return false;
    this.connections.set(address, open + 1);
    return true;
  }

  closeConnection(address: string): void {
    const open = (this.connections.get(address) ?? 1) - 1;
    if (open > 0) this.connections.set(address, open);
    else this.connections.delete(address);
  }

  /**
   * Counts one message against the visitor's last 60 seconds (a sliding window: no burst at a
   * minute's turn); the error to answer when over. Refused attempts count too.
   */
  async messageRefusal(visitorId: string, now: Date): Promise<string | null> {
    const key = `omnihub:chat:messages:${visitorId}`;
    const at = now.getTime();
    const results = await this.redis
      .multi()
      .zremrangebyscore(key, 0, at - 60_000)
      .zadd(key, at, `${at}:${randomUUID()}`)
      .zcard(key)
      .pexpire(key, 60_000)
      .exec();
    const count = Number(results?.[2]?.[1]);
    return count > this.messagesPerMinute
      ? `too many messages: at most ${this.messagesPerMinute} a minute; this one was not stored, send it again shortly`
      : null;
  }
}
