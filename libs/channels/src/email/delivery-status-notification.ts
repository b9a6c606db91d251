import type { ParsedMail } from 'mailparser';
import type { DeliveryReport } from '../channel-plugin';
import { messageIdsIn } from './email-headers';

/**
 * A delivery-status notification (RFC 3464, `multipart/report; report-type=delivery-status`) as
 * the delivery report of the message it bounces, or null when it is not one. The original's
 * Message-ID comes from the returned message or its headers; it names the hub's reply, whose
 * provider id it is. `delayed` news changes nothing, so it is not a report either.
 */
export function deliveryReportOf(mail: ParsedMail): DeliveryReport | 'not-a-report' | 'no-outcome' {
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const reportType = contentType?.params?.['report-type']?.toLowerCase();
  if (contentType?.value?.toLowerCase() !== 'multipart/report' || reportType !== 'delivery-status') return 'not-a-report';
  // mailparser keeps the machine-readable part as text and the returned message as an attachment.
  const returned = mail.attachments
    .filter((a) => ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'].includes(a.contentType))
    .map((a) => a.content.toString('utf8'));
  const fields = mail.text ?? '';
  const original = [...returned, fields]
    .map((part) => /^message-id:\s*(.+)$/im.exec(part)?.[1])
    .map((header) => messageIdsIn(header)[0])
    .find(Boolean);
  const action = /^action:\s*([a-z]+)/im.exec(fields)?.[1].toLowerCase();
  if (!original || (action !== 'failed' && action !== 'delivered')) return 'no-outcome';
  const status = /^status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(fields)?.[1];
  const diagnostic = /^diagnostic-code:\s*(?:[a-z]+;\s*)?(.+)$/im.exec(fields)?.[1].trim();
  const smtpCode = diagnostic && /^([245]\d\d)\b/.exec(diagnostic)?.[1];
  return {
    channel: 'email',
    providerId: original,
    deliveryStatus: action === 'failed' ? 'failed' : 'delivered',
    providerStatus: [action, status, diagnostic].filter(Boolean).join(' ').slice(0, 500),
    errorCode: smtpCode ? Number(smtpCode) : null,
  };
}
