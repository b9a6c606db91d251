import { AgentSocket, bearer, callLog, createPartner, login, request, type JsonResponse } from '../../support/clients';
import { ADMIN, Hub } from '../../support/hub';
import { accessClaims, handMadeToken } from '../../support/tokens';
import { waitFor } from '../../support/wait-for';

const LIMITS = { RATE_LIMIT_PARTNER_PER_KEY: '5', RATE_LIMIT_PARTNER_PER_ADDRESS: '8', RATE_LIMIT_WEBHOOKS_PER_ADDRESS: '6' };

/**
 * Rate limits, lockout, key rotation and token revocation, each across two api instances: every
 * count and every revocation is in Redis or PostgreSQL, never in one process's memory. With
 * TRUST_PROXY the client address is X-Forwarded-For's, so one test process can be many clients.
 */
describe('limits and credentials across two api instances', () => {
  let hub: Hub;
  let admin: string;
  let addresses = 0;
  /** A client address no earlier request used. */
  const freshAddress = () => `198.51.100.${++addresses}`;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'security_limits', redisDb: 'private', apis: 2, worker: false, env: { TRUST_PROXY: 'true', ...LIMITS } });
    admin = await login(hub.api.url);
  });
  afterAll(() => hub?.stop());

  /** Alternates between the two instances, so no single process sees every request. */
  let turn = 0;
  const anyApi = () => hub.apis[turn++ % 2].url;
  const loginAs = (email: string, password: string, address: string, base = anyApi()) =>
    request<{ statusCode: number; message: string }>(base, 'POST', '/api/auth/login', {
      body: { email, password },
      headers: { 'x-forwarded-for': address },
    });
  const loginWithHeaders = async (email: string, password: string, address: string) => {
    const response = await fetch(`${anyApi()}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ email, password }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };

  async function newAgent(email: string, password: string): Promise<string> {
    const created = await request<{ id: string }>(hub.api.url, 'POST', '/api/agents', {
      body: { email, name: email, password, role: 'agent' },
      headers: bearer(admin),
    });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  describe('login', () => {
    it('answers an unknown email exactly as a wrong password, after comparable work', async () => {
      await newAgent('timing@limits.test', 'timing-password-1');
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 6; i++) {
        for (const [email, times] of [
          ['timing@limits.test', known],
          [`nobody-${i}@limits.test`, unknown],
        ] as const) {
          const started = performance.now();
          const answer = await loginAs(email, 'a-wrong-password', freshAddress());
          times.push(performance.now() - started);
          expect(answer).toEqual({ status: 401, body: { statusCode: 401, message: 'Invalid email or password' } });
        }
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      // Without the dummy verification an unknown email answered in a fraction of argon2's time.
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    });

    it('locks an email after 10 failures in 15 minutes, counted across instances, the right password included', async () => {
      await newAgent('locked@limits.test', 'locked-password-1');
      for (let i = 0; i < 10; i++) expect((await loginAs('locked@limits.test', `wrong-${i}`, freshAddress())).status).toBe(401);
      const refused = await loginWithHeaders('Locked@Limits.test', 'locked-password-1', freshAddress());
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ statusCode: 429, message: expect.stringContaining('Too many failed logins') });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      // Another agent logs in from any address meanwhile.
      expect((await loginAs(ADMIN.email, ADMIN.password, freshAddress())).status).toBe(200);
    });

    it('locks an unknown email the same way', async () => {
      for (let i = 0; i < 10; i++) expect((await loginAs('ghost@limits.test', `wrong-${i}`, freshAddress())).status).toBe(401);
      expect((await loginAs('ghost@limits.test', 'anything', freshAddress())).status).toBe(429);
    });

    it('locks a client address after 10 failures over any emails; other addresses log in', async () => {
      const address = freshAddress();
      for (let i = 0; i < 10; i++) expect((await loginAs(`spray-${i}@limits.test`, 'guess', address)).status).toBe(401);
      expect((await loginAs(ADMIN.email, ADMIN.password, address)).status).toBe(429);
      expect((await loginAs(ADMIN.email, ADMIN.password, freshAddress())).status).toBe(200);
    });

    it('does not count a successful login as a failure', async () => {
      await newAgent('steady@limits.test', 'steady-password-1');
      const address = freshAddress();
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 3; i++) expect((await loginAs('steady@limits.test', 'wrong', address)).status).toBe(401);
        expect((await loginAs('steady@limits.test', 'steady-password-1', address)).status).toBe(200);
      }
      // 9 failures and 3 successes: one failure more is still allowed, the next is not.
      expect((await loginAs('steady@limits.test', 'wrong', address)).status).toBe(401);
      expect((await loginAs('steady@limits.test', 'steady-password-1', address)).status).toBe(429);
    });
  });

  describe('partner API and webhooks', () => {
    it('limits requests per key and per address, across instances, with a JSON 429 and Retry-After', async () => {
      const c = await createPartner(hub.api.url, admin, 'Partner C');
      const d = await createPartner(hub.api.url, admin, 'Partner D');
      const address = freshAddress();
      const asPartner = (key: string, from: string, n: number) =>
        fetch(`${anyApi()}/api/call-logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key, 'x-forwarded-for': from },
          body: JSON.stringify(callLog(n)),
        });
      for (let i = 0; i < 5; i++) expect((await asPartner(c.apiKey, address, i)).status).toBe(202);
      const overKey = await asPartner(c.apiKey, address, 5);
      expect(overKey.status).toBe(429);
      expect(await overKey.json()).toEqual({ statusCode: 429, message: expect.stringContaining('for this API key') });
      expect(Number(overKey.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(overKey.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      // D's own budget is untouched, but the address has had 6 of its 8.
      expect((await asPartner(d.apiKey, address, 10)).status).toBe(202);
      expect((await asPartner(d.apiKey, address, 11)).status).toBe(202);
      const overAddress = await asPartner(d.apiKey, address, 12);
      expect(overAddress.status).toBe(429);
      expect(await overAddress.json()).toEqual({ statusCode: 429, message: expect.stringContaining('from this address') });
      expect((await asPartner(d.apiKey, freshAddress(), 13)).status).toBe(202);
    });

    it('limits the webhooks per address, signed or not', async () => {
      const address = freshAddress();
      const twilio = (from: string) =>
        request(anyApi(), 'POST', '/webhooks/twilio/sms', { rawBody: '{}', headers: { 'x-forwarded-for': from } }) as Promise<JsonResponse>;
      for (let i = 0; i < 6; i++) expect((await twilio(address)).status).toBe(403);
      expect(await twilio(address)).toEqual({
        status: 429,
        body: { statusCode: 429, message: expect.stringContaining('from this address') },
      });
      expect((await twilio(freshAddress())).status).toBe(403);
    });

    it('counts webhooks that arrive together one by one: exactly the allowance gets through', async () => {
      const address = freshAddress();
      // Sent at once to one instance, they share one count in Redis; each still gets its own place.
      const statuses = await Promise.all(
        Array.from({ length: 9 }, async () => {
          const answer = (await request(hub.api.url, 'POST', '/webhooks/twilio/sms', {
            rawBody: '{}',
            headers: { 'x-forwarded-for': address },
          })) as JsonResponse;
          return answer.status;
        }),
      );
      expect(statuses.filter((status) => status === 403)).toHaveLength(6);
      expect(statuses.filter((status) => status === 429)).toHaveLength(3);
    });

    it('does not echo the signed URL in the 403 for a bad Twilio signature', async () => {
      const refused = await request(hub.api.url, 'POST', '/webhooks/twilio/sms', {
        rawBody: '{}',
        headers: { 'x-forwarded-for': freshAddress() },
      });
      expect(refused).toEqual({
        status: 403,
        body: { statusCode: 403, message: 'X-Twilio-Signature is missing or does not match this request' },
      });
    });
  });

  describe('partner keys', () => {
    it('rotates a key: the new one works on every instance, the old one nowhere', async () => {
      const partner = await createPartner(hub.api.url, admin, 'Rotating Partner');
      const rotated = await request<{ id: string; name: string; apiKey: string }>(
        hub.apis[1].url,
        'POST',
        `/api/partners/${partner.id}/rotate-key`,
        {
          headers: bearer(admin),
        },
      );
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ id: partner.id, name: 'Rotating Partner', apiKey: expect.stringMatching(/^ohp_/) });
      expect(rotated.body.apiKey).not.toBe(partner.apiKey);
      for (const api of hub.apis) {
        const headers = (key: string) => ({ 'x-api-key': key, 'x-forwarded-for': freshAddress() });
        expect((await request(api.url, 'GET', '/api/partner/tasks', { headers: headers(partner.apiKey) })).status).toBe(401);
        expect((await request(api.url, 'GET', '/api/partner/tasks', { headers: headers(rotated.body.apiKey) })).status).toBe(200);
      }
      const listed = await request<Array<{ id: string; keyRotatedAt: string | null }>>(hub.api.url, 'GET', '/api/partners', {
        headers: bearer(admin),
      });
      expect(listed.body.find((p) => p.id === partner.id)?.keyRotatedAt).toEqual(expect.any(String));
      expect(JSON.stringify(listed.body)).not.toContain(rotated.body.apiKey);
    });

    it('revokes a partner: 204, its key refused everywhere, its call logs kept; again or unknown is 404', async () => {
      const partner = await createPartner(hub.api.url, admin, 'Leaving Partner');
      const headers = () => ({ 'x-api-key': partner.apiKey, 'x-forwarded-for': freshAddress() });
      expect((await request(hub.api.url, 'POST', '/api/call-logs', { body: callLog(100), headers: headers() })).status).toBe(202);
      const revoked = await fetch(`${hub.apis[1].url}/api/partners/${partner.id}`, { method: 'DELETE', headers: bearer(admin) });
      expect(revoked.status).toBe(204);
      expect(await revoked.text()).toBe('');
      for (const api of hub.apis) {
        expect((await request(api.url, 'POST', '/api/call-logs', { body: callLog(101), headers: headers() })).status).toBe(401);
        expect((await request(api.url, 'GET', '/api/partner/tasks', { headers: headers() })).status).toBe(401);
      }
      const listed = await request<Array<{ id: string; active: boolean; revokedAt: string | null }>>(hub.api.url, 'GET', '/api/partners', {
        headers: bearer(admin),
      });
      expect(listed.body.find((p) => p.id === partner.id)).toMatchObject({ active: false, revokedAt: expect.any(String) });
      for (const [method, path] of [
        ['DELETE', `/api/partners/${partner.id}`],
        ['POST', `/api/partners/${partner.id}/rotate-key`],
        ['DELETE', '/api/partners/00000000-0000-4000-8000-000000000000'],
      ]) {
        expect(await request(hub.api.url, method, path, { headers: bearer(admin) })).toEqual({
          status: 404,
          body: { statusCode: 404, message: expect.stringContaining('not found') },
        });
      }
      const badId = await request<{ message: string }>(hub.api.url, 'DELETE', '/api/partners/not-a-uuid', { headers: bearer(admin) });
      expect(badId.status).toBe(400);
      expect(await hub.count('SELECT count(*) AS n FROM partners WHERE id = $1 AND NOT active', [partner.id])).toBe(1);
    });
  });

  describe('access tokens', () => {
    const onEveryApi = async (token: string) =>
      Promise.all(hub.apis.map(async (api) => (await request(api.url, 'GET', '/api/conversations', { headers: bearer(token) })).status));

    it('a password change ends the tokens issued before and drops the open sockets on every instance', async () => {
      const id = await newAgent('changing@limits.test', 'first-password-1');
      const token = await login(hub.api.url, { email: 'changing@limits.test', password: 'first-password-1' });
      const sockets = hub.apis.map((api) => new AgentSocket(api.url, token));
      try {
        await Promise.all(sockets.map((s) => s.connected()));
        expect(await onEveryApi(token)).toEqual([200, 200]);
        const changed = await request(hub.apis[1].url, 'PATCH', `/api/agents/${id}`, {
          body: { password: 'second-password-2' },
          headers: bearer(admin),
        });
        expect(changed.status).toBe(200);
        expect(await onEveryApi(token)).toEqual([401, 401]);
        await waitFor('both sockets dropped', () => sockets.every((s) => !s.socket.connected));
        // The old token no longer opens a socket either; the new password gives a working one.
        const again = new AgentSocket(hub.api.url, token);
        await expect(again.connected()).rejects.toThrow('unauthorized');
        again.close();
        expect((await loginAs('changing@limits.test', 'first-password-1', freshAddress())).status).toBe(401);
        const fresh = await login(hub.api.url, { email: 'changing@limits.test', password: 'second-password-2' });
        expect(await onEveryApi(fresh)).toEqual([200, 200]);
      } finally {
        sockets.forEach((s) => s.close());
      }
    });

    it('disabling an agent ends its tokens and sockets; enabling it again does not bring the old token back', async () => {
      const id = await newAgent('leaving@limits.test', 'leaving-password-1');
      const token = await login(hub.api.url, { email: 'leaving@limits.test', password: 'leaving-password-1' });
      const socket = new AgentSocket(hub.apis[1].url, token);
      try {
        await socket.connected();
        expect((await request(hub.api.url, 'PATCH', `/api/agents/${id}`, { body: { active: false }, headers: bearer(admin) })).status).toBe(
          200,
        );
        await waitFor('the socket dropped', () => !socket.socket.connected);
        expect(await onEveryApi(token)).toEqual([401, 401]);
        expect((await request(hub.api.url, 'PATCH', `/api/agents/${id}`, { body: { active: true }, headers: bearer(admin) })).status).toBe(
          200,
        );
        expect(await onEveryApi(token)).toEqual([401, 401]);
      } finally {
        socket.close();
      }
    });

    it('closes a socket when its token expires', async () => {
      const adminId = (await hub.db.query<{ id: string }>('SELECT id FROM agents WHERE email = $1', [ADMIN.email])).rows[0].id;
      const now = Math.floor(Date.now() / 1000);
      const shortLived = handMadeToken({ ...accessClaims(adminId, now), exp: now + 3 }, { secret: hub.env.JWT_SECRET });
      const socket = new AgentSocket(hub.apis[1].url, shortLived);
      try {
        await socket.connected();
        const disconnected = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
        expect(await disconnected).toBe('io server disconnect');
        expect(Date.now()).toBeGreaterThanOrEqual((now + 3) * 1000 - 50);
      } finally {
        socket.close();
      }
    });

    it('carries iss, aud and exp in every token it issues', async () => {
      const [, payload] = admin.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ iss: 'omnihub', aud: 'omnihub-agents', exp: expect.any(Number), iat: expect.any(Number) });
      expect(claims.exp as number).toBeLessThanOrEqual((claims.iat as number) + 12 * 3600);
      expect(JSON.parse(Buffer.from(admin.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    });
  });

  describe('headers', () => {
    it('sends helmet’s headers on every answer, and a strict policy on the pages that run script', async () => {
      for (const path of ['/health', '/api/conversations', '/chat-demo', '/widget.js', '/api/docs']) {
        const response = await fetch(`${hub.api.url}${path}`);
        await response.arrayBuffer();
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      }
      const demo = await fetch(`${hub.api.url}/chat-demo`);
      await demo.text();
      const policy = demo.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      const json = await fetch(`${hub.api.url}/api/conversations`);
      await json.text();
      expect(json.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
      // The widget is embedded by other sites: its script may be read cross-origin.
      const widget = await fetch(`${hub.api.url}/widget.js`);
      await widget.text();
      expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    });
  });
});
