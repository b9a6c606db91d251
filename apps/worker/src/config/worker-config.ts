import { EnvironmentReader, readSharedConfig, type Environment, type SharedConfig } from '@omnihub/crm-core/config/environment';

/** The worker's configuration, read once at start-up. */
export class WorkerConfig {
  constructor(
    readonly shared: SharedConfig,
    readonly port: number,
    /** Jobs processed at once by this process; each holds a database connection while it runs. */
    readonly concurrency: number,
    readonly databasePoolSize: number,
    /** Where Twilio reaches the api: status callbacks of sent SMS go to this base URL. */
    readonly publicBaseUrl: string,
    readonly twilio: { accountSid?: string; authToken?: string; fromNumber?: string; apiBaseUrl?: string },
  ) {}

  static fromEnvironment(env: Environment): WorkerConfig {
    const read = new EnvironmentReader(env);
    const shared = readSharedConfig(read);
    const concurrency = read.positiveInt('WORKER_CONCURRENCY', 16);
    const accountSid = read.optional('TWILIO_ACCOUNT_SID');
    // The SDK refuses any other SID at the first send; say so at start-up instead.
    if (accountSid && !/^AC[0-9a-zA-Z]+$/.test(accountSid)) read.problems.push('TWILIO_ACCOUNT_SID must be a Twilio account SID (AC…)');
    const config = new WorkerConfig(
      shared,
      read.port('PORT', 3001),
      concurrency,
      read.positiveInt('DATABASE_POOL_SIZE', concurrency + 2),
      read.url('PUBLIC_BASE_URL', 'http://localhost:3000', ['http:', 'https:'])!.replace(/\/+$/, ''),
      {
        accountSid,
        authToken: read.optional('TWILIO_AUTH_TOKEN'),
        fromNumber: read.optional('TWILIO_FROM_NUMBER'),
        apiBaseUrl: read.url('TWILIO_API_BASE_URL', undefined, ['http:', 'https:']),
      },
    );
    read.done();
    return config;
  }
}
