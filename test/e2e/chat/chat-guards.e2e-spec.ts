import { createHmac } from 'node:crypto';
import { bearer, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';
import { ChatVisitor, refusal } from './chat-visitor';

const IDENTITY_SECRET = 'site-identity-secret-0123456789';
const hashOf = (value: string, secret = IDENTITY_SECRET) => createHmac('sha256', secret).update(value).digest('hex');

/** The chat's abuse limits, and identify when CHAT_IDENTITY_SECRET is set. */
describe('chat: limits and CHAT_IDENTITY_SECRET', () => {
  let hub: Hub;
  let token: string;
  const open: ChatVisitor[] = [];

  beforeAll(async () => {
    hub = await Hub.start({
      name: 'chat_guards',
      redisDb: 'private',
      env: { CHAT_IDENTITY_SECRET: IDENTITY_SECRET, CHAT_MESSAGES_PER_MINUTE: '3', CHAT_CONNECTIONS_PER_ADDRESS: '3' },
    });
    token = await login(hub.api.url);
  });
  afterEach(() => open.splice(0).forEach((visitor) => visitor.close()));
  afterAll(async () => {
    await hub?.stop();
  });

  /** Retries while the server still counts connections that were closed a moment ago. */
  const visit = async (visitorToken?: string) => {
    const visitor = await waitFor('a free chat connection slot', () => ChatVisitor.open(hub.api.url, visitorToken));
    open.push(visitor);
    return visitor;
  };
  const storedTexts = async (visitorId: string) => {
    const { rows } = await hub.db.query<{ text: string }>(
      `SELECT text FROM interactions WHERE channel = 'chat' AND metadata->>'visitorId' = $1 ORDER BY occurred_at, id`,
      [visitorId],
    );
    return rows.map((row) => row.text);
  };
  const stored = (visitorId: string, count: number) =>
    waitFor(`${count} stored chat message(s)`, async () => {
      const texts = await storedTexts(visitorId);
      return texts.length >= count ? texts : undefined;
    });
  const customerOf = async (visitorId: string) => {
    const { rows } = await hub.db.query(`SELECT customer_id FROM customer_identities WHERE channel = 'chat' AND address = $1`, [visitorId]);
    return rows[0]?.customer_id as string | undefined;
  };
  const identitiesOf = async (customerId: string) =>
    (
      await request<{ identities: { channel: string; address: string }[] }>(hub.api.url, 'GET', `/api/customers/${customerId}`, {
        headers: bearer(token),
      })
    ).body.identities;

  describe('limits', () => {
    it('refuses a message over 4 KB (in UTF-8 bytes) and stores nothing of it', async () => {
      const visitor = await visit();
      const { visitorId } = visitor.session;
      const over = await visitor.send('é'.repeat(2049), 'big-1');
      expect(over).toEqual({ ok: false, error: expect.stringContaining('text is 4098 bytes; chat messages are limited to 4096') });
      expect(await visitor.send('é'.repeat(2048), 'big-2')).toMatchObject({ ok: true });
      expect(await stored(visitorId, 1)).toEqual(['é'.repeat(2048)]);
    });

    it('refuses messages over the per-minute budget of a visitor, across its tabs, and stores none of them', async () => {
      const visitor = await visit();
      const tab = await visit(visitor.session.visitorToken);
      const { visitorId } = visitor.session;
      expect(await visitor.send('one', 'r-1')).toMatchObject({ ok: true });
      expect(await tab.send('two', 'r-2')).toMatchObject({ ok: true });
      expect(await visitor.send('three', 'r-3')).toMatchObject({ ok: true });
      expect(await tab.send('four', 'r-4')).toEqual({ ok: false, error: expect.stringContaining('too many messages: at most 3 a minute') });
      // Another visitor has a budget of its own; its message shows the pipeline ran past the refused one.
      const other = await visit();
      expect(await other.send('mine', 'o-1')).toMatchObject({ ok: true });
      await stored(other.session.visitorId, 1);
      expect(await stored(visitorId, 3)).toEqual(['one', 'two', 'three']);
    });

    it('refuses a connection beyond the open connections allowed per client address', async () => {
      await visit();
      await visit();
      const third = await visit();
      expect(await refusal(hub.api.url)).toBe('too many chat connections from this address');
      third.close();
      // The slot is given back once the server sees the close.
      await visit();
    });
  });

  describe('identify with CHAT_IDENTITY_SECRET', () => {
    it('merges with a valid userHash, and refuses a missing or forged one without changing anything', async () => {
      const owner = await visit();
      expect(await owner.send('My account number is 4711', 'a-1')).toMatchObject({ ok: true });
      await stored(owner.session.visitorId, 1);
      const ownerAck = await owner.request('identify', { email: 'owner@example.com', userHash: hashOf('owner@example.com') });
      const ownerCustomer = await customerOf(owner.session.visitorId);
      expect(ownerAck).toEqual({ ok: true, customerId: ownerCustomer });
      owner.close();

      const intruder = await visit();
      expect(await intruder.send('hello', 'b-1')).toMatchObject({ ok: true });
      await stored(intruder.session.visitorId, 1);
      const intruderCustomer = await customerOf(intruder.session.visitorId);
      for (const [payload, error] of [
        [{ email: 'owner@example.com' }, 'userHash is required of the identified email'],
        [
          { email: 'owner@example.com', userHash: hashOf('owner@example.com', 'guessed-secret') },
          'userHash is not the HMAC of the identified email',
        ],
        [{ email: 'owner@example.com', userHash: hashOf('intruder@example.com') }, 'userHash is not the HMAC of the identified email'],
        [{ phone: '+447700900123', email: 'owner@example.com', userHash: hashOf('+447700900123') }, 'not the HMAC of the identified email'],
        [{ email: 'owner@example.com', userHash: 'zz' }, 'userHash must be a hex HMAC-SHA256'],
      ] as const) {
        expect(await intruder.request('identify', payload)).toEqual({ ok: false, error: expect.stringContaining(error) });
      }
      expect(await identitiesOf(ownerCustomer!)).toEqual(
        expect.arrayContaining([
          { channel: 'chat', address: owner.session.visitorId },
          { channel: 'email', address: 'owner@example.com' },
        ]),
      );
      expect(await identitiesOf(intruderCustomer!)).toEqual([{ channel: 'chat', address: intruder.session.visitorId }]);
      const back = await visit(intruder.session.visitorToken);
      expect(back.history.map((m) => m.text)).toEqual(['hello']);

      // The site vouches for this visitor's phone: that needs no email, and the hash is of the phone.
      const phoneAck = await intruder.request('identify', { name: 'Ivy', phone: '+44 7700 900123', userHash: hashOf('+447700900123') });
      expect(phoneAck).toEqual({ ok: true, customerId: intruderCustomer });
      // A name alone claims nothing, so it needs no hash.
      expect(await back.request('identify', { name: 'Ivy Jones' })).toEqual({ ok: true, customerId: intruderCustomer });
    });

    it('merges two visitors the site identifies as the same person', async () => {
      const laptop = await visit();
      expect(await laptop.request('identify', { email: 'same@example.com', userHash: hashOf('same@example.com') })).toMatchObject({
        ok: true,
      });
      const phone = await visit();
      const ack = await phone.request('identify', { email: 'Same@Example.com', userHash: hashOf('Same@Example.com') });
      expect(ack).toEqual({ ok: true, customerId: await customerOf(laptop.session.visitorId) });
      expect(await customerOf(phone.session.visitorId)).toBe(await customerOf(laptop.session.visitorId));
    });
  });
});
