import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { bearer, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';
import { FakeTwilioApi } from './fake-twilio-api';
import { inboundSms, postTwilioWebhook, PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER } from './twilio-webhooks';

/**
 * Replies go out exactly once through crashes: a reply the api stored but never queued is found
 * by the worker's sweeper; a retry after Twilio accepted only records the send; a send that was
 * interrupted mid-call is not repeated.
 */
describe('SMS replies through failures', () => {
  const CUSTOMER = '+447700900301';
  let hub: Hub;
  let twilioApi: FakeTwilioApi;
  let token: string;
  let conversationId: string;
  let customerId: string;

  beforeAll(async () => {
    twilioApi = await FakeTwilioApi.start();
    hub = await Hub.start({
      name: 'sms_reply_recovery',
      redisDb: 'private',
      env: { PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER, TWILIO_API_BASE_URL: twilioApi.url, OUTBOUND_SWEEP_SECONDS: '1' },
    });
    token = await login(hub.api.url);
    const sms = inboundSms(CUSTOMER, 'Hello?');
    expect((await postTwilioWebhook(hub.api.url, '/webhooks/twilio/sms', sms)).status).toBe(200);
    ({ conversationId, customerId } = await waitFor('the conversation', async () => {
      const { rows } = await hub.db.query('SELECT conversation_id, customer_id FROM interactions WHERE external_id = $1', [sms.MessageSid]);
      return rows[0] && { conversationId: rows[0].conversation_id as string, customerId: rows[0].customer_id as string };
    }));
  });
  afterAll(async () => {
    await hub?.stop();
    await twilioApi?.stop();
  });

  const row = async (id: string) =>
    (await hub.db.query('SELECT delivery_status, external_id, metadata FROM interactions WHERE id = $1', [id])).rows[0] as {
      delivery_status: string;
      external_id: string;
      metadata: Record<string, unknown>;
    };
  const sendsOf = (text: string) => twilioApi.messagesTo(CUSTOMER).filter((r) => r.params.Body === text).length;
  /** A reply through the public route that reaches the fake Twilio API: later than anything before it. */
  const sentinel = async () => {
    const text = `sentinel ${randomUUID()}`;
    expect(
      (await request(hub.api.url, 'POST', `/api/conversations/${conversationId}/messages`, { body: { text }, headers: bearer(token) }))
        .status,
    ).toBe(202);
    await waitFor('the sentinel reply at Twilio', () => sendsOf(text) === 1);
  };
  /** A reply row exactly as the api stores one, as if it had died before queueing it. */
  const storeReply = async (text: string, metadata: Record<string, unknown> = {}) => {
    const id = randomUUID();
    await hub.db.query(
      `INSERT INTO interactions (id, customer_id, conversation_id, channel, direction, kind, text, occurred_at, external_id,
         idempotency_key, delivery_status, metadata)
       VALUES ($1::uuid, $2, $3, 'sms', 'outbound', 'message', $4, now() - interval '5 seconds', $1::text, $1::text, 'queued', $5)`,
      [id, customerId, conversationId, text, { agentName: 'Sam', to: CUSTOMER, ...metadata }],
    );
    return id;
  };

  it('sends a reply that was stored but never queued, found by the sweeper', async () => {
    const id = await storeReply('stranded reply');
    await waitFor('the stranded reply to be sent', async () => (await row(id)).external_id.startsWith('SM'));
    await sentinel();
    expect(sendsOf('stranded reply')).toBe(1);
  });

  it('after Twilio accepted a reply whose database write then failed, a retry only records it', async () => {
    await hub.db.query(
      `ALTER TABLE interactions ADD CONSTRAINT test_refuses_sent CHECK (text <> 'once only' OR NOT metadata ? 'providerId')`,
    );
    const posted = await request<{ interaction: { id: string } }>(hub.api.url, 'POST', `/api/conversations/${conversationId}/messages`, {
      body: { text: 'once only' },
      headers: bearer(token),
    });
    expect(posted.status).toBe(202);
    const failed = await waitFor('the failed send to be parked', async () => {
      const list = await request<{ items: Array<{ id: string; queue: string }> }>(hub.api.url, 'GET', '/api/admin/failed-jobs', {
        headers: bearer(token),
      });
      return list.body.items.find((job) => job.queue === 'outbound-send');
    });
    expect(sendsOf('once only')).toBe(1);
    await hub.db.query('ALTER TABLE interactions DROP CONSTRAINT test_refuses_sent');
    const retry = await request(hub.api.url, 'POST', `/api/admin/failed-jobs/${encodeURIComponent(failed.id)}/retry`, {
      headers: bearer(token),
    });
    expect(retry.status).toBe(202);
    const sid = twilioApi.sids.get('once only');
    await waitFor('the send to be recorded', async () => (await row(posted.body.interaction.id)).external_id === sid);
    await sentinel();
    expect(sendsOf('once only')).toBe(1);
  });

  it('does not send again a reply whose send was interrupted: it may have gone out', async () => {
    const id = await storeReply('interrupted reply', { sendStartedAt: new Date(Date.now() - 5000).toISOString() });
    const queue = new Queue('outbound-send', { connection: { url: hub.redisUrl } });
    try {
      await queue.add('send', { interactionId: id }, { jobId: id });
    } finally {
      await queue.close();
    }
    const settled = await waitFor('the interrupted reply to be settled', async () => {
      const current = await row(id);
      return current.delivery_status !== 'queued' && current;
    });
    expect(settled.delivery_status).toBe('failed');
    expect(settled.metadata.error).toMatch(/interrupted/);
    await sentinel();
    expect(sendsOf('interrupted reply')).toBe(0);
  });
});
