import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { WorkerConfig } from './config/worker-config';
import { WorkerModule } from './worker.module';

/** BullMQ processors plus `/health` and `/health/ready`; SIGTERM lets running jobs finish. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(WorkerModule, new FastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Exit 0 once the shutdown hooks are done, rather than re-raising SIGTERM (an exit code of 143
  // reads as a crash to supervisors and hides a real one).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(app.get(WorkerConfig).port, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
