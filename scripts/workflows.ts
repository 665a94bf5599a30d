// The workflow harness: runs our workflows, as a service repository calls them, under act (the tool belt's real
// GitHub Actions runner) on this host. Third-party actions are replaced by the stand-ins in testing/actions
// (nothing can be fetched from GitHub here); the toolkit itself is this checkout. Prints the runner, a table of
// scenario / workflow / job / result / duration, and `N passed, N failed`.
//
//   npx tsx scripts/workflows.ts [scenario…]
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startBuildkitd } from '../test/support/buildkit';
import { runCommand } from '../test/support/exec';
import { pushBaseImage, skopeoInspectRaw } from '../test/support/images';
import { repoRoot } from '../test/support/paths';
import { startRegistry, stopAll, type RegistryHandle } from '../test/support/registry';
import { containersEnv } from '../test/support/testbed';
import { toolPath } from '../test/support/tools';
import { ensureGoToolchainImage, storageDriver } from './lib/go-toolchain';
import { Registries } from '../packages/oci/src/index';
import { parseSigstoreInstance } from '../packages/sign/src/instance';
import { StatementSigner } from '../packages/sign/src/signer';
import { signImage } from '../packages/sign/src/store';
import {
  fakeIdentityToken,
  startMockSigstore,
  type MockSigstore,
} from '../packages/sign/testing/mock-sigstore';
import { startMockTuf, type MockTuf } from '../packages/sign/testing/mock-tuf';

/** Third-party actions that have a stand-in, by repository. */
const STAND_INS: Record<string, string> = {
  'actions/checkout': 'checkout',
  'actions/upload-artifact': 'upload-artifact',
  'actions/download-artifact': 'download-artifact',
  'docker/setup-qemu-action': 'setup-qemu',
  'docker/setup-buildx-action': 'setup-buildx',
  'trufflesecurity/trufflehog': 'trufflehog',
};

/** What every scenario's runs share: the local registry (ghcr.io's stand-in), base images, a BuildKit. */
interface Bed {
  registry: RegistryHandle;
  buildArgs: string[];
  buildkit: string;
  artifacts: string;
  /** The local Sigstore (GitHub-shaped Fulcio), and its trusted root on a TUF mirror the runner reaches. */
  sigstore: MockSigstore;
  tuf: MockTuf;
  tufRoot: string;
}

async function startBed(): Promise<Bed> {
  const registry = await startRegistry('plain');
  const base = await pushBaseImage(registry, 'library/busybox', 'latest');
  const hostArch = process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
  const driver = await storageDriver();
  const golang = await ensureGoToolchainImage({
    repository: `${registry.host}/library/golang`,
    base: `${registry.host}/library/busybox@${base.platforms.find((p) => p.platform === hostArch)?.digest}`,
    registryFlags: ['--tls-verify=false'],
    exists: (tag) =>
      skopeoInspectRaw(registry, `library/golang:${tag}`).then(
        () => true,
        () => false,
      ),
    env: containersEnv({ STORAGE_DRIVER: driver }),
  });
  const buildkitd = await startBuildkitd({ httpRegistries: [registry.host] });
  const sigstore = await startMockSigstore();
  const tuf = await startMockTuf({ 'trusted_root.json': JSON.stringify(sigstore.trustedRoot) });
  const artifacts = path.join(repoRoot, '.testbed/act/artifacts');
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  return {
    registry,
    buildArgs: [`GOLANG=${golang}`, `BASE=${registry.host}/library/busybox:latest`],
    buildkit: buildkitd.address,
    artifacts,
    sigstore,
    tuf,
    tufRoot: await readFile(tuf.rootPath, 'utf8'),
  };
}

/**
 * Signs the base image in its own repository as a run with these GitHub claims would (keyless, through the local
 * Sigstore), and returns the reference the deploy gate is asked to let through. `deployOther` deploys a platform
 * manifest instead of the signed index: a digest that is not the one signed.
 */
/** What supply-chain.yml attests besides the signature: both SBOMs and the SLSA provenance. */
const ATTESTATIONS = [
  {
    predicateType: 'https://spdx.dev/Document',
    predicate: { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT' },
  },
  { predicateType: 'https://cyclonedx.org/bom', predicate: { bomFormat: 'CycloneDX', specVersion: '1.6' } },
  {
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: { buildType: 'https://deliverkit.dev/buildtypes/multiarch/v1' },
      runDetails: { builder: { id: 'https://github.com/deliverkit/deliverkit/.github/workflows/build.yml' } },
    },
  },
];

