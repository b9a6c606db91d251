// The normalized shape every channel adapter produces: what the worker needs to resolve the
// customer and store one interaction, whatever the channel it came from.

export const CHANNELS = ['email', 'sms', 'chat', 'phone'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const INTERACTION_KINDS = ['message', 'call', 'note'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export const INTENTS = ['complaint', 'enquiry', 'purchase', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

export const DELIVERY_STATUSES = ['queued', 'sent', 'delivered', 'undelivered', 'failed', 'blocked'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * How a customer is reached. SMS and phone calls share `phone`, so one number is one customer
 * whether it texts or calls.
 */
export const IDENTITY_KINDS = ['phone', 'email', 'chat'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export interface Identity {
  channel: IdentityKind;
  /** Normalized: E.164 phone, lower-cased email, chat visitor id. */
  address: string;
}

export type InteractionMetadata = Record<string, unknown>;

/**
 * A file that came with an inbound item. Its bytes ride in the ingest job (base64) and are
 * stored beside the interaction by its channel's ingest hook; `metadata` keeps only the summary.
 */
export interface InboundAttachment {
  /** Chosen at the edge, so the interaction's metadata can name it before anything is stored. */
  id: string;
  filename: string;
  contentType: string;
  size: number;
  contentBase64: string;
}

export interface InboundInteraction {
  channel: Channel;
  direction: Direction;
  kind: InteractionKind;
  /** The identity that proves who the customer is. */
  identity: Identity;
  /** Shown to agents; the channel's own id for the item (MessageSid, Message-ID, call log id). */
  externalId: string;
  /**
   * Unique per channel; a redelivered item carries the same key and adds nothing. Equals
   * `externalId` unless the channel scopes it (call logs: per partner).
   */
  idempotencyKey: string;
  occurredAt: string;
  text: string;
  subject?: string;
  /** Names the customer when it has no name yet. */
  customerName?: string;
  /**
   * For channels that hold several conversations per customer at once, the thread this item
   * belongs to (an email thread's first Message-ID, a chat visitor's id). Absent: one unresolved
   * conversation per customer and channel (SMS, calls).
   */
  threadKey?: string;
  /**
   * Provider ids of earlier messages this one answers (email `In-Reply-To` and `References`): the
   * conversation holding one of them takes this item, and reopens when it was resolved.
   */
  replyTo?: string[];
  /** The inbox preview when it is not the text's start (an email without its quoted history). */
  preview?: string;
  attachments?: InboundAttachment[];
  metadata: InteractionMetadata;
}
