import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { recordHttpMetrics } from '@omnihub/crm-core';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { ApiConfig } from './config/api-config';
import { loadApiConfig } from './config/config.module';
import { ApiErrorFilter } from './http/api-error.filter';
import { recordRoutes } from './http/route-list';
import { applySecurityHeaders } from './http/security-headers';
import { contractValidationPipe } from './http/validation.pipe';
import { RequestLimits } from './limits/request-limits';
import { mountOpenApi } from './openapi';
import { RedisStreamsIoAdapter } from './realtime/redis-streams-io.adapter';

/** The contract's limit for JSON bodies (413 above it); Twilio's forms are far smaller. */
const JSON_BODY_LIMIT = 1024 * 1024;

async function bootstrap(): Promise<void> {
  // Fastify: on the webhook hot path Express' router and body parsers cost several times more.
  // Behind a proxy (TRUST_PROXY) the client address, which rate limits count by, is X-Forwarded-For's.
  const adapter = new FastifyAdapter({ bodyLimit: JSON_BODY_LIMIT, trustProxy: loadApiConfig().trustProxy });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, adapter, { bufferLogs: true });
  const config = app.get(ApiConfig);
  app.useLogger(app.get(Logger));
  const logRoutes = recordRoutes(app);
  applySecurityHeaders(app);
  app.getHttpAdapter().getInstance().addHook('onRequest', app.get(RequestLimits).onRequest);
  app.useGlobalPipes(contractValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter());
  recordHttpMetrics(app);
  const sockets = new RedisStreamsIoAdapter(app, config.shared.redis);
  app.useWebSocketAdapter(sockets);
  // SIGTERM: stop listening, let requests in flight finish, close the pools, then exit 0 (not
  // by re-raising the signal: a 143 reads as a crash to supervisors).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  mountOpenApi(app);
  await app.listen(config.port, '0.0.0.0');
  logRoutes(sockets.namespaces());
}

bootstrap().catch((error: unknown) => {
  // Configuration errors list every problem; print them plainly and stop.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
