import type { DeliveryStatus } from '@omnihub/channels';

/**
 * How far along its way an outbound message is. Status news only ever moves a message to a
 * higher rank: providers' callbacks arrive late and out of order (a `sent` after `delivered`),
 * and the outcomes share the top rank so the first one reported stands.
 */
export const DELIVERY_STATUS_RANK: Readonly<Record<DeliveryStatus, number>> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  undelivered: 2,
  failed: 2,
  // Never sent because the recipient opted out first: as final as any outcome.
  blocked: 2,
};

/** The rank table as a SQL expression over a status column or a text parameter. */
export function deliveryRankSql(status: string): string {
  const cases = Object.entries(DELIVERY_STATUS_RANK).map(([name, rank]) => `WHEN '${name}' THEN ${rank}`);
  return `(CASE ${status} ${cases.join(' ')} ELSE -1 END)`;
}
