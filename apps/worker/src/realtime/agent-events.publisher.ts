import { Inject, Injectable } from '@nestjs/common';
import {
  AGENT_EVENTS_STREAM,
  AGENT_RECOVERY_WINDOW_MS,
  AGENTS_NAMESPACE,
  REDIS,
  type AgentEventMap,
  type AgentEventName,
} from '@omnihub/crm-core';
import type { Redis } from 'ioredis';

export type AgentEvent = { [E in AgentEventName]: [E, AgentEventMap[E]] }[AgentEventName];

/** socket.io's cluster message type for a broadcast; the api instances' adapter replays these. */
const BROADCAST = '3';
/** The sender id socket.io reserves for emitters outside a socket.io server. */
const EMITTER_UID = 'emitter';

/**
 * Raises agent events from the worker by appending socket.io broadcast entries to the Redis
 * stream every api instance's adapter reads. Being in the stream, they are also replayed to an
 * agent that reconnects within the recovery window.
 */
@Injectable()
export class AgentEventsPublisher {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async publish(events: AgentEvent[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const [name, payload] of events) {
      const data = JSON.stringify({
        packet: { type: 2, data: [name, payload], nsp: AGENTS_NAMESPACE },
        opts: { rooms: [], except: [], flags: {} },
      });
      // The stream is the recovery window, not an archive: entries older than it are trimmed,
      // whatever the message rate (a length cap would shorten the window under load).
      const oldest = String(Date.now() - AGENT_RECOVERY_WINDOW_MS);
      pipeline.xadd(
        AGENT_EVENTS_STREAM,
        'MINID',
        '~',
        oldest,
        '*',
        'uid',
        EMITTER_UID,
        'nsp',
        AGENTS_NAMESPACE,
        'type',
        BROADCAST,
        'data',
        data,
      );
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
