import { Inject, Logger, Module, type DynamicModule, type InjectionToken, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

/** The process's general Redis client: producers and health checks. */
export const REDIS = Symbol('REDIS');

export interface RedisOptions {
  useFactory: (...deps: never[]) => string;
  inject: InjectionToken[];
}

/**
 * Fails fast while Redis is down (no offline queue, one retry per command): a webhook should get
 * a 503 it can retry, not hang until its sender times out.
 */
export function connectProducer(url: string): Redis {
  return reportConnectionState(new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }), 'Redis');
}

/**
 * One warning when a Redis connection is lost and one line when it is back. Without a listener,
 * ioredis prints an unstructured "Unhandled error event" to stderr at every reconnect attempt.
 */
export function reportConnectionState(redis: Redis, name: string): Redis {
  const logger = new Logger(name);
  let lost = false;
  redis.on('error', (error: Error) => {
    if (lost) return;
    lost = true;
    logger.warn(`connection to Redis lost (${error.message}); reconnecting`);
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.log('connection to Redis restored');
  });
  return redis;
}

@Module({})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRootAsync({ useFactory, inject }: RedisOptions): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [{ provide: REDIS, useFactory: (...deps: never[]) => connectProducer(useFactory(...deps)), inject }],
      exports: [REDIS],
    };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
