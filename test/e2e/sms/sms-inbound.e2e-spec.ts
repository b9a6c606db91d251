import { INGEST_QUEUE } from '@omnihub/crm-core/queues/queues';
import twilio from 'twilio';
import { AgentSocket, bearer, callLog, createPartner, login, request } from '../../support/clients';
import { Hub, TWILIO_AUTH_TOKEN } from '../../support/hub';
import { passSentinel } from '../../support/sentinel';
import { waitFor } from '../../support/wait-for';
import { inboundSms, postTwilioWebhook, PUBLIC_BASE_URL, type Params } from './twilio-webhooks';

const SENTINEL_FROM = '+447700900199';

/** Inbound SMS on a hub that has Twilio's auth token but no credentials to send with. */
describe('POST /webhooks/twilio/sms', () => {
  let hub: Hub;
  let token: string;
  let agent: AgentSocket;
  let apiKey: string;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'sms_inbound', redisDb: 5, env: { PUBLIC_BASE_URL } });
    token = await login(hub.api.url);
    ({ apiKey } = await createPartner(hub.api.url, token));
    agent = new AgentSocket(hub.api.url, token);
    await agent.connected();
  });
  afterAll(async () => {
    agent?.close();
    await hub?.stop();
  });

  const post = (params: Params, options?: Parameters<typeof postTwilioWebhook>[3]) =>
    postTwilioWebhook(hub.api.url, '/webhooks/twilio/sms', params, options);
  const stored = (sid: string) => hub.count('SELECT count(*) AS n FROM interactions WHERE external_id = $1', [sid]);
  const interactionRow = (sid: string) =>
    waitFor(`interaction ${sid}`, async () => (await hub.db.query('SELECT * FROM interactions WHERE external_id = $1', [sid])).rows[0]);
  const postCallLog = (log: Record<string, unknown>) =>
    request(hub.api.url, 'POST', '/api/call-logs', { body: log, headers: { 'x-api-key': apiKey } });
  const createdEvents = (sid: string) =>
    agent.named('interaction.created').filter((e) => (e.interaction as { externalId: string }).externalId === sid);
  /** SMS counted before and after a refused one; sentinels left out. */
  const smsStored = () =>
    hub.count("SELECT count(*) AS n FROM interactions WHERE channel = 'sms' AND metadata->>'from' IS DISTINCT FROM $1", [SENTINEL_FROM]);
  /** A valid SMS posted after the one under test, stored and seen live: whatever that one queued has landed. */
  const sentinel = () => {
    const sms = inboundSms(SENTINEL_FROM, 'sentinel');
    return passSentinel(hub.redisUrl, {
      what: sms.MessageSid,
      send: async () => expect((await post(sms)).status).toBe(200),
      arrived: () => createdEvents(sms.MessageSid).length > 0,
      queues: [INGEST_QUEUE],
    });
  };

  it('stores a signed SMS as one interaction, answers with empty TwiML and shows it live to agents', async () => {
    const sms = inboundSms('+447700900101', 'Where is my order?');
    const response = await post(sms);
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^text\/xml/);
    expect(response.text).toMatch(/<Response\/>$/);

    const row = await interactionRow(sms.MessageSid);
    expect(row).toMatchObject({ channel: 'sms', direction: 'inbound', kind: 'message', text: 'Where is my order?', intent: 'enquiry' });
    expect(row.metadata).toMatchObject({ from: '+447700900101', to: '+15005550006', numSegments: 1, media: [] });
    const live = await waitFor('interaction.created', () =>
      agent.named('interaction.created').find((e) => (e.interaction as { externalId: string }).externalId === sms.MessageSid),
    );
    expect(live.interaction).toMatchObject({ id: row.id, channel: 'sms', text: 'Where is my order?' });
  });

  it('stores a redelivered MessageSid once, with one live event', async () => {
    const sms = inboundSms('+447700900102', 'Hello?');
    const responses = await Promise.all([post(sms), post(sms), post(sms)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await interactionRow(sms.MessageSid);
    expect((await post(sms)).status).toBe(200);
    await sentinel();
    expect(await stored(sms.MessageSid)).toBe(1);
    expect(createdEvents(sms.MessageSid)).toHaveLength(1);
  });

  it('keeps MMS media, the segment count and a long body whole', async () => {
    const body = 'My kettle arrived broken. '.repeat(60).trim();
    const sms = inboundSms('+447700900103', body, {
      NumSegments: '11',
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
      MediaContentType1: 'image/png',
      MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
    });
    expect((await post(sms)).status).toBe(200);
    const row = await interactionRow(sms.MessageSid);
    expect(row.text).toBe(body);
    expect(row.intent).toBe('complaint');
    expect(row.metadata).toMatchObject({
      numSegments: 11,
      messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
      media: [
        { url: sms.MediaUrl0, contentType: 'image/jpeg' },
        { url: sms.MediaUrl1, contentType: 'image/png' },
      ],
    });
  });

  it('accepts a message to another number of the account', async () => {
    const sms = inboundSms('+447700900104', 'Hi', { To: '+15005550009' });
    expect((await post(sms)).status).toBe(200);
    expect((await interactionRow(sms.MessageSid)).metadata.to).toBe('+15005550009');
  });

  it('verifies the query string as part of the signed URL', async () => {
    const sms = inboundSms('+447700900104', 'Hi again');
    expect((await post(sms, { query: '?source=pool-a' })).status).toBe(200);
    const tampered = inboundSms('+447700900104', 'Hi again');
    const signature = twilio.getExpectedTwilioSignature(
      TWILIO_AUTH_TOKEN,
      `${PUBLIC_BASE_URL}/webhooks/twilio/sms?source=pool-a`,
      tampered,
    );
    expect((await post(tampered, { query: '?source=pool-b', signature })).status).toBe(403);
    await interactionRow(sms.MessageSid);
    await sentinel();
    expect(await stored(tampered.MessageSid)).toBe(0);
  });

  describe('refuses with 403 and stores nothing', () => {
    it.each<[string, (sms: Params) => Parameters<typeof postTwilioWebhook>[3]]>([
      ['no signature', () => ({ signature: null })],
      ['a signature that is not base64 HMAC', () => ({ signature: 'not-a-signature' })],
      ['a signature over other parameters', (sms) => ({ signature: signatureOf({ ...sms, Body: 'something else' }) })],
      ['a signature over another URL', () => ({ signedUrl: 'https://attacker.example/webhooks/twilio/sms' })],
      ['a signature with another auth token', () => ({ authToken: 'someone-elses-token' })],
    ])('%s', async (_, options) => {
      const sms = inboundSms('+447700900105', 'Let me in');
      const response = await post(sms, options(sms));
      expect(response.status).toBe(403);
      expect(response.json?.message).toEqual(expect.stringContaining('X-Twilio-Signature'));
      await sentinel();
      expect(await stored(sms.MessageSid)).toBe(0);
    });
  });

  describe('refuses bad input with a clear 400 and stores nothing', () => {
    it.each<[string, Params, string, string]>([
      ['no MessageSid', omit(inboundSms('+447700900106', 'x'), 'MessageSid'), 'MessageSid', 'MessageSid is required'],
      ['no From', omit(inboundSms('+447700900106', 'x'), 'From'), 'From', 'From is required'],
      ['a From that is not a phone number', inboundSms('ACME-SHOP', 'x'), 'From', 'international format'],
      ['a From without a country code', inboundSms('07700900106', 'x'), 'From', 'international format'],
      ['a media count without the media', inboundSms('+447700900106', 'x', { NumMedia: '1' }), 'MediaUrl0', 'MediaUrl0 is required'],
    ])('%s', async (_, params, path, message) => {
      const before = await smsStored();
      const response = await post(params);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({
        statusCode: 400,
        message: expect.stringContaining(message),
        errors: [{ path, message: expect.any(String) }],
      });
      await sentinel();
      expect(await smsStored()).toBe(before);
    });
  });

  it('knows one phone number as one customer, whether it texts or calls', async () => {
    const call = callLog(1, { customerPhone: '+44 7700 900107', customerName: 'Grace Hopper' });
    expect((await postCallLog(call)).status).toBe(202);
    const sms = inboundSms('+447700900107', 'About my call earlier');
    expect((await post(sms)).status).toBe(200);

    const smsRow = await interactionRow(sms.MessageSid);
    const callRow = await interactionRow('call-1');
    expect(smsRow.customer_id).toBe(callRow.customer_id);
    const customers = await request<{ items: Array<{ id: string; name: string; identities: unknown[] }> }>(
      hub.api.url,
      'GET',
      `/api/customers?q=${encodeURIComponent('+447700900107')}`,
      { headers: bearer(token) },
    );
    expect(customers.body.items).toEqual([
      expect.objectContaining({
        id: smsRow.customer_id,
        name: 'Grace Hopper',
        identities: [{ channel: 'phone', address: '+447700900107' }],
      }),
    ]);
  });

  it('fails an agent reply with a clear error when Twilio credentials are not configured', async () => {
    const sms = inboundSms('+447700900108', 'Can you text me back?');
    expect((await post(sms)).status).toBe(200);
    const { conversation_id: conversationId } = await interactionRow(sms.MessageSid);

    const reply = await request<{ interaction: { id: string; deliveryStatus: string } }>(
      hub.api.url,
      'POST',
      `/api/conversations/${conversationId}/messages`,
      { body: { text: 'Of course' }, headers: bearer(token) },
    );
    expect(reply.status).toBe(202);
    expect(reply.body.interaction.deliveryStatus).toBe('queued');
    const failed = await waitFor('the reply to fail', () =>
      agent
        .named('interaction.updated')
        .map((e) => e.interaction as { id: string; deliveryStatus: string; metadata: { error?: string } })
        .find((i) => i.id === reply.body.interaction.id && i.deliveryStatus === 'failed'),
    );
    expect(failed.metadata.error).toBe(
      'SMS replies are not configured: set TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER on the worker to send SMS through Twilio',
    );
  });

  it('refuses a reply on a call-log conversation with 409: there is nothing to send it on', async () => {
    expect((await postCallLog(callLog(2, { customerPhone: '+447700900109' }))).status).toBe(202);
    const { conversation_id: conversationId } = await interactionRow('call-2');
    const { rows } = await hub.db.query("SELECT id FROM conversations WHERE id = $1 AND channel = 'phone'", [conversationId]);
    expect(rows).toHaveLength(1);
    const reply = await request(hub.api.url, 'POST', `/api/conversations/${conversationId}/messages`, {
      body: { text: 'Thanks for calling' },
      headers: bearer(token),
    });
    expect(reply.status).toBe(409);
    expect(reply.body.message).toEqual(expect.stringContaining('phone channel'));
  });
});

function omit(params: Params, name: string): Params {
  const { [name]: _, ...rest } = params;
  return rest;
}

function signatureOf(params: Params): string {
  return twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC_BASE_URL}/webhooks/twilio/sms`, params);
}
