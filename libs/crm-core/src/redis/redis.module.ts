import { Inject, Module, type DynamicModule, type InjectionToken, type OnApplicationShutdown } from '@nestjs/common';
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
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
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
