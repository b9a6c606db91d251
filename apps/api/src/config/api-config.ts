import { readChannelSettings, type ChannelSettings } from '@omnihub/channels';
import { EnvironmentReader, readSharedConfig, type Environment, type SharedConfig } from '@omnihub/crm-core/config/environment';

/** Requests a minute that one partner key, or one client address, may make (see RequestLimits). */
export interface RequestLimitSettings {
  partnerPerKey: number;
  partnerPerAddress: number;
  webhooksPerAddress: number;
}

/** At least 256 bits of a random string's worth: HS256 with a short key can be brute-forced offline. */
export const MIN_JWT_SECRET_LENGTH = 32;

/**
 * Values that ship in examples (docker-compose.yml, old READMEs) or that anyone would try first.
 * A hub started with one of them is open to whoever read the same example.
 */
const PLACEHOLDER = /change[-_ ]?me|placeholder|^(secret|password|admin|admin-password|changeit|example|test|default)$/i;

const HOW_TO_SET =
  'set it in the environment or in a .env file beside docker-compose.yml, e.g. `echo "JWT_SECRET=$(openssl rand -base64 48)" >> .env`';

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
    readonly accessTokenTtlSeconds: number,
    /** Whether X-Forwarded-For names the client (behind a proxy); else the socket's address does. */
    readonly trustProxy: boolean,
    readonly requestLimits: RequestLimitSettings,
  ) {}

  static fromEnvironment(env: Environment): ApiConfig {
    const read = new EnvironmentReader(env);
    const shared = readSharedConfig(read);
    const jwtSecret = read.required('JWT_SECRET', `it signs agents\u2019 access tokens; ${HOW_TO_SET}`);
    if (jwtSecret && PLACEHOLDER.test(jwtSecret)) {
      read.problems.push(`JWT_SECRET is a placeholder value, which anyone could sign tokens with; ${HOW_TO_SET}`);
    } else if (jwtSecret && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
      read.problems.push(`JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters long; ${HOW_TO_SET}`);
    }
    const adminEmail = read.optional('BOOTSTRAP_ADMIN_EMAIL');
    const adminPassword = read.optional('BOOTSTRAP_ADMIN_PASSWORD');
    if (Boolean(adminEmail) !== Boolean(adminPassword)) {
      read.problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD go together: set both or neither');
    }
    if (adminPassword && (PLACEHOLDER.test(adminPassword) || adminPassword.length < 12)) {
      read.problems.push(
        'BOOTSTRAP_ADMIN_PASSWORD is a placeholder or shorter than 12 characters; set your own in the environment or in a .env file beside docker-compose.yml, e.g. `echo "BOOTSTRAP_ADMIN_PASSWORD=$(openssl rand -base64 18)" >> .env`',
      );
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
      read.positiveInt('ACCESS_TOKEN_TTL_SECONDS', 12 * 3600),
      read.boolean('TRUST_PROXY', false),
      {
        partnerPerKey: read.positiveInt('RATE_LIMIT_PARTNER_PER_KEY', 1200),
        partnerPerAddress: read.positiveInt('RATE_LIMIT_PARTNER_PER_ADDRESS', 3000),
        webhooksPerAddress: read.positiveInt('RATE_LIMIT_WEBHOOKS_PER_ADDRESS', 6000),
      },
    );
    read.done();
    return config;
  }
}
