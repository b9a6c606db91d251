import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { HubMetrics } from './hub-metrics';

/** Times every response by its route pattern (`/api/conversations/:id`), never the raw URL. */
export function recordHttpMetrics(app: NestFastifyApplication): void {
  const metrics = app.get(HubMetrics);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (request, reply) => {
      metrics.observeHttpRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    });
}
