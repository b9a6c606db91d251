import { Global, Module } from '@nestjs/common';
import { ApiConfig } from './api-config';

/** The one place the api reads `process.env`; everything else injects `ApiConfig`. */
@Global()
@Module({
  providers: [{ provide: ApiConfig, useFactory: () => ApiConfig.fromEnvironment(process.env) }],
  exports: [ApiConfig],
})
export class ConfigModule {}
