import { createHash } from 'node:crypto';
import type { SqlClient } from '@omnihub/channels';
import type { PoolClient } from 'pg';
import type { ConversationView } from '../conversations/conversation.view';
import type { CustomerSummary } from '../customers/customer.view';
import type { IngestFacts } from '../retention/customer-facts';

// How the worker calls ingest_interaction_v4 (ingest-interaction.sql): its parameters, its row,
// the statements for one item and for several, and a channel hook's statements beside it.

/** What `ingest_interaction_v4()` (ingest-interaction.sql) returns: one row, none for a duplicate. */
export interface IngestRow {
  r_interaction_id: string;
  r_customer_id: string;
  r_customer_name: string | null;
  r_lifecycle_stage: CustomerSummary['lifecycleStage'];
  r_acquisition_step: NonNullable<CustomerSummary['acquisitionStep']>;
  r_customer_created_at: Date;
  r_identities: CustomerSummary['identities'];
  r_customer_created: boolean;
  r_conversation_id: string;
  r_status: ConversationView['status'];
  r_assignee_id: string | null;
  r_last_interaction_at: Date;
  r_last_interaction_preview: string | null;
  r_unread_count: number;
  r_account_id: string | null;
  r_stage_before_risk: CustomerSummary['lifecycleStage'] | null;
  r_csat_score: number | null;
  r_csat_comment: string | null;
  r_csat_responded_at: Date | null;
  /** This item gave the conversation its satisfaction score. */
  r_csat_recorded: boolean;
  /** retention_ingest_facts' row, when asked for. */
  r_facts: IngestFacts | null;
}

/** ingest_interaction_v4's parameters in order, with their types (the batch reads them from JSON). */
export const INGEST_PARAMS = [
  ['interaction_id', 'uuid'],
  ['identity_channel', 'text'],
  ['identity_address', 'text'],
  ['customer_name', 'text'],
  ['channel', 'text'],
  ['direction', 'text'],
  ['kind', 'text'],
  ['text', 'text'],
  ['subject', 'text'],
  ['occurred_at', 'timestamptz'],
  ['external_id', 'text'],
  ['idempotency_key', 'text'],
  ['intent', 'text'],
  ['metadata', 'jsonb'],
  ['preview', 'text'],
  ['thread_key', 'text'],
  ['reply_to', 'text[]'],
  ['start_stage', 'text'],
  ['start_step', 'text'],
  ['start_reason', 'text'],
  ['csat_score', 'smallint'],
  ['csat_comment', 'text'],
  ['csat_given', 'boolean'],
  ['facts_day', 'date'],
] as const;
export type IngestParam = (typeof INGEST_PARAMS)[number][0];

/** Named, so PostgreSQL plans it once per connection. */
export const INGEST = {
  name: 'ingest_interaction_v4',
  text: `SELECT * FROM ingest_interaction_v4(${INGEST_PARAMS.map((_, i) => `$${i + 1}`).join(', ')})`,
};

/**
 * Several items in one statement and one transaction, each through the same function, in the
 * order given; a duplicate gives no row, so each row names its item (r_ord, from 1).
 */
export const INGEST_BATCH = {
  name: 'ingest_interaction_v4_batch',
  text: `SELECT v.ord::int AS r_ord, r.*
           FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (${INGEST_PARAMS.map(([name, type]) => `${name} ${type}`).join(', ')}))
                WITH ORDINALITY AS v(${INGEST_PARAMS.map(([name]) => name).join(', ')}, ord)
          CROSS JOIN LATERAL ingest_interaction_v4(${INGEST_PARAMS.map(([name]) => `v.${name}`).join(', ')}) r`,
};

/**
 * A plug-in's statements in the ingest transaction, each prepared once per connection (named by
 * its text: plug-ins' statements are fixed texts with parameters). Unnamed, PostgreSQL parsed and
 * planned the attachments' INSERT again for every mail.
 */
export function sqlClientOf(client: PoolClient): SqlClient {
  return {
    query: async <R>(text: string, values: unknown[]) => (await client.query({ name: statementName(text), text, values })).rows as R[],
  };
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `ingest_hook_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}
