import { smsKeywordOf, type InboundInteraction } from '@omnihub/channels';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { queryOne, type Db } from '../database/sql';

/**
 * The later keyword wins, whatever order the worker processes them in. Named so PostgreSQL
 * plans it once per connection, like the ingest's other statements.
 */
const RECORD_CONSENT = {
  name: 'ingest_record_sms_consent',
  text: `INSERT INTO sms_opt_outs AS o (phone, opted_out, keyword, message_sid, changed_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (phone) DO UPDATE
           SET opted_out = EXCLUDED.opted_out, keyword = EXCLUDED.keyword, message_sid = EXCLUDED.message_sid,
               changed_at = EXCLUDED.changed_at, updated_at = now()
           WHERE o.changed_at <= EXCLUDED.changed_at`,
} as const;

/**
 * Part of the ingest transaction for an inbound SMS: STOP and its synonyms opt the number out,
 * START and its synonyms opt it back in. HELP and ordinary messages change nothing.
 */
export async function recordSmsConsent(client: PoolClient, item: InboundInteraction): Promise<void> {
  const keyword = smsKeywordOf(item.text);
  if (keyword !== 'opt_out' && keyword !== 'opt_in') return;
  await client.query({
    ...RECORD_CONSENT,
    values: [item.identity.address, keyword === 'opt_out', item.text.trim().toUpperCase(), item.externalId, item.occurredAt],
  });
}

/** Whether the hub may text a number: no SMS goes to a number that opted out. */
export class SmsOptOutsService {
  constructor(private readonly db: DataSource) {}

  isOptedOut(phone: string): Promise<boolean> {
    return isOptedOut(this.db, phone);
  }
}

export async function isOptedOut(db: Db, phone: string): Promise<boolean> {
  const row = await queryOne<{ opted_out: boolean }>(db, 'SELECT opted_out FROM sms_opt_outs WHERE phone = $1', [phone]);
  return row?.opted_out ?? false;
}
