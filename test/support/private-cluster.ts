import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { freePort } from './processes';
import { PrivateRedis } from './private-redis';
import { waitFor } from './wait-for';

const run = promisify(execFile);

export interface ClusterNode {
  server: PrivateRedis;
  port: number;
}

/**
 * A Redis Cluster of one test's own: `masters` redis-servers with `--cluster-enabled yes` on free
 * loopback ports (each with its cluster bus on a second free port), joined with `redis-cli
 * --cluster create`, optionally one replica per master. For a fault test that kills a master; the
 * shared cluster tier's cluster is started once for all its files (test/cluster/global-setup.ts).
 */
export class PrivateCluster {
  private constructor(readonly nodes: ClusterNode[]) {}

  static async start(options: { masters?: number; replicas?: 0 | 1; args?: string[] } = {}): Promise<PrivateCluster> {
    const { masters = 3, replicas = 0, args = ['--save', '', '--appendonly', 'no'] } = options;
    const nodes: ClusterNode[] = [];
    try {
      for (let i = 0; i < masters * (1 + replicas); i++) {
        const server = await PrivateRedis.start([
          ...args,
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(await freePort()),
          '--cluster-config-file',
          'nodes.conf',
          // A dead master is noticed, and its replica promoted, within a couple of seconds.
          '--cluster-node-timeout',
          '2000',
        ]);
        nodes.push({ server, port: server.port });
      }
      const cluster = new PrivateCluster(nodes);
      await run('redis-cli', [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ]);
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.server.dispose()));
      throw error;
    }
  }

  /** `REDIS_CLUSTER_NODES` for the hub: every node, though ioredis needs only one to find the rest. */
  get nodeList(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  /** Until every running node reports `cluster_state:ok` and all 16,384 slots served. */
  async waitUntilHealthy(): Promise<void> {
    await waitFor(
      'the Redis Cluster to be healthy',
      async () => {
        const infos = await Promise.all(this.running().map((node) => redisCli(node.port, 'cluster', 'info').catch(() => '')));
        return infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info));
      },
      60_000,
    );
  }

  /** The master serving `key`'s slot, and its replica if it has one. */
  async ownersOf(key: string): Promise<{ master: ClusterNode; replica?: ClusterNode }> {
    const slot = Number(await redisCli(this.running()[0].port, 'cluster', 'keyslot', key));
    const lines = (await redisCli(this.running()[0].port, 'cluster', 'nodes')).trim().split('\n');
    const byId = new Map(lines.map((line) => [line.split(' ')[0], line.split(' ')]));
    const masterLine = lines
      .map((line) => line.split(' '))
      .find((fields) => fields[2].includes('master') && !fields[2].includes('fail') && servesSlot(fields.slice(8), slot));
    if (!masterLine) throw new Error(`no master serves slot ${slot}`);
    const node = (fields: string[]) => this.nodes.find((n) => fields[1].startsWith(`127.0.0.1:${n.port}@`))!;
    const replicaLine = [...byId.values()].find((fields) => fields[3] === masterLine[0] && !fields[2].includes('fail'));
    return { master: node(masterLine), replica: replicaLine ? node(replicaLine) : undefined };
  }

  /** A client of the whole cluster, as the hub's are. */
  client(): Cluster {
    return new Cluster(
      this.running().map((node) => ({ host: '127.0.0.1', port: node.port })),
      { redisOptions: { maxRetriesPerRequest: 3 } },
    );
  }

  /** Empties every master (a cluster has only database 0): one test file's leftovers are gone. */
  async flush(): Promise<void> {
    await Promise.all(
      this.running().map(async (node) => {
        const redis = new Redis(node.port, '127.0.0.1');
        try {
          if ((await redis.role())[0] === 'master') await redis.flushall();
        } finally {
          redis.disconnect();
        }
      }),
    );
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.server.dispose()));
  }

  private running(): ClusterNode[] {
    return this.nodes.filter((node) => node.server.running);
  }
}

/** A slot range list from CLUSTER NODES (`0-5460`, `5461`, `[…]` migrating markers ignored). */
function servesSlot(ranges: string[], slot: number): boolean {
  return ranges.some((range) => {
    if (range.startsWith('[')) return false;
    const [from, to = from] = range.split('-').map(Number);
    return slot >= from && slot <= to;
  });
}

export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout;
}
