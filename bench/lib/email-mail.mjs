// The email scenario's mail: one deterministic raw RFC 5322 message per index, multipart/mixed of a
// multipart/alternative (text and HTML) and a small binary attachment, about `bytes` long in all.
import crypto from 'node:crypto';

const SENTENCES = [
  'Hello, I ordered the blue kettle last week and the tracking page has not moved since Monday.',
  'Could you tell me whether it left the warehouse, and if not, when it will be shipped?',
  'I also noticed that the invoice shows the old billing address, please update it to the new one.',
  'The attached file is the photo of the label that came with the first parcel, in case it helps.',
  'Thanks in advance for your help, and sorry for the long message; I wanted to give every detail.',
];

/** About `n` characters of plain text in lines of at most 100 characters. */
function filler(n, i) {
  const lines = [];
  let len = 0;
  for (let k = i; len < n; k++) {
    const line = SENTENCES[k % SENTENCES.length];
    lines.push(line);
    len += line.length + 2;
  }
  return lines;
}

const wrap = (b64) => b64.match(/.{1,76}/g).join('\r\n');

/** Senders take turns in groups this large, so that no sender has two mails in flight at once. */
const SENDER_GROUP = 200;

/**
 * Who sends mail `i` when each sender sends `perSender` mails, as each SMS customer sends
 * messages/customers: senders 0–199 take turns for the first 200 × perSender mails, then 200–399,
 * and so on. A pass then meets as many new customers per mail as the SMS pass does (one in
 * perSender), not a new customer with every mail.
 */
const senderOf = (i, perSender) => Math.floor(i / (SENDER_GROUP * perSender)) * SENDER_GROUP + (i % SENDER_GROUP);

/**
 * The mail number `i` of the run `tag`: from sender `senderOf(i, perSender)`, `bytes` long in
 * total (the text part about 40 % of what the headers and the attachment leave, the HTML part the
 * rest), with an `attachmentBytes` attachment.
 */
export function buildMail(i, { tag, perSender, bytes, attachmentBytes }) {
  const c = senderOf(i, perSender);
  const messageId = `<bench-${tag}-${i}@bench.test>`;
  const attachment = attachmentOf(i, attachmentBytes);
  const head = [
    `From: Customer ${c} <customer${c}@bench.test>`,
    'To: Support <support@bench.test>',
    `Subject: Question about order ${i}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="mixed-${i}"`,
  ].join('\r\n');
  const text = filler(Math.floor(Math.max(0, bytes - head.length - attachment.length) * 0.4), i);
  const parts = (html) => [
    head,
    '',
    `--mixed-${i}`,
    `Content-Type: multipart/alternative; boundary="alt-${i}"`,
    '',
    `--alt-${i}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    ...text,
    `--alt-${i}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    '<html><body>',
    ...html,
    '</body></html>',
    `--alt-${i}--`,
    `--mixed-${i}`,
    `Content-Type: application/octet-stream; name="label-${i}.bin"`,
    `Content-Disposition: attachment; filename="label-${i}.bin"`,
    'Content-Transfer-Encoding: base64',
    '',
    attachment,
    `--mixed-${i}--`,
    '',
  ];
  // The HTML part takes the rest, so that the whole mail is `bytes` long (to a line).
  const html = [];
  let size = parts(html).join('\r\n').length;
  for (let k = i + 1; size < bytes; k++) {
    const line = `<p>${SENTENCES[k % SENTENCES.length]}</p>`;
    html.push(line);
    size += line.length + 2;
  }
  const raw = parts(html).join('\r\n');
  return { messageId, from: `customer${c}@bench.test`, raw: Buffer.from(raw) };
}

/** `n` deterministic bytes for the mail `i`, base64 in 76-character lines. */
function attachmentOf(i, n) {
  const out = Buffer.alloc(n);
  for (let off = 0, k = 0; off < n; k++) off += crypto.createHash('sha256').update(`${i}:${k}`).digest().copy(out, off);
  return wrap(out.toString('base64'));
}
