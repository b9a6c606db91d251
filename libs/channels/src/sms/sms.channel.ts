import {
  ReplyInvalidError,
  ReplyRefusedError,
  type ChannelDefinition,
  type ChannelPlugin,
  type IngestHooks,
  type OutboundMessage,
  type ReplyRequest,
  type ReplySender,
  type ReplyTarget,
  type SendResult,
  type SettingsReader,
  type SqlClient,
} from '../channel-plugin';
import { SmsAdapter, type SmsSettings } from './sms.adapter';
import { isOptedOut, recordSmsConsent, smsConsentChangeOf } from './sms-consent';

/** Twilio refuses longer bodies (error 21617); longer replies are split by the agent. */
export const MAX_SMS_REPLY_LENGTH = 1600;

export interface SmsChannelSettings extends SmsSettings {
  /** Where Twilio reaches the api: status callbacks of sent SMS go to this base URL. */
  publicBaseUrl: string;
}

/** An opted-out number: nothing is sent until the customer texts START. */
export class SmsRecipientOptedOutError extends ReplyRefusedError {
  constructor(readonly phone: string) {
    super(`${phone} has opted out of SMS (replied STOP); nothing was sent. The customer can opt back in by texting START.`);
  }
}

/**
 * SMS through Twilio as a plug-in: the Twilio adapter for webhooks and sending, STOP/START
 * consent written with the message that carried it, and replies to the number the customer
 * last texted from.
 */
export class SmsChannel implements ChannelPlugin {
  readonly channel = 'sms' as const;
  readonly twilio: SmsAdapter;
  private readonly statusCallbackUrl: string;

  constructor(settings: SmsChannelSettings) {
    this.twilio = new SmsAdapter(settings);
    this.statusCallbackUrl = `${settings.publicBaseUrl}/webhooks/twilio/status`;
  }

  readonly ingest: IngestHooks = {
    writeWith: (item) => {
      const change = smsConsentChangeOf(item);
      return change ? (sql: SqlClient) => recordSmsConsent(sql, change) : null;
    },
  };

  readonly replies: ReplySender = {
    targetOf: (sql, reply) => this.recipient(sql, reply),
    blockedReason: async (sql, { to }) => ((await isOptedOut(sql, to)) ? `${to} opted out of SMS before this reply was sent` : null),
    send: (message) => this.send(message),
  };

  /** The number the customer last texted from in this conversation, else their oldest phone. */
  private async recipient(sql: SqlClient, { conversationId, customerId, text }: ReplyRequest): Promise<ReplyTarget> {
    if (text.length > MAX_SMS_REPLY_LENGTH) {
      throw new ReplyInvalidError('text', `text is ${text.length} characters; sms replies are limited to ${MAX_SMS_REPLY_LENGTH}`);
    }
    const [row] = await sql.query<{ phone: string | null }>(
      `SELECT coalesce(
         (SELECT i.metadata->>'from' FROM interactions i
          WHERE i.conversation_id = $1 AND i.direction = 'inbound' AND i.kind = 'message'
          ORDER BY i.occurred_at DESC, i.id DESC LIMIT 1),
         (SELECT ci.address FROM customer_identities ci WHERE ci.customer_id = $2 AND ci.channel = 'phone'
          ORDER BY ci.created_at, ci.id LIMIT 1)) AS phone`,
      [conversationId, customerId],
    );
    const phone = row?.phone;
    if (!phone) {
      throw new ReplyRefusedError(
        'Replies cannot be sent on the sms channel: the customer has no phone number to text. An internal note (private: true) can still be added.',
      );
    }
    if (await isOptedOut(sql, phone)) throw new SmsRecipientOptedOutError(phone);
    return { to: phone };
  }

  private async send({ text, target }: OutboundMessage): Promise<SendResult> {
    const sent = await this.twilio.send({ to: target.to, text, statusCallbackUrl: this.statusCallbackUrl });
    return { providerId: sent.providerId, status: sent.status, metadata: { from: sent.from } };
  }
}

export const SMS_CHANNEL: ChannelDefinition<SmsChannelSettings, SmsChannel> = {
  channel: 'sms',
  readSettings(read: SettingsReader): SmsChannelSettings {
    const accountSid = read.optional('TWILIO_ACCOUNT_SID');
    // The SDK refuses any other SID at the first send; say so at start-up instead.
    if (accountSid && !/^AC[0-9a-zA-Z]+$/.test(accountSid)) read.problems.push('TWILIO_ACCOUNT_SID must be a Twilio account SID (AC…)');
    return {
      accountSid,
      authToken: read.optional('TWILIO_AUTH_TOKEN'),
      fromNumber: read.optional('TWILIO_FROM_NUMBER'),
      apiBaseUrl: read.url('TWILIO_API_BASE_URL', undefined, ['http:', 'https:']),
      publicBaseUrl: read.url('PUBLIC_BASE_URL', 'http://localhost:3000', ['http:', 'https:'])!.replace(/\/+$/, ''),
    };
  },
  create: (settings) => new SmsChannel(settings),
};
