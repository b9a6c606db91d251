import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CHAT_NAMESPACE, ChannelRegistry } from '@omnihub/channels';
import { queryRows, REDIS, type RedisClient } from '@omnihub/crm-core';
import { DataSource } from 'typeorm';
import { appendBroadcast } from './socket-io-stream';

/**
 * Lends the chat plug-in its way to visitors: a socket.io broadcast entry for one room of `/chat`,
 * appended to the stream every api instance's adapter reads (as AgentEventsPublisher does for
 * `/agents`), so an agent's reply reaches each open tab of the visitor on any instance; and the
 * database, to read who wrote the reply.
 */
@Injectable()
export class ChatVisitorsPublisher implements OnModuleInit {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
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
    await appendBroadcast(this.redis, { nsp: CHAT_NAMESPACE, rooms: [room], event, payload });
  }
}
