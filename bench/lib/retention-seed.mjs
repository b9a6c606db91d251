// Seeds customer histories straight into the hub's database, set-based (generate_series), for the
// retention scenario: customers [from, to), each with `perCustomer` inbound SMS over the last
// 200 days, their conversation and their daily activity buckets, as the ingest would have left
// them. Ids and keys are derived from the customer's number, so seeding is repeatable.
//
// Four kinds of history, so that the scan finds signs in some customers and not in others:
//   n % 5 = 0  silent: regular contacts every 4 days, the last one 64 days ago   → silence
//   n % 5 = 1  fading: every 5 days, none in the last 35 days                    → contact frequency
//   n % 5 = 2  complaining: every 6 days, with the last five all complaints       → complaints
//   otherwise  steady: one contact every 6 days up to today                      → nothing
// A sixth of contacts are complaints and a quarter enquiries.

/** Customers per statement: bounded memory and WAL per transaction. */
const CHUNK = 10_000;

const SQL = `
WITH c AS (
  INSERT INTO customers (id, name, lifecycle_stage, acquisition_step, created_at, updated_at)
  SELECT md5('bench-customer-' || n)::uuid, 'Seeded customer ' || n,
         CASE WHEN n % 4 = 0 THEN 'acquisition' ELSE 'retained' END,
         CASE WHEN n % 4 = 0 THEN 'interaction' ELSE 'adoption' END,
         now() - interval '200 days', now() - interval '200 days'
    FROM generate_series($1::int, $2::int - 1) n
  RETURNING id
), ident AS (
  INSERT INTO customer_identities (customer_id, channel, address, created_at)
  SELECT md5('bench-customer-' || n)::uuid, 'phone', '+1999' || lpad(n::text, 7, '0'), now() - interval '200 days'
    FROM generate_series($1::int, $2::int - 1) n
), rows AS (
  SELECT n, k,
         now() - make_interval(days => CASE n % 5 WHEN 0 THEN 64 + 4 * k WHEN 1 THEN 35 + 5 * k ELSE 6 * k END,
                               secs => (n % 86400)) AS at,
         CASE WHEN (n % 5 = 2 AND k < 5) OR k % 6 = 5 THEN 'complaint' WHEN k % 4 = 3 THEN 'enquiry' ELSE 'other' END AS intent
    FROM generate_series($1::int, $2::int - 1) n, generate_series(0, $3::int - 1) k
), conv AS (
  INSERT INTO conversations (id, customer_id, channel, status, last_interaction_at, last_interaction_preview, created_at, updated_at)
  SELECT md5('bench-conversation-' || n)::uuid, md5('bench-customer-' || n)::uuid, 'sms', 'resolved', max(at), 'Seeded message', min(at), max(at)
    FROM rows GROUP BY n
  RETURNING id
), msgs AS (
  INSERT INTO interactions (id, customer_id, conversation_id, channel, direction, kind, text, occurred_at,
                            external_id, idempotency_key, intent, created_at)
  SELECT md5('bench-interaction-' || n || '-' || k)::uuid, md5('bench-customer-' || n)::uuid,
         md5('bench-conversation-' || n)::uuid, 'sms', 'inbound', 'message', 'Seeded message ' || k, at,
         'bench-seed-' || n || '-' || k, 'bench-seed-' || n || '-' || k, intent, at
    FROM rows
)
INSERT INTO customer_activity_daily (customer_id, day, channel, count, complaints, enquiries)
SELECT md5('bench-customer-' || n)::uuid, (at AT TIME ZONE 'UTC')::date, 'sms', count(*),
       count(*) FILTER (WHERE intent = 'complaint'), count(*) FILTER (WHERE intent = 'enquiry')
  FROM rows GROUP BY n, (at AT TIME ZONE 'UTC')::date`;

/** Seeds customers [from, to) on `client` (a pg.Client on the hub's database); `log` hears progress. */
export async function seedHistories(client, from, to, perCustomer, log = () => {}) {
  for (let start = from; start < to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK);
    await client.query(SQL, [start, end, perCustomer]);
    log(`seeded customers ${start}–${end - 1} (${perCustomer} interactions each)`);
  }
  // What autovacuum does to a table that many inserts filled (hint bits, visibility, statistics),
  // and a checkpoint of all that was written: the scan timed next pays for neither, so a scan's
  // time depends on its size, not on where the server's housekeeping happened to be.
  await client.query('VACUUM (ANALYZE) customers, customer_identities, conversations, interactions, customer_activity_daily');
  await client.query('CHECKPOINT');
}
