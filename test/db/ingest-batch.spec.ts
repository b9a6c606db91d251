import type { InboundInteraction } from '@omnihub/channels';
import { IngestBatcher } from '@omnihub/crm-core/interactions/ingest-batcher';
import { InteractionIngestService, type IngestOutcome } from '@omnihub/crm-core/interactions/interaction-ingest.service';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { TcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait-for';
import { inboundSms, openTestDatabase, openTestPool, testChannels } from './support/test-database';

let sequence = 0;
const phone = () => `+4477008${String(++sequence).padStart(5, '0')}`;
const sms = (from: string, text = `message ${++sequence}`) =>
  inboundSms(from, `SM${String(++sequence).padStart(32, '0')}`, new Date(Date.UTC(2026, 10, 2, 9) + sequence * 1000).toISOString(), text);

const created = (result: PromiseSettledResult<IngestOutcome>) => {
  if (result.status !== 'fulfilled' || result.value.status !== 'created')
    throw new Error(`expected a new interaction: ${JSON.stringify(result)}`);
  return result.value;
};

/** Several items per statement (`ingestMany`) and the worker's group commit (`IngestBatcher`), against PostgreSQL. */
describe('ingesting several items at once (PostgreSQL)', () => {
  let db: DataSource;
  let ingest: InteractionIngestService;

  beforeAll(async () => {
    db = await openTestDatabase('ingest_batch');
    ingest = new InteractionIngestService(db, testChannels());
  });
  afterAll(() => db?.destroy());

  /** The transactions that wrote these interactions: rows written by one share its xmin. */
  const transactionsOf = async (keys: string[]) =>
    Number((await db.query('SELECT count(DISTINCT xmin::text) AS n FROM interactions WHERE idempotency_key = ANY($1)', [keys]))[0].n);
  const unreadOf = async (conversationId: string) =>
    (await db.query('SELECT unread_count FROM conversations WHERE id = $1', [conversationId]))[0].unread_count as number;

  it('writes the items in one transaction, each with the outcome it would have alone, in the order given', async () => {
    const [ann, bob, cat] = [phone(), phone(), phone()];
    const items = [sms(ann), sms(bob), sms(ann), sms(cat, 'This is unacceptable, I want a refund.')];
    const redelivered = { ...items[1] };
    const results = await ingest.ingestMany([...items, redelivered].map((item) => ({ item, options: { factsAt: new Date() } })));

    const [first, second, third, fourth] = results.slice(0, 4).map(created);
    expect([first, second, third, fourth].map((o) => o.interaction.externalId)).toEqual(items.map((i) => i.externalId));
    expect(results[4]).toEqual({ status: 'fulfilled', value: { status: 'duplicate', interactionId: second.interaction.id } });
    // Ann's two messages: one new customer, one conversation with both.
    expect(first.customer.created).toBe(true);
    expect(third.customer).toMatchObject({ id: first.customer.id, created: false });
    expect(third.conversation).toMatchObject({ id: first.conversation.id, unreadCount: 2 });
    expect(await unreadOf(first.conversation.id)).toBe(2);
    expect(await unreadOf(second.conversation.id)).toBe(1);
    // The complaint asked for the facts its evaluation reads, and got them; the others did not.
    expect(fourth.interaction.intent).toBe('complaint');
    expect(fourth.facts?.row).toMatchObject({ id: fourth.customer.id });
    expect(first.facts).toBeNull();
    expect(await transactionsOf(items.map((i) => i.idempotencyKey))).toBe(1);
  });

  it('answers an item stored before as a duplicate and changes nothing of it', async () => {
    const from = phone();
    const earlier = created({ status: 'fulfilled', value: await ingest.ingest(sms(from)) });
    const again = { ...sms(from), externalId: earlier.interaction.externalId, idempotencyKey: earlier.interaction.externalId };
    const results = await ingest.ingestMany([{ item: again }, { item: sms(phone()) }]);

    expect(results[0]).toEqual({ status: 'fulfilled', value: { status: 'duplicate', interactionId: earlier.interaction.id } });
    created(results[1]);
    expect(await unreadOf(earlier.conversation.id)).toBe(1);
  });

  it('tells an item the database refuses its own error, and stores the others, each alone', async () => {
    const refused: InboundInteraction = { ...sms(phone()), identity: { channel: 'fax' as 'phone', address: '+15550100' } };
    const good = [sms(phone()), sms(phone())];
    const results = await ingest.ingestMany([{ item: good[0] }, { item: refused }, { item: good[1] }]);

    created(results[0]);
    created(results[2]);
    expect(results[1].status).toBe('rejected');
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/customer_identities_channel_check/);
    expect((await db.query('SELECT count(*)::int AS n FROM interactions WHERE idempotency_key = $1', [refused.idempotencyKey]))[0].n).toBe(
      0,
    );
    expect(await transactionsOf(good.map((i) => i.idempotencyKey))).toBe(2);
  });

  it('commits an item with a channel rule of its own (an SMS STOP) alone, with its rule', async () => {
    const from = phone();
    const results = await ingest.ingestMany([{ item: sms(phone()) }, { item: sms(from, 'STOP') }, { item: sms(phone()) }]);

    results.forEach(created);
    expect((await db.query('SELECT opted_out FROM sms_opt_outs WHERE phone = $1', [from]))[0]).toEqual({ opted_out: true });
  });

  it('fails every item of a batch whose connection is lost before an answer (it may have committed), trying none alone', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL((db.options as { url: string }).url).port || 5432) });
    const viaProxy = await openTestPool(db, 2, (url) => proxy.proxied(url));
    const blocker = new Client({ connectionString: (db.options as { url: string }).url });
    await blocker.connect();
    try {
      // The batch waits on the lock; the connection is then reset, and the proxy open again at once.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
      const results = new InteractionIngestService(viaProxy, testChannels()).ingestMany([{ item: sms(phone()) }, { item: sms(phone()) }]);
      await waitFor(
        'the batch to wait on the lock',
        async () =>
          Number(
            (
              await db.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            )[0].n,
          ) > 0,
      );
      await proxy.cut();
      await proxy.restore();
      // Tried alone, the items would now wait on the lock (still held) through the restored proxy.
      const settled = await results;
      expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
      await viaProxy.destroy();
      await proxy.cut();
    }
  });

  describe('the group commit', () => {
    it('writes the items that arrive while writes are under way together, and tells each its own outcome', async () => {
      const batcher = new IngestBatcher(ingest, 2, 16);
      const items = Array.from({ length: 20 }, () => sms(phone()));
      const refused: InboundInteraction = { ...sms(phone()), identity: { channel: 'fax' as 'phone', address: '+15550101' } };
      const results = await Promise.allSettled([...items, refused].map((item) => batcher.ingest(item)));

      expect(results.slice(0, 20).map((r) => created(r).interaction.externalId)).toEqual(items.map((i) => i.externalId));
      expect(results[20].status).toBe('rejected');
      // 21 items taken in one turn: 16 together, then 5 that fail together (the refused one) and go alone.
      expect(await transactionsOf(items.slice(0, 16).map((i) => i.idempotencyKey))).toBe(1);
      expect(await transactionsOf(items.map((i) => i.idempotencyKey))).toBe(5);
    });
  });
});
