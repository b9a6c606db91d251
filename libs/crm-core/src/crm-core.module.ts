import { Logger, Module, type DynamicModule, type InjectionToken, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { ChannelRegistry, type ChannelSettings } from '@omnihub/channels';
import { DataSource } from 'typeorm';
import { AccountsService } from './accounts/accounts.service';
import { AgentsService } from './agents/agents.service';
import { AttachmentsService } from './attachments/attachments.service';
import { ConversationsService } from './conversations/conversations.service';
import { CustomersService } from './customers/customers.service';
import { IdentityResolutionService } from './customers/identity-resolution.service';
import { openDataSource, type DatabaseSettings } from './database/data-source';
import { DependencyOutage } from './observability/dependency-outage';
import { IntentOverrideService } from './interactions/intent-override.service';
import { InteractionIngestService } from './interactions/interaction-ingest.service';
import { OutboundDeliveryService } from './outbound/outbound-delivery.service';
import { OutboundMessagesService } from './outbound/outbound-messages.service';
import { PartnersService } from './partners/partners.service';
import { BusinessEventsService } from './lifecycle/business-events.service';
import { LifecycleHistoryService } from './lifecycle/lifecycle-history.service';
import { RetentionEvaluationService } from './retention/retention-evaluation.service';
import { RetentionIngestService } from './retention/retention-ingest.service';
import { RetentionScanService } from './retention/retention-scan.service';
import { RetentionTasksService } from './retention/retention-tasks.service';
import type { AttritionThresholds } from './retention/attrition.rules';
import { DefectionService } from './defection/defection.service';
import { ExtensionService } from './extension/extension.service';
import { RetentionReportService } from './reports/retention-report.service';
import { SatisfactionService, type SurveySettings } from './satisfaction/satisfaction.service';

/** Services that need only the data source. */
const DATA_SERVICES = [
  AccountsService,
  AgentsService,
  AttachmentsService,
  ConversationsService,
  CustomersService,
  IdentityResolutionService,
  OutboundDeliveryService,
  PartnersService,
  RetentionTasksService,
  LifecycleHistoryService,
  RetentionReportService,
  ExtensionService,
];

/** Services that act through the retention evaluation (lifecycle and attrition rules). */
const EVALUATING_SERVICES = [IntentOverrideService];

/** Services that also apply channels' own rules, through their plug-ins. */
const CHANNEL_SERVICES = [InteractionIngestService, OutboundMessagesService];

export interface CrmCoreSettings {
  database: DatabaseSettings;
  channels: ChannelSettings;
  attritionThresholds: AttritionThresholds;
  reacquisitionWaitDays: number;
  survey: SurveySettings;
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
      {
        provide: RetentionEvaluationService,
        useFactory: (db: DataSource, settings: CrmCoreSettings) => new RetentionEvaluationService(db, settings.attritionThresholds),
        inject: [DataSource, SETTINGS],
      },
      ...EVALUATING_SERVICES.map((service) => ({
        provide: service,
        useFactory: (db: DataSource, evaluation: RetentionEvaluationService) => new service(db, evaluation),
        inject: [DataSource, RetentionEvaluationService],
      })),
      {
        provide: DefectionService,
        useFactory: (db: DataSource, evaluation: RetentionEvaluationService, settings: CrmCoreSettings) =>
          new DefectionService(db, evaluation, settings.reacquisitionWaitDays),
        inject: [DataSource, RetentionEvaluationService, SETTINGS],
      },
      {
        provide: BusinessEventsService,
        useFactory: (db: DataSource, evaluation: RetentionEvaluationService, defections: DefectionService) =>
          new BusinessEventsService(db, evaluation, defections),
        inject: [DataSource, RetentionEvaluationService, DefectionService],
      },
      {
        provide: RetentionScanService,
        useFactory: (db: DataSource, evaluation: RetentionEvaluationService, extension: ExtensionService) =>
          new RetentionScanService(db, evaluation, extension),
        inject: [DataSource, RetentionEvaluationService, ExtensionService],
      },
      {
        provide: SatisfactionService,
        useFactory: (db: DataSource, messages: OutboundMessagesService, settings: CrmCoreSettings) =>
          new SatisfactionService(db, messages, settings.survey),
        inject: [DataSource, OutboundMessagesService, SETTINGS],
      },
      {
        provide: RetentionIngestService,
        useFactory: (db: DataSource, channels: ChannelRegistry, evaluation: RetentionEvaluationService) =>
          new RetentionIngestService(db, channels, evaluation),
        inject: [DataSource, ChannelRegistry, RetentionEvaluationService],
      },
    ];
    const exports = [
      DataSource,
      ChannelRegistry,
      ...DATA_SERVICES,
      ...CHANNEL_SERVICES,
      ...EVALUATING_SERVICES,
      RetentionEvaluationService,
      RetentionIngestService,
      DefectionService,
      BusinessEventsService,
      RetentionScanService,
      SatisfactionService,
    ];
    return { module: CrmCoreModule, global: true, providers, exports };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}
