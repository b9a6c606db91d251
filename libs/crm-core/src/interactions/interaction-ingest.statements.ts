import { CUSTOMER_COLUMNS } from '../customers/customer.view';

/**
 * The ingest transaction's statements, named so PostgreSQL plans each once per connection.
 * Read top to bottom they are the ingest: who is it, which conversation, the interaction, the
 * day's activity.
 */
export const INGEST_SQL = {
  findCustomer: {
    name: 'ingest_find_customer',
    text: `SELECT ${CUSTOMER_COLUMNS}
           FROM customer_identities ci JOIN customers c ON c.id = ci.customer_id
           WHERE ci.channel = $1 AND ci.address = $2`,
  },
  createCustomer: {
    name: 'ingest_create_customer',
    text: `INSERT INTO customers (name) VALUES ($1)
           RETURNING id, name, lifecycle_stage, acquisition_step, created_at, '[]'::json AS identities`,
  },
  claimIdentity: {
    name: 'ingest_claim_identity',
    text: `INSERT INTO customer_identities (customer_id, channel, address) VALUES ($1, $2, $3)
           ON CONFLICT (channel, address) DO NOTHING RETURNING customer_id`,
  },
  dropCustomer: { name: 'ingest_drop_customer', text: 'DELETE FROM customers WHERE id = $1' },
  nameCustomer: {
    name: 'ingest_name_customer',
    text: 'UPDATE customers SET name = $2, updated_at = now() WHERE id = $1 AND name IS NULL',
  },
  // Find-or-open the unresolved conversation and bump its inbox summary, race-free. An inbound
  // item reopens a pending or snoozed conversation; a late item never rewinds the preview.
  upsertConversation: {
    name: 'ingest_upsert_conversation',
    text: `INSERT INTO conversations AS cv (customer_id, channel, status, last_interaction_at, last_interaction_preview, unread_count)
           VALUES ($1, $2, 'open', $3, $4, $5)
           ON CONFLICT (customer_id, channel) WHERE status <> 'resolved'
           DO UPDATE SET
             status = CASE WHEN EXCLUDED.unread_count > 0 THEN 'open' ELSE cv.status END,
             last_interaction_preview = CASE WHEN cv.last_interaction_at IS NULL OR EXCLUDED.last_interaction_at >= cv.last_interaction_at
                                             THEN EXCLUDED.last_interaction_preview ELSE cv.last_interaction_preview END,
             last_interaction_at = GREATEST(cv.last_interaction_at, EXCLUDED.last_interaction_at),
             unread_count = cv.unread_count + EXCLUDED.unread_count,
             updated_at = now()
           RETURNING id, channel, status, assignee_id, customer_id, last_interaction_at, last_interaction_preview, unread_count`,
  },
  insertInteraction: {
    name: 'ingest_insert_interaction',
    text: `INSERT INTO interactions (customer_id, conversation_id, channel, direction, kind, text, subject, occurred_at,
                                     external_id, idempotency_key, delivery_status, intent, metadata, author_agent_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           ON CONFLICT (channel, idempotency_key) DO NOTHING
           RETURNING id`,
  },
  countActivity: {
    name: 'ingest_count_activity',
    text: `INSERT INTO customer_activity_daily (customer_id, day, channel, count, complaints, enquiries)
           VALUES ($1, $2, $3, 1, $4, $5)
           ON CONFLICT (customer_id, day, channel) DO UPDATE
             SET count = customer_activity_daily.count + 1,
                 complaints = customer_activity_daily.complaints + EXCLUDED.complaints,
                 enquiries = customer_activity_daily.enquiries + EXCLUDED.enquiries`,
  },
} as const;
