import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { summaryOf } from '../attachments';
import type { DeliveryReport, ParseResult } from '../channel-plugin';
import { interactionIdOf } from '../interaction-id';
import type { InboundAttachment, InboundInteraction } from '../interaction';
import { deliveryReportOf } from './delivery-status-notification';
import { automaticReasonOf, messageIdsIn } from './email-headers';
import { repairUnstorableText } from '../validation/storable-text';
import { sanitizeEmailHtml, textOfSanitizedHtml } from './email-html';
import { latestReplyOf } from './email-quotes';

/** How the message reached the hub, kept with it for agents and support. */
export interface EmailInboundContext {
  receivedAt: Date;
  via: 'smtp' | 'webhook';
}

/** What one raw message is to the hub. */
export type ParsedEmail =
  | { kind: 'interaction'; interaction: InboundInteraction }
  /** A bounce of one of the hub's own replies: news about that reply, not a customer message. */
  | { kind: 'delivery-report'; report: DeliveryReport }
  /** A bounce that reports nothing to act on (a delay, or about mail the hub cannot name). */
  | { kind: 'ignored'; reason: string };

/** Attachments without a name get one agents can still open. */
const UNNAMED = 'attachment';

/**
 * A raw RFC 5322 message (as received over SMTP or forwarded by a relay) → the normalized inbound
 * email: the sender as a lower-cased email identity, the decoded subject, plain text (derived from
 * the HTML when there is no text part), sanitized HTML, attachments, and the thread it belongs to.
 * The Message-ID is the idempotency key; a message without one gets a stable id from its content.
 */
export async function parseEmail(raw: Buffer, { receivedAt, via }: EmailInboundContext): Promise<ParseResult<ParsedEmail>> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  } catch (error) {
    return { ok: false, errors: [{ path: 'message', message: `not a readable RFC 5322 message: ${(error as Error).message}` }] };
  }
  const report = deliveryReportOf(mail);
  if (report === 'no-outcome')
    return { ok: true, value: { kind: 'ignored', reason: 'a delivery-status notification with no outcome for a known message' } };
  if (report !== 'not-a-report') return { ok: true, value: { kind: 'delivery-report', report } };

  const sender = firstAddress(mail.from) ?? firstAddress(mail.replyTo);
  if (!sender) {
    return {
      ok: false,
      errors: [{ path: 'From', message: 'From must name the sender\u2019s email address (e.g. From: Ann <ann@example.com>)' }],
    };
  }
  const html = mail.html ? sanitizeEmailHtml(mail.html).trim() : null;
  const text = (mail.text?.trim() ? mail.text : html ? textOfSanitizedHtml(html) : '').trimEnd();
  const messageId = messageIdsIn(mail.messageId)[0] ?? contentIdOf(mail, text);
  const inReplyTo = messageIdsIn(mail.inReplyTo);
  const references = messageIdsIn(mail.references);
  const replyTo = [...new Set([...inReplyTo, ...references])].filter((id) => id !== messageId);
  const interactionId = interactionIdOf('email', messageId);
  const attachments = mail.attachments.map((a, index) => attachmentOf(interactionId, index, a));
  const automatic = automaticReasonOf((name) => headerText(mail, name));

  const interaction: InboundInteraction = {
    channel: 'email',
    direction: 'inbound',
    kind: 'message',
    identity: { channel: 'email', address: sender.address },
    externalId: messageId,
    idempotencyKey: messageId,
    occurredAt: receivedAt.toISOString(),
    text,
    ...(mail.subject && { subject: mail.subject }),
    ...(sender.name && { customerName: sender.name }),
    // A new mail starts its own thread; a reply to mail the hub does not know joins its root's.
    threadKey: references[0] ?? inReplyTo[0] ?? messageId,
    replyTo,
    preview: previewSourceOf(latestReplyOf(text)),
    attachments,
    metadata: {
      from: sender.address,
      ...(sender.name && { fromName: sender.name }),
      to: addresses(mail.to),
      cc: addresses(mail.cc),
      messageId,
      inReplyTo: inReplyTo[0] ?? null,
      references,
      date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
      html,
      attachments: attachments.map(summaryOf),
      via,
      ...(automatic && { automatic }),
    },
  };
  return { ok: true, value: { kind: 'interaction', interaction: repairUnstorableText(interaction) } };
}

/**
 * The inbox shows the first line or so of the latest reply (crm-core cuts it to 120 characters):
 * the job need not carry the whole text twice, only its start, whitespace already collapsed.
 */
const PREVIEW_SOURCE_CHARS = 1000;

function previewSourceOf(latest: string): string {
  // Word by word up to the limit: collapsing the whitespace of a whole long mail cost more than the rest of its preview.
  let preview = '';
  for (const [word] of latest.matchAll(/\S+/g)) {
    preview = preview ? `${preview} ${word}` : word;
    if (preview.length >= PREVIEW_SOURCE_CHARS) break;
  }
  return preview.slice(0, PREVIEW_SOURCE_CHARS);
}

function firstAddress(header: AddressObject | AddressObject[] | undefined): { address: string; name?: string } | undefined {
  for (const group of [header ?? []].flat()) {
    for (const entry of group.value) {
      const address = entry.address?.trim().toLowerCase();
      if (address && /^[^\s@]+@[^\s@]+$/.test(address)) return { address, ...(entry.name?.trim() && { name: entry.name.trim() }) };
    }
  }
  return undefined;
}

function addresses(header: AddressObject | AddressObject[] | undefined): string[] {
  return [header ?? []]
    .flat()
    .flatMap((group) => group.value)
    .flatMap((entry) => [entry, ...(entry.group ?? [])])
    .map((entry) => entry.address?.toLowerCase())
    .filter((address): address is string => Boolean(address));
}

function headerText(mail: ParsedMail, name: string): string | undefined {
  const value = mail.headers.get(name);
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return undefined;
}

/**
 * The stable stand-in for a missing Message-ID: a hash of what a redelivery keeps the same
 * (sender, recipients, date, subject, body, attachments), never of the trace headers relays add.
 */
function contentIdOf(mail: ParsedMail, text: string): string {
  const hash = createHash('sha256');
  for (const part of [
    mail.from?.text,
    [mail.to ?? []]
      .flat()
      .map((a) => a.text)
      .join(','),
    mail.headerLines.find((h) => h.key === 'date')?.line,
    mail.subject,
    text,
    mail.html || '',
    ...mail.attachments.map((a) => a.checksum ?? createHash('md5').update(a.content).digest('hex')),
  ]) {
    hash.update(part ?? '').update('\0');
  }
  return `<${hash.digest('hex').slice(0, 40)}@no-message-id.omnihub>`;
}

function attachmentOf(interactionId: string, index: number, a: ParsedMail['attachments'][number]): InboundAttachment {
  return {
    id: interactionIdOf('email', `${interactionId}/attachment/${index}`),
    filename: (a.filename ?? '').replace(/[\r\n"\\/]/g, '_').slice(0, 255) || UNNAMED,
    contentType: (a.contentType || 'application/octet-stream').toLowerCase().slice(0, 255),
    size: a.content.length,
    contentBase64: a.content.toString('base64'),
  };
}
