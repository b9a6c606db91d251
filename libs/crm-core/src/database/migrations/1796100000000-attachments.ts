import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files that came with inbound items (email attachments), kept in PostgreSQL: a message is at
 * most the inbound size limit (25 MiB by default), which bytea holds comfortably.
 */
export class Attachments1796100000000 implements MigrationInterface {
  name = 'Attachments1796100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE attachments (
        id             uuid PRIMARY KEY,
        interaction_id uuid NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
        filename       text NOT NULL,
        content_type   text NOT NULL,
        size           integer NOT NULL CHECK (size >= 0),
        content        bytea NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX attachments_interaction_idx ON attachments (interaction_id);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE attachments');
  }
}
