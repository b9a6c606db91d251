import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AgentsService, migrate } from '@omnihub/crm-core';
import { DataSource } from 'typeorm';
import { ApiConfig } from './config/api-config';

/** Before the api listens: the schema is current and there is someone who can log in. */
@Injectable()
export class StartupService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StartupService.name);

  constructor(
    private readonly config: ApiConfig,
    private readonly db: DataSource,
    private readonly agents: AgentsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.migrationsRun) await migrate(this.db);
    if (this.config.bootstrapAdmin) {
      const admin = await this.agents.bootstrapAdmin(this.config.bootstrapAdmin.email, this.config.bootstrapAdmin.password);
      if (admin) this.logger.log(`created the bootstrap admin ${admin.email}`);
    }
  }
}
