import { OUTBOUND_SEND_QUEUE } from '@omnihub/crm-core/queues/queues';
import { AgentSocket, bearer, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { passSentinel } from '../../support/sentinel';
import { openQueue } from '../../support/test-redis';
import { waitFor } from '../../support/wait-for';
import { FakeTwilioApi } from './fake-twilio-api';
import { inboundSms, postTwilioWebhook, PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER } from './twilio-webhooks';

interface InteractionBody {
  id: string;
  deliveryStatus?: string;
  metadata: Record<string, unknown>;
}

/** STOP / START / HELP: no SMS reaches a number that opted out, even one queued before. */
describe('SMS opt-out keywords', () => {
  let hub: Hub;
  let twilioApi: FakeTwilioApi;
  let token: string;
  let agent: AgentSocket;

  beforeAll(async () => {
    twilioApi = await FakeTwilioApi.start();
    hub = await Hub.start({
      name: 'sms_opt_out',
      redisDb: 7,
      env: { PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER, TWILIO_API_BASE_URL: twilioApi.url },
    });
    token = await login(hub.api.url);
    agent = new AgentSocket(hub.api.url, token);
    await agent.connected();
  });
  afterAll(async () => {
    agent?.close();
    await hub?.stop();
    await twilioApi?.stop();
  });

  /** Texts the hub as `from` and waits until the worker stored it; returns its row. */
  const text = async (from: string, body: string) => {
    const sms = inboundSms(from, body);
    expect((await postTwilioWebhook(hub.api.url, '/webhooks/twilio/sms', sms)).status).toBe(200);
    return waitFor(`"${body}" from ${from}`, async () => {
      const { rows } = await hub.db.query('SELECT id, conversation_id, kind, metadata FROM interactions WHERE external_id = $1', [
        sms.MessageSid,
      ]);
      return rows[0] as { id: string; conversation_id: string; kind: string; metadata: Record<string, unknown> } | undefined;
    });
  };
  const reply = (conversationId: string, body: string) =>
    request<{ interaction: InteractionBody; message?: string }>(hub.api.url, 'POST', `/api/conversations/${conversationId}/messages`, {
      body: { text: body },
      headers: bearer(token),
    });
  const atTwilio = (to: string, body: string) => twilioApi.messagesTo(to).filter((r) => r.params.Body === body);
  let sentinels = 0;
  /**
   * A reply to another customer, sent once no send is pending or due for a retry, and seen at
   * Twilio: every reply queued before it has been sent or stopped.
   */
  const sendSentinel = async () => {
    const phone = '+447700900399';
    const { conversation_id: conversationId } = await text(phone, `Sentinel ${++sentinels}`);
    const body = `Sentinel reply ${sentinels}`;
    await passSentinel(hub.redisUrl, {
      what: body,
      send: async () => expect((await reply(conversationId, body)).status).toBe(202),
      arrived: () => atTwilio(phone, body).length === 1,
      queues: [OUTBOUND_SEND_QUEUE],
    });
  };

  it('refuses replies with 409 after STOP, sending nothing, and sends again after START', async () => {
    const phone = '+447700900301';
    const { conversation_id: conversationId } = await text(phone, 'Hello');
    expect((await reply(conversationId, 'Hi there')).status).toBe(202);
    await waitFor('the first reply at Twilio', () => atTwilio(phone, 'Hi there').length === 1);

    const stop = await text(phone, 'STOP');
    expect(stop).toMatchObject({ kind: 'message', metadata: { keyword: 'opt_out' } });
    const outbound = () =>
      hub.count("SELECT count(*) AS n FROM interactions WHERE direction = 'outbound' AND conversation_id = $1", [conversationId]);
    const outboundBefore = await outbound();
    const refused = await reply(conversationId, 'Are you sure?');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(
      `${phone} has opted out of SMS (replied STOP); nothing was sent. The customer can opt back in by texting START.`,
    );
    await sendSentinel();
    expect(await outbound()).toBe(outboundBefore);
    expect(twilioApi.messagesTo(phone)).toHaveLength(1);

    expect((await text(phone, ' start ')).metadata).toMatchObject({ keyword: 'opt_in' });
    expect((await reply(conversationId, 'Welcome back')).status).toBe(202);
    await waitFor('the reply after START at Twilio', () => atTwilio(phone, 'Welcome back').length === 1);
  });

  it.each([
    ['stopall', '+447700900310'],
    ['Unsubscribe', '+447700900311'],
    [' cancel ', '+447700900312'],
    ['END', '+447700900313'],
    ['quit', '+447700900314'],
  ])('opts out on %j, and back in on YES and UNSTOP', async (keyword, phone) => {
    const { conversation_id: conversationId } = await text(phone, keyword);
    expect((await reply(conversationId, 'Sorry to see you go')).status).toBe(409);
    await text(phone, 'YES');
    expect((await reply(conversationId, 'Back again')).status).toBe(202);
    await text(phone, keyword);
    expect((await reply(conversationId, 'Sorry to see you go')).status).toBe(409);
    await text(phone, 'unstop');
    expect((await reply(conversationId, 'Back for good')).status).toBe(202);
  });

  it('records HELP and a message that merely mentions stopping, and changes nothing', async () => {
    const phone = '+447700900320';
    const help = await text(phone, 'HELP');
    expect(help).toMatchObject({ kind: 'message', metadata: { keyword: 'help' } });
    const mention = await text(phone, 'please stop sending me the brochure');
    expect(mention.metadata.keyword).toBeUndefined();
    expect((await reply(help.conversation_id, 'Reply STOP to opt out')).status).toBe(202);
    await waitFor('the reply at Twilio', () => atTwilio(phone, 'Reply STOP to opt out').length === 1);
  });

  it('blocks a reply queued before the STOP arrived: it never reaches Twilio', async () => {
    const phone = '+447700900330';
    const { conversation_id: conversationId } = await text(phone, 'Hello');
    // An operator's pause holds replies in the queue while the STOP is stored.
    const outbound = openQueue(OUTBOUND_SEND_QUEUE, hub.redisUrl);
    try {
      await outbound.pause();
      const queued = await reply(conversationId, 'Too late');
      expect(queued.status).toBe(202);
      expect(queued.body.interaction.deliveryStatus).toBe('queued');
      await text(phone, 'Stop');
      await outbound.resume();

      const blocked = await waitFor('the reply to be blocked', () =>
        agent
          .named('interaction.updated')
          .map((e) => e.interaction as InteractionBody)
          .find((i) => i.id === queued.body.interaction.id && i.deliveryStatus === 'blocked'),
      );
      expect(blocked.metadata.error).toBe(`${phone} opted out of SMS before this reply was sent`);
      const { rows } = await hub.db.query('SELECT delivery_status FROM interactions WHERE id = $1', [queued.body.interaction.id]);
      expect(rows).toEqual([{ delivery_status: 'blocked' }]);
      await sendSentinel();
      expect(twilioApi.messagesTo(phone)).toHaveLength(0);
    } finally {
      await outbound.close();
    }
  });
});
