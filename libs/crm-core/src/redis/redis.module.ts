import { BullModule, type RegisterQueueOptions } from '@nestjs/bullmq';
import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { Cluster, type RedisOptions as ClientOptions } from 'ioredis';
import { DependencyOutage } from '../observability/dependency-outage';
import { watchRedisClient } from '../observability/redis-connections';
import { reportRedisDurability } from '../observability/redis-durability';
import { QueueReplication } from './queue-replication';
import { createRedisClient, queuePrefix, type RedisClient, type RedisTarget } from './redis-target';
import { BULLMQ_CONNECTION, REDIS, REDIS_OUTAGE, REDIS_TARGET } from './redis.tokens';

export { BULLMQ_CONNECTION, REDIS, REDIS_OUTAGE, REDIS_TARGET } from './redis.tokens';

/**
 * How BullMQ's connections behave. A producer (the api) fails fast while Redis is down instead of
 * queueing commands in memory; a worker blocks on Redis and must ride out reconnects and
 * failovers, never giving up on a command.
 */
export const BULLMQ_PRODUCER: ClientOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
export const BULLMQ_WORKER: ClientOptions = { maxRetriesPerRequest: null };

export interface RedisOptions {
  useFactory: (...deps: never[]) => RedisTarget;
  inject: InjectionToken[];
  /** BULLMQ_PRODUCER or BULLMQ_WORKER. */
  bullmq: ClientOptions;
}

/**
 * Fails fast while Redis is down (no offline queue, one retry per command): a webhook should get
 * a 503 it can retry, not hang until its sender times out. Commands issued in the same tick (the
 * rate-limit hits of webhooks arriving together) share one write.
 */
export function connectProducer(target: RedisTarget, outage: DependencyOutage): RedisClient {
  return watchRedisClient(createRedisClient(target, { ...BULLMQ_PRODUCER, lazyConnect: false, enableAutoPipelining: true }), outage);
}

/**
 * BullMQ's connection. For one server, options: each queue and worker opens its own connection.
 * For a cluster, BullMQ needs a client: one per process, shared by its queues (each worker
 * duplicates it for its blocking commands), and closed here at shutdown, since BullMQ does not
 * close a client it was given.
 */
export function bullConnection(target: RedisTarget, options: ClientOptions): ConnectionOptions {
  if (target.kind === 'cluster') return createRedisClient(target, options);
  // ioredis' and BullMQ's option types differ only in how they spell a retry strategy's result.
  return { url: target.url, ...options } as ConnectionOptions;
}

/**
 * Registers BullMQ queues with the prefix their Redis needs (queuePrefix: hash-tagged on a
 * cluster), over BullModule.forRootAsync's connection; use it instead of BullModule.registerQueue.
 */
export function registerQueues(...queues: RegisterQueueOptions[]): DynamicModule {
  return BullModule.registerQueueAsync(
    ...queues.map(({ name, ...options }) => ({
      name,
      inject: [REDIS_TARGET],
      useFactory: (target: RedisTarget) => ({ ...options, prefix: queuePrefix(target, name!) }),
    })),
  );
}

@Module({})
export class RedisModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(BULLMQ_CONNECTION) private readonly bullmq: ConnectionOptions,
  ) {}

  static forRootAsync({ useFactory, inject, bullmq }: RedisOptions): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        { provide: REDIS_OUTAGE, useFactory: () => new DependencyOutage('redis', new Logger('Redis')) },
        { provide: REDIS_TARGET, useFactory, inject },
        {
          provide: REDIS,
          useFactory: (outage: DependencyOutage, target: RedisTarget) => connectProducer(target, outage),
          inject: [REDIS_OUTAGE, REDIS_TARGET],
        },
        {
          provide: BULLMQ_CONNECTION,
          useFactory: (outage: DependencyOutage, target: RedisTarget) => {
            const connection = bullConnection(target, bullmq);
            // BullMQ watches the connections it opens itself (ObservabilityModule); a cluster client
            // it is given is ours to watch.
            return connection instanceof Cluster ? watchRedisClient(connection, outage) : connection;
          },
          inject: [REDIS_OUTAGE, REDIS_TARGET],
        },
        QueueReplication,
      ],
      exports: [REDIS, REDIS_OUTAGE, REDIS_TARGET, BULLMQ_CONNECTION, QueueReplication],
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
    if (this.bullmq instanceof Cluster) this.bullmq.disconnect();
  }
}
