import type { DataSource } from 'typeorm';
import type { AcquisitionStep, LifecycleStage } from '../customers/customer.view';
import { CustomerNotFoundError } from '../customers/customer-merge.service';
import { decodeCursor, toPage, type Page } from '../database/cursor';
import { queryOne, queryRows } from '../database/sql';

export interface LifecycleChangeView {
  stage: LifecycleStage;
  acquisitionStep: AcquisitionStep | null;
  reason: string;
  occurredAt: string;
}

interface LifecycleChangeRow {
  id: string;
  stage: LifecycleStage;
  acquisition_step: AcquisitionStep | null;
  reason: string;
  occurred_at: Date;
}

/** Every lifecycle change of a customer and why, newest first. */
export class LifecycleHistoryService {
  constructor(private readonly db: DataSource) {}

  async list(customerId: string, cursor: string | undefined, limit: number): Promise<Page<LifecycleChangeView>> {
    const customer = await queryOne<{ id: string }>(
      this.db,
      `SELECT COALESCE((SELECT into_id FROM customer_merges WHERE merged_id = $1), (SELECT id FROM customers WHERE id = $1)) AS id`,
      [customerId],
    );
    if (!customer?.id) throw new CustomerNotFoundError(customerId);
    const params: unknown[] = [customer.id, limit + 1];
    let after = '';
    if (cursor) {
      const position = decodeCursor(cursor);
      params.push(position.at, position.id);
      after = 'AND (occurred_at, id) < ($3::timestamptz, $4::uuid)';
    }
    const rows = await queryRows<LifecycleChangeRow>(
      this.db,
      `SELECT id, stage, acquisition_step, reason, occurred_at FROM customer_lifecycle_changes
        WHERE customer_id = $1 ${after} ORDER BY occurred_at DESC, id DESC LIMIT $2`,
      params,
    );
    return toPage(
      rows,
      limit,
      (r) => ({ stage: r.stage, acquisitionStep: r.acquisition_step, reason: r.reason, occurredAt: r.occurred_at.toISOString() }),
      (r) => ({ at: r.occurred_at.toISOString(), id: r.id }),
    );
  }
}
