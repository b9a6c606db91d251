import { interactionIdOf, type ChannelRegistry, type InboundInteraction, type Intent, type SqlClient } from '@omnihub/channels';
import { DatabaseError, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { queryPrepared } from '../database/sql';
import {
  CONVERSATION_COLUMNS,
  previewOf,
  toConversationView,
  type ConversationRow,
  type ConversationView,
} from '../conversations/conversation.view';
import { parseSurveyAnswer, type CsatScore } from '../satisfaction/survey.rules';
import { CUSTOMER_COLUMNS, toCustomerSummary, type CustomerRow, type CustomerSummary } from '../customers/customer.view';
import { interactionSignalOf, startOfNewCustomer } from '../lifecycle/interaction-signal';
import { INTERACTION_COLUMNS, toInteractionView, type InteractionRow, type InteractionView } from './interaction.view';
import { itemCanRevealSign } from '../retention/attrition.rules';
import { ingestFactsRow, type CustomerFactsRow } from '../retention/customer-facts';
import { INGEST, INGEST_BATCH, INGEST_PARAMS, sqlClientOf, type IngestParam, type IngestRow } from './ingest-statement';
import { classifyIntent } from './intent.rules';

/** The customer as the ingest left it, and what the retention step reads of it. */
export interface IngestedCustomer extends CustomerSummary {
  /** First seen with this interaction. */
  created: boolean;
  /** While at risk, the stage to return to. */
  stageBeforeRisk: CustomerSummary['lifecycleStage'] | null;
}

/** What agents are shown about a stored item: the interaction, its conversation, its customer. */
export interface IngestedItem {
  interaction: InteractionView;
  conversation: ConversationView;
  customer: IngestedCustomer;
}

/** The facts of the item's customer as the ingest read them (options.factsAt), and as of when. */
export interface IngestReadFacts {
  row: CustomerFactsRow;
  at: Date;
}

export type IngestOutcome =
  | ({ status: 'created'; csatRecorded: boolean; facts: IngestReadFacts | null } & IngestedItem)
  | { status: 'duplicate'; interactionId: string };

export interface IngestOptions {
  /**
   * Read the facts the attrition signs at ingest ask, as of this time, in the same call, when the
   * item can reveal a sign: its retention step then needs no read of its own.
   */
  factsAt?: Date;
}

/** An inbound item with the id the api chose for it (older apis queued items without one). */
export type IdentifiedInteraction = InboundInteraction & { id?: string };

/** An item made ready for the ingest function. */
interface PreparedItem {
  item: IdentifiedInteraction;
  id: string;
  intent: Intent | null;
  factsAt: Date | null;
  params: Record<IngestParam, unknown>;
  /** The channel's statements that must commit with the item, if any. */
  write: ((sql: SqlClient) => Promise<void>) | null;
}

/**
 * The one write every channel shares: in one transaction, resolve the customer from the
 * identity, find or open the conversation of the item's thread (or, for a survey's answer, the
 * resolved conversation it answers), insert the interaction under the id chosen at the edge and
 * count the day's activity (`ingest_interaction_v4`, one round trip).
 * A channel's own rules join through its plug-in's ingest hooks. Safe to run twice for the same
 * item (BullMQ is at-least-once): the second run finds the idempotency key taken and reports a
 * duplicate, changing nothing.
 */
export class InteractionIngestService {
  constructor(
    private readonly db: DataSource,
    private readonly channels: ChannelRegistry,
  ) {}

  async ingest(item: IdentifiedInteraction, options: IngestOptions = {}): Promise<IngestOutcome> {
    const prepared = this.prepare(item, options);
    const { id, write } = prepared;
    const values = INGEST_PARAMS.map(([name]) => prepared.params[name]);
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      // A channel rule that must commit with the item is worth an explicit transaction's two
      // extra round trips only when there is one.
      if (write) await client.query('BEGIN');
      const rows = (await client.query<IngestRow>({ ...INGEST, values })).rows;
      if (write && rows.length) await write(sqlClientOf(client));
      if (write) await client.query('COMMIT');
      return rows.length ? outcomeOf(rows[0], prepared) : { status: 'duplicate', interactionId: id };
    } catch (error) {
      if (write) await client.query('ROLLBACK').catch(() => undefined);
      if (isConcurrentDuplicate(error)) return { status: 'duplicate', interactionId: id };
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Several items at once, each with the outcome (or the error) `ingest` would give it alone.
   * They go in one statement and one transaction, which costs PostgreSQL about a quarter less per
   * item than a statement each (pgbench, 8 items a statement). Items are written in the order of
   * their identities, so two batches lock their customers in the same order; an item with a
   * channel rule of its own goes alone. If the database refuses the statement (one item it cannot
   * store, a deadlock), every item is tried alone, so each is told its own error.
   */
  async ingestMany(
    requests: ReadonlyArray<{ item: IdentifiedInteraction; options?: IngestOptions }>,
  ): Promise<PromiseSettledResult<IngestOutcome>[]> {
    const prepared = requests.map(({ item, options }) => this.prepare(item, options));
    const together = prepared.filter((p) => !p.write).sort((x, y) => compareIdentities(x.item, y.item));
    const outcomes = new Map<PreparedItem, PromiseSettledResult<IngestOutcome>>();
    if (together.length > 1) {
      try {
        const rows = await queryPrepared<IngestRow & { r_ord: number }>(this.db, INGEST_BATCH.name, INGEST_BATCH.text, [
          JSON.stringify(together.map((p) => p.params)),
        ]);
        for (const row of rows) outcomes.set(together[row.r_ord - 1], fulfilled(outcomeOf(row, together[row.r_ord - 1])));
        for (const p of together) if (!outcomes.has(p)) outcomes.set(p, fulfilled({ status: 'duplicate', interactionId: p.id }));
      } catch (error) {
        outcomes.clear();
        // Without the server's answer the batch may have committed: each job retries through its
        // queue instead, and its retry finds its item stored and publishes its events again.
        if (!(error instanceof DatabaseError)) for (const p of together) outcomes.set(p, rejected(error));
      }
    }
    const settled: PromiseSettledResult<IngestOutcome>[] = [];
    for (const [i, p] of prepared.entries()) {
      const done = outcomes.get(p);
      settled.push(done ?? (await this.ingest(p.item, requests[i].options).then(fulfilled, rejected)));
    }
    return settled;
  }

  private prepare(item: IdentifiedInteraction, options: IngestOptions = {}): PreparedItem {
    const id = item.id ?? interactionIdOf(item.channel, item.idempotencyKey);
    const plugin = this.channels.find(item.channel);
    const intent = this.intentOf(item);
    // A customer first seen with this item starts where the lifecycle rules put it, in the same
    // transaction, so the retention step after it has nothing to write for a new customer.
    const start = item.kind === 'note' ? null : startOfNewCustomer(interactionSignalOf(item, intent, plugin));
    const csat = this.csatOf(item);
    const factsAt = options.factsAt && item.kind !== 'note' && itemCanRevealSign({ intent }) ? options.factsAt : null;
    const params: Record<IngestParam, unknown> = {
      interaction_id: id,
      identity_channel: item.identity.channel,
      identity_address: item.identity.address,
      customer_name: item.customerName ?? null,
      channel: item.channel,
      direction: item.direction,
      kind: item.kind,
      text: item.text,
      subject: item.subject ?? null,
      occurred_at: item.occurredAt,
      external_id: item.externalId,
      idempotency_key: item.idempotencyKey,
      intent,
      metadata: item.metadata,
      preview: previewOf(item.preview || item.text || item.subject || ''),
      thread_key: item.threadKey ?? '',
      reply_to: item.replyTo ?? [],
      start_stage: start?.state.stage ?? null,
      start_step: start?.state.acquisitionStep ?? null,
      start_reason: start?.reason ?? null,
      csat_score: csat?.score ?? null,
      csat_comment: csat?.comment ?? null,
      csat_given: csat?.given ?? false,
      facts_day: factsAt?.toISOString().slice(0, 10) ?? null,
    };
    return { item, id, intent, factsAt, params, write: plugin?.ingest?.writeWith?.(item) ?? null };
  }

  /**
   * A stored item as agents see it now, for re-publishing its events when a retry finds it
   * already stored (the run that stored it may have died before publishing).
   */
  async stored(interactionId: string): Promise<(Omit<IngestedItem, 'customer'> & { customer: CustomerSummary }) | null> {
    const runner = this.db.createQueryRunner();
    try {
      const [interaction] = (await runner.query(`SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = $1`, [
        interactionId,
      ])) as InteractionRow[];
      if (!interaction) return null;
      const [conversation] = (await runner.query(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations cv JOIN customers cu ON cu.id = cv.customer_id WHERE cv.id = $1`,
        [interaction.conversation_id],
      )) as ConversationRow[];
      const [customer] = (await runner.query(`SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = $1`, [
        interaction.customer_id,
      ])) as CustomerRow[];
      return {
        interaction: toInteractionView(interaction),
        conversation: toConversationView(conversation),
        customer: toCustomerSummary(customer),
      };
    } finally {
      await runner.release();
    }
  }

  /**
   * A score the channel says the item gives outright, else what a customer's message reads as
   * when it may answer a survey ("2 too slow"). A machine's message (`metadata.automatic`, an
   * out-of-office notice) answers nothing.
   */
  private csatOf(item: InboundInteraction): (CsatScore & { given: boolean }) | null {
    const given = this.channels.find(item.channel)?.ingest?.csatOf?.(item);
    if (given) return { ...given, given: true };
    if (item.direction !== 'inbound' || item.kind !== 'message' || 'automatic' in item.metadata) return null;
    const answer = parseSurveyAnswer(item.text);
    return answer && { ...answer, given: false };
  }

  private intentOf(item: InboundInteraction): Intent | null {
    if (item.direction !== 'inbound' || item.kind === 'note') return null;
    // Judged by what the customer wrote now (the preview source a plug-in gives), not by the history it quotes.
    return this.channels.find(item.channel)?.ingest?.intentOf?.(item) ?? classifyIntent(item.preview ?? item.text);
  }
}

function toItem(row: IngestRow, item: InboundInteraction, intent: Intent | null): IngestedItem {
  return {
    interaction: {
      id: row.r_interaction_id,
      customerId: row.r_customer_id,
      conversationId: row.r_conversation_id,
      channel: item.channel,
      direction: item.direction,
      kind: item.kind,
      text: item.text,
      ...(item.subject !== undefined && { subject: item.subject }),
      occurredAt: item.occurredAt,
      externalId: item.externalId,
      ...(intent && { intent }),
      metadata: item.metadata,
    },
    conversation: {
      id: row.r_conversation_id,
      channel: item.channel,
      status: row.r_status,
      assigneeId: row.r_assignee_id,
      customer: { id: row.r_customer_id, name: row.r_customer_name },
      lastInteractionAt: row.r_last_interaction_at.toISOString(),
      lastInteractionPreview: row.r_last_interaction_preview,
      unreadCount: row.r_unread_count,
      csat:
        row.r_csat_score === null
          ? null
          : { score: row.r_csat_score, comment: row.r_csat_comment, respondedAt: row.r_csat_responded_at!.toISOString() },
    },
    customer: {
      id: row.r_customer_id,
      name: row.r_customer_name,
      identities: row.r_identities,
      lifecycleStage: row.r_lifecycle_stage,
      acquisitionStep: row.r_acquisition_step,
      accountId: row.r_account_id,
      createdAt: row.r_customer_created_at.toISOString(),
      created: row.r_customer_created,
      stageBeforeRisk: row.r_stage_before_risk,
    },
  };
}

function outcomeOf(row: IngestRow, { item, intent, factsAt }: PreparedItem): IngestOutcome {
  const stored = toItem(row, item, intent);
  const factsRow = factsOf(row, stored.customer);
  const facts = factsAt && factsRow ? { row: factsRow, at: factsAt } : null;
  return { status: 'created', csatRecorded: row.r_csat_recorded, facts, ...stored };
}

const fulfilled = <T>(value: T): PromiseFulfilledResult<T> => ({ status: 'fulfilled', value });
const rejected = (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason });

function compareIdentities(x: InboundInteraction, y: InboundInteraction): number {
  const a = `${x.identity.channel} ${x.identity.address}`;
  const b = `${y.identity.channel} ${y.identity.address}`;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The customer's facts as the ingest read them (options.factsAt). */
function factsOf(row: IngestRow, customer: IngestedCustomer): CustomerFactsRow | null {
  if (!row.r_facts) return null;
  return ingestFactsRow(
    {
      id: customer.id,
      name: customer.name,
      identities: customer.identities,
      lifecycle_stage: customer.lifecycleStage,
      acquisition_step: customer.acquisitionStep,
      account_id: customer.accountId,
      created_at: row.r_customer_created_at,
      stage_before_risk: customer.stageBeforeRisk,
    },
    row.r_facts,
  );
}

/** Another job stored the same item between this call's check and its insert. */
function isConcurrentDuplicate(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && (constraint === 'interactions_channel_idempotency_key' || constraint === 'interactions_pkey');
}
