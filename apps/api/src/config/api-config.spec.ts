import { DEFAULT_ATTRITION_THRESHOLDS } from '@omnihub/crm-core/retention/attrition.rules';
import { ApiConfig } from './api-config';

const valid = { JWT_SECRET: 'a-long-enough-secret' };

describe('ApiConfig', () => {
  it('applies the contract defaults', () => {
    const config = ApiConfig.fromEnvironment(valid);
    expect(config.port).toBe(3000);
    expect(config.shared).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/omnihub',
      redisUrl: 'redis://127.0.0.1:6379',
      logLevel: 'info',
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

  it('trims a trailing slash from the public base URL Twilio signs', () => {
    expect(ApiConfig.fromEnvironment({ ...valid, PUBLIC_BASE_URL: 'https://hub.example.com/' }).publicBaseUrl).toBe(
      'https://hub.example.com',
    );
  });
});
