import type { InboundInteraction } from '@omnihub/channels';
import { CustomersService } from '@omnihub/crm-core/customers/customers.service';
import { IdentityResolutionService } from '@omnihub/crm-core/customers/identity-resolution.service';
import { InteractionIngestService } from '@omnihub/crm-core/interactions/interaction-ingest.service';
import type { DataSource } from 'typeorm';
import { openTestDatabase, testChannels } from './support/test-database';

let sequence = 0;
function interaction(
  channel: InboundInteraction['channel'],
  identity: InboundInteraction['identity'],
  overrides: Partial<InboundInteraction> = {},
): InboundInteraction {
  const key = `item-${++sequence}`;
  return {
    channel,
    direction: 'inbound',
    kind: channel === 'phone' ? 'call' : 'message',
    identity,
    externalId: key,
    idempotencyKey: key,
    occurredAt: new Date(Date.UTC(2026, 10, 1, 8, 0, sequence)).toISOString(),
    text: `message ${sequence}`,
    metadata: {},
    ...overrides,
  };
}

describe('identity resolution and merge (PostgreSQL)', () => {
  let db: DataSource;
  let ingest: InteractionIngestService;
  let resolution: IdentityResolutionService;
  let customers: CustomersService;

  beforeAll(async () => {
    db = await openTestDatabase('identity');
    ingest = new InteractionIngestService(db, testChannels());
    resolution = new IdentityResolutionService(db);
    customers = new CustomersService(db, () => new Date('2026-11-02T12:00:00Z'));
  });
  afterAll(() => db?.destroy());

  const customerOf = async (channel: string, address: string) =>
    (await db.query('SELECT customer_id FROM customer_identities WHERE channel = $1 AND address = $2', [channel, address]))[0]
      ?.customer_id as string;
  const interactionsOf = async (customerId: string) =>
    (await db.query('SELECT external_id FROM interactions WHERE customer_id = $1 ORDER BY external_id', [customerId])).map(
      (r: { external_id: string }) => r.external_id,
    );

  it('makes one customer of two identities proven to be the same person, with every interaction of both', async () => {
    const phone = { channel: 'phone' as const, address: '+447700900001' };
    const email = { channel: 'email' as const, address: 'ann@example.com' };
    const calls = [interaction('phone', phone), interaction('phone', phone)];
    const mails = [interaction('email', email), interaction('sms', phone, { kind: 'message' })];
    for (const item of [...calls, ...mails]) expect((await ingest.ingest(item)).status).toBe('created');
    const byPhone = await customerOf('phone', phone.address);
    const byEmail = await customerOf('email', email.address);
    expect(byPhone).not.toBe(byEmail);

    const result = await resolution.resolve([phone, email]);

    expect(result.mergedCustomerIds).toEqual([byEmail]);
    expect(result.customerId).toBe(byPhone);
    expect(await customerOf('email', email.address)).toBe(byPhone);
    const summary = await customers.summary(byPhone);
    expect(summary.identities).toEqual(expect.arrayContaining([phone, email]));
    expect(await interactionsOf(byPhone)).toEqual([...calls, ...mails].map((i) => i.externalId).sort());
    expect((await db.query('SELECT 1 FROM customers WHERE id = $1', [byEmail])).length).toBe(0);
    // The merged-away id still leads to the survivor.
    expect((await customers.summary(byEmail)).id).toBe(byPhone);
    const activity = await db.query('SELECT sum(count)::int AS n FROM customer_activity_daily WHERE customer_id = $1', [byPhone]);
    expect(activity[0].n).toBe(4);
  });

  it('folds two unresolved conversations on the same channel into one, keeping every interaction', async () => {
    const first = { channel: 'phone' as const, address: '+447700900002' };
    const second = { channel: 'phone' as const, address: '+447700900003' };
    await ingest.ingest(interaction('phone', first));
    await ingest.ingest(interaction('phone', second));
    const survivor = await customerOf('phone', first.address);
    const other = await customerOf('phone', second.address);

    await customers.merge(survivor, other);

    const conversations = await db.query('SELECT id, unread_count FROM conversations WHERE customer_id = $1', [survivor]);
    expect(conversations).toHaveLength(1);
    expect(conversations[0].unread_count).toBe(2);
    const inConversation = await db.query('SELECT count(*)::int AS n FROM interactions WHERE conversation_id = $1', [conversations[0].id]);
    expect(inConversation[0].n).toBe(2);
  });

  it('creates a customer for identities nobody holds, and joins new identities to the one that matches', async () => {
    const chat = { channel: 'chat' as const, address: 'visitor-1' };
    const created = await resolution.resolve([chat], 'Visitor One');
    expect(created).toMatchObject({ created: true, mergedCustomerIds: [] });
    const email = { channel: 'email' as const, address: 'visitor@example.com' };
    const joined = await resolution.resolve([chat, email]);
    expect(joined).toEqual({ customerId: created.customerId, created: false, mergedCustomerIds: [] });
    expect((await customers.summary(created.customerId)).name).toBe('Visitor One');
  });

  it('refuses to merge a customer with itself or with one that does not exist, changing nothing', async () => {
    const phone = { channel: 'phone' as const, address: '+447700900004' };
    await ingest.ingest(interaction('phone', phone));
    const id = await customerOf('phone', phone.address);
    await expect(customers.merge(id, id)).rejects.toThrow('cannot be merged with itself');
    await expect(customers.merge(id, '00000000-0000-4000-8000-000000000000')).rejects.toThrow('does not exist');
    expect(await interactionsOf(id)).toHaveLength(1);
  });

  it('gives concurrent first contacts from one new number a single customer', async () => {
    const phone = { channel: 'phone' as const, address: '+447700900005' };
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => ingest.ingest(interaction('phone', phone))));
    expect(outcomes.every((o) => o.status === 'created')).toBe(true);
    const owners = await db.query(
      'SELECT DISTINCT customer_id FROM interactions WHERE customer_id IN (SELECT customer_id FROM customer_identities WHERE address = $1)',
      [phone.address],
    );
    expect(owners).toHaveLength(1);
    expect(
      await db.query("SELECT count(*)::int AS n FROM conversations WHERE customer_id = $1 AND status <> 'resolved'", [
        owners[0].customer_id,
      ]),
    ).toEqual([{ n: 1 }]);
  });

  it('stores a redelivered item once and reports the duplicate', async () => {
    const item = interaction('sms', { channel: 'phone', address: '+447700900006' }, { kind: 'message' });
    expect((await ingest.ingest(item)).status).toBe('created');
    expect(await ingest.ingest(item)).toMatchObject({ status: 'duplicate' });
    const rows = await db.query('SELECT count(*)::int AS n FROM interactions WHERE idempotency_key = $1', [item.idempotencyKey]);
    expect(rows[0].n).toBe(1);
  });
});
