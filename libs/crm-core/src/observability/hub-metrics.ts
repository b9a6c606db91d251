import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the queue gauge needs of a BullMQ Queue. */
export interface CountedQueue {
  readonly name: string;
  getJobCounts(...states: QueueState[]): Promise<Partial<Record<string, number>>>;
}

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** A scrape must answer while Redis is down; a queue that does not answer in time is left out. */
const QUEUE_COUNT_TIMEOUT_MS = 2000;

/** Seconds: most items are stored within a second; a backlog or retries push lag into minutes. */
const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's Prometheus registry: Node's default process metrics and the contract's series.
 * One per process, so two apps in one test process would not share counters.
 */
export class HubMetrics {
  readonly registry = new Registry();

  readonly ingestLag = new Histogram({
    name: 'omnihub_ingest_lag_seconds',
    help: 'Time from an inbound item being accepted (queued) to being stored, observed by the worker',
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'omnihub_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  constructor(queues: () => CountedQueue[]) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'omnihub_queue_jobs',
      help: 'BullMQ jobs per queue and state, read from Redis at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const counted = await Promise.all(queues().map(async (queue) => [queue.name, await countsOf(queue)] as const));
        for (const [queue, counts] of counted) {
          if (!counts) continue;
          for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    });
  }

  /** `acceptedAt` is the job's creation time (BullMQ's `job.timestamp`, epoch milliseconds). */
  observeIngestLag(acceptedAt: number, now = Date.now()): void {
    this.ingestLag.observe(Math.max(0, now - acceptedAt) / 1000);
  }

  /** An unmatched URL is counted under one label, so random paths cannot grow the series. */
  observeHttpRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route: route ?? 'unmatched', status: String(status) }, seconds);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

async function countsOf(queue: CountedQueue): Promise<Partial<Record<string, number>> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), QUEUE_COUNT_TIMEOUT_MS)));
  try {
    return await Promise.race([queue.getJobCounts(...QUEUE_STATES), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
