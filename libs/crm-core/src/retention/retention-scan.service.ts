import type { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';
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
 * ingest waits for at most one batch's row locks. `onBatch` hears what changed, to tell agents.
 */
export class RetentionScanService {
  constructor(
    private readonly db: DataSource,
    private readonly evaluation: RetentionEvaluationService,
  ) {}

  async scan(
    now: Date,
    onBatch: (outcome: EvaluationOutcome) => Promise<void> = async () => undefined,
    batchSize = SCAN_BATCH_SIZE,
  ): Promise<ScanResult> {
    const result: ScanResult = { evaluated: 0, tasksCreated: 0 };
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const ids = (
        await queryRows<{ id: string }>(this.db, 'SELECT id FROM customers WHERE id > $1 ORDER BY id LIMIT $2', [after, batchSize])
      ).map((row) => row.id);
      if (!ids.length) return result;
      const outcome = await this.evaluation.evaluate(ids, now, 'scan');
      result.evaluated += outcome.evaluated;
      result.tasksCreated += outcome.tasksCreated.length;
      await onBatch(outcome);
      after = ids[ids.length - 1];
    }
  }
}
