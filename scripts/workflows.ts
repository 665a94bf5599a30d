// The workflow harness: runs our workflows, as a service repository calls them, under act (the tool belt's real
// GitHub Actions runner) on this host. Third-party actions are replaced by the stand-ins in testing/actions
// (nothing can be fetched from GitHub here); the toolkit itself is this checkout. Prints the runner, a table of
// scenario / workflow / job / result / duration, and `N passed, N failed`.
//
//   npx tsx scripts/workflows.ts [scenario…]
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../test/support/exec';
import { repoRoot } from '../test/support/paths';
import { toolPath } from '../test/support/tools';

/** Third-party actions that have a stand-in, by repository. */
const STAND_INS: Record<string, string> = {
  'actions/checkout': 'checkout',
  'trufflesecurity/trufflehog': 'trufflehog',
};

interface Scenario {
  name: string;
  /** The starter (workflows/) the caller repository runs. */
  starter: string;
  event: string;
  payload: (sha: string) => Record<string, unknown>;
  /** Jobs that must succeed; anything else that ran is reported too. */
  expect: Record<string, 'success' | 'failure'>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'pull request',
    starter: 'pull-request.yml',
    event: 'pull_request',
    payload: (sha) => ({
      pull_request: { number: 1, base: { sha, ref: 'main' }, head: { sha, ref: 'feature' } },
      repository: { full_name: 'acme/hello', default_branch: 'main', private: false, visibility: 'public' },
    }),
    expect: {
      'secret-scan': 'success',
      'build/plan': 'success',
      'build/platform': 'success',
      'build/merge': 'success',
    },
  },
];

interface JobResult {
  scenario: string;
  workflow: string;
  job: string;
  result: 'success' | 'failure' | 'not run';
  seconds: number;
}

async function git(args: string[], cwd: string): Promise<string> {
  return (await runCommand('git', args, { cwd })).stdout.toString('utf8').trim();
}

/** A caller repository made from examples/hello with the starter adapted: the toolkit pinned to this checkout's HEAD. */
async function callerRepository(dir: string, scenario: Scenario, toolkitSha: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await cp(path.join(repoRoot, 'examples/hello'), dir, { recursive: true });
  await mkdir(path.join(dir, '.github/workflows'), { recursive: true });
  const starter = (await readFile(path.join(repoRoot, 'workflows', scenario.starter), 'utf8'))
    .replace(/(deliverkit\/deliverkit\/\.github\/workflows\/[\w.-]+\.yml)@[\w.-]+/g, `$1@${toolkitSha}`)
    .replace(/toolkit-ref: [\w.-]+/g, `toolkit-ref: ${toolkitSha}`);
  await writeFile(path.join(dir, '.github/workflows', scenario.starter), starter);
  await git(['init', '-q', '-b', 'main'], dir);
  await git(['add', '-A'], dir);
  await git(['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'service'], dir);
  return git(['rev-parse', 'HEAD'], dir);
}

async function runScenario(scenario: Scenario, logDir: string): Promise<JobResult[]> {
  const toolkitSha = await git(['rev-parse', 'HEAD'], repoRoot);
  const caller = path.join(repoRoot, '.testbed/act', scenario.starter.replace(/\.ya?ml$/, ''));
  const sha = await callerRepository(caller, scenario, toolkitSha);
  const eventFile = path.join(logDir, `${scenario.starter}.event.json`);
  await writeFile(eventFile, JSON.stringify(scenario.payload(sha)));
  const pins = JSON.parse(await readFile(path.join(repoRoot, '.github/action-pins.json'), 'utf8')) as {
    actions: Record<string, Record<string, string>>;
  };
  const localRepositories = [`deliverkit/deliverkit@${toolkitSha}=${repoRoot}`];
  for (const [repository, standIn] of Object.entries(STAND_INS)) {
    for (const sha of Object.values(pins.actions[repository] ?? {})) {
      localRepositories.push(`${repository}@${sha}=${path.join(repoRoot, 'testing/actions', standIn)}`);
    }
  }
  const args = [
    scenario.event,
    '-W',
    `.github/workflows/${scenario.starter}`,
    '-e',
    eventFile,
    '-P',
    'ubuntu-24.04=-self-hosted',
    '-P',
    'ubuntu-24.04-arm=-self-hosted',
    '--env',
    `DELIVERKIT_ACT_REPOSITORIES=${JSON.stringify({ 'acme/hello': caller, 'deliverkit/deliverkit': repoRoot })}`,
    ...localRepositories.flatMap((l) => ['--local-repository', l]),
  ];
  const log = path.join(logDir, `${scenario.starter}.log`);
  const output = await new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    const child = spawn(toolPath('act'), args, {
      cwd: caller,
      env: { ...process.env, ACT_DISABLE_VERSION_CHECK: '1', GITHUB_REPOSITORY: 'acme/hello' },
    });
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  await writeFile(log, output);
  // act prefixes each line with [workflow/job]; a job ends with "🏁  Job succeeded" or "🏁  Job failed".
  const started = new Map<string, number>();
  const results = new Map<string, JobResult>();
  for (const line of output.split('\n')) {
    const m = /^\[([^\]]+)\]/.exec(line);
    if (!m) continue;
    const job = m[1]!.split('/').slice(1).join('/').replace(/-\d+$/, '');
    started.set(job, started.get(job) ?? Date.now());
    if (line.includes('🏁  Job succeeded') || line.includes('🏁  Job failed')) {
      const failed = line.includes('Job failed') || results.get(job)?.result === 'failure';
      results.set(job, {
        scenario: scenario.name,
        workflow: scenario.starter,
        job,
        result: failed ? 'failure' : 'success',
        seconds: 0,
      });
    }
  }
  for (const job of Object.keys(scenario.expect)) {
    if (!results.has(job))
      results.set(job, {
        scenario: scenario.name,
        workflow: scenario.starter,
        job,
        result: 'not run',
        seconds: 0,
      });
  }
  return [...results.values()];
}

async function main(): Promise<void> {
  const act = toolPath('act');
  const version = (await runCommand(act, ['--version'])).stdout.toString('utf8').trim();
  console.log(`runner: ${version}`);
  const logDir = path.join(repoRoot, '.testbed/act/logs');
  await mkdir(logDir, { recursive: true });
  const wanted = process.argv.slice(2);
  let passed = 0;
  let failed = 0;
  console.log('| scenario | workflow | job | result | expected |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const scenario of SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
    for (const r of await runScenario(scenario, logDir)) {
      const expected = scenario.expect[r.job];
      const ok = expected === undefined ? r.result === 'success' : r.result === expected;
      if (ok) passed++;
      else failed++;
      console.log(`| ${r.scenario} | ${r.workflow} | ${r.job} | ${r.result} | ${expected ?? 'success'} |`);
    }
  }
  console.log(`${passed} passed, ${failed} failed (logs: .testbed/act/logs)`);
  process.exitCode = failed ? 1 : 0;
}

await main();
