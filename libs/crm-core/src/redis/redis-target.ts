import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { redactUrl, type EnvironmentReader } from '../config/environment';

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where the hub's Redis is: one server (`REDIS_URL`, the contract's) or a Redis Cluster
 * (`REDIS_CLUSTER_NODES`, an extension: any of its nodes; ioredis finds the others).
 */
export type RedisTarget = { kind: 'single'; url: string } | { kind: 'cluster'; nodes: RedisNode[] };

/** A client of either kind; every command the hub sends works on both (see docs/scaling.md). */
export type RedisClient = Redis | Cluster;

export function readRedisTarget(reader: EnvironmentReader): RedisTarget {
  const nodes = reader.optional('REDIS_CLUSTER_NODES');
  if (nodes === undefined) return { kind: 'single', url: reader.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'])! };
  if (reader.optional('REDIS_URL') !== undefined) {
    reader.problems.push(
      'REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis server or REDIS_CLUSTER_NODES for a cluster',
    );
  }
  const parsed = parseClusterNodes(nodes);
  if (typeof parsed === 'string') {
    reader.problems.push(`REDIS_CLUSTER_NODES ${parsed}, got "${redactUrl(nodes)}"`);
    return { kind: 'cluster', nodes: [] };
  }
  return { kind: 'cluster', nodes: parsed };
}

/** `host:port,host:port…` (spaces allowed after commas); a sentence naming the fault otherwise. */
export function parseClusterNodes(value: string): RedisNode[] | string {
  const nodes: RedisNode[] = [];
  for (const item of value.split(',').map((part) => part.trim())) {
    const match = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(item);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) return `must be a comma-separated list of host:port (port 1-65535), "${item}" is not`;
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  return nodes;
}

/**
 * A new client for the target. `options` are a server connection's; on a cluster they apply to
 * each node's connection, except the offline queue, lazy connect and auto-pipelining, which are
 * the cluster's own.
 */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  if (target.kind === 'single') return new Redis(target.url, options);
  const { enableOfflineQueue, lazyConnect, enableAutoPipelining, ...redisOptions } = options;
  return new Cluster(target.nodes, {
    redisOptions,
    // Undefined would override ioredis' defaults, so only what was asked for is passed on.
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
  });
}

/**
 * BullMQ's key prefix for a queue. On a cluster every key of one queue must live in one hash slot
 * (BullMQ's scripts touch several keys at once), so the queue's name is the prefix's hash tag:
 * `bull:{interaction-ingest}:interaction-ingest:wait`, and each queue is a slot of its own, spread
 * over the shards. On one server the prefix stays BullMQ's default, so an upgrade finds the jobs
 * it queued before.
 */
export function queuePrefix(target: RedisTarget, queue: string): string {
  return target.kind === 'cluster' ? `bull:{${queue}}` : 'bull';
}
