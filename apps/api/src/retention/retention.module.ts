import { Module } from '@nestjs/common';
import { RETENTION_SCAN_QUEUE, registerQueues } from '@omnihub/crm-core';
import { RealtimeModule } from '../realtime/realtime.module';
import { RetentionScanController } from './retention-scan.controller';
import { TasksController } from './tasks.controller';

@Module({
  imports: [RealtimeModule, registerQueues({ name: RETENTION_SCAN_QUEUE })],
  controllers: [TasksController, RetentionScanController],
})
export class RetentionModule {}
