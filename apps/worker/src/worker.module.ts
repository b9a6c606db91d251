import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  CrmCoreModule,
  DELIVERY_STATUS_QUEUE,
  FAILED_JOBS_QUEUE,
  HealthModule,
  BULLMQ_CONNECTION,
  BULLMQ_WORKER,
  INGEST_BULK_QUEUE,
  ObservabilityModule,
  INGEST_QUEUE,
  OUTBOUND_SEND_QUEUE,
  RETENTION_SCAN_QUEUE,
  RedisModule,
  registerQueues,
} from '@omnihub/crm-core';
import type { ConnectionOptions } from 'bullmq';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule } from './config/config.module';
import { WorkerConfig } from './config/worker-config';
import { FailedJobsRecorder } from './failed-jobs/failed-jobs.recorder';
import { IngestBulkProcessor } from './ingest/ingest-bulk.processor';
import { IngestProcessor } from './ingest/ingest.processor';
import { DeliveryStatusProcessor } from './outbound/delivery-status.processor';
import { OutboundSendProcessor } from './outbound/outbound-send.processor';
import { OutboundSender } from './outbound/outbound-sender.service';
import { OutboundSweeper } from './outbound/outbound-sweeper.service';
import { AgentEventsPublisher } from './realtime/agent-events.publisher';
import { ChatVisitorsPublisher } from './realtime/chat-visitors.publisher';
import { WorkerShutdown } from './recovery/worker-shutdown.service';
import { RetentionScanProcessor } from './retention/retention-scan.processor';

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
        database: { url: config.shared.databaseUrl, poolSize: config.databasePoolSize, timeouts: config.shared.databaseTimeouts },
        channels: config.channels,
        attritionThresholds: config.shared.attritionThresholds,
        reacquisitionWaitDays: config.shared.reacquisitionWaitDays,
        survey: config.shared.survey,
      }),
    }),
    RedisModule.forRootAsync({ inject: [WorkerConfig], useFactory: (config: WorkerConfig) => config.shared.redis, bullmq: BULLMQ_WORKER }),
    BullModule.forRootAsync({ inject: [BULLMQ_CONNECTION], useFactory: (connection: ConnectionOptions) => ({ connection }) }),
    registerQueues(
      { name: INGEST_QUEUE },
      { name: INGEST_BULK_QUEUE },
      { name: OUTBOUND_SEND_QUEUE },
      { name: DELIVERY_STATUS_QUEUE },
      { name: FAILED_JOBS_QUEUE },
      { name: RETENTION_SCAN_QUEUE },
    ),
    HealthModule,
    ObservabilityModule.forRootAsync({ inject: [WorkerConfig], useFactory: (config: WorkerConfig) => config.shared.metricsToken }),
    DiscoveryModule,
  ],
  providers: [
    IngestProcessor,
    IngestBulkProcessor,
    OutboundSendProcessor,
    DeliveryStatusProcessor,
    OutboundSender,
    AgentEventsPublisher,
    ChatVisitorsPublisher,
    FailedJobsRecorder,
    OutboundSweeper,
    WorkerShutdown,
    RetentionScanProcessor,
  ],
})
export class WorkerModule {}
