import twilio from 'twilio';
import type { ParseResult } from '../channel-plugin';
import type { DeliveryStatus, InboundInteraction } from '../interaction';
import { toE164 } from '../phone-number';
import { deliveryStatusOfTwilio, TWILIO_MESSAGE_STATUSES } from './sms-delivery-status';
import { smsKeywordOf } from './sms-keywords';
import { SmsNotConfiguredError, toSmsSendError } from './sms-send.errors';
import { createTwilioClient } from './twilio-rest-client';
import { TwilioParamReader, type TwilioWebhookParams } from './twilio-params';

/** The contract's Twilio variables; each feature needs only some of them. */
export interface SmsSettings {
  accountSid?: string;
  authToken?: string;
  fromNumber?: string;
  /** A Twilio-compatible REST API to send through instead of Twilio's own. */
  apiBaseUrl?: string;
}

export interface SmsInboundContext {
  /** Twilio's webhook carries no timestamp: the message occurred when the hub received it. */
  receivedAt: Date;
}

export interface SmsMedia {
  url: string;
  contentType: string | null;
}

/** One delivery report from Twilio's status callback. */
export interface SmsStatusCallback {
  messageSid: string;
  /** Twilio's own word, kept for agents and logs. */
  messageStatus: string;
  deliveryStatus: DeliveryStatus;
  errorCode: number | null;
}

export interface SmsSendRequest {
  to: string;
  text: string;
  /** Where Twilio reports the message's delivery status. */
  statusCallbackUrl?: string;
}

export interface SmsSendResult {
  /** Twilio's MessageSid. */
  providerId: string;
  status: 'queued' | 'sent';
  from: string;
}

/** Twilio sends at most 10 media items with one message. */
const MAX_MEDIA = 10;
/** Twilio's SIDs are two letters and 32 hex digits; compatible providers vary, so stay lenient. */
const MESSAGE_SID = /^[A-Za-z0-9]{2,64}$/;

/**
 * SMS and MMS through Twilio: verifies and parses its webhooks (inbound messages and delivery
 * status callbacks) and sends replies with its SDK. Customers are identified by phone number,
 * so one number is one customer whether it texts or calls.
 */
export class SmsAdapter {
  private client?: twilio.Twilio;

  constructor(private readonly settings: SmsSettings) {}

  /** Without the auth token no webhook can be verified, so none is accepted. */
  get canVerifyWebhooks(): boolean {
    return Boolean(this.settings.authToken);
  }

  /** `url` is the one Twilio requested: the public base URL, the path and the query string. */
  isSignedByTwilio(signature: unknown, url: string, params: TwilioWebhookParams): boolean {
    if (!this.settings.authToken || typeof signature !== 'string' || !signature) return false;
    return twilio.validateRequest(this.settings.authToken, signature, url, { ...params });
  }

  parseInbound(params: TwilioWebhookParams, { receivedAt }: SmsInboundContext): ParseResult<InboundInteraction[]> {
    const read = new TwilioParamReader(params);
    const messageSid = readMessageSid(read);
    const rawFrom = read.text('From', { required: true, maxLength: 64 });
    const from = rawFrom === undefined ? undefined : toE164(rawFrom);
    if (rawFrom !== undefined && !from) read.fail('From', 'From must be a phone number in international format, e.g. +447700900123');
    const to = read.text('To', { required: true, maxLength: 64 });
    // Kept whole however many segments it took: agents read the customer's own words.
    const body = read.text('Body', { maxLength: 100_000 }) ?? '';
    const numSegments = read.integer('NumSegments', 1, 1, 1000);
    const messagingServiceSid = read.text('MessagingServiceSid', { maxLength: 64 }) ?? null;
    const media = readMedia(read);
    if (read.errors.length || !messageSid || !from || !to) return { ok: false, errors: read.errors };

    const keyword = smsKeywordOf(body);
    const interaction: InboundInteraction = {
      channel: 'sms',
      direction: 'inbound',
      kind: 'message',
      identity: { channel: 'phone', address: from },
      externalId: messageSid,
      idempotencyKey: messageSid,
      occurredAt: receivedAt.toISOString(),
      text: body,
      metadata: { from, to: toE164(to) ?? to, messagingServiceSid, numSegments, media, ...(keyword && { keyword }) },
    };
    return { ok: true, value: [interaction] };
  }

  parseStatusCallback(params: TwilioWebhookParams): ParseResult<SmsStatusCallback> {
    const read = new TwilioParamReader(params);
    const messageSid = readMessageSid(read);
    const messageStatus = read.text('MessageStatus', { required: true, maxLength: 40 });
    const deliveryStatus = messageStatus === undefined ? undefined : deliveryStatusOfTwilio(messageStatus);
    if (messageStatus !== undefined && !deliveryStatus) {
      read.fail('MessageStatus', `MessageStatus must be one of ${Object.keys(TWILIO_MESSAGE_STATUSES).join(', ')}, got "${messageStatus}"`);
    }
    const errorCode = read.integer('ErrorCode', 0, 0, 999_999) || null;
    if (read.errors.length || !messageSid || !messageStatus || !deliveryStatus) return { ok: false, errors: read.errors };
    return { ok: true, value: { messageSid, messageStatus, deliveryStatus, errorCode } };
  }

  /** Throws SmsNotConfiguredError without credentials, SmsSendError when Twilio refuses. */
  async send({ to, text, statusCallbackUrl }: SmsSendRequest): Promise<SmsSendResult> {
    const { client, from } = this.sender();
    try {
      const message = await client.messages.create({
        to,
        from,
        body: text,
        ...(statusCallbackUrl && { statusCallback: statusCallbackUrl }),
      });
      return { providerId: message.sid, status: deliveryStatusOfTwilio(message.status) === 'sent' ? 'sent' : 'queued', from };
    } catch (error) {
      throw toSmsSendError(error);
    }
  }

  private sender(): { client: twilio.Twilio; from: string } {
    const { accountSid, authToken, fromNumber, apiBaseUrl } = this.settings;
    if (!accountSid || !authToken || !fromNumber) {
      const missing = Object.entries({ TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM_NUMBER: fromNumber })
        .filter(([, value]) => !value)
        .map(([name]) => name);
      throw new SmsNotConfiguredError(missing);
    }
    this.client ??= createTwilioClient({ accountSid, authToken, apiBaseUrl });
    return { client: this.client, from: fromNumber };
  }
}

function readMessageSid(read: TwilioParamReader): string | undefined {
  const sid = read.text('MessageSid', { required: true, maxLength: 64 });
  if (sid !== undefined && !MESSAGE_SID.test(sid))
    return read.fail('MessageSid', 'MessageSid must be a Twilio message SID (letters and digits)');
  return sid;
}

/** MMS: `NumMedia` items, each `MediaUrl<i>` with its `MediaContentType<i>`. */
function readMedia(read: TwilioParamReader): SmsMedia[] {
  const count = read.integer('NumMedia', 0, 0, MAX_MEDIA);
  const media: SmsMedia[] = [];
  for (let i = 0; i < count; i++) {
    const url = read.url(`MediaUrl${i}`);
    const contentType = read.text(`MediaContentType${i}`, { maxLength: 200 }) ?? null;
    if (url) media.push({ url, contentType });
  }
  return media;
}
