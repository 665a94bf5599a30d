import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registries } from '@deliverkit/oci';
import { StaticCredentials } from '../../packages/oci/src/auth';
import {
  ensureTestbed,
  runAction,
  startHostileRegistry,
  startRegistry,
  stopAll,
  type HostileRegistry,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';

// The bundled actions against a registry that lies (testing/testbed/src/hostile-registry.ts): each fails fast, names
// what was wrong, and leaves nothing behind — no SBOM file, no tag at the destination. The escaping image is
// well-formed: its SBOM is written and lists only what is inside the image.

let hostile: HostileRegistry;
let destination: RegistryHandle;
let scratch: string;

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  [hostile, destination] = await Promise.all([startHostileRegistry(), startRegistry('plain')]);
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hostile-e2e-'));
});

afterAll(async () => {
  await hostile?.stop();
  await stopAll();
  await rm(scratch, { recursive: true, force: true });
});

const auths = () =>
  JSON.stringify([
    { registry: hostile.host, insecure: true },
    { registry: destination.host, insecure: true },
  ]);

async function sbom(repo: string, name: string) {
  const outDir = path.join(scratch, name);
  const cwd = path.join(scratch, `${name}-cwd`);
  await mkdir(cwd, { recursive: true });
  const run = await runAction(
    'sbom',
    {
      image: `${hostile.host}/${repo}:v1`,
      'output-dir': outDir,
      'upload-artifact': 'false',
      'registry-auths': auths(),
    },
    { cwd, timeoutMs: 60_000 },
  );
  const error = run.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '';
  return { run, outDir, cwd, error };
}

async function tagAtDestination(repo: string): Promise<boolean> {
  const registries = new Registries({ credentials: new StaticCredentials({}) });
  try {
    return (await registries.client(destination.host).headManifest(repo, 'v1')) !== undefined;
  } finally {
    registries.close();
  }
}

describe('sbom (bundled) against a hostile registry', () => {
  it.each([
    ['blob-mismatch/app', /content is sha256:\w+, which does not match the digest/],
    ['self-index/app', /content is sha256:\w+, expected sha256:/],
    ['endless-blob/app', /more than the expected \d+ bytes/],
    ['endless-manifest/app', /over the manifest-bytes limit/],
    ['huge-length/app', /announces 2000000000 bytes/],
    ['redirect-loop/app', /redirected more than 5 times \(the redirects limit\)/],
  ])('%s: fails fast naming the cause, and writes no SBOM', async (repo, message) => {
    const { run, outDir, cwd, error } = await sbom(repo, repo.replace('/', '-'));
    expect(run.exitCode, run.stdout).not.toBe(0);
    expect(error).toMatch(message);
    expect(error).not.toMatch(/Internal error/);
    expect(run.durationMs).toBeLessThan(20_000);
    expect(await readdir(outDir).catch(() => [])).toEqual([]);
    expect(await readdir(cwd)).toEqual([]);
    expect(run.outputs).toEqual({});
  });

  it('escape/app: writes an SBOM that lists only what is inside the image', async () => {
    const { run, outDir, cwd } = await sbom('escape/app', 'escape');
    expect(run.exitCode, run.stdout).toBe(0);
    const spdx = JSON.parse(await readFile(path.join(outDir, 'linux-amd64.spdx.json'), 'utf8')) as {
      packages: { name: string; primaryPackagePurpose?: string }[];
    };
    const cdx = JSON.parse(await readFile(path.join(outDir, 'linux-amd64.cdx.json'), 'utf8')) as {
      components: { name: string; type: string }[];
    };
    // Besides the image and its OS (`inside`, from the image's own os-release), only the package inside.
    const names = spdx.packages
      .filter((p) => !['CONTAINER', 'OPERATING_SYSTEM'].includes(p.primaryPackagePurpose ?? ''))
      .map((p) => p.name);
    expect(spdx.packages.find((p) => p.primaryPackagePurpose === 'OPERATING_SYSTEM')?.name).toBe('inside');
    expect(names).toEqual(['inside-pkg']);
    expect(cdx.components.filter((c) => c.type !== 'operating-system').map((c) => c.name)).toEqual([
      'inside-pkg',
    ]);
    const text = JSON.stringify([spdx, cdx]);
    expect(text).not.toContain('escaped');
    expect(text).not.toMatch(/\.\.\//);
    expect(text).not.toMatch(/etc\/(passwd|shadow)/);
    expect(run.stdout).toMatch(
      /::warning::.*path outside the root: \.\.\/\.\.\/\.\.\/var\/lib\/dpkg\/status/,
    );
    expect(await readdir(cwd)).toEqual([]);
  });
});

describe('multi-registry-push (bundled) from a hostile registry', () => {
  it.each([
    ['blob-mismatch/app', /DIGEST_MISMATCH|content is sha256|digest/i],
    ['self-index/app', /content is sha256:\w+, expected sha256:/],
    ['self-referrer/app', /refers to itself/],
    ['referrer-cycle/app', /refer to each other in a cycle/],
    ['referrer-chain/app', /deeper than 8 levels \(the index-depth limit/],
    ['endless-blob/app', /more than the expected \d+ bytes|SIZE/],
    ['huge-length/app', /announces 2000000000 bytes/],
    ['redirect-loop/app', /redirects limit/],
  ])('%s: fails fast naming the cause, and writes no tag at the destination', async (repo, message) => {
    const run = await runAction(
      'multi-registry-push',
      {
        source: `${hostile.host}/${repo}:v1`,
        destinations: `${destination.host}/${repo}:v1`,
        'registry-auths': auths(),
      },
      { timeoutMs: 60_000 },
    );
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(run.exitCode, run.stdout).not.toBe(0);
    expect(errors.join('\n')).toMatch(message);
    expect(errors.join('\n')).not.toMatch(/Internal error/);
    expect(run.durationMs).toBeLessThan(30_000);
    expect(await tagAtDestination(repo)).toBe(false);
  });

  it('copies the control image (the server is a working registry)', async () => {
    const run = await runAction(
      'multi-registry-push',
      {
        source: `${hostile.host}/good/app:v1`,
        destinations: `${destination.host}/good/app:v1`,
        'registry-auths': auths(),
      },
      { timeoutMs: 60_000 },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await tagAtDestination('good/app')).toBe(true);
  });
});

describe('cosign-sign verify (bundled) against a hostile registry', () => {
  it.each(['referrer-cycle/app', 'referrer-chain/app', 'endless-manifest/app', 'redirect-loop/app'])(
    '%s: fails fast with an error, never a pass',
    async (repo) => {
      const { generateKeyPairSync } = await import('node:crypto');
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const run = await runAction(
        'cosign-sign',
        {
          image: `${hostile.host}/${repo}:v1`,
          mode: 'verify',
          'public-key': publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          'registry-auths': auths(),
        },
        { timeoutMs: 60_000 },
      );
      expect(run.exitCode, run.stdout).not.toBe(0);
      expect(run.stdout).toMatch(/::error::/);
      expect(run.stdout).not.toMatch(/::error::Internal error/);
      expect(run.durationMs).toBeLessThan(30_000);
    },
  );
});
