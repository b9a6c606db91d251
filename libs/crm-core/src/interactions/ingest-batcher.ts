import type { IdentifiedInteraction, IngestOptions, IngestOutcome, InteractionIngestService } from './interaction-ingest.service';

interface Waiting {
  item: IdentifiedInteraction;
  options?: IngestOptions;
  resolve: (outcome: IngestOutcome) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit for a worker's ingest: an item goes to PostgreSQL at once while fewer than
 * `inFlight` writes are under way; the items that arrive meanwhile wait and go together in the
 * next one (`ingestMany`, one statement). A quiet hub writes every item alone without waiting;
 * a busy one writes several per round trip, which is where a message's cost goes.
 */
export class IngestBatcher {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private flushQueued = false;

  constructor(
    private readonly ingestion: InteractionIngestService,
    private readonly inFlight = 2,
    private readonly maxBatch = 16,
  ) {}

  ingest(item: IdentifiedInteraction, options?: IngestOptions): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, options, resolve, reject });
      this.queueFlush();
    });
  }

  /** After the current turn, so that the items taken in the same turn go together. */
  private queueFlush(): void {
    if (this.flushQueued || this.running >= this.inFlight || !this.waiting.length) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.waiting.length && this.running < this.inFlight) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.running++;
      void this.write(batch).finally(() => {
        this.running--;
        this.queueFlush();
      });
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      const settled = await this.ingestion.ingestMany(batch);
      settled.forEach((result, i) => (result.status === 'fulfilled' ? batch[i].resolve(result.value) : batch[i].reject(result.reason)));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
