import { CUSTOMER_COLUMNS, type CustomerRow, type LifecycleStage } from '../customers/customer.view';
import { inTransaction, queryPrepared, queryRows, type Db } from '../database/sql';
import type { AttritionFacts, AttritionSign, AttritionThresholds, RevealedBy } from './attrition.rules';

/** What the signs that new data reveals read (retention_ingest_facts, ingest-facts.sql). */
export interface IngestFacts {
  interactions_30d: number;
  interactions_prior_150d: number;
  complaints_30d: number;
  complaints_prior_30d: number;
  enquiries_30d: number;
  enquiries_prior_150d: number;
  task_id: string | null;
  task_signs: AttritionSign[] | null;
  task_reason: string | null;
}

/** The customer as agents see it, with the stage to return to from at risk. */
export interface FactsCustomerRow extends CustomerRow {
  stage_before_risk: LifecycleStage | null;
}

/** The customer as agents see it, and what the rules read about it. */
export interface CustomerFactsRow extends FactsCustomerRow, IngestFacts {
  last_interaction_at: Date | null;
  interactions_to_last_180d: number;
  first_to_last_180d_at: Date | null;
  purchase_amount_90d: number;
  purchase_amount_prior_90d: number;
  answers_for_account: boolean;
  active_buyers_90d: number;
  active_buyers_prior_90d: number;
}

/**
 * A customer's facts at ingest: what the ingest reads, and nothing for what only the scan asks
 * (the contacts before the last one, purchases, the account's buyers).
 */
export function ingestFactsRow(customer: FactsCustomerRow, facts: IngestFacts): CustomerFactsRow {
  return {
    ...customer,
    ...facts,
    last_interaction_at: null,
    interactions_to_last_180d: 0,
    first_to_last_180d_at: null,
    purchase_amount_90d: 0,
    purchase_amount_prior_90d: 0,
    answers_for_account: false,
    active_buyers_90d: 0,
    active_buyers_prior_90d: 0,
  };
}

/**
 * The ingest reads one customer and only what the signs new data reveals need, through
 * retention_ingest_facts, in a statement PostgreSQL plans once per connection. (One statement for
 * both phases, the scan-only parts switched off by a parameter, was planned afresh on every
 * message, for about 1 ms: more than it took to run.) The ingest function hands the same facts
 * back with an item that can reveal a sign, and then this read is not needed at all.
 */
const INGEST_FACTS_SQL = `
SELECT ${CUSTOMER_COLUMNS}, c.stage_before_risk, f.*
  FROM customers c CROSS JOIN LATERAL retention_ingest_facts(c.id, $2::date) f
 WHERE c.id = $1::uuid`;

/**
 * Everything the rules read, for a batch of customers in one statement: counts from the daily
 * activity buckets (the windows of retention_ingest_facts), purchase amounts from business
 * events, the open attrition task, and what needs more than the buckets: the contacts before the
 * last one and the account's buyers. Nothing is locked: the writes that follow check what they
 * change. Windows are whole UTC days for buckets ($2, today) and exact times for the rest ($3, now).
 */
