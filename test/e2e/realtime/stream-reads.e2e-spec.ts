import { Redis } from 'ioredis';
import { gatherStreamReads } from '../../../apps/api/src/realtime/gathered-stream-reads';

const REDIS_ROOT = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const STREAM = 'test:gathered-stream-reads';

/**
 * The api's reader of the agent event stream (socket.io's streams adapter reads through a
 * duplicate of the client it is given): reads that follow one which brought entries wait for
 * more to gather, so a burst costs a few round trips, not one per entry.
 */
describe('agent event stream reads', () => {
  let writer: Redis;
  let given: Redis;
  let reader: Redis;

  beforeAll(async () => {
    writer = new Redis(`${REDIS_ROOT}/11`);
    given = new Redis(`${REDIS_ROOT}/11`);
    reader = gatherStreamReads(given, 40).duplicate() as Redis;
    await writer.del(STREAM);
  });
  afterAll(async () => {
    await writer?.del(STREAM);
    for (const client of [writer, given, reader]) client?.disconnect();
  });

  it('a steady stream of entries is read several at a time, every entry once and in order', async () => {
    const total = 120;
    let offset = '$';
    let reads = 0;
    const received: string[] = [];
    const reading = (async () => {
      while (received.length < total) {
        const result = await reader.xread('COUNT', 100, 'BLOCK', 5000, 'STREAMS', STREAM, offset);
        reads++;
        for (const [id, fields] of result?.[0][1] ?? []) {
          received.push(fields[1]);
          offset = id;
        }
      }
    })();
    // Give the first (blocking) read time to reach Redis before the first entry is added.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let n = 0; n < total; n++) {
      await writer.xadd(STREAM, '*', 'n', String(n));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await reading;
    expect(received).toEqual(Array.from({ length: total }, (_, n) => String(n)));
    // Read as they come, each entry would have been a read of its own.
    expect(reads).toBeLessThanOrEqual(total / 4);
  });
});
