import { Client } from 'pg';
import type { InboundInteraction } from '@omnihub/channels';
import { CustomersService } from '@omnihub/crm-core/customers/customers.service';
import { mergeCustomers } from '@omnihub/crm-core/customers/customer-merge.service';
import { InteractionIngestService } from '@omnihub/crm-core/interactions/interaction-ingest.service';
import { IntentNotApplicableError, IntentOverrideService } from '@omnihub/crm-core/interactions/intent-override.service';
import { BusinessEventsService, type BusinessEventInput } from '@omnihub/crm-core/lifecycle/business-events.service';
import { LifecycleHistoryService } from '@omnihub/crm-core/lifecycle/lifecycle-history.service';
import { DEFAULT_ATTRITION_THRESHOLDS } from '@omnihub/crm-core/retention/attrition.rules';
import { readCustomerFacts, type CustomerFactsRow } from '@omnihub/crm-core/retention/customer-facts';
import { RetentionEvaluationService } from '@omnihub/crm-core/retention/retention-evaluation.service';
import { RetentionIngestService } from '@omnihub/crm-core/retention/retention-ingest.service';
import { RetentionScanService } from '@omnihub/crm-core/retention/retention-scan.service';
import { DefectionService } from '@omnihub/crm-core/defection/defection.service';
import { ExtensionService } from '@omnihub/crm-core/extension/extension.service';
import type { DataSource } from 'typeorm';
import { inboundSms, ingestAsWorker, openTestDatabase, testChannels } from './support/test-database';

