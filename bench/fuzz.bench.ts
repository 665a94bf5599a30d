/**
 * Long property runs (#19), outside `npm test`: the fast-check properties of every parser of untrusted data
 * (test/*\/*.property.test.ts) with unbounded runs, each property time-boxed, and a fresh seed per run. Prints
 * per file the properties that held, and any counterexample with the seed that replays it:
 *
 *   npx tsx bench/fuzz.bench.ts [seconds per property, default 20]
 *   FC_SEED=<seed> npx vitest run --project unit <file>    # replay a failure
 *   FUZZ_NODE=.tools/node24/node_modules/node/bin/node npx tsx bench/fuzz.bench.ts   # also the zstd properties
 *
 * Coverage-guided runs with @jazzer.js/core were tried (2026-12-07) and cannot run here: its only prebuilt
 * addon (4.0.0) needs glibc 2.38 and GLIBCXX_3.4.32 (this Debian 12 has 2.36 / 3.4.30), and older releases
 * download theirs from GitHub at install time.
 *
 * A counterexample found here becomes a regression input in test/fixtures/hostile/ and a replay test.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@deliverkit/testing-testbed';

// vitest colours its report; strip the escapes to read it.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Every property file: test/<area>/<name>.property.test.ts. */
const FILES = readdirSync(path.join(repoRoot, 'test'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(path.join(repoRoot, 'test', d.name))
      .filter((f) => f.endsWith('.property.test.ts'))
      .map((f) => `test/${d.name}/${f}`),
  )
  .sort();

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 20);
  const seed = Date.now() % 2 ** 31;
  console.log(`fuzz: ${seconds} s per property, seed ${seed}`);
  let failed = 0;
  for (const file of FILES) {
    const started = Date.now();
    const out = await new Promise<{ code: number; text: string }>((resolve) => {
      const child = spawn(
        process.env.FUZZ_NODE ?? process.execPath,
        [
          path.join(repoRoot, 'node_modules/vitest/vitest.mjs'),
          'run',
          '--project',
          'unit',
          `--testTimeout=${(seconds + 30) * 1000}`,
          file,
        ],
        {
          cwd: repoRoot,
          env: {
            ...process.env,
            FC_RUNS: '100000000',
            FC_TIME_MS: String(seconds * 1000),
            FC_SEED: String(seed),
          },
        },
      );
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d));
      child.stderr.on('data', (d: Buffer) => (text += d));
      child.on('close', (code) => resolve({ code: code ?? 1, text }));
    });
    const tests = /Tests\s+(.*)/.exec(out.text.replace(ANSI, ''))?.[1]?.trim() ?? '?';
    console.log(`${file}: ${tests} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (out.code !== 0) {
      failed++;
      for (const line of out.text.replace(ANSI, '').split('\n')) {
        if (/Counterexample|Caused by|Property failed|seed/.test(line)) console.log(`  ${line.trim()}`);
      }
    }
  }
  console.log(
    failed ? `fuzz: ${failed} file(s) with counterexamples (seed ${seed})` : 'fuzz: no counterexample',
  );
  if (failed) process.exitCode = 1;
}

void main();
