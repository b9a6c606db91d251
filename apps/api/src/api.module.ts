import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { BULLMQ_CONNECTION, BULLMQ_PRODUCER, CrmCoreModule, HealthModule, ObservabilityModule, RedisModule } from '@omnihub/crm-core';
import type { ConnectionOptions } from 'bullmq';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './admin/admin.module';
import { AgentsModule } from './agents/agents.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuthModule } from './auth/auth.module';
import { ApiConfig } from './config/api-config';
import { ConfigModule } from './config/config.module';
import { ConversationsModule } from './conversations/conversations.module';
import { CustomersModule } from './customers/customers.module';
import { loggerParams } from './http/logging';
import { ChatIngressModule } from './ingress/chat/chat-ingress.module';
import { InboxModule } from './inbox/inbox.module';
import { IngressModule } from './ingress/ingress.module';
import { LimitsModule } from './limits/limits.module';
import { PartnersModule } from './partners/partners.module';
import { RealtimeModule } from './realtime/realtime.module';
import { ReportsModule } from './reports/reports.module';
import { RetentionModule } from './retention/retention.module';
import { StartupService } from './startup.service';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [ApiConfig], useFactory: (config: ApiConfig) => loggerParams(config.shared.logLevel) }),
    CrmCoreModule.forRootAsync({
      inject: [ApiConfig],
      useFactory: (config: ApiConfig) => ({
        database: { url: config.shared.databaseUrl, poolSize: config.databasePoolSize, timeouts: config.shared.databaseTimeouts },
        channels: config.channels,
        attritionThresholds: config.shared.attritionThresholds,
        reacquisitionWaitDays: config.shared.reacquisitionWaitDays,
        survey: config.shared.survey,
      }),
    }),
    RedisModule.forRootAsync({ inject: [ApiConfig], useFactory: (config: ApiConfig) => config.shared.redis, bullmq: BULLMQ_PRODUCER }),
    BullModule.forRootAsync({ inject: [BULLMQ_CONNECTION], useFactory: (connection: ConnectionOptions) => ({ connection }) }),
    HealthModule,
    ObservabilityModule.forRootAsync({ inject: [ApiConfig], useFactory: (config: ApiConfig) => config.shared.metricsToken }),
    LimitsModule,
    AuthModule,
    RealtimeModule,
    AgentsModule,
    PartnersModule,
    ConversationsModule,
    CustomersModule,
    RetentionModule,
    ReportsModule,
    IngressModule,
    ChatIngressModule,
    AttachmentsModule,
    AdminModule,
    InboxModule,
  ],
  providers: [StartupService],
})
export class ApiModule {}