async function signedImage(
  bed: Bed,
  slug: string,
  claims: Record<string, unknown> | undefined,
  deployOther = false,
  attest = true,
): Promise<string> {
  // Every case gets an image of its own in acme/hello (the repository the overlays deploy), so one case's
  // signatures never vouch for another's: the amd64 base with a label naming the case.
  const base = await pushBaseImage(bed.registry, 'acme/hello', 'base');
  const repository = `${bed.registry.host}/acme/hello`;
  const baseDigest = base.platforms[0]!.digest;
  const crane = (...args: string[]) =>
    runCommand(toolPath('crane'), [...args, '--insecure']).then((r) => r.stdout.toString('utf8').trim());
  await crane(
    'mutate',
    '--label',
    `deliverkit.test/case=${slug}`,
    `${repository}@${baseDigest}`,
    '-t',
    `${repository}:${slug}`,
  );
  const digest = await crane('digest', `${repository}:${slug}`);
  if (claims) {
    const registries = new Registries({ hosts: { [bed.registry.host]: { insecure: true } } });
    try {
      await signImage({
        registry: registries.client(bed.registry.host),
        image: { registry: bed.registry.host, repository: 'acme/hello', digest },
        attestations: attest ? ATTESTATIONS : [],
        signer: new StatementSigner({
          // Not staticIdentityProvider: it masks the (fake) token on stdout, which is the harness's report here.
          identity: {
            kind: 'keyless',
            identityProvider: { getToken: async () => fakeIdentityToken(claims) },
          },
          instance: parseSigstoreInstance(bed.sigstore.sigstoreSpec),
        }),
      });
    } finally {
      registries.close();
    }
  }
  return `${repository}@${deployOther ? baseDigest : digest}`;
}

/** What acme/hello's own run of the toolkit's supply-chain.yml on main puts in its certificate. */
const OWN_SIGNER = {
  repository: 'acme/hello',
  repository_owner: 'acme',
  ref: 'refs/heads/main',
  job_workflow_ref: 'deliverkit/deliverkit/.github/workflows/supply-chain.yml@refs/tags/v1.0.0',
};

/** A caller that hands one image to the reusable deploy.yml, dry-run, trusting the local Sigstore's root. */
function deployGateCaller(bed: Bed, toolkitSha: string): string {
  return [
    'name: deploy-gate',
    'on:',
    '  workflow_dispatch:',
    '    inputs:',
    '      image: { type: string, required: true }',
    'permissions: {}',
    'jobs:',
    '  staging:',
    `    uses: deliverkit/deliverkit/.github/workflows/deploy.yml@${toolkitSha}`,
    '    permissions: { contents: read, packages: read }',
    '    with:',
    '      environment: staging',
    '      image: ${{ inputs.image }}',
    '      kustomize-dir: deploy/overlays/staging',
    '      app: hello',
    '      namespace: hello-staging',
    '      dry-run: true',
    `      tuf-mirror: ${bed.tuf.url}`,
    `      tuf-root: ${JSON.stringify(bed.tufRoot)}`,
    `      toolkit-ref: ${toolkitSha}`,
    '',
  ].join('\n');
}

/** One deploy-gate scenario: the image signed (or not) with these claims, and what the gate must do. */
function gate(
  name: string,
  claims: Record<string, unknown> | undefined,
  verdict: 'pass' | RegExp,
  deployOther = false,
  attest = true,
): Scenario {
  const slug = name.replace(/[^a-z0-9]+/gi, '-');
  return {
    name: `deploy gate: ${name}`,
    caller: { file: 'deploy-gate.yml', text: deployGateCaller },
    event: 'workflow_dispatch',
    inputs: async (bed) => ({ image: await signedImage(bed, slug, claims, deployOther, attest) }),
    payload: () => ({
      ref: 'refs/heads/main',
      repository: { full_name: 'acme/hello', default_branch: 'main', private: false, visibility: 'public' },
    }),
    expect:
      verdict === 'pass'
        ? { 'deploy/verify': 'success', 'deploy/deploy': 'success' }
        : { 'deploy/verify': 'failure', 'deploy/deploy': 'not run' },
    expectLog: verdict === 'pass' ? undefined : verdict,
  };
}

