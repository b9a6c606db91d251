/**
 * Raw RFC 5322 messages as mail clients and servers write them, for the email parser's unit
 * specs and the e2e tests (sent over real SMTP and the webhook).
 */
const CRLF = '\r\n';
const lines = (...parts: string[]) => parts.join(CRLF);

export interface RawEmailOptions {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  headers?: string[];
}

function head(
  {
    from = 'Ann Example <ann@example.com>',
    to = 'support@hub.test',
    subject,
    messageId,
    inReplyTo,
    references,
    headers = [],
  }: RawEmailOptions,
  contentHeaders: string[],
): string {
  return lines(
    `From: ${from}`,
    `To: ${to}`,
    ...(subject !== undefined ? [`Subject: ${subject}`] : []),
    'Date: Tue, 01 Dec 2026 10:00:00 +0000',
    ...(messageId === null ? [] : [`Message-ID: ${messageId ?? '<m1@example.com>'}`]),
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
    ...(references ? [`References: ${references}`] : []),
    ...headers,
    'MIME-Version: 1.0',
    ...contentHeaders,
  );
}

export function plainEmail(text: string, options: RawEmailOptions = {}): string {
  return lines(
    head({ subject: 'Hello', ...options }, ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit']),
    '',
    text,
    '',
  );
}

/** ISO-8859-1 subject (Q-encoded) and a quoted-printable Latin-1 body. */
export function latin1QuotedPrintableEmail(options: RawEmailOptions = {}): string {
  return lines(
    head({ subject: '=?ISO-8859-1?Q?Caf=E9_cr=E8me_br=FBl=E9e?=', ...options }, [
      'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
    ]),
    '',
    'Le caf=E9 =E9tait froid, et la cr=E8me aussi. Une ligne tr=E8s longue qui continue =',
    'sur la ligne suivante.',
    '',
  );
}

/** UTF-8 subject (B-encoded) and a base64 UTF-8 body. */
export function utf8Base64Email(text: string, options: RawEmailOptions = {}): string {
  const subject = `=?UTF-8?B?${Buffer.from('Заказ № 42 – 你好 🎉').toString('base64')}?=`;
  const body = Buffer.from(text).toString('base64').replace(/.{76}/g, `$&${CRLF}`);
  return lines(
    head({ subject, ...options }, ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64']),
    '',
    body,
    '',
  );
}

export function htmlOnlyEmail(html: string, options: RawEmailOptions = {}): string {
  return lines(head({ subject: 'HTML only', ...options }, ['Content-Type: text/html; charset=utf-8']), '', html, '');
}

export function alternativeEmail(text: string, html: string, options: RawEmailOptions = {}): string {
  return lines(
    head({ subject: 'Both parts', ...options }, ['Content-Type: multipart/alternative; boundary="ALT"']),
    '',
    '--ALT',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '--ALT',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    '--ALT--',
    '',
  );
}

export function emailWithAttachment(
  text: string,
  file: { name: string; type: string; content: Buffer },
  options: RawEmailOptions = {},
): string {
  return lines(
    head({ subject: 'With a file', ...options }, ['Content-Type: multipart/mixed; boundary="MIX"']),
    '',
    '--MIX',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '--MIX',
    `Content-Type: ${file.type}; name="${file.name}"`,
    `Content-Disposition: attachment; filename="${file.name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    file.content.toString('base64').replace(/.{76}/g, `$&${CRLF}`),
    '--MIX--',
    '',
  );
}

/** A mail server's bounce (RFC 3464) of the message with `originalMessageId`. */
export function bounceOf(originalMessageId: string, recipient = 'ann@example.com'): string {
  return lines(
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.com>',
    'To: support@hub.test',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Tue, 01 Dec 2026 10:05:00 +0000',
    `Message-ID: <bounce-${Date.now()}-${Math.random().toString(36).slice(2)}@mx.example.com>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="RPT"',
    '',
    '--RPT',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered to one or more recipients.',
    '',
    '--RPT',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; 550 5.1.1 <${recipient}>: Recipient address rejected: User unknown`,
    '',
    '--RPT',
    'Content-Type: text/rfc822-headers',
    '',
    'From: support@hub.test',
    `To: ${recipient}`,
    'Subject: Re: Hello',
    `Message-ID: ${originalMessageId}`,
    '',
    '--RPT--',
    '',
  );
}

export const DANGEROUS_HTML =
  '<p>Hi <b>team</b></p><script>alert("xss")</script><img src="x" onerror="alert(1)">' +
  '<a href="javascript:alert(2)">click</a> <a href="https://example.com/help" onclick="steal()">help</a>' +
  '<img src="https://tracker.example.com/pixel.gif"><iframe src="https://evil.example.com"></iframe>' +
  '<style>body{background:url(https://evil.example.com/x)}</style><form action="https://evil.example.com"><input></form>';
