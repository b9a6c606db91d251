import { WorkerConfig } from './worker-config';

describe('WorkerConfig', () => {
  it('reads the Twilio variables and the public base URL that status callbacks go to', () => {
    const config = WorkerConfig.fromEnvironment({
      PUBLIC_BASE_URL: 'https://hub.example.com/',
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_BASE_URL: 'http://127.0.0.1:4010',
    });
    expect(config.channels.sms).toEqual({
      accountSid: 'AC0123456789abcdef0123456789abcdef',
      authToken: 'token',
      fromNumber: '+15005550006',
      apiBaseUrl: 'http://127.0.0.1:4010',
      publicBaseUrl: 'https://hub.example.com',
    });
  });

  it('starts without Twilio: replies then fail with a clear error, nothing else needs it', () => {
    const config = WorkerConfig.fromEnvironment({ TWILIO_ACCOUNT_SID: '' });
    expect(config.channels.sms).toEqual({
      accountSid: undefined,
      authToken: undefined,
      fromNumber: undefined,
      apiBaseUrl: undefined,
      publicBaseUrl: 'http://localhost:3000',
    });
  });

  it('refuses a SID that is not an account SID and a base URL that is not http', () => {
    expect(() => WorkerConfig.fromEnvironment({ TWILIO_ACCOUNT_SID: 'SK123', TWILIO_API_BASE_URL: 'ftp://twilio.example' })).toThrow(
      /TWILIO_ACCOUNT_SID must be a Twilio account SID[\s\S]*TWILIO_API_BASE_URL must be a http: or https: URL/,
    );
  });

  it('schedules the retention scan at 03:00 UTC unless RETENTION_SCAN_CRON says otherwise', () => {
    expect(WorkerConfig.fromEnvironment({}).retentionScanCron).toBe('0 3 * * *');
    expect(WorkerConfig.fromEnvironment({ RETENTION_SCAN_CRON: '*/15 * * * *' }).retentionScanCron).toBe('*/15 * * * *');
  });

  it('refuses a RETENTION_SCAN_CRON that is not a cron expression', () => {
    expect(() => WorkerConfig.fromEnvironment({ RETENTION_SCAN_CRON: 'nightly' })).toThrow(
      /RETENTION_SCAN_CRON must be a cron expression of 5 or 6 fields, got "nightly"/,
    );
  });

  it('reads the attrition thresholds over the defaults, and refuses a bad one', () => {
    expect(
      WorkerConfig.fromEnvironment({ RETENTION_THRESHOLDS: '{"silence": {"minDays": 45}}' }).shared.attritionThresholds.silence.minDays,
    ).toBe(45);
    expect(() => WorkerConfig.fromEnvironment({ RETENTION_THRESHOLDS: '{"silence": {"minDays": "soon"}}' })).toThrow(
      /RETENTION_THRESHOLDS.silence.minDays must be a number ≥ 0/,
    );
  });
});
