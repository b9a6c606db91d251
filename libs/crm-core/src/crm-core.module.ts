import { Logger, Module, type DynamicModule, type InjectionToken, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { ChannelRegistry, type ChannelSettings } from '@omnihub/channels';
import { DataSource } from 'typeorm';
import { AgentsService } from './agents/agents.service';
import { AttachmentsService } from './attachments/attachments.service';
import { ConversationsService } from './conversations/conversations.service';
import { CustomersService } from './customers/customers.service';
import { IdentityResolutionService } from './customers/identity-resolution.service';
import { openDataSource, type DatabaseSettings } from './database/data-source';
import { DependencyOutage } from './observability/dependency-outage';
import { InteractionIngestService } from './interactions/interaction-ingest.service';
import { OutboundDeliveryService } from './outbound/outbound-delivery.service';
import { OutboundMessagesService } from './outbound/outbound-messages.service';
import { PartnersService } from './partners/partners.service';
import { RetentionTasksService } from './retention/retention-tasks.service';

/** Services that need only the data source. */
const DATA_SERVICES = [
  AgentsService,
  AttachmentsService,
  ConversationsService,
  CustomersService,
  IdentityResolutionService,
  OutboundDeliveryService,
  PartnersService,
  RetentionTasksService,
];

/** Services that also apply channels' own rules, through their plug-ins. */
const CHANNEL_SERVICES = [InteractionIngestService, OutboundMessagesService];

export interface CrmCoreSettings {
  database: DatabaseSettings;
  channels: ChannelSettings;
}

export interface CrmCoreOptions {
  useFactory: (...deps: never[]) => CrmCoreSettings;
  inject: InjectionToken[];
}

const SETTINGS = Symbol('CrmCoreSettings');

/** The services take their dependencies explicitly; this module only wires them for Nest apps. */
@Module({})
export class CrmCoreModule implements OnApplicationShutdown {
  constructor(private readonly db: DataSource) {}

  static forRootAsync({ useFactory, inject }: CrmCoreOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: SETTINGS, useFactory, inject },
      {
        provide: DataSource,
        // One outage log for the pool: one line when PostgreSQL goes away, one when it is back.
        useFactory: (settings: CrmCoreSettings) =>
          openDataSource(settings.database, new DependencyOutage('postgres', new Logger('Postgres'))),
        inject: [SETTINGS],
      },
      { provide: ChannelRegistry, useFactory: (settings: CrmCoreSettings) => new ChannelRegistry(settings.channels), inject: [SETTINGS] },
      ...DATA_SERVICES.map((service) => ({ provide: service, useFactory: (db: DataSource) => new service(db), inject: [DataSource] })),
      ...CHANNEL_SERVICES.map((service) => ({
        provide: service,
        useFactory: (db: DataSource, channels: ChannelRegistry) => new service(db, channels),
        inject: [DataSource, ChannelRegistry],
      })),
    ];
    const exports = [DataSource, ChannelRegistry, ...DATA_SERVICES, ...CHANNEL_SERVICES];
    return { module: CrmCoreModule, global: true, providers, exports };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}
