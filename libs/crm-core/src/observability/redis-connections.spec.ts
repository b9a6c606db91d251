import { isConnectionError } from './redis-connections';

describe('isConnectionError', () => {
  it('recognizes socket failures and ioredis losing its connection', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']) {
      expect(isConnectionError(Object.assign(new Error(`connect ${code} 10.0.0.1:6379`), { code }))).toBe(true);
    }
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionError(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(true);
  });

  it('leaves other errors to be logged as they are', () => {
    expect(isConnectionError(new Error('Missing lock for job 42. moveToFinished'))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('NOSCRIPT'), { code: 'NOSCRIPT' }))).toBe(false);
    expect(isConnectionError('ECONNREFUSED')).toBe(false);
  });
});
