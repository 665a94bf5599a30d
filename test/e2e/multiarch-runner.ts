import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot, runAction } from '@deliverkit/testing-testbed';

// What the multiarch-build e2e suites (buildah and buildx) share: the bundled action driven through GitHub's
// contract — INPUT_* and GITHUB_* in, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY out — and the events they build for.
export const bundle = path.join(repoRoot, 'dist', 'multiarch-build', 'index.js');
export const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';

export interface BuildEvent {
  name: string;
  ref: string;
  payload: object;
}

export interface RunResult {
  exitCode: number;
  /** What the runner prints: it consumes the ::add-mask:: commands. */
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

const repository = {
  name: 'app',
  default_branch: 'main',
  html_url: 'https://github.com/octo/app',
  description: 'demo',
  license: { spdx_id: 'MIT' },
};
export const pushMain: BuildEvent = {
  name: 'push',
  ref: 'refs/heads/main',
  payload: { repository, head_commit: { id: SHA, timestamp: '2026-11-20T10:00:00Z' } },
};
export const pushTag: BuildEvent = {
  name: 'push',
  ref: 'refs/tags/v1.2.3',
  payload: { repository, base_ref: 'refs/heads/main' },
};

/**
 * Runs the bundle once in a fresh RUNNER_TEMP under `work`, for `event`, as octo/app's release workflow.
 * `env` adds the backend's environment; it may be a function of the run's directory (a private store per run).
 */
export async function runMultiarchBuild(
  work: string,
  inputs: Record<string, string>,
  event: BuildEvent,
  env: Record<string, string> | ((dir: string) => Promise<Record<string, string>>) = {},
): Promise<RunResult> {
  const dir = await mkdtemp(path.join(work, 'run-'));
  const eventFile = path.join(dir, 'event.json');
  await writeFile(eventFile, JSON.stringify(event.payload));
  const run = await runAction('multiarch-build', inputs, {
    bundle,
    cwd: work,
    runnerTemp: dir,
    env: {
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_EVENT_NAME: event.name,
      GITHUB_REF: event.ref,
      GITHUB_SHA: SHA,
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKFLOW_REF: `octo/app/.github/workflows/release.yml@${event.ref}`,
      GITHUB_RUN_ID: '7',
      GITHUB_RUN_ATTEMPT: '1',
      ...(typeof env === 'function' ? await env(dir) : env),
    },
  });
  return {
    exitCode: run.exitCode,
    stdout: (run.stdout + run.stderr)
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
    outputs: run.outputs,
    summary: run.summary,
  };
}
