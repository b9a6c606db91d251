import { Global, Module } from '@nestjs/common';
import { WorkerConfig } from './worker-config';

/** The one place the worker reads `process.env`; everything else injects `WorkerConfig`. */
@Global()
@Module({
  providers: [{ provide: WorkerConfig, useFactory: () => WorkerConfig.fromEnvironment(process.env) }],
  exports: [WorkerConfig],
})
export class ConfigModule {}
