import { InteractionIngestService } from '@omnihub/crm-core/interactions/interaction-ingest.service';
import { RetentionEvaluationService } from '@omnihub/crm-core/retention/retention-evaluation.service';
import { RetentionIngestService } from '@omnihub/crm-core/retention/retention-ingest.service';
import type { DataSource } from 'typeorm';
import { inboundSms, ingestAsWorker, openTestDatabase, openTestPool, testChannels } from './support/test-database';

const NOW = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

/**
 * The statements run for one item at a time are planned once per connection. PostgreSQL plans a
 * prepared statement for its values five times, then keeps the generic plan unless it looks
 * dearer; a statement whose plan it sizes by its values (an array's length) may never get there,
 * and is planned again at every call. It shows only on tables the size of a real hub's.
 */
describe('plans of the retention step (PostgreSQL)', () => {
  let db: DataSource;
  let one: DataSource;

  beforeAll(async () => {
    db = await openTestDatabase('plan_cache');
    await db.query('INSERT INTO customers (name) SELECT NULL FROM generate_series(1, 3000)');
    await db.query('ANALYZE customers');
    // One connection, so that its prepared statements are the ones counted.
    one = await openTestPool(db, 1);
  });
  afterAll(async () => {
    await one?.destroy();
    await db?.destroy();
  });

  it('the lifecycle and task writes keep one generic plan after five calls', async () => {
    const channels = testChannels();
    const ingest = new InteractionIngestService(one, channels);
    const retention = new RetentionIngestService(one, channels, new RetentionEvaluationService(one), () => NOW);
    // Each customer's third complaint opens a task and moves it to at risk: both writes, 7 times.
    for (let customer = 0; customer < 7; customer++) {
      const phone = `+4477009${String(customer).padStart(5, '0')}`;
      for (const days of [20, 10, 2]) {
        await ingestAsWorker(
          ingest,
          retention,
          inboundSms(phone, `SM${phone.slice(1)}${days}`, daysAgo(days), 'this is unacceptable'),
          NOW,
        );
      }
    }
    expect(await one.query(`SELECT count(*)::int AS n FROM retention_tasks WHERE status = 'open'`)).toEqual([{ n: 7 }]);
    const plans = (await one.query(
      `SELECT name, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements
        WHERE name IN ('lifecycle_write_stages', 'retention_write_tasks') ORDER BY name`,
    )) as Array<{ name: string; generic: number; custom: number }>;
    expect(plans).toEqual([
      { name: 'lifecycle_write_stages', generic: 2, custom: 5 },
      { name: 'retention_write_tasks', generic: 2, custom: 5 },
    ]);
  });
});
