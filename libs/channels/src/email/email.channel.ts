import { recordAttachments } from '../attachments';
import {
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
import { interactionIdOf } from '../interaction-id';
import { replySubjectOf } from './email-headers';
import { parseEmail, type EmailInboundContext, type ParsedEmail } from './email-parser';
import { EmailSender } from './email-sender';
import type { ParseResult } from '../channel-plugin';

/** What a public SMTP listener must bound (CONTRACT: 25 MiB by default). */
export interface EmailInboundLimits {
  maxMessageBytes: number;
  maxClients: number;
  maxRecipients: number;
  socketTimeoutMs: number;
  /** STARTTLS is offered when both files are set. */
  tlsKeyFile?: string;
  tlsCertFile?: string;
  /** AUTH is required when set (a relay that forwards the mail logs in). */
  auth?: { user: string; password: string };
}

export interface EmailChannelSettings {
  smtpUrl?: string;
  from?: string;
  /** `POST /webhooks/email` answers 404 without it. */
  webhookToken?: string;
  inbound: EmailInboundLimits;
}

/** A reply's References keep the thread's root and its latest ids; clients need no more. */
const MAX_REFERENCES = 20;

/**
 * Email as a plug-in: raw messages (SMTP or a relay's webhook) parsed into interactions with their
 * attachments written in the ingest's transaction, bounces turned into delivery reports, and
 * agents' replies sent through nodemailer in the customer's own thread.
 */
export class EmailChannel implements ChannelPlugin {
  readonly channel = 'email' as const;
  private readonly sender: EmailSender;

  constructor(readonly settings: EmailChannelSettings) {
    this.sender = new EmailSender(settings);
  }

  parse(raw: Buffer, context: EmailInboundContext): Promise<ParseResult<ParsedEmail>> {
    return parseEmail(raw, context);
  }

  readonly ingest: IngestHooks = {
    writeWith: (item) => {
      const attachments = item.attachments ?? [];
      if (attachments.length === 0) return null;
      const interactionId = interactionIdOf(item.channel, item.idempotencyKey);
      return (sql: SqlClient) => recordAttachments(sql, interactionId, attachments);
    },
  };

  readonly replies: ReplySender = {
    targetOf: (sql, reply) => this.threadOf(sql, reply),
    send: (message) => this.send(message),
  };

  /** The reply answers the customer's latest mail in the conversation (not an auto-reply), in its thread. */
  private async threadOf(sql: SqlClient, { conversationId, customerId }: ReplyRequest): Promise<ReplyTarget> {
    const [latest] = await sql.query<{ external_id: string; subject: string | null; sender: string | null; refs: string[] | null }>(
      `SELECT external_id, subject, metadata->>'from' AS sender, metadata->'references' AS refs FROM interactions
       WHERE conversation_id = $1 AND direction = 'inbound' AND kind = 'message'
       -- An agent answers the person, not their out-of-office notice.
       ORDER BY metadata ? 'automatic', occurred_at DESC, id DESC LIMIT 1`,
      [conversationId],
    );
    if (latest?.sender) {
      const thread = [...new Set([...(latest.refs ?? []), latest.external_id])];
      const references = thread.length > MAX_REFERENCES ? [thread[0], ...thread.slice(-(MAX_REFERENCES - 1))] : thread;
      return { to: latest.sender, subject: replySubjectOf(latest.subject), inReplyTo: latest.external_id, references };
    }
    const [identity] = await sql.query<{ address: string }>(
      `SELECT address FROM customer_identities WHERE customer_id = $1 AND channel = 'email' ORDER BY created_at, id LIMIT 1`,
      [customerId],
    );
    if (!identity) {
      throw new ReplyRefusedError(
        'Replies cannot be sent on the email channel: the customer has no email address. An internal note (private: true) can still be added.',
      );
    }
    return { to: identity.address, subject: replySubjectOf(null) };
  }

  private async send({ interactionId, text, target }: OutboundMessage): Promise<SendResult> {
    const sent = await this.sender.send({
      interactionId,
      to: target.to,
      subject: target.subject ?? replySubjectOf(null),
      text,
      inReplyTo: target.inReplyTo,
      references: target.references,
    });
    return {
      providerId: sent.messageId,
      status: 'sent',
      metadata: { from: sent.from, messageId: sent.messageId, smtpResponse: sent.response },
    };
  }
}

export const EMAIL_CHANNEL: ChannelDefinition<EmailChannelSettings, EmailChannel> = {
  channel: 'email',
  readSettings(read: SettingsReader): EmailChannelSettings {
    const from = read.optional('EMAIL_FROM');
    if (from && !/[^\s@<]+@[^\s@>]+/.test(from))
      read.problems.push(`EMAIL_FROM must contain an email address (e.g. Support <help@example.com>), got "${from}"`);
    const tlsKeyFile = read.optional('SMTP_INBOUND_TLS_KEY');
    const tlsCertFile = read.optional('SMTP_INBOUND_TLS_CERT');
    if (Boolean(tlsKeyFile) !== Boolean(tlsCertFile))
      read.problems.push('SMTP_INBOUND_TLS_KEY and SMTP_INBOUND_TLS_CERT go together: set both or neither');
    const user = read.optional('SMTP_INBOUND_AUTH_USER');
    const password = read.optional('SMTP_INBOUND_AUTH_PASSWORD');
    if (Boolean(user) !== Boolean(password))
      read.problems.push('SMTP_INBOUND_AUTH_USER and SMTP_INBOUND_AUTH_PASSWORD go together: set both or neither');
    return {
      smtpUrl: read.url('SMTP_URL', undefined, ['smtp:', 'smtps:']),
      from,
      webhookToken: read.optional('EMAIL_WEBHOOK_TOKEN'),
      inbound: {
        maxMessageBytes: positiveInt(read, 'EMAIL_MAX_MESSAGE_BYTES', 25 * 1024 * 1024),
        maxClients: positiveInt(read, 'SMTP_INBOUND_MAX_CLIENTS', 100),
        maxRecipients: positiveInt(read, 'SMTP_INBOUND_MAX_RECIPIENTS', 50),
        socketTimeoutMs: positiveInt(read, 'SMTP_INBOUND_SOCKET_TIMEOUT_MS', 60_000),
        ...(tlsKeyFile && tlsCertFile && { tlsKeyFile, tlsCertFile }),
        ...(user && password && { auth: { user, password } }),
      },
    };
  },
  create: (settings) => new EmailChannel(settings),
};

function positiveInt(read: SettingsReader, name: string, fallback: number): number {
  const raw = read.optional(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value >= 1) return value;
  read.problems.push(`${name} must be a positive whole number, got "${raw}"`);
  return fallback;
}
