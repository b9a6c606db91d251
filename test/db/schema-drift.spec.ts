import { CHANNELS, DELIVERY_STATUSES, DIRECTIONS, IDENTITY_KINDS, INTENTS, INTERACTION_KINDS } from '@omnihub/channels';
import { AGENT_ROLES } from '@omnihub/crm-core/agents/agents.service';
import { CONVERSATION_STATUSES } from '@omnihub/crm-core/conversations/conversation.view';
import { ACQUISITION_STEPS, LIFECYCLE_STAGES } from '@omnihub/crm-core/customers/customer.view';
import { BUSINESS_EVENT_TYPES } from '@omnihub/crm-core/lifecycle/lifecycle.rules';
import { TASK_KINDS, TASK_SEVERITIES, TASK_STATUSES } from '@omnihub/crm-core/retention/task.view';
import type { DataSource } from 'typeorm';
import { openTestDatabase } from './support/test-database';

/**
 * The TypeScript lists of allowed values and the schema's CHECK constraints say the same thing:
 * a value added on one side only would be accepted at the edge and refused by the database.
 */
const CHECKED: Array<[table: string, column: string, values: readonly string[]]> = [
  ['interactions', 'channel', CHANNELS],
  ['conversations', 'channel', CHANNELS],
  ['interactions', 'direction', DIRECTIONS],
  ['interactions', 'kind', INTERACTION_KINDS],
  ['interactions', 'intent', INTENTS],
  ['interactions', 'delivery_status', DELIVERY_STATUSES],
  ['customer_identities', 'channel', IDENTITY_KINDS],
  ['conversations', 'status', CONVERSATION_STATUSES],
  ['customers', 'lifecycle_stage', LIFECYCLE_STAGES],
  ['customers', 'acquisition_step', ACQUISITION_STEPS],
  ['retention_tasks', 'status', TASK_STATUSES],
  ['retention_tasks', 'kind', TASK_KINDS],
  ['retention_tasks', 'severity', TASK_SEVERITIES],
  ['customers', 'stage_before_risk', LIFECYCLE_STAGES],
  ['business_events', 'type', BUSINESS_EVENT_TYPES],
  ['customer_lifecycle_changes', 'stage', LIFECYCLE_STAGES],
  ['customer_lifecycle_changes', 'acquisition_step', ACQUISITION_STEPS],
  ['agents', 'role', AGENT_ROLES],
];

describe('schema drift (PostgreSQL)', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await openTestDatabase('drift');
  });
  afterAll(() => db?.destroy());

  /** The values a column's `CHECK (column IN (…))` allows, read back from the catalogue. */
  async function checkedValues(table: string, column: string): Promise<string[]> {
    const rows: { definition: string }[] = await db.query(
      `SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
       WHERE c.contype = 'c' AND c.conrelid = $1::regclass AND a.attname = $2`,
      [table, column],
    );
    expect(rows).toHaveLength(1);
    return [...rows[0].definition.matchAll(/'([^']*)'::text/g)].map((match) => match[1]);
  }

  it.each(CHECKED)('%s.%s allows exactly the TypeScript list', async (table, column, values) => {
    expect((await checkedValues(table, column)).sort()).toEqual([...values].sort());
  });

  it('stores large values the cheap way: lz4 for interactions, attachments uncompressed out of line', async () => {
    const rows: { column: string; compression: string; storage: string }[] = await db.query(
      `SELECT c.relname || '.' || a.attname AS column, a.attcompression AS compression, a.attstorage AS storage
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE (c.relname, a.attname) IN (('interactions', 'text'), ('interactions', 'metadata'), ('attachments', 'content'))
       ORDER BY 1`,
    );
    expect(rows).toEqual([
      { column: 'attachments.content', compression: '', storage: 'e' },
      { column: 'interactions.metadata', compression: 'l', storage: 'x' },
      { column: 'interactions.text', compression: 'l', storage: 'x' },
    ]);
  });
});
