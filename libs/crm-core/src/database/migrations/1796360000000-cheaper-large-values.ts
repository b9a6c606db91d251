import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Large values (a mail's text and HTML in `text` and `metadata`, its attachments' bytes) cost
 * PostgreSQL CPU on every insert: pglz, the default TOAST compression, is several times slower
 * than lz4 for about the same ratio on text (about 300 µs less per 20 KB mail in the email bench).
 * Attachments are mostly compressed already (images, PDFs, archives): stored out of line without
 * trying to compress them. Existing rows keep their form; only new values use the new settings.
 * A server built without lz4 keeps pglz (the statement would fail there).
 */
export class CheaperLargeValues1796360000000 implements MigrationInterface {
  name = 'CheaperLargeValues1796360000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      DO $$
      BEGIN
        ALTER TABLE interactions ALTER COLUMN text SET COMPRESSION lz4, ALTER COLUMN metadata SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported THEN
        RAISE NOTICE 'lz4 is not available on this server: interactions keep pglz';
      END
      $$;
      ALTER TABLE attachments ALTER COLUMN content SET STORAGE EXTERNAL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE attachments ALTER COLUMN content SET STORAGE EXTENDED;
      ALTER TABLE interactions ALTER COLUMN text SET COMPRESSION default, ALTER COLUMN metadata SET COMPRESSION default;
    `);
  }
}
