import { AGENT_EVENTS_STREAM, AGENT_RECOVERY_WINDOW_MS, type RedisClient } from '@omnihub/crm-core';
import type { ChainableCommander } from 'ioredis';

/** socket.io's cluster message type for a broadcast; the api instances' adapter replays these. */
const BROADCAST = '3';
/** The sender id socket.io reserves for emitters outside a socket.io server. */
const EMITTER_UID = 'emitter';

/**
 * Appends one socket.io broadcast (an event to a namespace, or to some of its rooms) to the Redis
 * stream every api instance's adapter reads, as a socket.io server of the cluster would. Being
 * in the stream, it is also replayed to a client that reconnects within the recovery window.
 */
export function appendBroadcast(
  redis: RedisClient | ChainableCommander,
  broadcast: { nsp: string; rooms?: string[]; event: string; payload: unknown },
): unknown {
  const { nsp, rooms = [], event, payload } = broadcast;
  const data = JSON.stringify({ packet: { type: 2, data: [event, payload], nsp }, opts: { rooms, except: [], flags: {} } });
  // The stream is the recovery window, not an archive: entries older than it are trimmed,
  // whatever the message rate (a length cap would shorten the window under load).
  const oldest = String(Date.now() - AGENT_RECOVERY_WINDOW_MS);
  return redis.xadd(AGENT_EVENTS_STREAM, 'MINID', '~', oldest, '*', 'uid', EMITTER_UID, 'nsp', nsp, 'type', BROADCAST, 'data', data);
}
