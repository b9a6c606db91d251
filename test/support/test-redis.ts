import { queuePrefix, type RedisTarget } from '@omnihub/crm-core/redis/redis-target';
import { Queue } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * The tests name the hub's Redis by one string, `hub.redisUrl`: a `redis://` URL, or for a Redis
 * Cluster `redis-cluster://host:port,host:port…` (its REDIS_CLUSTER_NODES), so helpers that read
 * queues and streams work unchanged on both.
 */
const CLUSTER_SCHEME = 'redis-cluster://';

export const clusterUrl = (nodeList: string) => `${CLUSTER_SCHEME}${nodeList}`;

export function redisTargetOf(url: string): RedisTarget {
  if (!url.startsWith(CLUSTER_SCHEME)) return { kind: 'single', url };
  const nodes = url
    .slice(CLUSTER_SCHEME.length)
    .split(',')
    .map((node) => ({ host: node.slice(0, node.lastIndexOf(':')), port: Number(node.slice(node.lastIndexOf(':') + 1)) }));
  return { kind: 'cluster', nodes };
}

/** The node list of a `redis-cluster://` URL, undefined for a server's URL. */
export function clusterNodesOf(url: string): string | undefined {
  return url.startsWith(CLUSTER_SCHEME) ? url.slice(CLUSTER_SCHEME.length) : undefined;
}

export function openRedis(url: string, options: RedisOptions = {}): Redis | Cluster {
  const target = redisTargetOf(url);
  return target.kind === 'single' ? new Redis(url, options) : new Cluster(target.nodes, { redisOptions: options });
}

/** A BullMQ queue of the hub's, with the prefix the hub gives it on that Redis. */
export function openQueue<T = unknown>(name: string, url: string): Queue<T> {
  const target = redisTargetOf(url);
  const connection = target.kind === 'single' ? { url } : new Cluster(target.nodes, { redisOptions: { maxRetriesPerRequest: null } });
  const queue = new Queue<T>(name, { connection, prefix: queuePrefix(target, name) });
  if (connection instanceof Cluster) {
    // BullMQ leaves a client it was given open.
    const close = queue.close.bind(queue);
    queue.close = async () => {
      await close();
      connection.disconnect();
    };
  }
  return queue;
}
