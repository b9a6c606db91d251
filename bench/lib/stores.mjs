// The PostgreSQL databases and Redis dbs each side runs on: connection URLs, the run lock, a fresh
// start for every run, the ingest queue's pause switch, and the figures read from them after a run.
import pg from 'pg';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { sleep } from './procs.mjs';
import { log } from './log.mjs';

export const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_BASE = (process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/+\d*$/, '');
export const SIDES = {
  // queue: the ingest queue (BullMQ name and key prefix), paused and resumed by the `split` scenario.
  hub: { db: 'omnihub_bench', redisDb: 12, queue: { name: 'interaction-ingest', prefix: 'bull' } },
  floor: { db: 'omnihub_bench_floor', redisDb: 13, queue: { name: 'sms-inbound', prefix: 'floor-bull' } },
  // --redis-cluster: the hub on the bench's own Redis Cluster (redis-cluster.mjs); its Redis is set
  // by useCluster once the cluster runs. No queue: it runs max and rates only, never split.
  'hub-cluster': { db: 'omnihub_bench_cluster', cluster: null },
};

/** The hub-cluster side runs on `cluster` (startCluster's result). */
export function useCluster(cluster) {
  SIDES['hub-cluster'].cluster = cluster;
}

/**
 * The Redis a side's run holds its keys in, as one URL per server: the run's db on the shared
 * server, or db 0 of every master of the bench's cluster. Flushes and figures go to each.
 */
const redisUrls = (stores) => stores.cluster?.urls ?? [`${REDIS_BASE}/${stores.redisDb}`];

/** The affinity scenario's own database and Redis db: it can run beside an SMS bench. */
export const AFFINITY_STORES = { db: 'omnihub_bench_affinity', redisDb: 14, queue: SIDES.hub.queue, lock: 'omnihub-bench-affinity' };

