import { AgentSocket, bearer, callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { PrivateRedis } from '../../support/private-redis';
import { waitFor } from '../../support/wait-for';

/**
 * An api instance restarts (a deploy: SIGTERM; a crash: SIGKILL) while agents are connected to
 * it and the hub keeps taking call logs through the other instance. The agents' clients
 * reconnect on their own; they then get what they missed, or, when the session could not be
 * recovered, refetch it, and either way miss nothing.
 */
describe('api restarted with agents connected', () => {
  let redis: PrivateRedis;
  let hub: Hub;
  let token: string;
  let apiKey: string;
  const sockets: AgentSocket[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    hub = await Hub.start({ name: 'faults_api_restart', redisUrl: redis.url, apis: 2 });
    token = await login(hub.apis[1].url);
    ({ apiKey } = await createPartner(hub.apis[1].url, token));
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await hub?.stop();
    await redis?.dispose();
  });

  const [restarted, other] = [() => hub.apis[0], () => hub.apis[1]];
  const postCallLogs = async (ns: number[]) => {
    const posted = await request(other().url, 'POST', '/api/call-logs', {
      body: ns.map((n) => callLog(n)),
      headers: { 'x-api-key': apiKey },
    });
    expect(posted.body).toEqual({ accepted: ns.length, duplicates: 0 });
    const ids = ns.map((n) => `call-${n}`);
    await waitFor(
      'the call logs stored',
      async () => (await hub.count('SELECT count(*) AS n FROM interactions WHERE external_id = ANY($1)', [ids])) === ns.length,
    );
  };
  const createdIds = (agent: AgentSocket) =>
    agent.named('interaction.created').map((p) => (p.interaction as { externalId: string }).externalId);
  const connectedAgent = async (firstCall: number) => {
    const agent = new AgentSocket(restarted().url, token);
    sockets.push(agent);
    await agent.connected();
    // A first event gives the client an offset to recover from.
    await postCallLogs([firstCall]);
    await waitFor('a first event', () => createdIds(agent).includes(`call-${firstCall}`));
    return agent;
  };

  it('SIGTERM: the api exits 0, and its agents get what they missed, each once', async () => {
    const agent = await connectedAgent(1);
    expect(await restarted().stop('SIGTERM', 30_000)).toEqual({ code: 0, signal: null });
    await waitFor('the agent to notice', () => !agent.socket.connected);

    await postCallLogs([2, 3, 4, 5]);
    await restarted().start();
    await waitFor('the reconnect', () => agent.socket.connected, 20_000);
    expect(agent.socket.recovered).toBe(true);
    await waitFor('the missed events', () => createdIds(agent).includes('call-5'));
    // Then something new, so the list below is complete rather than "so far".
    await postCallLogs([6]);
    await waitFor('a live event after the recovery', () => createdIds(agent).includes('call-6'));
    // Each once; the four missed ones (stored by concurrent jobs, in any order) before the new one.
    const ids = createdIds(agent);
    expect([ids[0], ids.slice(1, 5).sort(), ids[5], ids.length]).toEqual(['call-1', ['call-2', 'call-3', 'call-4', 'call-5'], 'call-6', 6]);
  });

  it('SIGKILL: its agents reconnect and refetch what they missed', async () => {
    const agent = await connectedAgent(10);
    await restarted().stop('SIGKILL');
    await waitFor('the agent to notice', () => !agent.socket.connected);

    await postCallLogs([11, 12]);
    await restarted().start();
    await waitFor('the reconnect', () => agent.socket.connected, 20_000);
    // A crashed instance kept no session to recover: the client is told so, and refetches.
    expect(agent.socket.recovered).toBe(false);
    const { body } = await request<{ items: Array<{ customer: { name: string | null }; lastInteractionPreview: string }> }>(
      restarted().url,
      'GET',
      '/api/conversations?limit=100',
      { headers: bearer(token) },
    );
    expect(body.items.map((c) => c.lastInteractionPreview)).toEqual(expect.arrayContaining(['Call 11', 'Call 12']));
    await postCallLogs([13]);
    await waitFor('live events again', () => createdIds(agent).includes('call-13'));
  });
});
