import type { DataSource } from 'typeorm';
import { CustomerNotFoundError } from '../customers/customer-merge.service';
import { decodeCursor, toPage, type Page } from '../database/cursor';
import type { DefectionService } from '../defection/defection.service';
import { queryOne, queryRows } from '../database/sql';
import { RetentionEvaluationService, type EvaluationOutcome } from '../retention/retention-evaluation.service';
import type { BusinessEventType } from './lifecycle.rules';

export interface BusinessEventInput {
  type: BusinessEventType;
  amount?: number;
  product?: string;
  occurredAt?: string;
  externalId?: string;
}

export interface BusinessEventView {
  id: string;
  customerId: string;
  type: BusinessEventType;
  amount: number | null;
  product: string | null;
  occurredAt: string;
  externalId: string | null;
  createdAt: string;
}

interface BusinessEventRow {
  id: string;
  customer_id: string;
  type: BusinessEventType;
  amount: string | null;
  product: string | null;
  occurred_at: Date;
  external_id: string | null;
  created_at: Date;
}

const EVENT_COLUMNS = 'id, customer_id, type, amount, product, occurred_at, external_id, created_at';

export type RecordedEvent =
  { event: BusinessEventView; created: true; changes: EvaluationOutcome } | { event: BusinessEventView; created: false };

/** Quotes, orders, purchases, renewals and cancellations, and the lifecycle moves they make. */
export class BusinessEventsService {
  constructor(
    private readonly db: DataSource,
    private readonly evaluation: RetentionEvaluationService,
    private readonly defections: DefectionService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The same `externalId` for the same customer again answers the first event, adding nothing. */
  async record(customerId: string, input: BusinessEventInput): Promise<RecordedEvent> {
    const id = await this.currentId(customerId);
    const [row] = await queryRows<BusinessEventRow>(
      this.db,
      `INSERT INTO business_events (customer_id, type, amount, product, occurred_at, external_id)
       VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()), $6)
       ON CONFLICT (customer_id, external_id) DO NOTHING RETURNING ${EVENT_COLUMNS}`,
      [id, input.type, input.amount ?? null, input.product ?? null, input.occurredAt ?? null, input.externalId ?? null],
    );
    if (!row) {
      const first = await queryOne<BusinessEventRow>(
        this.db,
        `SELECT ${EVENT_COLUMNS} FROM business_events WHERE customer_id = $1 AND external_id = $2`,
        [id, input.externalId],
      );
      return { event: toView(first!), created: false };
    }
    const event = toView(row);
    const signal = { signal: { kind: 'event' as const, type: event.type }, occurredAt: row.occurred_at };
    const evaluated = await this.evaluation.evaluate([id], this.now(), 'ingest', new Map([[id, signal]]));
    const movedTo = evaluated.customers.find((c) => c.id === id)?.lifecycleStage ?? null;
    const cycle = await this.defections.afterEvent(id, event.type, row.occurred_at, movedTo);
    const changes = {
      ...evaluated,
      tasksCreated: [...evaluated.tasksCreated, ...cycle.tasksCreated],
      tasksUpdated: [...evaluated.tasksUpdated, ...cycle.tasksUpdated],
    };
    return { event, created: true, changes };
  }

  /** Newest first. */
  async list(customerId: string, cursor: string | undefined, limit: number): Promise<Page<BusinessEventView>> {
    const params: unknown[] = [await this.currentId(customerId), limit + 1];
    let after = '';
    if (cursor) {
      const position = decodeCursor(cursor);
      params.push(position.at, position.id);
      after = 'AND (occurred_at, id) < ($3::timestamptz, $4::uuid)';
    }
    const rows = await queryRows<BusinessEventRow>(
      this.db,
      `SELECT ${EVENT_COLUMNS} FROM business_events WHERE customer_id = $1 ${after} ORDER BY occurred_at DESC, id DESC LIMIT $2`,
      params,
    );
    return toPage(rows, limit, toView, (r) => ({ at: r.occurred_at.toISOString(), id: r.id }));
  }

  /** A merged-away id still finds its customer; an unknown one is refused. */
  private async currentId(customerId: string): Promise<string> {
    const row = await queryOne<{ id: string }>(
      this.db,
      `SELECT COALESCE((SELECT into_id FROM customer_merges WHERE merged_id = $1), (SELECT id FROM customers WHERE id = $1)) AS id`,
      [customerId],
    );
    if (!row?.id) throw new CustomerNotFoundError(customerId);
    return row.id;
  }
}

function toView(row: BusinessEventRow): BusinessEventView {
  return {
    id: row.id,
    customerId: row.customer_id,
    type: row.type,
    amount: row.amount === null ? null : Number(row.amount),
    product: row.product,
    occurredAt: row.occurred_at.toISOString(),
    externalId: row.external_id,
    createdAt: row.created_at.toISOString(),
  };
}
