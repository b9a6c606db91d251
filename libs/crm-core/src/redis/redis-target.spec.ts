import { EnvironmentReader } from '../config/environment';
import { parseClusterNodes, queuePrefix, readRedisTarget } from './redis-target';

const read = (env: Record<string, string>) => {
  const reader = new EnvironmentReader(env);
  return { target: readRedisTarget(reader), problems: reader.problems };
};

describe('the Redis target', () => {
  it("is REDIS_URL's server by default, the contract's", () => {
    expect(read({})).toEqual({ target: { kind: 'single', url: 'redis://127.0.0.1:6379' }, problems: [] });
    expect(read({ REDIS_URL: 'redis://cache:6380/2' }).target).toEqual({ kind: 'single', url: 'redis://cache:6380/2' });
  });

  it('is a cluster when REDIS_CLUSTER_NODES lists host:port pairs', () => {
    expect(read({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[::1]:7002' })).toEqual({
      target: {
        kind: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: 'redis-b', port: 7001 },
          { host: '::1', port: 7002 },
        ],
      },
      problems: [],
    });
  });

  it('refuses a node that is not host:port, naming it, and both variables at once', () => {
    expect(parseClusterNodes('a:7000,b')).toBe('must be a comma-separated list of host:port (port 1-65535), "b" is not');
    expect(parseClusterNodes('a:70000')).toMatch(/"a:70000" is not/);
    expect(parseClusterNodes('redis://a:7000')).toMatch(/"redis:\/\/a:7000" is not/);
    expect(read({ REDIS_CLUSTER_NODES: 'a:7000,' }).problems).toEqual([
      'REDIS_CLUSTER_NODES must be a comma-separated list of host:port (port 1-65535), "" is not, got "a:7000,"',
    ]);
    expect(read({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'redis://a:6379' }).problems).toEqual([
      'REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis server or REDIS_CLUSTER_NODES for a cluster',
    ]);
  });

  it("hash-tags each queue's BullMQ prefix with its name on a cluster, and keeps BullMQ's default on one server", () => {
    expect(queuePrefix({ kind: 'cluster', nodes: [] }, 'interaction-ingest')).toBe('bull:{interaction-ingest}');
    expect(queuePrefix({ kind: 'single', url: 'redis://x' }, 'interaction-ingest')).toBe('bull');
  });
});
