import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { recordHttpMetrics } from '@omnihub/crm-core';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { ApiConfig } from './config/api-config';
import { ApiErrorFilter } from './http/api-error.filter';
import { contractValidationPipe } from './http/validation.pipe';
import { mountOpenApi } from './openapi';
import { RedisStreamsIoAdapter } from './realtime/redis-streams-io.adapter';

/** The contract's limit for JSON bodies (413 above it); Twilio's forms are far smaller. */
const JSON_BODY_LIMIT = 1024 * 1024;

async function bootstrap(): Promise<void> {
  // Fastify: on the webhook hot path Express' router and body parsers cost several times more.
  const adapter = new FastifyAdapter({ bodyLimit: JSON_BODY_LIMIT });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, adapter, { bufferLogs: true });
  const config = app.get(ApiConfig);
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(contractValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter());
  recordHttpMetrics(app);
  app.useWebSocketAdapter(new RedisStreamsIoAdapter(app, config.shared.redis));
  // SIGTERM: stop listening, let requests in flight finish, close the pools, then exit 0 (not
  // by re-raising the signal: a 143 reads as a crash to supervisors).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  mountOpenApi(app);
  await app.listen(config.port, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  // Configuration errors list every problem; print them plainly and stop.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
