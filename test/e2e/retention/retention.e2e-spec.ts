import { AgentSocket, bearer, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';

const DAY = 86_400_000;
/** A time this many days before the test run (histories are built with past timestamps). */
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

interface Task {
  id: string;
  customerId: string;
  kind: string;
  signs: string[];
  severity: string;
  reason: string;
  status: string;
  outcome: string | null;
  partnerId: string | null;
  accountId: string | null;
}

/**
 * The CRM cycle through the public API: histories of calls (past `startedAt`) and business events
 * (past `occurredAt`), then the scan, then the attrition task with its sign and numbers.
 */
describe('retention: attrition signs, the scan, tasks and the partner loop', () => {
  let hub: Hub;
  let admin: string;
  let partner: { id: string; apiKey: string };
  let phones = 0;
  let calls = 0;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'retention', redisDb: 'private' });
    admin = await login(hub.api.url);
    partner = await createPartner(hub.api.url, admin);
  });
  afterAll(() => hub?.stop());

  const agent = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    request<T>(hub.api.url, method, path, { body, headers: bearer(admin) });
  const asPartner = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, key = partner.apiKey) =>
    request<T>(hub.api.url, method, path, { body, headers: { 'x-api-key': key } });

  /** Logs calls for a new customer, `days` before now each, and waits until all are stored. */
  async function customerWithCalls(days: number[], overrides: Record<string, unknown> = {}): Promise<string> {
    const phone = `+1555${String(7_000_000 + ++phones)}`;
    const logs = days.map((d) => ({
      externalId: `retention-call-${++calls}`,
      direction: 'inbound',
      customerPhone: phone,
      startedAt: daysAgo(d),
      durationSeconds: 120,
      outcome: 'answered',
      notes: 'Regular order call',
      ...overrides,
    }));
    expect((await asPartner('POST', '/api/call-logs', logs)).status).toBe(202);
    const ids = logs.map((l) => l.externalId);
    await waitFor(
      'the calls',
      async () => (await hub.count('SELECT count(*) AS n FROM interactions WHERE external_id = ANY($1)', [ids])) === ids.length,
    );
    const { rows } = await hub.db.query('SELECT DISTINCT customer_id FROM interactions WHERE external_id = ANY($1)', [ids]);
    return rows[0].customer_id as string;
  }

  const scan = async () => {
    const response = await agent<{ evaluated: number; tasksCreated: number }>('POST', '/api/admin/retention-scan');
    expect(response.status).toBe(200);
    return response.body;
  };
  const attritionTasks = async (customerId: string) =>
    (await agent<{ items: Task[] }>('GET', `/api/tasks?kind=attrition&customerId=${customerId}`)).body.items;

  it('contact_frequency: calls fell against the customer’s own baseline', async () => {
    // 15 calls over the 150 days before the last 30 (3 a month), then 1 in the last 30
    const id = await customerWithCalls([...Array.from({ length: 15 }, (_, i) => 40 + 9 * i), 5]);
    await scan();
    const [task] = await attritionTasks(id);
    expect(task).toMatchObject({ signs: ['contact_frequency'], severity: 'low', status: 'open' });
    expect(task.reason).toBe('Contacts fell from 3 a month to 1 in the last 30 days.');
    const customer = await agent<{ lifecycleStage: string; openTasks: Task[] }>('GET', `/api/customers/${id}`);
    expect(customer.body.lifecycleStage).toBe('at_risk');
    expect(customer.body.openTasks.map((t) => t.id)).toEqual([task.id]);
  });

  it('complaints: three complaint calls in 30 days are found as they arrive, and told to agents live', async () => {
    const socket = new AgentSocket(hub.api.url, admin);
    await socket.connected();
    try {
      const id = await customerWithCalls([25, 12, 3], { outcome: 'complaint', notes: 'Unhappy' });
      const created = await waitFor('task.created', () =>
        socket.named('task.created').find((e) => (e.task as Task).customerId === id && (e.task as Task).kind === 'attrition'),
      );
      expect(created.task).toMatchObject({
        signs: ['complaints'],
        severity: 'medium',
        reason: '3 complaints in the last 30 days, against none in the 30 days before.',
      });
      expect(await attritionTasks(id)).toHaveLength(1);
      // The three calls are stored concurrently: one of their customer.updated events carries the move.
      await waitFor('customer.updated at risk', () =>
        socket
          .named('customer.updated')
          .some(
            (e) =>
              (e.customer as { id: string; lifecycleStage: string }).id === id &&
              (e.customer as { lifecycleStage: string }).lifecycleStage === 'at_risk',
          ),
      );
    } finally {
      socket.close();
    }
  });

  it('enquiries: fewer questions than the customer’s monthly mean', async () => {
    const id = await customerWithCalls(
      Array.from({ length: 10 }, (_, i) => 35 + 14 * i),
      { notes: 'What is the price of the refill?' },
    );
    // Two ordinary calls in the last 30 days keep the contact frequency steady.
    const phone = (await hub.db.query(`SELECT address FROM customer_identities WHERE customer_id = $1`, [id])).rows[0].address as string;
    const recent = [10, 4].map((d) => ({
      externalId: `retention-call-${++calls}`,
      direction: 'inbound',
      customerPhone: phone,
      startedAt: daysAgo(d),
      outcome: 'answered',
      notes: 'Thanks, all good',
    }));
    expect((await asPartner('POST', '/api/call-logs', recent)).status).toBe(202);
    await waitFor(
      'the recent calls',
      async () => (await hub.count('SELECT count(*) AS n FROM interactions WHERE customer_id = $1', [id])) === 12,
    );
    await scan();
    const [task] = await attritionTasks(id);
    expect(task.signs).toEqual(['enquiries']);
    expect(task.reason).toBe('Enquiries fell from 2 a month to none in the last 30 days.');
  });

  it('silence: far longer than the customer’s usual gap, and a second scan adds nothing', async () => {
    const id = await customerWithCalls(Array.from({ length: 13 }, (_, i) => 100 + 14 * i));
    await scan();
    const [task] = await attritionTasks(id);
    expect(task.signs).toEqual(['silence']);
    expect(task.reason).toBe('No contact for 100 days; before that, 13 contacts in 180 days, one every 14 days.');
    const second = await scan();
    expect(second.tasksCreated).toBe(0);
    expect(await attritionTasks(id)).toHaveLength(1);
  });

  it('business_volume: purchases and renewals halved against the 90 days before', async () => {
    const id = await customerWithCalls([170]);
    expect(
      (
        await agent('POST', `/api/customers/${id}/events`, {
          type: 'purchase',
          amount: 1200,
          product: 'Router X',
          occurredAt: daysAgo(150),
        })
      ).status,
    ).toBe(201);
    expect((await agent('POST', `/api/customers/${id}/events`, { type: 'renewal', amount: 200, occurredAt: daysAgo(30) })).status).toBe(
      201,
    );
    await scan();
    const [task] = await attritionTasks(id);
    expect(task.signs).toEqual(['business_volume']);
    expect(task.reason).toBe('Purchases and renewals fell from 1200 in the 90 days before to 200 in the last 90 days.');
  });

  it('active_buyers: fewer buyers at an account; the task goes to its latest active customer', async () => {
    const account = await agent<{ id: string; name: string }>('POST', '/api/accounts', { name: 'Acme Ltd' });
    expect(account.status).toBe(201);
    const buyers: string[] = [];
    for (const d of [160, 150, 140]) {
      const id = await customerWithCalls([d]);
      expect((await agent('PATCH', `/api/customers/${id}`, { accountId: account.body.id })).status).toBe(200);
      expect(
        (await agent('POST', `/api/customers/${id}/events`, { type: 'purchase', amount: 100, occurredAt: daysAgo(d - 10) })).status,
      ).toBe(201);
      buyers.push(id);
    }
    await agent('POST', `/api/customers/${buyers[0]}/events`, { type: 'purchase', amount: 300, occurredAt: daysAgo(2) });
    await scan();
    const tasks = (await agent<{ items: Task[] }>('GET', '/api/tasks?kind=attrition&limit=100')).body.items.filter(
      (t) => t.accountId === account.body.id,
    );
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ customerId: buyers[0], signs: ['active_buyers'] });
    expect(tasks[0].reason).toBe('Buyers at this account fell from 3 in the 90 days before to 1 in the last 90 days.');
    const detail = await agent<Record<string, unknown>>('GET', `/api/accounts/${account.body.id}`);
    expect(detail.body).toMatchObject({
      id: account.body.id,
      name: 'Acme Ltd',
      metrics: { activeBuyers90d: 1, activeBuyersPrior90d: 3, purchaseAmount90d: 300, purchaseAmountPrior90d: 300 },
      openTasks: expect.arrayContaining([expect.objectContaining({ id: tasks[0].id })]),
    });
    expect((detail.body.customers as Array<{ id: string }>).map((c) => c.id).sort()).toEqual([...buyers].sort());
    const listed = await agent<{ items: Array<{ id: string }> }>('GET', '/api/accounts?q=acme');
    expect(listed.body.items.map((a) => a.id)).toEqual([account.body.id]);
    expect((await agent('GET', '/api/accounts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const unknown = await agent('PATCH', `/api/customers/${buyers[1]}`, { accountId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(400);
    const unchanged = await agent<{ accountId: string }>('GET', `/api/customers/${buyers[1]}`);
    expect(unchanged.body.accountId).toBe(account.body.id);
  });

  it('business events are idempotent by externalId and move the lifecycle, each change with its reason', async () => {
    const id = await customerWithCalls([20]);
    const quote = await agent<{ event: { id: string } }>('POST', `/api/customers/${id}/events`, {
      type: 'quote',
      externalId: 'Q-1',
      occurredAt: daysAgo(10),
    });
    expect(quote.status).toBe(201);
    const again = await agent<{ event: { id: string } }>('POST', `/api/customers/${id}/events`, { type: 'order', externalId: 'Q-1' });
    expect(again).toEqual({ status: 200, body: quote.body });
    await agent('POST', `/api/customers/${id}/events`, { type: 'purchase', amount: 40, product: 'Kettle', occurredAt: daysAgo(5) });
    const events = await agent<{ items: Array<{ type: string }> }>('GET', `/api/customers/${id}/events`);
    expect(events.body.items.map((e) => e.type)).toEqual(['purchase', 'quote']);
    const lifecycle = await agent<{ items: Array<{ stage: string; acquisitionStep: string; reason: string }> }>(
      'GET',
      `/api/customers/${id}/lifecycle`,
    );
    expect(lifecycle.body.items.map((i) => [i.stage, i.acquisitionStep, i.reason])).toEqual([
      ['retained', 'adoption', 'First purchase: the customer is won.'],
      ['acquisition', 'exchange', 'A quote was made.'],
      ['acquisition', 'interaction', 'First inbound contact, on phone. Two-way contact: an answered call.'],
    ]);
    const customer = await agent<{ lifecycleStage: string; acquisitionStep: string }>('GET', `/api/customers/${id}`);
    expect(customer.body).toMatchObject({ lifecycleStage: 'retained', acquisitionStep: 'adoption' });
  });

  it('metrics match a hand computation on a fixed history of calls', async () => {
    // 200 days ago is outside every window; 20 days ago a complaint; 5 days ago an enquiry.
    const id = await customerWithCalls([200, 100, 40, 2, 1]);
    const phone = (await hub.db.query('SELECT address FROM customer_identities WHERE customer_id = $1', [id])).rows[0].address as string;
    const more = [
      { days: 20, outcome: 'complaint', notes: 'Broken on arrival' },
      { days: 5, outcome: 'answered', notes: 'When do you open?' },
    ].map(({ days, ...rest }) => ({
      externalId: `retention-call-${++calls}`,
      direction: 'inbound',
      customerPhone: phone,
      startedAt: daysAgo(days),
      ...rest,
    }));
    expect((await asPartner('POST', '/api/call-logs', more)).status).toBe(202);
    await waitFor('every call', async () => (await hub.count('SELECT count(*) AS n FROM interactions WHERE customer_id = $1', [id])) === 7);
    const { body } = await agent<{ metrics: Record<string, unknown> }>('GET', `/api/customers/${id}`);
    expect(body.metrics).toEqual({
      interactions7d: 3,
      interactions30d: 4,
      interactions90d: 5,
      byChannel30d: { email: 0, sms: 0, chat: 0, phone: 4 },
      complaints30d: 1,
      enquiries30d: 1,
      lastInteractionAt: expect.any(String),
      // 100, 40, 20, 5, 2, 1 days ago: 99 days over 5 gaps
      avgGapDays: 19.8,
      // 4 in the last 30 days against 2 over the 150 days before (0.4 a month)
      frequencyTrend: 10,
      // no satisfaction score given
      csatAverage90d: null,
    });
  });

  it('refuses a bad event and stores nothing', async () => {
    const id = await customerWithCalls([3]);
    const bad = await agent<{ errors: Array<{ path: string }> }>('POST', `/api/customers/${id}/events`, { type: 'gift', amount: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path).sort()).toEqual(['amount', 'type']);
    expect(await hub.count('SELECT count(*) AS n FROM business_events WHERE customer_id = $1', [id])).toBe(0);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await agent('POST', `/api/customers/${unknown}/events`, { type: 'order' })).status).toBe(404);
    expect((await agent('GET', `/api/customers/${unknown}/lifecycle`)).status).toBe(404);
    expect((await agent('GET', `/api/customers/${id}/events?cursor=nonsense`)).status).toBe(400);
  });

  it('the partner loop: assign a follow-up, the partner pulls it, its call log with taskId marks it done', async () => {
    const id = await customerWithCalls([9]);
    const created = await agent<Task>('POST', '/api/tasks', {
      customerId: id,
      reason: 'Call back about the refill offer',
      partnerId: partner.id,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'follow_up', status: 'open', partnerId: partner.id });
    const pulled = await asPartner<{ items: Task[] }>('GET', '/api/partner/tasks?status=open');
    expect(pulled.body.items.map((t) => t.id)).toContain(created.body.id);
    const phone = (await hub.db.query('SELECT address FROM customer_identities WHERE customer_id = $1', [id])).rows[0].address as string;
    const log = {
      externalId: `retention-call-${++calls}`,
      direction: 'outbound',
      customerPhone: phone,
      startedAt: daysAgo(0),
      outcome: 'sale',
      taskId: created.body.id,
    };
    expect((await asPartner('POST', '/api/call-logs', log)).status).toBe(202);
    const done = await waitFor('the task done', async () => {
      const { items } = (await agent<{ items: Task[] }>('GET', `/api/tasks?customerId=${id}&kind=follow_up`)).body;
      return items[0]?.status === 'done' ? items[0] : undefined;
    });
    expect(done.outcome).toBe('sale');
    const filtered = await agent<{ items: Task[] }>('GET', `/api/tasks?partnerId=${partner.id}&status=done`);
    expect(filtered.body.items.map((t) => t.id)).toContain(created.body.id);
    // A later call on a task already done keeps it done, with the first outcome.
    const later = { ...log, externalId: `retention-call-${++calls}`, outcome: 'no_answer' };
    expect((await asPartner('POST', '/api/call-logs', later)).status).toBe(202);
    await waitFor(
      'the later call',
      async () => (await hub.count('SELECT count(*) AS n FROM interactions WHERE external_id = $1', [later.externalId])) === 1,
    );
    const kept = (await agent<{ items: Task[] }>('GET', `/api/tasks?customerId=${id}&kind=follow_up`)).body.items[0];
    expect(kept).toMatchObject({ status: 'done', outcome: 'sale' });
  });

  it("refuses a call log carrying another partner's taskId, storing nothing", async () => {
    const other = await createPartner(hub.api.url, admin, 'Other Call Centre');
    const id = await customerWithCalls([8]);
    const task = await agent<Task>('POST', '/api/tasks', { customerId: id, reason: 'Ask about the renewal', partnerId: partner.id });
    const phone = (await hub.db.query('SELECT address FROM customer_identities WHERE customer_id = $1', [id])).rows[0].address as string;
    const logs = [
      { externalId: 'other-1', direction: 'outbound', customerPhone: phone, startedAt: daysAgo(0), outcome: 'answered' },
      {
        externalId: 'other-2',
        direction: 'outbound',
        customerPhone: phone,
        startedAt: daysAgo(0),
        outcome: 'answered',
        taskId: task.body.id,
      },
    ];
    const refused = await asPartner<{ errors: Array<{ path: string }> }>('POST', '/api/call-logs', logs, other.apiKey);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: '[1].taskId', message: 'taskId must be a task assigned to your call centre' }]);
    // The same partner's next accepted call log is stored; the refused ones never are.
    expect((await asPartner('POST', '/api/call-logs', { ...logs[0], externalId: 'other-3' }, other.apiKey)).status).toBe(202);
    await waitFor(
      'the later call',
      async () => (await hub.count(`SELECT count(*) AS n FROM interactions WHERE external_id = 'other-3'`)) === 1,
    );
    expect(await hub.count(`SELECT count(*) AS n FROM interactions WHERE external_id IN ('other-1', 'other-2')`)).toBe(0);
    expect((await agent<{ items: Task[] }>('GET', `/api/tasks?customerId=${id}`)).body.items[0].status).toBe('open');
  });

  it("an agent's intent override counts in the metrics and the signs: three calls re-judged as complaints", async () => {
    const id = await customerWithCalls([20, 9, 1]);
    const { rows } = await hub.db.query('SELECT id FROM interactions WHERE customer_id = $1', [id]);
    for (const { id: interactionId } of rows) {
      const response = await agent<{ intent: string }>('PATCH', `/api/interactions/${interactionId}`, { intent: 'complaint' });
      expect(response).toMatchObject({ status: 200, body: { intent: 'complaint' } });
    }
    const customer = await agent<{ metrics: { complaints30d: number } }>('GET', `/api/customers/${id}`);
    expect(customer.body.metrics.complaints30d).toBe(3);
    const [task] = await attritionTasks(id);
    expect(task).toMatchObject({ signs: ['complaints'], severity: 'medium' });
    const bad = await agent<{ errors: Array<{ path: string }> }>('PATCH', `/api/interactions/${rows[0].id}`, { intent: 'angry' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path)).toEqual(['intent']);
  });

  it('refuses bad task filters and a follow-up for an unknown customer', async () => {
    expect((await agent('GET', '/api/tasks?kind=nope')).status).toBe(400);
    expect((await agent('GET', '/api/tasks?severity=urgent')).status).toBe(400);
    const unknown = await agent<{ message: string }>('POST', '/api/tasks', {
      customerId: '00000000-0000-4000-8000-000000000000',
      reason: 'x',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('customerId');
  });

  it('the scan route is for admins only', async () => {
    await agent('POST', '/api/agents', { email: 'plain@omnihub.test', name: 'Plain', password: 'plain-password-1', role: 'agent' });
    const token = await login(hub.api.url, { email: 'plain@omnihub.test', password: 'plain-password-1' });
    expect((await request(hub.api.url, 'POST', '/api/admin/retention-scan', { headers: bearer(token) })).status).toBe(403);
  });
});
