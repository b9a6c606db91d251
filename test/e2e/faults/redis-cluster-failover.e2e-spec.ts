import twilio from 'twilio';
import { Hub, TWILIO_AUTH_TOKEN } from '../../support/hub';
import { IngestQueue } from '../../support/ingest-queue';
import { PrivateCluster, redisCli } from '../../support/private-cluster';
import { resendRefused, type Delivery as Resendable } from '../../support/deliveries';
import { clusterUrl } from '../../support/test-redis';
import { waitFor } from '../../support/wait-for';
import { inboundSms, PUBLIC_BASE_URL } from '../sms/twilio-webhooks';

interface Delivery extends Resendable<number> {
  messageSid: string;
}

const accepted = (status: number) => status >= 200 && status < 300;

/**
 * A Redis Cluster of the test's own (3 masters, one replica each) under two api instances and two
 * workers. The master holding the live ingest queue's slot is killed (SIGKILL) under load and its
 * replica takes over (`CLUSTER FAILOVER FORCE`, as `redis-cli --cluster failover` would). Ingest
 * must resume on the promoted replica, and every SMS the api answered 2xx for, before, during and
 * after, must be stored exactly once: an accepted job was on the replica before the api answered.
 */
describe('Redis Cluster: a master killed under load, its replica promoted', () => {
  let cluster: PrivateCluster;
  let queue: IngestQueue;
  let hub: Hub;
  let sending = true;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    cluster = await PrivateCluster.start({ masters: 3, replicas: 1 });
    hub = await Hub.start({
      name: 'faults_cluster_failover',
      redisCluster: cluster.nodeList,
      apis: 2,
      workers: 2,
      env: { PUBLIC_BASE_URL },
    });
    queue = new IngestQueue(clusterUrl(cluster.nodeList));
  });
  afterAll(async () => {
    sending = false;
    await hub?.stop();
    queue?.close();
    await cluster?.dispose();
  });

  const sms = (): Delivery => {
    const params = inboundSms(`+1555${String(deliveries.length % 50).padStart(7, '0')}`, `message ${deliveries.length}`);
    const signature = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC_BASE_URL}/webhooks/twilio/sms`, params);
    const api = hub.apis[deliveries.length % hub.apis.length];
    return {
      messageSid: params.MessageSid,
      answers: [],
      send: async () => {
        const response = await fetch(`${api.url}/webhooks/twilio/sms`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          body: new URLSearchParams(params).toString(),
        }).catch(() => undefined);
        await response?.text();
        return response?.status ?? 0;
      },
    };
  };
  const sender = async () => {
    while (sending) {
      const delivery = sms();
      deliveries.push(delivery);
      delivery.answers.push(await delivery.send());
    }
  };
  const acceptedCount = () => deliveries.filter((d) => d.answers.some(accepted)).length;

  it('resumes ingest on the promoted replica and stores every accepted SMS exactly once', async () => {
    const senders = [sender(), sender(), sender(), sender()];
    await waitFor('accepted traffic', () => acceptedCount() >= 100);

    const { master, replica } = await cluster.ownersOf('bull:{interaction-ingest}:interaction-ingest:wait');
    expect(replica).toBeDefined();
    await master.server.stop('SIGKILL');
    const acceptedAtKill = acceptedCount();
    // The replica may already be promoting itself (cluster-node-timeout); FORCE only hurries it.
    await redisCli(replica!.port, 'cluster', 'failover', 'force').catch(() => undefined);
    await waitFor('the replica to be the master', async () => (await redisCli(replica!.port, 'role')).startsWith('master'), 60_000);
    await waitFor('accepted traffic again', () => acceptedCount() >= acceptedAtKill + 100, 90_000);
    sending = false;
    await Promise.all(senders);

    // Twilio redelivers what was not answered 2xx; the hub must take it now.
    await resendRefused(deliveries, accepted, 'a refused SMS to be accepted when sent again');

    const expected = new Set(deliveries.map((d) => d.messageSid));
    await waitFor(
      'every accepted SMS stored',
      async () => (await hub.count('SELECT count(*) AS n FROM interactions')) >= expected.size,
      120_000,
    );
    await waitFor('the queue to drain', () => queue.drained(), 60_000);
    const ids = (await hub.db.query<{ external_id: string }>('SELECT external_id FROM interactions')).rows.map((row) => row.external_id);
    expect(ids.filter((id) => !expected.has(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...expected].filter((id) => !ids.includes(id))).toEqual([]);
  });
});
