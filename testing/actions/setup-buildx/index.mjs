import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

const fail = (message) => {
  console.log(`::error::setup-buildx stand-in: ${message}`);
  process.exit(1);
};
const address = process.env.DELIVERKIT_ACT_BUILDKIT;
const buildx = process.env.DELIVERKIT_ACT_BUILDX;
if (!address || !buildx)
  fail('DELIVERKIT_ACT_BUILDKIT and DELIVERKIT_ACT_BUILDX are not set (the harness starts buildkitd)');
// One docker config per job, as each job on GitHub gets a fresh runner.
const dockerConfig = path.join(process.env.RUNNER_TEMP, 'docker-config');
const buildxConfig = path.join(process.env.RUNNER_TEMP, 'buildx-config');
mkdirSync(path.join(dockerConfig, 'cli-plugins'), { recursive: true });
rmSync(path.join(dockerConfig, 'cli-plugins', 'docker-buildx'), { force: true });
symlinkSync(buildx, path.join(dockerConfig, 'cli-plugins', 'docker-buildx'));
const env = { ...process.env, DOCKER_CONFIG: dockerConfig, BUILDX_CONFIG: buildxConfig };
const name = `act-${process.env.GITHUB_RUN_ID ?? 'run'}-${process.env.GITHUB_JOB ?? 'job'}`.replace(
  /[^\w-]/g,
  '-',
);
execFileSync(buildx, ['create', '--driver', 'remote', '--name', name, '--use', address], {
  env,
  stdio: 'inherit',
});
execFileSync(buildx, ['inspect', '--bootstrap', name], { env, stdio: 'inherit' });
appendFileSync(process.env.GITHUB_ENV, `DOCKER_CONFIG=${dockerConfig}\nBUILDX_CONFIG=${buildxConfig}\n`);
appendFileSync(process.env.GITHUB_OUTPUT, `name=${name}\n`);
