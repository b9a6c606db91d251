import { Client } from 'pg';
import { callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { IngestQueue } from '../../support/ingest-queue';
import { PrivateRedis } from '../../support/private-redis';
import { waitFor } from '../../support/wait-for';

const TOTAL = 2000;
const CONCURRENCY = 8;

/**
 * SIGTERM is how an orchestrator stops a worker (a deploy, a scale-down): the jobs it is running
 * finish, nothing is left locked or failed, and the next worker takes up the rest.
 */
describe('worker stopped with SIGTERM under load', () => {
  let redis: PrivateRedis;
  let queue: IngestQueue;
  let hub: Hub;
  let blocker: Client | undefined;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    queue = new IngestQueue(redis.url);
    hub = await Hub.start({
      name: 'faults_worker_shutdown',
      redisUrl: redis.url,
      worker: false,
      env: { WORKER_CONCURRENCY: String(CONCURRENCY), WORKER_BULK_CONCURRENCY: String(CONCURRENCY) },
    });
    // The worker says when its shutdown begins.
    await hub.startWorker({ LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await blocker?.end();
    await hub?.stop();
    queue?.close();
    await redis?.dispose();
  });

  const stored = () => hub.count('SELECT count(*) AS n FROM interactions');

  it('locks running jobs briefly, so a dead worker\u2019s jobs come back within 15 s', async () => {
    const { apiKey } = await createPartner(hub.api.url, await login(hub.api.url));
    for (let from = 0; from < TOTAL; from += 1000) {
      const batch = Array.from({ length: 1000 }, (_, i) => callLog(from + i));
      const accepted = await request(hub.api.url, 'POST', '/api/call-logs', { body: batch, headers: { 'x-api-key': apiKey } });
      expect(accepted.body).toEqual({ accepted: 1000, duplicates: 0 });
    }

    // A job's lock lapses at most lockDuration (10 s) after its worker last renewed it, and some
    // worker's stalled check (every 5 s) then hands the job to another.
    const lockTtls = await waitFor('a running job\u2019s lock', async () => {
      const ttls = await queue.lockTtls();
      return ttls.length > 0 && ttls;
    });
    for (const ttl of lockTtls) expect(ttl).toBeLessThanOrEqual(10_000);
    const checkTtl = await waitFor('the stalled check\u2019s pace', async () => {
      const ttl = await queue.stalledCheckTtl();
      return ttl > 0 && ttl;
    });
    expect(checkTtl).toBeLessThanOrEqual(5_000);
  });

  it('finishes its running jobs, exits with 0, and the next worker stores the rest exactly once', async () => {
    await waitFor('the worker to be part-way through', async () => (await stored()) >= 100, 60_000);
    // Hold the next jobs mid-transaction, so that SIGTERM surely finds jobs running.
    blocker = new Client({ connectionString: hub.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
    const blockedJobs = () =>
      hub.count("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    // The running jobs' writes go in at most two statements at a time (the worker's group
    // commit): those wait on the lock, and the other running jobs wait for them.
    await waitFor(
      'the running jobs to wait on the lock',
      async () => (await blockedJobs()) >= 1 && (await queue.counts()).active === CONCURRENCY,
    );

    const stopping = hub.worker!.stop('SIGTERM', 30_000);
    await waitFor('the worker to begin its shutdown', () => /closing \d+ queue workers/.test(hub.worker!.log));
    await blocker.query('ROLLBACK');
    await blocker.end();
    blocker = undefined;
    expect(await stopping).toEqual({ code: 0, signal: null });

    // Nothing was left half-done: no job still active (it would come back as stalled), none
    // failed or waiting to retry because the pools closed under it; each completed job is stored
    // and raised its three agent events.
    const atStop = await queue.counts();
    expect(atStop).toMatchObject({ active: 0, delayed: 0, failed: 0 });
    expect(atStop.waiting).toBeGreaterThan(0);
    expect(await stored()).toBe(atStop.completed);
    expect(atStop.completed + atStop.waiting).toBe(TOTAL);
    expect(await queue.agentEvents()).toBe(3 * atStop.completed);

    await hub.startWorker();
    await waitFor('the queue to drain', () => queue.drained(), 60_000);
    expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: TOTAL });
    expect(await stored()).toBe(TOTAL);
    expect(await hub.count('SELECT count(DISTINCT external_id) AS n FROM interactions')).toBe(TOTAL);
    // Counters are written in the ingest's transaction: none counted twice, none skipped.
    expect(await hub.count('SELECT sum(count) AS n FROM customer_activity_daily')).toBe(TOTAL);
    expect(await hub.count('SELECT sum(unread_count) AS n FROM conversations')).toBe(TOTAL);
  });
});
