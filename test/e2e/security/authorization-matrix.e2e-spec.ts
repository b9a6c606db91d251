import { io } from 'socket.io-client';
import { bearer, callLog, createPartner, login, request } from '../../support/clients';
import { ADMIN, Hub, TWILIO_AUTH_TOKEN } from '../../support/hub';
import { accessClaims, handMadeToken } from '../../support/tokens';
import { waitFor } from '../../support/wait-for';

/**
 * Who may call what (CONTRACT.md, "Authentication"), over every route and socket namespace the
 * api serves. The routes come from the api itself (the "routes mapped" line it logs at start-up,
 * apps/api/src/http/route-list.ts), so a route added without a row below fails this test.
 *
 * Adding a route: add one line to ROUTES, `'<METHOD> <path as the router names it>': <GRANT>`,
 * with the grant the contract gives it (AGENTS, ADMINS, PARTNERS, PUBLIC, TWILIO_SIGNED,
 * BEARER_SECRET), e.g. `'GET /api/reports/retention': AGENTS,`. A namespace: one line in
 * NAMESPACES. A grant the table lacks: a new constant next to the others, one outcome per
 * principal.
 */

/** Everyone the test calls as: each kind of caller the contract names, and each bad credential. */
const PRINCIPALS = [
  'anonymous',
  'agent',
  'admin',
  'partnerA',
  'partnerB',
  'revokedPartner',
  'expiredToken',
  'forgedToken',
  'algNoneToken',
  'tokenWithoutExp',
  'tokenForAnotherAudience',
] as const;
type Principal = (typeof PRINCIPALS)[number];

/** `pass`: past authentication and authorization (any answer but 401, 403, 429 or a 5xx). */
type Outcome = 'pass' | 401 | 403;
type Grant = Record<Principal, Outcome>;

const BAD_TOKENS = { expiredToken: 401, forgedToken: 401, algNoneToken: 401, tokenWithoutExp: 401, tokenForAnotherAudience: 401 } as const;
const AGENTS: Grant = { anonymous: 401, agent: 'pass', admin: 'pass', partnerA: 403, partnerB: 403, revokedPartner: 401, ...BAD_TOKENS };
const ADMINS: Grant = { ...AGENTS, agent: 403 };
const PARTNERS: Grant = { anonymous: 401, agent: 403, admin: 403, partnerA: 'pass', partnerB: 'pass', revokedPartner: 401, ...BAD_TOKENS };
const everyone = (outcome: Outcome): Grant => Object.fromEntries(PRINCIPALS.map((p) => [p, outcome])) as Grant;
/** No credential is needed, and none changes the answer. */
const PUBLIC = everyone('pass');
/** Twilio's webhooks: only a valid X-Twilio-Signature opens them, never an agent's or partner's credential. */
const TWILIO_SIGNED = everyone(403);
/** `POST /webhooks/email` and `GET /metrics`: their own bearer secret (EMAIL_WEBHOOK_TOKEN, METRICS_TOKEN). */
const BEARER_SECRET = everyone(401);

