import type { Channel, DeliveryStatus, InboundInteraction, Intent } from './interaction';

/** A field-level problem with inbound input; `path` as in the contract (`[3].startedAt`). */
export interface InputError {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: InputError[] };

/**
 * The one statement-running capability a channel's rules get: the ingest's or the reply's own
 * transaction, so what a channel writes commits or rolls back with the interaction.
 */
export interface SqlClient {
  query<R>(text: string, values: unknown[]): Promise<R[]>;
}

/** What a channel reads from the environment; the apps' reader reports every problem at once. */
export interface SettingsReader {
  readonly problems: string[];
  optional(name: string): string | undefined;
  string(name: string, fallback: string): string;
  url(name: string, fallback: string | undefined, protocols: string[]): string | undefined;
}

/** A provider's delivery news about one message it sent for us. */
export interface DeliveryReport {
  channel: Channel;
  providerId: string;
  deliveryStatus: DeliveryStatus;
  /** The provider's own word, kept for agents and logs. */
  providerStatus: string;
  errorCode: number | null;
}

/** A task worked on by the item: the task becomes done with this outcome. */
export interface TaskOutcome {
  taskId: string;
  outcome: string;
  /** Only a task assigned to this partner may be closed. */
  partnerId: string;
}

/** Channel rules that must run inside the ingest of an inbound item. */
export interface IngestHooks {
  /** The intent when the channel settles it outright (a call's outcome); otherwise the text decides. */
  intentOf?(item: InboundInteraction): Intent | undefined;
  /**
   * Whether the item shows two-way contact with the customer (an answered call); without the
   * hook, an outbound message does.
   */
  twoWay?(item: InboundInteraction): boolean;
  /**
   * A satisfaction score the item gives outright (a call log's `csatScore`), recorded on its
   * conversation. Without it, a customer's message may still answer a survey the hub sent.
   */
  csatOf?(item: InboundInteraction): { score: number; comment: string | null } | undefined;
  /** The task this item reports on and how it ended (a call log carrying `taskId`). */
  taskOutcomeOf?(item: InboundInteraction): TaskOutcome | undefined;
  /**
   * A write that must commit with the interaction (an SMS STOP changes the number's consent), or
   * null when this item needs none, so the ingest keeps its single round trip.
   */
  writeWith?(item: InboundInteraction): ((sql: SqlClient) => Promise<void>) | null;
}

/** An agent's reply about to be stored: enough for the channel to decide where it goes. */
export interface ReplyRequest {
  conversationId: string;
  customerId: string;
  text: string;
}

/**
 * Where a reply goes and the thread it belongs to, stored with the reply: an SMS number, an email
 * address with its subject and `In-Reply-To`/`References`, a chat visitor's room.
 */
export interface ReplyTarget {
  to: string;
  subject?: string;
  inReplyTo?: string;
  references?: string[];
  room?: string;
}

export interface OutboundMessage {
  /** The reply's interaction id: a provider that takes an idempotency key gets this one. */
  interactionId: string;
  text: string;
  target: ReplyTarget;
}

export interface SendResult {
  /** The provider's id of the sent message (Twilio's MessageSid, SMTP Message-ID). */
  providerId: string;
  status: 'queued' | 'sent';
  /** Facts about the send kept with the reply (the number it went out from). */
  metadata?: Record<string, unknown>;
}

/** Sending agents' replies on the channel, in the conversation's own thread. */
export interface ReplySender {
  /** Decided when the reply is stored; refuses with ReplyRefusedError or ReplyInvalidError. */
  targetOf(sql: SqlClient, reply: ReplyRequest): Promise<ReplyTarget>;
  /** Checked again right before sending: a reason here ends the reply `blocked`, unsent. */
  blockedReason?(sql: SqlClient, target: ReplyTarget): Promise<string | null>;
  /** Throws ChannelSendError when the provider refuses; anything else is retried. */
  send(message: OutboundMessage): Promise<SendResult>;
}

/**
 * One channel, one plug-in. Each part is optional: a channel without agents' replies names why
 * in `noReplies`. Inbound parsing is the plug-in's own typed method, called by its ingress.
 */
export interface ChannelPlugin {
  readonly channel: Channel;
  readonly ingest?: IngestHooks;
  readonly replies?: ReplySender;
  readonly noReplies?: string;
}

/** A registry entry: how the channel reads its settings and builds its plug-in from them. */
export interface ChannelDefinition<S, P extends ChannelPlugin> {
  readonly channel: P['channel'];
  readSettings(read: SettingsReader): S;
  create(settings: S): P;
}

/** The reply may not be sent (an opted-out number, no address to send to): 409. */
export class ReplyRefusedError extends Error {}

/** The reply itself does not fit the channel (too long): 400 naming the field. */
export class ReplyInvalidError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The provider (or the network on the way) refused a message. `retryable` says whether the same
 * request may succeed later; `blocked` that the recipient refuses messages (not a fault).
 */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code: number | null,
    readonly deliveryStatus: 'failed' | 'blocked' = 'failed',
  ) {
    super(message);
  }
}
