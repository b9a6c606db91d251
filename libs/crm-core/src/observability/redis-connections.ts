import type { EventEmitter } from 'node:events';
import type { Logger } from '@nestjs/common';
import type { RedisClient } from '../redis/redis-target';
import type { DependencyOutage } from './dependency-outage';

/** An ioredis client of ours: its errors are the outage's, never ioredis' "Unhandled error event". */
export function watchRedisClient<C extends RedisClient>(client: C, outage: DependencyOutage): C {
  client.on('error', (error: unknown) => outage.failed(client, error));
  // A lost connection that comes back at the first retry raises no error; it is an outage all the same.
  client.on('reconnecting', () => outage.failed(client, CONNECTION_LOST));
  client.on('ready', () => outage.connected(client));
  client.on('end', () => outage.closed(client));
  return client;
}

/** A BullMQ Queue or Worker: both re-emit their connections' errors, and BullMQ prints them when nobody listens. */
export interface BullMqInstance extends EventEmitter {
  readonly name: string;
  getBackend(): EventEmitter;
}

/**
 * BullMQ owns these connections (a queue's, a worker's and its blocking one); its backend reports
 * their reconnects. An error that is not about the connection (a lost job lock, say) is logged as it is.
 */
export function watchBullMq(instance: BullMqInstance, outage: DependencyOutage, logger: Logger): void {
  const backend = instance.getBackend();
  backend.on('ready', () => outage.connected(backend));
  // BullMQ's name for "a connection closed while the queue or worker was not closing".
  instance.on('ioredis:close', () => outage.failed(backend, CONNECTION_LOST));
  instance.on('error', (error: unknown) => {
    if (isConnectionError(error)) outage.failed(backend, error);
    else logger.error({ queue: instance.name, err: error, msg: `BullMQ error on ${instance.name}` });
  });
}

const CONNECTION_LOST = new Error('connection lost, reconnecting');

/** Socket-level failures and ioredis' own "the connection is gone" errors. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
const CONNECTION_ERROR_MESSAGES = [/^Connection is closed\.?$/, /Stream isn't writeable/, /^Reached the max retries per request limit/];

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  return CONNECTION_ERROR_MESSAGES.some((pattern) => pattern.test(error.message));
}
