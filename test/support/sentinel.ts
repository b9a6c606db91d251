import { openQueue } from './test-redis';
import { waitFor } from './wait-for';

export interface Sentinel<T> {
  /** Names the sentinel in a timeout message. */
  what: string;
  /** Sends one valid item through the same pipeline as the item that must have had no effect. */
  send: () => Promise<unknown>;
  /** The sentinel's effect (stored row, live event, provider request), once it is there. */
  arrived: () => Promise<T | undefined | false> | T | undefined | false;
  /** Queues the pipeline runs through; the sentinel is sent once none holds a pending job. */
  queues?: string[];
}

/**
 * The proof that something did NOT happen: a later item sent through the same pipeline and
 * waited for. Workers run several jobs at once, so first the named queues must have nothing left
 * waiting, running or due for a retry; the sentinel then goes in behind everything sent before
 * it, and once its effect is seen, an absence asserted afterwards is not a race against a fixed
 * sleep (live events included: the sentinel's is published after every earlier job's).
 */
export async function passSentinel<T>(redisUrl: string, sentinel: Sentinel<T>): Promise<T> {
  for (const name of sentinel.queues ?? []) await queueDrained(redisUrl, name);
  await sentinel.send();
  return waitFor(`the sentinel ${sentinel.what}`, sentinel.arrived);
}

/** Waits until a BullMQ queue has no job waiting, running or delayed for a retry. */
export async function queueDrained(redisUrl: string, name: string, timeoutMs = 120_000): Promise<void> {
  const queue = openQueue(name, redisUrl);
  try {
    await waitFor(
      `queue ${name} to drain`,
      async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        return Object.values(counts).every((n) => n === 0);
      },
      timeoutMs,
    );
  } finally {
    await queue.close();
  }
}
