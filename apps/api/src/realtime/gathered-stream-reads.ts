import type { RedisClient } from '@omnihub/crm-core';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How long a read of the agent event stream waits after the previous one brought entries. The
 * adapter reads again the moment a read returns: at a high event rate each read brought about
 * seven entries (bench, max scenario), and each is a round trip that wakes Redis and the api.
 * Waiting lets entries gather. An idle stream is still read with a blocking XREAD, so the first
 * event after a quiet spell goes out at once; the later ones of a burst wait at most this long.
 */
export const STREAM_READ_GATHER_MS = 10;

/**
 * The socket.io streams adapter reads through a duplicate of the client it is given: this makes
 * that duplicate's XREADs gather entries (STREAM_READ_GATHER_MS). Nothing else changes.
 */
export function gatherStreamReads(client: RedisClient, gatherMs = STREAM_READ_GATHER_MS): RedisClient {
  const duplicate = client.duplicate.bind(client) as () => RedisClient;
  return Object.assign(client, { duplicate: () => pacedReads(duplicate(), gatherMs) });
}

function pacedReads(reader: RedisClient, gatherMs: number): RedisClient {
  const xread = reader.xread.bind(reader) as (...args: unknown[]) => Promise<unknown>;
  let broughtAt = -Infinity;
  const paced = async (...args: unknown[]) => {
    const wait = broughtAt + gatherMs - performance.now();
    if (wait > 0) await sleep(wait);
    const entries = await xread(...args);
    if (entries) broughtAt = performance.now();
    return entries;
  };
  return Object.assign(reader, { xread: paced });
}
