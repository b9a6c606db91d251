import { INGEST_BULK_QUEUE, INGEST_QUEUE } from '@omnihub/crm-core/queues/queues';
import { bearer, callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { IngestQueue } from '../../support/ingest-queue';
import { passSentinel } from '../../support/sentinel';
import { waitFor } from '../../support/wait-for';

describe('POST /api/call-logs', () => {
  let hub: Hub;
  let apiKey: string;
  let partnerId: string;
  let adminToken: string;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'call_logs', redisDb: 1 });
    adminToken = await login(hub.api.url);
    ({ apiKey, id: partnerId } = await createPartner(hub.api.url, adminToken));
  });
  afterAll(() => hub?.stop());

  const post = (body: unknown, key = apiKey) => request(hub.api.url, 'POST', '/api/call-logs', { body, headers: { 'x-api-key': key } });
  /** Phone interactions, sentinels left out. */
  const interactions = () =>
    hub.count("SELECT count(*) AS n FROM interactions WHERE channel = 'phone' AND external_id NOT LIKE 'sentinel-%'");
  const storedOf = (externalIds: string[]) =>
    hub.count('SELECT count(*) AS n FROM interactions WHERE external_id = ANY($1)', [externalIds]);
  let sentinels = 0;
  /** A valid call log posted after the request under test and stored: whatever that request queued has landed. */
  const sentinel = () => {
    const log = callLog(90_000 + ++sentinels, { externalId: `sentinel-${sentinels}` });
    return passSentinel(hub.redisUrl, {
      what: log.externalId,
      send: async () => expect((await post(log)).status).toBe(202),
      arrived: async () => (await storedOf([log.externalId])) === 1,
      queues: [INGEST_QUEUE, INGEST_BULK_QUEUE],
    });
  };

  it('turns one call log into one interaction with the call in its metadata', async () => {
    const log = callLog(1, {
      customerName: 'Ada Lovelace',
      agentName: 'Sam',
      recordingUrl: 'https://rec.example/1.mp3',
      outcome: 'complaint',
      notes: 'Kettle arrived broken',
    });
    const response = await post(log);
    expect(response).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });

    const row = await waitFor(
      'the interaction',
      async () => (await hub.db.query("SELECT * FROM interactions WHERE external_id = 'call-1'")).rows[0],
    );
    expect(row).toMatchObject({ channel: 'phone', kind: 'call', direction: 'inbound', text: 'Kettle arrived broken', intent: 'complaint' });
    expect(row.occurred_at.toISOString()).toBe(log.startedAt);
    expect(row.metadata).toMatchObject({
      outcome: 'complaint',
      durationSeconds: log.durationSeconds,
      agentName: 'Sam',
      recordingUrl: 'https://rec.example/1.mp3',
      partnerId,
      direction: 'inbound',
    });

    const customers = await request<{ items: Array<{ name: string; identities: unknown[] }> }>(
      hub.api.url,
      'GET',
      `/api/customers?q=${encodeURIComponent(log.customerPhone)}`,
      { headers: bearer(adminToken) },
    );
    expect(customers.body.items).toEqual([
      expect.objectContaining({ name: 'Ada Lovelace', identities: [{ channel: 'phone', address: log.customerPhone }] }),
    ]);
  });

  it('queues imports no faster than the workers take them: never much over 1,000 waiting, and every one stored', async () => {
    const queue = new IngestQueue(hub.redisUrl);
    const batches = [0, 1].map((b) => Array.from({ length: 1000 }, (_, i) => callLog(30_000 + b * 1000 + i)));
    let most = 0;
    let posting = true;
    const sampling = (async () => {
      while (posting) {
        most = Math.max(most, await queue.waitingImports());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      const answers = await Promise.all(batches.map((batch) => post(batch)));
      expect(answers.map((a) => [a.status, a.body])).toEqual([
        [202, { accepted: 1000, duplicates: 0 }],
        [202, { accepted: 1000, duplicates: 0 }],
      ]);
    } finally {
      posting = false;
      await sampling;
      queue.close();
    }
    // The second import went in a chunk of 100 at a time as the first was taken, not all at once.
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(1100);
    const externalIds = batches.flat().map((log) => log.externalId);
    await waitFor('2000 interactions', async () => (await storedOf(externalIds)) === 2000, 120_000);
  });

  it('takes 1000 call logs at once, each exactly once, and re-posting adds none', async () => {
    const before = await interactions();
    const batch = Array.from({ length: 1000 }, (_, i) => callLog(1000 + i));
    const externalIds = batch.map((log) => log.externalId);
    expect((await post(batch)).body).toEqual({ accepted: 1000, duplicates: 0 });
    await waitFor('1000 interactions', async () => (await storedOf(externalIds)) === 1000, 60_000);

    expect((await post(batch)).body).toEqual({ accepted: 0, duplicates: 1000 });
    await sentinel();
    expect(await storedOf(externalIds)).toBe(1000);
    expect(await interactions()).toBe(before + 1000);
    // Each call log has its own number, so its own customer: their activity counts each call once.
    expect(
      await hub.count(
        'SELECT sum(count) AS n FROM customer_activity_daily WHERE customer_id IN (SELECT customer_id FROM interactions WHERE external_id = ANY($1))',
        [externalIds],
      ),
    ).toBe(1000);
  });

  it('queues imports sent at once one after the other, each whole, with overlapping items counted once', async () => {
    // Three imports of 250 (each queued in chunks of 100, one import at a time); the third
    // repeats half of the first, sent together with it.
    const first = Array.from({ length: 250 }, (_, i) => callLog(20_000 + i));
    const second = Array.from({ length: 250 }, (_, i) => callLog(21_000 + i));
    const third = [...first.slice(0, 125), ...Array.from({ length: 125 }, (_, i) => callLog(22_000 + i))];
    const answers = await Promise.all([post(first), post(second), post(third)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const bodies = answers.map((a) => a.body as { accepted: number; duplicates: number });
    expect(bodies.map((b) => b.accepted + b.duplicates)).toEqual([250, 250, 250]);
    // A repeated item is a duplicate if the worker stored it before the third import was looked
    // up, otherwise accepted again and queued once under its own job id: either way, stored once.
    expect(bodies[0].accepted + bodies[1].accepted).toBe(500);
    expect(bodies[2].accepted).toBeGreaterThanOrEqual(125);
    const externalIds = [...new Set([...first, ...second, ...third].map((log) => log.externalId))];
    await waitFor('625 interactions', async () => (await storedOf(externalIds)) === 625, 60_000);
    await sentinel();
    expect(await storedOf(externalIds)).toBe(625);
  });

  it('counts an item repeated within one request as a duplicate', async () => {
    const log = callLog(5000);
    expect((await post([log, log])).body).toEqual({ accepted: 1, duplicates: 1 });
    await waitFor('the one interaction', async () => (await storedOf(['call-5000'])) === 1);
    await sentinel();
    expect(await storedOf(['call-5000'])).toBe(1);
  });

  it('rejects the whole request when one item is bad, with its index in the error path', async () => {
    const before = await interactions();
    const batch = [callLog(7000), callLog(7001), { ...callLog(7002), startedAt: 'yesterday' }, callLog(7003, { customerPhone: 'call me' })];
    const response = await post(batch);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { path: '[2].startedAt', message: expect.stringContaining('ISO 8601') },
        { path: '[3].customerPhone', message: expect.stringContaining('international format') },
      ]),
    );
    expect(response.body.message).toEqual(expect.stringContaining('nothing was stored'));
    await sentinel();
    expect(await interactions()).toBe(before);
    expect(await storedOf(batch.map((log) => log.externalId as string))).toBe(0);
  });

  it.each([
    ['an unknown field', { ...callLog(8000), colour: 'blue' }, '[0].colour'],
    ['a wrong type', { ...callLog(8001), durationSeconds: 'long' }, '[0].durationSeconds'],
    ['an unknown outcome', { ...callLog(8002), outcome: 'shrug' }, '[0].outcome'],
  ])('refuses %s with a 400 naming the field', async (_, item, path) => {
    const before = await interactions();
    const response = await post([item]);
    expect(response.status).toBe(400);
    const errors = response.body.errors as Array<{ path: string }>;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.path)).toEqual(errors.map(() => path));
    await sentinel();
    expect(await interactions()).toBe(before);
  });

  it('refuses an empty array and more than 1000 items', async () => {
    const before = await interactions();
    expect((await post([])).status).toBe(400);
    const tooMany = await post(Array.from({ length: 1001 }, (_, i) => callLog(20_000 + i)));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toEqual(expect.stringContaining('at most 1000'));
    await sentinel();
    expect(await interactions()).toBe(before);
  });

  it('keeps call logs of two partners apart even with the same externalId', async () => {
    const other = await createPartner(hub.api.url, adminToken, 'Other Centre');
    const before = await interactions();
    expect((await post(callLog(9000), other.apiKey)).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await post(callLog(9000))).body).toEqual({ accepted: 1, duplicates: 0 });
    await waitFor('both interactions', async () => (await interactions()) === before + 2);
  });

  it('gives the call log customer name only to a customer without one', async () => {
    // One after the other: the worker runs jobs concurrently, so "first" means stored first.
    await post(callLog(9100, { customerPhone: '+447700900555', customerName: 'First Name' }));
    await waitFor('the first call', async () => (await storedOf(['call-9100'])) === 1);
    await post(callLog(9101, { customerPhone: '+447700900555', customerName: 'Second Name' }));
    await waitFor('the second call', async () => (await storedOf(['call-9101'])) === 1);
    const { rows } = await hub.db.query(
      "SELECT c.name FROM customers c JOIN customer_identities i ON i.customer_id = c.id WHERE i.address = '+447700900555'",
    );
    expect(rows).toEqual([{ name: 'First Name' }]);
  });
});
