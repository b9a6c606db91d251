import { createHash } from 'node:crypto';
import type { Channel } from './interaction';

/** Omnihub's own namespace for name-based interaction ids (RFC 9562 UUIDv5). */
const NAMESPACE = Buffer.from('6f6d6e69-6875-4b00-8000-696e74657261'.replace(/-/g, ''), 'hex');

/**
 * The interaction's id, chosen at the edge from the channel and the idempotency key: a
 * redelivery maps to the same id before anything is written, so an ack can carry it at once.
 */
export function interactionIdOf(channel: Channel, idempotencyKey: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${channel}:${idempotencyKey}`, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