/** The connection URL of database `db`; through a local proxy on `port` when given. */
export const dbUrl = (db, port) => {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${db}`;
  if (port) {
    u.hostname = '127.0.0.1';
    u.port = String(port);
  }
  return u.toString();
};
export const pgHostPort = () => {
  const u = new URL(PG_ADMIN);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) };
};
export const redisHostPort = () => {
  const u = new URL(REDIS_BASE);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) };
};

/** The admin connection the whole run holds (and with it the run lock). */
export async function connectAdmin() {
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query('SET client_min_messages = warning');
  return admin;
}

/**
 * One bench at a time per PostgreSQL server: two runs would drop each other's databases and flush
 * each other's Redis dbs. A session advisory lock, held by the admin connection until it closes.
 */
export async function takeBenchLock(admin, name = 'omnihub-bench') {
  const lock = `SELECT pg_try_advisory_lock(hashtext('${name}')) AS ok`;
  const deadline = Date.now() + 30 * 60_000;
  let told = false;
  while (!(await admin.query(lock)).rows[0].ok) {
    if (Date.now() > deadline) throw new Error('another bench run held the bench lock for 30 minutes; giving up');
    if (!told) log(`another bench run holds the ${name} lock (its databases and Redis dbs): waiting for it to finish`);
    told = true;
    await sleep(5000);
  }
}

export const resetStores = (admin, side) => resetStoresOf(admin, SIDES[side]);

/** stores: { db, redisDb }, as in SIDES. */
export async function resetStoresOf(admin, stores) {
  await admin.query(`DROP DATABASE IF EXISTS "${stores.db}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${stores.db}"`);
  await flushRedis(stores);
}

export const flushRedisDb = (side) => flushRedis(SIDES[side]);

// On a cluster master FLUSHDB of db 0 is its FLUSHALL: the master's keys are all the run's.
async function flushRedis(stores) {
  for (const url of redisUrls(stores)) {
    const r = new Redis(url, { lazyConnect: true });
    await r.connect();
    await r.flushdb();
    r.disconnect();
  }
}

export async function setQueuePaused(side, paused) {
  const { name, prefix } = SIDES[side].queue;
  const q = new Queue(name, { prefix, connection: { url: `${REDIS_BASE}/${SIDES[side].redisDb}`, maxRetriesPerRequest: 1 } });
  try {
    if (paused) await q.pause();
    else await q.resume();
  } finally {
    await q.close();
  }
}

/**
 * Polls the side's interactions count (of `channel` only, when given) until `expected` or the
 * deadline; returns the time it took and the last count.
 */
export async function waitForRows(side, expected, timeoutMs, channel) {
  const c = new pg.Client({ connectionString: dbUrl(SIDES[side].db) });
  await c.connect();
  const query = channel
    ? { name: 'count_channel', text: 'SELECT count(*)::int AS n FROM interactions WHERE channel = $1', values: [channel] }
    : { name: 'count_interactions', text: 'SELECT count(*)::int AS n FROM interactions' };
  const t0 = Date.now();
  let n = 0;
  try {
    while (Date.now() - t0 < timeoutMs) {
      n = (await c.query(query)).rows[0].n;
      if (n >= expected) break;
      await sleep(100);
    }
  } finally {
    await c.end();
  }
  return { ms: Date.now() - t0, rows: n };
}

/** The side's interactions of `channel`, counted now. */
export async function countInteractions(side, channel) {
  const c = new pg.Client({ connectionString: dbUrl(SIDES[side].db) });
  await c.connect();
  try {
    return (await c.query('SELECT count(*)::int AS n FROM interactions WHERE channel = $1', [channel])).rows[0].n;
  } finally {
    await c.end();
  }
}

/** The run's keys and their memory; on a cluster summed over its masters (used_memory too: they are all the run's). */
export async function redisFigures(side) {
  const sum = { usedMemory: 0, dbBytes: 0, keys: 0, bytesByType: {} };
  for (const url of redisUrls(SIDES[side])) {
    const f = await redisFiguresAt(url);
    sum.usedMemory += f.usedMemory;
    sum.dbBytes += f.dbBytes;
    sum.keys += f.keys;
    for (const [type, bytes] of Object.entries(f.bytesByType)) sum.bytesByType[type] = (sum.bytesByType[type] ?? 0) + bytes;
  }
  return sum;
}

async function redisFiguresAt(url) {
  const r = new Redis(url, { lazyConnect: true });
  await r.connect();
  try {
    const usedMemory = Number(/used_memory:(\d+)/.exec(await r.info('memory'))?.[1]);
    let dbBytes = 0,
      keys = 0,
      cursor = '0';
    const byType = {};
    do {
      const [next, batch] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const k of batch) {
        const [bytes, type] = await Promise.all([r.memory('USAGE', k, 'SAMPLES', 0), r.type(k)]);
        keys++;
        dbBytes += Number(bytes ?? 0);
        byType[type] = (byType[type] ?? 0) + Number(bytes ?? 0);
      }
    } while (cursor !== '0');
    return { usedMemory, dbBytes, keys, bytesByType: byType };
  } finally {
    r.disconnect();
  }
}

/** Row counts of the side's database; an `error` instead when it cannot be read. */
export async function dbFigures(side) {
  const c = new pg.Client({ connectionString: dbUrl(SIDES[side].db) });
  try {
    await c.connect();
    const { rows } = await c.query(`SELECT
      (SELECT count(*) FROM customers)::int AS customers,
      (SELECT count(*) FROM interactions)::int AS interactions,
      (SELECT count(*) FROM conversations)::int AS conversations,
      (SELECT coalesce(sum(count), 0) FROM customer_activity_daily)::int AS "bucketCount"`);
    return rows[0];
  } catch (e) {
    return { error: e.message };
  } finally {
    await c.end().catch(() => {});
  }
}

export async function pgStats(admin, side) {
  // Per-database counters; read after the processes stopped (backends flush their stats on exit).
  await sleep(300);
  const { rows } = await admin.query(
    `SELECT xact_commit::bigint AS commit, xact_rollback::bigint AS rollback, tup_inserted::bigint AS inserted,
            tup_updated::bigint AS updated, tup_returned::bigint AS returned, tup_fetched::bigint AS fetched
       FROM pg_stat_database WHERE datname = $1`,
    [SIDES[side].db],
  );
  return rows[0] ? Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])) : null;
}

/**
 * The machine's PostgreSQL runs with autovacuum off. On a default server autovacuum analyzes a
 * table once a few dozen rows went in and again as it grows (by a tenth), and every plan cached
 * before is made again with the new statistics. Here a plan cached while the tables were empty
 * or small would stay for the whole run: a generic plan made on an empty `interactions` walks the
 * wrong index for the hub's idempotency look-up (1 ms a message and growing), and the run would
 * measure that instead of the hub. So each run analyzes its database as autovacuum would, more
 * coarsely: when 200 and 2,000 interactions are in (on a server with autovacuum, nothing). Both
 * sides alike. Returns a stop function.
 */
export function analyzeAsItFills(db, steps = [200, 2_000]) {
  let stopped = false;
  const done = (async () => {
    const c = new pg.Client({ connectionString: dbUrl(db) });
    await c.connect();
    try {
      // A server with autovacuum does this itself.
      const pending = (await c.query('SHOW autovacuum')).rows[0].autovacuum === 'on' ? [] : [...steps];
      while (!stopped && pending.length) {
        const { rows } = await c.query(
          `SELECT coalesce(sum(n_tup_ins), 0)::int AS n FROM pg_stat_user_tables WHERE relname = 'interactions'`,
        );
        if (rows[0].n >= pending[0]) {
          while (pending.length && rows[0].n >= pending[0]) pending.shift();
          await c.query('ANALYZE');
        } else await sleep(250);
      }
    } finally {
      await c.end();
    }
  })().catch((e) => log(`ANALYZE of ${db} failed: ${e.message}`));
  return async () => {
    stopped = true;
    await done;
  };
}
