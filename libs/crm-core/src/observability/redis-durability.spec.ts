import { durabilityProblems, parseInfo } from './redis-durability';

describe('durabilityProblems (BullMQ production guide)', () => {
  it('accepts AOF, or RDB snapshots, with noeviction', () => {
    expect(durabilityProblems({ appendonly: 'yes', save: '', maxmemoryPolicy: 'noeviction' })).toEqual([]);
    expect(durabilityProblems({ appendonly: 'no', save: '3600 1 300 100', maxmemoryPolicy: 'noeviction' })).toEqual([]);
  });

  it('names a Redis that keeps nothing through a restart', () => {
    expect(durabilityProblems({ appendonly: 'no', save: '', maxmemoryPolicy: 'noeviction' })).toEqual([
      'no persistence (appendonly no, save ""): queued jobs are lost when Redis restarts',
    ]);
  });

  it('names an evicting policy', () => {
    expect(durabilityProblems({ appendonly: 'yes', save: '', maxmemoryPolicy: 'allkeys-lru' })).toEqual([
      'maxmemory-policy is allkeys-lru: Redis may evict queued jobs under memory pressure (use noeviction)',
    ]);
  });

  it('judges only what a Redis without CONFIG told through INFO', () => {
    expect(durabilityProblems({ appendonly: 'no', maxmemoryPolicy: 'volatile-lru' })).toEqual([
      'no append-only file (appendonly no): jobs queued since the last snapshot, if any, are lost when Redis restarts',
      'maxmemory-policy is volatile-lru: Redis may evict queued jobs under memory pressure (use noeviction)',
    ]);
    expect(durabilityProblems({})).toEqual([]);
  });
});

describe('parseInfo', () => {
  it('reads INFO sections into fields, skipping headers', () => {
    const info = parseInfo('# Persistence\r\nloading:0\r\naof_enabled:1\r\n\r\n# Memory\r\nmaxmemory_policy:noeviction\r\n');
    expect(Object.fromEntries(info)).toEqual({ loading: '0', aof_enabled: '1', maxmemory_policy: 'noeviction' });
  });
});
