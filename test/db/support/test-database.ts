import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { migrate, openDataSource } from '@omnihub/crm-core/database/data-source';

const PG_ROOT = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, migrated database of this test file's own, for crm-core services against PostgreSQL. */
export async function openTestDatabase(name: string): Promise<DataSource> {
  const database = `omnihub_test_db_${name}`;
  const admin = new Client({ connectionString: PG_ROOT });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const db = await openDataSource({ url: PG_ROOT.replace(/\/[^/]*$/, `/${database}`), poolSize: 10 });
  await migrate(db);
  return db;
}
