import type { InboundInteraction } from '@omnihub/channels';
import { ConversationsService } from '@omnihub/crm-core/conversations/conversations.service';
import { CustomersService } from '@omnihub/crm-core/customers/customers.service';
import { DefectionService } from '@omnihub/crm-core/defection/defection.service';
import { ExtensionService } from '@omnihub/crm-core/extension/extension.service';
import { InteractionIngestService } from '@omnihub/crm-core/interactions/interaction-ingest.service';
import { BusinessEventsService } from '@omnihub/crm-core/lifecycle/business-events.service';
import { OutboundMessagesService } from '@omnihub/crm-core/outbound/outbound-messages.service';
import { RetentionReportService } from '@omnihub/crm-core/reports/retention-report.service';
import { RetentionEvaluationService } from '@omnihub/crm-core/retention/retention-evaluation.service';
import { RetentionScanService } from '@omnihub/crm-core/retention/retention-scan.service';
import { SatisfactionService } from '@omnihub/crm-core/satisfaction/satisfaction.service';
import { DEFAULT_SURVEY_TEXTS } from '@omnihub/crm-core/satisfaction/survey.rules';
import type { DataSource } from 'typeorm';
import { inboundSms, openTestDatabase, testChannels } from './support/test-database';

const NOW = new Date('2026-06-30T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

let sequence = 0;
const newPhone = () => `+4477002${String(++sequence).padStart(5, '0')}`;

/** Defection, satisfaction and extension over real data, the clock pinned at NOW. */
describe('the CRM cycle (PostgreSQL, pinned clock)', () => {
  let db: DataSource;
  let ingest: InteractionIngestService;
  let conversations: ConversationsService;
  let satisfaction: SatisfactionService;
  let events: BusinessEventsService;
  let defections: DefectionService;
  let customers: CustomersService;
  let scans: RetentionScanService;

  beforeAll(async () => {
    db = await openTestDatabase('crm_cycle');
    const channels = testChannels();
    const evaluation = new RetentionEvaluationService(db);
    ingest = new InteractionIngestService(db, channels);
    conversations = new ConversationsService(db);
    satisfaction = new SatisfactionService(
      db,
      new OutboundMessagesService(db, channels),
      { enabled: true, texts: DEFAULT_SURVEY_TEXTS, language: 'en' },
      () => NOW,
    );
    defections = new DefectionService(db, evaluation, 30, () => NOW);
    events = new BusinessEventsService(db, evaluation, defections, () => NOW);
    customers = new CustomersService(db, () => NOW);
    scans = new RetentionScanService(db, evaluation, new ExtensionService(db));
  });
  afterAll(() => db?.destroy());

  async function sms(phone: string, text: string, occurredAt: string, metadata: Record<string, unknown> = {}) {
    const item = inboundSms(phone, `SM${String(++sequence).padStart(32, '0')}`, occurredAt, text, { from: phone, ...metadata });
    const outcome = await ingest.ingest(item);
    if (outcome.status !== 'created') throw new Error('expected a new interaction');
    return outcome;
  }

  /** A customer's SMS conversation, resolved by an agent: the survey's decision. */
  async function resolvedConversation(phone: string, text = 'Where is my parcel?') {
    const first = await sms(phone, text, at(-2 * HOUR));
    await conversations.change(first.conversation.id, { status: 'resolved' });
    return {
      conversationId: first.conversation.id,
      customerId: first.customer.id,
      survey: await satisfaction.afterResolve(first.conversation.id),
    };
  }

  const conversation = async (id: string) =>
    (await db.query('SELECT status, csat_score, csat_comment, survey_sent_at, unread_count FROM conversations WHERE id = $1', [id]))[0];

  describe('the satisfaction survey', () => {
    it('goes out when an agent resolves, on the conversation’s channel, once in 7 days', async () => {
      const { conversationId, survey } = await resolvedConversation(newPhone());
      expect(survey.decision).toEqual({ send: true });
      expect(survey.posted?.interaction).toMatchObject({
        direction: 'outbound',
        kind: 'message',
        channel: 'sms',
        deliveryStatus: 'queued',
        text: DEFAULT_SURVEY_TEXTS.en,
        metadata: expect.objectContaining({ survey: true }),
      });
      expect((await conversation(conversationId)).survey_sent_at).toEqual(NOW);
      const again = await satisfaction.afterResolve(conversationId);
      expect(again).toMatchObject({ posted: null, decision: { send: false, rule: 'surveyed_recently' } });
    });

    it('is never sent to a number that texted STOP', async () => {
      const phone = newPhone();
      const { conversationId, survey } = await resolvedConversation(phone, 'STOP');
      expect(survey).toMatchObject({ posted: null, decision: { send: false, rule: 'recipient_refuses' } });
      expect((await conversation(conversationId)).survey_sent_at).toBeNull();
      expect(await db.query(`SELECT 1 FROM interactions WHERE conversation_id = $1 AND direction = 'outbound'`, [conversationId])).toEqual(
        [],
      );
    });

    it('is never sent in answer to an auto-reply', async () => {
      const phone = newPhone();
      const first = await sms(phone, 'I am away until Monday', at(-HOUR), { automatic: 'Auto-Submitted: auto-replied' });
      await conversations.change(first.conversation.id, { status: 'resolved' });
      expect(await satisfaction.afterResolve(first.conversation.id)).toMatchObject({ posted: null, decision: { rule: 'auto_reply' } });
    });

    it('"2 too slow" is the conversation’s csat; it stays resolved and a high satisfaction task quotes the comment', async () => {
      const phone = newPhone();
      const { conversationId, customerId } = await resolvedConversation(phone);
      const answer = await sms(phone, '2 too slow', at(HOUR));
      expect(answer).toMatchObject({ csatRecorded: true, conversation: { id: conversationId, status: 'resolved' } });
      expect(answer.conversation.csat).toEqual({ score: 2, comment: 'too slow', respondedAt: at(HOUR) });
      expect(await conversation(conversationId)).toMatchObject({ status: 'resolved', csat_score: 2, csat_comment: 'too slow' });
      const task = await satisfaction.afterScore(answer.conversation);
      expect(task).toMatchObject({
        created: true,
        task: { kind: 'satisfaction', severity: 'high', customerId, conversationId, reason: expect.stringContaining('"too slow"') },
      });
      const dayLater = new CustomersService(db, () => new Date(NOW.getTime() + DAY));
      expect((await dayLater.detail(customerId)).metrics.csatAverage90d).toBe(2);
    });

    it('"five" and "25" are ordinary messages: they open a conversation and leave the survey unanswered', async () => {
      const phone = newPhone();
      const { conversationId } = await resolvedConversation(phone);
      const five = await sms(phone, 'five', at(HOUR));
      const twentyFive = await sms(phone, '25', at(2 * HOUR));
      expect(five).toMatchObject({ csatRecorded: false, conversation: { status: 'open', csat: null } });
      expect(five.conversation.id).not.toBe(conversationId);
      expect(twentyFive).toMatchObject({ csatRecorded: false, conversation: { id: five.conversation.id } });
      expect(await conversation(conversationId)).toMatchObject({ status: 'resolved', csat_score: null });
    });

    it('an answer more than 7 days after the survey is an ordinary message', async () => {
      const phone = newPhone();
      const { conversationId } = await resolvedConversation(phone);
      const late = await sms(phone, '4', at(7 * DAY + HOUR));
      expect(late.csatRecorded).toBe(false);
      expect(late.conversation.id).not.toBe(conversationId);
    });

    it('a call log’s csatScore is its conversation’s score', async () => {
      const phone = newPhone();
      const call: InboundInteraction = {
        channel: 'phone',
        direction: 'inbound',
        kind: 'call',
        identity: { channel: 'phone', address: phone },
        externalId: 'call-csat-1',
        idempotencyKey: 'partner:call-csat-1',
        occurredAt: at(-HOUR),
        text: '',
        metadata: { outcome: 'answered', partnerId: 'partner', csatScore: 1 },
      };
      const outcome = await ingest.ingest(call);
      expect(outcome).toMatchObject({ status: 'created', csatRecorded: true, conversation: { csat: { score: 1, comment: null } } });
    });

    it('an agent records a score given by phone', async () => {
      const first = await sms(newPhone(), 'Thanks for calling me back', at(-HOUR));
      const recorded = await satisfaction.record(first.conversation.id, { score: 5, comment: 'spot on' });
      expect(recorded).toEqual({
        conversation: expect.objectContaining({ csat: { score: 5, comment: 'spot on', respondedAt: NOW.toISOString() } }),
        task: null,
      });
    });
  });

  describe('defection and re-acquisition', () => {
    const task = async (customerId: string) =>
      (
        await db.query(
          `SELECT id, reason, due_at, status, outcome FROM retention_tasks WHERE customer_id = $1 AND kind = 'reacquisition'`,
          [customerId],
        )
      )[0];

    it('a cancellation defects the customer with the type unknown; recording the type rewrites the task; a purchase re-acquires', async () => {
      const { customer } = await sms(newPhone(), 'hello', at(-60 * DAY));
      await events.record(customer.id, { type: 'purchase', amount: 10, occurredAt: at(-50 * DAY) });
      const cancelled = await events.record(customer.id, { type: 'cancellation', occurredAt: at(-10 * DAY) });
      expect(cancelled.created && cancelled.changes.tasksCreated).toEqual([
        expect.objectContaining({ kind: 'reacquisition', dueAt: at(20 * DAY), reason: expect.stringMatching(/why is not known yet/) }),
      ]);
      expect(await customers.detail(customer.id)).toMatchObject({
        lifecycleStage: 'defected',
        defection: { type: null, note: null, occurredAt: at(-10 * DAY) },
      });
      const first = await task(customer.id);

      const recorded = await defections.record(customer.id, { type: 'price', note: 'found it cheaper' });
      expect(recorded.tasksUpdated).toEqual([expect.objectContaining({ id: first.id, reason: expect.stringMatching(/^Price defector/) })]);
      expect((await customers.detail(customer.id)).defection).toEqual({
        type: 'price',
        note: 'found it cheaper',
        occurredAt: at(-10 * DAY),
      });

      const back = await events.record(customer.id, { type: 'purchase', amount: 20, occurredAt: at(-DAY) });
      expect(back.created && back.changes.customers.map((c) => c.lifecycleStage)).toEqual(['reacquired']);
      expect(await task(customer.id)).toMatchObject({ id: first.id, status: 'done', outcome: 're-acquired' });
    });

    it('an agent’s defection of a retained customer opens the task due REACQUISITION_WAIT_DAYS later', async () => {
      const { customer } = await sms(newPhone(), 'hello', at(-60 * DAY));
      await events.record(customer.id, { type: 'purchase', amount: 10, occurredAt: at(-50 * DAY) });
      const recorded = await defections.record(customer.id, { type: 'service', occurredAt: at(-DAY) });
      expect(recorded.customers.map((c) => c.lifecycleStage)).toEqual(['defected']);
      expect(recorded.tasksCreated).toEqual([
        expect.objectContaining({
          kind: 'reacquisition',
          severity: 'medium',
          dueAt: at(29 * DAY),
          reason: expect.stringMatching(/^Service defector/),
        }),
      ]);
    });
  });

  describe('extension at the scan', () => {
    it('four bought Router X and Mesh Extender, a fifth only Router X: after the scan the fifth is offered Mesh Extender', async () => {
      const bought = async (products: string[]) => {
        const { customer } = await sms(newPhone(), 'hello', at(-40 * DAY));
        for (const product of products)
          await events.record(customer.id, { type: 'purchase', amount: 50, product, occurredAt: at(-30 * DAY) });
        return customer.id;
      };
      const both = [];
      for (let i = 0; i < 4; i++) both.push(await bought(['Router X', 'Mesh Extender']));
      const fifth = await bought(['Router X']);
      // Unhappy within 90 days: no offer, though it bought the same.
      const unhappy = await bought(['Router X']);
      const [{ id: conversationId }] = await db.query('SELECT id FROM conversations WHERE customer_id = $1', [unhappy]);
      await satisfaction.record(conversationId, { score: 3, comment: null });

      await scans.scan(NOW);
      expect(await db.query(`SELECT * FROM product_affinities WHERE product IN ('Router X', 'Mesh Extender') ORDER BY product`)).toEqual([
        { product: 'Mesh Extender', other_product: 'Router X', buyers: 4, also_bought: 4 },
        { product: 'Router X', other_product: 'Mesh Extender', buyers: 6, also_bought: 4 },
      ]);
      const offers = await db.query(`SELECT customer_id, offer, reason FROM retention_tasks WHERE kind = 'extension'`);
      expect(offers).toEqual([
        {
          customer_id: fifth,
          offer: { product: 'Mesh Extender', basis: '4 of 6 customers who bought Router X also bought Mesh Extender' },
          reason: expect.stringMatching(/^Offer Mesh Extender: 4 of 6 customers/),
        },
      ]);
      await scans.scan(NOW);
      expect(await db.query(`SELECT count(*)::int AS n FROM retention_tasks WHERE kind = 'extension'`)).toEqual([{ n: 1 }]);
    });
  });
});

/** The report's figures on a fixed history, against the hand computation written beside it. */
describe('the retention report (PostgreSQL)', () => {
  let db: DataSource;
  let reports: RetentionReportService;

  beforeAll(async () => {
    db = await openTestDatabase('crm_report');
    reports = new RetentionReportService(db);
  });
  afterAll(() => db?.destroy());

  async function customer(stage: string, changes: Array<[string, string]>): Promise<string> {
    const [{ id }] = await db.query(`INSERT INTO customers (lifecycle_stage, created_at) VALUES ($1, '2025-12-01') RETURNING id`, [stage]);
    for (const [changed, at] of changes) {
      await db.query(`INSERT INTO customer_lifecycle_changes (customer_id, stage, reason, occurred_at) VALUES ($1, $2, 'test', $3)`, [
        id,
        changed,
        at,
      ]);
    }
    return id;
  }

  it('rate (E − N) / S, stages, defections, re-acquired, CSAT and open tasks by sign', async () => {
    // period 2026-04-01 → 2026-06-30          kept at start?  kept at end?
    const k1 = await customer('retained', [['retained', '2026-01-10']]); //             yes   yes
    const k2 = await customer('at_risk', [
      ['retained', '2026-01-15'],
      ['at_risk', '2026-05-01'],
    ]); // yes   yes (at risk)
    const k3 = await customer('defected', [
      ['retained', '2026-02-01'],
      ['defected', '2026-05-10'],
    ]); // yes no
    await customer('retained', [
      ['acquisition', '2026-03-01'],
      ['retained', '2026-04-20'],
    ]); //        no    yes: new
    const k5 = await customer('reacquired', [
      ['retained', '2026-02-01'],
      ['defected', '2026-03-01'],
      ['reacquired', '2026-05-20'],
    ]); // no yes: new
    await customer('acquisition', [['acquisition', '2026-05-01']]); //                     no    no
    await customer('retained', [['retained', '2026-07-05']]); //                           (not yet a customer at the end)
    const k8 = await customer('defected', [
      ['retained', '2026-01-01'],
      ['defected', '2026-06-01'],
    ]); // yes no
    // S = k1, k2, k3, k8 = 4; E = k1, k2, k4, k5 = 4; N = k4, k5 = 2; rate = (4 − 2) / 4 = 0.5
    await db.query(
      `INSERT INTO customer_defections (customer_id, type, occurred_at, reacquired_at) VALUES
         ($1, 'price', '2026-05-10', NULL), ($2, NULL, '2026-03-01', '2026-05-20'), ($3, NULL, '2026-06-01', NULL)`,
      [k3, k5, k8],
    );
    await db.query(
      `INSERT INTO conversations (customer_id, channel, status, csat_score, csat_responded_at) VALUES
         ($1, 'sms', 'resolved', 2, '2026-05-02'), ($2, 'email', 'resolved', 5, '2026-06-02'), ($1, 'chat', 'resolved', 1, '2026-03-02')`,
      [k1, k2],
    );
    await db.query(
      `INSERT INTO retention_tasks (customer_id, kind, reason, severity, status, signs) VALUES
         ($1, 'attrition', 'x', 'medium', 'open', '{silence,complaints}'), ($2, 'attrition', 'x', 'low', 'in_progress', '{silence}'),
         ($3, 'attrition', 'x', 'low', 'done', '{enquiries}')`,
      [k2, k1, k3],
    );

    expect(await reports.report(new Date('2026-04-01T00:00:00Z'), new Date('2026-06-30T00:00:00Z'))).toEqual({
      from: '2026-04-01T00:00:00.000Z',
      to: '2026-06-30T00:00:00.000Z',
      customersAtStart: 4,
      customersAtEnd: 4,
      newCustomers: 2,
      retentionRate: 0.5,
      byStage: { acquisition: 1, retained: 2, at_risk: 1, defected: 2, reacquired: 1 },
      defections: { price: 1, product: 0, service: 0, market: 0, technological: 0, organizational: 0, unknown: 1 },
      reacquired: 1,
      csat: { responses: 2, average: 3.5 },
      openTasksBySign: { contact_frequency: 0, complaints: 1, enquiries: 0, silence: 2, business_volume: 0, active_buyers: 0 },
    });
    // Any past period, from the same history: on 2026-01-01 only k8 was kept (its change is at that
    // instant); on 2026-03-15 k1, k2, k3 and k8 were (k5 had left): (4 − 3) / 1.
    expect(await reports.report(new Date('2026-01-01T00:00:00Z'), new Date('2026-03-15T00:00:00Z'))).toMatchObject({
      customersAtStart: 1,
      customersAtEnd: 4,
      newCustomers: 3,
      retentionRate: 1,
      defections: expect.objectContaining({ unknown: 1 }),
    });
  });
});
