import { ChannelRegistry, readChannelSettings, type InboundInteraction } from '@omnihub/channels';
import { EnvironmentReader } from '@omnihub/crm-core/config/environment';
import type { InteractionIngestService } from '@omnihub/crm-core/interactions/interaction-ingest.service';
import type { RetentionIngestService } from '@omnihub/crm-core/retention/retention-ingest.service';
import type { DataSource } from 'typeorm';
import { migrate, openDataSource } from '@omnihub/crm-core/database/data-source';
import { recreateDatabase } from '../../support/databases';

const TIMEOUTS = { connectMs: 5000, statementMs: 30_000, idleInTransactionMs: 60_000 };

/** A fresh, migrated database of this test file's own, for crm-core services against PostgreSQL. */
export async function openTestDatabase(name: string): Promise<DataSource> {
  const db = await openDataSource({ url: await recreateDatabase(`omnihub_test_db_${name}`), poolSize: 10, timeouts: TIMEOUTS });
  await migrate(db);
  return db;
}

/**
 * Another pool on a test database: of one connection, its prepared statements can be counted;
 * `via` reaches it another way (through a proxy a test can cut).
 */
export function openTestPool(db: DataSource, poolSize: number, via: (url: string) => string = (url) => url): Promise<DataSource> {
  return openDataSource({ url: via((db.options as { url: string }).url), poolSize, timeouts: TIMEOUTS });
}

/** An inbound SMS from `phone`, with `key` as its MessageSid. */
export function inboundSms(
  phone: string,
  key: string,
  occurredAt: string,
  text: string,
  metadata: Record<string, unknown> = {},
): InboundInteraction {
  return {
    channel: 'sms',
    direction: 'inbound',
    kind: 'message',
    identity: { channel: 'phone', address: phone },
    externalId: key,
    idempotencyKey: key,
    occurredAt,
    text,
    metadata,
  };
}

/** An item through the ingest and the retention step as the worker runs them: a complaint's facts come back with the ingest. */
export async function ingestAsWorker(
  ingest: InteractionIngestService,
  retention: RetentionIngestService,
  item: InboundInteraction,
  factsAt: Date,
) {
  const outcome = await ingest.ingest(item, { factsAt });
  if (outcome.status !== 'created') throw new Error('expected a new interaction');
  const retained = await retention.afterIngest(item, {
    customerId: outcome.customer.id,
    intent: outcome.interaction.intent ?? null,
    stage: outcome.customer.lifecycleStage,
    acquisitionStep: outcome.customer.acquisitionStep,
    stageBeforeRisk: outcome.customer.stageBeforeRisk,
    facts: outcome.facts,
  });
  return { customerId: outcome.customer.id, retention: retained };
}

/** The channel plug-ins as an app builds them, with no channel configured (no credentials). */
export function testChannels(): ChannelRegistry {
  return new ChannelRegistry(readChannelSettings(new EnvironmentReader({})));
}
