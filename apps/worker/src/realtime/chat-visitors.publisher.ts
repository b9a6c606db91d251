import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CHAT_NAMESPACE, ChannelRegistry } from '@omnihub/channels';
import { AGENT_EVENTS_STREAM, AGENT_RECOVERY_WINDOW_MS, queryRows, REDIS } from '@omnihub/crm-core';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';

/** socket.io's cluster message type for a broadcast, and the sender id reserved for emitters. */
const BROADCAST = '3';
const EMITTER_UID = 'emitter';

/**
 * Lends the chat plug-in its way to visitors: a socket.io broadcast entry for one room of `/chat`,
 * appended to the stream every api instance's adapter reads (as AgentEventsPublisher does for
 * `/agents`), so an agent's reply reaches each open tab of the visitor on any instance; and the
 * database, to read who wrote the reply.
 */
@Injectable()
export class ChatVisitorsPublisher implements OnModuleInit {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly channels: ChannelRegistry,
    private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.channels.get('chat').deliverVia({
      emit: (room, event, payload) => this.emit(room, event, payload),
      sql: { query: (text, values) => queryRows(this.db, text, values) },
    });
  }

  private async emit(room: string, event: string, payload: unknown): Promise<void> {
    const data = JSON.stringify({
      packet: { type: 2, data: [event, payload], nsp: CHAT_NAMESPACE },
      opts: { rooms: [room], except: [], flags: {} },
    });
    const oldest = String(Date.now() - AGENT_RECOVERY_WINDOW_MS);
    await this.redis.xadd(
      AGENT_EVENTS_STREAM,
      'MINID',
      '~',
      oldest,
      '*',
      'uid',
      EMITTER_UID,
      'nsp',
      CHAT_NAMESPACE,
      'type',
      BROADCAST,
      'data',
      data,
    );
  }
}
