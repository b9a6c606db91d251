import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { recreateDatabase } from './databases';
import { API_MAIN, freePort, HubProcess, WORKER_MAIN } from './processes';
import { PrivateRedis } from './private-redis';

export const ADMIN = { email: 'admin@omnihub.test', password: 'admin-password-1' };
export const TWILIO_AUTH_TOKEN = 'test-twilio-auth-token';

const REDIS_ROOT = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

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
  apis?: number;
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
  readonly db: Pool;
  private privateRedis?: PrivateRedis;

  private constructor(
    readonly databaseUrl: string,
    readonly redisUrl: string,
    readonly env: Record<string, string>,
  ) {
    this.db = new Pool({ connectionString: databaseUrl, max: 3 });
  }

  static async start(options: HubOptions): Promise<Hub> {
    const databaseUrl = await recreateDatabase(`omnihub_test_${options.name.replace(/\W/g, '_')}`);
    if (options.redisUrl === undefined && options.redisDb === undefined) throw new Error('Hub.start needs redisDb or redisUrl');
    const privateRedis = options.redisDb === 'private' ? await PrivateRedis.start(['--save', '', '--appendonly', 'no']) : undefined;
    const redisUrl = privateRedis?.url ?? options.redisUrl ?? `${options.redisServer ?? REDIS_ROOT}/${options.redisDb}`;
    await flushRedis(redisUrl);
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
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
      if (options.worker ?? true) await hub.startWorker();
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
    await Promise.all([...this.apis, ...(this.worker ? [this.worker] : [])].map((p) => p.stop()));
    await this.db.end();
    if (this.privateRedis) await this.privateRedis.dispose();
    else await flushRedis(this.redisUrl);
  }
}

async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url);
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
