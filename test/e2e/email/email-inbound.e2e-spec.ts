import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alternativeEmail,
  DANGEROUS_HTML,
  emailWithAttachment,
  htmlOnlyEmail,
  latin1QuotedPrintableEmail,
  plainEmail,
  utf8Base64Email,
} from '@omnihub/channels/testing/raw-emails';
import { bearer, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { freePort } from '../../support/processes';
import { waitFor } from '../../support/wait-for';
import { refusalOf, sendOverSmtp, sendRawOverSmtp, swaks } from './smtp-peers';

const WEBHOOK_TOKEN = 'test-email-webhook-token';
/** Small enough to exceed cheaply; the default is 25 MiB. */
const MAX_MESSAGE_BYTES = 512 * 1024;

interface StoredInteraction {
  id: string;
  conversation_id: string;
  customer_id: string;
  text: string;
  subject: string | null;
  external_id: string;
  metadata: Record<string, unknown>;
}

/** Inbound email over SMTP (nodemailer and swaks as clients) and the raw-MIME webhook. */
describe('Email inbound: the SMTP listener and POST /webhooks/email', () => {
  let hub: Hub;
  let smtpPort: number;
  let token: string;

  beforeAll(async () => {
    smtpPort = await freePort();
    hub = await Hub.start({
      name: 'email_inbound',
      redisDb: 15,
      env: { SMTP_INBOUND_PORT: String(smtpPort), EMAIL_WEBHOOK_TOKEN: WEBHOOK_TOKEN, EMAIL_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) },
    });
    token = await login(hub.api.url);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const postWebhook = (raw: string | Buffer, headers: Record<string, string> = { authorization: `Bearer ${WEBHOOK_TOKEN}` }) =>
    fetch(`${hub.api.url}/webhooks/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', ...headers }, body: raw }).then(
      async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> }),
    );
  const storedByMessageId = (messageId: string) =>
    waitFor(`the interaction of ${messageId}`, async () => {
      const { rows } = await hub.db.query<StoredInteraction>(
        "SELECT id, conversation_id, customer_id, text, subject, external_id, metadata FROM interactions WHERE channel = 'email' AND external_id = $1",
        [messageId],
      );
      return rows[0];
    });
  const countInteractions = () => hub.count('SELECT count(*) AS n FROM interactions');
  const conversation = async (id: string) =>
    (
      await request<{ interactions: Array<Record<string, unknown>> }>(hub.api.url, 'GET', `/api/conversations/${id}`, {
        headers: bearer(token),
      })
    ).body;

  it('turns a mail sent by nodemailer into one interaction on a customer found or created by address', async () => {
    await sendOverSmtp(smtpPort, {
      from: '"Nora Mailer" <Nora.Mailer@Example.COM>',
      to: 'support@hub.test',
      subject: 'My router blinks red',
      text: 'Hello, my router blinks red since this morning.',
      messageId: '<nodemailer-1@example.com>',
    });
    const first = await storedByMessageId('<nodemailer-1@example.com>');
    expect(first.text).toBe('Hello, my router blinks red since this morning.');
    expect(first.subject).toBe('My router blinks red');
    const { rows: customer } = await hub.db.query(
      "SELECT c.name, i.address FROM customers c JOIN customer_identities i ON i.customer_id = c.id WHERE i.channel = 'email' AND c.id = $1",
      [first.customer_id],
    );
    expect(customer).toEqual([{ name: 'Nora Mailer', address: 'nora.mailer@example.com' }]);

    await sendOverSmtp(smtpPort, {
      from: 'nora.mailer@example.com',
      to: 'help@hub.test',
      subject: 'Also',
      text: 'And the wifi.',
      messageId: '<nodemailer-2@example.com>',
    });
    const second = await storedByMessageId('<nodemailer-2@example.com>');
    expect(second.customer_id).toBe(first.customer_id);
    // A new mail without references is a new thread, so a conversation of its own.
    expect(second.conversation_id).not.toBe(first.conversation_id);
  });

  it('turns a mail sent by swaks into one interaction', async () => {
    await swaks(smtpPort, [
      '--from',
      'sam@swaks.example',
      '--to',
      'support@hub.test',
      '--header',
      'Subject: Sent with swaks',
      '--header',
      'Message-Id: <swaks-1@swaks.example>',
      '--body',
      'Testing from the command line.',
    ]);
    const stored = await storedByMessageId('<swaks-1@swaks.example>');
    expect(stored.text).toBe('Testing from the command line.');
    expect(stored.metadata).toMatchObject({ from: 'sam@swaks.example', via: 'smtp' });
  });

  it('stores a raw message swaks reads from a file, byte for byte as written', async () => {
    const file = join(tmpdir(), `omnihub-email-${process.pid}.eml`);
    writeFileSync(file, latin1QuotedPrintableEmail({ messageId: '<swaks-file@example.com>' }), 'latin1');
    await swaks(smtpPort, ['--from', 'ann@example.com', '--to', 'support@hub.test', '--data', file]);
    const stored = await storedByMessageId('<swaks-file@example.com>');
    expect(stored.subject).toBe('Café crème brûlée');
    expect(stored.text).toBe('Le café était froid, et la crème aussi. Une ligne très longue qui continue sur la ligne suivante.');
  });

  it('stores encoded-word subjects and base64 bodies, HTML-only mail and multipart/alternative readably', async () => {
    await sendRawOverSmtp(smtpPort, utf8Base64Email('Привет, где мой заказ? 你好', { messageId: '<utf8@example.com>' }));
    await sendRawOverSmtp(smtpPort, htmlOnlyEmail('<p>Only <b>HTML</b> here</p>', { messageId: '<html-only@example.com>' }));
    await sendRawOverSmtp(smtpPort, alternativeEmail('The plain part', '<p>The <i>rich</i> part</p>', { messageId: '<alt@example.com>' }));
    expect(await storedByMessageId('<utf8@example.com>')).toMatchObject({
      subject: 'Заказ № 42 – 你好 🎉',
      text: 'Привет, где мой заказ? 你好',
    });
    expect(await storedByMessageId('<html-only@example.com>')).toMatchObject({
      text: 'Only HTML here',
      metadata: expect.objectContaining({ html: '<p>Only <b>HTML</b> here</p>' }),
    });
    expect(await storedByMessageId('<alt@example.com>')).toMatchObject({
      text: 'The plain part',
      metadata: expect.objectContaining({ html: '<p>The <i>rich</i> part</p>' }),
    });
  });

  it('stores and serves HTML with scripts, handlers and javascript: links only sanitized', async () => {
    await sendRawOverSmtp(smtpPort, htmlOnlyEmail(DANGEROUS_HTML, { messageId: '<xss@example.com>' }));
    const stored = await storedByMessageId('<xss@example.com>');
    const served = JSON.stringify(await conversation(stored.conversation_id));
    const kept = JSON.stringify(stored);
    for (const output of [served, kept]) {
      expect(output).toContain('https://example.com/help');
      for (const bad of ['<script', 'onerror', 'onclick', 'javascript:', 'tracker.example.com', '<iframe'])
        expect(output).not.toContain(bad);
    }
  });

  it('records attachments and serves them to agents as downloads, never rendered', async () => {
    const content = Buffer.from('<html><script>alert(1)</script></html>');
    await sendRawOverSmtp(
      smtpPort,
      emailWithAttachment('See the file', { name: 'page.html', type: 'text/html', content }, { messageId: '<file@example.com>' }),
    );
    const stored = await storedByMessageId('<file@example.com>');
    const [summary] = stored.metadata.attachments as Array<{ id: string; filename: string; contentType: string; size: number }>;
    expect(summary).toMatchObject({ filename: 'page.html', contentType: 'text/html', size: content.length });

    const download = await fetch(`${hub.api.url}/api/attachments/${summary.id}`, { headers: bearer(token) });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="page.html"; filename*=UTF-8''page.html`);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(content);
    expect((await fetch(`${hub.api.url}/api/attachments/${summary.id}`)).status).toBe(401);
    expect(
      (await request(hub.api.url, 'GET', '/api/attachments/3f1c9a52-8c1e-4d7e-9a47-0d3c1c2b9e10', { headers: bearer(token) })).status,
    ).toBe(404);
  });

  it('stores a message without a Message-ID once, however often it is delivered', async () => {
    const raw = plainEmail('No id on this one', { messageId: null, subject: 'Anonymous' });
    const before = await countInteractions();
    const first = await postWebhook(raw);
    expect(first.status).toBe(202);
    await sendRawOverSmtp(smtpPort, raw);
    expect((await postWebhook(raw)).body).toEqual(first.body);
    const { interactionId } = first.body as { interactionId: string };
    await waitFor(
      'the message without an id',
      async () => (await hub.count('SELECT count(*) AS n FROM interactions WHERE id = $1', [interactionId])) || undefined,
    );
    // A later message through the same pipeline, so the redeliveries had their chance.
    await postWebhook(plainEmail('Later', { messageId: '<after-anonymous@example.com>' }));
    await storedByMessageId('<after-anonymous@example.com>');
    expect(await countInteractions()).toBe(before + 2);
    expect(await hub.count("SELECT count(*) AS n FROM interactions WHERE text = 'No id on this one'")).toBe(1);
  });

  it('judges a mail\u2019s intent by what the customer wrote now, not by the history it quotes', async () => {
    await postWebhook(
      plainEmail('Thanks, all sorted now.\n\nOn Mon, Ann <ann@example.com> wrote:\n> My parcel never arrived, I want a refund', {
        messageId: '<intent-quoted@example.com>',
      }),
    );
    await postWebhook(plainEmail('My kettle arrived broken.', { messageId: '<intent-new@example.com>' }));
    const intentOf = async (messageId: string) =>
      (await hub.db.query<{ intent: string }>('SELECT intent FROM interactions WHERE id = $1', [(await storedByMessageId(messageId)).id]))
        .rows[0].intent;
    expect(await intentOf('<intent-quoted@example.com>')).toBe('other');
    expect(await intentOf('<intent-new@example.com>')).toBe('complaint');
  });

  it('stores the same Message-ID by webhook twice and by SMTP as one interaction', async () => {
    const raw = plainEmail('Once only', { messageId: '<same@example.com>' });
    const first = await postWebhook(raw);
    expect(first).toEqual({ status: 202, body: { kind: 'interaction', interactionId: expect.any(String) } });
    expect(await postWebhook(raw)).toEqual(first);
    await sendRawOverSmtp(smtpPort, raw);
    await storedByMessageId('<same@example.com>');
    await postWebhook(plainEmail('Later', { messageId: '<after-same@example.com>' }));
    await storedByMessageId('<after-same@example.com>');
    expect(await hub.count("SELECT count(*) AS n FROM interactions WHERE external_id = '<same@example.com>'")).toBe(1);
  });

  describe('bad input: a clear error, and nothing stored changes', () => {
    let before: number;
    beforeAll(async () => {
      before = await countInteractions();
    });

    it('answers 552 to an oversized message over SMTP', async () => {
      const big = plainEmail('x'.repeat(MAX_MESSAGE_BYTES + 1024).replace(/.{998}/g, '$&\r\n'), { messageId: '<big-smtp@example.com>' });
      const refusal = await refusalOf(sendRawOverSmtp(smtpPort, big));
      expect(refusal.responseCode).toBe(552);
    });

    it('answers 413 to an oversized message on the webhook', async () => {
      const big = plainEmail('x'.repeat(MAX_MESSAGE_BYTES + 1024), { messageId: '<big-webhook@example.com>' });
      expect(await postWebhook(big)).toEqual({
        status: 413,
        body: {
          statusCode: 413,
          message: `The message is larger than ${MAX_MESSAGE_BYTES} bytes, the inbound email size limit; nothing was stored`,
        },
      });
    });

    it('answers 400 to garbage on the webhook, and 550 to it over SMTP', async () => {
      expect(await postWebhook('this is not an email at all')).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          message: expect.stringContaining('From must name the sender'),
          errors: [{ path: 'From', message: expect.any(String) }],
        },
      });
      expect(await postWebhook('')).toMatchObject({ status: 400 });
      expect((await refusalOf(sendRawOverSmtp(smtpPort, 'garbage without headers\r\n'))).responseCode).toBe(550);
    });

    it('answers 415 to a body that is not message/rfc822', async () => {
      const sent = await request(hub.api.url, 'POST', '/webhooks/email', {
        body: { from: 'ann@example.com' },
        headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` },
      });
      expect(sent).toEqual({ status: 415, body: { statusCode: 415, message: expect.stringContaining('message/rfc822') } });
    });

    it('answers 401 without the token or with a wrong one', async () => {
      const raw = plainEmail('Sneaky', { messageId: '<sneaky@example.com>' });
      for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: WEBHOOK_TOKEN }] as Record<string, string>[]) {
        expect(await postWebhook(raw, headers)).toEqual({
          status: 401,
          body: { statusCode: 401, message: expect.stringContaining('Bearer <EMAIL_WEBHOOK_TOKEN>') },
        });
      }
    });

    it('stored none of it', async () => {
      await postWebhook(plainEmail('After the bad input', { messageId: '<after-bad@example.com>' }));
      await storedByMessageId('<after-bad@example.com>');
      expect(await countInteractions()).toBe(before + 1);
    });
  });
});
