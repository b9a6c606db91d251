import { Global, Module } from '@nestjs/common';
import { ApiConfig } from './api-config';

let loaded: ApiConfig | undefined;

/**
 * The one place the api reads `process.env`, once; everything else injects `ApiConfig` (main.ts
 * reads it before the app exists, for the HTTP server's own options).
 */
export function loadApiConfig(): ApiConfig {
  return (loaded ??= ApiConfig.fromEnvironment(process.env));
}

@Global()
@Module({
  providers: [{ provide: ApiConfig, useFactory: loadApiConfig }],
  exports: [ApiConfig],
})
export class ConfigModule {}
