import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestbedCa, repoRoot, runAction } from '@deliverkit/testing-testbed';
import {
  startK8sEmulator,
  startLoad,
  startTrafficProxy,
  type K8sEmulator,
} from '@deliverkit/testing-k8s-emulator';
import { IMAGE, appManifests, digest } from '../deploy/fixtures';

// The bundled dist/blue-green-deploy/index.js, driven through GitHub's env contract (INPUT_*,
// GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), against the emulated API server via the kubeconfig input.

const A = digest('a');
const B = digest('b');
const C = digest('c');
let emu: K8sEmulator;
let dir: string;

const SMOKE = `
- name: self-test
  path: /smoke
  expect-status: 200
  expect-body: '"status":"ok"'
  retries: 2
  interval: 200ms
`;

function inputs(image: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    manifests: path.join(dir, 'app'),
    images: `${IMAGE}@${image}`,
    namespace: 'default',
    kubeconfig: emu.kubeconfig,
    'smoke-checks': SMOKE,
    'verify-window': '1s',
    'scale-down-delay': '0s',
    timeout: '60s',
    ...extra,
  };
}

const ENV = {
  GITHUB_REPOSITORY: 'octo/shop',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'deploy',
  GITHUB_SERVER_URL: 'https://github.com',
};

beforeAll(async () => {
  emu = await startK8sEmulator({ tls: await getTestbedCa() });
  dir = await mkdtemp(path.join(os.tmpdir(), 'bgd-e2e-'));
  await import('node:fs/promises').then((fs) => fs.mkdir(path.join(dir, 'app')));
  await writeFile(path.join(dir, 'app', 'app.yaml'), appManifests());
});

afterAll(async () => {
  await emu.stop();
});

