// Where the bench's pieces live: the repository, the shared bench and its working copy, the
// bench's scratch and result folders, and the hub's entry points under a given root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(BENCH, '..');
export const SHARED = path.resolve(process.env.BENCH_SHARED_DIR ?? path.join(REPO, '..', 'shared', 'bench'));
export const WORK = path.join(BENCH, '.work');
export const SB = path.join(WORK, 'shared-bench'); // a copy of SHARED whose imports resolve to REPO/node_modules
export const RESULTS = path.join(BENCH, 'results');
export const TCP_PROXY = path.join(BENCH, 'lib', 'tcp-proxy.mjs');
export const CALL_LOG_IMPORT = path.join(BENCH, 'lib', 'call-log-import.mjs');

/** hubRoot: the repository, or the export of --commit; the hub runs its dist/ from there. */
export const apiMain = (hubRoot) => path.join(hubRoot, 'dist/apps/api/src/main.js');
export const workerMain = (hubRoot) => path.join(hubRoot, 'dist/apps/worker/src/main.js');
