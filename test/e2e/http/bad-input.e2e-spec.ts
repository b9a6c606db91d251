import { INGEST_QUEUE } from '@omnihub/crm-core/queues/queues';
import { bearer, callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { queueDrained } from '../../support/sentinel';
import { waitFor } from '../../support/wait-for';

/** Bad input gets a clear 4xx JSON body, never a 500, and nothing stored changes. */
describe('bad input at the HTTP edge', () => {
  let hub: Hub;
  let token: string;
  let apiKey: string;
  let conversationId: string;
  let snapshot: () => Promise<string>;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'bad_input', redisDb: 8 });
    token = await login(hub.api.url);
    ({ apiKey } = await createPartner(hub.api.url, token));
    await request(hub.api.url, 'POST', '/api/call-logs', { body: callLog(1), headers: { 'x-api-key': apiKey } });
    conversationId = await waitFor(
      'the conversation',
      async () => (await hub.db.query('SELECT id FROM conversations')).rows[0]?.id as string,
    );
    snapshot = async () =>
      JSON.stringify(
        await Promise.all(
          ['customers', 'customer_identities', 'conversations', 'interactions', 'customer_activity_daily', 'agents', 'partners'].map(
            async (table) => (await hub.db.query(`SELECT * FROM ${table} ORDER BY 1`)).rows,
          ),
        ),
      );
  });
  afterAll(() => hub?.stop());

  const expectClientError = (response: { status: number; body: Record<string, unknown> }, status: number) => {
    expect(response.status).toBe(status);
    expect(response.body).toEqual(expect.objectContaining({ statusCode: status, message: expect.any(String) }));
  };

  it('answers malformed JSON with 400', async () => {
    const before = await snapshot();
    for (const [path, headers] of [
      ['/api/call-logs', { 'x-api-key': apiKey }],
      ['/api/auth/login', {}],
      [`/api/conversations/${conversationId}`, bearer(token)],
    ] as const) {
      const method = path.startsWith('/api/conversations') ? 'PATCH' : 'POST';
      expectClientError(await request(hub.api.url, method, path, { rawBody: '{"externalId": ', headers }), 400);
    }
    // A call log wrongly queued would have been stored by the time the queue is empty.
    await queueDrained(hub.redisUrl, INGEST_QUEUE);
    expect(await snapshot()).toBe(before);
  });

  it('answers a JSON body over 1 MB with 413', async () => {
    const before = await snapshot();
    const huge = Array.from({ length: 900 }, (_, i) => callLog(100 + i, { notes: 'x'.repeat(1500) }));
    const response = await request(hub.api.url, 'POST', '/api/call-logs', { body: huge, headers: { 'x-api-key': apiKey } });
    expectClientError(response, 413);
    await queueDrained(hub.redisUrl, INGEST_QUEUE);
    expect(await snapshot()).toBe(before);
  });

  it('answers wrong types and unknown fields with 400 naming them', async () => {
    const before = await snapshot();
    const patch = (body: unknown) =>
      request(hub.api.url, 'PATCH', `/api/conversations/${conversationId}`, { body, headers: bearer(token) });
    const wrongType = await patch({ status: 42 });
    expectClientError(wrongType, 400);
    expect(wrongType.body.errors).toEqual([{ path: 'status', message: expect.stringContaining('status must be one of') }]);
    const unknown = await patch({ status: 'pending', priority: 'urgent' });
    expectClientError(unknown, 400);
    expect(unknown.body.errors).toEqual([{ path: 'priority', message: 'priority is not a known field' }]);
    expectClientError(await patch({ assigneeId: 'not-a-uuid' }), 400);
    expectClientError(await patch({ assigneeId: '00000000-0000-4000-8000-000000000000' }), 400);
    expect(await snapshot()).toBe(before);
  });

  it.each([
    ['/api/conversations?limit=0', 'limit'],
    ['/api/conversations?limit=101', 'limit'],
    ['/api/conversations?limit=ten', 'limit'],
    ['/api/conversations?status=closed', 'status'],
    ['/api/conversations?channel=fax', 'channel'],
    ['/api/conversations?assigneeId=someone', 'assigneeId'],
    ['/api/customers?lifecycleStage=happy', 'lifecycleStage'],
    ['/api/customers?unknown=1', 'unknown'],
  ])('answers GET %s with 400 on %s', async (path, field) => {
    const response = await request(hub.api.url, 'GET', path, { headers: bearer(token) });
    expectClientError(response, 400);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: field })]);
  });

  it('answers a cursor it did not issue with 400, and a bad id with 400', async () => {
    for (const cursor of ['garbage', Buffer.from('["x","y"]').toString('base64url')]) {
      const response = await request(hub.api.url, 'GET', `/api/conversations?cursor=${cursor}`, { headers: bearer(token) });
      expectClientError(response, 400);
      expect(response.body.message).toContain('cursor');
    }
    expectClientError(await request(hub.api.url, 'GET', '/api/customers/not-a-uuid', { headers: bearer(token) }), 400);
  });

  it('answers an unknown resource with 404', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expectClientError(await request(hub.api.url, 'GET', `/api/customers/${missing}`, { headers: bearer(token) }), 404);
    expectClientError(await request(hub.api.url, 'GET', `/api/conversations/${missing}`, { headers: bearer(token) }), 404);
    expectClientError(await request(hub.api.url, 'GET', '/api/nothing-here', { headers: bearer(token) }), 404);
  });

  it('pages through conversations with the cursor it issued', async () => {
    const more = Array.from({ length: 4 }, (_, i) => callLog(50 + i));
    await request(hub.api.url, 'POST', '/api/call-logs', { body: more, headers: { 'x-api-key': apiKey } });
    await waitFor('five conversations', async () => (await hub.count('SELECT count(*) AS n FROM conversations')) === 5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await request(
        hub.api.url,
        'GET',
        `/api/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: bearer(token) },
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    expect(seen).toHaveLength(5);
  });
});
