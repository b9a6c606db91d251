// What a run needs before the first load: the hub to run (./dist, or a --commit exported and built
// under bench/.work/), the working copy of the shared bench, and the record of where it ran.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { REPO, SB, SHARED, WORK, apiMain, workerMain } from './paths.mjs';
import { log } from './log.mjs';
import { REDIS_BASE } from './stores.mjs';

/** The stdout of a command, trimmed; '' when it fails. */
export function sh(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], ...opts }).trim();
  } catch {
    return '';
  }
}

/**
 * The hub to bench: { hubRoot, commit, dirty }. Without `rev`, the repository's dist/ (dirty:
 * apps/ or libs/ have uncommitted changes); with it, that commit exported and built.
 */
export function prepareHub(rev, { needed }) {
  let hub = {
    hubRoot: REPO,
    commit: sh('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }),
    dirty: sh('git', ['status', '--porcelain', '--', 'apps', 'libs'], { cwd: REPO }).length > 0,
  };
  if (rev && needed) hub = buildCommit(rev);
  if (needed) {
    for (const f of [apiMain(hub.hubRoot), workerMain(hub.hubRoot)])
      if (!fs.existsSync(f)) throw new Error(`${path.relative(REPO, f)} is missing: npm run build first`);
  }
  return hub;
}

/** Exports `rev` into bench/.work/hub-<sha>/ and builds it there (once); the hub then runs from it. */
function buildCommit(rev) {
  const sha = execFileSync('git', ['rev-parse', '--short', `${rev}^{commit}`], { cwd: REPO, encoding: 'utf8' }).trim();
  const dir = path.join(WORK, `hub-${sha}`);
  const hub = { hubRoot: dir, commit: sha, dirty: false };
  if (fs.existsSync(path.join(dir, 'dist/apps/worker/src/main.js'))) return hub;
  log(`exporting ${sha} into ${path.relative(REPO, dir)} and building it`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C "${dir}"`], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, [path.join(REPO, 'node_modules/@nestjs/cli/bin/nest.js'), 'build'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return hub;
}

function copyTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'results') continue;
    const src = path.join(from, e.name),
      dst = path.join(to, e.name);
    if (e.isDirectory()) copyTree(src, dst);
    else if (e.isFile()) fs.writeFileSync(dst, fs.readFileSync(src), { mode: 0o644 });
  }
}

export function prepareSharedCopy() {
  if (!fs.existsSync(path.join(SHARED, 'loadgen', 'ingest.mjs'))) {
    throw new Error(`the shared bench is not at ${SHARED} (set BENCH_SHARED_DIR)`);
  }
  fs.rmSync(SB, { recursive: true, force: true });
  copyTree(SHARED, SB);
  // Node resolves a module's imports from the module's own directory upwards: the copy lives under
  // the repository, so its imports resolve to the repository's node_modules (devDependencies).
  const req = createRequire(path.join(SB, 'loadgen', 'ingest.mjs'));
  const missing = [];
  for (const dep of [
    'bullmq',
    'ioredis',
    'pg',
    'socket.io',
    'socket.io-client',
    '@socket.io/redis-emitter',
    '@socket.io/redis-adapter',
    'twilio',
    'undici',
  ]) {
    try {
      req.resolve(dep);
    } catch {
      missing.push(dep);
    }
  }
  if (missing.length) throw new Error(`missing from ${REPO}/node_modules: ${missing.join(', ')}; run npm ci in the repository`);
}

export async function machineInfo(admin) {
  const cpus = os.cpus();
  const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
  const redis = new Redis(REDIS_BASE, { lazyConnect: true });
  await redis.connect();
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
  redis.disconnect();
  return {
    hostname: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim(),
    memGB: Math.round(os.totalmem() / 1e9),
    kernel: os.release(),
    node: process.version,
    postgres: pgVersion,
    redis: redisVersion,
  };
}

export const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
