import { bearer, callLog, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';

const METRICS_TOKEN = 'test-metrics-token-0123';

/** One sample from Prometheus' text format: `name{labels} value`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics on api and worker', () => {
  let hub: Hub;
  let apiKey: string;
  let adminToken: string;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'metrics', redisDb: 10, env: { METRICS_TOKEN } });
    adminToken = await login(hub.api.url);
    ({ apiKey } = await createPartner(hub.api.url, adminToken));
  });
  afterAll(() => hub?.stop());

  const scrape = async (base: string) => {
    const response = await fetch(`${base}/metrics`, { headers: bearer(METRICS_TOKEN) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  const postCalls = (from: number, count: number) =>
    request(hub.api.url, 'POST', '/api/call-logs', {
      body: Array.from({ length: count }, (_, i) => callLog(from + i)),
      headers: { 'x-api-key': apiKey },
    });
  const interactions = () => hub.count('SELECT count(*) AS n FROM interactions');

  it('needs the token when METRICS_TOKEN is set, answering in the JSON error shape', async () => {
    for (const base of [hub.api.url, hub.worker!.url]) {
      for (const headers of [{}, bearer('wrong-token'), bearer(adminToken)]) {
        expect(await request(base, 'GET', '/metrics', { headers })).toEqual({
          status: 401,
          body: { statusCode: 401, message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' },
        });
      }
    }
  });

  it('counts ingest lag for every stored item, requests by route pattern, and queue jobs', async () => {
    expect((await postCalls(0, 25)).status).toBe(202);
    await waitFor('25 call logs stored', async () => (await interactions()) === 25);
    const { rows } = await hub.db.query<{ id: string }>('SELECT id FROM conversations LIMIT 1');
    expect((await request(hub.api.url, 'GET', `/api/conversations/${rows[0].id}`, { headers: bearer(adminToken) })).status).toBe(200);

    const worker = await scrape(hub.worker!.url);
    expect(sample(worker, 'omnihub_ingest_lag_seconds_count')).toBeGreaterThanOrEqual(25);
    expect(sample(worker, 'omnihub_ingest_lag_seconds_sum')).toBeGreaterThan(0);
    expect(sample(worker, 'omnihub_ingest_lag_seconds_bucket{le="+Inf"}')).toBe(sample(worker, 'omnihub_ingest_lag_seconds_count'));
    expect(sample(worker, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    const api = await scrape(hub.api.url);
    const byRoute = (route: string, status: number, method = 'GET') =>
      sample(api, `omnihub_http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`);
    expect(byRoute('/api/conversations/:id', 200)).toBe(1);
    expect(byRoute('/api/call-logs', 202, 'POST')).toBe(1);
    expect(byRoute('/metrics', 401)).toBe(3);
    expect(api).not.toContain(rows[0].id);
    for (const queue of ['interaction-ingest', 'outbound-send', 'delivery-status']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sample(api, `omnihub_queue_jobs{queue="${queue}",state="${state}"}`)).toBe(0);
      }
    }
    expect(sample(api, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('reads queue counts from Redis at scrape time: jobs wait while no worker runs', async () => {
    await hub.worker!.stop();
    expect((await postCalls(100, 5)).status).toBe(202);
    const waiting = 'omnihub_queue_jobs{queue="interaction-ingest",state="waiting"}';
    expect(sample(await scrape(hub.api.url), waiting)).toBe(5);

    const worker = await hub.startWorker();
    await waitFor('all 30 call logs stored', async () => (await interactions()) === 30);
    expect(sample(await scrape(worker.url), 'omnihub_ingest_lag_seconds_count')).toBeGreaterThanOrEqual(5);
    expect(sample(await scrape(hub.api.url), waiting)).toBe(0);
  });
});
