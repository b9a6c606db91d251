import { DEFAULT_ATTRITION_THRESHOLDS } from '@omnihub/crm-core/retention/attrition.rules';
import { DEFAULT_SURVEY_TEXTS } from '@omnihub/crm-core/satisfaction/survey.rules';
import { ApiConfig } from './api-config';

const valid = { JWT_SECRET: 'a-long-enough-secret-0123456789abcdef' };

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
      reacquisitionWaitDays: 30,
      survey: { enabled: true, texts: DEFAULT_SURVEY_TEXTS, language: 'en' },
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

  it('reads the survey texts per language and refuses a language without one, or a bad text', () => {
    const config = ApiConfig.fromEnvironment({
      ...valid,
      CSAT_SURVEY: 'false',
      CSAT_SURVEY_TEXTS: '{"de": "Wie gut waren wir, gemessen an Ihren Erwartungen?"}',
      CSAT_SURVEY_LANGUAGE: 'de',
      REACQUISITION_WAIT_DAYS: '14',
    });
    expect(config.shared.survey).toEqual({
      enabled: false,
      texts: { ...DEFAULT_SURVEY_TEXTS, de: 'Wie gut waren wir, gemessen an Ihren Erwartungen?' },
      language: 'de',
    });
    expect(config.shared.reacquisitionWaitDays).toBe(14);
    const broken = (env: Record<string, string>) => () => ApiConfig.fromEnvironment({ ...valid, ...env });
    expect(broken({ CSAT_SURVEY_LANGUAGE: 'fr' })).toThrow(
      'CSAT_SURVEY_LANGUAGE is "fr", which CSAT_SURVEY_TEXTS has no text for (it has en)',
    );
    expect(broken({ CSAT_SURVEY_TEXTS: '["x"]' })).toThrow('CSAT_SURVEY_TEXTS must be a JSON object of language → survey text');
    expect(broken({ CSAT_SURVEY_TEXTS: '{"de": ""}' })).toThrow('CSAT_SURVEY_TEXTS.de must be a text of 1 to 1000 characters');
    expect(broken({ CSAT_SURVEY: 'maybe' })).toThrow('CSAT_SURVEY must be true or false, got "maybe"');
    expect(broken({ REACQUISITION_WAIT_DAYS: '0' })).toThrow('REACQUISITION_WAIT_DAYS must be a positive whole number, got "0"');
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

  it('refuses placeholder and short secrets, saying how to set them', () => {
    for (const [env, problem] of [
      [{ JWT_SECRET: 'change-me' }, /JWT_SECRET is a placeholder value[\s\S]*openssl rand/],
      [{ JWT_SECRET: 'compose-dev-only-jwt-secret-change-me' }, /JWT_SECRET is a placeholder value/],
      [{ JWT_SECRET: 'only-twenty-six-characters' }, /JWT_SECRET must be at least 32 characters long[\s\S]*\.env/],
      [
        { ...valid, BOOTSTRAP_ADMIN_EMAIL: 'a@b.c', BOOTSTRAP_ADMIN_PASSWORD: 'CHANGE_ME' },
        /BOOTSTRAP_ADMIN_PASSWORD is a placeholder[\s\S]*\.env/,
      ],
      [{ ...valid, BOOTSTRAP_ADMIN_EMAIL: 'a@b.c', BOOTSTRAP_ADMIN_PASSWORD: 'short' }, /shorter than 12 characters/],
    ] as const) {
      expect(() => ApiConfig.fromEnvironment(env)).toThrow(problem);
    }
    expect(() => ApiConfig.fromEnvironment({ JWT_SECRET: 'change-me' })).not.toThrow(/"change-me"/);
  });

  it('reads the token lifetime, the proxy setting and the request limits, with their defaults', () => {
    const config = ApiConfig.fromEnvironment(valid);
    expect(config.accessTokenTtlSeconds).toBe(43_200);
    expect(config.trustProxy).toBe(false);
    expect(config.requestLimits).toEqual({ partnerPerKey: 1200, partnerPerAddress: 3000, webhooksPerAddress: 6000 });
    expect(() => ApiConfig.fromEnvironment({ ...valid, RATE_LIMIT_PARTNER_PER_KEY: '0' })).toThrow(
      'RATE_LIMIT_PARTNER_PER_KEY must be a positive whole number',
    );
  });
});
