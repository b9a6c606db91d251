import { Processor } from '@nestjs/bullmq';
import { INGEST_BULK_QUEUE, WORKER_SETTINGS } from '@omnihub/crm-core';
import { JOB_LOCKS } from '../recovery/job-locks';
import { IngestProcessor } from './ingest.processor';

/**
 * Imports, the same ingest as live items, with fewer jobs at once: a 100,000-call-log import
 * moves steadily while live messages keep most of the database's attention.
 */
@Processor(INGEST_BULK_QUEUE, { ...JOB_LOCKS, settings: WORKER_SETTINGS })
export class IngestBulkProcessor extends IngestProcessor {
  override onModuleInit(): void {
    this.worker.concurrency = this.config.bulkConcurrency;
  }
}
