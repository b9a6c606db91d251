import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer, createPartner, login, request } from '../../support/clients';
import { ADMIN, Hub } from '../../support/hub';

/** Who may call what: 401 without or with bad credentials, 403 with the wrong kind or role. */
describe('authentication and access', () => {
  let hub: Hub;
  let adminToken: string;
  let agentToken: string;
  let apiKey: string;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'access', redisDb: 4, worker: false, env: { LOG_LEVEL: 'info' } });
    adminToken = await login(hub.api.url);
    ({ apiKey } = await createPartner(hub.api.url, adminToken));
    const agent = await request(hub.api.url, 'POST', '/api/agents', {
      body: { email: 'Agent@Omnihub.test', name: 'Agent', password: 'agent-password-1', role: 'agent' },
      headers: bearer(adminToken),
    });
    expect(agent.status).toBe(201);
    expect(agent.body).toEqual({
      id: expect.any(String),
      email: 'agent@omnihub.test',
      name: 'Agent',
      role: 'agent',
      active: true,
      createdAt: expect.any(String),
    });
    agentToken = await login(hub.api.url, { email: 'agent@omnihub.test', password: 'agent-password-1' });
  });
  afterAll(() => hub?.stop());

  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    request(hub.api.url, method, path, { headers, body });

  it('logs an agent in and answers 401 to wrong credentials', async () => {
    const ok = await call('POST', '/api/auth/login', {}, ADMIN);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      accessToken: expect.any(String),
      agent: { id: expect.any(String), email: ADMIN.email, name: 'Administrator', role: 'admin' },
    });
    expect((await call('POST', '/api/auth/login', {}, { ...ADMIN, password: 'wrong-password' })).status).toBe(401);
    expect((await call('POST', '/api/auth/login', {}, { email: 'nobody@omnihub.test', password: 'whatever' })).status).toBe(401);
    const missing = await call('POST', '/api/auth/login', {}, { email: ADMIN.email });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'password' })]);
  });

  const AGENT_ROUTES: Array<[string, string]> = [
    ['GET', '/api/conversations'],
    ['GET', '/api/conversations/00000000-0000-4000-8000-000000000000'],
    ['PATCH', '/api/conversations/00000000-0000-4000-8000-000000000000'],
    ['GET', '/api/customers'],
    ['GET', '/api/customers/00000000-0000-4000-8000-000000000000'],
    ['GET', '/api/customers/00000000-0000-4000-8000-000000000000/interactions'],
    ['POST', '/api/customers/00000000-0000-4000-8000-000000000000/merge'],
    ['GET', '/api/tasks'],
    ['PATCH', '/api/tasks/00000000-0000-4000-8000-000000000000'],
    ['GET', '/api/agents'],
    ['POST', '/api/agents'],
    ['POST', '/api/partners'],
    ['GET', '/api/partners'],
  ];

  it.each(AGENT_ROUTES)('%s %s: 401 without a token or with a bad one', async (method, path) => {
    const none = await call(method, path);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ statusCode: 401, message: expect.stringContaining('bearer token') });
    expect((await call(method, path, bearer('not.a.token'))).status).toBe(401);
  });

  it.each(AGENT_ROUTES)('%s %s: 403 for a partner key', async (method, path) => {
    const response = await call(method, path, { 'x-api-key': apiKey });
    expect(response.status).toBe(403);
    expect(response.body.message).toEqual(expect.stringContaining('Partners may only use'));
  });

  it.each([
    ['GET', '/api/agents'],
    ['POST', '/api/agents'],
    ['POST', '/api/partners'],
  ])('%s %s: 403 for an agent who is not an admin', async (method, path) => {
    expect((await call(method, path, bearer(agentToken), method === 'GET' ? undefined : {})).status).toBe(403);
  });

  it('keeps partner routes to partners: 401 without or with a wrong key, 403 for an agent token', async () => {
    for (const path of ['/api/call-logs', '/api/partner/tasks']) {
      const method = path === '/api/call-logs' ? 'POST' : 'GET';
      expect((await call(method, path)).status).toBe(401);
      expect((await call(method, path, { 'x-api-key': 'ohp_wrong' })).status).toBe(401);
      expect((await call(method, path, bearer(adminToken))).status).toBe(403);
    }
    const tasks = await call('GET', '/api/partner/tasks', { 'x-api-key': apiKey });
    expect(tasks).toEqual({ status: 200, body: { items: [], nextCursor: null } });
  });

  it('shows a partner key once and never again', async () => {
    const listed = await call('GET', '/api/partners', bearer(adminToken));
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(apiKey);
    expect(JSON.stringify(listed.body)).not.toMatch(/hash/i);
    const stored = await hub.db.query('SELECT api_key_hash FROM partners');
    expect(stored.rows.map((r) => r.api_key_hash)).not.toContain(apiKey);
  });

  it('refuses a second agent with the same email', async () => {
    const again = await call('POST', '/api/agents', bearer(adminToken), {
      email: 'agent@omnihub.test',
      name: 'Again',
      password: 'agent-password-2',
      role: 'agent',
    });
    expect(again.status).toBe(409);
    expect(await hub.count('SELECT count(*) AS n FROM agents')).toBe(2);
  });

  it('answers /health and /health/ready without credentials, and serves the OpenAPI document', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/health/ready')).body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' } },
    });
    const docs = await call('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths as object)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/call-logs', '/api/conversations', '/api/customers/{id}']),
    );
  });

  // A route or schema change shows up as a diff of docs/openapi.json in review.
  // Regenerate it with: UPDATE_OPENAPI=1 npx jest test/e2e/auth
  it('serves the OpenAPI document committed in docs/openapi.json', async () => {
    const committed = join(__dirname, '../../../docs/openapi.json');
    const served = `${JSON.stringify((await call('GET', '/api/docs-json')).body, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(committed, served);
    expect(served).toBe(readFileSync(committed, 'utf8'));
  });

  it('never writes passwords, tokens or API keys to the logs', async () => {
    await call('GET', '/api/conversations', bearer(adminToken));
    await call('POST', '/api/call-logs', { 'x-api-key': apiKey }, []);
    const log = hub.api.log;
    expect(log).toContain('/api/conversations');
    for (const secret of [ADMIN.password, adminToken, agentToken, apiKey, 'agent-password-1']) expect(log).not.toContain(secret);
  });
});
