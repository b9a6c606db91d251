import { interactionIdOf } from '../interaction-id';
import type { InboundInteraction } from '../interaction';
import {
  alternativeEmail,
  bounceOf,
  DANGEROUS_HTML,
  emailWithAttachment,
  htmlOnlyEmail,
  latin1QuotedPrintableEmail,
  plainEmail,
  utf8Base64Email,
} from '../testing/raw-emails';
import { parseEmail } from './email-parser';

const RECEIVED_AT = new Date('2026-12-01T10:00:01.000Z');

async function interactionOf(raw: string): Promise<InboundInteraction> {
  const parsed = await parseEmail(Buffer.from(raw, 'utf8'), { receivedAt: RECEIVED_AT, via: 'smtp' });
  if (!parsed.ok || parsed.value.kind !== 'interaction') throw new Error(`not an interaction: ${JSON.stringify(parsed)}`);
  return parsed.value.interaction;
}

describe('parseEmail', () => {
  it('makes the sender a lower-cased email identity, named by the display name, keyed by Message-ID', async () => {
    const item = await interactionOf(
      plainEmail('Where is my order?', { from: '"Ann Example" <Ann@Example.COM>', messageId: '<Abc.1@Example.com>' }),
    );
    expect(item).toMatchObject({
      channel: 'email',
      direction: 'inbound',
      kind: 'message',
      identity: { channel: 'email', address: 'ann@example.com' },
      customerName: 'Ann Example',
      externalId: '<Abc.1@Example.com>',
      idempotencyKey: '<Abc.1@Example.com>',
      threadKey: '<Abc.1@Example.com>',
      replyTo: [],
      occurredAt: RECEIVED_AT.toISOString(),
      subject: 'Hello',
      text: 'Where is my order?',
    });
    expect(item.metadata).toMatchObject({
      from: 'ann@example.com',
      to: ['support@hub.test'],
      date: '2026-12-01T10:00:00.000Z',
      via: 'smtp',
    });
  });

  it('decodes ISO-8859-1 encoded-word subjects and quoted-printable bodies', async () => {
    const item = await interactionOf(latin1QuotedPrintableEmail());
    expect(item.subject).toBe('Café crème brûlée');
    expect(item.text).toBe('Le café était froid, et la crème aussi. Une ligne très longue qui continue sur la ligne suivante.');
  });

  it('decodes UTF-8 encoded-word subjects and base64 bodies', async () => {
    const item = await interactionOf(utf8Base64Email('Привет, где мой заказ? 你好'));
    expect(item.subject).toBe('Заказ № 42 – 你好 🎉');
    expect(item.text).toBe('Привет, где мой заказ? 你好');
  });

  it('derives the text of HTML-only mail and keeps the HTML sanitized: no script, handlers, javascript: or remote loads', async () => {
    const item = await interactionOf(htmlOnlyEmail(DANGEROUS_HTML));
    expect(item.text).toMatch(/^Hi team\s+click help \[https:\/\/example\.com\/help\]$/);
    const html = item.metadata.html as string;
    expect(html).toContain('<b>team</b>');
    expect(html).toContain('<a href="https://example.com/help" target="_blank" rel="noopener noreferrer">help</a>');
    for (const bad of [
      '<script',
      'onerror',
      'onclick',
      'javascript:',
      'tracker.example.com',
      '<iframe',
      '<style',
      '<form',
      'evil.example.com',
    ]) {
      expect(html).not.toContain(bad);
    }
  });

  it('takes the text part of multipart/alternative and the HTML part for display', async () => {
    const item = await interactionOf(alternativeEmail('Plain words', '<p>Rich <i>words</i></p>'));
    expect(item.text).toBe('Plain words');
    expect(item.metadata.html).toBe('<p>Rich <i>words</i></p>');
  });

  it('records attachments with name, type and size, and carries their bytes for the ingest', async () => {
    const content = Buffer.from('%PDF-1.4 fake invoice');
    const item = await interactionOf(emailWithAttachment('See attached', { name: 'invoice.pdf', type: 'application/pdf', content }));
    const id = interactionIdOf('email', `${interactionIdOf('email', '<m1@example.com>')}/attachment/0`);
    expect(item.metadata.attachments).toEqual([{ id, filename: 'invoice.pdf', contentType: 'application/pdf', size: content.length }]);
    expect(item.attachments).toEqual([
      { id, filename: 'invoice.pdf', contentType: 'application/pdf', size: content.length, contentBase64: content.toString('base64') },
    ]);
  });

  it('gives a message without a Message-ID a stable id from its content', async () => {
    const raw = plainEmail('No id here', { messageId: null });
    const first = await interactionOf(raw);
    const again = await interactionOf(raw.replace('From:', 'Received: from relay.example.net by mx.hub.test\r\nFrom:'));
    const other = await interactionOf(plainEmail('Different words', { messageId: null }));
    expect(first.externalId).toMatch(/^<[0-9a-f]{40}@no-message-id\.omnihub>$/);
    expect(again.idempotencyKey).toBe(first.idempotencyKey);
    expect(other.idempotencyKey).not.toBe(first.idempotencyKey);
  });

  it('threads a reply by In-Reply-To and References, its thread rooted at the first reference', async () => {
    const item = await interactionOf(
      plainEmail('Thanks!\n\nOn Tue, 1 Dec 2026, Support wrote:\n> Your order ships today.\n> Regards', {
        messageId: '<r2@example.com>',
        inReplyTo: '<reply-1@hub.test>',
        references: '<m1@example.com> <reply-1@hub.test>',
      }),
    );
    expect(item.replyTo).toEqual(['<reply-1@hub.test>', '<m1@example.com>']);
    expect(item.threadKey).toBe('<m1@example.com>');
    expect(item.preview).toBe('Thanks!');
    expect(item.text).toContain('> Your order ships today.');
  });

  it('previews the start of a long reply with its whitespace collapsed', async () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`);
    const item = await interactionOf(plainEmail(`  ${words.join(' \n\t ')}\n\nOn Tue, Support wrote:\n> earlier`));
    expect(item.preview).toBe(words.join(' ').slice(0, 1000));
  });

  it('marks auto-replies and bulk mail as automatic', async () => {
    const cases: Array<[header: string, reason: string]> = [
      ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-replied'],
      ['Precedence: bulk', 'Precedence: bulk'],
      ['Precedence: auto_reply', 'Precedence: auto_reply'],
      ['X-Autoreply: yes', 'x-autoreply: yes'],
    ];
    for (const [header, reason] of cases) {
      expect((await interactionOf(plainEmail('I am out of office', { headers: [header] }))).metadata.automatic).toBe(reason);
    }
    expect((await interactionOf(plainEmail('A person', { headers: ['Auto-Submitted: no'] }))).metadata.automatic).toBeUndefined();
  });

  it('reads a bounce as a failed delivery report of the message it returns, not as a customer message', async () => {
    const parsed = await parseEmail(Buffer.from(bounceOf('<reply-1@hub.test>')), { receivedAt: RECEIVED_AT, via: 'smtp' });
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'delivery-report',
        report: {
          channel: 'email',
          providerId: '<reply-1@hub.test>',
          deliveryStatus: 'failed',
          providerStatus: 'failed 5.1.1 550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown',
          errorCode: 550,
        },
      },
    });
  });

  it('ignores a delay notice: it reports no outcome', async () => {
    const delayed = bounceOf('<reply-1@hub.test>').replace('Action: failed', 'Action: delayed').replace('Status: 5.1.1', 'Status: 4.4.1');
    const parsed = await parseEmail(Buffer.from(delayed), { receivedAt: RECEIVED_AT, via: 'webhook' });
    expect(parsed).toEqual({ ok: true, value: { kind: 'ignored', reason: expect.stringContaining('no outcome') } });
  });

  it('refuses what names no sender', async () => {
    const parsed = await parseEmail(Buffer.from('garbage that is no message'), { receivedAt: RECEIVED_AT, via: 'webhook' });
    expect(parsed).toEqual({ ok: false, errors: [{ path: 'From', message: expect.stringContaining('From must name the sender') }] });
  });
});
