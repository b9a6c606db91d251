import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header carries the metrics token. Without a configured token the
 * endpoint is open; compared in constant time so the token cannot be guessed byte by byte.
 */
export function metricsTokenAccepted(configured: string | undefined, authorization: string | undefined): boolean {
  if (configured === undefined) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1]), digest(configured));
}

const digest = (value: string) => createHash('sha256').update(value).digest();