interface Scenario {
  name: string;
  /** Files committed on top of the service, e.g. a leaked credential for the secret scan to find. */
  change?: Record<string, string>;
  /** The starter (workflows/) the caller repository runs, adapted; or a caller written for the scenario. */
  starter?: string;
  caller?: { file: string; text: (bed: Bed, toolkitSha: string) => string };
  event: string;
  /** workflow_dispatch inputs, prepared against the test bed (images pushed and signed). */
  inputs?: (bed: Bed) => Promise<Record<string, string>>;
  /** A line the run's log must contain (the gate names the claim that failed). */
  expectLog?: RegExp;
  payload: (commits: { base: string; head: string }) => Record<string, unknown>;
  /** Run only these jobs (act -j); default all. */
  jobs?: string[];
  /** Jobs that must succeed; anything else that ran is reported too. */
  expect: Record<string, JobResult['result']>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'pull request',
    starter: 'pull-request.yml',
    event: 'pull_request',
    payload: ({ base, head }) => ({
      number: 1,
      pull_request: { number: 1, base: { sha: base, ref: 'main' }, head: { sha: head, ref: 'feature' } },
      repository: { full_name: 'acme/hello', default_branch: 'main', private: false, visibility: 'public' },
    }),
    // Nothing is pushed for a pull request, so there is nothing to merge.
    expect: {
      'secret-scan': 'success',
      'build/plan': 'success',
      'build/platform': 'success',
      'build/merge': 'not run',
    },
  },
  {
    name: 'pull request leaking a key',
    starter: 'pull-request.yml',
    event: 'pull_request',
    // AWS's documented example key: a real shape, never a real credential.
    change: { 'app/settings.env': `AWS_ACCESS_KEY_ID=${['AKIA', 'IOSFODNN7EXAMPLE'].join('')}\n` },
    jobs: ['secret-scan'],
    payload: ({ base, head }) => ({
      number: 2,
      pull_request: { number: 2, base: { sha: base, ref: 'main' }, head: { sha: head, ref: 'leak' } },
      repository: { full_name: 'acme/hello', default_branch: 'main', private: false, visibility: 'public' },
    }),
    expect: { 'secret-scan': 'failure' },
  },
  gate('its own signature', OWN_SIGNER, 'pass'),
  gate(
    'a signature from another repository',
    { ...OWN_SIGNER, repository: 'evil/app', repository_owner: 'evil' },
    /CLAIM_MISMATCH.*source-repository/,
  ),
  gate(
    'a signature from a non-default branch',
    { ...OWN_SIGNER, ref: 'refs/heads/feature' },
    /CLAIM_MISMATCH.*source-ref/,
  ),
  gate(
    'a signature from a fork of the toolkit',
    { ...OWN_SIGNER, job_workflow_ref: 'evil/deliverkit/.github/workflows/supply-chain.yml@refs/heads/main' },
    /CLAIM_MISMATCH.*signer-workflow/,
  ),
  gate(
    'a signature with another issuer',
    { ...OWN_SIGNER, iss: 'https://token.example.com' },
    /IDENTITY_MISMATCH.*issuer/,
  ),
  gate('an unsigned image', undefined, /NO_SIGNATURES/),
  gate(
    'a signature without the SBOM and provenance attestations',
    OWN_SIGNER,
    /MISSING_ATTESTATION/,
    false,
    false,
  ),
  gate('a digest other than the one signed', OWN_SIGNER, /NO_SIGNATURES/, true),
];

