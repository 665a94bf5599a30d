#!/usr/bin/env node
// Fails when the committed dist/ differs from a fresh build of the sources: GitHub runs
// dist/<name>/index.js, so a stale bundle ships old behaviour.
//
//   node scripts/check-dist.mjs [--dist DIR] [name ...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let committed = path.join(root, 'dist');
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--dist') committed = path.resolve(args[++i]);
  else names.push(args[i]);
}
const fresh = mkdtempSync(path.join(tmpdir(), 'check-dist-'));
try {
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'build.mjs'), '--out', fresh, ...names],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (build.status !== 0) {
    console.error('check-dist: the fresh build failed');
    process.exit(1);
  }
  const differences = names.length
    ? names.flatMap((n) => compareTrees(path.join(fresh, n), path.join(committed, n)).map((d) => `${n}/${d}`))
    : compareTrees(fresh, committed);
  if (differences.length) {
    console.error('check-dist: dist/ is stale. Run `pnpm build` and commit dist/:');
    for (const d of differences) console.error(`  ${d}`);
    process.exit(1);
  }
  console.log('check-dist: dist/ matches a fresh build');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}

function listFiles(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

function compareTrees(a, b) {
  const left = new Set(listFiles(a));
  const right = new Set(listFiles(b));
  const out = [];
  for (const f of left) {
    if (!right.has(f)) out.push(`missing in dist: ${f}`);
    else if (!readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f)))) out.push(`differs: ${f}`);
  }
  for (const f of right) if (!left.has(f)) out.push(`not produced by the build: ${f}`);
  return out;
}
