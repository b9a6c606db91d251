import { io } from 'socket.io-client';
import { AgentSocket, bearer, callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';

/** Two api instances and one worker: agents on either instance see everything, live. */
describe('/agents realtime across api instances', () => {
  let hub: Hub;
  let adminToken: string;
  let apiKey: string;
  const sockets: AgentSocket[] = [];

  beforeAll(async () => {
    hub = await Hub.start({ name: 'realtime', redisDb: 2, apis: 2 });
    adminToken = await login(hub.apis[0].url);
    ({ apiKey } = await createPartner(hub.apis[0].url, adminToken));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await hub?.stop();
  });

  const connect = async (base: string, token: string, options?: { reconnectionDelay?: number }) => {
    const agent = new AgentSocket(base, token, options);
    sockets.push(agent);
    await agent.connected();
    return agent;
  };
  const postCallLog = (base: string, n: number, overrides: Record<string, unknown> = {}) =>
    request(base, 'POST', '/api/call-logs', { body: callLog(n, overrides), headers: { 'x-api-key': apiKey } });
  const createdFor = (agent: AgentSocket, externalId: string) =>
    agent.named('interaction.created').find((p) => (p.interaction as { externalId: string }).externalId === externalId);
  const newAgent = async (email: string) => {
    const created = await request<{ id: string }>(hub.apis[0].url, 'POST', '/api/agents', {
      body: { email, name: email, password: 'agent-password-1', role: 'agent' },
      headers: bearer(adminToken),
    });
    expect(created.status).toBe(201);
    return { id: created.body.id, token: await login(hub.apis[0].url, { email, password: 'agent-password-1' }) };
  };

  it('delivers interaction.created, conversation.updated and customer.updated for a call log posted to the other instance', async () => {
    const onA = await connect(hub.apis[0].url, adminToken);
    expect((await postCallLog(hub.apis[1].url, 1, { customerName: 'Grace Hopper' })).status).toBe(202);

    const created = await waitFor('interaction.created on instance A', () => createdFor(onA, 'call-1'));
    const interaction = created.interaction as Record<string, unknown>;
    expect(interaction).toMatchObject({ channel: 'phone', kind: 'call', direction: 'inbound', externalId: 'call-1' });
    const conversation = await waitFor('conversation.updated', () =>
      onA.named('conversation.updated').find((p) => (p.conversation as { id: string }).id === interaction.conversationId),
    );
    expect(conversation.conversation).toMatchObject({
      channel: 'phone',
      status: 'open',
      unreadCount: 1,
      customer: { id: interaction.customerId, name: 'Grace Hopper' },
    });
    const customer = await waitFor('customer.updated', () =>
      onA.named('customer.updated').find((p) => (p.customer as { id: string }).id === interaction.customerId),
    );
    expect(customer.customer).toMatchObject({
      name: 'Grace Hopper',
      identities: [{ channel: 'phone', address: callLog(1).customerPhone }],
    });
    // The three events arrive in order for one interaction.
    const order = onA.events.map((e) => e.name).filter((n) => n !== 'task.created');
    expect(order.slice(order.indexOf('interaction.created'), order.indexOf('interaction.created') + 3)).toEqual([
      'interaction.created',
      'conversation.updated',
      'customer.updated',
    ]);
  });

  it('pushes a triage change made on one instance to agents on the other', async () => {
    const onB = await connect(hub.apis[1].url, adminToken);
    await postCallLog(hub.apis[0].url, 5);
    const created = await waitFor('a conversation to triage', () => createdFor(onB, 'call-5'));
    const id = (created.interaction as { conversationId: string }).conversationId;
    expect(
      (await request(hub.apis[0].url, 'PATCH', `/api/conversations/${id}`, { body: { status: 'pending' }, headers: bearer(adminToken) }))
        .status,
    ).toBe(200);
    await waitFor('conversation.updated on B', () =>
      onB
        .named('conversation.updated')
        .map((p) => p.conversation as { id: string; status: string })
        .find((c) => c.id === id && c.status === 'pending'),
    );
  });

  it('refuses a socket without a token or with a bad one', async () => {
    for (const auth of [{}, { token: 'not-a-jwt' }]) {
      const socket = io(`${hub.apis[0].url}/agents`, { auth, transports: ['websocket'], reconnection: false });
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      expect(error.message).toBe('unauthorized');
      socket.close();
    }
  });

  it('replays what an agent missed when it reconnects to another instance within the window', async () => {
    const agent = await connect(hub.apis[0].url, adminToken, { reconnectionDelay: 2500 });
    await postCallLog(hub.apis[0].url, 10);
    await waitFor('a first event, which gives the client an offset', () => createdFor(agent, 'call-10'));

    // Drop the transport and come back on instance B, as a load balancer may send it. The
    // client has no public way to change its target; its Manager reconnects to `uri`.
    (agent.socket.io as unknown as { uri: string }).uri = `${hub.apis[1].url}/agents`;
    agent.socket.io.engine.close();
    await waitFor('the disconnect', () => !agent.socket.connected);
    await postCallLog(hub.apis[1].url, 11);
    await postCallLog(hub.apis[1].url, 12);
    await waitFor(
      'both missed calls stored',
      async () => (await hub.count("SELECT count(*) AS n FROM interactions WHERE external_id IN ('call-11', 'call-12')")) === 2,
    );
    expect(createdFor(agent, 'call-11')).toBeUndefined();

    await waitFor('the reconnect', () => agent.socket.connected, 20_000);
    expect(agent.socket.recovered).toBe(true);
    await waitFor('the missed events', () => createdFor(agent, 'call-12'));
    const missed = agent.named('interaction.created').map((p) => (p.interaction as { externalId: string }).externalId);
    expect(missed.slice(missed.indexOf('call-11'))).toEqual(['call-11', 'call-12']);
  });

  it('ends a disabled agent\u2019s live sockets and refuses them on reconnect, recovery included', async () => {
    const live = await newAgent('live@omnihub.test');
    const liveSocket = await connect(hub.apis[1].url, live.token);
    const dropped = await newAgent('dropped@omnihub.test');
    const droppedSocket = await connect(hub.apis[0].url, dropped.token, { reconnectionDelay: 3000 });
    await postCallLog(hub.apis[0].url, 20);
    await waitFor('an offset for the dropped agent', () => createdFor(droppedSocket, 'call-20'));

    droppedSocket.socket.io.engine.close();
    await waitFor('the dropped agent to be offline', () => !droppedSocket.socket.connected);
    const refused = new Promise<Error>((resolve) => droppedSocket.socket.once('connect_error', resolve));
    for (const { id } of [live, dropped]) {
      const change = await request(hub.apis[1].url, 'PATCH', `/api/agents/${id}`, { body: { active: false }, headers: bearer(adminToken) });
      expect(change.status).toBe(200);
    }

    await waitFor('the live agent to be disconnected', () => !liveSocket.socket.connected);
    expect((await refused).message).toBe('unauthorized');
    expect(droppedSocket.socket.connected).toBe(false);
    expect((await request(hub.apis[0].url, 'GET', '/api/conversations', { headers: bearer(live.token) })).status).toBe(401);
  });
});
