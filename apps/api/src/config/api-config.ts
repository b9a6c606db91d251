import { readChannelSettings, type ChannelSettings } from '@omnihub/channels';
import { EnvironmentReader, readSharedConfig, type Environment, type SharedConfig } from '@omnihub/crm-core/config/environment';

/** The api's configuration (CONTRACT.md, "Processes and configuration"), read once at start-up. */
export class ApiConfig {
  constructor(
    readonly shared: SharedConfig,
    readonly port: number,
    readonly publicBaseUrl: string,
    readonly migrationsRun: boolean,
    readonly jwtSecret: string,
    readonly bootstrapAdmin: { email: string; password: string } | null,
    /** Each channel plug-in's own settings (Twilio's credentials, …). */
    readonly channels: ChannelSettings,
    readonly smtpInboundPort: number,
    readonly databasePoolSize: number,
  ) {}

  static fromEnvironment(env: Environment): ApiConfig {
    const read = new EnvironmentReader(env);
    const shared = readSharedConfig(read);
    const jwtSecret = read.required('JWT_SECRET', 'it signs agents\u2019 access tokens; set a long random string');
    if (jwtSecret && jwtSecret.length < 16) read.problems.push('JWT_SECRET must be at least 16 characters long');
    const adminEmail = read.optional('BOOTSTRAP_ADMIN_EMAIL');
    const adminPassword = read.optional('BOOTSTRAP_ADMIN_PASSWORD');
    if (Boolean(adminEmail) !== Boolean(adminPassword)) {
      read.problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD go together: set both or neither');
    }
    const config = new ApiConfig(
      shared,
      read.port('PORT', 3000),
      read.url('PUBLIC_BASE_URL', 'http://localhost:3000', ['http:', 'https:'])!.replace(/\/+$/, ''),
      read.boolean('MIGRATIONS_RUN', true),
      jwtSecret,
      adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : null,
      readChannelSettings(read),
      read.port('SMTP_INBOUND_PORT', 2525),
      read.positiveInt('DATABASE_POOL_SIZE', 10),
    );
    read.done();
    return config;
  }
}