describe('blue-green-deploy (bundled)', () => {
  it('deploys, then switches with zero failed requests and reports outputs, JSON record and summary', async () => {
    const first = await runAction('blue-green-deploy', inputs(A), { env: ENV });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs['active-color']).toBe('blue');

    const proxy = await startTrafficProxy({
      store: emu.store,
      namespace: 'default',
      via: { kind: 'Service', name: 'web' },
    });
    const load = startLoad(proxy.url);
    const second = await runAction('blue-green-deploy', inputs(B), { env: ENV });
    const report = await load.stop();
    await proxy.stop();
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    expect(second.outputs).toMatchObject({
      'active-color': 'green',
      'previous-color': 'blue',
      switched: 'true',
      'rolled-back': 'false',
      'image-digest': B,
    });
    const record = JSON.parse(second.outputs.result ?? '{}') as {
      ok: boolean;
      clusters: { timeline: { step: string }[]; probes: { ok: boolean }[] }[];
    };
    expect(record.ok).toBe(true);
    expect(record.clusters[0]!.timeline.map((t) => t.step)).toEqual(
      expect.arrayContaining([
        'lock',
        'wait for rollout',
        'smoke checks',
        'switch',
        'verify window',
        'scale down old colour',
        'record state',
        'release lock',
      ]),
    );
    expect(second.summary).toContain('| switch | ok |');
    expect(second.summary).toContain('self-test');
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byImage[`${IMAGE}@${B}`]).toBeGreaterThan(0);
    // The kubeconfig is a secret: masked as soon as read.
    expect(second.stdout).toContain('::add-mask::');
  });

  it('plans a dry run without one mutating request', async () => {
    const before = emu.requests.length;
    const run = await runAction('blue-green-deploy', inputs(C, { 'dry-run': 'true' }), { env: ENV });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(emu.requests.slice(before).filter((r) => r.mutating)).toEqual([]);
    const plan = JSON.parse(run.outputs.plan ?? '{}') as { mode: string; from: string; to: string };
    expect(plan).toMatchObject({ mode: 'cluster', from: 'green', to: 'blue' });
    expect(run.summary).toContain('Plan: web in default');
    expect(run.summary).toContain('```diff');
  });

  it('plans offline against an empty cluster when there is no kubeconfig', async () => {
    const run = await runAction(
      'blue-green-deploy',
      { ...inputs(C, { 'dry-run': 'true' }), kubeconfig: '' },
      { env: { ...ENV, HOME: dir, KUBECONFIG: '' } },
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.outputs.plan ?? '{}')).toMatchObject({ mode: 'offline', to: 'blue' });
    expect(run.summary).toContain('No cluster access');
  });

  it('converges when a run killed mid-way is re-run', async () => {
    // Kill the action the moment it applies the new colour: it leaves the lock held and nothing switched.
    const out = path.join(dir, 'killed-output');
    await writeFile(out, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      GITHUB_OUTPUT: out,
      GITHUB_STEP_SUMMARY: path.join(dir, 'killed-summary'),
      ...ENV,
    };
    for (const [k, v] of Object.entries(inputs(C))) env[`INPUT_${k.toUpperCase()}`] = v;
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'blue-green-deploy', 'index.js')], {
      env,
      stdio: 'ignore',
    });
    const killed = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const off = emu.onRequest((r) => {
      if (
        r.method === 'PATCH' &&
        r.path.endsWith('/deployments/web-blue') &&
        r.query.fieldManager === 'deliverkit'
      )
        child.kill('SIGKILL');
    });
    await killed;
    off();
    const svc = await fetchJson(`/api/v1/namespaces/default/services/web`);
    expect(svc.spec.selector['deliverkit.dev/color']).toBe('green');
    const lease = await fetchJson(
      `/apis/coordination.k8s.io/v1/namespaces/default/leases/web-deliverkit-lock`,
    );
    expect(lease.spec.holderIdentity).toBe('octo/shop/runs/4242/attempts/1/jobs/deploy');

    // GitHub's "re-run": the same run and job, attempt 2, takes attempt 1's lock at once.
    const rerun = await runAction('blue-green-deploy', inputs(C), {
      env: { ...ENV, GITHUB_RUN_ATTEMPT: '2' },
    });
    expect(rerun.exitCode, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.outputs).toMatchObject({ 'active-color': 'blue', switched: 'true', 'image-digest': C });
    const again = await runAction('blue-green-deploy', inputs(C), { env: ENV });
    expect(again.outputs).toMatchObject({ 'active-color': 'blue', switched: 'false' });
    expect(JSON.parse(again.outputs.result ?? '{}').clusters[0].outcome).toBe('unchanged');
  });

  it('commits the digest into a Kustomize overlay in gitops mode (a local bare repository), once', async () => {
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@e',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@e',
        },
      }).trim();
    const bare = path.join(dir, 'config.git');
    git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    const seed = path.join(dir, 'config-seed');
    git(dir, 'clone', '--quiet', bare, seed);
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(seed, 'prod'), { recursive: true }));
    const overlay = `resources:\n  - ../base # shared\nimages:\n  - name: ${IMAGE}\n    digest: ${A}\n`;
    await writeFile(path.join(seed, 'prod', 'kustomization.yaml'), overlay);
    git(seed, 'add', '.');
    git(seed, 'commit', '--quiet', '-m', 'seed');
    git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
    const gitops = {
      mode: 'gitops',
      images: `${IMAGE}@${B}`,
      'gitops-repo': bare,
      'gitops-path': 'prod',
      'gitops-pull-request': 'false',
      'gitops-token': '',
    };
    const run = await runAction('blue-green-deploy', gitops, { env: ENV });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['gitops-commit']).toBe(git(bare, 'rev-parse', 'main'));
    expect(git(bare, 'show', 'main:prod/kustomization.yaml')).toBe(overlay.replace(A, B).trimEnd());
    const again = await runAction('blue-green-deploy', gitops, { env: ENV });
    expect(again.exitCode).toBe(0);
    expect(again.outputs['gitops-commit'] ?? '').toBe('');
    expect(again.summary).toContain('already pins these digests');
  });

  it('fails with the input named when the manifests hold no Deployment', async () => {
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(dir, 'bad'), { recursive: true }));
    await writeFile(
      path.join(dir, 'bad', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    );
    const run = await runAction('blue-green-deploy', inputs(C, { manifests: path.join(dir, 'bad') }), {
      env: ENV,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::Input "manifests" holds no apps/v1 Deployment');
  });

  it('keeps the old colour warm without waiting, names the time in scale-down-after, and action: finish leaves it until then', async () => {
    const run = await runAction('blue-green-deploy', inputs(A, { 'scale-down-delay': '10m' }), { env: ENV });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const after = run.outputs['scale-down-after'] ?? '';
    expect(Date.parse(after)).toBeGreaterThan(Date.now());
    expect(run.summary).toContain(`stays warm (instant rollback) until ${after}`);
    expect(run.stdout).toContain('schedule scale-down');

    const finish = await runAction(
      'blue-green-deploy',
      { action: 'finish', app: 'web', namespace: 'default', kubeconfig: emu.kubeconfig },
      { env: ENV },
    );
    expect(finish.exitCode, finish.stdout + finish.stderr).toBe(0);
    expect(finish.outputs['scale-down-after']).toBe(after);
    expect(JSON.parse(finish.outputs.result ?? '{}').clusters[0].outcome).toBe('unchanged');
  });
});

interface LiveObject {
  spec: { selector: Record<string, string>; holderIdentity: string };
}

async function fetchJson(p: string): Promise<LiveObject> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    https
      .get(`${emu.url}${p}`, { ca: emu.caPem, headers: { authorization: `Bearer ${emu.token}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body) as LiveObject));
      })
      .on('error', reject);
  });
}
