import { Module } from '@nestjs/common';
import {
  DELIVERY_STATUS_JOB_OPTIONS,
  DELIVERY_STATUS_QUEUE,
  FAILED_JOBS_QUEUE,
  INGEST_BULK_QUEUE,
  INGEST_JOB_OPTIONS,
  INGEST_QUEUE,
  OUTBOUND_SEND_JOB_OPTIONS,
  OUTBOUND_SEND_QUEUE,
  registerQueues,
} from '@omnihub/crm-core';
import { FailedJobsController } from './failed-jobs.controller';
import { FailedJobsService } from './failed-jobs.service';

@Module({
  imports: [
    registerQueues(
      { name: FAILED_JOBS_QUEUE },
      // A retried job gets its queue's own retry policy again.
      { name: INGEST_QUEUE, defaultJobOptions: INGEST_JOB_OPTIONS },
      { name: INGEST_BULK_QUEUE, defaultJobOptions: INGEST_JOB_OPTIONS },
      { name: OUTBOUND_SEND_QUEUE, defaultJobOptions: OUTBOUND_SEND_JOB_OPTIONS },
      { name: DELIVERY_STATUS_QUEUE, defaultJobOptions: DELIVERY_STATUS_JOB_OPTIONS },
    ),
  ],
  controllers: [FailedJobsController],
  providers: [FailedJobsService],
})
export class AdminModule {}