const ROUTES: Record<string, Grant> = {
  'POST /api/auth/login': PUBLIC,
  'GET /health': PUBLIC,
  'GET /health/ready': PUBLIC,
  'GET /metrics': BEARER_SECRET,
  'GET /widget.js': PUBLIC,
  'GET /chat-demo': PUBLIC,
  // The inbox web app's page and its built files; everything it shows comes from the agent API.
  'GET /': PUBLIC,
  'GET /assets/:file': PUBLIC,
  'GET /api/docs': PUBLIC,
  'GET /api/docs/': PUBLIC,
  'GET /api/docs/*': PUBLIC,
  'GET /api/docs/LICENSE': PUBLIC,
  'GET /api/docs/docs/*': PUBLIC,
  'GET /api/docs/docs/swagger-ui-init.js': PUBLIC,
  'GET /api/docs/index.html': PUBLIC,
  'GET /api/docs/swagger-ui-init.js': PUBLIC,
  'GET /api/docs-json': PUBLIC,
  'GET /api/docs-yaml': PUBLIC,
  'POST /webhooks/twilio/sms': TWILIO_SIGNED,
  'POST /webhooks/twilio/status': TWILIO_SIGNED,
  'POST /webhooks/email': BEARER_SECRET,
  'POST /api/call-logs': PARTNERS,
  'GET /api/partner/tasks': PARTNERS,
  'GET /api/conversations': AGENTS,
  'GET /api/conversations/:id': AGENTS,
  'PATCH /api/conversations/:id': AGENTS,
  'POST /api/conversations/:id/messages': AGENTS,
  'POST /api/conversations/:id/typing': AGENTS,
  'GET /api/customers': AGENTS,
  'GET /api/customers/:id': AGENTS,
  'PATCH /api/customers/:id': AGENTS,
  'GET /api/customers/:id/interactions': AGENTS,
  'GET /api/customers/:id/events': AGENTS,
  'POST /api/customers/:id/events': AGENTS,
  'GET /api/customers/:id/lifecycle': AGENTS,
  'GET /api/customers/:id/activity': AGENTS,
  'POST /api/customers/:id/defection': AGENTS,
  'POST /api/conversations/:id/csat': AGENTS,
  'GET /api/reports/retention': AGENTS,
  'POST /api/customers/:id/merge': AGENTS,
  'PATCH /api/interactions/:id': AGENTS,
  'GET /api/attachments/:id': AGENTS,
  'GET /api/accounts': AGENTS,
  'POST /api/accounts': AGENTS,
  'GET /api/accounts/:id': AGENTS,
  'GET /api/tasks': AGENTS,
  'POST /api/tasks': AGENTS,
  'PATCH /api/tasks/:id': AGENTS,
  'GET /api/agents': ADMINS,
  'POST /api/agents': ADMINS,
  'PATCH /api/agents/:id': ADMINS,
  'GET /api/partners': ADMINS,
  'POST /api/partners': ADMINS,
  'POST /api/partners/:id/rotate-key': ADMINS,
  'DELETE /api/partners/:id': ADMINS,
  'GET /api/admin/failed-jobs': ADMINS,
  'POST /api/admin/failed-jobs/:id/retry': ADMINS,
  'POST /api/admin/retention-scan': ADMINS,
};

/** socket.io namespaces: `pass` is a connection, 401 a `connect_error` "unauthorized". */
const NAMESPACES: Record<string, Record<Principal, 'pass' | 401>> = {
  '/agents': { ...AGENTS, partnerA: 401, partnerB: 401 } as Record<Principal, 'pass' | 401>,
  '/chat': everyone('pass') as Record<Principal, 'pass' | 401>,
};

/** An id no row has: a passing caller gets a 404 or a 400, never someone's data. */
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

