import { Cluster, Redis } from 'ioredis';
import { Pool } from 'pg';
import { recreateDatabase } from './databases';
import { API_MAIN, freePort, HubProcess, WORKER_MAIN } from './processes';
import { PrivateRedis } from './private-redis';
import { clusterNodesOf, clusterUrl, openRedis } from './test-redis';

export const ADMIN = { email: 'admin@omnihub.test', password: 'admin-password-1' };
export const TWILIO_AUTH_TOKEN = 'test-twilio-auth-token';

const REDIS_ROOT = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The cluster tier (test/cluster, README "Tests") reruns e2e files with this set: a file that asks
 * for a database of the shared Redis gets the tier's Redis Cluster instead (its nodes in
 * TEST_REDIS_CLUSTER_NODES; a cluster has no numbered databases, and the tier's files run one
 * after another), and at least two api instances and two workers.
 */
const CLUSTER_TIER = process.env.TEST_REDIS_TIER === 'cluster' ? process.env.TEST_REDIS_CLUSTER_NODES : undefined;
if (process.env.TEST_REDIS_TIER === 'cluster' && !CLUSTER_TIER) throw new Error('the cluster tier needs TEST_REDIS_CLUSTER_NODES');

export interface HubOptions {
  /** Names the test database: `omnihub_test_<name>`. */
  name: string;
  /**
   * The Redis database (1–15) this test file owns; queues, streams and sessions are scoped to it.
   * Each e2e file takes its own number (listed in README.md, "Tests"), or `'private'`: a Redis
   * server of its own for the file (test/support/private-redis.ts), stopped with the hub.
   */
  redisDb?: number | 'private';
  /** A Redis server of the test's own (a `PrivateRedis`) instead of `TEST_REDIS_URL`'s; with `redisDb`. */
  redisServer?: string;
  /** A whole Redis URL of the test's own (test/support/private-redis.ts), instead of `redisDb`. */
  redisUrl?: string;
  /** A Redis Cluster of the test's own (test/support/private-cluster.ts): its node list. */
  redisCluster?: string;
  apis?: number;
  /** Worker processes (default 1); with `worker: false`, none. */
  workers?: number;
  worker?: boolean;
  env?: Record<string, string>;
}

/**
 * A whole hub for one test file: a fresh database, an owned Redis database, N api processes and
 * a worker, all started from the build exactly as an operator would.
 */
export class Hub {
  readonly apis: HubProcess[] = [];
  worker?: HubProcess;
  /** Workers after the first (`workers` > 1): started with the hub, stopped with it. */
  readonly moreWorkers: HubProcess[] = [];
  readonly db: Pool;
  private privateRedis?: PrivateRedis;

  private constructor(
    readonly databaseUrl: string,
    readonly redisUrl: string,
    readonly env: Record<string, string>,
  ) {
    this.db = new Pool({ connectionString: databaseUrl, max: 3 });
  }

  static async start(requested: HubOptions): Promise<Hub> {
    const onTier = CLUSTER_TIER !== undefined && typeof requested.redisDb === 'number' && requested.redisServer === undefined;
    const options: HubOptions = onTier
      ? { ...requested, name: `${requested.name}_cluster`, redisCluster: CLUSTER_TIER, apis: Math.max(2, requested.apis ?? 1), workers: 2 }
      : requested;
    const databaseUrl = await recreateDatabase(`omnihub_test_${options.name.replace(/\W/g, '_')}`);
    if (options.redisUrl === undefined && options.redisDb === undefined && options.redisCluster === undefined) {
      throw new Error('Hub.start needs redisDb, redisUrl or redisCluster');
    }
    const privateRedis = options.redisDb === 'private' ? await PrivateRedis.start(['--save', '', '--appendonly', 'no']) : undefined;
    const redisUrl =
      privateRedis?.url ??
      options.redisUrl ??
      (options.redisCluster ? clusterUrl(options.redisCluster) : `${options.redisServer ?? REDIS_ROOT}/${options.redisDb}`);
    await flushRedis(redisUrl);
    const cluster = clusterNodesOf(redisUrl);
    const env = {
      DATABASE_URL: databaseUrl,
      ...(cluster ? { REDIS_CLUSTER_NODES: cluster } : { REDIS_URL: redisUrl }),
      JWT_SECRET: 'test-jwt-secret-0123456789abcdefghijklmnop',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      TWILIO_AUTH_TOKEN,
      SMTP_INBOUND_PORT: '0',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const hub = new Hub(databaseUrl, redisUrl, env);
    hub.privateRedis = privateRedis;
    try {
      // One after another: the first runs the migrations, the rest find them done.
      for (let i = 0; i < (options.apis ?? 1); i++) {
        const api = new HubProcess(`api-${i}`, API_MAIN, await freePort(), env);
        hub.apis.push(api);
        await api.start();
      }
      if (options.worker ?? true) {
        await hub.startWorker();
        for (let i = 1; i < (options.workers ?? 1); i++) {
          const worker = new HubProcess(`worker-${i}`, WORKER_MAIN, await freePort(), env);
          hub.moreWorkers.push(worker);
          await worker.start();
        }
      }
    } catch (error) {
      await hub.stop();
      throw error;
    }
    return hub;
  }

  get api(): HubProcess {
    return this.apis[0];
  }

  /**
   * Starts the worker, or starts it again after a stop. `env`, over the hub's, is the worker's
   * own from its first start on (a DATABASE_URL through a proxy the test can cut, say).
   */
  async startWorker(env: Record<string, string> = {}): Promise<HubProcess> {
    this.worker ??= new HubProcess('worker', WORKER_MAIN, await freePort(), { ...this.env, ...env });
    await this.worker.start();
    return this.worker;
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(sql, params);
    return Number(rows[0].n);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apis, ...(this.worker ? [this.worker] : []), ...this.moreWorkers].map((p) => p.stop()));
    await this.db.end();
    if (this.privateRedis) await this.privateRedis.dispose();
    else await flushRedis(this.redisUrl);
  }
}

/** A server's database, or every master of a cluster (which has only database 0). */
async function flushRedis(url: string): Promise<void> {
  const redis = openRedis(url);
  try {
    if (redis instanceof Cluster) {
      await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
      await Promise.all(redis.nodes('master').map((node) => node.flushall()));
    } else await (redis as Redis).flushdb();
  } finally {
    redis.disconnect();
  }
}
