import type { Channel, DeliveryStatus, Direction, Intent, InteractionKind, InteractionMetadata } from '@omnihub/channels';

/** An interaction as the contract shows it to agents. */
export interface InteractionView {
  id: string;
  customerId: string;
  conversationId: string;
  channel: Channel;
  direction: Direction;
  kind: InteractionKind;
  text: string;
  subject?: string;
  occurredAt: string;
  externalId: string;
  deliveryStatus?: DeliveryStatus;
  intent?: Intent;
  metadata: InteractionMetadata;
}

export interface InteractionRow {
  id: string;
  customer_id: string;
  conversation_id: string;
  channel: Channel;
  direction: Direction;
  kind: InteractionKind;
  text: string;
  subject: string | null;
  occurred_at: Date;
  external_id: string;
  delivery_status: DeliveryStatus | null;
  intent: Intent | null;
  metadata: InteractionMetadata;
}

export const INTERACTION_COLUMNS = `id, customer_id, conversation_id, channel, direction, kind, text, subject,
  occurred_at, external_id, delivery_status, intent, metadata`;

export function toInteractionView(row: InteractionRow): InteractionView {
  return {
    id: row.id,
    customerId: row.customer_id,
    conversationId: row.conversation_id,
    channel: row.channel,
    direction: row.direction,
    kind: row.kind,
    text: row.text,
    ...(row.subject !== null && { subject: row.subject }),
    occurredAt: row.occurred_at.toISOString(),
    externalId: row.external_id,
    ...(row.delivery_status !== null && { deliveryStatus: row.delivery_status }),
    ...(row.intent !== null && { intent: row.intent }),
    metadata: row.metadata,
  };
}
