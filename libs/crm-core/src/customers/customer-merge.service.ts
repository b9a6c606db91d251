import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql';

export class CustomerNotFoundError extends Error {
  constructor(readonly customerId: string) {
    super(`customer ${customerId} does not exist`);
  }
}

export class SelfMergeError extends Error {
  constructor() {
    super('a customer cannot be merged with itself');
  }
}

/**
 * Folds one customer into another inside the caller's transaction: identities, conversations,
 * interactions, activity, tasks, business events, defections and lifecycle history move to the survivor; nothing is dropped. Where both have an
 * unresolved conversation on the same channel and thread, the two become one.
 */
export async function mergeCustomers(tx: EntityManager, survivorId: string, mergedId: string): Promise<void> {
  if (survivorId === mergedId) throw new SelfMergeError();
  // Lock in id order so two merges of the same pair cannot deadlock.
  const locked = await queryRows<{ id: string }>(tx, 'SELECT id FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [
    [survivorId, mergedId],
  ]);
  for (const id of [survivorId, mergedId]) {
    if (!locked.some((row) => row.id === id)) throw new CustomerNotFoundError(id);
  }
  await tx.query('UPDATE customer_identities SET customer_id = $1 WHERE customer_id = $2', [survivorId, mergedId]);
  await foldActiveConversations(tx, survivorId, mergedId);
  await tx.query('UPDATE conversations SET customer_id = $1 WHERE customer_id = $2', [survivorId, mergedId]);
  await tx.query('UPDATE interactions SET customer_id = $1 WHERE customer_id = $2', [survivorId, mergedId]);
  await tx.query(
    `INSERT INTO customer_activity_daily (customer_id, day, channel, count, complaints, enquiries)
     SELECT $1, day, channel, count, complaints, enquiries FROM customer_activity_daily WHERE customer_id = $2
     ON CONFLICT (customer_id, day, channel) DO UPDATE
       SET count = customer_activity_daily.count + EXCLUDED.count,
           complaints = customer_activity_daily.complaints + EXCLUDED.complaints,
           enquiries = customer_activity_daily.enquiries + EXCLUDED.enquiries`,
    [survivorId, mergedId],
  );
  await tx.query('DELETE FROM customer_activity_daily WHERE customer_id = $1', [mergedId]);
  // At most one open attrition, re-acquisition and extension task per customer: the survivor's stays open.
  await tx.query(
    `UPDATE retention_tasks m SET status = 'dismissed', outcome = 'merged into another customer', updated_at = now()
      WHERE m.customer_id = $2 AND m.kind IN ('attrition', 'reacquisition', 'extension') AND m.status IN ('open', 'in_progress')
        AND EXISTS (SELECT 1 FROM retention_tasks s WHERE s.customer_id = $1 AND s.kind = m.kind AND s.status IN ('open', 'in_progress'))`,
    [survivorId, mergedId],
  );
  // One open defection per customer too: the survivor's stays open, the other's is closed by the merge.
  await tx.query(
    `UPDATE customer_defections m SET reacquired_at = now()
      WHERE m.customer_id = $2 AND m.reacquired_at IS NULL
        AND EXISTS (SELECT 1 FROM customer_defections s WHERE s.customer_id = $1 AND s.reacquired_at IS NULL)`,
    [survivorId, mergedId],
  );
  await tx.query('UPDATE customer_defections SET customer_id = $1 WHERE customer_id = $2', [survivorId, mergedId]);
  await tx.query('UPDATE retention_tasks SET customer_id = $1 WHERE customer_id = $2', [survivorId, mergedId]);
  // The same business event recorded on both is one event.
  await tx.query(
    `DELETE FROM business_events m USING business_events s
      WHERE m.customer_id = $2 AND s.customer_id = $1 AND m.external_id = s.external_id`,
    [survivorId, mergedId],
  );
  await tx.query('UPDATE business_events SET customer_id = $1 WHERE customer_id = $2', [survivorId, mergedId]);
  await tx.query('UPDATE customer_lifecycle_changes SET customer_id = $1 WHERE customer_id = $2', [survivorId, mergedId]);
  await tx.query(
    `UPDATE customers SET name = COALESCE(customers.name, other.name), account_id = COALESCE(customers.account_id, other.account_id), updated_at = now()
     FROM customers other WHERE customers.id = $1 AND other.id = $2`,
    [survivorId, mergedId],
  );
  await tx.query('UPDATE customer_merges SET into_id = $1 WHERE into_id = $2', [survivorId, mergedId]);
  await tx.query('DELETE FROM customers WHERE id = $1', [mergedId]);
  await tx.query('INSERT INTO customer_merges (merged_id, into_id) VALUES ($1, $2)', [mergedId, survivorId]);
}

async function foldActiveConversations(tx: EntityManager, survivorId: string, mergedId: string): Promise<void> {
  const pairs = await queryRows<{ keep_id: string; fold_id: string }>(
    tx,
    `SELECT keep.id AS keep_id, fold.id AS fold_id
     FROM conversations fold
     JOIN conversations keep ON keep.customer_id = $1 AND keep.channel = fold.channel AND keep.thread_key = fold.thread_key
                           AND keep.status <> 'resolved'
     WHERE fold.customer_id = $2 AND fold.status <> 'resolved'`,
    [survivorId, mergedId],
  );
  for (const { keep_id: keepId, fold_id: foldId } of pairs) {
    await tx.query('UPDATE interactions SET conversation_id = $1 WHERE conversation_id = $2', [keepId, foldId]);
    await tx.query(
      `UPDATE conversations keep SET
         last_interaction_preview = CASE WHEN fold.last_interaction_at > keep.last_interaction_at
                                         THEN fold.last_interaction_preview ELSE keep.last_interaction_preview END,
         last_interaction_at = GREATEST(keep.last_interaction_at, fold.last_interaction_at),
         unread_count = keep.unread_count + fold.unread_count,
         assignee_id = COALESCE(keep.assignee_id, fold.assignee_id),
         updated_at = now()
       FROM conversations fold WHERE keep.id = $1 AND fold.id = $2`,
      [keepId, foldId],
    );
    await tx.query('DELETE FROM conversations WHERE id = $1', [foldId]);
  }
}
