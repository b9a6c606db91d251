import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { INGEST_JOB_OPTIONS, INGEST_QUEUE } from '@omnihub/crm-core';
import { CallLogsController } from './call-logs/call-logs.controller';
import { IngressQueue } from './ingress-queue.service';

@Module({
  imports: [BullModule.registerQueue({ name: INGEST_QUEUE, defaultJobOptions: INGEST_JOB_OPTIONS })],
  controllers: [CallLogsController],
  providers: [IngressQueue],
})
export class IngressModule {}
