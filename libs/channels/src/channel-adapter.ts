import type { Channel, InboundInteraction } from './interaction';

/** A field-level problem with inbound input; `path` as in the contract (`[3].startedAt`). */
export interface InputError {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: InputError[] };

export interface OutboundMessage {
  to: string;
  text: string;
  /** Where the provider reports delivery status, when the channel has such callbacks. */
  statusCallbackUrl?: string;
}

export interface SendResult {
  /** The provider's id of the sent message (Twilio's MessageSid, SMTP Message-ID). */
  providerId: string;
  status: 'queued' | 'sent';
}

/**
 * What every channel implements: turn the channel's raw inbound payload into normalized
 * interactions, and send an agent's reply back on the same channel.
 */
export interface ChannelAdapter<RawInbound, Context = void> {
  readonly channel: Channel;
  parseInbound(raw: RawInbound, context: Context): ParseResult<InboundInteraction[]>;
  send?(message: OutboundMessage): Promise<SendResult>;
}
