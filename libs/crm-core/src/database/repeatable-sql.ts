import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryRunner } from 'typeorm';

/**
 * SQL that changes over time (functions), kept whole in its own `.sql` file beside the code that
 * calls it and re-applied whenever the file changes, the way Flyway's repeatable migrations
 * work: a change is a diff of that file, not a copy of the body in a new migration. Each file is
 * idempotent (`CREATE OR REPLACE`) and runs after the versioned migrations.
 */
export const REPEATABLE_SQL: ReadonlyArray<{ name: string; file: string }> = [
  { name: 'retention_ingest_facts', file: join(__dirname, '..', 'retention', 'ingest-facts.sql') },
  { name: 'ingest_interaction', file: join(__dirname, '..', 'interactions', 'ingest-interaction.sql') },
];

/** Applies each file whose checksum differs from the one recorded; returns the names applied. */
export async function applyRepeatableSql(runner: QueryRunner): Promise<string[]> {
  const applied: string[] = [];
  for (const { name, file } of REPEATABLE_SQL) {
    const source = readFileSync(file, 'utf8');
    const checksum = createHash('sha256').update(source).digest('hex');
    const [row] = (await runner.query('SELECT checksum FROM repeatable_sql WHERE name = $1', [name])) as { checksum: string }[];
    if (row?.checksum === checksum) continue;
    await runner.startTransaction();
    try {
      await runner.query(source);
      await runner.query(
        `INSERT INTO repeatable_sql (name, checksum) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()`,
        [name, checksum],
      );
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
    applied.push(name);
  }
  return applied;
}
