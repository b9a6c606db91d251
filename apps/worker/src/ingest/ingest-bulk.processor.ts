import { Processor } from '@nestjs/bullmq';
import { INGEST_BULK_QUEUE, WORKER_SETTINGS } from '@omnihub/crm-core';
import { JOB_LOCKS } from '../recovery/job-locks';
import { IngestProcessor } from './ingest.processor';

/**
 * Imports, the same ingest as live items, with fewer jobs at once and a ceiling on their rate
 * across every worker (BullMQ's queue-wide limiter): on a hub near its capacity a
 * 100,000-call-log import would otherwise take the CPU live messages need, and they would queue.
 */
@Processor(INGEST_BULK_QUEUE, { ...JOB_LOCKS, settings: WORKER_SETTINGS })
export class IngestBulkProcessor extends IngestProcessor {
  override onModuleInit(): void {
    this.worker.concurrency = this.config.bulkConcurrency;
    // Read by every fetch of the next job, so setting it before the first one is enough.
    this.worker.opts.limiter = { max: this.config.bulkRatePerSecond, duration: 1000 };
  }
}
