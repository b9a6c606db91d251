import { randomUUID } from 'node:crypto';
import { interactionIdOf, type InboundInteraction } from '@omnihub/channels';
import { InteractionIngestService } from '@omnihub/crm-core/interactions/interaction-ingest.service';
import { applyRepeatableSql } from '@omnihub/crm-core/database/repeatable-sql';
import type { DataSource } from 'typeorm';
import { openTestDatabase, testChannels } from './support/test-database';

let sequence = 0;
/** A fresh customer's inbound SMS unless told otherwise; each call a new idempotency key. */
function item(overrides: Partial<InboundInteraction> = {}): InboundInteraction {
  const key = `SM${String(++sequence).padStart(32, '0')}`;
  return {
    channel: 'sms',
    direction: 'inbound',
    kind: 'message',
    identity: { channel: 'phone', address: `+4477009${String(sequence).padStart(5, '0')}` },
    externalId: key,
    idempotencyKey: key,
    occurredAt: new Date(Date.UTC(2026, 10, 1, 8, 0, 0) + sequence * 1000).toISOString(),
    text: `message ${sequence}`,
    metadata: {},
    ...overrides,
  };
}

/** The ingest function (ingest-interaction.sql) and its hooks, against PostgreSQL. */
describe('the ingest function (PostgreSQL)', () => {
  let db: DataSource;
  let ingest: InteractionIngestService;

  beforeAll(async () => {
    db = await openTestDatabase('ingest');
    ingest = new InteractionIngestService(db, testChannels());
  });
  afterAll(() => db?.destroy());

  const conversation = async (id: string) =>
    (
      await db.query(
        'SELECT status, unread_count, last_interaction_preview, last_interaction_at, thread_key FROM conversations WHERE id = $1',
        [id],
      )
    )[0] as {
      status: string;
      unread_count: number;
      last_interaction_preview: string;
      last_interaction_at: Date;
      thread_key: string;
    };
  const stored = async (first: InboundInteraction) => {
    const outcome = await ingest.ingest(first);
    if (outcome.status !== 'created') throw new Error('expected a new interaction');
    return outcome;
  };

  it('stores the item under the id chosen at the edge from its channel and idempotency key', async () => {
    const first = item();
    const outcome = await stored(first);
    expect(outcome.interaction.id).toBe(interactionIdOf('sms', first.idempotencyKey));
    const [row] = await db.query('SELECT id FROM interactions WHERE idempotency_key = $1', [first.idempotencyKey]);
    expect(row.id).toBe(outcome.interaction.id);
  });

  it('reports a redelivery as a duplicate with the same id and changes nothing', async () => {
    const first = item();
    const { interaction, conversation: before } = await stored(first);
    const again = await ingest.ingest({ ...first, text: 'changed on redelivery' });
    expect(again).toEqual({ status: 'duplicate', interactionId: interaction.id });
    expect(await conversation(before.id)).toMatchObject({ unread_count: 1, last_interaction_preview: first.text });
    const [{ count }] = await db.query('SELECT count FROM customer_activity_daily WHERE customer_id = $1', [interaction.customerId]);
    expect(count).toBe(1);
  });

  it('counts inbound items as unread, and a later inbound item reopens a pending conversation', async () => {
    const first = item();
    const { conversation: opened } = await stored(first);
    await db.query(`UPDATE conversations SET status = 'pending' WHERE id = $1`, [opened.id]);
    const second = await stored(item({ identity: first.identity }));
    expect(second.conversation.id).toBe(opened.id);
    expect(await conversation(opened.id)).toMatchObject({ status: 'open', unread_count: 2 });
  });

  it('opens a new conversation after the last one was resolved', async () => {
    const first = item();
    const { conversation: opened } = await stored(first);
    await db.query(`UPDATE conversations SET status = 'resolved' WHERE id = $1`, [opened.id]);
    const next = await stored(item({ identity: first.identity }));
    expect(next.conversation.id).not.toBe(opened.id);
    expect((await conversation(opened.id)).status).toBe('resolved');
  });

  it('never rewinds the preview for an item that arrives late', async () => {
    const first = item();
    const { conversation: opened } = await stored(first);
    const late = item({
      identity: first.identity,
      occurredAt: new Date(Date.parse(first.occurredAt) - 3600_000).toISOString(),
      text: 'late',
    });
    await stored(late);
    expect(await conversation(opened.id)).toMatchObject({
      last_interaction_preview: first.text,
      last_interaction_at: new Date(first.occurredAt),
    });
  });

  it('stores notes without counting them as activity or unread', async () => {
    const first = item();
    const { interaction, conversation: opened } = await stored(first);
    await stored(item({ identity: first.identity, direction: 'outbound', kind: 'note', text: 'internal' }));
    expect(await conversation(opened.id)).toMatchObject({ unread_count: 1 });
    const [{ total }] = await db.query('SELECT sum(count)::int AS total FROM customer_activity_daily WHERE customer_id = $1', [
      interaction.customerId,
    ]);
    expect(total).toBe(1);
  });

  it('writes STOP and START with the message that carried them, the later keyword winning', async () => {
    const first = item();
    await stored(first);
    const phone = first.identity.address;
    const at = (seconds: number) => new Date(Date.parse(first.occurredAt) + seconds * 1000).toISOString();
    await stored(item({ identity: first.identity, text: 'START', occurredAt: at(20) }));
    await stored(item({ identity: first.identity, text: 'stop', occurredAt: at(10) }));
    const [consent] = await db.query('SELECT opted_out, keyword FROM sms_opt_outs WHERE phone = $1', [phone]);
    expect(consent).toEqual({ opted_out: false, keyword: 'START' });
  });

  it('rolls the consent change back with the message when the message cannot be stored', async () => {
    const stop = item({ text: 'STOP', metadata: { bad: '\u0000' } });
    await expect(ingest.ingest(stop)).rejects.toThrow();
    expect(await db.query('SELECT 1 FROM sms_opt_outs WHERE phone = $1', [stop.identity.address])).toEqual([]);
    expect(await db.query('SELECT 1 FROM interactions WHERE idempotency_key = $1', [stop.idempotencyKey])).toEqual([]);
  });

  it('stores one interaction when two workers race on the same key', async () => {
    const first = item();
    const outcomes = await Promise.all([ingest.ingest(first), ingest.ingest(first), ingest.ingest(first)]);
    expect(outcomes.filter((o) => o.status === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(2);
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM interactions WHERE idempotency_key = $1', [first.idempotencyKey]);
    expect(n).toBe(1);
  });

  it('keeps one conversation per thread key, several at once for the same customer and channel', async () => {
    const first = item({ channel: 'chat', identity: { channel: 'chat', address: 'visitor-a' }, threadKey: 'visitor-a' });
    const a = await stored(first);
    const b = await stored(item({ channel: 'chat', identity: first.identity, threadKey: 'visitor-b' }));
    const a2 = await stored(item({ channel: 'chat', identity: first.identity, threadKey: 'visitor-a' }));
    expect(b.conversation.id).not.toBe(a.conversation.id);
    expect(a2.conversation.id).toBe(a.conversation.id);
    expect((await conversation(a.conversation.id)).thread_key).toBe('visitor-a');
  });

  it('puts a reply into the conversation of the message it answers, reopening it when resolved', async () => {
    const email = { channel: 'email' as const, address: 'reply@example.com' };
    const root = item({ channel: 'email', identity: email, externalId: '<root@example.com>', threadKey: '<root@example.com>' });
    const { conversation: thread } = await stored(root);
    await db.query(`UPDATE conversations SET status = 'resolved', unread_count = 0 WHERE id = $1`, [thread.id]);
    const other = await stored(
      item({ channel: 'email', identity: email, externalId: '<other@example.com>', threadKey: '<other@example.com>' }),
    );
    const reply = await stored(
      item({
        channel: 'email',
        identity: email,
        externalId: '<reply@example.com>',
        threadKey: '<reply@example.com>',
        replyTo: ['<unknown@x>', '<root@example.com>'],
      }),
    );
    expect(reply.conversation.id).toBe(thread.id);
    expect(other.conversation.id).not.toBe(thread.id);
    expect(await conversation(thread.id)).toMatchObject({ status: 'open', unread_count: 1, thread_key: '<root@example.com>' });
  });

  it('ignores references to another customer’s messages', async () => {
    const root = item({
      channel: 'email',
      identity: { channel: 'email', address: 'one@example.com' },
      externalId: '<one@example.com>',
      threadKey: '<one@example.com>',
    });
    const { conversation: theirs } = await stored(root);
    const stranger = await stored(
      item({
        channel: 'email',
        identity: { channel: 'email', address: 'two@example.com' },
        externalId: '<two@example.com>',
        threadKey: '<two@example.com>',
        replyTo: ['<one@example.com>'],
      }),
    );
    expect(stranger.conversation.id).not.toBe(theirs.id);
  });

  it('starts a new customer where the lifecycle rules put it, with the reason, in the same call', async () => {
    const history = (customerId: string) =>
      db.query('SELECT stage, acquisition_step, reason, occurred_at FROM customer_lifecycle_changes WHERE customer_id = $1', [
        customerId,
      ]) as Promise<Array<{ stage: string; acquisition_step: string; reason: string; occurred_at: Date }>>;
    const buyer = item({ text: 'I would like to buy two more mugs' });
    const first = await stored(buyer);
    expect(first.customer).toMatchObject({ created: true, lifecycleStage: 'acquisition', acquisitionStep: 'exchange' });
    expect(await history(first.customer.id)).toEqual([
      {
        stage: 'acquisition',
        acquisition_step: 'exchange',
        reason: 'First inbound contact, on sms. The customer asked to buy, on sms.',
        occurred_at: new Date(buyer.occurredAt),
      },
    ]);
    // The customer's next item is not a start: nothing more is recorded by the ingest.
    await stored(item({ identity: buyer.identity, text: 'I would like to buy a teapot too' }));
    expect(await history(first.customer.id)).toHaveLength(1);
  });

  it('keeps the previous release’s signature callable, for workers not yet upgraded', async () => {
    const old = item();
    // Exactly the call a worker of the previous release makes.
    const callOld = () =>
      db.query('SELECT * FROM ingest_interaction($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)', [
        'phone',
        old.identity.address,
        null,
        'sms',
        'inbound',
        'message',
        old.text,
        null,
        old.occurredAt,
        old.externalId,
        old.idempotencyKey,
        'other',
        {},
        old.text,
      ]);
    const [row] = await callOld();
    expect(row.r_customer_created).toBe(true);
    const again = await callOld();
    expect(again).toEqual([]);
  });

  it('keeps v2’s signature and its columns, for workers of the release before the retention step', async () => {
    const old = item();
    const callV2 = () =>
      db.query('SELECT * FROM ingest_interaction_v2($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)', [
        randomUUID(),
        'phone',
        old.identity.address,
        null,
        'sms',
        'inbound',
        'message',
        old.text,
        null,
        old.occurredAt,
        old.externalId,
        old.idempotencyKey,
        'other',
        {},
        old.text,
        '',
        [],
      ]);
    const [row] = await callV2();
    expect(Object.keys(row)).toHaveLength(14);
    expect(row).not.toHaveProperty('r_account_id');
    expect(row.r_customer_created).toBe(true);
    expect(await callV2()).toEqual([]);
  });

  it('keeps v3’s signature and its columns, for workers of the release before the facts came back with it', async () => {
    const old = item();
    // The id a worker of that release derives from the key: a redelivery brings the same one.
    const id = randomUUID();
    const callV3 = () =>
      db.query(
        'SELECT * FROM ingest_interaction_v3($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)',
        [
          id,
          'phone',
          old.identity.address,
          null,
          'sms',
          'inbound',
          'message',
          old.text,
          null,
          old.occurredAt,
          old.externalId,
          old.idempotencyKey,
          'complaint',
          {},
          old.text,
          '',
          [],
          null,
          null,
          null,
          null,
          null,
          false,
        ],
      );
    const [row] = await callV3();
    expect(Object.keys(row)).toHaveLength(20);
    expect(row).not.toHaveProperty('r_complaints_30d');
    expect(row.r_customer_created).toBe(true);
    expect(await callV3()).toEqual([]);
  });

  it('re-applies the function’s source only when the file changed', async () => {
    const runner = db.createQueryRunner();
    try {
      expect(await applyRepeatableSql(runner)).toEqual([]);
      await db.query(`UPDATE repeatable_sql SET checksum = 'stale' WHERE name = 'ingest_interaction'`);
      expect(await applyRepeatableSql(runner)).toEqual(['ingest_interaction']);
      expect(await applyRepeatableSql(runner)).toEqual([]);
    } finally {
      await runner.release();
    }
    expect((await stored(item())).status).toBe('created');
  });
});
