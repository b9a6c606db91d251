import { Client } from 'pg';

const PG_ROOT = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Set to run two checkouts' suites side by side on one PostgreSQL server without clashing. */
const NAMESPACE = (process.env.TEST_NAMESPACE ?? '').replace(/\W/g, '_');

/** An empty database of the given name (dropped first if a previous run left it); its URL. */
export async function recreateDatabase(base: string): Promise<string> {
  const name = NAMESPACE ? `${base}_${NAMESPACE}` : base;
  const client = new Client({ connectionString: PG_ROOT });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return PG_ROOT.replace(/\/[^/]*$/, `/${name}`);
}
