#!/usr/bin/env node
// Bundles every action (actions/<name>/src/index.ts) with ncc into <out>/<name>/index.js, then
// smoke-runs each bundle: ncc can exit 0 and still write a bundle that throws at load time. Prints each
// folder's size (chunks included) and fails when one is over the limit (scripts/lib/bundle-size.mjs).
//
//   node scripts/build.mjs [--out DIR] [name ...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBundleSizes, measureFolder } from './lib/bundle-size.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let out = path.join(root, 'dist');
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') out = path.resolve(args[++i]);
  else names.push(args[i]);
}

export function listActions() {
  return readdirSync(path.join(root, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(root, 'actions', d.name, 'src', 'index.ts')))
    .map((d) => d.name)
    .sort();
}

const selected = names.length ? names : listActions();
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
let failed = 0;
const built = [];
for (const name of selected) {
  const entry = path.join(root, 'actions', name, 'src', 'index.ts');
  if (!existsSync(entry)) {
    console.error(`build: no action named ${name} (expected ${path.relative(root, entry)})`);
    failed++;
    continue;
  }
  const dir = path.join(out, name);
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  const res = spawnSync(
    process.execPath,
    [ncc, 'build', entry, '-o', dir, '--target', 'es2022', '--license', 'licenses.txt', '--quiet'],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (res.status !== 0) {
    console.error(`build: ncc failed for ${name}`);
    failed++;
    continue;
  }
  copyAssets(name, dir);
  const smoke = smokeRun(path.join(dir, 'index.js'));
  if (!smoke.ok) {
    console.error(`build: ${name}: bundle does not run: ${smoke.reason}`);
    failed++;
    continue;
  }
  const size = readFileSync(path.join(dir, 'index.js')).length;
  console.log(
    `build: ${name} → ${path.relative(root, dir)}/index.js (${(size / 1024).toFixed(0)} kB, ${Date.now() - started} ms, smoke ok)`,
  );
  built.push(measureFolder(name, dir));
}
const sizes = checkBundleSizes(built);
for (const line of sizes.lines) console.log(`build: ${line}`);
if (sizes.over.length) {
  console.error(
    `build: ${sizes.over.join(', ')} over the bundle size limit: import what the action calls, lazily where a path is optional`,
  );
  failed += sizes.over.length;
}
process.exit(failed ? 1 : 0);

// Files an action's bundle reads beside itself at run time (ncc's ESM output has no __dirname
// rewriting for them), declared in actions/<name>/package.json as "deliverkit": {"assets": [...]}.
function copyAssets(name, dir) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'actions', name, 'package.json'), 'utf8'));
  for (const asset of pkg.deliverkit?.assets ?? []) {
    const from = path.join(root, 'actions', name, asset.from);
    const to = path.join(dir, asset.to);
    const cp = spawnSync('cp', ['-r', from, to]);
    if (cp.status !== 0) throw new Error(`build: copying asset ${asset.from} for ${name} failed`);
  }
}

// Run the bundle with no inputs and a throwaway runner environment. A healthy bundle either
// succeeds or fails through the toolkit's runner (an `::error::` line); a broken one crashes
// before that with a load error.
function smokeRun(bundle) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'smoke-'));
  try {
    const output = path.join(tmp, 'output');
    const summary = path.join(tmp, 'summary');
    writeFileSync(output, '');
    writeFileSync(summary, '');
    const env = {
      PATH: process.env.PATH,
      HOME: tmp,
      RUNNER_TEMP: tmp,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
    };
    const res = spawnSync(process.execPath, [bundle], { env, cwd: tmp, encoding: 'utf8', timeout: 60_000 });
    const text = `${res.stdout}\n${res.stderr}`;
    if (/Module build failed|Cannot find module|ERR_MODULE_NOT_FOUND|SyntaxError|ReferenceError/.test(text)) {
      return {
        ok: false,
        reason: text.split('\n').find((l) => /Module build|Cannot find|ERR_MODULE|Error/.test(l)),
      };
    }
    if (res.status === 0 || /::error::/.test(res.stdout)) return { ok: true };
    return {
      ok: false,
      reason: `exit ${res.status} without an ::error:: line: ${text.trim().split('\n').slice(-3).join(' | ')}`,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
