import type { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';
import type { ExtensionService } from '../extension/extension.service';
import { RetentionEvaluationService, type EvaluationOutcome } from './retention-evaluation.service';

export interface ScanResult {
  evaluated: number;
  tasksCreated: number;
}

/** Customers per batch: one facts statement and a few set-wise writes each. */
export const SCAN_BATCH_SIZE = 500;

/**
 * The retention scan: every customer, in id order and in batches, against every sign (those only
 * the passing of time reveals among them). Each batch is its own short transaction, so live
 * ingest waits for at most one batch's row locks. After each batch's signs, its kept customers
 * get their extension offers, from purchase affinities computed once at the start of the scan.
 * `onBatch` hears what changed, to tell agents.
 */
export class RetentionScanService {
  constructor(
    private readonly db: DataSource,
    private readonly evaluation: RetentionEvaluationService,
    private readonly extension: ExtensionService,
  ) {}

  async scan(
    now: Date,
    onBatch: (outcome: EvaluationOutcome) => Promise<void> = async () => undefined,
    batchSize = SCAN_BATCH_SIZE,
  ): Promise<ScanResult> {
    const result: ScanResult = { evaluated: 0, tasksCreated: 0 };
    let after = '00000000-0000-0000-0000-000000000000';
    await this.extension.refreshAffinities(now);
    for (;;) {
      const ids = (
        await queryRows<{ id: string }>(this.db, 'SELECT id FROM customers WHERE id > $1 ORDER BY id LIMIT $2', [after, batchSize])
      ).map((row) => row.id);
      if (!ids.length) return result;
      const evaluated = await this.evaluation.evaluate(ids, now, 'scan');
      const offers = await this.extension.offer(ids, now);
      const outcome = { ...evaluated, tasksCreated: [...evaluated.tasksCreated, ...offers] };
      result.evaluated += outcome.evaluated;
      result.tasksCreated += outcome.tasksCreated.length;
      await onBatch(outcome);
      after = ids[ids.length - 1];
    }
  }
}
