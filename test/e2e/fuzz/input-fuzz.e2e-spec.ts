import { INGEST_QUEUE } from '@omnihub/crm-core/queues/queues';
import { Queue } from 'bullmq';
import fc from 'fast-check';
import twilio from 'twilio';
import { bearer, callLog, createPartner, login } from '../../support/clients';
import { Hub, TWILIO_AUTH_TOKEN } from '../../support/hub';
import { waitFor } from '../../support/wait-for';
import { inboundSms, messageSid, PUBLIC_BASE_URL, TWILIO_FROM_NUMBER } from '../sms/twilio-webhooks';
import { anyJson, callLogItem, mostly, nastyText, oddDate, oddNumber, percentEncode, queryValue, validPhone } from './arbitraries';

/** Runs per property: enough to reach past the first checks, few enough to stay well under a minute. */
const RUNS = { callLogs: 200, sms: 150, status: 50, queries: 200, bodies: 250 };

interface Answer {
  status: number;
  text: string;
}

/**
 * Property-based: arbitrary input at every external edge never gets a 5xx, a 4xx always has the
 * contract's error shape, and every item an ingress route accepted is stored in the end.
 */
describe('arbitrary input at the edge', () => {
  let hub: Hub;
  let token: string;
  let apiKey: string;
  let taskId: string;
  let conversationId: string;
  let customerId: string;
  let agentId: string;
  const acceptedCallIds = new Set<string>();
  /** The notes of every accepted call log, by externalId: text is stored as sent. */
  const sentNotes = new Map<string, string[]>();
  const acceptedMessageSids = new Set<string>();

  beforeAll(async () => {
    hub = await Hub.start({ name: 'fuzz', redisDb: 9, env: { PUBLIC_BASE_URL } });
    token = await login(hub.api.url);
    ({ apiKey } = await createPartner(hub.api.url, token));
    await send('POST', '/api/call-logs', { json: callLog(1), headers: { 'x-api-key': apiKey } });
    ({ id: conversationId, customer_id: customerId } = await waitFor(
      'the first conversation',
      async () => (await hub.db.query('SELECT id, customer_id FROM conversations')).rows[0] as { id: string; customer_id: string },
    ));
    // No route creates tasks yet (the retention scan will): one is put in place as its rules would.
    const { rows } = await hub.db.query(
      `INSERT INTO retention_tasks (customer_id, kind, reason, severity) VALUES ($1, 'attrition', 'Calls stopped', 'low') RETURNING id`,
      [customerId],
    );
    taskId = rows[0].id as string;
    const agent = await send('POST', '/api/agents', {
      json: { email: 'fuzzed@omnihub.test', name: 'Fuzzed', password: 'password-1', role: 'agent' },
      headers: bearer(token),
    });
    agentId = (JSON.parse(agent.text) as { id: string }).id;
  });
  afterAll(() => hub?.stop());

  async function send(method: string, path: string, options: { json?: unknown; form?: string; headers?: Record<string, string> } = {}) {
    const contentType = options.form !== undefined ? 'application/x-www-form-urlencoded' : 'application/json';
    const hasBody = options.json !== undefined || options.form !== undefined;
    const response = await fetch(`${hub.api.url}${path}`, {
      method,
      headers: { ...(hasBody && { 'content-type': contentType }), ...options.headers },
      body: options.form ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
    });
    return { status: response.status, text: await response.text() };
  }

  /** Never a 5xx; a 4xx carries `{statusCode, message, errors?: [{path, message}]}`. */
  function expectClientShaped(answer: Answer, what: string): void {
    if (answer.status >= 500) throw new Error(`${what} got ${answer.status}: ${answer.text}`);
    if (answer.status < 400) return;
    const body = JSON.parse(answer.text) as { statusCode: unknown; message: unknown; errors?: unknown };
    expect(body.statusCode).toBe(answer.status);
    expect(typeof body.message).toBe('string');
    if (body.errors !== undefined) {
      expect(body.errors).toEqual(expect.arrayContaining([]));
      for (const error of body.errors as unknown[]) expect(error).toEqual({ path: expect.any(String), message: expect.any(String) });
    }
  }

  it('call-log batches: never a 5xx, and a 202 counts every item', async () => {
    const body = fc.oneof(
      { weight: 3, arbitrary: fc.array(callLogItem, { minLength: 1, maxLength: 4 }) },
      { weight: 2, arbitrary: callLogItem },
      { weight: 1, arbitrary: anyJson },
    );
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const answer = await send('POST', '/api/call-logs', { json: payload, headers: { 'x-api-key': apiKey } });
        expectClientShaped(answer, `POST /api/call-logs ${JSON.stringify(payload)}`);
        if (answer.status !== 202) return;
        const items = (Array.isArray(payload) ? payload : [payload]) as Array<{ externalId: string; notes?: string }>;
        const { accepted, duplicates } = JSON.parse(answer.text) as { accepted: number; duplicates: number };
        expect(accepted + duplicates).toBe(items.length);
        for (const item of items) {
          acceptedCallIds.add(item.externalId);
          sentNotes.set(item.externalId, [...(sentNotes.get(item.externalId) ?? []), item.notes ?? '']);
        }
      }),
      { numRuns: RUNS.callLogs },
    );
  });

  /** Form fields as Twilio would send them; signed over what the hub will decode, so they get past the signature. */
  const signedForm = (path: string, params: Record<string, string>) => {
    const form = new URLSearchParams(params).toString();
    const decoded = Object.fromEntries(new URLSearchParams(form));
    const signature = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC_BASE_URL}${path}`, decoded);
    return { form, headers: { 'x-twilio-signature': signature }, decoded };
  };
  const asFormValue = anyJson.map((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')));
  const extraParams = fc.dictionary(nastyText(10), asFormValue, { maxKeys: 3 });

  it('Twilio SMS webhooks: never a 5xx', async () => {
    const params = fc.record({
      MessageSid: mostly(
        fc.constant(null).map(() => messageSid()),
        asFormValue,
      ),
      From: mostly(validPhone, asFormValue),
      To: mostly(fc.constant(TWILIO_FROM_NUMBER), asFormValue),
      Body: nastyText(120),
      NumMedia: mostly(fc.constantFrom('0', '1'), asFormValue),
      NumSegments: mostly(fc.constantFrom('1', '2'), oddNumber.map(String)),
      MediaUrl0: mostly(fc.constant('https://media.example.test/1.jpg'), asFormValue),
      MessagingServiceSid: fc.option(asFormValue, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(params, extraParams, async (fields, extra) => {
        const all = Object.fromEntries(
          Object.entries({ ...inboundSms('+15550000000', ''), ...extra, ...fields }).filter(([, v]) => v !== undefined),
        ) as Record<string, string>;
        const { form, headers, decoded } = signedForm('/webhooks/twilio/sms', all);
        const answer = await send('POST', '/webhooks/twilio/sms', { form, headers });
        expectClientShaped(answer, `POST /webhooks/twilio/sms ${JSON.stringify(all)}`);
        if (answer.status === 200) acceptedMessageSids.add(decoded.MessageSid);
      }),
      { numRuns: RUNS.sms },
    );
  });

  it('Twilio status callbacks: never a 5xx', async () => {
    const params = fc.record({
      MessageSid: mostly(
        fc.constant(null).map(() => messageSid()),
        asFormValue,
      ),
      MessageStatus: mostly(fc.constantFrom('sent', 'delivered', 'failed'), asFormValue),
      ErrorCode: mostly(fc.constantFrom('30003', ''), oddNumber.map(String)),
    });
    await fc.assert(
      fc.asyncProperty(params, extraParams, async (fields, extra) => {
        const { form, headers } = signedForm('/webhooks/twilio/status', { ...extra, ...fields });
        expectClientShaped(await send('POST', '/webhooks/twilio/status', { form, headers }), `status callback ${JSON.stringify(fields)}`);
      }),
      { numRuns: RUNS.status },
    );
  });

  it('agent list queries: never a 5xx', async () => {
    const cursor = fc.oneof(
      queryValue,
      fc
        .tuple(fc.oneof(oddDate, fc.constant(null)), fc.oneof(fc.uuid(), nastyText()))
        .map((pair) => Buffer.from(JSON.stringify(pair)).toString('base64url')),
    );
    const limit = fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), oddNumber.map(String), queryValue);
    const filters: Record<string, fc.Arbitrary<string>> = {
      '/api/customers': fc.constantFrom('q', 'lifecycleStage', 'extra'),
      '/api/conversations': fc.constantFrom('status', 'channel', 'assigneeId', 'extra'),
      '/api/tasks': fc.constantFrom('status', 'assigneeId'),
    };
    const query = fc
      .constantFrom('/api/customers', '/api/conversations', '/api/tasks', `/api/customers/{customer}/interactions`)
      .chain((route) =>
        fc.tuple(
          fc.constant(route),
          fc.record({ cursor, limit }, { requiredKeys: [] }),
          fc.array(
            fc.tuple(
              filters[route] ?? fc.constant('extra'),
              fc.oneof(queryValue, fc.constantFrom('me', 'none', 'open', 'sms', 'retained')),
            ),
            {
              maxLength: 3,
            },
          ),
        ),
      );
    await fc.assert(
      fc.asyncProperty(query, async ([route, page, filter]) => {
        const pairs = [...Object.entries(page), ...filter].map(([key, value]) => `${key}=${value}`);
        const path = `${route.replace('{customer}', customerId)}?${pairs.join('&')}`;
        expectClientShaped(await send('GET', path, { headers: bearer(token) }), `GET ${path}`);
      }),
      { numRuns: RUNS.queries },
    );
  });

  it('agent and admin request bodies: never a 5xx', async () => {
    /** Now and then a field no route knows. */
    const unknownField = fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(nastyText(8), anyJson) });
    /** The real resource, one that does not exist, or a path segment that is no id at all. */
    const pathTo = (base: string, realId: string) =>
      fc.oneof(fc.constant(realId), fc.uuid(), nastyText(8).map(percentEncode)).map((id) => `${base}/${id}`);
    const request = fc.oneof(
      fc.tuple(
        fc.constant('PATCH'),
        pathTo('/api/tasks', taskId),
        fc.record(
          {
            status: mostly(fc.constantFrom('open', 'in_progress', 'done', 'dismissed')),
            outcome: mostly(nastyText(60)),
            assigneeId: fc.oneof(fc.uuid(), fc.constant(null), anyJson),
            partnerId: fc.oneof(fc.uuid(), fc.constant(null), anyJson),
          },
          { requiredKeys: [] },
        ),
      ),
      fc.tuple(
        fc.constant('PATCH'),
        pathTo('/api/conversations', conversationId),
        fc.record(
          {
            status: mostly(fc.constantFrom('open', 'pending', 'snoozed', 'resolved')),
            assigneeId: fc.oneof(fc.uuid(), fc.constant(null), anyJson),
          },
          { requiredKeys: [] },
        ),
      ),
      fc.tuple(
        fc.constant('POST'),
        fc.constant(`/api/conversations/${conversationId}/messages`),
        fc.record({ text: mostly(nastyText(80)), private: mostly(fc.constant(true)) }, { requiredKeys: [] }),
      ),
      fc.tuple(
        fc.constant('POST'),
        fc.constant('/api/agents'),
        fc.record({
          email: mostly(
            nastyText(10).map((s) => `${percentEncode(s).slice(0, 20) || 'x'}@fuzz.test`),
            anyJson,
          ),
          name: mostly(nastyText(30)),
          password: mostly(nastyText(20).map((s) => `password-${s}`)),
          role: mostly(fc.constantFrom('admin', 'agent')),
        }),
      ),
      fc.tuple(
        fc.constant('PATCH'),
        pathTo('/api/agents', agentId),
        fc.record(
          {
            name: mostly(nastyText(30)),
            role: mostly(fc.constantFrom('admin', 'agent')),
            active: mostly(fc.boolean()),
            password: mostly(nastyText(20).map((s) => `password-${s}`)),
          },
          { requiredKeys: [] },
        ),
      ),
      fc.tuple(fc.constant('POST'), fc.constant('/api/partners'), fc.record({ name: mostly(nastyText(30)) }, { requiredKeys: [] })),
      fc.tuple(
        fc.constant('POST'),
        fc.constant(`/api/customers/${customerId}/merge`),
        fc.record({ otherCustomerId: fc.oneof(fc.uuid(), anyJson) }),
      ),
      fc.tuple(
        fc.constant('POST'),
        fc.constant('/api/auth/login'),
        fc.record(
          { email: mostly(fc.constantFrom('admin@omnihub.test', 'nobody@fuzz.test')), password: mostly(nastyText(20)) },
          { requiredKeys: [] },
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, unknownField, async ([method, path, body], extra) => {
        const json = extra ? { ...body, [extra[0]]: extra[1] } : body;
        const headers = path === '/api/auth/login' ? {} : bearer(token);
        expectClientShaped(await send(method, path, { json, headers }), `${method} ${path} ${JSON.stringify(json)}`);
      }),
      { numRuns: RUNS.bodies },
    );
  });

  it('stores every call log and SMS it accepted', async () => {
    // Sentinels through the same pipelines: once they are stored, what came before has been worked.
    const sentinelCall = callLog(999_999, { externalId: 'fz-sentinel' });
    expect((await send('POST', '/api/call-logs', { json: sentinelCall, headers: { 'x-api-key': apiKey } })).status).toBe(202);
    const sentinelSms = inboundSms('+15559999999', 'sentinel');
    const { form, headers } = signedForm('/webhooks/twilio/sms', sentinelSms);
    expect((await send('POST', '/webhooks/twilio/sms', { form, headers })).status).toBe(200);
    acceptedCallIds.add(sentinelCall.externalId);
    acceptedMessageSids.add(sentinelSms.MessageSid);
    const stored = async (channel: string) =>
      new Set(
        (await hub.db.query('SELECT external_id FROM interactions WHERE channel = $1', [channel])).rows.map((r) => r.external_id as string),
      );
    await waitFor(
      'the sentinels',
      async () => (await stored('phone')).has('fz-sentinel') && (await stored('sms')).has(sentinelSms.MessageSid),
    );

    const unstored = async () => {
      const [phone, sms] = [await stored('phone'), await stored('sms')];
      return { calls: [...acceptedCallIds].filter((id) => !phone.has(id)), sms: [...acceptedMessageSids].filter((sid) => !sms.has(sid)) };
    };
    // The worker runs jobs side by side: one accepted just before a sentinel may finish just after it.
    await waitFor('every accepted item', async () => Object.values(await unstored()).every((ids) => ids.length === 0), 10_000).catch(
      () => undefined,
    );
    expect(await unstored()).toEqual({ calls: [], sms: [] });
    expect(acceptedCallIds.size).toBeGreaterThan(10);

    // Control characters and the like are kept, not stripped: each call sent once reads back as sent.
    const { rows } = await hub.db.query<{ external_id: string; text: string }>(
      "SELECT external_id, text FROM interactions WHERE channel = 'phone'",
    );
    const storedNotes = new Map(rows.map((row) => [row.external_id, row.text]));
    const sentOnce = [...sentNotes].filter(([, notes]) => notes.length === 1);
    expect(sentOnce.length).toBeGreaterThan(5);
    for (const [externalId, [notes]] of sentOnce)
      expect({ externalId, text: storedNotes.get(externalId) }).toEqual({ externalId, text: notes });
    expect(acceptedMessageSids.size).toBeGreaterThan(10);

    const ingest = new Queue(INGEST_QUEUE, { connection: { url: hub.redisUrl } });
    try {
      expect(await ingest.getJobCounts('failed', 'delayed')).toEqual({ failed: 0, delayed: 0 });
    } finally {
      await ingest.close();
    }
  });
});
