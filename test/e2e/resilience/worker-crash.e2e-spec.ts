import { callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';

/** BullMQ is at-least-once: a crashed worker's jobs run again, and every write is idempotent. */
describe('worker killed with SIGKILL mid-batch', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'worker_crash', redisDb: 3, env: { WORKER_CONCURRENCY: '4' } });
  });
  afterAll(() => hub?.stop());

  it('loses and duplicates nothing once a new worker has taken over', async () => {
    const { apiKey } = await createPartner(hub.api.url, await login(hub.api.url));
    const batch = Array.from({ length: 1000 }, (_, i) => callLog(i));
    const interactions = () => hub.count('SELECT count(*) AS n FROM interactions');

    expect((await request(hub.api.url, 'POST', '/api/call-logs', { body: batch, headers: { 'x-api-key': apiKey } })).body).toEqual({
      accepted: 1000,
      duplicates: 0,
    });
    await waitFor('the worker to be part-way through', async () => (await interactions()) >= 50, 60_000);
    await hub.worker!.stop('SIGKILL');
    const atCrash = await interactions();
    expect(atCrash).toBeLessThan(1000);

    // The api keeps accepting while no worker runs: re-posting the batch queues nothing new.
    const repost = await request<{ accepted: number; duplicates: number }>(hub.api.url, 'POST', '/api/call-logs', {
      body: batch,
      headers: { 'x-api-key': apiKey },
    });
    expect(repost.body.accepted + repost.body.duplicates).toBe(1000);

    await hub.startWorker();
    // Jobs the dead worker held come back once their locks expire (BullMQ's stalled-job check).
    await waitFor('every call log stored', async () => (await interactions()) === 1000, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));

    expect(await interactions()).toBe(1000);
    expect(await hub.count('SELECT count(DISTINCT external_id) AS n FROM interactions')).toBe(1000);
    // Counters are written in the same transaction as the interaction: none counted twice.
    expect(await hub.count('SELECT sum(count) AS n FROM customer_activity_daily')).toBe(1000);
    expect(await hub.count('SELECT sum(unread_count) AS n FROM conversations')).toBe(1000);
    expect(await hub.count('SELECT count(*) AS n FROM customers')).toBe(1000);
  });
});
