import { AgentSocket, callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { PrivateRedis } from '../../support/private-redis';
import { waitFor } from '../../support/wait-for';

/**
 * An item stored while Redis was gone cannot be announced by the run that stored it; its retry
 * finds it stored and announces it then. The test holds the worker inside the ingest (a trigger
 * that sleeps on one text) while it stops Redis, so the commit lands and the publish fails.
 */
describe('agent events for an item stored while Redis was down', () => {
  let redis: PrivateRedis;
  let hub: Hub;

  beforeAll(async () => {
    redis = await PrivateRedis.start(['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']);
    hub = await Hub.start({ name: 'republish', redisDb: 0, redisServer: redis.url });
    await hub.db.query(`
      CREATE FUNCTION test_hold() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.text = 'hold me' THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$;
      CREATE TRIGGER test_hold BEFORE INSERT ON interactions FOR EACH ROW EXECUTE FUNCTION test_hold();`);
  });
  afterAll(async () => {
    await hub?.stop();
    await redis?.dispose();
  });

  it('is announced once Redis is back, by the retry that finds it stored', async () => {
    const token = await login(hub.api.url);
    const { apiKey } = await createPartner(hub.api.url, token);
    const agent = new AgentSocket(hub.api.url, token);
    await agent.connected();
    const posted = await request(hub.api.url, 'POST', '/api/call-logs', {
      body: callLog(1, { notes: 'hold me' }),
      headers: { 'x-api-key': apiKey },
    });
    expect(posted.status).toBe(202);

    await waitFor('the worker to be inside the ingest', async () => {
      const { rows } = await hub.db.query(
        `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%ingest_interaction_v4%' AND wait_event = 'PgSleep'`,
      );
      return rows.length > 0;
    });
    await redis.stop();
    await waitFor(
      'the item to be stored',
      async () => (await hub.count(`SELECT count(*) AS n FROM interactions WHERE external_id = 'call-1'`)) === 1,
    );
    await redis.start();

    const announced = await waitFor(
      'the interaction.created event',
      () => agent.named('interaction.created').find((e) => (e.interaction as { externalId: string }).externalId === 'call-1'),
      60_000,
    );
    expect(announced.interaction).toMatchObject({ channel: 'phone', text: 'hold me' });
    expect(await hub.count(`SELECT count(*) AS n FROM interactions WHERE external_id = 'call-1'`)).toBe(1);
    agent.close();
  }, 120_000);
});
