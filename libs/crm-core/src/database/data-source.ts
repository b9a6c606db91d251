import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseTimeouts } from '../config/environment';
import type { DependencyOutage } from '../observability/dependency-outage';
import { observedClient } from '../observability/postgres-connections';
import { InitialSchema1763870400000 } from './migrations/1763870400000-initial-schema';
import { SmsOptOuts1795392000000 } from './migrations/1795392000000-sms-opt-outs';
import { IngestFunction1795400000000 } from './migrations/1795400000000-ingest-function';
import { ConversationThreads1796000000000 } from './migrations/1796000000000-conversation-threads';
import { Attachments1796100000000 } from './migrations/1796100000000-attachments';
import { Retention1796200000000 } from './migrations/1796200000000-retention';
import { CrmCycle1796300000000 } from './migrations/1796300000000-crm-cycle';
import { Credentials1797000000000 } from './migrations/1797000000000-credentials';
import { InboxAssigneeIndex1796350000000 } from './migrations/1796350000000-inbox-assignee-index';
import { CheaperLargeValues1796360000000 } from './migrations/1796360000000-cheaper-large-values';
import { applyRepeatableSql } from './repeatable-sql';

export const MIGRATIONS = [
  InitialSchema1763870400000,
  SmsOptOuts1795392000000,
  IngestFunction1795400000000,
  ConversationThreads1796000000000,
  Attachments1796100000000,
  Retention1796200000000,
  CrmCycle1796300000000,
  InboxAssigneeIndex1796350000000,
  CheaperLargeValues1796360000000,
  Credentials1797000000000,
];

export interface DatabaseSettings {
  url: string;
  /** Connections in this process's pool. */
  poolSize: number;
  timeouts: DatabaseTimeouts;
}

/** `outage`: where the pool reports losing and regaining PostgreSQL (the apps' one log line each). */
export function dataSourceOptions({ url, poolSize, timeouts }: DatabaseSettings, outage?: DependencyOutage): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Schema changes only ever go through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: poolSize,
      idleTimeoutMillis: 0,
      // An unreachable server fails the request or job in seconds (the job is retried) instead of
      // holding it; the server cancels a runaway statement and ends a transaction left open.
      connectionTimeoutMillis: timeouts.connectMs,
      statement_timeout: timeouts.statementMs,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
      // Notices a server that vanished without closing the socket (a host gone, a network cut).
      keepAlive: true,
      ...(outage && { Client: observedClient(outage) }),
    },
    // The client reports a lost idle connection to the outage log; TypeORM's line would repeat it.
    ...(outage && { poolErrorHandler: () => undefined }),
  };
}

export async function openDataSource(settings: DatabaseSettings, outage?: DependencyOutage): Promise<DataSource> {
  return new DataSource(dataSourceOptions(settings, outage)).initialize();
}

/**
 * Runs pending migrations, then re-applies changed repeatable SQL, under an advisory lock, so api
 * instances starting together take turns.
 */
export async function migrate(db: DataSource): Promise<void> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    // Waiting for another instance's migrations, or a long migration, is not a stuck statement.
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock(7231001)');
    await db.runMigrations({ transaction: 'each' });
    await applyRepeatableSql(runner);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(7231001)').catch(() => undefined);
    await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
}
