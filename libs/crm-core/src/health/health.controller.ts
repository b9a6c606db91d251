import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { REDIS } from '../redis/redis.module';
import type { RedisClient } from '../redis/redis-target';
import { Public } from '../http/public.decorator';

/** Liveness (the process answers) and readiness (PostgreSQL and Redis answer). */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  @Get()
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.db.query('SELECT 1');
            return {};
          })
          .withTimeout(2000),
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            await this.redis.ping();
            return {};
          })
          .withTimeout(2000),
    ]);
  }
}
