import { Logger, Module, type DynamicModule, type InjectionToken, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentsService } from './agents/agents.service';
import { ConversationsService } from './conversations/conversations.service';
import { CustomersService } from './customers/customers.service';
import { IdentityResolutionService } from './customers/identity-resolution.service';
import { openDataSource, type DatabaseSettings } from './database/data-source';
import { DependencyOutage } from './observability/dependency-outage';
import { InteractionIngestService } from './interactions/interaction-ingest.service';
import { SmsOptOutsService } from './opt-outs/sms-opt-outs.service';
import { OutboundDeliveryService } from './outbound/outbound-delivery.service';
import { OutboundMessagesService } from './outbound/outbound-messages.service';
import { PartnersService } from './partners/partners.service';
import { RetentionTasksService } from './retention/retention-tasks.service';

/** The services take the data source explicitly; this module only wires them for Nest apps. */
const SERVICES = [
  AgentsService,
  ConversationsService,
  CustomersService,
  IdentityResolutionService,
  InteractionIngestService,
  OutboundDeliveryService,
  OutboundMessagesService,
  PartnersService,
  RetentionTasksService,
  SmsOptOutsService,
];

export interface CrmCoreOptions {
  useFactory: (...deps: never[]) => DatabaseSettings;
  inject: InjectionToken[];
}

@Module({})
export class CrmCoreModule implements OnApplicationShutdown {
  constructor(private readonly db: DataSource) {}

  static forRootAsync({ useFactory, inject }: CrmCoreOptions): DynamicModule {
    const dataSource: Provider = {
      provide: DataSource,
      // One outage log for the pool: one line when PostgreSQL goes away, one when it is back.
      useFactory: (...deps: never[]) => openDataSource(useFactory(...deps), new DependencyOutage('postgres', new Logger('Postgres'))),
      inject,
    };
    const services: Provider[] = SERVICES.map((service) => ({
      provide: service,
      useFactory: (db: DataSource) => new service(db),
      inject: [DataSource],
    }));
    return { module: CrmCoreModule, global: true, providers: [dataSource, ...services], exports: [DataSource, ...SERVICES] };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}
