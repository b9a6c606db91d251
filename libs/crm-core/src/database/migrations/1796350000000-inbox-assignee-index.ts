import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox's "Mine" filter: an agent holds a few of the hub's conversations, so walking the
 * newest-first index for them reads nearly every conversation at 100,000 (the other filters match
 * a large share and find a page within a few hundred rows). Only assigned rows, so the index stays
 * small and unassigned conversations (most of them) cost it nothing.
 */
export class InboxAssigneeIndex1796350000000 implements MigrationInterface {
  name = 'InboxAssigneeIndex1796350000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX conversations_assignee_inbox_idx ON conversations (assignee_id, last_interaction_at DESC, id DESC)
        WHERE assignee_id IS NOT NULL
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX conversations_assignee_inbox_idx');
  }
}
