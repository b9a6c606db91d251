import { Inject, Logger, Module, type DynamicModule, type InjectionToken, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { REDIS_OUTAGE } from '../redis/redis.module';
import { discoverQueues, discoverWorkers, uniqueByName } from './bullmq-instances';
import type { DependencyOutage } from './dependency-outage';
import { HubMetrics } from './hub-metrics';
import { METRICS_TOKEN, MetricsController } from './metrics.controller';
import { watchBullMq } from './redis-connections';

export interface ObservabilityOptions {
  /** `METRICS_TOKEN`: when set, scrapes must send it as a bearer token. */
  useFactory: (...deps: never[]) => string | undefined;
  inject: InjectionToken[];
}

/**
 * `GET /metrics` for either app, and the process's BullMQ queues and workers reporting their
 * Redis connections to the one outage log.
 */
@Module({})
export class ObservabilityModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('BullMQ');

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(REDIS_OUTAGE) private readonly outage: DependencyOutage,
  ) {}

  static forRootAsync({ useFactory, inject }: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [DiscoveryModule],
      controllers: [MetricsController],
      providers: [
        { provide: METRICS_TOKEN, useFactory, inject },
        {
          provide: HubMetrics,
          // Queues are all created with the module graph; look them up once, at the first scrape.
          useFactory: (discovery: DiscoveryService) => {
            let queues: ReturnType<typeof discoverQueues> | undefined;
            return new HubMetrics(() => (queues ??= uniqueByName(discoverQueues(discovery))));
          },
          inject: [DiscoveryService],
        },
      ],
      exports: [HubMetrics],
    };
  }

  onApplicationBootstrap(): void {
    for (const instance of [...discoverQueues(this.discovery), ...discoverWorkers(this.discovery)]) {
      watchBullMq(instance, this.outage, this.logger);
    }
  }
}
