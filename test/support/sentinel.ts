import { Queue } from 'bullmq';
import { waitFor } from './wait-for';

export interface Sentinel<T> {
  /** Names the sentinel in a timeout message. */
  what: string;
  /** Sends one valid item through the same pipeline as the item that must have had no effect. */
  send: () => Promise<unknown>;
  /** The sentinel's effect (stored row, live event, provider request), once it is there. */
  arrived: () => Promise<T | undefined | false> | T | undefined | false;
  /** Queues the pipeline runs through; the sentinel counts only once none holds a pending job. */
  queues?: string[];
}

/**
 * The proof that something did NOT happen: a later item sent through the same pipeline and
 * waited for. Whatever was queued before it has had its turn, so an absence asserted afterwards
 * is not a race against a fixed sleep. Workers run several jobs at once, so a job queued ahead
 * of the sentinel may still be running when the sentinel lands: the named queues must also have
 * nothing left waiting, running or due for a retry.
 */
export async function passSentinel<T>(redisUrl: string, sentinel: Sentinel<T>): Promise<T> {
  await sentinel.send();
  const arrived = await waitFor(`the sentinel ${sentinel.what}`, sentinel.arrived);
  for (const name of sentinel.queues ?? []) await queueDrained(redisUrl, name);
  return arrived;
}

/** Waits until a BullMQ queue has no job waiting, running or delayed for a retry. */
export async function queueDrained(redisUrl: string, name: string, timeoutMs = 120_000): Promise<void> {
  const queue = new Queue(name, { connection: { url: redisUrl } });
  try {
    await waitFor(
      `queue ${name} to drain`,
      async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused');
        return Object.values(counts).every((n) => n === 0);
      },
      timeoutMs,
    );
  } finally {
    await queue.close();
  }
}
