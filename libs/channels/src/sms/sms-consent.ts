import type { SqlClient } from '../channel-plugin';
import type { InboundInteraction } from '../interaction';
import { smsKeywordOf } from './sms-keywords';

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

/** Part of the ingest transaction of the message that carried the change; the later keyword wins. */
export async function recordSmsConsent(sql: SqlClient, change: SmsConsentChange): Promise<void> {
  await sql.query(
    `INSERT INTO sms_opt_outs AS o (phone, opted_out, keyword, message_sid, changed_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (phone) DO UPDATE
       SET opted_out = EXCLUDED.opted_out, keyword = EXCLUDED.keyword, message_sid = EXCLUDED.message_sid,
           changed_at = EXCLUDED.changed_at, updated_at = now()
       WHERE o.changed_at <= EXCLUDED.changed_at`,
    [change.phone, change.optedOut, change.keyword, change.messageSid, change.changedAt],
  );
}

/** Whether the hub may text a number: no SMS goes to a number that opted out. */
export async function isOptedOut(sql: SqlClient, phone: string): Promise<boolean> {
  const [row] = await sql.query<{ opted_out: boolean }>('SELECT opted_out FROM sms_opt_outs WHERE phone = $1', [phone]);
  return row?.opted_out ?? false;
}
