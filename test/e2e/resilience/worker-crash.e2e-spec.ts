import { INGEST_BULK_QUEUE, INGEST_QUEUE } from '@omnihub/crm-core/queues/queues';
import { AgentSocket, callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { passSentinel } from '../../support/sentinel';
import { waitFor } from '../../support/wait-for';

/** BullMQ is at-least-once: a crashed worker's jobs run again, and every write is idempotent. */
describe('worker killed with SIGKILL mid-batch', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'worker_crash', redisDb: 3, env: { WORKER_CONCURRENCY: '4' } });
  });
  afterAll(() => hub?.stop());

  it('loses and duplicates nothing once a new worker has taken over, and every item reaches agents', async () => {
    const token = await login(hub.api.url);
    const { apiKey } = await createPartner(hub.api.url, token);
    const agent = new AgentSocket(hub.api.url, token);
    await agent.connected();
    const post = (body: unknown) =>
      request<{ accepted: number; duplicates: number }>(hub.api.url, 'POST', '/api/call-logs', { body, headers: { 'x-api-key': apiKey } });
    const batch = Array.from({ length: 1000 }, (_, i) => callLog(i));
    const externalIds = batch.map((log) => log.externalId);
    const stored = () => hub.count('SELECT count(*) AS n FROM interactions WHERE external_id = ANY($1)', [externalIds]);

    expect((await post(batch)).body).toEqual({ accepted: 1000, duplicates: 0 });
    await waitFor('the worker to be part-way through', async () => (await stored()) >= 50, 60_000);
    await hub.worker!.stop('SIGKILL');
    const atCrash = await stored();
    expect(atCrash).toBeLessThan(1000);

    // The api keeps accepting while no worker runs: what is stored counts as duplicates, the
    // rest is accepted again but still queued once (the job id is the idempotency key).
    expect((await post(batch)).body).toEqual({ accepted: 1000 - atCrash, duplicates: atCrash });

    await hub.startWorker();
    // Jobs the dead worker held come back once their locks expire (BullMQ's stalled-job check).
    await waitFor('every call log stored', async () => (await stored()) === 1000, 120_000);
    // The batch can be complete while jobs the dead worker had already stored are still to run
    // again: the sentinel waits for the ingest queue to run dry, so those re-runs are counted below.
    const sentinel = callLog(5000, { externalId: 'sentinel' });
    await passSentinel(hub.redisUrl, {
      what: 'call log',
      send: async () => expect((await post(sentinel)).body).toEqual({ accepted: 1, duplicates: 0 }),
      arrived: async () => (await hub.count("SELECT count(*) AS n FROM interactions WHERE external_id = 'sentinel'")) === 1,
      queues: [INGEST_QUEUE, INGEST_BULK_QUEUE],
    });

    const perExternalId = await hub.db.query<{ external_id: string; n: string }>(
      'SELECT external_id, count(*) AS n FROM interactions WHERE external_id = ANY($1) GROUP BY external_id',
      [externalIds],
    );
    expect(perExternalId.rows.map((r) => r.external_id).sort()).toEqual([...externalIds].sort());
    expect(perExternalId.rows.filter((r) => r.n !== '1')).toEqual([]);
    expect(await hub.count('SELECT count(*) AS n FROM interactions')).toBe(1001);

    // Each call log has its own number, so its own customer and conversation. Counters are
    // written in the same transaction as the interaction: none counted twice.
    const ofBatch = 'SELECT customer_id FROM interactions WHERE external_id = ANY($1)';
    expect(await hub.count(`SELECT count(DISTINCT customer_id) AS n FROM interactions WHERE external_id = ANY($1)`, [externalIds])).toBe(
      1000,
    );
    expect(await hub.count(`SELECT sum(count) AS n FROM customer_activity_daily WHERE customer_id IN (${ofBatch})`, [externalIds])).toBe(
      1000,
    );
    const conversations = await hub.db.query<{ unread_count: number }>(
      `SELECT unread_count FROM conversations WHERE customer_id IN (${ofBatch})`,
      [externalIds],
    );
    expect(conversations.rows).toHaveLength(1000);
    expect(conversations.rows.filter((c) => c.unread_count !== 1)).toEqual([]);
    expect(await hub.count('SELECT count(*) AS n FROM customers')).toBe(1001);

    // Items the dead worker stored but had not yet announced are announced by their re-run.
    const announced = () => new Set(agent.named('interaction.created').map((e) => (e.interaction as { externalId: string }).externalId));
    await waitFor('every call log announced to agents', () => externalIds.every((id) => announced().has(id)));
    agent.close();
  }, 300_000);
});
