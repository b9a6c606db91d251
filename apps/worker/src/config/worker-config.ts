import { EnvironmentReader, readSharedConfig, type Environment, type SharedConfig } from '@omnihub/crm-core/config/environment';

/** The worker's configuration, read once at start-up. */
export class WorkerConfig {
  constructor(
    readonly shared: SharedConfig,
    readonly port: number,
    /** Jobs processed at once by this process; each holds a database connection while it runs. */
    readonly concurrency: number,
    readonly databasePoolSize: number,
  ) {}

  static fromEnvironment(env: Environment): WorkerConfig {
    const read = new EnvironmentReader(env);
    const shared = readSharedConfig(read);
    const concurrency = read.positiveInt('WORKER_CONCURRENCY', 16);
    const config = new WorkerConfig(shared, read.port('PORT', 3001), concurrency, read.positiveInt('DATABASE_POOL_SIZE', concurrency + 2));
    read.done();
    return config;
  }
}
