import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import {
  AGENT_EVENTS_STREAM,
  AGENT_RECOVERY_WINDOW_MS,
  createRedisClient,
  REDIS_OUTAGE,
  watchRedisClient,
  type RedisClient,
  type RedisTarget,
} from '@omnihub/crm-core';
import type { Server, ServerOptions } from 'socket.io';
import { gatherStreamReads } from './gathered-stream-reads';

/**
 * The worker trims the stream by age (see AgentEventsPublisher); this length cap only bounds it
 * should no worker run, and is far above what two minutes hold at any rate one machine reaches.
 */
const STREAM_LENGTH_CAP = 5_000_000;

/**
 * socket.io across api instances through a Redis stream. The stream (unlike the classic
 * pub/sub adapter) keeps packets, so a client that reconnects to any instance within the window
 * gets what it missed, in order; the worker publishes agent events into the same stream. On a
 * Redis Cluster it works unchanged: the stream is one key (one shard), the session keys are
 * read and written one at a time, never together (docs/scaling.md).
 */
export class RedisStreamsIoAdapter extends IoAdapter {
  private readonly redis: RedisClient;
  private server?: Server;

  constructor(app: INestApplicationContext, target: RedisTarget) {
    super(app);
    this.redis = gatherStreamReads(watchRedisClient(createRedisClient(target), app.get(REDIS_OUTAGE)));
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const withRecovery: Partial<ServerOptions> = {
      ...options,
      serveClient: false,
      // Run the auth middleware on recovery too: a disabled agent must not slip back in.
      connectionStateRecovery: { maxDisconnectionDuration: AGENT_RECOVERY_WINDOW_MS, skipMiddlewares: false },
    };
    const server = super.createIOServer(port, withRecovery as ServerOptions) as Server;
    server.adapter(createAdapter(this.redis, { streamName: AGENT_EVENTS_STREAM, maxLen: STREAM_LENGTH_CAP, onlyPlaintext: true }));
    this.server = server;
    return server;
  }

  /** The namespaces the gateways opened (not socket.io's unused root). */
  namespaces(): string[] {
    return [...(this.server?._nsps.keys() ?? [])].filter((name) => name !== '/').sort();
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    this.redis.disconnect();
  }
}