const workflowOf = (scenario: Scenario): string => scenario.starter ?? scenario.caller!.file;

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
async function callerRepository(
  dir: string,
  scenario: Scenario,
  toolkitSha: string,
  bed: Bed,
): Promise<{ base: string; head: string }> {
  await rm(dir, { recursive: true, force: true });
  await cp(path.join(repoRoot, 'examples/hello'), dir, { recursive: true });
  await mkdir(path.join(dir, '.github/workflows'), { recursive: true });
  if (scenario.caller) {
    await writeFile(
      path.join(dir, '.github/workflows', scenario.caller.file),
      scenario.caller.text(bed, toolkitSha),
    );
  }
  const starter = (
    await readFile(path.join(repoRoot, 'workflows', scenario.starter ?? 'pull-request.yml'), 'utf8')
  )
    .replace(/(deliverkit\/deliverkit\/\.github\/workflows\/[\w.-]+\.yml)@[\w.-]+/g, `$1@${toolkitSha}`)
    .replace(/toolkit-ref: [\w.-]+/g, `toolkit-ref: ${toolkitSha}`)
    // ghcr.io's stand-in is the local registry; the service's Dockerfile lives in app/ and builds FROM images
    // the local registry holds (nothing can be pulled from Docker Hub here).
    .replace(/ghcr\.io\//g, `${bed.registry.host}/`)
    .replace(
      /^(\s+)toolkit-ref: (.*)$/gm,
      (_m, indent: string, ref: string) =>
        `${indent}toolkit-ref: ${ref}\n${indent}context: app\n${indent}build-args: |\n${bed.buildArgs.map((a) => `${indent}  ${a}`).join('\n')}`,
    );
  if (scenario.starter) await writeFile(path.join(dir, '.github/workflows', scenario.starter), starter);
  // The overlays deploy what the workflows build, ghcr.io/acme/hello: here, the local registry's acme/hello.
  for (const overlay of [
    'base/deployment.yaml',
    ...['dev', 'local', 'staging', 'production'].map((o) => `overlays/${o}/kustomization.yaml`),
  ]) {
    const file = path.join(dir, 'deploy', overlay);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/ghcr\.io\//g, `${bed.registry.host}/`));
  }
  // BuildKit would pull the docker/dockerfile frontend image for a `# syntax=` line; its built-in one serves.
  const dockerfile = path.join(dir, 'app/Dockerfile');
  await writeFile(dockerfile, (await readFile(dockerfile, 'utf8')).replace(/^# syntax=[^\n]*\n/, ''));
  await git(['init', '-q', '-b', 'main'], dir);
  // act names the repository after the origin remote (github.repository).
  await git(['remote', 'add', 'origin', 'https://github.com/acme/hello.git'], dir);
  await git(['add', '-A'], dir);
  await git(['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'service'], dir);
  const base = await git(['rev-parse', 'HEAD'], dir);
  if (scenario.change) {
    for (const [file, content] of Object.entries(scenario.change))
      await writeFile(path.join(dir, file), content);
    await git(['add', '-A'], dir);
    await git(['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'change'], dir);
  }
  return { base, head: await git(['rev-parse', 'HEAD'], dir) };
}

async function runScenario(scenario: Scenario, logDir: string, bed: Bed): Promise<JobResult[]> {
  const toolkitSha = await git(['rev-parse', 'HEAD'], repoRoot);
  const slug = scenario.name.replace(/[^a-z0-9]+/gi, '-');
  const caller = path.join(repoRoot, '.testbed/act', slug);
  const commits = await callerRepository(caller, scenario, toolkitSha, bed);
  const eventFile = path.join(logDir, `${slug}.event.json`);
  const inputs = scenario.inputs ? await scenario.inputs(bed) : undefined;
  // act reads workflow_dispatch inputs from the event payload, as GitHub delivers them.
  await writeFile(eventFile, JSON.stringify({ ...scenario.payload(commits), ...(inputs ? { inputs } : {}) }));
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
    `.github/workflows/${workflowOf(scenario)}`,
    '-e',
    eventFile,
    '-P',
    'ubuntu-24.04=-self-hosted',
    '-P',
    'ubuntu-24.04-arm=-self-hosted',
    '--env',
    `DELIVERKIT_ACT_REPOSITORIES=${JSON.stringify({ 'acme/hello': caller, 'deliverkit/deliverkit': repoRoot })}`,
    '--env',
    `DELIVERKIT_ACT_BUILDKIT=${bed.buildkit}`,
    '--env',
    `DELIVERKIT_ACT_BUILDX=${toolPath('buildx')}`,
    '--env',
    `DELIVERKIT_ACT_ARTIFACTS=${bed.artifacts}`,
    ...localRepositories.flatMap((l) => ['--local-repository', l]),
    ...(scenario.jobs ?? []).flatMap((j) => ['-j', j]),
  ];
  const log = path.join(logDir, `${slug}.log`);
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
    const job = m[1]!.trim().split('/').slice(1).join('/').replace(/-\d+$/, '');
    started.set(job, started.get(job) ?? Date.now());
    if (line.includes('🏁  Job succeeded') || line.includes('🏁  Job failed')) {
      const failed = line.includes('Job failed') || results.get(job)?.result === 'failure';
      results.set(job, {
        scenario: scenario.name,
        workflow: workflowOf(scenario),
        job,
        result: failed ? 'failure' : 'success',
        seconds: 0,
      });
    }
  }
  if (scenario.expectLog) {
    results.set('log', {
      scenario: scenario.name,
      workflow: workflowOf(scenario),
      job: `log /${scenario.expectLog.source}/`,
      result: scenario.expectLog.test(output) ? 'success' : 'failure',
      seconds: 0,
    });
  }
  for (const job of Object.keys(scenario.expect)) {
    if (!results.has(job))
      results.set(job, {
        scenario: scenario.name,
        workflow: workflowOf(scenario),
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
  const bed = await startBed();
  let passed = 0;
  let failed = 0;
  console.log('| scenario | workflow | job | result | expected |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const scenario of SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
    for (const r of await runScenario(scenario, logDir, bed)) {
      const expected = scenario.expect[r.job];
      const ok = expected === undefined ? r.result === 'success' : r.result === expected;
      if (ok) passed++;
      else failed++;
      console.log(`| ${r.scenario} | ${r.workflow} | ${r.job} | ${r.result} | ${expected ?? 'success'} |`);
    }
  }
  console.log(`${passed} passed, ${failed} failed (logs: .testbed/act/logs)`);
  // scripts/test.sh adds this to its closing tally, in vitest's report shape.
  if (process.env.WORKFLOWS_REPORT) {
    await writeFile(
      process.env.WORKFLOWS_REPORT,
      JSON.stringify({ numPassedTests: passed, numFailedTests: failed }),
    );
  }
  process.exitCode = failed ? 1 : 0;
  await Promise.all([bed.sigstore.stop(), bed.tuf.stop()]);
  await stopAll();
}

await main();
