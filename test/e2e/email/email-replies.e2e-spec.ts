import { bounceOf, plainEmail } from '@omnihub/channels/testing/raw-emails';
import { AgentSocket, bearer, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { freePort } from '../../support/processes';
import { PrivateRedis } from '../../support/private-redis';
import { waitFor } from '../../support/wait-for';
import { refusalOf, sendRawOverSmtp, SmtpSink } from './smtp-peers';

interface InteractionBody {
  id: string;
  conversationId: string;
  deliveryStatus?: string;
  metadata: Record<string, unknown>;
}

const EMAIL_FROM = 'Omnihub Support <support@hub.test>';

/** Agents' replies sent by the worker to a real SMTP server, and the customer's mail that follows. */
describe('Email replies: threading, reopening, auto-replies and bounces', () => {
  let hub: Hub;
  let sink: SmtpSink;
  let smtpPort: number;
  let token: string;
  let agent: AgentSocket;
  /** The file's own Redis, started here so the last test can stop it under the listener. */
  let redis: PrivateRedis;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    smtpPort = await freePort();
    redis = await PrivateRedis.start();
    hub = await Hub.start({
      name: 'email_replies',
      redisUrl: redis.url,
      // Resolving would send the satisfaction survey (tested in test/e2e/crm): here the sink
      // should hold only the agents' replies, whose threading is what is checked.
      env: { SMTP_INBOUND_PORT: String(smtpPort), SMTP_URL: sink.url, EMAIL_FROM, CSAT_SURVEY: 'false' },
    });
    token = await login(hub.api.url);
    agent = new AgentSocket(hub.api.url, token);
    await agent.connected();
  });
  afterAll(async () => {
    agent?.close();
    await hub?.stop();
    await sink?.stop();
    await redis?.dispose();
  });

  const stored = (messageId: string) =>
    waitFor(`the interaction of ${messageId}`, async () => {
      const { rows } = await hub.db.query<{ id: string; conversation_id: string; metadata: Record<string, unknown> }>(
        "SELECT id, conversation_id, metadata FROM interactions WHERE channel = 'email' AND external_id = $1",
        [messageId],
      );
      return rows[0];
    });
  const reply = async (conversationId: string, text: string) => {
    const { status, body } = await request<{ interaction: InteractionBody }>(
      hub.api.url,
      'POST',
      `/api/conversations/${conversationId}/messages`,
      {
        body: { text },
        headers: bearer(token),
      },
    );
    expect(status).toBe(202);
    return body.interaction;
  };
  const delivery = async (id: string) => {
    const { rows } = await hub.db.query<{ delivery_status: string; external_id: string; metadata: Record<string, unknown> }>(
      'SELECT delivery_status, external_id, metadata FROM interactions WHERE id = $1',
      [id],
    );
    return rows[0];
  };
  const sentTo = (address: string, count: number) =>
    waitFor(`${count} mail(s) to ${address}`, () => {
      const mails = sink.received.filter((m) => m.envelope.to.includes(address));
      return mails.length >= count ? mails : undefined;
    });
  const liveStatuses = (id: string) =>
    agent
      .named('interaction.updated')
      .map((e) => e.interaction as InteractionBody)
      .filter((i) => i.id === id)
      .map((i) => i.deliveryStatus);
  const statusOf = async (conversationId: string) =>
    (await hub.db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [conversationId])).rows[0].status;

  describe('a thread with one customer', () => {
    const CUSTOMER = 'ann@example.com';
    let conversationId: string;
    let replyMessageId: string;
    let replyId: string;

    beforeAll(async () => {
      await sendRawOverSmtp(smtpPort, plainEmail('Where is my parcel?', { subject: 'Parcel 42', messageId: '<ann-1@example.com>' }));
      conversationId = (await stored('<ann-1@example.com>')).conversation_id;
    });

    it('sends the reply From EMAIL_FROM with Re: subject, its own Message-ID, In-Reply-To and References, HTML and text', async () => {
      const queued = await reply(conversationId, 'It ships today.\n\nKind regards');
      replyId = queued.id;
      expect(queued.deliveryStatus).toBe('queued');
      const [mail] = await sentTo(CUSTOMER, 1);
      replyMessageId = mail.mail.messageId!;
      expect(mail.mail.from?.text).toBe('"Omnihub Support" <support@hub.test>');
      expect(mail.mail.subject).toBe('Re: Parcel 42');
      expect(mail.mail.inReplyTo).toBe('<ann-1@example.com>');
      expect(mail.mail.references).toBe('<ann-1@example.com>');
      expect(mail.mail.text?.trim()).toBe('It ships today.\n\nKind regards');
      expect(mail.mail.html).toContain('<p>It ships today.</p><p>Kind regards</p>');
      expect(replyMessageId).toBe(`<${replyId}@hub.test>`);
      await waitFor('the reply marked sent', async () => (await delivery(replyId)).delivery_status === 'sent');
      expect((await delivery(replyId)).external_id).toBe(replyMessageId);
      await waitFor('the live sent status', () => liveStatuses(replyId).includes('sent'));
    });

    it('files the customer\u2019s answer in the same conversation, and reopens it when resolved', async () => {
      const patched = await request(hub.api.url, 'PATCH', `/api/conversations/${conversationId}`, {
        body: { status: 'resolved' },
        headers: bearer(token),
      });
      expect(patched.status).toBe(200);
      await sendRawOverSmtp(
        smtpPort,
        plainEmail(`Great, thanks!\n\nOn Tue, Support wrote:\n> It ships today.`, {
          subject: 'Re: Parcel 42',
          messageId: '<ann-2@example.com>',
          inReplyTo: replyMessageId,
          references: `<ann-1@example.com> ${replyMessageId}`,
        }),
      );
      const answer = await stored('<ann-2@example.com>');
      expect(answer.conversation_id).toBe(conversationId);
      expect(await statusOf(conversationId)).toBe('open');
      const { rows } = await hub.db.query('SELECT last_interaction_preview FROM conversations WHERE id = $1', [conversationId]);
      expect(rows[0].last_interaction_preview).toBe('Great, thanks!');
    });

    it('threads the next reply after the whole thread', async () => {
      await reply(conversationId, 'You are welcome.');
      const mails = await sentTo(CUSTOMER, 2);
      expect(mails[1].mail.inReplyTo).toBe('<ann-2@example.com>');
      expect(mails[1].mail.references).toEqual(['<ann-1@example.com>', replyMessageId, '<ann-2@example.com>']);
    });

    it('starts a new conversation for a new mail without references', async () => {
      await sendRawOverSmtp(smtpPort, plainEmail('Another question', { subject: 'Invoice', messageId: '<ann-3@example.com>' }));
      expect((await stored('<ann-3@example.com>')).conversation_id).not.toBe(conversationId);
    });

    it('stores an auto-reply, flagged, and sends nothing back (no mail loop)', async () => {
      const before = sink.received.length;
      await sendRawOverSmtp(
        smtpPort,
        plainEmail('I am out of the office until Monday.', {
          subject: 'Automatic reply: Re: Parcel 42',
          messageId: '<ann-ooo@example.com>',
          inReplyTo: replyMessageId,
          headers: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'],
        }),
      );
      const autoReply = await stored('<ann-ooo@example.com>');
      expect(autoReply.conversation_id).toBe(conversationId);
      expect(autoReply.metadata.automatic).toBe('Auto-Submitted: auto-replied');
      // A later reply through the same worker: when it has arrived, anything sent for the auto-reply would have too.
      await reply(conversationId, 'Noted, enjoy the break.');
      await waitFor('the later reply', () => sink.received.some((m) => m.mail.text?.includes('Noted, enjoy the break.')));
      expect(sink.received.length).toBe(before + 1);
    });

    it('marks our reply failed when its bounce comes back, and adds no customer message', async () => {
      const interactionsBefore = await hub.count('SELECT count(*) AS n FROM interactions');
      await sendRawOverSmtp(smtpPort, bounceOf(replyMessageId), { from: 'mailer-daemon@mx.example.com', to: ['support@hub.test'] });
      await waitFor('the reply marked failed', async () => (await delivery(replyId)).delivery_status === 'failed');
      expect((await delivery(replyId)).metadata).toMatchObject({ errorCode: 550, providerStatus: expect.stringContaining('5.1.1') });
      await waitFor('the live failed status', () => liveStatuses(replyId).includes('failed'));
      await sendRawOverSmtp(smtpPort, plainEmail('After the bounce', { messageId: '<ann-4@example.com>' }));
      await stored('<ann-4@example.com>');
      expect(await hub.count('SELECT count(*) AS n FROM interactions')).toBe(interactionsBefore + 1);
    });
  });

  it('marks a reply failed with the SMTP error when the server refuses it', async () => {
    sink.refuse.add('gone@example.com');
    await sendRawOverSmtp(smtpPort, plainEmail('Hello?', { from: 'Gone <gone@example.com>', messageId: '<gone-1@example.com>' }));
    const { conversation_id } = await stored('<gone-1@example.com>');
    const { id } = await reply(conversation_id, 'Hi there');
    await waitFor('the refused reply marked failed', async () => (await delivery(id)).delivery_status === 'failed');
    expect((await delivery(id)).metadata).toMatchObject({ errorCode: 550, error: expect.stringContaining('Recipient address rejected') });
    await waitFor('the live failed status', () => liveStatuses(id).includes('failed'));
  });

  it('retries a reply the server defers, then marks it failed with the SMTP error', async () => {
    sink.deferred.set('busy@example.com', 0);
    await sendRawOverSmtp(smtpPort, plainEmail('Anyone?', { from: 'busy@example.com', messageId: '<busy-1@example.com>' }));
    const { conversation_id } = await stored('<busy-1@example.com>');
    const { id } = await reply(conversation_id, 'Yes, here');
    // Six attempts, 1 s to 16 s apart.
    await waitFor('the deferred reply marked failed', async () => (await delivery(id)).delivery_status === 'failed', 90_000);
    expect(sink.deferred.get('busy@example.com')).toBe(6);
    expect((await delivery(id)).metadata).toMatchObject({ errorCode: 451, error: expect.stringContaining('Mailbox busy') });
    await waitFor('the live failed status', () => liveStatuses(id).includes('failed'));
  });

  it('has no webhook without EMAIL_WEBHOOK_TOKEN', async () => {
    const response = await fetch(`${hub.api.url}/webhooks/email`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', authorization: 'Bearer anything' },
      body: plainEmail('Via webhook', { messageId: '<hook@example.com>' }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, message: expect.stringContaining('EMAIL_WEBHOOK_TOKEN is not set') });
  });

  it('answers 451 (try again later) while the queue is down, and takes the retry once it is back', async () => {
    const raw = plainEmail('Sent while Redis was down', { from: 'late@example.com', messageId: '<late-1@example.com>' });
    await redis.stop();
    try {
      expect((await refusalOf(sendRawOverSmtp(smtpPort, raw))).responseCode).toBe(451);
    } finally {
      await redis.start();
    }
    await waitFor('the listener queueing again', async () => {
      try {
        await sendRawOverSmtp(smtpPort, raw);
        return true;
      } catch {
        return false;
      }
    });
    await stored('<late-1@example.com>');
    expect(await hub.count("SELECT count(*) AS n FROM interactions WHERE external_id = '<late-1@example.com>'")).toBe(1);
  });
});
