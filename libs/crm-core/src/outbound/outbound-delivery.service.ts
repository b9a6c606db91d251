import type { Channel, DeliveryReport, DeliveryStatus, ReplyTarget } from '@omnihub/channels';
import type { DataSource } from 'typeorm';
import { queryOne, queryRows } from '../database/sql';
import { INTERACTION_COLUMNS, toInteractionView, type InteractionRow, type InteractionView } from '../interactions/interaction.view';
import { deliveryRankSql } from './delivery-status.rules';

/** An outbound message as the sender needs it. */
export interface PendingOutbound {
  id: string;
  channel: Channel;
  text: string;
  /** Where it goes, as its channel decided when the reply was stored. */
  target: ReplyTarget | null;
  deliveryStatus: DeliveryStatus | null;
  /** Set once the provider accepted the message: a retried job must not send it twice. */
  providerId: string | null;
}

export interface SentOutbound {
  providerId: string;
  deliveryStatus: DeliveryStatus;
  /** What the channel reports about the send (the number it went out from). */
  metadata: Record<string, unknown>;
}

/** Why a queued message will never go out: `blocked` for an opt-out, `failed` for the rest. */
export interface DeliveryFailure {
  deliveryStatus: 'failed' | 'blocked';
  error: string;
  /** The provider's error code (Twilio's), kept for agents and support. */
  errorCode: number | null;
}

export type DeliveryReportOutcome =
  | { result: 'updated'; interaction: InteractionView }
  /** Older news than what is stored (a late `sent` after `delivered`): nothing changed. */
  | { result: 'stale' }
  /** No message with that provider id yet: the sender may not have recorded it yet. */
  | { result: 'unknown' };

/** Outbound messages' way from `queued` to an outcome; a status only ever moves forward. */
export class OutboundDeliveryService {
  constructor(private readonly db: DataSource) {}

  async pending(id: string): Promise<PendingOutbound | null> {
    const row = await queryOne<{
      id: string;
      channel: Channel;
      text: string;
      metadata: Partial<ReplyTarget> & { providerId?: string };
      delivery_status: DeliveryStatus | null;
    }>(
      this.db,
      `SELECT id, channel, text, metadata, delivery_status FROM interactions WHERE id = $1 AND direction = 'outbound' AND kind = 'message'`,
      [id],
    );
    if (!row) return null;
    const { to, subject, inReplyTo, references, room, providerId } = row.metadata;
    return {
      id: row.id,
      channel: row.channel,
      text: row.text,
      target: to ? { to, subject, inReplyTo, references, room } : null,
      deliveryStatus: row.delivery_status,
      providerId: providerId ?? null,
    };
  }

  /** The provider accepted the message: from now on its id names it (status callbacks use it). */
  async recordSent(id: string, sent: SentOutbound): Promise<InteractionView> {
    const [row] = await queryRows<InteractionRow>(
      this.db,
      `UPDATE interactions SET external_id = $2,
         delivery_status = CASE WHEN ${deliveryRankSql('$3::text')} > ${deliveryRankSql('delivery_status')} THEN $3 ELSE delivery_status END,
         metadata = metadata || $4::jsonb || jsonb_build_object('providerId', $2::text)
       WHERE id = $1 RETURNING ${INTERACTION_COLUMNS}`,
      [id, sent.providerId, sent.deliveryStatus, sent.metadata],
    );
    return toInteractionView(row);
  }

  /** Only a message still `queued` can fail to go out; null when it had moved on already. */
  async recordFailure(id: string, failure: DeliveryFailure): Promise<InteractionView | null> {
    const [row] = await queryRows<InteractionRow>(
      this.db,
      `UPDATE interactions SET delivery_status = $2,
         metadata = metadata || jsonb_strip_nulls(jsonb_build_object('error', $3::text, 'errorCode', $4::integer))
       WHERE id = $1 AND delivery_status = 'queued' RETURNING ${INTERACTION_COLUMNS}`,
      [id, failure.deliveryStatus, failure.error, failure.errorCode],
    );
    return row ? toInteractionView(row) : null;
  }

  /** One conditional UPDATE: the rank comparison keeps late, out-of-order news from rewinding. */
  async applyReport(report: DeliveryReport): Promise<DeliveryReportOutcome> {
    const [row] = await queryRows<InteractionRow>(
      this.db,
      `UPDATE interactions SET delivery_status = $3,
         metadata = metadata || jsonb_strip_nulls(jsonb_build_object('providerStatus', $4::text, 'errorCode', $5::integer))
       WHERE channel = $1 AND direction = 'outbound' AND external_id = $2
         AND ${deliveryRankSql('delivery_status')} < ${deliveryRankSql('$3::text')}
       RETURNING ${INTERACTION_COLUMNS}`,
      [report.channel, report.providerId, report.deliveryStatus, report.providerStatus, report.errorCode],
    );
    if (row) return { result: 'updated', interaction: toInteractionView(row) };
    const known = await queryOne(this.db, `SELECT 1 FROM interactions WHERE channel = $1 AND direction = 'outbound' AND external_id = $2`, [
      report.channel,
      report.providerId,
    ]);
    return known ? { result: 'stale' } : { result: 'unknown' };
  }
}
