import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths';

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Parsed from GITHUB_OUTPUT (`name<<DELIMITER` blocks and `name=value` lines). */
  outputs: Record<string, string>;
  /** What the action appended to GITHUB_STEP_SUMMARY. */
  summary: string;
  durationMs: number;
}

export interface RunActionOptions {
  /** Extra environment (GITHUB_* context, NODE_EXTRA_CA_CERTS, …); merged over a minimal runner env. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Bundle path; default dist/<name>/index.js of this checkout. */
  bundle?: string;
  timeoutMs?: number;
  /**
   * RUNNER_TEMP shared by the steps of one job (files one action writes there, e.g. a provenance
   * statement, are read by the next). Default: a fresh directory removed after the run.
   */
  runnerTemp?: string;
}

/**
 * Runs a bundled action exactly as the GitHub runner does: inputs as INPUT_<NAME> (upper-cased,
 * spaces to underscores, dashes kept), outputs and summary through the files named by
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. Used by e2e tests and the local pipeline.
 */
export async function runAction(
  name: string,
  inputs: Record<string, string | undefined>,
  options: RunActionOptions = {},
): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `action-${name}-`));
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  const stateFile = path.join(dir, 'state');
  // The runner creates RUNNER_TEMP and the tool cache before any step runs.
  await Promise.all([
    writeFile(outputFile, ''),
    writeFile(summaryFile, ''),
    writeFile(stateFile, ''),
    mkdir(options.runnerTemp ?? path.join(dir, 'tmp'), { recursive: true }),
    mkdir(path.join(dir, 'toolcache')),
  ]);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // A fresh HOME, like a fresh runner: no ~/.docker/config.json from this machine leaks in.
    HOME: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_STATE: stateFile,
    RUNNER_TEMP: options.runnerTemp ?? path.join(dir, 'tmp'),
    RUNNER_TOOL_CACHE: path.join(dir, 'toolcache'),
  };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(inputs)) {
    if (v !== undefined) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  }
  const bundle = options.bundle ?? path.join(repoRoot, 'dist', name, 'index.js');
  const started = Date.now();
  try {
    const { exitCode, stdout, stderr } = await new Promise<{
      exitCode: number;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn(process.execPath, [bundle], {
        env,
        cwd: options.cwd ?? dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: options.timeoutMs ?? 600_000,
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout: out, stderr: err }));
    });
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
      durationMs: Date.now() - started,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Parses GitHub's output file: `name<<DELIMITER\n…\nDELIMITER` blocks and plain `name=value` lines. */
export function parseOutputFile(content: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const value: string[] = [];
      while (i + 1 < lines.length && lines[i + 1] !== block[2]) value.push(lines[++i]!);
      i++;
      result[block[1]!] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}
