import type { DataSource } from 'typeorm';
import type { LifecycleStage } from '../customers/customer.view';
import { queryRows } from '../database/sql';
import { OPEN_TASK_STATUSES, TASK_COLUMNS, toTaskView, type TaskRow, type TaskView } from '../retention/task.view';
import {
  decideExtension,
  DEFAULT_AFFINITY_THRESHOLDS,
  EXTENSION_CSAT_DAYS,
  type AffinityThresholds,
  type ExtensionFacts,
} from './extension.rules';

const OPEN = `status IN (${OPEN_TASK_STATUSES.map((s) => `'${s}'`).join(', ')})`;
const BOUGHT = `type IN ('purchase', 'renewal') AND product IS NOT NULL`;

/**
 * Purchase affinity for the whole customer base in one statement: each customer's distinct
 * products, paired within the customer (never customer with customer), counted per pair of
 * products, and kept where the pair is strong enough to offer on. The scan reads only this.
 */
const REFRESH_SQL = `
INSERT INTO product_affinities (product, other_product, buyers, also_bought)
WITH bought AS (
  SELECT DISTINCT customer_id, product FROM business_events WHERE ${BOUGHT} AND occurred_at <= $1
), buyers AS (
  SELECT product, count(*) AS n FROM bought GROUP BY product HAVING count(*) >= $2::int
)
SELECT a.product, b.product, buyers.n, count(*)
  FROM bought a
  JOIN buyers ON buyers.product = a.product
  JOIN bought b ON b.customer_id = a.customer_id AND b.product <> a.product
 GROUP BY a.product, b.product, buyers.n
HAVING count(*) >= $2 AND count(*) >= $3::float8 * buyers.n`;

/** The extension table's facts for a batch of customers, with each one's strongest affinity. */
const FACTS_SQL = `
WITH subject AS (
  SELECT c.id, c.lifecycle_stage FROM customers c WHERE c.id = ANY($1::uuid[])
), owned AS (
  SELECT DISTINCT customer_id, product FROM business_events
   WHERE customer_id = ANY($1::uuid[]) AND ${BOUGHT} AND occurred_at <= $2
), best AS (
  SELECT DISTINCT ON (o.customer_id) o.customer_id, a.product AS from_product, a.other_product, a.buyers, a.also_bought
    FROM owned o JOIN product_affinities a ON a.product = o.product
   WHERE NOT EXISTS (SELECT 1 FROM owned x WHERE x.customer_id = o.customer_id AND x.product = a.other_product)
   ORDER BY o.customer_id, a.also_bought::float8 / a.buyers DESC, a.also_bought DESC, a.other_product, a.product
)
SELECT s.id, s.lifecycle_stage,
       EXISTS (SELECT 1 FROM business_events e WHERE e.customer_id = s.id AND e.type IN ('purchase', 'renewal')) AS has_purchase,
       COALESCE(t.kinds, '{}') AS open_kinds, t.last_extension_at,
       (SELECT min(cv.csat_score) FROM conversations cv WHERE cv.customer_id = s.id AND cv.csat_score IS NOT NULL
           AND cv.csat_responded_at > $2::timestamptz - make_interval(days => $3)) AS lowest_csat,
       b.from_product, b.other_product, b.buyers::int AS buyers, b.also_bought::int AS also_bought
  FROM subject s
  LEFT JOIN best b ON b.customer_id = s.id
  LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT t.kind) FILTER (WHERE t.${OPEN}) AS kinds,
           max(t.created_at) FILTER (WHERE t.kind = 'extension') AS last_extension_at
      FROM retention_tasks t WHERE t.customer_id = s.id AND t.kind IN ('attrition', 'satisfaction', 'extension')) t ON true`;

interface FactsRow {
  id: string;
  lifecycle_stage: LifecycleStage;
  has_purchase: boolean;
  open_kinds: string[];
  last_extension_at: Date | null;
  lowest_csat: number | null;
  from_product: string | null;
  other_product: string | null;
  buyers: number | null;
  also_bought: number | null;
}

/**
 * Extension at the scan: the affinities once per scan, then per batch one read of the facts, the
 * extension table in TypeScript, and one insert of the offers.
 */
export class ExtensionService {
  constructor(
    private readonly db: DataSource,
    private readonly thresholds: AffinityThresholds = DEFAULT_AFFINITY_THRESHOLDS,
  ) {}

  /** Recomputes every purchase affinity (the scan runs one at a time, so nothing else writes them). */
  async refreshAffinities(now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM product_affinities');
      await tx.query(REFRESH_SQL, [now, this.thresholds.minCustomers, this.thresholds.minShare]);
    });
  }

  /** Opens the extension tasks this batch of customers earns; at most one open per customer. */
  async offer(ids: readonly string[], now: Date): Promise<TaskView[]> {
    if (!ids.length) return [];
    const rows = await queryRows<FactsRow>(this.db, FACTS_SQL, [ids, now, EXTENSION_CSAT_DAYS]);
    const offers = rows.flatMap((row) => {
      const decision = decideExtension(toFacts(row), now);
      return decision.offer ? [{ id: row.id, ...decision.offer }] : [];
    });
    if (!offers.length) return [];
    const created = await queryRows<TaskRow>(
      this.db,
      `INSERT INTO retention_tasks (customer_id, kind, reason, severity, offer)
       SELECT v.customer_id, 'extension', v.reason, 'low', v.offer
         FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS v(customer_id, reason, offer)
       ON CONFLICT (customer_id) WHERE kind = 'extension' AND ${OPEN} DO NOTHING
       RETURNING ${TASK_COLUMNS}`,
      [offers.map((o) => o.id), offers.map((o) => o.reason), offers.map((o) => JSON.stringify(o.offer))],
    );
    return created.map(toTaskView);
  }
}

function toFacts(row: FactsRow): ExtensionFacts {
  return {
    stage: row.lifecycle_stage,
    hasPurchase: row.has_purchase,
    openAttritionTask: row.open_kinds.includes('attrition'),
    openSatisfactionTask: row.open_kinds.includes('satisfaction'),
    openExtensionTask: row.open_kinds.includes('extension'),
    lastExtensionAt: row.last_extension_at,
    lowestCsat90d: row.lowest_csat,
    affinity:
      row.other_product && row.from_product
        ? { from: row.from_product, product: row.other_product, buyers: row.buyers!, alsoBought: row.also_bought! }
        : null,
  };
}
