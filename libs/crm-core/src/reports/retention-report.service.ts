import type { DataSource } from 'typeorm';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../customers/customer.view';
import { queryOne, queryRows } from '../database/sql';
import { DEFECTOR_TYPES, type DefectorType } from '../defection/defection.rules';
import { ATTRITION_SIGNS, type AttritionSign } from '../retention/attrition.rules';
import { OPEN_TASK_STATUSES } from '../retention/task.view';

/** The stages a kept customer is in: the retention rate counts these. */
export const KEPT_STAGES: readonly LifecycleStage[] = ['retained', 'at_risk', 'reacquired'];

/** The contract's retention report over a period (CONTRACT.md, "The CRM cycle"). */
export interface RetentionReport {
  from: string;
  to: string;
  customersAtStart: number;
  customersAtEnd: number;
  newCustomers: number;
  retentionRate: number | null;
  byStage: Record<LifecycleStage, number>;
  defections: Record<DefectorType | 'unknown', number>;
  reacquired: number;
  csat: { responses: number; average: number | null };
  openTasksBySign: Record<AttritionSign, number>;
}

/**
 * (E − N) / S: of the customers kept at the start (S), the share still kept at the end, as the
 * customers kept at the end (E) less those who were not kept at the start (N, new or won back
 * within the period). Null when there was no one to keep.
 */
export function retentionRate(customersAtStart: number, customersAtEnd: number, newCustomers: number): number | null {
  return customersAtStart === 0 ? null : (customersAtEnd - newCustomers) / customersAtStart;
}

const KEPT = `(${KEPT_STAGES.map((s) => `'${s}'`).join(', ')})`;

/**
 * Each customer's stage at the start ($1) and at the end ($2) of the period, from the lifecycle
 * history: the latest change at or before that time. A customer with no change by then did not
 * exist yet, unless it has no history at all (stored before the history was kept): its stage now
 * stands for every time after its creation.
 */
const STAGES_SQL = `
WITH stages AS (
  SELECT COALESCE(
           (SELECT h.stage FROM customer_lifecycle_changes h WHERE h.customer_id = c.id AND h.occurred_at <= $1
             ORDER BY h.occurred_at DESC, h.id DESC LIMIT 1),
           CASE WHEN c.created_at <= $1 AND NOT EXISTS (SELECT 1 FROM customer_lifecycle_changes h WHERE h.customer_id = c.id)
                THEN c.lifecycle_stage END) AS at_start,
         COALESCE(
           (SELECT h.stage FROM customer_lifecycle_changes h WHERE h.customer_id = c.id AND h.occurred_at <= $2
             ORDER BY h.occurred_at DESC, h.id DESC LIMIT 1),
           CASE WHEN c.created_at <= $2 AND NOT EXISTS (SELECT 1 FROM customer_lifecycle_changes h WHERE h.customer_id = c.id)
                THEN c.lifecycle_stage END) AS at_end
    FROM customers c
), by_stage AS (
  SELECT at_end AS stage, count(*)::int AS n FROM stages WHERE at_end IS NOT NULL GROUP BY at_end
)
SELECT count(*) FILTER (WHERE at_start IN ${KEPT})::int AS at_start,
       count(*) FILTER (WHERE at_end IN ${KEPT})::int AS at_end,
       count(*) FILTER (WHERE at_end IN ${KEPT} AND (at_start IS NULL OR at_start NOT IN ${KEPT}))::int AS new_customers,
       (SELECT COALESCE(json_object_agg(stage, n), '{}') FROM by_stage) AS by_stage
  FROM stages`;

/** The retention report: the rate from the lifecycle history (so any past period), and the cycle's figures. */
export class RetentionReportService {
  constructor(private readonly db: DataSource) {}

  async report(from: Date, to: Date): Promise<RetentionReport> {
    const [stages, defections, reacquired, csat, signs] = await Promise.all([
      queryOne<{ at_start: number; at_end: number; new_customers: number; by_stage: Record<string, number> }>(this.db, STAGES_SQL, [
        from,
        to,
      ]),
      queryRows<{ type: string; n: number }>(
        this.db,
        `SELECT COALESCE(type, 'unknown') AS type, count(*)::int AS n FROM customer_defections
          WHERE occurred_at > $1 AND occurred_at <= $2 GROUP BY 1`,
        [from, to],
      ),
      queryOne<{ n: number }>(
        this.db,
        `SELECT count(DISTINCT customer_id)::int AS n FROM customer_lifecycle_changes
          WHERE stage = 'reacquired' AND occurred_at > $1 AND occurred_at <= $2`,
        [from, to],
      ),
      queryOne<{ responses: number; average: number | null }>(
        this.db,
        `SELECT count(*)::int AS responses, avg(csat_score)::float8 AS average FROM conversations
          WHERE csat_score IS NOT NULL AND csat_responded_at > $1 AND csat_responded_at <= $2`,
        [from, to],
      ),
      queryRows<{ sign: string; n: number }>(
        this.db,
        `SELECT sign, count(*)::int AS n FROM retention_tasks, unnest(signs) AS sign
          WHERE kind = 'attrition' AND status IN (${OPEN_TASK_STATUSES.map((s) => `'${s}'`).join(', ')}) GROUP BY sign`,
      ),
    ]);
    const byStage = Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0])) as Record<LifecycleStage, number>;
    for (const [stage, n] of Object.entries(stages!.by_stage)) byStage[stage as LifecycleStage] = Number(n);
    const byType = Object.fromEntries([...DEFECTOR_TYPES, 'unknown'].map((t) => [t, 0])) as RetentionReport['defections'];
    for (const row of defections) byType[row.type as DefectorType | 'unknown'] = row.n;
    const bySign = Object.fromEntries(ATTRITION_SIGNS.map((s) => [s, 0])) as Record<AttritionSign, number>;
    for (const row of signs) bySign[row.sign as AttritionSign] = row.n;
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      customersAtStart: stages!.at_start,
      customersAtEnd: stages!.at_end,
      newCustomers: stages!.new_customers,
      retentionRate: retentionRate(stages!.at_start, stages!.at_end, stages!.new_customers),
      byStage,
      defections: byType,
      reacquired: reacquired!.n,
      csat: { responses: csat!.responses, average: csat!.average === null ? null : Math.round(csat!.average * 100) / 100 },
      openTasksBySign: bySign,
    };
  }
}
