import twilio from 'twilio';
import { callLog, createPartner, login } from '../../support/clients';
import { resendRefused, type Delivery as Resendable } from '../../support/deliveries';
import { Hub, TWILIO_AUTH_TOKEN } from '../../support/hub';
import { IngestQueue } from '../../support/ingest-queue';
import { PrivateRedis } from '../../support/private-redis';
import { waitFor } from '../../support/wait-for';
import { inboundSms, PUBLIC_BASE_URL } from '../sms/twilio-webhooks';

interface Answer {
  status: number;
  retryAfter: string | null;
}

interface Delivery extends Resendable<Answer> {
  externalIds: string[];
}

const accepted = (answer: Answer) => answer.status >= 200 && answer.status < 300;

/**
 * Redis holds every accepted item until the worker has stored it. Crashed under load (SIGKILL)
 * and started again on its append-only file, it must take nothing with it: while it is down the
 * api answers 503 (never a 2xx for what it could not queue, never a 500), and everything it
 * answered 2xx for, before, during and after, is stored exactly once.
 */
describe('Redis crashed and restarted under load', () => {
  let redis: PrivateRedis;
  let queue: IngestQueue;
  let hub: Hub;
  let apiKey: string;
  let sending = true;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    queue = new IngestQueue(redis.url);
    // One job at a time: the worker falls behind, so Redis holds accepted items it has not stored.
    hub = await Hub.start({ name: 'faults_redis_restart', redisUrl: redis.url, env: { PUBLIC_BASE_URL, WORKER_CONCURRENCY: '1' } });
    ({ apiKey } = await createPartner(hub.api.url, await login(hub.api.url)));
  });
  afterAll(async () => {
    sending = false;
    await hub?.stop();
    queue?.close();
    await redis?.dispose();
  });

  const post = async (path: string, headers: Record<string, string>, body: string): Promise<Answer> => {
    const response = await fetch(`${hub.api.url}${path}`, { method: 'POST', headers, body });
    await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  };
  /** Twilio's side: a signed inbound SMS webhook. */
  const sms = (): Delivery => {
    const params = inboundSms(`+1555${String(deliveries.length).padStart(7, '0')}`, 'Is my order on its way?');
    const signature = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC_BASE_URL}/webhooks/twilio/sms`, params);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature };
    return {
      externalIds: [params.MessageSid],
      answers: [],
      send: () => post('/webhooks/twilio/sms', headers, new URLSearchParams(params).toString()),
    };
  };
  /** A call centre's side: a small batch of call logs. */
  const callLogs = (): Delivery => {
    const batch = Array.from({ length: 5 }, (_, i) => callLog(deliveries.length * 5 + i));
    const headers = { 'content-type': 'application/json', 'x-api-key': apiKey };
    return {
      externalIds: batch.map((log) => log.externalId),
      answers: [],
      send: () => post('/api/call-logs', headers, JSON.stringify(batch)),
    };
  };
  const sender = async (make: () => Delivery) => {
    while (sending) {
      const delivery = make();
      deliveries.push(delivery);
      delivery.answers.push(await delivery.send());
    }
  };
  const answers = () => deliveries.flatMap((d) => d.answers);
  const count = (predicate: (answer: Answer) => boolean) => answers().filter(predicate).length;

  it('answers 503 with Retry-After while Redis is down, and stores everything it accepted exactly once', async () => {
    const senders = [sender(sms), sender(sms), sender(callLogs)];
    await waitFor('accepted traffic', () => count(accepted) >= 100);
    await waitFor('a backlog of accepted items only Redis holds', async () => (await queue.counts()).waiting >= 50);

    await redis.stop('SIGKILL');
    await waitFor('refusals while Redis is down', () => count((a) => a.status === 503) >= 30);
    await redis.start();
    const acceptedAtRestart = count(accepted);
    await waitFor('accepted traffic again', () => count(accepted) >= acceptedAtRestart + 100, 60_000);
    sending = false;
    await Promise.all(senders);

    expect([...new Set(answers().map((a) => a.status))].sort()).toEqual([200, 202, 503]);
    for (const refusal of answers().filter((a) => a.status === 503)) expect(refusal.retryAfter).toMatch(/^[1-9]\d*$/);

    // What was refused the senders send again, as Twilio and call centres do.
    await resendRefused(deliveries, accepted, 'a refused request to be accepted when sent again');

    const expected = new Set(deliveries.flatMap((d) => d.externalIds));
    await waitFor('the queue to drain', () => queue.drained(), 60_000);
    const ids = (await hub.db.query<{ external_id: string }>('SELECT external_id FROM interactions')).rows.map((row) => row.external_id);
    const storedIds = new Set(ids);
    expect(ids.filter((id) => !expected.has(id))).toEqual([]);
    expect(storedIds.size).toBe(ids.length);
    expect([...expected].filter((id) => !storedIds.has(id))).toEqual([]);
    expect((await queue.counts()).failed).toBe(0);
  });
});
