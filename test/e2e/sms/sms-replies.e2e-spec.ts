import { DELIVERY_STATUS_QUEUE, OUTBOUND_SEND_QUEUE } from '@omnihub/crm-core/queues/queues';
import { AgentSocket, bearer, login, request } from '../../support/clients';
import { Hub, TWILIO_AUTH_TOKEN } from '../../support/hub';
import { passSentinel } from '../../support/sentinel';
import { waitFor } from '../../support/wait-for';
import { FakeTwilioApi } from './fake-twilio-api';
import { inboundSms, postTwilioWebhook, PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER, type Params } from './twilio-webhooks';

interface InteractionBody {
  id: string;
  conversationId: string;
  channel: string;
  direction: string;
  kind: string;
  text: string;
  externalId: string;
  deliveryStatus?: string;
  metadata: Record<string, unknown>;
}

/** Agents' SMS replies, sent through a fake Twilio REST API the hub is pointed at. */
describe('SMS replies: POST /api/conversations/:id/messages and POST /webhooks/twilio/status', () => {
  const CUSTOMER = '+447700900201';
  let hub: Hub;
  let twilioApi: FakeTwilioApi;
  let token: string;
  let agent: AgentSocket;
  let conversationId: string;

  beforeAll(async () => {
    twilioApi = await FakeTwilioApi.start();
    hub = await Hub.start({
      name: 'sms_replies',
      redisDb: 6,
      env: { PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER, TWILIO_API_BASE_URL: twilioApi.url },
    });
    token = await login(hub.api.url);
    agent = new AgentSocket(hub.api.url, token);
    await agent.connected();
    const sms = inboundSms(CUSTOMER, 'Is my parcel coming today?');
    expect((await postTwilioWebhook(hub.api.url, '/webhooks/twilio/sms', sms)).status).toBe(200);
    conversationId = await waitFor('the conversation', async () => {
      const { rows } = await hub.db.query('SELECT conversation_id FROM interactions WHERE external_id = $1', [sms.MessageSid]);
      return rows[0]?.conversation_id as string | undefined;
    });
  });
  afterAll(async () => {
    agent?.close();
    await hub?.stop();
    await twilioApi?.stop();
  });

  const reply = (body: Record<string, unknown>, id = conversationId) =>
    request<{ interaction: InteractionBody }>(hub.api.url, 'POST', `/api/conversations/${id}/messages`, { body, headers: bearer(token) });
  const postStatus = (params: Params, options?: Parameters<typeof postTwilioWebhook>[3]) =>
    postTwilioWebhook(hub.api.url, '/webhooks/twilio/status', params, options);
  const stored = async (id: string) => {
    const { rows } = await hub.db.query('SELECT delivery_status, external_id, metadata FROM interactions WHERE id = $1', [id]);
    return rows[0] as { delivery_status: string; external_id: string; metadata: Record<string, unknown> };
  };
  const statusOf = async (id: string) => (await stored(id)).delivery_status;
  /** Sends a reply and waits until the worker has recorded Twilio's MessageSid for it, and agents have seen that. */
  const sentReply = async (text: string) => {
    const { status, body } = await reply({ text });
    expect(status).toBe(202);
    const sid = await waitFor(`Twilio's sid for "${text}"`, async () => {
      const row = await stored(body.interaction.id);
      return row.external_id.startsWith('SM') ? row.external_id : undefined;
    });
    await waitFor(`the sid for "${text}", live`, () =>
      agent.named('interaction.updated').some((e) => (e.interaction as InteractionBody).externalId === sid),
    );
    return { id: body.interaction.id, sid };
  };
  const liveStatuses = (id: string) =>
    agent
      .named('interaction.updated')
      .map((e) => e.interaction as InteractionBody)
      .filter((i) => i.id === id)
      .map((i) => i.deliveryStatus);
  const atTwilio = (body: string) => twilioApi.messagesTo(CUSTOMER).filter((r) => r.params.Body === body);
  let sentinels = 0;
  /** A status callback for another reply, posted after the ones under test and seen live: those have been applied. */
  const statusSentinel = async () => {
    const other = await sentReply(`Status sentinel ${++sentinels}`);
    await passSentinel(hub.redisUrl, {
      what: `delivered for ${other.sid}`,
      send: async () => expect((await postStatus({ MessageSid: other.sid, MessageStatus: 'delivered' })).status).toBe(204),
      arrived: () => liveStatuses(other.id).includes('delivered'),
      queues: [DELIVERY_STATUS_QUEUE],
    });
  };
  /** A reply sent after the one under test, once no send is pending or due for a retry, and seen at Twilio. */
  const sendSentinel = () => {
    const text = `Send sentinel ${++sentinels}`;
    return passSentinel(hub.redisUrl, {
      what: text,
      send: async () => expect((await reply({ text })).status).toBe(202),
      arrived: () => atTwilio(text).length > 0,
      queues: [OUTBOUND_SEND_QUEUE],
    });
  };

  it('stores the reply as queued, shows it live, and sends it to the customer through Twilio', async () => {
    const { status, body } = await reply({ text: 'Yes, before 6pm' });
    expect(status).toBe(202);
    expect(body.interaction).toMatchObject({
      conversationId,
      channel: 'sms',
      direction: 'outbound',
      kind: 'message',
      text: 'Yes, before 6pm',
      deliveryStatus: 'queued',
      metadata: { to: CUSTOMER, agentName: expect.any(String) },
    });
    await waitFor('interaction.created', () =>
      agent.named('interaction.created').find((e) => (e.interaction as InteractionBody).id === body.interaction.id),
    );
    await waitFor('conversation.updated', () =>
      agent
        .named('conversation.updated')
        .find((e) => (e.conversation as { lastInteractionPreview: string }).lastInteractionPreview === 'Yes, before 6pm'),
    );

    const [sent] = await waitFor('the message at Twilio', () => atTwilio('Yes, before 6pm').length > 0 && atTwilio('Yes, before 6pm'));
    expect(sent.path).toBe(`/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages.json`);
    expect(sent.authorization).toBe(`Basic ${Buffer.from(`${TWILIO_ACCOUNT_SID}:${TWILIO_AUTH_TOKEN}`).toString('base64')}`);
    expect(sent.params).toEqual({
      To: CUSTOMER,
      From: TWILIO_FROM_NUMBER,
      Body: 'Yes, before 6pm',
      StatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/status`,
    });

    const sid = twilioApi.sids.get('Yes, before 6pm');
    await waitFor('the sid recorded', async () => (await stored(body.interaction.id)).external_id === sid);
    const conversation = await request<{ interactions: InteractionBody[] }>(hub.api.url, 'GET', `/api/conversations/${conversationId}`, {
      headers: bearer(token),
    });
    expect(conversation.body.interactions.at(-1)).toMatchObject({
      id: body.interaction.id,
      externalId: sid,
      deliveryStatus: 'queued',
      metadata: { from: TWILIO_FROM_NUMBER },
    });
  });

  it('moves the delivery status forward with status callbacks, live, and never back', async () => {
    const { id, sid } = await sentReply('Your parcel is out for delivery');
    expect((await postStatus({ MessageSid: sid, MessageStatus: 'sent' })).status).toBe(204);
    await waitFor('sent', async () => (await statusOf(id)) === 'sent');
    expect((await postStatus({ MessageSid: sid, MessageStatus: 'delivered' })).status).toBe(204);
    await waitFor('delivered', async () => (await statusOf(id)) === 'delivered');
    await waitFor('delivered, live', () => liveStatuses(id).includes('delivered'));

    // Late and out-of-order news, as Twilio can send it.
    for (const MessageStatus of ['sent', 'queued', 'sending'])
      expect((await postStatus({ MessageSid: sid, MessageStatus })).status).toBe(204);
    await statusSentinel();
    expect(await statusOf(id)).toBe('delivered');
    expect(liveStatuses(id)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('keeps delivered when a late sent arrives after it', async () => {
    const { id, sid } = await sentReply('Delivered first');
    expect((await postStatus({ MessageSid: sid, MessageStatus: 'delivered' })).status).toBe(204);
    await waitFor('delivered', async () => (await statusOf(id)) === 'delivered');
    expect((await postStatus({ MessageSid: sid, MessageStatus: 'sent' })).status).toBe(204);
    await statusSentinel();
    expect(await statusOf(id)).toBe('delivered');
    expect(liveStatuses(id)).toEqual(['queued', 'delivered']);
  });

  it('records undelivered with Twilio’s error code', async () => {
    const { id, sid } = await sentReply('Carrier trouble');
    expect((await postStatus({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003' })).status).toBe(204);
    await waitFor('undelivered', async () => (await statusOf(id)) === 'undelivered');
    expect((await stored(id)).metadata).toMatchObject({ errorCode: 30003, providerStatus: 'undelivered' });
  });

  it('retries a Twilio 5xx with backoff and sends once Twilio recovers', async () => {
    twilioApi.failNext(503, { code: 20503, message: 'Service unavailable' }, 2);
    const { id, sid } = await sentReply('Third time lucky');
    expect(atTwilio('Third time lucky')).toHaveLength(3);
    expect(sid).toBe(twilioApi.sids.get('Third time lucky'));
    expect(await statusOf(id)).toBe('queued');
  });

  it('fails at once on a Twilio 4xx, keeping its error code, without retrying', async () => {
    twilioApi.failNext(400, { code: 21211, message: "The 'To' number is not a valid phone number." });
    const { body } = await reply({ text: 'Never arrives' });
    await waitFor('failed', async () => (await statusOf(body.interaction.id)) === 'failed');
    expect((await stored(body.interaction.id)).metadata).toMatchObject({
      errorCode: 21211,
      error: expect.stringContaining('not a valid phone number'),
    });
    await waitFor('failed, live', () => liveStatuses(body.interaction.id).includes('failed'));
    await sendSentinel();
    expect(atTwilio('Never arrives')).toHaveLength(1);
  });

  it('stores a private note for agents and never sends it', async () => {
    const { status, body } = await reply({ text: 'Customer sounds upset, offer a refund', private: true });
    expect(status).toBe(202);
    expect(body.interaction).toMatchObject({
      kind: 'note',
      direction: 'outbound',
      channel: 'sms',
      text: 'Customer sounds upset, offer a refund',
    });
    expect(body.interaction.deliveryStatus).toBeUndefined();
    await waitFor('interaction.created', () =>
      agent.named('interaction.created').find((e) => (e.interaction as InteractionBody).id === body.interaction.id),
    );
    await sendSentinel();
    expect(twilioApi.requests.filter((r) => r.params.Body === 'Customer sounds upset, offer a refund')).toHaveLength(0);
  });

  describe('refuses bad replies with a clear 4xx and stores nothing', () => {
    it.each<[string, Record<string, unknown>, number, string]>([
      ['an empty text', { text: '' }, 400, 'text must not be empty'],
      ['a blank text', { text: '  \n ' }, 400, 'text must not be empty'],
      ['no text', {}, 400, 'text'],
      ['an unknown field', { text: 'hi', colour: 'blue' }, 400, 'colour'],
      ['a non-boolean private', { text: 'hi', private: 'yes' }, 400, 'private'],
      ['an SMS over 1600 characters', { text: 'x'.repeat(1601) }, 400, 'limited to 1600'],
    ])('%s', async (_, body, status, message) => {
      const before = await hub.count('SELECT count(*) AS n FROM interactions');
      const response = await reply(body);
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ statusCode: status, message: expect.stringContaining(message) });
      expect(await hub.count('SELECT count(*) AS n FROM interactions')).toBe(before);
    });

    it('answers 404 for an unknown conversation and 400 for a malformed id', async () => {
      expect((await reply({ text: 'hi' }, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await reply({ text: 'hi' }, 'not-a-uuid')).status).toBe(400);
    });

    it('answers 401 without a token', async () => {
      const response = await request(hub.api.url, 'POST', `/api/conversations/${conversationId}/messages`, { body: { text: 'hi' } });
      expect(response.status).toBe(401);
    });
  });

  describe('refuses bad status callbacks and changes nothing', () => {
    let target: { id: string; sid: string };
    beforeAll(async () => {
      target = await sentReply('Status target');
    });

    it.each<[string, () => Params, Parameters<typeof postTwilioWebhook>[3], number, string]>([
      ['an unknown status', () => ({ MessageSid: target.sid, MessageStatus: 'teleported' }), {}, 400, 'MessageStatus must be one of'],
      ['an inbound-only status', () => ({ MessageSid: target.sid, MessageStatus: 'received' }), {}, 400, 'MessageStatus must be one of'],
      ['no MessageSid', () => ({ MessageStatus: 'delivered' }), {}, 400, 'MessageSid is required'],
      ['no MessageStatus', () => ({ MessageSid: target.sid }), {}, 400, 'MessageStatus is required'],
      ['a bad ErrorCode', () => ({ MessageSid: target.sid, MessageStatus: 'failed', ErrorCode: 'oops' }), {}, 400, 'ErrorCode'],
      ['no signature', () => ({ MessageSid: target.sid, MessageStatus: 'delivered' }), { signature: null }, 403, 'X-Twilio-Signature'],
      [
        'a forged signature',
        () => ({ MessageSid: target.sid, MessageStatus: 'delivered' }),
        { authToken: 'forged' },
        403,
        'X-Twilio-Signature',
      ],
    ])('%s', async (_, params, options, status, message) => {
      const response = await postStatus(params(), options);
      expect(response.status).toBe(status);
      expect(response.json?.message).toEqual(expect.stringContaining(message));
      await statusSentinel();
      expect(await statusOf(target.id)).toBe('queued');
      expect(liveStatuses(target.id)).toEqual(['queued']);
    });
  });
});
