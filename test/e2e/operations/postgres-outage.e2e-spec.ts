import { callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { PrivateRedis } from '../../support/private-redis';
import { API_MAIN, freePort, HubProcess, WORKER_MAIN } from '../../support/processes';
import { TcpProxy } from '../../support/tcp-proxy';
import { waitFor } from '../../support/wait-for';

const postgresLines = (process: HubProcess, outage: string) =>
  process.log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.dependency === 'postgres' && line.outage === outage);

/**
 * The processes reach PostgreSQL through a relay the test cuts and restores; the server itself is
 * shared and never stopped. Redis is a private redis-server (db 0 of it).
 */
describe('PostgreSQL going away and coming back', () => {
  let redis: PrivateRedis;
  let proxy: TcpProxy;
  let hub: Hub;
  let api: HubProcess;
  let worker: HubProcess;

  beforeAll(async () => {
    redis = await PrivateRedis.start(['--save', '', '--appendonly', 'no']);
    // The hub only for its fresh database; the processes are started below, through the relay.
    hub = await Hub.start({ name: 'postgres_outage', redisDb: 0, redisServer: redis.url, apis: 0, worker: false });
    const target = new URL(hub.databaseUrl);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    target.host = `127.0.0.1:${proxy.port}`;
    const env = { ...hub.env, DATABASE_URL: target.toString(), DATABASE_CONNECT_TIMEOUT_MS: '2000' };
    api = new HubProcess('api', API_MAIN, await freePort(), env);
    await api.start();
    worker = new HubProcess('worker', WORKER_MAIN, await freePort(), env);
    await worker.start();
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await hub?.stop();
    await redis?.dispose();
    await proxy?.cut();
  });

  it('logs one line when the database is lost and one when it is back, per process', async () => {
    const { apiKey } = await createPartner(api.url, await login(api.url));
    const ready = (process: HubProcess) => fetch(`${process.url}/health/ready`).then((r) => r.status);
    await proxy.cut();
    for (const process of [api, worker]) {
      await waitFor(`${process.name} to log the outage`, async () => {
        await ready(process);
        return postgresLines(process, 'down').length > 0;
      });
      // Requests fail in seconds, not when some TCP timeout gives up.
      expect(await ready(process)).toBe(503);
    }
    await proxy.restore();
    for (const process of [api, worker]) {
      await waitFor(`${process.name} to be ready again`, async () => (await ready(process)) === 200);
      await waitFor(`${process.name} to log the recovery`, () => postgresLines(process, 'recovered').length > 0);
    }
    // A later item through api, Redis, worker and PostgreSQL: by the time it is stored, any late line would be in.
    expect((await request(api.url, 'POST', '/api/call-logs', { body: callLog(1), headers: { 'x-api-key': apiKey } })).status).toBe(202);
    await waitFor('the call log to be stored', async () => (await hub.count('SELECT count(*) AS n FROM interactions')) === 1);

    for (const process of [api, worker]) {
      const down = postgresLines(process, 'down');
      const recovered = postgresLines(process, 'recovered');
      expect({ process: process.name, down: down.length, recovered: recovered.length }).toEqual({
        process: process.name,
        down: 1,
        recovered: 1,
      });
      expect(down[0]).toMatchObject({ level: 50, error: expect.any(String) });
    }
  });
});
