// Where a finished run goes: the JSON result file, the console report, and with --write-md the
// dated table appended to BENCHMARKS.md.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, RESULTS } from './paths.mjs';
import { sh } from './prepare.mjs';
import { consoleReport, markdownReport, traceReport } from './report.mjs';

/** Every run, the medians, the machine and the options, in bench/results/<stamp>.json. */
export function writeResult(stamp, content) {
  const file = path.join(RESULTS, `${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ tool: 'omnihub-bench', ...content }, null, 2)}\n`);
  return file;
}

export function printReport({ summary, runs, meta, opt, resultFile, profDir }) {
  console.log(
    `\nomnihub bench ${meta.date}: ${meta.topology}, ${opt.rounds} round(s); ${meta.machine}; load ${meta.loadBefore} → ${meta.loadAfter}`,
  );
  if (opt.profile || opt.trace)
    console.log('NOTE: profiled/traced run: throughput and CPU figures carry the instrumentation\u2019s overhead.');
  console.log(consoleReport(summary, meta));
  if (opt.trace) console.log(traceReport(runs));
  const failed = runs.filter((r) => r.error);
  if (failed.length) console.log(`\n${failed.length} run(s) failed: ${failed.map((r) => r.id).join(', ')} (see the result file)`);
  console.log(`\nresult: ${path.relative(process.cwd(), resultFile)}`);
  if (opt.profile)
    console.log(
      `profiles: ${path.relative(process.cwd(), profDir)} (node bench/profile-summary.mjs ${path.relative(process.cwd(), profDir)})`,
    );
}

export function appendMarkdown(summary, meta) {
  const md = path.join(REPO, 'BENCHMARKS.md');
  const text = markdownReport(summary, meta);
  if (!fs.existsSync(md)) fs.writeFileSync(md, '# Benchmarks\n\nSee bench/README.md for how to run them.\n\n');
  fs.appendFileSync(md, `\n${text}`);
  // Keep `npm run lint` (prettier --check .) green: let the repository's Prettier lay out the tables.
  const prettier = path.join(REPO, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  if (fs.existsSync(prettier)) sh(process.execPath, [prettier, '--write', md], { cwd: REPO });
  console.log(`appended to ${path.relative(process.cwd(), md)}`);
}
