import { bearer, callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';

interface FailedJob {
  id: string;
  queue: string;
  channel: string | null;
  idempotencyKey: string | null;
  failedReason: string;
  attempts: number;
  failedAt: string;
}

/**
 * Failed work is never silent: an item the database refuses every time is parked at once (no
 * hour of retries), logged at error, listed for admins, and queued again on redelivery or retry.
 * The test makes the refusal itself: a CHECK constraint on its own database that rejects one text.
 */
describe('failed work', () => {
  let hub: Hub;
  let apiKey: string;
  let partnerId: string;
  let adminToken: string;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'failed_jobs', redisDb: 'private' });
    adminToken = await login(hub.api.url);
    ({ apiKey, id: partnerId } = await createPartner(hub.api.url, adminToken));
    await hub.db.query(`ALTER TABLE interactions ADD CONSTRAINT test_refuses_poison CHECK (text NOT LIKE 'poison%')`);
  });
  afterAll(() => hub?.stop());

  const post = (body: unknown) => request(hub.api.url, 'POST', '/api/call-logs', { body, headers: { 'x-api-key': apiKey } });
  const failedJobs = async (query = '') =>
    (
      await request<{ items: FailedJob[]; nextCursor: string | null }>(hub.api.url, 'GET', `/api/admin/failed-jobs${query}`, {
        headers: bearer(adminToken),
      })
    ).body;
  const parked = (externalId: string) =>
    waitFor(`${externalId} to be parked`, async () =>
      (await failedJobs('?limit=100')).items.find((job) => job.idempotencyKey === `${partnerId}:${externalId}`),
    );
  const stored = (externalId: string) =>
    waitFor(
      `${externalId} to be stored`,
      async () => (await hub.count('SELECT count(*) AS n FROM interactions WHERE external_id = $1', [externalId])) === 1,
    );

  it('parks a permanent failure at once, logs it at error and lists it for admins', async () => {
    expect(await post(callLog(1, { notes: 'poison one' }))).toMatchObject({ status: 202 });
    const job = await parked('call-1');
    expect(job).toMatchObject({ queue: 'interaction-ingest', channel: 'phone', attempts: 1 });
    expect(job.failedReason).toMatch(/test_refuses_poison/);
    expect(Number.isNaN(Date.parse(job.failedAt))).toBe(false);
    const line = hub.worker!.log.split('\n').find((l) => l.includes(`${partnerId}:call-1`));
    expect(JSON.parse(line!)).toMatchObject({ level: 50, queue: 'interaction-ingest', idempotencyKey: `${partnerId}:call-1` });
  });

  it('queues a redelivery of a failed item again instead of calling it a duplicate', async () => {
    expect(await post(callLog(2, { notes: 'poison two' }))).toMatchObject({ status: 202 });
    await parked('call-2');
    const again = await post(callLog(2, { notes: 'cured two' }));
    expect(again).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });
    await stored('call-2');
  });

  it('sends a failed job back to its queue on retry, where it lands once the cause is fixed', async () => {
    await hub.db.query(`ALTER TABLE interactions ADD CONSTRAINT test_refuses_toxic CHECK (text NOT LIKE 'toxic%')`);
    expect(await post(callLog(3, { notes: 'toxic three' }))).toMatchObject({ status: 202 });
    const job = await parked('call-3');
    await hub.db.query('ALTER TABLE interactions DROP CONSTRAINT test_refuses_toxic');
    const retry = await request(hub.api.url, 'POST', `/api/admin/failed-jobs/${encodeURIComponent(job.id)}/retry`, {
      headers: bearer(adminToken),
    });
    expect(retry.status).toBe(202);
    await stored('call-3');
    expect((await failedJobs('?limit=100')).items.map((j) => j.id)).not.toContain(job.id);
    const twice = await request(hub.api.url, 'POST', `/api/admin/failed-jobs/${encodeURIComponent(job.id)}/retry`, {
      headers: bearer(adminToken),
    });
    expect(twice.status).toBe(404);
  });

  it('pages the list, and refuses a bad cursor and non-admins', async () => {
    expect(await post([callLog(4, { notes: 'poison four' }), callLog(5, { notes: 'poison five' })])).toMatchObject({ status: 202 });
    await parked('call-4');
    await parked('call-5');
    const first = await failedJobs('?limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toBe('1');
    const rest = await failedJobs(`?limit=100&cursor=${first.nextCursor}`);
    expect(rest.items.map((j) => j.id)).not.toContain(first.items[0].id);
    expect((await request(hub.api.url, 'GET', '/api/admin/failed-jobs?cursor=junk', { headers: bearer(adminToken) })).status).toBe(400);
    expect((await request(hub.api.url, 'GET', '/api/admin/failed-jobs', { headers: { 'x-api-key': apiKey } })).status).toBe(403);
    expect((await request(hub.api.url, 'GET', '/api/admin/failed-jobs')).status).toBe(401);
  });
});
