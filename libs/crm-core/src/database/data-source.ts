import { DataSource, type DataSourceOptions } from 'typeorm';
import { InitialSchema1763870400000 } from './migrations/1763870400000-initial-schema';
import { SmsOptOuts1795392000000 } from './migrations/1795392000000-sms-opt-outs';
import { IngestFunction1795400000000 } from './migrations/1795400000000-ingest-function';
import { ConversationThreads1796000000000 } from './migrations/1796000000000-conversation-threads';
import { Retention1796100000000 } from './migrations/1796100000000-retention';
import { applyRepeatableSql } from './repeatable-sql';

export const MIGRATIONS = [
  InitialSchema1763870400000,
  SmsOptOuts1795392000000,
  IngestFunction1795400000000,
  ConversationThreads1796000000000,
  Retention1796100000000,
];

export interface DatabaseSettings {
  url: string;
  /** Connections in this process's pool. */
  poolSize: number;
}

export function dataSourceOptions({ url, poolSize }: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Schema changes only ever go through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, idleTimeoutMillis: 0 },
  };
}

export async function openDataSource(settings: DatabaseSettings): Promise<DataSource> {
  return new DataSource(dataSourceOptions(settings)).initialize();
}

/**
 * Runs pending migrations, then re-applies changed repeatable SQL, under an advisory lock, so api
 * instances starting together take turns.
 */
export async function migrate(db: DataSource): Promise<void> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(7231001)');
    await db.runMigrations({ transaction: 'each' });
    await applyRepeatableSql(runner);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(7231001)').catch(() => undefined);
    await runner.release();
  }
}
