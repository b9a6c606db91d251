import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { ApiConfig } from './config/api-config';
import { ApiErrorFilter } from './http/api-error.filter';
import { contractValidationPipe } from './http/validation.pipe';
import { mountOpenApi } from './openapi';
import { RedisStreamsIoAdapter } from './realtime/redis-streams-io.adapter';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bodyParser: false, bufferLogs: true });
  const config = app.get(ApiConfig);
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '1mb' });
  // Twilio's webhooks are form-encoded; a few KB each.
  app.useBodyParser('urlencoded', { extended: false, limit: '256kb' });
  app.useGlobalPipes(contractValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter());
  app.useWebSocketAdapter(new RedisStreamsIoAdapter(app, config.shared.redisUrl));
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  mountOpenApi(app);
  await app.listen(config.port);
}

bootstrap().catch((error: unknown) => {
  // Configuration errors list every problem; print them plainly and stop.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
