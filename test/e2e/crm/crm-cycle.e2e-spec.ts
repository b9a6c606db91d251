import { bearer, callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';
import { FakeTwilioApi } from '../sms/fake-twilio-api';
import { inboundSms, postTwilioWebhook, PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER } from '../sms/twilio-webhooks';

const DAY = 86_400_000;
const SURVEY = 'How did we do against what you expected? Reply 1 (far below) to 5 (far above); 3 means as expected.';

interface Task {
  id: string;
  customerId: string;
  kind: string;
  reason: string;
  severity: string;
  status: string;
  dueAt: string | null;
  outcome: string | null;
  conversationId: string | null;
  offer: { product: string; basis: string } | null;
}

/**
 * The rest of the CRM cycle through the public API: the survey over SMS (a fake Twilio REST API
 * receives it) and its answer, a defection and the purchase that wins the customer back, an
 * extension offer from purchase affinity at the scan, and the retention report.
 */
describe('the CRM cycle: satisfaction, defection and re-acquisition, extension, the retention report', () => {
  let hub: Hub;
  let twilioApi: FakeTwilioApi;
  let token: string;
  let partnerKey: string;

  beforeAll(async () => {
    twilioApi = await FakeTwilioApi.start();
    hub = await Hub.start({
      name: 'crm_cycle',
      redisDb: 'private',
      env: {
        PUBLIC_BASE_URL,
        TWILIO_ACCOUNT_SID,
        TWILIO_FROM_NUMBER,
        TWILIO_API_BASE_URL: twilioApi.url,
        REACQUISITION_WAIT_DAYS: '14',
      },
    });
    token = await login(hub.api.url);
    partnerKey = (await createPartner(hub.api.url, token)).apiKey;
  });
  afterAll(async () => {
    await hub?.stop();
    await twilioApi?.stop();
  });

  const agent = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    request<T>(hub.api.url, method, path, { body, headers: bearer(token) });
  const tasks = async (query: string) => (await agent<{ items: Task[] }>('GET', `/api/tasks?${query}`)).body.items;

  /** A customer first seen on a call from this phone; its id. */
  async function caller(phone: string, n: number): Promise<string> {
    const posted = await request(hub.api.url, 'POST', '/api/call-logs', {
      body: callLog(n, { externalId: `crm-${n}`, customerPhone: phone }),
      headers: { 'x-api-key': partnerKey },
    });
    expect(posted.status).toBe(202);
    return waitFor(`the customer of ${phone}`, async () => {
      const { body } = await agent<{ items: Array<{ id: string }> }>('GET', `/api/customers?q=${encodeURIComponent(phone)}`);
      return body.items[0]?.id;
    });
  }

  describe('satisfaction over SMS', () => {
    const PHONE = '+447700900301';
    let conversationId: string;

    beforeAll(async () => {
      const sms = inboundSms(PHONE, 'My order has not arrived');
      expect((await postTwilioWebhook(hub.api.url, '/webhooks/twilio/sms', sms)).status).toBe(200);
      conversationId = await waitFor('the conversation', async () => {
        const { rows } = await hub.db.query('SELECT conversation_id FROM interactions WHERE external_id = $1', [sms.MessageSid]);
        return rows[0]?.conversation_id as string | undefined;
      });
    });

    it('resolving sends the survey to the fake Twilio API; "2 too slow" is the csat, the conversation stays resolved, with a satisfaction task', async () => {
      const resolved = await agent('PATCH', `/api/conversations/${conversationId}`, { status: 'resolved' });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ id: conversationId, status: 'resolved', csat: null });
      const sent = await waitFor('the survey at Twilio', () => twilioApi.messagesTo(PHONE)[0]);
      expect(sent.params).toMatchObject({ Body: SURVEY, From: TWILIO_FROM_NUMBER });

      // Resolving again within 7 days sends nothing more.
      expect((await agent('PATCH', `/api/conversations/${conversationId}`, { status: 'resolved' })).status).toBe(200);

      expect((await postTwilioWebhook(hub.api.url, '/webhooks/twilio/sms', inboundSms(PHONE, '2 too slow'))).status).toBe(200);
      const conversation = await waitFor('the csat', async () => {
        const { body } = await agent<{ status: string; csat: unknown; interactions: Array<{ text: string; direction: string }> }>(
          'GET',
          `/api/conversations/${conversationId}`,
        );
        return body.csat ? body : undefined;
      });
      expect(conversation).toMatchObject({ status: 'resolved', csat: { score: 2, comment: 'too slow', respondedAt: expect.any(String) } });
      expect(conversation.interactions.map((i) => [i.direction, i.text])).toEqual([
        ['inbound', 'My order has not arrived'],
        ['outbound', SURVEY],
        ['inbound', '2 too slow'],
      ]);
      const [task] = await waitFor('the satisfaction task', async () => {
        const found = await tasks(`kind=satisfaction`);
        return found.length ? found : undefined;
      });
      expect(task).toMatchObject({ kind: 'satisfaction', severity: 'high', status: 'open', conversationId });
      expect(task.reason).toContain('"too slow"');
      expect(twilioApi.messagesTo(PHONE)).toHaveLength(1);
      const { body: customer } = await agent<{ metrics: { csatAverage90d: number | null } }>('GET', `/api/customers/${task.customerId}`);
      expect(customer.metrics.csatAverage90d).toBe(2);
    });

    it('refuses a score outside 1–5 naming the field, and changes nothing', async () => {
      const refused = await agent('POST', `/api/conversations/${conversationId}/csat`, { score: 7 });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'score' })]);
      const { body } = await agent<{ csat: { score: number } }>('GET', `/api/conversations/${conversationId}`);
      expect(body.csat.score).toBe(2);
    });

    it('an agent records a score given by phone', async () => {
      const recorded = await agent('POST', `/api/conversations/${conversationId}/csat`, { score: 4, comment: 'sorted on the phone' });
      expect(recorded.status).toBe(200);
      expect(recorded.body).toMatchObject({ id: conversationId, csat: { score: 4, comment: 'sorted on the phone' } });
    });
  });

  describe('defection and re-acquisition', () => {
    it('a defection gets its task due REACQUISITION_WAIT_DAYS later; a purchase afterwards makes the customer reacquired', async () => {
      const id = await caller('+15550300001', 300_001);
      expect((await agent('POST', `/api/customers/${id}/events`, { type: 'purchase', amount: 40 })).status).toBe(201);
      const occurredAt = new Date(Date.now() - 2 * DAY).toISOString();

      const refused = await agent('POST', `/api/customers/${id}/defection`, { type: 'bored' });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'type' })]);
      expect((await agent<{ lifecycleStage: string }>('GET', `/api/customers/${id}`)).body.lifecycleStage).toBe('retained');

      const defected = await agent('POST', `/api/customers/${id}/defection`, { type: 'service', note: 'nobody called back', occurredAt });
      expect(defected.status).toBe(200);
      expect(defected.body).toMatchObject({
        id,
        lifecycleStage: 'defected',
        defection: { type: 'service', note: 'nobody called back', occurredAt },
      });
      const [task] = await tasks(`kind=reacquisition&customerId=${id}`);
      expect(task).toMatchObject({ status: 'open', dueAt: new Date(Date.parse(occurredAt) + 14 * DAY).toISOString() });
      expect(task.reason).toMatch(/^Service defector: .* Send an apology from a named agent/);

      expect((await agent('POST', `/api/customers/${id}/events`, { type: 'purchase', amount: 25 })).status).toBe(201);
      expect((await agent<{ lifecycleStage: string }>('GET', `/api/customers/${id}`)).body.lifecycleStage).toBe('reacquired');
      const [done] = await tasks(`kind=reacquisition&customerId=${id}`);
      expect(done).toMatchObject({ id: task.id, status: 'done', outcome: 're-acquired' });
    });

    it('a cancellation defects with the type unknown, and asks the agent to find it out', async () => {
      const id = await caller('+15550300002', 300_002);
      await agent('POST', `/api/customers/${id}/events`, { type: 'purchase', amount: 40 });
      expect((await agent('POST', `/api/customers/${id}/events`, { type: 'cancellation' })).status).toBe(201);
      expect((await agent('GET', `/api/customers/${id}`)).body).toMatchObject({ lifecycleStage: 'defected', defection: { type: null } });
      const [task] = await tasks(`kind=reacquisition&customerId=${id}`);
      expect(task.reason).toMatch(/why is not known yet/);
      expect((await agent('POST', `/api/customers/${id}/defection`, { type: 'price' })).status).toBe(200);
      expect((await tasks(`kind=reacquisition&customerId=${id}`))[0]).toMatchObject({
        id: task.id,
        reason: expect.stringMatching(/^Price defector/),
      });
    });
  });

  describe('extension at the scan', () => {
    it('four customers bought A and B, a fifth only A: after the scan the fifth has an extension task offering B', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await caller(`+1555031000${i}`, 310_000 + i));
      for (const [i, id] of ids.entries()) {
        for (const product of i < 4 ? ['A', 'B'] : ['A']) {
          expect((await agent('POST', `/api/customers/${id}/events`, { type: 'purchase', amount: 10, product })).status).toBe(201);
        }
      }
      const scan = await agent<{ evaluated: number; tasksCreated: number }>('POST', '/api/admin/retention-scan');
      expect(scan.status).toBe(200);
      const offers = await tasks('kind=extension');
      expect(offers.map((t) => [t.customerId, t.offer])).toEqual([
        [ids[4], { product: 'B', basis: '4 of 5 customers who bought A also bought B' }],
      ]);
    });
  });

  describe('the retention report', () => {
    it('answers the contract’s figures for the last 90 days by default', async () => {
      const { status, body } = await agent<Record<string, unknown>>('GET', '/api/reports/retention');
      expect(status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(
        [
          'from',
          'to',
          'customersAtStart',
          'customersAtEnd',
          'newCustomers',
          'retentionRate',
          'byStage',
          'defections',
          'reacquired',
          'csat',
          'openTasksBySign',
        ].sort(),
      );
      expect(Date.parse(body.to as string) - Date.parse(body.from as string)).toBe(90 * DAY);
      expect(body).toMatchObject({
        defections: { service: 1, price: 1, unknown: 0 },
        reacquired: 1,
        csat: { responses: 1, average: 4 },
        byStage: expect.objectContaining({ reacquired: 1, defected: 1 }),
      });
    });

    it('refuses a period that ends before it starts, naming the field', async () => {
      const { status, body } = await agent('GET', '/api/reports/retention?from=2026-06-01T00:00:00Z&to=2026-05-01T00:00:00Z');
      expect(status).toBe(400);
      expect(body.errors).toEqual([expect.objectContaining({ path: 'from' })]);
      expect((await agent('GET', '/api/reports/retention?from=yesterday')).status).toBe(400);
    });
  });
});
