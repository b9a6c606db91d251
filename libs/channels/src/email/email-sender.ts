import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { ChannelSendError } from '../channel-plugin';
import { textToHtml } from './email-html';

export interface EmailSendRequest {
  /** The reply's interaction id: its Message-ID is made from it, so a retry reuses the same one. */
  interactionId: string;
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
}

export interface EmailSendResult {
  /** The Message-ID the mail went out with: the customer's answer names it in In-Reply-To. */
  messageId: string;
  from: string;
  response: string;
}

/** Outbound mail through nodemailer's SMTP transport (`SMTP_URL`), `From: EMAIL_FROM`. */
export class EmailSender {
  private transport?: Transporter;

  constructor(private readonly settings: { smtpUrl?: string; from?: string }) {}

  /** Throws ChannelSendError: retryable for a 4xx or the network, final for a 5xx or no settings. */
  async send(request: EmailSendRequest): Promise<EmailSendResult> {
    const { smtpUrl, from } = this.settings;
    if (!smtpUrl || !from) {
      const missing = Object.entries({ SMTP_URL: smtpUrl, EMAIL_FROM: from }).filter(([, value]) => !value);
      throw new ChannelSendError(`email replies are not configured: set ${missing.map(([name]) => name).join(' and ')}`, false, null);
    }
    this.transport ??= nodemailer.createTransport(transportOptionsOf(smtpUrl));
    const messageId = `<${request.interactionId}@${domainOf(from)}>`;
    try {
      const info = (await this.transport.sendMail({
        from,
        to: request.to,
        subject: request.subject,
        text: request.text,
        html: textToHtml(request.text),
        messageId,
        ...(request.inReplyTo && { inReplyTo: request.inReplyTo }),
        ...(request.references?.length && { references: request.references }),
      })) as { response?: string };
      return { messageId, from, response: info.response ?? '' };
    } catch (error) {
      throw toSendError(error);
    }
  }
}

/** `smtp://user:pass@host:port` (`smtps:` for TLS from the start), with timeouts a worker can afford. */
function transportOptionsOf(smtpUrl: string): SMTPTransport.Options {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username && { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  };
}

/** The domain of EMAIL_FROM's address (`Support <help@example.com>` → `example.com`). */
export function domainOf(from: string): string {
  return /@([^>\s]+)\s*>?\s*$/.exec(from)?.[1] ?? 'omnihub.invalid';
}

function toSendError(error: unknown): ChannelSendError {
  const { message, responseCode } = error as { message?: string; responseCode?: number };
  const detail = message ?? String(error);
  // 5xx: the server will say the same next time. 4xx and a dropped connection may pass.
  if (typeof responseCode === 'number' && responseCode >= 500)
    return new ChannelSendError(`SMTP refused the mail: ${detail}`, false, responseCode);
  return new ChannelSendError(`SMTP could not take the mail: ${detail}`, true, responseCode ?? null);
}
