import { AgentSocket, bearer, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';
import { ChatVisitor, type ChatMessage } from './chat-visitor';

/**
 * Website live chat on `/chat` across two api instances: sessions, message acks and their
 * idempotency, agents' replies to every tab, typing both ways, and identify without
 * CHAT_IDENTITY_SECRET (merging, yet showing a visitor only its own chat).
 */
describe('chat: the /chat namespace', () => {
  let hub: Hub;
  let token: string;
  let agent: AgentSocket;
  const open: ChatVisitor[] = [];

  beforeAll(async () => {
    hub = await Hub.start({ name: 'chat', redisDb: 'private', apis: 2 });
    token = await login(hub.api.url);
    agent = new AgentSocket(hub.apis[1].url, token);
    await agent.connected();
  });
  afterEach(() => open.splice(0).forEach((visitor) => visitor.close()));
  afterAll(async () => {
    agent?.close();
    await hub?.stop();
  });

  const visit = async (api = 0, visitorToken?: string) => {
    const visitor = await ChatVisitor.open(hub.apis[api].url, visitorToken);
    open.push(visitor);
    return visitor;
  };
  const storedIds = async (visitorId: string) => {
    const { rows } = await hub.db.query<{ id: string }>(
      `SELECT id FROM interactions WHERE channel = 'chat' AND direction = 'inbound' AND metadata->>'visitorId' = $1 ORDER BY occurred_at, id`,
      [visitorId],
    );
    return rows.map((row) => row.id);
  };
  const stored = (visitorId: string, count: number) =>
    waitFor(`${count} stored chat message(s)`, async () => {
      const ids = await storedIds(visitorId);
      return ids.length >= count ? ids : undefined;
    });
  const conversationOf = async (interactionId: string) => {
    const { rows } = await hub.db.query('SELECT conversation_id, customer_id FROM interactions WHERE id = $1', [interactionId]);
    return rows[0] as { conversation_id: string; customer_id: string };
  };
  const reply = (conversationId: string, body: Record<string, unknown>) =>
    request<{ interaction: { id: string } }>(hub.api.url, 'POST', `/api/conversations/${conversationId}/messages`, {
      body,
      headers: bearer(token),
    });

  describe('sessions', () => {
    it('gives a new visitor a signed token, and the same visitor back for it on any instance', async () => {
      const first = await visit(0);
      const { visitorId, visitorToken } = first.session;
      expect(visitorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(visitorToken).toContain(visitorId);
      first.close();

      const again = await visit(1, visitorToken);
      expect(again.session).toEqual({ visitorId, visitorToken });
      expect(again.history).toEqual([]);
    });

    it('starts a new visitor for a token that is forged, malformed or not a string', async () => {
      const { visitorId, visitorToken } = (await visit()).session;
      const forged = `${visitorId}.${'A'.repeat(visitorToken.length - visitorId.length - 1)}`;
      for (const bad of [forged, `${visitorToken}x`, 'not-a-token', 42 as unknown as string]) {
        const visitor = await visit(0, bad);
        expect(visitor.session.visitorId).not.toBe(visitorId);
        expect(visitor.session.visitorToken).not.toBe(bad);
      }
    });
  });

  describe('message', () => {
    it('acks with the interaction id, and a resend with the same clientMessageId gets it again and adds nothing', async () => {
      const visitor = await visit();
      const { visitorId } = visitor.session;
      const ack = await visitor.send('Do you ship to Norway?', 'm-1');
      expect(ack).toEqual({ ok: true, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      // The ack was lost, say: the widget resends, from another instance even.
      const tab = await visit(1, visitor.session.visitorToken);
      expect(await tab.send('Do you ship to Norway?', 'm-1')).toEqual(ack);

      const [id] = await stored(visitorId, 1);
      expect(id).toBe((ack as { id: string }).id);
      // A later message through the same pipeline is stored: the resend, queued before it, added nothing.
      const later = await visitor.send('And to Iceland?', 'm-2');
      expect(await stored(visitorId, 2)).toEqual([id, (later as { id: string }).id]);

      const { rows } = await hub.db.query(
        `SELECT i.text, i.external_id, cv.thread_key, ci.channel, ci.address FROM interactions i
         JOIN conversations cv ON cv.id = i.conversation_id JOIN customer_identities ci ON ci.customer_id = i.customer_id
         WHERE i.id = $1`,
        [id],
      );
      expect(rows).toEqual([
        { text: 'Do you ship to Norway?', external_id: `${visitorId}:m-1`, thread_key: visitorId, channel: 'chat', address: visitorId },
      ]);
      await waitFor('interaction.created for the chat message', () =>
        agent.named('interaction.created').some((e) => (e.interaction as { id: string }).id === id),
      );
    });

    it('refuses a message without text or clientMessageId, or with unknown fields, storing nothing', async () => {
      const visitor = await visit();
      const { visitorId } = visitor.session;
      for (const [payload, error] of [
        [{ text: 'hi' }, /clientMessageId/],
        [{ clientMessageId: 'x-1' }, /text/],
        [{ text: '   ', clientMessageId: 'x-2' }, /text must not be empty/],
        [{ text: 'hi', clientMessageId: 'x-3', html: '<b>' }, /html is not a known field/],
        ['hello', /must be a JSON object/],
      ] as const) {
        const ack = await visitor.request('message', payload);
        expect(ack).toEqual({ ok: false, error: expect.stringMatching(error) });
      }
      const ok = await visitor.send('<script>alert(1)</script>', 'x-4');
      expect(await stored(visitorId, 1)).toEqual([(ok as { id: string }).id]);
      const { rows } = await hub.db.query('SELECT text FROM interactions WHERE id = $1', [(ok as { id: string }).id]);
      // Stored as the plain text it is; the widget shows it with textContent, never as HTML.
      expect(rows[0].text).toBe('<script>alert(1)</script>');
    });
  });

  describe("agents' replies and history", () => {
    it('reaches every open tab of the visitor, on two api instances, and is in the history afterwards', async () => {
      const tabA = await visit(0);
      const { visitorToken } = tabA.session;
      const tabB = await visit(1, visitorToken);
      const asked = await tabA.send('Where is my order?', 'q-1');
      const [askedId] = await stored(tabA.session.visitorId, 1);
      const { conversation_id: conversationId } = await conversationOf(askedId);

      expect((await reply(conversationId, { text: 'Only we can see this', private: true })).status).toBe(202);
      const { status, body } = await reply(conversationId, { text: 'It ships tomorrow.' });
      expect(status).toBe(202);
      const expected = {
        id: body.interaction.id,
        text: 'It ships tomorrow.',
        from: 'agent',
        agentName: expect.any(String),
        createdAt: expect.any(String),
      };
      const [atA] = await tabA.received('message');
      const [atB] = await tabB.received('message');
      expect(atA).toEqual(expected);
      expect(atB).toEqual(atA);
      await waitFor('the reply marked sent', async () => {
        const { rows } = await hub.db.query('SELECT delivery_status FROM interactions WHERE id = $1', [body.interaction.id]);
        return rows[0]?.delivery_status === 'sent';
      });

      const later = await visit(1, visitorToken);
      expect(later.history.map(({ id, from, text }: ChatMessage) => ({ id, from, text }))).toEqual([
        { id: (asked as { id: string }).id, from: 'visitor', text: 'Where is my order?' },
        { id: body.interaction.id, from: 'agent', text: 'It ships tomorrow.' },
      ]);
      // The first tab saw only the reply: the private note never left the hub.
      expect(tabA.named('message')).toHaveLength(1);
    });
  });

  describe('typing', () => {
    it("relays the visitor's typing to agents and an agent's typing to the visitor's tabs", async () => {
      const visitor = await visit(0);
      const other = await visit(1, visitor.session.visitorToken);
      const { visitorId } = visitor.session;
      await visitor.send('Hello?', 't-1');
      const [id] = await stored(visitorId, 1);
      const { conversation_id: conversationId } = await conversationOf(id);

      visitor.socket.emit('typing', { typing: true });
      const typing = await waitFor('visitor.typing for agents', () => agent.named('visitor.typing').find((e) => e.visitorId === visitorId));
      expect(typing).toEqual({ visitorId, conversationId, typing: true });

      const post = (body: unknown, id = conversationId) =>
        request(hub.apis[1].url, 'POST', `/api/conversations/${id}/typing`, { body, headers: bearer(token) });
      expect((await post({ typing: true })).status).toBe(204);
      expect((await visitor.received('typing'))[0]).toEqual({ typing: true, agentName: expect.any(String) });
      expect((await other.received('typing'))[0]).toEqual({ typing: true, agentName: expect.any(String) });
      expect((await post({ typing: false })).status).toBe(204);
      expect((await visitor.received('typing', 2))[1]).toMatchObject({ typing: false });

      expect((await post({ typing: 'yes' })).status).toBe(400);
      expect((await post({ typing: true }, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await request(hub.api.url, 'POST', `/api/conversations/${conversationId}/typing`, { body: { typing: true } })).status).toBe(
        401,
      );
    });
  });

  describe('identify without CHAT_IDENTITY_SECRET', () => {
    const customer = async (id: string) =>
      (
        await request<{ id: string; name: string | null; identities: { channel: string; address: string }[] }>(
          hub.api.url,
          'GET',
          `/api/customers/${id}`,
          {
            headers: bearer(token),
          },
        )
      ).body;

    it('links the identities to the visitor\u2019s customer', async () => {
      const visitor = await visit();
      await visitor.send('Hi', 'i-1');
      const [id] = await stored(visitor.session.visitorId, 1);
      const { customer_id: customerId } = await conversationOf(id);
      const ack = await visitor.request('identify', { name: 'Ada Lovelace', email: ' Ada@Example.com ', phone: '+44 20 7946 0001' });
      expect(ack).toEqual({ ok: true, customerId });
      const detail = await customer(customerId);
      expect(detail.name).toBe('Ada Lovelace');
      expect(detail.identities).toEqual(
        expect.arrayContaining([
          { channel: 'chat', address: visitor.session.visitorId },
          { channel: 'email', address: 'ada@example.com' },
          { channel: 'phone', address: '+442079460001' },
        ]),
      );
      await waitFor('customer.updated for the identify', () =>
        agent.named('customer.updated').some((e) => (e.customer as { id: string }).id === customerId),
      );
    });

    it('merges with the customer who already has that email, losing nothing, yet shows each visitor only its own chat', async () => {
      const earlier = await visit();
      await earlier.send('My router is broken', 'e-1');
      expect(await earlier.request('identify', { email: 'grace@example.com' })).toMatchObject({ ok: true });
      const [earlierId] = await stored(earlier.session.visitorId, 1);
      const { customer_id: survivorId } = await conversationOf(earlierId);

      const visitor = await visit(1);
      await visitor.send('Hello from my phone', 'n-1');
      const [ownId] = await stored(visitor.session.visitorId, 1);
      const { customer_id: visitorCustomerId } = await conversationOf(ownId);
      expect(visitorCustomerId).not.toBe(survivorId);

      expect(await visitor.request('identify', { email: 'GRACE@example.com' })).toEqual({ ok: true, customerId: survivorId });
      expect(await hub.count('SELECT count(*) AS n FROM customers WHERE id = $1', [visitorCustomerId])).toBe(0);
      expect(await hub.count('SELECT count(*) AS n FROM interactions WHERE customer_id = $1', [survivorId])).toBe(2);
      expect((await customer(survivorId)).identities).toEqual(
        expect.arrayContaining([
          { channel: 'chat', address: earlier.session.visitorId },
          { channel: 'chat', address: visitor.session.visitorId },
          { channel: 'email', address: 'grace@example.com' },
        ]),
      );

      // Claiming the email revealed nothing: each visitor's history is its own chat only.
      const back = await visit(0, visitor.session.visitorToken);
      expect(back.history.map((m) => m.text)).toEqual(['Hello from my phone']);
      const earlierBack = await visit(1, earlier.session.visitorToken);
      expect(earlierBack.history.map((m) => m.text)).toEqual(['My router is broken']);
    });

    it('refuses an invalid email or phone, an empty identify and unknown fields, changing nothing', async () => {
      const visitor = await visit();
      for (const [payload, error] of [
        [{ email: 'not-an-email' }, /email is not a valid email address/],
        [{ phone: 'call me' }, /phone is not a valid phone number/],
        [{}, /at least one of name, email or phone/],
        [{ email: 'x@example.com', admin: true }, /admin is not a known field/],
      ] as const) {
        expect(await visitor.request('identify', payload)).toEqual({ ok: false, error: expect.stringMatching(error) });
      }
      expect(
        await hub.count(`SELECT count(*) AS n FROM customer_identities WHERE address IN ($1, 'x@example.com')`, [
          visitor.session.visitorId,
        ]),
      ).toBe(0);
    });
  });
});
