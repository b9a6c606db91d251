import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { PrivateRedis } from '../../support/private-redis';
import type { HubProcess } from '../../support/processes';
import { waitFor } from '../../support/wait-for';

/** The process's JSON log lines that match every field given. */
function linesWith(process: HubProcess, fields: Record<string, unknown>): Array<Record<string, unknown>> {
  return process.log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => Object.entries(fields).every(([key, value]) => line[key] === value));
}

/** Each test runs its own redis-server (db 0 of it): the shared test Redis is never stopped. */
describe('Redis as the processes see it', () => {
  describe('without persistence, stopped and restarted', () => {
    let redis: PrivateRedis;
    let hub: Hub;

    beforeAll(async () => {
      redis = await PrivateRedis.start(['--save', '', '--appendonly', 'no']);
      hub = await Hub.start({ name: 'redis_outage', redisDb: 0, redisServer: redis.url });
    });
    afterAll(async () => {
      await hub?.stop();
      await redis?.dispose();
    });

    it('warns at start-up, once per process, that queued work would not survive a Redis restart', async () => {
      for (const process of [hub.api, hub.worker!]) {
        const [warning] = await waitFor(`${process.name}'s durability warning`, () => {
          const found = linesWith(process, { dependency: 'redis', durability: 'at-risk' });
          return found.length > 0 && found;
        });
        expect(warning).toMatchObject({ level: 40, appendonly: 'no', save: '', maxmemoryPolicy: 'noeviction' });
        expect(warning.problems).toEqual(['no persistence (appendonly no, save ""): queued jobs are lost when Redis restarts']);
      }
    });

    it('logs one line when Redis goes away and one when it is back, per process, and no ioredis noise', async () => {
      const { apiKey } = await createPartner(hub.api.url, await login(hub.api.url));
      const processes = [hub.api, hub.worker!];

      await redis.stop();
      for (const process of processes) {
        await waitFor(`${process.name} to log the outage`, () => linesWith(process, { outage: 'down' }).length > 0);
      }
      // While Redis is down the api refuses channel traffic instead of pretending to accept it.
      expect((await request(hub.api.url, 'POST', '/api/call-logs', { body: callLog(1), headers: { 'x-api-key': apiKey } })).status).toBe(
        503,
      );

      await redis.start();
      for (const process of processes) {
        await waitFor(`${process.name} to log the recovery`, () => linesWith(process, { outage: 'recovered' }).length > 0, 60_000);
      }
      // A later item through the whole pipeline: by the time it is stored, any late line would be in.
      await waitFor('the api to accept again', async () => {
        const response = await request(hub.api.url, 'POST', '/api/call-logs', { body: callLog(2), headers: { 'x-api-key': apiKey } });
        return response.status === 202;
      });
      await waitFor(
        'the call log after the outage to be stored',
        async () => (await hub.count('SELECT count(*) AS n FROM interactions')) === 1,
      );

      for (const process of processes) {
        const [down, ...moreDown] = linesWith(process, { dependency: 'redis', outage: 'down' });
        const [recovered, ...moreRecovered] = linesWith(process, { dependency: 'redis', outage: 'recovered' });
        expect({ process: process.name, moreDown, moreRecovered }).toEqual({ process: process.name, moreDown: [], moreRecovered: [] });
        expect(down).toMatchObject({ level: 50, error: expect.stringMatching(/ECONNREFUSED|connection lost/) });
        expect(recovered).toMatchObject({ level: 40, downForSeconds: expect.any(Number) });
        expect(process.log).not.toContain('Unhandled error event');
        // Every line is pino's JSON: no bare error dumps from ioredis or BullMQ.
        expect(process.log.split('\n').filter((line) => line && !line.startsWith('{'))).toEqual([]);
      }
    });
  });

  describe('with an append-only file and noeviction', () => {
    let redis: PrivateRedis;
    let hub: Hub;
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'omnihub-redis-'));
      redis = await PrivateRedis.start([
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--maxmemory-policy',
        'noeviction',
        '--dir',
        dir,
      ]);
      hub = await Hub.start({ name: 'redis_durable', redisDb: 0, redisServer: redis.url, env: { LOG_LEVEL: 'info' } });
    });
    afterAll(async () => {
      await hub?.stop();
      await redis?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('does not warn: each process logs what it found instead', async () => {
      for (const process of [hub.api, hub.worker!]) {
        const [checked] = await waitFor(`${process.name}'s durability line`, () => {
          const found = linesWith(process, { dependency: 'redis', durability: 'ok' });
          return found.length > 0 && found;
        });
        expect(checked).toMatchObject({ level: 30, appendonly: 'yes', maxmemoryPolicy: 'noeviction' });
        expect(linesWith(process, { durability: 'at-risk' })).toEqual([]);
      }
    });
  });
});
