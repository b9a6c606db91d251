import { HubMetrics, type CountedQueue } from './hub-metrics';

const queue = (name: string, counts: Record<string, number>): CountedQueue => ({ name, getJobCounts: async () => counts });

describe('HubMetrics', () => {
  it('reads each queue at scrape time; a queue that cannot answer is left out, not the scrape', async () => {
    const counts = { waiting: 3, active: 1, delayed: 0, failed: 2 };
    const unreachable: CountedQueue = { name: 'outbound-send', getJobCounts: () => Promise.reject(new Error('Connection is closed.')) };
    const metrics = new HubMetrics(() => [queue('interaction-ingest', counts), unreachable]);

    const text = await metrics.metrics();
    expect(text).toContain('omnihub_queue_jobs{queue="interaction-ingest",state="waiting"} 3');
    expect(text).toContain('omnihub_queue_jobs{queue="interaction-ingest",state="failed"} 2');
    expect(text).not.toContain('queue="outbound-send"');
    expect(text).toContain('process_cpu_seconds_total');

    counts.waiting = 0;
    expect(await metrics.metrics()).toContain('omnihub_queue_jobs{queue="interaction-ingest",state="waiting"} 0');
  });

  it('observes ingest lag from the job timestamp and requests by route pattern', async () => {
    const metrics = new HubMetrics(() => []);
    metrics.observeIngestLag(1_000_000, 1_000_750);
    metrics.observeIngestLag(1_000_000, 999_000); // a clock skewed between hosts counts as no lag
    metrics.observeHttpRequest('GET', '/api/conversations/:id', 200, 0.004);
    metrics.observeHttpRequest('GET', undefined, 404, 0.001);

    const text = await metrics.metrics();
    expect(text).toContain('omnihub_ingest_lag_seconds_count 2');
    expect(text).toContain('omnihub_ingest_lag_seconds_sum 0.75');
    expect(text).toContain('omnihub_ingest_lag_seconds_bucket{le="0.01"} 1');
    expect(text).toContain('omnihub_http_request_duration_seconds_count{method="GET",route="/api/conversations/:id",status="200"} 1');
    expect(text).toContain('omnihub_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1');
  });
});
