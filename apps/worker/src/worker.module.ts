import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CrmCoreModule, DELIVERY_STATUS_QUEUE, HealthModule, INGEST_QUEUE, OUTBOUND_SEND_QUEUE, RedisModule } from '@omnihub/crm-core';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule } from './config/config.module';
import { WorkerConfig } from './config/worker-config';
import { IngestProcessor } from './ingest/ingest.processor';
import { DeliveryStatusProcessor } from './outbound/delivery-status.processor';
import { OutboundSendProcessor } from './outbound/outbound-send.processor';
import { OutboundSender } from './outbound/outbound-sender.service';
import { smsAdapterProvider } from './outbound/sms-adapter.provider';
import { AgentEventsPublisher } from './realtime/agent-events.publisher';
import { WorkerShutdown } from './recovery/worker-shutdown.service';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      inject: [WorkerConfig],
      useFactory: (config: WorkerConfig) => ({ pinoHttp: { level: config.shared.logLevel, autoLogging: false } }),
    }),
    CrmCoreModule.forRootAsync({
      inject: [WorkerConfig],
      useFactory: (config: WorkerConfig) => ({ url: config.shared.databaseUrl, poolSize: config.databasePoolSize }),
    }),
    RedisModule.forRootAsync({ inject: [WorkerConfig], useFactory: (config: WorkerConfig) => config.shared.redisUrl }),
    BullModule.forRootAsync({
      inject: [WorkerConfig],
      // Workers block on Redis and must ride out reconnects: never give up on a command.
      useFactory: (config: WorkerConfig) => ({ connection: { url: config.shared.redisUrl, maxRetriesPerRequest: null } }),
    }),
    BullModule.registerQueue({ name: INGEST_QUEUE }, { name: OUTBOUND_SEND_QUEUE }, { name: DELIVERY_STATUS_QUEUE }),
    HealthModule,
    DiscoveryModule,
  ],
  providers: [
    IngestProcessor,
    OutboundSendProcessor,
    DeliveryStatusProcessor,
    OutboundSender,
    smsAdapterProvider,
    AgentEventsPublisher,
    WorkerShutdown,
  ],
})
export class WorkerModule {}
