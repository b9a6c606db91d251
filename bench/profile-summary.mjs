#!/usr/bin/env node
// Summarises V8 CPU profiles (.cpuprofile, from `npm run bench -- --profile` or node --cpu-prof):
// top functions by self time, and time by package both as self time and as "on the stack"
// (inclusive: a package counts once per sample when any of its frames is on the stack).
//   node bench/profile-summary.mjs <dir|file.cpuprofile>... [--top 25] [--all-samples] [--json]
// A directory is searched recursively; when it holds window.json (written by the bench), only the
// samples taken while the load generator ran are counted, so start-up and shutdown are left out.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    'all-samples': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
if (!positionals.length) {
  console.error('usage: node bench/profile-summary.mjs <dir|file.cpuprofile>... [--top 25] [--all-samples] [--json]');
  process.exit(2);
}
const TOP = Number(a.top);

function findProfiles(p) {
  const st = fs.statSync(p);
  if (st.isFile()) return [p];
  return fs
    .readdirSync(p, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? findProfiles(path.join(p, e.name)) : e.name.endsWith('.cpuprofile') ? [path.join(p, e.name)] : []));
}

function shortUrl(url) {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 14).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return `${pkg}/…/${rest[rest.length - 1]}`;
  }
  if (u.startsWith(REPO)) u = u.slice(REPO.length + 1);
  return u.replace(/^bench\/\.work\/shared-bench\//, 'shared/');
}

function category(frame) {
  const { functionName: fn, url } = frame;
  if (fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)' || fn === '(root)') return fn;
  if (!url) return '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node core';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m = /\/dist\/(apps\/[^/]+|libs\/[^/]+)\//.exec(u);
  if (m) return `hub: ${m[1]}`;
  if (u.includes('/shared-bench/floor/') || u.includes('/bench/floor/')) return 'floor';
  if (u.includes('/shared-bench/')) return 'shared bench';
  return 'other';
}

function summarise(file) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  let window = null;
  const wfile = path.join(path.dirname(file), 'window.json');
  if (!a['all-samples'] && fs.existsSync(wfile)) window = JSON.parse(fs.readFileSync(wfile, 'utf8'));
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackCats = new Map(); // node id → Set of categories on its stack
  const catsOf = (id) => {
    let s = stackCats.get(id);
    if (s) return s;
    const n = nodes.get(id);
    const p = parent.get(id);
    s = new Set(p !== undefined ? catsOf(p) : []);
    s.add(category(n.callFrame));
    stackCats.set(id, s);
    return s;
  };

  const self = new Map(); // function key → µs
  const selfCat = new Map();
  const onStack = new Map();
  let total = 0,
    idle = 0,
    inWindow = 0;
  let t = prof.startTime;
  const { samples, timeDeltas } = prof;
  const windowHit = window && !(window.endUs < prof.startTime || window.startUs > prof.endTime);
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i];
    const dur = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    if (windowHit && (t < window.startUs || t > window.endUs)) continue;
    inWindow++;
    const n = nodes.get(samples[i]);
    const cf = n.callFrame;
    total += dur;
    if (cf.functionName === '(idle)') {
      idle += dur;
      continue;
    }
    const key = `${cf.functionName || '(anonymous)'}  ${shortUrl(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dur);
    const cat = category(cf);
    selfCat.set(cat, (selfCat.get(cat) ?? 0) + dur);
    for (const c of catsOf(n.id)) onStack.set(c, (onStack.get(c) ?? 0) + dur);
  }
  const busy = total - idle;
  const rank = (m, k) =>
    [...m]
      .sort((x, y) => y[1] - x[1])
      .slice(0, k)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / busy) * 1000) / 10 }));
  return {
    file: path.relative(process.cwd(), file),
    window: windowHit
      ? `load generator window (${Math.round((window.endUs - window.startUs) / 1000)} ms, ${window.messages}+${window.warmup} messages)`
      : 'whole process',
    messages: windowHit ? window.messages + window.warmup : null,
    samples: inWindow,
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    busyUsPerMsg: windowHit ? Math.round(busy / (window.messages + window.warmup)) : null,
    topSelf: rank(self, TOP),
    selfByPackage: rank(selfCat, 20),
    onStackByPackage: rank(onStack, 20).filter((x) => x.name !== '(root)'),
  };
}

const results = positionals.flatMap(findProfiles).sort().map(summarise);
if (a.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  for (const r of results) {
    console.log(
      `\n### ${r.file}: ${r.window}; busy ${r.busyMs} ms of ${r.totalMs} ms sampled${r.busyUsPerMsg ? ` (${r.busyUsPerMsg} µs/msg)` : ''}`,
    );
    console.log(`  top ${TOP} functions by self time (% of busy):`);
    for (const x of r.topSelf) console.log(`    ${String(x.pct).padStart(5)}%  ${String(x.ms).padStart(6)} ms  ${x.name}`);
    console.log('  self time by package:');
    for (const x of r.selfByPackage) console.log(`    ${String(x.pct).padStart(5)}%  ${String(x.ms).padStart(6)} ms  ${x.name}`);
    console.log('  on the stack (inclusive) by package:');
    for (const x of r.onStackByPackage) console.log(`    ${String(x.pct).padStart(5)}%  ${String(x.ms).padStart(6)} ms  ${x.name}`);
  }
}
