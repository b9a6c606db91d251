import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { DependencyOutage } from '../observability/dependency-outage';
import { watchRedisClient } from '../observability/redis-connections';
import { reportRedisDurability } from '../observability/redis-durability';

/** The process's general Redis client: producers and health checks. */
export const REDIS = Symbol('REDIS');

/** The process's one record of Redis outages: every Redis connection reports to it. */
export const REDIS_OUTAGE = Symbol('REDIS_OUTAGE');

export interface RedisOptions {
  useFactory: (...deps: never[]) => string;
  inject: InjectionToken[];
}

/**
 * Fails fast while Redis is down (no offline queue, one retry per command): a webhook should get
 * a 503 it can retry, not hang until its sender times out.
 */
export function connectProducer(url: string, outage: DependencyOutage): Redis {
  return watchRedisClient(new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }), outage);
}

@Module({})
export class RedisModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRootAsync({ useFactory, inject }: RedisOptions): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        { provide: REDIS_OUTAGE, useFactory: () => new DependencyOutage('redis', new Logger('Redis')) },
        {
          provide: REDIS,
          useFactory: (outage: DependencyOutage, ...deps: never[]) => connectProducer(useFactory(...deps), outage),
          inject: [REDIS_OUTAGE, ...inject],
        },
      ],
      exports: [REDIS, REDIS_OUTAGE],
    };
  }

  /** Once connected: say whether this Redis keeps accepted jobs through a restart. */
  onApplicationBootstrap(): void {
    const check = () =>
      reportRedisDurability(this.redis, this.logger).catch((error: unknown) =>
        this.logger.warn({
          dependency: 'redis',
          durability: 'unknown',
          error: String(error),
          msg: 'could not read Redis persistence settings',
        }),
      );
    if (this.redis.status === 'ready') void check();
    else this.redis.once('ready', () => void check());
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
