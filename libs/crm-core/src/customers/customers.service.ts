import type { Channel } from '@omnihub/channels';
import type { DataSource } from 'typeorm';
import { decodeCursor, toPage, type Page } from '../database/cursor';
import { queryOne, queryRows } from '../database/sql';
import { INTERACTION_COLUMNS, toInteractionView, type InteractionRow, type InteractionView } from '../interactions/interaction.view';
import { computeCustomerMetrics, type CustomerMetrics } from '../metrics/customer-metrics';
import { TASK_COLUMNS, toTaskView, type TaskRow, type TaskView } from '../retention/task.view';
import { toE164 } from '@omnihub/channels';
import type { DefectorType } from '../defection/defection.rules';
import { CUSTOMER_COLUMNS, toCustomerSummary, type CustomerRow, type CustomerSummary, type LifecycleStage } from './customer.view';
import { CustomerNotFoundError, mergeCustomers } from './customer-merge.service';

export interface CustomerDetail extends CustomerSummary {
  /** With the mean satisfaction score of the last 90 days (null without one). */
  metrics: CustomerMetrics & { csatAverage90d: number | null };
  openTasks: TaskView[];
  /** The customer's latest defection (null before any), kept after a re-acquisition. */
  defection: { type: DefectorType | null; note: string | null; occurredAt: string } | null;
}

/** A customer's messages and calls per UTC day, for the inbox's activity chart. */
export interface CustomerActivity {
  days: Array<{ day: string; count: number }>;
}

/** How far back the activity chart looks: the longest of the metrics' windows an agent reads. */
export const ACTIVITY_DAYS = 90;

export interface CustomerQuery {
  q?: string;
  lifecycleStage?: LifecycleStage;
  cursor?: string;
  limit: number;
}

/** Customer reads and the agent-initiated merge. */
export class CustomersService {
  constructor(
    private readonly db: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `q` matches part of a name, a whole email address, or a phone number in any format. */
  async list({ q, lifecycleStage, cursor, limit }: CustomerQuery): Promise<Page<CustomerSummary>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (q) {
      const phone = toE164(q);
      const likeName = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(`(c.name ILIKE ${param(likeName)} OR EXISTS (SELECT 1 FROM customer_identities x
        WHERE x.customer_id = c.id AND ((x.channel = 'email' AND x.address = lower(${param(q.trim())}))
        OR (x.channel = 'phone' AND x.address = ${param(phone)}))))`);
    }
    if (lifecycleStage) where.push(`c.lifecycle_stage = ${param(lifecycleStage)}`);
    if (cursor) {
      const position = decodeCursor(cursor);
      where.push(`(c.created_at, c.id) < (${param(position.at)}::timestamptz, ${param(position.id)}::uuid)`);
    }
    const rows = await queryRows<CustomerRow>(
      this.db,
      `SELECT ${CUSTOMER_COLUMNS} FROM customers c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.created_at DESC, c.id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    return toPage(rows, limit, toCustomerSummary, (row) => ({ at: row.created_at.toISOString(), id: row.id }));
  }

  async summary(customerId: string): Promise<CustomerSummary> {
    const row = await queryOne<CustomerRow>(this.db, `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = $1`, [
      await this.currentId(customerId),
    ]);
    if (!row) throw new CustomerNotFoundError(customerId);
    return toCustomerSummary(row);
  }

  async detail(customerId: string): Promise<CustomerDetail> {
    const summary = await this.summary(customerId);
    const now = this.now();
    const [buckets, times, tasks, csat, defection] = await Promise.all([
      queryRows<{ day: string; channel: Channel; count: number; complaints: number; enquiries: number }>(
        this.db,
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, channel, count, complaints, enquiries FROM customer_activity_daily
         WHERE customer_id = $1 AND day > ($2::timestamptz - interval '181 days')::date`,
        [summary.id, now],
      ),
      queryRows<{ occurred_at: Date }>(
        this.db,
        `SELECT occurred_at FROM interactions WHERE customer_id = $1 AND kind <> 'note'
         AND occurred_at > $2::timestamptz - interval '180 days' AND occurred_at <= $2::timestamptz`,
        [summary.id, now],
      ),
      queryRows<TaskRow>(
        this.db,
        `SELECT ${TASK_COLUMNS} FROM retention_tasks WHERE customer_id = $1 AND status IN ('open', 'in_progress')
         ORDER BY due_at NULLS LAST, created_at`,
        [summary.id],
      ),
      queryOne<{ average: number | null }>(
        this.db,
        `SELECT avg(csat_score)::float8 AS average FROM conversations
          WHERE customer_id = $1 AND csat_score IS NOT NULL AND csat_responded_at > $2::timestamptz - interval '90 days'
            AND csat_responded_at <= $2::timestamptz`,
        [summary.id, now],
      ),
      queryOne<{ type: DefectorType | null; note: string | null; occurred_at: Date }>(
        this.db,
        `SELECT type, note, occurred_at FROM customer_defections WHERE customer_id = $1 ORDER BY occurred_at DESC, created_at DESC LIMIT 1`,
        [summary.id],
      ),
    ]);
    const average = csat?.average ?? null;
    return {
      ...summary,
      metrics: {
        ...computeCustomerMetrics(
          buckets,
          times.map((t) => t.occurred_at),
          now,
        ),
        csatAverage90d: average === null ? null : Math.round(average * 100) / 100,
      },
      openTasks: tasks.map(toTaskView),
      defection: defection ? { type: defection.type, note: defection.note, occurredAt: defection.occurred_at.toISOString() } : null,
    };
  }

  /** The daily buckets behind the metrics over the last {@link ACTIVITY_DAYS} days, oldest first, every day present. */
  async activity(customerId: string): Promise<CustomerActivity> {
    const { id } = await this.summary(customerId);
    const days = await queryRows<{ day: string; count: number }>(
      this.db,
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, COALESCE(SUM(a.count), 0)::int AS count
       FROM generate_series(($2::timestamptz - make_interval(days => $3 - 1))::date, $2::timestamptz::date, interval '1 day') AS d(day)
       LEFT JOIN customer_activity_daily a ON a.customer_id = $1 AND a.day = d.day::date
       GROUP BY d.day ORDER BY d.day`,
      [id, this.now(), ACTIVITY_DAYS],
    );
    return { days };
  }

  /** All channels, newest first. */
  async interactions(customerId: string, cursor: string | undefined, limit: number): Promise<Page<InteractionView>> {
    const { id } = await this.summary(customerId);
    const params: unknown[] = [id, limit + 1];
    let after = '';
    if (cursor) {
      const position = decodeCursor(cursor);
      params.push(position.at, position.id);
      after = 'AND (occurred_at, id) < ($3::timestamptz, $4::uuid)';
    }
    const rows = await queryRows<InteractionRow>(
      this.db,
      `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE customer_id = $1 ${after}
       ORDER BY occurred_at DESC, id DESC LIMIT $2`,
      params,
    );
    return toPage(rows, limit, toInteractionView, (row) => ({ at: row.occurred_at.toISOString(), id: row.id }));
  }

  async merge(survivorId: string, otherId: string): Promise<CustomerSummary> {
    await this.db.transaction((tx) => mergeCustomers(tx, survivorId, otherId));
    return this.summary(survivorId);
  }

  /** A merged-away id still finds its customer. */
  private async currentId(customerId: string): Promise<string> {
    const merged = await queryOne<{ into_id: string }>(this.db, 'SELECT into_id FROM customer_merges WHERE merged_id = $1', [customerId]);
    return merged?.into_id ?? customerId;
  }
}
