import { Injectable } from '@nestjs/common';
import { chatHistory, type ChatIdentify, type ChatMessageView, type Identity, type SqlClient } from '@omnihub/channels';
import { CustomersService, IdentityResolutionService, queryRows } from '@omnihub/crm-core';
import { DataSource } from 'typeorm';
import { AgentEventsService } from '../../realtime/agent-events.service';

/** A resolve that lost a race for an address to a concurrent ingest is run again, this often. */
const RESOLVE_ATTEMPTS = 3;

/**
 * What the chat gateway reads and writes for a visitor. Identify is written here, by the api, in
 * one transaction (crm-core's identity resolution, which merges when another customer holds the
 * address): its ack must carry the resulting customer id, and it adds no interaction, so it is an
 * identity write like an agent's merge rather than an item for the worker's ingest.
 */
@Injectable()
export class ChatVisitors {
  private readonly sql: SqlClient;

  constructor(
    private readonly resolution: IdentityResolutionService,
    private readonly customers: CustomersService,
    private readonly events: AgentEventsService,
    db: DataSource,
  ) {
    this.sql = { query: (text, values) => queryRows(db, text, values) };
  }

  history(visitorId: string): Promise<ChatMessageView[]> {
    return chatHistory(this.sql, visitorId);
  }

  /** The visitor's customer after its identities joined it (merging with their owner if any). */
  async identify(visitorId: string, identify: ChatIdentify): Promise<string> {
    const identities: Identity[] = [{ channel: 'chat', address: visitorId }];
    if (identify.email) identities.push({ channel: 'email', address: identify.email });
    if (identify.phone) identities.push({ channel: 'phone', address: identify.phone });
    let customerId = '';
    for (let attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
      ({ customerId } = await this.resolution.resolve(identities, identify.name));
      // A concurrent ingest may have claimed the visitor's own identity a moment before: the
      // next resolve finds both owners and merges them.
      if ((await this.ownersOf(identities)).every((owner) => owner === customerId)) break;
    }
    this.events.emit('customer.updated', { customer: await this.customers.summary(customerId) });
    return customerId;
  }

  /** A conversation's channel and, for a chat, the visitor it belongs to (its thread key). */
  async conversation(id: string): Promise<{ channel: string; visitorId: string | null } | null> {
    const [row] = await this.sql.query<{ channel: string; thread_key: string }>(
      'SELECT channel, thread_key FROM conversations WHERE id = $1',
      [id],
    );
    if (!row) return null;
    return { channel: row.channel, visitorId: row.channel === 'chat' && row.thread_key ? row.thread_key : null };
  }

  /** The visitor's open conversation, for agents' typing indicator. */
  async openConversationOf(visitorId: string): Promise<string | null> {
    const [row] = await this.sql.query<{ id: string }>(
      `SELECT id FROM conversations WHERE channel = 'chat' AND thread_key = $1 AND status <> 'resolved' ORDER BY created_at DESC LIMIT 1`,
      [visitorId],
    );
    return row?.id ?? null;
  }

  private async ownersOf(identities: Identity[]): Promise<string[]> {
    const rows = await this.sql.query<{ customer_id: string }>(
      `SELECT customer_id FROM customer_identities WHERE (channel, address) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [identities.map((i) => i.channel), identities.map((i) => i.address)],
    );
    return rows.map((row) => row.customer_id);
  }
}
