/**
 * Start-up and bundle size (#17): every bundle (dist/<name>/index.js) run the way a workflow step runs it, with no
 * INPUT_* variables, until it exits with its user error (`::error::` on stdout, exit code 1) — the time a step pays
 * before doing anything, and the time a misconfigured step takes to say so. The peer is a bare `node -e 0` started
 * and waited for the same way, in the same rounds (each round runs bare node and every bundle once, so a slow
 * moment of the shared machine lands on all of them). Prints per bundle the median of the runs, bare node's
 * median, the difference, and each dist/<name>/ folder's size (chunks included).
 *
 *   npx tsx bench/startup.bench.ts [runs] [--dist DIR]     # default 20 runs, the repository's dist/
 *
 * Targets: each bundle within 150 ms of bare node (median − median); each folder ≤ 5 MB (the build fails past it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@deliverkit/testing-testbed';
// @ts-expect-error plain ESM script without types
import { BUNDLE_LIMIT_BYTES, formatMegabytes, measureFolder } from '../scripts/lib/bundle-size.mjs';

const TARGET_MS = 150;

const args = process.argv.slice(2);
let dist = path.join(repoRoot, 'dist');
let runs = 20;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--dist') dist = path.resolve(args[++i] ?? '');
  else runs = Number(args[i]);
}
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`runs must be a positive integer, got ${args.join(' ')}`);

const bundles = readdirSync(dist, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(dist, d.name, 'index.js')))
  .map((d) => d.name)
  .sort();
if (bundles.length === 0)
  throw new Error(`no dist/<name>/index.js under ${dist}: run node scripts/build.mjs first`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'startup-bench-'));
// A runner's step environment with no inputs: output and summary files, a temp dir, nothing else.
const env = {
  PATH: process.env.PATH ?? '',
  HOME: tmp,
  RUNNER_TEMP: tmp,
  GITHUB_OUTPUT: path.join(tmp, 'output'),
  GITHUB_STEP_SUMMARY: path.join(tmp, 'summary'),
};

/**
 * CPU time (user + system, ms) of this process's waited-for children so far, from /proc/self/stat (cutime and
 * cstime, in clock ticks of 10 ms): what a run costs whatever else the shared machine is doing, where its wall
 * time is not. Undefined off Linux.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** One start-to-exit of `node ARGS`: wall ms, CPU ms, exit code and first `::error::` line. */
function timeNode(nodeArgs: string[]): { ms: number; cpuMs?: number; status: number | null; error?: string } {
  writeFileSync(env.GITHUB_OUTPUT, '');
  writeFileSync(env.GITHUB_STEP_SUMMARY, '');
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const res = spawnSync(process.execPath, nodeArgs, { env, cwd: tmp, encoding: 'utf8', timeout: 60_000 });
  const ms = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  const error = res.stdout?.split('\n').find((l) => l.startsWith('::error::'));
  return {
    ms,
    cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    status: res.status,
    error: error?.slice('::error::'.length),
  };
}

const bare: number[] = [];
const bareCpu: number[] = [];
const times = new Map<string, number[]>(bundles.map((b) => [b, []]));
const cpu = new Map<string, number[]>(bundles.map((b) => [b, []]));
const errors = new Map<string, string>();
try {
  // One warm-up round (page cache, the first spawn's costs), not counted.
  timeNode(['-e', '0']);
  for (const b of bundles) timeNode([path.join(dist, b, 'index.js')]);
  for (let round = 0; round < runs; round++) {
    const b0 = timeNode(['-e', '0']);
    bare.push(b0.ms);
    if (b0.cpuMs !== undefined) bareCpu.push(b0.cpuMs);
    for (const b of bundles) {
      const r = timeNode([path.join(dist, b, 'index.js')]);
      if (r.status !== 1 || !r.error)
        throw new Error(
          `${b} did not exit with a user error (exit ${r.status}${r.error ? '' : ', no ::error:: line'}): the bench times the no-input failure`,
        );
      errors.set(b, r.error);
      times.get(b)!.push(r.ms);
      if (r.cpuMs !== undefined) cpu.get(b)!.push(r.cpuMs);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const bareMedian = median(bare);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cpuText = (xs: number[]) => (xs.length ? `${mean(xs).toFixed(0)} ms` : 'n/a');
console.log(
  `startup: ${runs} runs per bundle, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}, ${dist}`,
);
console.log(
  `bare node -e 0: median ${bareMedian.toFixed(1)} ms, CPU ${cpuText(bareCpu)} (mean, 10 ms ticks)`,
);
console.log('');
console.log(
  '| bundle | folder size | median start-to-error | bare node | difference | target ≤ 150 ms | CPU (mean) vs bare | user error |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
let missed = 0;
let oversized = 0;
for (const b of bundles) {
  const m = median(times.get(b)!);
  const diff = m - bareMedian;
  const size = (measureFolder(b, path.join(dist, b)) as { bytes: number }).bytes;
  if (diff > TARGET_MS) missed++;
  if (size > BUNDLE_LIMIT_BYTES) oversized++;
  console.log(
    `| ${b} | ${formatMegabytes(size)}${size > BUNDLE_LIMIT_BYTES ? ' (OVER 5 MB)' : ''} | ${m.toFixed(1)} ms | ${bareMedian.toFixed(1)} ms | +${diff.toFixed(1)} ms | ${diff <= TARGET_MS ? 'PASS' : 'MISS'} | ${cpuText(cpu.get(b)!)} vs ${cpuText(bareCpu)} | ${errors.get(b)} |`,
  );
}
console.log('');
console.log(
  `start-up within ${TARGET_MS} ms of bare node: ${bundles.length - missed} of ${bundles.length}; folders ≤ ${formatMegabytes(BUNDLE_LIMIT_BYTES)}: ${bundles.length - oversized} of ${bundles.length}`,
);
if (os.loadavg()[0]! > os.cpus().length)
  console.log(
    `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores: wall times include waiting for a CPU; the CPU column does not`,
  );