const NOW = new Date('2026-06-30T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

let sequence = 0;

/** The lifecycle and attrition rules over real histories, with the clock pinned at NOW. */
describe('retention rules (PostgreSQL, pinned clock)', () => {
  let db: DataSource;
  let ingest: InteractionIngestService;
  let afterIngest: RetentionIngestService;
  let events: BusinessEventsService;
  let scans: RetentionScanService;
  let history: LifecycleHistoryService;
  let customers: CustomersService;
  let intents: IntentOverrideService;

  beforeAll(async () => {
    db = await openTestDatabase('retention');
    const channels = testChannels();
    const evaluation = new RetentionEvaluationService(db);
    ingest = new InteractionIngestService(db, channels);
    afterIngest = new RetentionIngestService(db, channels, evaluation, () => NOW);
    events = new BusinessEventsService(db, evaluation, new DefectionService(db, evaluation, 30, () => NOW), () => NOW);
    scans = new RetentionScanService(db, evaluation, new ExtensionService(db));
    history = new LifecycleHistoryService(db);
    customers = new CustomersService(db, () => NOW);
    intents = new IntentOverrideService(db, evaluation, () => NOW);
  });
  afterAll(() => db?.destroy());

  /** A phone number of its own for each customer of a test. */
  const newPhone = () => `+4477001${String(++sequence).padStart(5, '0')}`;

  async function message(phone: string, occurredAt: string, text = 'hello there', overrides: Partial<InboundInteraction> = {}) {
    const item = { ...inboundSms(phone, `SM${String(++sequence).padStart(32, '0')}`, occurredAt, text), ...overrides };
    return ingestAsWorker(ingest, afterIngest, item, NOW);
  }

  /** `count` messages, one every `everyDays` days, the last one `lastDaysAgo` days ago. */
  async function history_(phone: string, count: number, everyDays: number, lastDaysAgo: number): Promise<string> {
    let id = '';
    for (let i = count - 1; i >= 0; i--) id = (await message(phone, daysAgo(lastDaysAgo + i * everyDays))).customerId;
    return id;
  }

  const event = (customerId: string, input: BusinessEventInput) => events.record(customerId, input);
  const openTasks = async (customerId: string) =>
    (await db.query(`SELECT kind, signs, severity, reason FROM retention_tasks WHERE customer_id = $1 AND status = 'open'`, [
      customerId,
    ])) as Array<{
      kind: string;
      signs: string[];
      severity: string;
      reason: string;
    }>;
  const stage = async (customerId: string) =>
    (await db.query('SELECT lifecycle_stage, acquisition_step FROM customers WHERE id = $1', [customerId]))[0] as {
      lifecycle_stage: string;
      acquisition_step: string;
    };

  it('a steady customer gets no task, and a second scan adds none', async () => {
    const id = await history_(newPhone(), 26, 7, 1);
    await scans.scan(NOW);
    const second = await scans.scan(NOW);
    expect(second.tasksCreated).toBe(0);
    expect(await openTasks(id)).toEqual([]);
    expect((await stage(id)).lifecycle_stage).toBe('acquisition');
  });

  it('silence: the scan opens one task with the numbers, moves the customer to at_risk, and a second scan adds none', async () => {
    // every 14 days (too few a month for the frequency sign), quiet for the last 100 days
    const id = await history_(newPhone(), 13, 14, 100);
    const first = await scans.scan(NOW);
    expect(first.tasksCreated).toBeGreaterThanOrEqual(1);
    expect(await openTasks(id)).toEqual([
      {
        kind: 'attrition',
        signs: ['silence'],
        severity: 'low',
        reason: 'No contact for 100 days; before that, 13 contacts in 180 days, one every 14 days.',
      },
    ]);
    expect((await stage(id)).lifecycle_stage).toBe('at_risk');
    const [latest] = (await history.list(id, undefined, 1)).items;
    expect(latest).toMatchObject({ stage: 'at_risk', acquisitionStep: 'enquiry', occurredAt: NOW.toISOString() });
    expect(latest.reason).toContain('No contact for 100 days');
    await scans.scan(NOW);
    expect(await openTasks(id)).toHaveLength(1);
  });

  it('complaints are found at ingest: the third complaint in 30 days opens a medium task', async () => {
    const phone = newPhone();
    await message(phone, daysAgo(20), 'this is unacceptable');
    const second = await message(phone, daysAgo(10), 'still waiting, terrible');
    expect(second.retention.tasksCreated).toEqual([]);
    const third = await message(phone, daysAgo(2), 'I want a refund');
    expect(third.retention.tasksCreated).toHaveLength(1);
    expect(third.retention.tasksCreated[0]).toMatchObject({
      kind: 'attrition',
      signs: ['complaints'],
      severity: 'medium',
      reason: '3 complaints in the last 30 days, against none in the 30 days before.',
    });
    expect(third.retention.customers[0].lifecycleStage).toBe('at_risk');
  });

  it('a new sign joins the open task and raises its severity', async () => {
    const phone = newPhone();
    // weekly for five months, then silence: contacts fell and the customer went quiet
    await history_(phone, 20, 7, 45);
    const id = (await message(phone, daysAgo(40), 'this is unacceptable')).customerId;
    await db.query(
      `INSERT INTO retention_tasks (customer_id, kind, signs, reason, severity) VALUES ($1, 'attrition', '{complaints}', 'Complaints.', 'medium')`,
      [id],
    );
    await scans.scan(NOW);
    const [task] = await openTasks(id);
    expect(task.signs).toEqual(['contact_frequency', 'complaints', 'silence']);
    expect(task.severity).toBe('high');
    expect(task.reason).toMatch(/^Complaints\. Contacts fell from 4\.2 a month to none in the last 30 days\. No contact for 40 days/);
  });

  it('business volume: at risk when purchases halve, and back to retained at the scan after the signs are gone', async () => {
    const id = (await message(newPhone(), daysAgo(170))).customerId;
    await event(id, { type: 'purchase', amount: 1200, occurredAt: daysAgo(150) });
    expect((await stage(id)).lifecycle_stage).toBe('retained');
    await event(id, { type: 'renewal', amount: 200, occurredAt: daysAgo(30) });
    await scans.scan(NOW);
    const [task] = await openTasks(id);
    expect(task).toMatchObject({
      signs: ['business_volume'],
      reason: 'Purchases and renewals fell from 1200 in the 90 days before to 200 in the last 90 days.',
    });
    expect((await stage(id)).lifecycle_stage).toBe('at_risk');
    await event(id, { type: 'purchase', amount: 900, occurredAt: daysAgo(1) });
    await scans.scan(NOW);
    expect(await stage(id)).toEqual({ lifecycle_stage: 'retained', acquisition_step: 'adoption' });
    // Both scans ran at the same pinned instant: the two changes share a time.
    expect((await history.list(id, undefined, 10)).items).toContainEqual(
      expect.objectContaining({ stage: 'retained', reason: 'No attrition sign holds any more.' }),
    );
  });

  it('active buyers: the account customer with the latest activity gets the task, with the account', async () => {
    const [{ id: accountId }] = await db.query(`INSERT INTO accounts (name) VALUES ('Acme') RETURNING id`);
    const buyers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = (await message(newPhone(), daysAgo(150 - i))).customerId;
      await db.query('UPDATE customers SET account_id = $1 WHERE id = $2', [accountId, id]);
      await event(id, { type: 'purchase', amount: 100, occurredAt: daysAgo(120) });
      buyers.push(id);
    }
    await event(buyers[0], { type: 'purchase', amount: 400, occurredAt: daysAgo(5) });
    await scans.scan(NOW);
    const tasks = await db.query(`SELECT customer_id, account_id, signs, reason FROM retention_tasks WHERE account_id = $1`, [accountId]);
    expect(tasks).toEqual([
      {
        customer_id: buyers[0],
        account_id: accountId,
        signs: ['active_buyers'],
        reason: 'Buyers at this account fell from 4 in the 90 days before to 1 in the last 90 days.',
      },
    ]);
  });

  it('acquisition steps move forward with events and are stored with their reasons', async () => {
    const id = (await message(newPhone(), daysAgo(10), 'hello')).customerId;
    await event(id, { type: 'quote', occurredAt: daysAgo(8) });
    await event(id, { type: 'order', occurredAt: daysAgo(6) });
    await event(id, { type: 'quote', occurredAt: daysAgo(5) });
    await event(id, { type: 'purchase', amount: 50, occurredAt: daysAgo(4) });
    const items = (await history.list(id, undefined, 10)).items;
    expect(items.map((i) => [i.stage, i.acquisitionStep, i.reason])).toEqual([
      ['retained', 'adoption', 'First purchase: the customer is won.'],
      ['acquisition', 'coordination', 'An order was placed.'],
      ['acquisition', 'exchange', 'A quote was made.'],
      ['acquisition', 'enquiry', 'First inbound contact, on sms.'],
    ]);
    expect(items[0].occurredAt).toBe(daysAgo(4));
  });

  it('an event with an externalId seen before for the customer answers the first and adds nothing', async () => {
    const id = (await message(newPhone(), daysAgo(3))).customerId;
    const first = await event(id, { type: 'order', externalId: 'ORD-1', amount: 10 });
    const again = await event(id, { type: 'purchase', externalId: 'ORD-1', amount: 99 });
    expect(again).toEqual({ event: first.event, created: false });
    expect((await events.list(id, undefined, 10)).items).toHaveLength(1);
  });

  it('metrics match a hand computation on a fixed history', async () => {
    const phone = newPhone();
    // 2 and 5 days ago (7d: 2), 20 days ago a complaint, 40 and 100 days ago; 200 days ago is outside
    for (const [days, text] of [
      [200, 'hi'],
      [100, 'hi'],
      [40, 'hi'],
      [20, 'this is terrible'],
      [5, 'what time do you open?'],
      [2, 'thanks'],
    ] as const)
      await message(phone, daysAgo(days), text);
    const id = (await message(phone, daysAgo(1), 'a call', { channel: 'phone', kind: 'call', metadata: { outcome: 'answered' } }))
      .customerId;
    const { metrics } = await customers.detail(id);
    expect(metrics).toEqual({
      interactions7d: 3,
      interactions30d: 4,
      interactions90d: 5,
      byChannel30d: { email: 0, sms: 3, chat: 0, phone: 1 },
      complaints30d: 1,
      csatAverage90d: null,
      enquiries30d: 1,
      lastInteractionAt: daysAgo(1),
      // 100 → 1 days ago over 5 gaps: 99 / 5
      avgGapDays: 19.8,
      // 4 in the last 30 days against (1 + 1) / 5 a month before
      frequencyTrend: 10,
    });
  });

  it('the retention step after an ingest costs the same number of statements however long the history', async () => {
    const short = newPhone();
    const long = newPhone();
    await history_(short, 2, 3, 5);
    await history_(long, 150, 1, 5);
    const counted = async (phone: string, text: string) => {
      const original = Client.prototype.query;
      let statements = 0;
      Client.prototype.query = function (this: Client, ...args: unknown[]) {
        statements++;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        await message(phone, daysAgo(0), text);
      } finally {
        Client.prototype.query = original;
      }
      return statements;
    };
    // An item that can neither move the lifecycle nor reveal a sign: the ingest function alone.
    expect(await counted(short, 'hello again')).toBe(1);
    expect(await counted(long, 'hello again')).toBe(1);
    // A complaint can reveal a sign: its facts come back with the ingest, and nothing is written
    // when none holds.
    expect(await counted(short, 'this is unacceptable')).toBe(1);
    expect(await counted(long, 'this is unacceptable')).toBe(1);
  });

  it('the facts a complaint brings back with its ingest are those a read of its own, and the scan, find', async () => {
    const phone = newPhone();
    // Days 0-200: in and out of every window the signs compare, a complaint now and then.
    for (const days of [200, 170, 120, 75, 45, 31, 29, 10, 1])
      await message(phone, daysAgo(days), days % 2 ? 'this is unacceptable' : 'hello');
    const item = inboundSms(phone, `SM${String(++sequence).padStart(32, '0')}`, daysAgo(0), 'still broken, I want a refund');
    const outcome = await ingest.ingest(item, { factsAt: NOW });
    if (outcome.status !== 'created' || !outcome.facts) throw new Error('expected a new complaint with its facts');
    const [read] = await readCustomerFacts(db, [outcome.customer.id], NOW, 'ingest', DEFAULT_ATTRITION_THRESHOLDS);
    expect(outcome.facts.row).toEqual(read);
    expect(read).toMatchObject({ interactions_30d: 4, interactions_prior_150d: 5, complaints_30d: 3, complaints_prior_30d: 2 });
    const [scanned] = await readCustomerFacts(db, [outcome.customer.id], NOW, 'scan', DEFAULT_ATTRITION_THRESHOLDS);
    const windows = (row: CustomerFactsRow) => [
      row.interactions_30d,
      row.interactions_prior_150d,
      row.complaints_30d,
      row.complaints_prior_30d,
      row.enquiries_30d,
      row.enquiries_prior_150d,
      row.task_id,
    ];
    expect(windows(scanned)).toEqual(windows(read));
  });

  it('a merge keeps one open attrition task, and moves the business events and lifecycle history', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const phone = newPhone();
      for (const days of [20, 10, 2]) await message(phone, daysAgo(days), 'I want a refund');
      ids.push((await message(phone, daysAgo(1), 'hello')).customerId);
    }
    await event(ids[1], { type: 'quote', externalId: 'Q-9', occurredAt: daysAgo(1) });
    expect(await openTasks(ids[0])).toHaveLength(1);
    expect(await openTasks(ids[1])).toHaveLength(1);
    await db.transaction((tx) => mergeCustomers(tx, ids[0], ids[1]));
    expect(await openTasks(ids[0])).toHaveLength(1);
    expect((await events.list(ids[0], undefined, 10)).items.map((e) => e.externalId)).toEqual(['Q-9']);
    expect((await history.list(ids[0], undefined, 20)).items.filter((i) => i.reason === 'A quote was made.')).toHaveLength(1);
  });

  it("interaction: the hub's first reply makes the contact two-way; a note does not", async () => {
    const id = (await message(newPhone(), daysAgo(2), 'hello')).customerId;
    const reply = {
      id: '00000000-0000-4000-8000-000000000001',
      customerId: id,
      conversationId: '00000000-0000-4000-8000-000000000002',
      channel: 'sms' as const,
      direction: 'outbound' as const,
      text: 'hi, how can we help?',
      occurredAt: daysAgo(1),
      externalId: 'x',
      metadata: {},
    };
    expect((await afterIngest.afterReply({ ...reply, kind: 'note' })).customers).toEqual([]);
    const moved = await afterIngest.afterReply({ ...reply, kind: 'message' });
    expect(moved.customers[0]).toMatchObject({ id, lifecycleStage: 'acquisition', acquisitionStep: 'interaction' });
    expect((await history.list(id, undefined, 1)).items[0]).toMatchObject({
      acquisitionStep: 'interaction',
      reason: 'Two-way contact: the hub wrote to the customer.',
      occurredAt: daysAgo(1),
    });
  });

  it("an agent's intent override wins in the metrics, both ways", async () => {
    const phone = newPhone();
    const id = (await message(phone, daysAgo(3), 'hello')).customerId;
    const [{ id: interactionId }] = await db.query('SELECT id FROM interactions WHERE customer_id = $1', [id]);
    const overridden = await intents.override(interactionId, 'complaint');
    expect(overridden.interaction.intent).toBe('complaint');
    expect((await customers.detail(id)).metrics).toMatchObject({ complaints30d: 1, enquiries30d: 0 });
    await intents.override(interactionId, 'enquiry');
    expect((await customers.detail(id)).metrics).toMatchObject({ complaints30d: 0, enquiries30d: 1 });
  });

  it('refuses an intent on an outbound message, changing nothing', async () => {
    const phone = newPhone();
    const id = (await message(phone, daysAgo(3), 'sent by us', { direction: 'outbound' })).customerId;
    const [{ id: interactionId }] = await db.query('SELECT id FROM interactions WHERE customer_id = $1', [id]);
    await expect(intents.override(interactionId, 'complaint')).rejects.toBeInstanceOf(IntentNotApplicableError);
    const [{ intent }] = await db.query('SELECT intent FROM interactions WHERE id = $1', [interactionId]);
    expect(intent).toBeNull();
    expect((await customers.detail(id)).metrics.complaints30d).toBe(0);
  });
});
