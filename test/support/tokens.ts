import { createHmac } from 'node:crypto';

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A JWT made by hand, to show what the hub refuses: a wrong secret (forged), a claim missing or
 * wrong, or `alg: none` with no signature at all.
 */
export function handMadeToken(claims: Record<string, unknown>, options: { secret: string } | { alg: 'none' }): string {
  if ('alg' in options) return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', options.secret).update(unsigned).digest('base64url')}`;
}

/** The claims of an access token as the hub issues them, to tamper with one at a time. */
export function accessClaims(agentId: string, nowSeconds = Math.floor(Date.now() / 1000)) {
  return { sub: agentId, role: 'admin', ver: 0, iss: 'omnihub', aud: 'omnihub-agents', iat: nowSeconds, exp: nowSeconds + 3600 };
}
