import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../redis/redis-target';

/** What Redis says about keeping data; a field is absent when Redis would not say. */
export interface RedisPersistence {
  appendonly?: string;
  save?: string;
  maxmemoryPolicy?: string;
}

/**
 * BullMQ's production guide: accepted jobs live only in Redis, so Redis must persist them (AOF,
 * or at least RDB snapshots) and must never evict keys to make room.
 */
export function durabilityProblems({ appendonly, save, maxmemoryPolicy }: RedisPersistence): string[] {
  const problems: string[] = [];
  if (appendonly === 'no' && save === '') {
    problems.push('no persistence (appendonly no, save ""): queued jobs are lost when Redis restarts');
  } else if (appendonly === 'no' && save === undefined) {
    problems.push('no append-only file (appendonly no): jobs queued since the last snapshot, if any, are lost when Redis restarts');
  }
  if (maxmemoryPolicy !== undefined && maxmemoryPolicy !== 'noeviction') {
    problems.push(`maxmemory-policy is ${maxmemoryPolicy}: Redis may evict queued jobs under memory pressure (use noeviction)`);
  }
  return problems;
}

/** `CONFIG GET` first; managed Redis often disables it, then `INFO` tells part of the story. */
export async function readRedisPersistence(redis: Redis): Promise<RedisPersistence> {
  try {
    const pairs = (await redis.call('CONFIG', 'GET', 'appendonly', 'save', 'maxmemory-policy')) as string[];
    const config = new Map<string, string>();
    for (let i = 0; i + 1 < pairs.length; i += 2) config.set(pairs[i], pairs[i + 1]);
    return { appendonly: config.get('appendonly'), save: config.get('save'), maxmemoryPolicy: config.get('maxmemory-policy') };
  } catch {
    const info = parseInfo(`${await redis.info('persistence')}\n${await redis.info('memory')}`);
    const aof = info.get('aof_enabled');
    return { appendonly: aof === undefined ? undefined : aof === '1' ? 'yes' : 'no', maxmemoryPolicy: info.get('maxmemory_policy') };
  }
}

export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return fields;
}

export interface DurabilityLogger {
  warn(line: Record<string, unknown>): void;
  log(line: Record<string, unknown>): void;
}

/**
 * One line at start-up: a warning naming each problem, or an info line with what was found. On a
 * cluster each master holds some queues, so each is checked, with its address in its line.
 */
export async function reportRedisDurability(redis: RedisClient, logger: DurabilityLogger): Promise<void> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const server of servers) {
    const node = redis instanceof Cluster ? { node: `${server.options.host}:${server.options.port}` } : {};
    const persistence = await readRedisPersistence(server);
    const problems = durabilityProblems(persistence);
    if (problems.length) {
      logger.warn({
        dependency: 'redis',
        durability: 'at-risk',
        ...node,
        ...persistence,
        problems,
        msg: `Redis may lose accepted work: ${problems.join('; ')}`,
      });
    } else {
      logger.log({
        dependency: 'redis',
        durability: 'ok',
        ...node,
        ...persistence,
        msg: 'Redis persists queued work and does not evict it',
      });
    }
  }
}
