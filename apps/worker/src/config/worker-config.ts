import { readChannelSettings, type ChannelSettings } from '@omnihub/channels';
import { EnvironmentReader, readSharedConfig, type Environment, type SharedConfig } from '@omnihub/crm-core/config/environment';

/** The worker's configuration, read once at start-up. */
export class WorkerConfig {
  constructor(
    readonly shared: SharedConfig,
    readonly port: number,
    /** Jobs processed at once by this process; each holds a database connection while it runs. */
    readonly concurrency: number,
    /** Jobs from bulk imports processed at once, apart from live traffic's share. */
    readonly bulkConcurrency: number,
    /** Bulk-import jobs started per second across all workers: the rest of the hub is live traffic's. */
    readonly bulkRatePerSecond: number,
    readonly databasePoolSize: number,
    /** How often replies stranded in `queued` are looked for, and how old they must be. */
    readonly outboundSweepSeconds: number,
    /** Each channel plug-in's own settings (Twilio's credentials, …). */
    readonly channels: ChannelSettings,
    /** When the scheduled retention scan runs (cron, UTC). */
    readonly retentionScanCron: string,
  ) {}

  static fromEnvironment(env: Environment): WorkerConfig {
    const read = new EnvironmentReader(env);
    const shared = readSharedConfig(read);
    const concurrency = read.positiveInt('WORKER_CONCURRENCY', 16);
    const bulkConcurrency = read.positiveInt('WORKER_BULK_CONCURRENCY', 2);
    const config = new WorkerConfig(
      shared,
      read.port('PORT', 3001),
      concurrency,
      bulkConcurrency,
      read.positiveInt('WORKER_BULK_RATE', 150),
      read.positiveInt('DATABASE_POOL_SIZE', concurrency + bulkConcurrency + 2),
      read.positiveInt('OUTBOUND_SWEEP_SECONDS', 60),
      readChannelSettings(read),
      readCron(read, 'RETENTION_SCAN_CRON', '0 3 * * *'),
    );
    read.done();
    return config;
  }
}

/** Five or six cron fields; the scheduler parses the rest of the grammar at start-up. */
function readCron(read: EnvironmentReader, name: string, fallback: string): string {
  const value = read.string(name, fallback).trim();
  if (!/^(\S+\s+){4,5}\S+$/.test(value)) read.problems.push(`${name} must be a cron expression of 5 or 6 fields, got "${value}"`);
  return value;
}
