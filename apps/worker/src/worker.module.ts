import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import {
  CrmCoreModule,
  DELIVERY_STATUS_QUEUE,
  HealthModule,
  ObservabilityModule,
  INGEST_QUEUE,
  OUTBOUND_SEND_QUEUE,
  RedisModule,
} from '@omnihub/crm-core';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule } from './config/config.module';
import { WorkerConfig } from './config/worker-config';
import { IngestProcessor } from './ingest/ingest.processor';
import { DeliveryStatusProcessor } from './outbound/delivery-status.processor';
import { OutboundSendProcessor } from './outbound/outbound-send.processor';
import { OutboundSender } from './outbound/outbound-sender.service';
import { smsAdapterProvider } from './outbound/sms-adapter.provider';
import { AgentEventsPublisher } from './realtime/agent-events.publisher';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      inject: [WorkerConfig],
      useFactory: (config: WorkerConfig) => ({ pinoHttp: { level: config.shared.logLevel, autoLogging: false } }),
    }),
    CrmCoreModule.forRootAsync({
      inject: [WorkerConfig],
      useFactory: (config: WorkerConfig) => ({
        url: config.shared.databaseUrl,
        poolSize: config.databasePoolSize,
        timeouts: config.shared.databaseTimeouts,
      }),
    }),
    RedisModule.forRootAsync({ inject: [WorkerConfig], useFactory: (config: WorkerConfig) => config.shared.redisUrl }),
    BullModule.forRootAsync({
      inject: [WorkerConfig],
      // Workers block on Redis and must ride out reconnects: never give up on a command.
      useFactory: (config: WorkerConfig) => ({ connection: { url: config.shared.redisUrl, maxRetriesPerRequest: null } }),
    }),
    BullModule.registerQueue({ name: INGEST_QUEUE }, { name: OUTBOUND_SEND_QUEUE }, { name: DELIVERY_STATUS_QUEUE }),
    HealthModule,
    ObservabilityModule.forRootAsync({ inject: [WorkerConfig], useFactory: (config: WorkerConfig) => config.shared.metricsToken }),
  ],
  providers: [IngestProcessor, OutboundSendProcessor, DeliveryStatusProcessor, OutboundSender, smsAdapterProvider, AgentEventsPublisher],
})
export class WorkerModule {}
