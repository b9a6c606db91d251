import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversations keyed by thread as well as by customer and channel, so a channel can hold several
 * at once (one per email thread, one per chat visitor); channels with one thread per customer
 * (SMS, calls) keep the empty key. Also: status callbacks and email threading find a message by
 * its provider id, the outbound sweeper finds replies still queued, and the ingest function's
 * source moves to a repeatable `.sql` file.
 */
export class ConversationThreads1796000000000 implements MigrationInterface {
  name = 'ConversationThreads1796000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE conversations ADD COLUMN thread_key text NOT NULL DEFAULT '';
      DROP INDEX conversations_one_active_idx;
      CREATE UNIQUE INDEX conversations_one_active_idx ON conversations (customer_id, channel, thread_key) WHERE status <> 'resolved';
      CREATE INDEX interactions_channel_external_idx ON interactions (channel, external_id);
      -- The outbound sweeper looks for replies still waiting to be sent.
      CREATE INDEX interactions_queued_idx ON interactions (occurred_at) WHERE delivery_status = 'queued';
      -- SQL re-created from its source file whenever that changes (see repeatable-sql.ts).
      CREATE TABLE repeatable_sql (
        name       text PRIMARY KEY,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE repeatable_sql;
      DROP INDEX interactions_queued_idx;
      DROP INDEX interactions_channel_external_idx;
      DROP INDEX conversations_one_active_idx;
      CREATE UNIQUE INDEX conversations_one_active_idx ON conversations (customer_id, channel) WHERE status <> 'resolved';
      ALTER TABLE conversations DROP COLUMN thread_key;
    `);
  }
}
