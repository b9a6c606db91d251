-- What the signs that new data reveals read about one customer (readCustomerFacts at ingest):
-- the day's activity buckets over the windows the rules compare, and the open attrition task.
-- A function of its own so that the ingest function can hand it back in the same round trip
-- when an item can reveal a sign, and every other evaluation at ingest reads the same windows.
-- The scan reads the same windows for many customers at once (SCAN_FACTS_SQL in customer-facts.ts).
--
-- This file is re-applied whenever it changes (repeatable-sql.ts).

CREATE OR REPLACE FUNCTION retention_ingest_facts(p_customer_id uuid, p_day date)
RETURNS TABLE (
  interactions_30d integer, interactions_prior_150d integer,
  complaints_30d integer, complaints_prior_30d integer,
  enquiries_30d integer, enquiries_prior_150d integer,
  task_id uuid, task_signs text[], task_reason text
) LANGUAGE sql STABLE AS $fn$
  SELECT a.interactions_30d, a.interactions_prior_150d, a.complaints_30d, a.complaints_prior_30d,
         a.enquiries_30d, a.enquiries_prior_150d, t.id, t.signs, t.reason
    FROM (SELECT COALESCE(sum(d.count) FILTER (WHERE d.day > p_day - 30), 0)::int AS interactions_30d,
                 COALESCE(sum(d.count) FILTER (WHERE d.day <= p_day - 30), 0)::int AS interactions_prior_150d,
                 COALESCE(sum(d.complaints) FILTER (WHERE d.day > p_day - 30), 0)::int AS complaints_30d,
                 COALESCE(sum(d.complaints) FILTER (WHERE d.day <= p_day - 30 AND d.day > p_day - 60), 0)::int AS complaints_prior_30d,
                 COALESCE(sum(d.enquiries) FILTER (WHERE d.day > p_day - 30), 0)::int AS enquiries_30d,
                 COALESCE(sum(d.enquiries) FILTER (WHERE d.day <= p_day - 30), 0)::int AS enquiries_prior_150d
            FROM customer_activity_daily d
           WHERE d.customer_id = p_customer_id AND d.day > p_day - 180 AND d.day <= p_day) a
    -- A lateral look-up by customer: as a plain join the planner walked every open task.
    LEFT JOIN LATERAL (
      SELECT t.id, t.signs, t.reason FROM retention_tasks t
       WHERE t.customer_id = p_customer_id AND t.kind = 'attrition' AND t.status IN ('open', 'in_progress') LIMIT 1) t ON true;
$fn$;
