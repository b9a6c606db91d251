import { callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { IngestQueue } from '../../support/ingest-queue';
import { PrivateRedis } from '../../support/private-redis';
import { TcpProxy } from '../../support/tcp-proxy';
import { waitFor } from '../../support/wait-for';

const PG = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const BEFORE = 300;
const DURING = 500;
/** Well inside the ~63 s an ingest job keeps retrying (8 attempts, backoff from 0.5 s). */
const OUTAGE_MS = 10_000;

/**
 * The worker loses PostgreSQL (a failover, a network cut) while the api still reaches it: the
 * api keeps accepting, the jobs wait and retry, and once the database is back every one is
 * stored exactly once.
 */
describe('PostgreSQL unreachable for the worker', () => {
  let redis: PrivateRedis;
  let queue: IngestQueue;
  let proxy: TcpProxy;
  let hub: Hub;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    queue = new IngestQueue(redis.url);
    proxy = await TcpProxy.start({ host: PG.hostname, port: Number(PG.port || 5432) });
    hub = await Hub.start({ name: 'faults_postgres_outage', redisUrl: redis.url, worker: false });
    await hub.startWorker({ DATABASE_URL: proxy.proxied(hub.databaseUrl) });
  });
  afterAll(async () => {
    await hub?.stop();
    await proxy?.cut();
    queue?.close();
    await redis?.dispose();
  });

  const stored = () => hub.count('SELECT count(*) AS n FROM interactions');
  const ready = async () => (await fetch(`${hub.worker!.url}/health/ready`)).status;

  it('keeps the jobs while the database is cut off and stores each once it is back', async () => {
    const { apiKey } = await createPartner(hub.api.url, await login(hub.api.url));
    const post = (from: number, n: number) =>
      request(hub.api.url, 'POST', '/api/call-logs', {
        body: Array.from({ length: n }, (_, i) => callLog(from + i)),
        headers: { 'x-api-key': apiKey },
      });
    expect((await post(0, BEFORE)).body).toEqual({ accepted: BEFORE, duplicates: 0 });
    await waitFor('the first batch stored through the proxy', async () => (await stored()) === BEFORE);

    await proxy.cut();
    const cutAt = Date.now();
    expect((await post(BEFORE, DURING)).body).toEqual({ accepted: DURING, duplicates: 0 });
    // The worker notices (its readiness says so) and its jobs back off to retry later.
    await waitFor('the worker to report the database unreachable', async () => (await ready()) === 503);
    await waitFor('jobs waiting to retry', async () => (await queue.counts()).delayed > 0);
    expect((await fetch(`${hub.worker!.url}/health`)).status).toBe(200);
    // The outage lasts its time, however quickly the steps above went.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))));

    const acceptedBefore = proxy.accepted;
    await proxy.restore();
    await waitFor('the queue to drain', () => queue.drained(), 60_000);
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
    expect(await ready()).toBe(200);
    expect(await queue.counts()).toMatchObject({ failed: 0, completed: BEFORE + DURING });
    expect(await stored()).toBe(BEFORE + DURING);
    expect(await hub.count('SELECT count(DISTINCT external_id) AS n FROM interactions')).toBe(BEFORE + DURING);
    expect(await hub.count('SELECT sum(count) AS n FROM customer_activity_daily')).toBe(BEFORE + DURING);
  });
});