describe('authorization matrix: every route and namespace, every kind of caller', () => {
  let hub: Hub;
  let served: { routes: string[]; namespaces: string[] };
  const credentials = {} as Record<Principal, Record<string, string>>;
  const secrets: string[] = [];
  let partnerA: { id: string; apiKey: string };
  let partnerB: { id: string; apiKey: string };

  beforeAll(async () => {
    hub = await Hub.start({
      name: 'security_matrix',
      redisDb: 'private',
      // debug: the most the hub ever logs, for the secrets test at the end.
      env: { LOG_LEVEL: 'debug', EMAIL_WEBHOOK_TOKEN: 'email-webhook-secret-0123456789', METRICS_TOKEN: 'metrics-secret-0123456789' },
    });
    const line = hub.api.log.split('\n').find((l) => l.includes('"routes mapped"'));
    if (!line) throw new Error('the api logged no "routes mapped" line');
    served = JSON.parse(line) as typeof served;

    const admin = await login(hub.api.url);
    const agentPassword = 'matrix-agent-password-1';
    const agent = await request<{ id: string }>(hub.api.url, 'POST', '/api/agents', {
      body: { email: 'agent@matrix.test', name: 'Agent', password: agentPassword, role: 'agent' },
      headers: bearer(admin),
    });
    expect(agent.status).toBe(201);
    const agentToken = await login(hub.api.url, { email: 'agent@matrix.test', password: agentPassword });
    partnerA = await createPartner(hub.api.url, admin, 'Partner A');
    partnerB = await createPartner(hub.api.url, admin, 'Partner B');
    const revoked = await createPartner(hub.api.url, admin, 'Revoked Partner');
    expect((await request(hub.api.url, 'DELETE', `/api/partners/${revoked.id}`, { headers: bearer(admin) })).status).toBe(204);

    const adminId = (await hub.db.query<{ id: string }>('SELECT id FROM agents WHERE email = $1', [ADMIN.email])).rows[0].id;
    const claims = accessClaims(adminId);
    const secret = hub.env.JWT_SECRET;
    const { exp: _exp, ...withoutExp } = claims;
    const tokens = {
      expiredToken: handMadeToken({ ...claims, iat: claims.iat - 7200, exp: claims.iat - 60 }, { secret }),
      forgedToken: handMadeToken(claims, { secret: 'not-the-hub-secret-0123456789abcdef' }),
      algNoneToken: handMadeToken(claims, { alg: 'none' }),
      tokenWithoutExp: handMadeToken(withoutExp, { secret }),
      tokenForAnotherAudience: handMadeToken({ ...claims, aud: 'some-other-service' }, { secret }),
    };
    Object.assign(credentials, {
      anonymous: {},
      agent: bearer(agentToken),
      admin: bearer(admin),
      partnerA: { 'x-api-key': partnerA.apiKey },
      partnerB: { 'x-api-key': partnerB.apiKey },
      revokedPartner: { 'x-api-key': revoked.apiKey },
      ...Object.fromEntries(Object.entries(tokens).map(([name, token]) => [name, bearer(token)])),
    });
    secrets.push(
      ADMIN.password,
      agentPassword,
      admin,
      agentToken,
      partnerA.apiKey,
      partnerB.apiKey,
      revoked.apiKey,
      ...Object.values(tokens),
      secret,
      TWILIO_AUTH_TOKEN,
      hub.env.EMAIL_WEBHOOK_TOKEN,
      hub.env.METRICS_TOKEN,
    );
  });
  afterAll(() => hub?.stop());

  it('has a row for every route the api serves, and no row for a route it does not', () => {
    expect(served.routes.filter((route) => !(route in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((route) => !served.routes.includes(route))).toEqual([]);
    expect(served.namespaces.filter((ns) => !(ns in NAMESPACES))).toEqual([]);
    expect(Object.keys(NAMESPACES).filter((ns) => !served.namespaces.includes(ns))).toEqual([]);
  });

  /** One call to a route as the router names it: ids filled in, `{}` as the body of a write. */
  function callRoute(route: string, who: Principal) {
    const [method, pattern] = route.split(' ');
    const path = pattern.replace(/:\w+/g, NO_SUCH_ID).replace(/\*/g, 'x');
    const body = method === 'GET' || method === 'DELETE' ? undefined : {};
    return request(hub.api.url, method, path, { body, headers: credentials[who] }).catch(async () => {
      // Not JSON (a page, a script, TwiML): the status is all this test reads.
      const response = await fetch(`${hub.api.url}${path}`, {
        method,
        headers: { ...(body && { 'content-type': 'application/json' }), ...credentials[who] },
        body: body && JSON.stringify(body),
      });
      await response.arrayBuffer();
      return { status: response.status, body: undefined };
    });
  }

  const outcomeOf = (status: number): Outcome | number =>
    status === 401 || status === 403 ? status : status >= 500 || status === 429 ? status : 'pass';

  it.each(Object.keys(ROUTES))('%s: each caller gets exactly what the contract grants', async (route) => {
    const got: Record<string, Outcome | number> = {};
    for (const who of PRINCIPALS) got[who] = outcomeOf((await callRoute(route, who)).status);
    expect(got).toEqual(ROUTES[route]);
  });

  it.each(Object.keys(NAMESPACES))('namespace %s: each caller connects or is refused as granted', async (namespace) => {
    const got: Record<string, 'pass' | 401 | string> = {};
    for (const who of PRINCIPALS) {
      const credential = credentials[who];
      const token = credential.authorization?.replace(/^Bearer /, '') ?? credential['x-api-key'];
      got[who] = await new Promise((resolve) => {
        const socket = io(`${hub.api.url}${namespace}`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false });
        socket.once('connect', () => (socket.close(), resolve('pass')));
        socket.once('connect_error', (error) => (socket.close(), resolve(error.message === 'unauthorized' ? 401 : error.message)));
      });
    }
    expect(got).toEqual(NAMESPACES[namespace]);
  });

  describe("object-level: partner A never reads or changes partner B's tasks or call logs", () => {
    let taskOfB: { id: string };
    let customerId: string;
    let phone: string;

    beforeAll(async () => {
      const admin = credentials.admin;
      phone = '+15557770001';
      const logged = await request(hub.api.url, 'POST', '/api/call-logs', {
        body: callLog(1, { externalId: 'shared-external-id', customerPhone: phone, notes: 'B only' }),
        headers: credentials.partnerB,
      });
      expect(logged.status).toBe(202);
      customerId = await waitFor('B’s call log stored', async () => {
        const { rows } = await hub.db.query<{ customer_id: string }>(
          "SELECT customer_id FROM interactions WHERE external_id = 'shared-external-id'",
        );
        return rows[0]?.customer_id;
      });
      const task = await request<{ id: string }>(hub.api.url, 'POST', '/api/tasks', {
        body: { customerId, reason: 'Call back about the renewal', partnerId: partnerB.id },
        headers: admin,
      });
      expect(task.status).toBe(201);
      taskOfB = task.body;
    });

    it("lists only a partner's own tasks", async () => {
      const ofB = await request<{ items: Array<{ id: string }> }>(hub.api.url, 'GET', '/api/partner/tasks', {
        headers: credentials.partnerB,
      });
      expect(ofB.body.items.map((t) => t.id)).toEqual([taskOfB.id]);
      for (const query of ['', '?status=open', `?partnerId=${partnerB.id}`, `?customerId=${customerId}`]) {
        const ofA = await request<{ items: unknown[] }>(hub.api.url, 'GET', `/api/partner/tasks${query}`, {
          headers: credentials.partnerA,
        });
        // A filter the partner route does not take is refused; none shows B's task.
        expect(ofA.status === 400 || (ofA.status === 200 && ofA.body.items.length === 0)).toBe(true);
      }
    });

    it("refuses A's call log closing B's task, and leaves the task as it was", async () => {
      const refused = await request<{ errors: unknown[] }>(hub.api.url, 'POST', '/api/call-logs', {
        body: [callLog(2, { customerPhone: phone, taskId: taskOfB.id })],
        headers: credentials.partnerA,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ path: '[0].taskId', message: 'taskId must be a task assigned to your call centre' }]);
      const tasks = await request<{ items: Array<{ id: string; status: string }> }>(
        hub.api.url,
        'GET',
        `/api/tasks?partnerId=${partnerB.id}`,
        {
          headers: credentials.admin,
        },
      );
      expect(tasks.body.items).toEqual([expect.objectContaining({ id: taskOfB.id, status: 'open', partnerId: partnerB.id })]);
      // A's routes by id for B's task are agent routes: refused outright.
      for (const [method, path] of [
        ['PATCH', `/api/tasks/${taskOfB.id}`],
        ['GET', `/api/customers/${customerId}`],
      ]) {
        const answer = await request(hub.api.url, method, path, {
          body: method === 'PATCH' ? { status: 'done' } : undefined,
          headers: credentials.partnerA,
        });
        expect(answer.status).toBe(403);
      }
    });

    it("keeps call logs' idempotency per partner: A's call with B's externalId is A's own, and B's is unchanged", async () => {
      const mine = await request(hub.api.url, 'POST', '/api/call-logs', {
        body: callLog(3, { externalId: 'shared-external-id', customerPhone: '+15557770002', notes: 'A only' }),
        headers: credentials.partnerA,
      });
      expect(mine).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });
      await waitFor(
        'A’s call log stored',
        async () => (await hub.count("SELECT count(*) AS n FROM interactions WHERE external_id = 'shared-external-id'")) === 2,
      );
      const { rows } = await hub.db.query<{ text: string; partner: string }>(
        "SELECT text, metadata->>'partnerId' AS partner FROM interactions WHERE external_id = 'shared-external-id' ORDER BY text",
      );
      expect(rows).toEqual([
        { text: 'A only', partner: partnerA.id },
        { text: 'B only', partner: partnerB.id },
      ]);
    });
  });

  it('records when each key was last used, and never shows a key or its hash', async () => {
    const listed = await request<Array<{ name: string; lastUsedAt: string | null; active: boolean }>>(hub.api.url, 'GET', '/api/partners', {
      headers: credentials.admin,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.map(({ name, active, lastUsedAt }) => ({ name, active, used: lastUsedAt !== null }))).toEqual([
      { name: 'Partner A', active: true, used: true },
      { name: 'Partner B', active: true, used: true },
      { name: 'Revoked Partner', active: false, used: false },
    ]);
    const text = JSON.stringify(listed.body);
    for (const key of [partnerA.apiKey, partnerB.apiKey, credentials.revokedPartner['x-api-key']]) expect(text).not.toContain(key);
    expect(text).not.toMatch(/hash|apiKey/i);
  });

  // Last: the logs now hold a whole run over every route, namespace and credential.
  it('never writes a password, token, key or secret it was given to any log', async () => {
    const logs = [...hub.apis.map((api) => api.log), hub.worker!.log].join('\n');
    expect(logs).toContain('/api/conversations');
    const leaked = secrets.filter((secret) => logs.includes(secret));
    expect(leaked).toEqual([]);
  });
});
