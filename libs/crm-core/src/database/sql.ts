import type { PoolClient } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

/** Either the pool or a transaction's manager: services run the same SQL inside or outside one. */
export type Db = DataSource | EntityManager;

/** `work` in a transaction: a new one on the pool, or the caller's own. */
export function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db instanceof DataSource ? db.transaction(work) : work(db);
}

/** Rows of any statement, including UPDATE .. RETURNING (which TypeORM's plain query() wraps). */
export async function queryRows<T>(db: Db, text: string, params: unknown[] = []): Promise<T[]> {
  if (db instanceof DataSource) {
    const runner = db.createQueryRunner();
    try {
      return (await runner.query(text, params, true)).records as T[];
    } finally {
      await runner.release();
    }
  }
  if (!db.queryRunner) throw new Error('queryRows needs a transaction manager or the data source');
  return (await db.queryRunner.query(text, params, true)).records as T[];
}

export async function queryOne<T>(db: Db, text: string, params: unknown[] = []): Promise<T | undefined> {
  return (await queryRows<T>(db, text, params))[0];
}

/**
 * A statement PostgreSQL prepares once per connection under `name`, for a statement run on every
 * message. After five runs PostgreSQL keeps one generic plan when it costs no more than planning
 * for the values each time, so a statement that parameters switch in parts (which only a plan for
 * the values can skip) is planned on every run: split it instead.
 */
export async function queryPrepared<T>(db: Db, name: string, text: string, params: unknown[]): Promise<T[]> {
  const own = db instanceof DataSource;
  const runner = own ? db.createQueryRunner() : db.queryRunner;
  if (!runner) throw new Error('queryPrepared needs a transaction manager or the data source');
  const client = (await runner.connect()) as PoolClient;
  try {
    return (await client.query({ name, text, values: params })).rows as T[];
  } finally {
    if (own) await runner.release();
  }
}
