import { ChannelRegistry, readChannelSettings } from '@omnihub/channels';
import { EnvironmentReader } from '@omnihub/crm-core/config/environment';
import type { DataSource } from 'typeorm';
import { migrate, openDataSource } from '@omnihub/crm-core/database/data-source';
import { recreateDatabase } from '../../support/databases';

/** A fresh, migrated database of this test file's own, for crm-core services against PostgreSQL. */
export async function openTestDatabase(name: string): Promise<DataSource> {
  const db = await openDataSource({
    url: await recreateDatabase(`omnihub_test_db_${name}`),
    poolSize: 10,
    timeouts: { connectMs: 5000, statementMs: 30_000, idleInTransactionMs: 60_000 },
  });
  await migrate(db);
  return db;
}

/** The channel plug-ins as an app builds them, with no channel configured (no credentials). */
export function testChannels(): ChannelRegistry {
  return new ChannelRegistry(readChannelSettings(new EnvironmentReader({})));
}
