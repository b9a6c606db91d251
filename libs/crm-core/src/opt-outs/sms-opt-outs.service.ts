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

/** STOP or START (or a synonym) in an inbound SMS: the number's new consent. */
export interface SmsConsentChange {
  phone: string;
  optedOut: boolean;
  keyword: string;
  messageSid: string;
  changedAt: string;
}

/** The consent change an inbound SMS carries, if any; HELP and ordinary messages carry none. */
export function smsConsentChangeOf(item: InboundInteraction): SmsConsentChange | null {
  if (item.channel !== 'sms' || item.direction !== 'inbound') return null;
  const keyword = smsKeywordOf(item.text);
  if (keyword !== 'opt_out' && keyword !== 'opt_in') return null;
  return {
    phone: item.identity.address,
    optedOut: keyword === 'opt_out',
    keyword: item.text.trim().toUpperCase(),
    messageSid: item.externalId,
    changedAt: item.occurredAt,
  };
}

/** Part of the ingest transaction of the message that carried the change. */
export async function recordSmsConsent(client: PoolClient, change: SmsConsentChange): Promise<void> {
  await client.query({
    ...RECORD_CONSENT,
    values: [change.phone, change.optedOut, change.keyword, change.messageSid, change.changedAt],
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
