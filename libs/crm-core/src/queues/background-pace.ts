import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Background work (a retention scan's batch, an import's chunk) rests after each step this many
 * times as long as the step took (`startedAt` from `performance.now()`), so that live ingest keeps
 * its share of the machine.
 */
export async function restAfter(startedAt: number, restPerBusy: number): Promise<void> {
  if (restPerBusy > 0) await sleep((performance.now() - startedAt) * restPerBusy);
}
