import type { InboundInteraction, Intent } from '@omnihub/channels';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { previewOf, type ConversationView } from '../conversations/conversation.view';
import type { CustomerSummary } from '../customers/customer.view';
import { recordSmsConsent, smsConsentChangeOf } from '../opt-outs/sms-opt-outs.service';
import type { InteractionView } from './interaction.view';
import { classifyIntent } from './intent.rules';

export interface IngestedCustomer extends CustomerSummary {
  /** First seen with this interaction. */
  created: boolean;
}

export type IngestOutcome =
  { status: 'created'; interaction: InteractionView; conversation: ConversationView; customer: IngestedCustomer } | { status: 'duplicate' };

/** What `ingest_interaction()` (migration IngestFunction) returns: one row, none for a duplicate. */
interface IngestRow {
  r_interaction_id: string;
  r_customer_id: string;
  r_customer_name: string | null;
  r_lifecycle_stage: CustomerSummary['lifecycleStage'];
  r_acquisition_step: NonNullable<CustomerSummary['acquisitionStep']>;
  r_customer_created_at: Date;
  r_identities: CustomerSummary['identities'];
  r_customer_created: boolean;
  r_conversation_id: string;
  r_status: ConversationView['status'];
  r_assignee_id: string | null;
  r_last_interaction_at: Date;
  r_last_interaction_preview: string | null;
  r_unread_count: number;
}

const INGEST = {
  name: 'ingest_interaction',
  text: 'SELECT * FROM ingest_interaction($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
};

/**
 * The one write every channel shares: in one transaction, resolve the customer from the
 * identity, find or open the conversation, insert the interaction and count the day's activity
 * (the SQL function `ingest_interaction`, one round trip). Safe to run twice for the same item
 * (BullMQ is at-least-once): the second run finds the idempotency key taken and reports a
 * duplicate, changing nothing.
 */
export class InteractionIngestService {
  constructor(private readonly db: DataSource) {}

  async ingest(item: InboundInteraction): Promise<IngestOutcome> {
    const inbound = item.direction === 'inbound';
    const intent: Intent | null = inbound && item.kind !== 'note' ? classifyIntent(item.text, item.metadata.outcome) : null;
    const values = [
      item.identity.channel,
      item.identity.address,
      item.customerName ?? null,
      item.channel,
      item.direction,
      item.kind,
      item.text,
      item.subject ?? null,
      item.occurredAt,
      item.externalId,
      item.idempotencyKey,
      intent,
      item.metadata,
      previewOf(item.text || item.subject || ''),
    ];
    const consent = smsConsentChangeOf(item);
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      // STOP or START must change the number's consent with the message that carried it: only
      // then is an explicit transaction worth its two extra round trips.
      if (consent) await client.query('BEGIN');
      const rows = (await client.query<IngestRow>({ ...INGEST, values })).rows;
      if (consent && rows.length) await recordSmsConsent(client, consent);
      if (consent) await client.query('COMMIT');
      return rows.length ? toOutcome(rows[0], item, intent) : { status: 'duplicate' };
    } catch (error) {
      if (consent) await client.query('ROLLBACK').catch(() => undefined);
      if (isConcurrentDuplicate(error)) return { status: 'duplicate' };
      throw error;
    } finally {
      await runner.release();
    }
  }
}

function toOutcome(row: IngestRow, item: InboundInteraction, intent: Intent | null): IngestOutcome {
  return {
    status: 'created',
    interaction: {
      id: row.r_interaction_id,
      customerId: row.r_customer_id,
      conversationId: row.r_conversation_id,
      channel: item.channel,
      direction: item.direction,
      kind: item.kind,
      text: item.text,
      ...(item.subject !== undefined && { subject: item.subject }),
      occurredAt: item.occurredAt,
      externalId: item.externalId,
      ...(intent && { intent }),
      metadata: item.metadata,
    },
    conversation: {
      id: row.r_conversation_id,
      channel: item.channel,
      status: row.r_status,
      assigneeId: row.r_assignee_id,
      customer: { id: row.r_customer_id, name: row.r_customer_name },
      lastInteractionAt: row.r_last_interaction_at.toISOString(),
      lastInteractionPreview: row.r_last_interaction_preview,
      unreadCount: row.r_unread_count,
    },
    customer: {
      id: row.r_customer_id,
      name: row.r_customer_name,
      identities: row.r_identities,
      lifecycleStage: row.r_lifecycle_stage,
      acquisitionStep: row.r_lifecycle_stage === 'acquisition' ? row.r_acquisition_step : null,
      createdAt: row.r_customer_created_at.toISOString(),
      created: row.r_customer_created,
    },
  };
}

/** Another job stored the same item between this call's check and its insert. */
function isConcurrentDuplicate(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'interactions_channel_idempotency_key';
}
