import { Controller, Get, Headers, Inject, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../http/public.decorator';
import { HubMetrics } from './hub-metrics';
import { metricsTokenAccepted } from './metrics-token';

export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

/** Prometheus' scrape target; outside the agents' JWT guard, behind `METRICS_TOKEN` when set. */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: HubMetrics,
    @Inject(METRICS_TOKEN) private readonly token: string | undefined,
  ) {}

  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description:
      'Prometheus text format: omnihub_queue_jobs, omnihub_ingest_lag_seconds, omnihub_http_request_duration_seconds, process metrics',
  })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the request lacks Authorization: Bearer <METRICS_TOKEN>' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (!metricsTokenAccepted(this.token, authorization)) {
      // The object is the whole body, as the api's own error filter would write it.
      throw new UnauthorizedException({ statusCode: 401, message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' });
    }
    await reply.header('content-type', this.metrics.contentType).send(await this.metrics.metrics());
  }
}
