import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credentials that can be taken back. `agents.token_version` is carried in every access token
 * and bumped when the agent's password changes or the agent is disabled, so the tokens issued
 * before stop working at once (the guard reads the agent row on every request anyway).
 * `partners.last_used_at` shows an admin which keys are still in use before revoking one.
 */
export class Credentials1797000000000 implements MigrationInterface {
  name = 'Credentials1797000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE agents ADD COLUMN token_version integer NOT NULL DEFAULT 0;
      ALTER TABLE partners ADD COLUMN last_used_at timestamptz;
      ALTER TABLE partners ADD COLUMN key_rotated_at timestamptz;
      ALTER TABLE partners ADD COLUMN revoked_at timestamptz;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE partners DROP COLUMN revoked_at, DROP COLUMN key_rotated_at, DROP COLUMN last_used_at;
      ALTER TABLE agents DROP COLUMN token_version;
    `);
  }
}
