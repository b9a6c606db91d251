import type { Identity, InboundInteraction, Intent } from '@omnihub/channels';
import type { PoolClient, QueryConfig, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { previewOf, toConversationView, type ConversationRow, type ConversationView } from '../conversations/conversation.view';
import { toCustomerSummary, type CustomerRow, type CustomerSummary } from '../customers/customer.view';
import { recordSmsConsent } from '../opt-outs/sms-opt-outs.service';
import { INGEST_SQL } from './interaction-ingest.statements';
import type { InteractionView } from './interaction.view';
import { classifyIntent } from './intent.rules';

export interface IngestedCustomer extends CustomerSummary {
  /** First seen with this interaction. */
  created: boolean;
}

export type IngestOutcome =
  { status: 'created'; interaction: InteractionView; conversation: ConversationView; customer: IngestedCustomer } | { status: 'duplicate' };

/** Who wrote an outbound interaction, and its first delivery status. */
export interface OutboundAuthorship {
  agentId: string;
  deliveryStatus?: InteractionView['deliveryStatus'];
}

/**
 * The one write every channel shares: in one transaction, resolve the customer from the
 * identity, find or open the conversation, insert the interaction and count the day's activity.
 * Safe to run twice for the same item (BullMQ is at-least-once): the second run finds the
 * idempotency key taken, rolls back and reports a duplicate.
 */
export class InteractionIngestService {
  constructor(private readonly db: DataSource) {}

  async ingest(item: InboundInteraction, authorship?: OutboundAuthorship): Promise<IngestOutcome> {
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN');
      const outcome = await this.write(client, item, authorship);
      await client.query(outcome.status === 'created' ? 'COMMIT' : 'ROLLBACK');
      return outcome;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async write(client: PoolClient, item: InboundInteraction, authorship?: OutboundAuthorship): Promise<IngestOutcome> {
    const { record, created } = await this.resolveCustomer(client, item.identity, item.customerName);
    if (!created && item.customerName && record.name === null) {
      await run(client, INGEST_SQL.nameCustomer, [record.id, item.customerName]);
      record.name = item.customerName;
    }
    const inbound = item.direction === 'inbound';
    const isNote = item.kind === 'note';
    const [conversation] = await run<Omit<ConversationRow, 'customer_name'>>(client, INGEST_SQL.upsertConversation, [
      record.id,
      item.channel,
      item.occurredAt,
      previewOf(item.text || item.subject || ''),
      inbound ? 1 : 0,
    ]);
    const intent: Intent | null = inbound && !isNote ? classifyIntent(item.text, item.metadata.outcome) : null;
    const inserted = await run<{ id: string }>(client, INGEST_SQL.insertInteraction, [
      record.id,
      conversation.id,
      item.channel,
      item.direction,
      item.kind,
      item.text,
      item.subject ?? null,
      item.occurredAt,
      item.externalId,
      item.idempotencyKey,
      authorship?.deliveryStatus ?? null,
      intent,
      item.metadata,
      authorship?.agentId ?? null,
    ]);
    if (inserted.length === 0) return { status: 'duplicate' };
    if (!isNote) {
      await run(client, INGEST_SQL.countActivity, [
        record.id,
        item.occurredAt.slice(0, 10),
        item.channel,
        intent === 'complaint' ? 1 : 0,
        intent === 'enquiry' ? 1 : 0,
      ]);
    }
    // STOP or START changes the number's consent together with the message that carried it.
    if (item.channel === 'sms' && inbound) await recordSmsConsent(client, item);
    return {
      status: 'created',
      interaction: {
        id: inserted[0].id,
        customerId: record.id,
        conversationId: conversation.id,
        channel: item.channel,
        direction: item.direction,
        kind: item.kind,
        text: item.text,
        ...(item.subject !== undefined && { subject: item.subject }),
        occurredAt: item.occurredAt,
        externalId: item.externalId,
        ...(authorship?.deliveryStatus && { deliveryStatus: authorship.deliveryStatus }),
        ...(intent && { intent }),
        metadata: item.metadata,
      },
      conversation: toConversationView({ ...conversation, customer_name: record.name }),
      customer: { ...toCustomerSummary(record), created },
    };
  }

  private async resolveCustomer(
    client: PoolClient,
    identity: Identity,
    name: string | undefined,
  ): Promise<{ record: CustomerRow; created: boolean }> {
    const found = await run<CustomerRow>(client, INGEST_SQL.findCustomer, [identity.channel, identity.address]);
    if (found[0]) return { record: found[0], created: false };
    const [record] = await run<CustomerRow>(client, INGEST_SQL.createCustomer, [name ?? null]);
    const claimed = await run(client, INGEST_SQL.claimIdentity, [record.id, identity.channel, identity.address]);
    if (claimed.length) return { record: { ...record, identities: [identity] }, created: true };
    // A concurrent job created this identity's customer first: drop ours and use theirs (READ
    // COMMITTED lets this new statement see their committed row).
    await run(client, INGEST_SQL.dropCustomer, [record.id]);
    const again = await run<CustomerRow>(client, INGEST_SQL.findCustomer, [identity.channel, identity.address]);
    return { record: again[0], created: false };
  }
}

async function run<R extends QueryResultRow = QueryResultRow>(
  client: PoolClient,
  statement: { name: string; text: string },
  values: unknown[],
): Promise<R[]> {
  const config: QueryConfig = { name: statement.name, text: statement.text, values };
  return (await client.query<R>(config)).rows;
}