const SCAN_FACTS_SQL = `
WITH subject AS (
  SELECT ${CUSTOMER_COLUMNS}, c.stage_before_risk FROM customers c WHERE c.id = ANY($1::uuid[])
), activity AS (
  SELECT a.customer_id,
         sum(a.count) FILTER (WHERE a.day > $2::date - 30) AS interactions_30d,
         sum(a.count) FILTER (WHERE a.day <= $2::date - 30) AS interactions_prior_150d,
         sum(a.complaints) FILTER (WHERE a.day > $2::date - 30) AS complaints_30d,
         sum(a.complaints) FILTER (WHERE a.day <= $2::date - 30 AND a.day > $2::date - 60) AS complaints_prior_30d,
         sum(a.enquiries) FILTER (WHERE a.day > $2::date - 30) AS enquiries_30d,
         sum(a.enquiries) FILTER (WHERE a.day <= $2::date - 30) AS enquiries_prior_150d
    FROM customer_activity_daily a
   WHERE a.customer_id = ANY($1::uuid[]) AND a.day > $2::date - 180 AND a.day <= $2::date
   GROUP BY a.customer_id
), purchases AS (
  SELECT e.customer_id,
         sum(e.amount) FILTER (WHERE e.occurred_at > $3::timestamptz - interval '90 days') AS amount_90d,
         sum(e.amount) FILTER (WHERE e.occurred_at <= $3::timestamptz - interval '90 days') AS amount_prior_90d
    FROM business_events e
   WHERE e.customer_id = ANY($1::uuid[]) AND e.type IN ('purchase', 'renewal')
     AND e.occurred_at > $3::timestamptz - interval '180 days' AND e.occurred_at <= $3::timestamptz
   GROUP BY e.customer_id
), account_buyers AS (
  SELECT m.account_id,
         count(DISTINCT e.customer_id) FILTER (WHERE e.occurred_at > $3::timestamptz - interval '90 days') AS buyers_90d,
         count(DISTINCT e.customer_id) FILTER (WHERE e.occurred_at <= $3::timestamptz - interval '90 days') AS buyers_prior_90d
    FROM customers m JOIN business_events e ON e.customer_id = m.id AND e.type = 'purchase'
     AND e.occurred_at > $3::timestamptz - interval '180 days' AND e.occurred_at <= $3::timestamptz
   WHERE m.account_id IN (SELECT account_id FROM subject)
   GROUP BY m.account_id
), account_contact AS (
  -- The account's customer with the latest interaction or event answers for the account.
  SELECT DISTINCT ON (m.account_id) m.account_id, m.id
    FROM customers m
    LEFT JOIN LATERAL (SELECT max(i.occurred_at) AS at FROM interactions i WHERE i.customer_id = m.id) li ON true
    LEFT JOIN LATERAL (SELECT max(e.occurred_at) AS at FROM business_events e WHERE e.customer_id = m.id) le ON true
   WHERE m.account_id IN (SELECT account_id FROM subject)
   ORDER BY m.account_id, GREATEST(li.at, le.at) DESC NULLS LAST, m.id
)
SELECT s.*,
       COALESCE(a.interactions_30d, 0)::int AS interactions_30d,
       COALESCE(a.interactions_prior_150d, 0)::int AS interactions_prior_150d,
       COALESCE(a.complaints_30d, 0)::int AS complaints_30d,
       COALESCE(a.complaints_prior_30d, 0)::int AS complaints_prior_30d,
       COALESCE(a.enquiries_30d, 0)::int AS enquiries_30d,
       COALESCE(a.enquiries_prior_150d, 0)::int AS enquiries_prior_150d,
       last.at AS last_interaction_at,
       COALESCE(win.n, 0)::int AS interactions_to_last_180d, win.first_at AS first_to_last_180d_at,
       COALESCE(p.amount_90d, 0)::float8 AS purchase_amount_90d,
       COALESCE(p.amount_prior_90d, 0)::float8 AS purchase_amount_prior_90d,
       (ac.id IS NOT NULL) AS answers_for_account,
       COALESCE(ab.buyers_90d, 0)::int AS active_buyers_90d,
       COALESCE(ab.buyers_prior_90d, 0)::int AS active_buyers_prior_90d,
       t.id AS task_id, t.signs AS task_signs, t.reason AS task_reason
  FROM subject s
  LEFT JOIN activity a ON a.customer_id = s.id
  LEFT JOIN purchases p ON p.customer_id = s.id
  LEFT JOIN account_contact ac ON ac.account_id = s.account_id AND ac.id = s.id
  LEFT JOIN account_buyers ab ON ab.account_id = s.account_id
  LEFT JOIN LATERAL (
    SELECT i.occurred_at AS at FROM interactions i
     WHERE i.customer_id = s.id AND i.kind <> 'note' AND i.occurred_at <= $3::timestamptz
     ORDER BY i.occurred_at DESC LIMIT 1) last ON true
  -- The contacts before the last one matter only to a customer silent for longer than silence's
  -- least gap ($4 days): most customers skip these thirty-odd rows.
  LEFT JOIN LATERAL (
    SELECT count(*) AS n, min(i.occurred_at) AS first_at FROM interactions i
     WHERE last.at < $3::timestamptz - make_interval(days => $4::int)
       AND i.customer_id = s.id AND i.kind <> 'note'
       AND i.occurred_at > last.at - interval '180 days' AND i.occurred_at <= last.at) win ON true
  -- A lateral look-up by customer: as a plain join the planner walked every open task.
  LEFT JOIN LATERAL (
    SELECT t.id, t.signs, t.reason FROM retention_tasks t
     WHERE t.customer_id = s.id AND t.kind = 'attrition' AND t.status IN ('open', 'in_progress') LIMIT 1) t ON true
 ORDER BY s.id`;

/** Reads the facts of these customers in one statement. */
export async function readCustomerFacts(
  tx: Db,
  ids: readonly string[],
  now: Date,
  phase: RevealedBy,
  thresholds: AttritionThresholds,
): Promise<CustomerFactsRow[]> {
  const day = now.toISOString().slice(0, 10);
  if (phase === 'scan') {
    // On large tables the batch's estimated cost passes jit_above_cost, and compiling it took
    // 0.6 s of a 1 s statement, every batch: the scan reads with JIT off.
    return inTransaction(tx, async (t) => {
      await queryRows(t, 'SET LOCAL jit = off');
      return queryPrepared<CustomerFactsRow>(t, 'retention_scan_facts', SCAN_FACTS_SQL, [ids, day, now, thresholds.silence.minDays]);
    });
  }
  // At ingest there is one customer, the item's.
  const rows = await Promise.all(
    ids.map((id) => queryPrepared<FactsCustomerRow & IngestFacts>(tx, 'retention_ingest_facts', INGEST_FACTS_SQL, [id, day])),
  );
  return rows.flat().map((row) => ingestFactsRow(row, row));
}

export function toAttritionFacts(row: CustomerFactsRow): AttritionFacts {
  return {
    interactions30d: row.interactions_30d,
    interactionsPrior150d: row.interactions_prior_150d,
    complaints30d: row.complaints_30d,
    complaintsPrior30d: row.complaints_prior_30d,
    enquiries30d: row.enquiries_30d,
    enquiriesPrior150d: row.enquiries_prior_150d,
    lastInteractionAt: row.last_interaction_at,
    interactionsToLast180d: row.interactions_to_last_180d,
    firstToLast180dAt: row.first_to_last_180d_at,
    purchaseAmount90d: row.purchase_amount_90d,
    purchaseAmountPrior90d: row.purchase_amount_prior_90d,
    account:
      row.answers_for_account && row.account_id
        ? { id: row.account_id, activeBuyers90d: row.active_buyers_90d, activeBuyersPrior90d: row.active_buyers_prior_90d }
        : null,
  };
}
