import { DEFAULT_ATTRITION_THRESHOLDS } from '@omnihub/crm-core/retention/attrition.rules';
import { ApiConfig } from './api-config';

const valid = { JWT_SECRET: 'a-long-enough-secret' };

describe('ApiConfig', () => {
  it('applies the contract defaults', () => {
    const config = ApiConfig.fromEnvironment(valid);
    expect(config.port).toBe(3000);
    expect(config.shared).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/omnihub',
      databaseTimeouts: { connectMs: 5000, statementMs: 30_000, idleInTransactionMs: 60_000 },
      redis: { kind: 'single', url: 'redis://127.0.0.1:6379' },
      logLevel: 'info',
      metricsToken: undefined,
      attritionThresholds: DEFAULT_ATTRITION_THRESHOLDS,
    });
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.migrationsRun).toBe(true);
    expect(config.bootstrapAdmin).toBeNull();
  });

  it('fails at start-up listing every problem, secrets not echoed', () => {
    const broken = () => ApiConfig.fromEnvironment({ PORT: 'eighty', LOG_LEVEL: 'loud', BOOTSTRAP_ADMIN_EMAIL: 'a@b.c' });
    for (const problem of [
      'JWT_SECRET is required',
      'PORT must be a port',
      'LOG_LEVEL must be one of',
      'BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD go together',
    ]) {
      expect(broken).toThrow(problem);
    }
    const refusal = () => ApiConfig.fromEnvironment({ DATABASE_URL: 'mysql://u:hunter2@db/x' });
    expect(refusal).toThrow('DATABASE_URL must be a postgres: or postgresql: URL, got "mysql://u:***@db/x"');
    expect(refusal).not.toThrow(/hunter2/);
  });

  it('reads the database timeouts, 0 meaning no limit, and refuses anything but whole milliseconds', () => {
    const config = ApiConfig.fromEnvironment({
      ...valid,
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '15000',
      METRICS_TOKEN: 'scrape-token',
    });
    expect(config.shared.databaseTimeouts).toEqual({ connectMs: 2000, statementMs: 0, idleInTransactionMs: 15_000 });
    expect(config.shared.metricsToken).toBe('scrape-token');
    expect(() => ApiConfig.fromEnvironment({ ...valid, DATABASE_CONNECT_TIMEOUT_MS: '5s', DATABASE_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(
      /DATABASE_CONNECT_TIMEOUT_MS must be a whole number of milliseconds \(0 for no limit\), got "5s"[\s\S]*DATABASE_STATEMENT_TIMEOUT_MS must be/,
    );
  });

  it('trims a trailing slash from the public base URL Twilio signs', () => {
    expect(ApiConfig.fromEnvironment({ ...valid, PUBLIC_BASE_URL: 'https://hub.example.com/' }).publicBaseUrl).toBe(
      'https://hub.example.com',
    );
  });

  it('reads the email channel: the 25 MiB default limit, and every bad email variable named', () => {
    expect(ApiConfig.fromEnvironment(valid).channels.email).toEqual({
      smtpUrl: undefined,
      from: undefined,
      webhookToken: undefined,
      inbound: { maxMessageBytes: 25 * 1024 * 1024, maxClients: 100, maxRecipients: 50, socketTimeoutMs: 60_000 },
    });
    const broken = () =>
      ApiConfig.fromEnvironment({
        ...valid,
        SMTP_URL: 'http://user:secret-pass@mail',
        EMAIL_FROM: 'Support',
        EMAIL_MAX_MESSAGE_BYTES: 'big',
        SMTP_INBOUND_TLS_KEY: '/etc/key.pem',
        SMTP_INBOUND_AUTH_USER: 'relay',
      });
    for (const problem of [
      'SMTP_URL must be a smtp: or smtps: URL, got "http://user:***@mail"',
      'EMAIL_FROM must contain an email address',
      'EMAIL_MAX_MESSAGE_BYTES must be a positive whole number, got "big"',
      'SMTP_INBOUND_TLS_KEY and SMTP_INBOUND_TLS_CERT go together',
      'SMTP_INBOUND_AUTH_USER and SMTP_INBOUND_AUTH_PASSWORD go together',
    ]) {
      expect(broken).toThrow(problem);
    }
    expect(broken).not.toThrow(/secret-pass/);
  });
});
