import { Global, Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter.service';
import { RequestLimits } from './request-limits';

/** Rate limits counted in Redis, shared by every api instance. */
@Global()
@Module({ providers: [RateLimiter, RequestLimits], exports: [RateLimiter, RequestLimits] })
export class LimitsModule {}
