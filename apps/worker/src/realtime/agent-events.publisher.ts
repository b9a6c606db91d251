import { Inject, Injectable } from '@nestjs/common';
import { AGENTS_NAMESPACE, REDIS, type AgentEventMap, type AgentEventName, type RedisClient } from '@omnihub/crm-core';
import { appendBroadcast } from './socket-io-stream';

export type AgentEvent = { [E in AgentEventName]: [E, AgentEventMap[E]] }[AgentEventName];

/**
 * Raises agent events from the worker as socket.io broadcasts on the stream every api instance's
 * adapter reads (socket-io-stream.ts), so they also reach an agent that reconnects in time.
 */
@Injectable()
export class AgentEventsPublisher {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async publish(events: AgentEvent[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const [event, payload] of events) appendBroadcast(pipeline, { nsp: AGENTS_NAMESPACE, event, payload });
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
