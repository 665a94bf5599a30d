import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestbed,
  pushBaseImage,
  runAction,
  startRegistry,
  stopAll,
  toolPath,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { expectImageRecord } from '../support/image-record';
import { buildSbomE2eImage } from '../sbom/e2e-image';
import { FIXTURES, requireFromSbom } from '../sbom/helpers';
import { runtimeToken, startArtifactServer } from '../action-kit/artifact-server';

let registry: RegistryHandle;
let scratch: string;
let image: string;

beforeAll(async () => {
  await ensureTestbed({ qemu: true });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'sbom-e2e-'));
  registry = await startRegistry('plain');
  await pushBaseImage(registry, 'base/busybox', 'latest');
  image = `${registry.host}/acme/app:v1`;
  await buildSbomE2eImage(registry, scratch, image);
});

afterAll(async () => {
  await stopAll();
  await rm(scratch, { recursive: true, force: true });
});

const spdxSchema = async () =>
  JSON.parse(await readFile(path.join(FIXTURES, 'spdx-2.3', 'spdx-schema.json'), 'utf8'));

interface SbomsOutput {
  [platform: string]: {
    digest: string;
    files: Record<string, { path: string; predicateType: string }>;
    packages: number;
  };
}

describe('the bundled sbom action against a registry image', () => {
  let outDir: string;
  let run: Awaited<ReturnType<typeof runAction>>;

  beforeAll(async () => {
    outDir = path.join(scratch, 'out-1');
    run = await runAction('sbom', { image, 'output-dir': outDir, 'upload-artifact': 'true' });
  });

  it('succeeds and reports both platforms with both formats', () => {
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    const sboms = JSON.parse(run.outputs.sboms!) as SbomsOutput;
    expect(Object.keys(sboms).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    for (const [platform, entry] of Object.entries(sboms)) {
      expect(entry.files['spdx-json']).toEqual({
        path: path.join(outDir, `${platform.replace('/', '-')}.spdx.json`),
        predicateType: 'https://spdx.dev/Document',
      });
      expect(entry.files['cyclonedx-json']!.predicateType).toBe('https://cyclonedx.org/bom');
    }
    expect(run.outputs.paths!.split('\n')).toHaveLength(4);
    const record = expectImageRecord(run.outputs['image-record']);
    expect(record.digest).toBe(run.outputs.digest);
    expect(run.stdout).toContain('upload-artifact skipped');
  });

  it('writes schema-valid SPDX 2.3 and CycloneDX 1.6 documents', async () => {
    const sboms = JSON.parse(run.outputs.sboms!) as SbomsOutput;
    const Ajv = requireFromSbom('ajv').default;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(await spdxSchema());
    const { Validation } = requireFromSbom('@cyclonedx/cyclonedx-library');
    const { Version } = requireFromSbom('@cyclonedx/cyclonedx-library/Spec');
    const cdx = new Validation.JsonStrictValidator(Version.v1dot6);
    for (const entry of Object.values(sboms)) {
      const spdx = JSON.parse(await readFile(entry.files['spdx-json']!.path, 'utf8'));
      expect(validate(spdx), JSON.stringify(validate.errors)).toBe(true);
      expect(await cdx.validate(await readFile(entry.files['cyclonedx-json']!.path, 'utf8'))).toBeNull();
    }
  });

  it('lists exactly the packages of each platform, without the ones deleted by whiteout', async () => {
    const sboms = JSON.parse(run.outputs.sboms!) as SbomsOutput;
    const purlsOf = async (platform: string) => {
      const bom = JSON.parse(await readFile(sboms[platform]!.files['cyclonedx-json']!.path, 'utf8'));
      return (bom.components as { purl?: string }[])
        .map((c) => c.purl)
        .filter(Boolean)
        .sort() as string[];
    };
    const common = [
      'pkg:golang/example.com/sbomfixture',
      'pkg:golang/github.com/acme/left@v1.2.3',
      'pkg:golang/github.com/acme/right-fork@v1.0.1',
      'pkg:golang/stdlib@1.19.8',
      'pkg:maven/org.apache.commons/commons-lang3@3.14.0',
      'pkg:npm/e2e-app@3.2.1',
      'pkg:npm/ms@2.1.3',
      'pkg:pypi/six@1.16.0',
    ];
    const amd = await purlsOf('linux/amd64');
    const arm = await purlsOf('linux/arm64');
    expect(amd.filter((p) => !p.startsWith('pkg:deb/'))).toEqual(common);
    expect(arm.filter((p) => !p.startsWith('pkg:deb/'))).toEqual(
      [...common, 'pkg:npm/arm-only@0.1.0'].sort(),
    );
    expect(amd.filter((p) => p.startsWith('pkg:deb/'))).toHaveLength(6);
    expect(amd).toContain('pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib');
    expect(sboms['linux/amd64']!.packages).toBe(amd.length);
    const arm64Bom = JSON.parse(await readFile(sboms['linux/arm64']!.files['cyclonedx-json']!.path, 'utf8'));
    const goMain = arm64Bom.components.find((c: { name: string }) => c.name === 'example.com/sbomfixture');
    expect(goMain.properties).toContainEqual({ name: 'deliverkit:go:GOARCH', value: 'arm64' });
    expect(arm64Bom.metadata.component.purl).toBe(
      `pkg:oci/app@${sboms['linux/arm64']!.digest}?arch=arm64&repository_url=${encodeURIComponent(`${registry.host}/acme/app`)}&tag=v1`,
    );
  });

  it('writes a job summary with package counts per ecosystem and top licenses', () => {
    expect(run.summary).toContain(
      '| platform | packages | deb | golang | maven | npm | pypi | top licenses | not catalogued |',
    );
    expect(run.summary).toMatch(
      /\| linux\/amd64 \| 14 \| 6 \| 4 \| 1 \| 2 \| 1 \| GPL \(2\), GPL-2.0-only \(2\), MIT \(2\)/,
    );
    expect(run.summary).toMatch(/\| linux\/arm64 \| 15 \| 6 \| 4 \| 1 \| 3 \| 1 \|/);
  });

  it('produces byte-identical files when run again', async () => {
    const again = await runAction('sbom', {
      image,
      'output-dir': path.join(scratch, 'out-2'),
      'upload-artifact': 'false',
    });
    expect(again.exitCode, again.stderr).toBe(0);
    const first = JSON.parse(run.outputs.sboms!) as SbomsOutput;
    const second = JSON.parse(again.outputs.sboms!) as SbomsOutput;
    for (const platform of Object.keys(first)) {
      for (const format of ['spdx-json', 'cyclonedx-json']) {
        const a = await readFile(first[platform]!.files[format]!.path);
        const b = await readFile(second[platform]!.files[format]!.path);
        expect(a.equals(b), `${platform} ${format}`).toBe(true);
      }
    }
  });
});

describe('on a runner with the artifact service', () => {
  it('uploads the SBOMs as one artifact, authenticating with the runtime token it masks', async () => {
    const server = await startArtifactServer();
    const token = runtimeToken();
    try {
      const outDir = path.join(scratch, 'out-artifact');
      const run = await runAction(
        'sbom',
        { image, platforms: 'linux/amd64', 'output-dir': outDir, 'artifact-name': 'sboms-e2e' },
        { env: { ACTIONS_RUNTIME_TOKEN: token, ACTIONS_RESULTS_URL: `${server.base}/` } },
      );
      expect(run.exitCode, run.stderr + run.stdout).toBe(0);
      expect(run.outputs['artifact-name']).toBe('sboms-e2e');
      expect(run.stdout).toContain(`::add-mask::${token}`);
      const create = server.seen.find((r) => r.path.endsWith('/CreateArtifact'));
      expect(create?.headers.authorization).toBe(`Bearer ${token}`);
      expect(JSON.parse(create!.body.toString())).toMatchObject({
        name: 'sboms-e2e',
        workflow_run_backend_id: 'run-21',
      });
      expect(server.seen.some((r) => r.path.endsWith('/FinalizeArtifact'))).toBe(true);
      expect(expectImageRecord(run.outputs['image-record']).sbom?.artifact).toBe('sboms-e2e');
    } finally {
      await server.close();
    }
  });
});

describe('when asked for one platform in dry-run', () => {
  it('plans the files without reading layers or writing anything', async () => {
    const outDir = path.join(scratch, 'dry');
    const run = await runAction('sbom', {
      image,
      platforms: 'linux/arm64',
      'output-dir': outDir,
      'dry-run': 'true',
    });
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    expect(Object.keys(JSON.parse(run.outputs.sboms!))).toEqual(['linux/arm64']);
    expect(run.summary).toContain('Plan: SBOMs for');
    expect(run.summary).toContain(path.join(outDir, 'linux-arm64.spdx.json'));
    await expect(readFile(path.join(outDir, 'linux-arm64.spdx.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('when the image does not exist', () => {
  it('fails the step naming the image', async () => {
    const run = await runAction('sbom', {
      image: `${registry.host}/acme/missing:v1`,
      'output-dir': path.join(scratch, 'x'),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*acme\/missing.*was not found/);
  });
});

describe('when a platform the image lacks is asked for', () => {
  it('fails naming the platforms it has', async () => {
    const run = await runAction('sbom', {
      image,
      platforms: 'linux/s390x',
      'output-dir': path.join(scratch, 'y'),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*has no linux\/s390x; it has linux\/amd64, linux\/arm64/);
  });
});

describe('with engine: syft (the tool belt’s syft on PATH)', () => {
  it('runs syft on every platform by digest and writes both formats', async () => {
    const outDir = path.join(scratch, 'out-syft');
    const run = await runAction(
      'sbom',
      {
        image,
        engine: 'syft',
        'output-dir': outDir,
        'upload-artifact': 'false',
        'registry-auths': JSON.stringify([{ registry: registry.host, insecure: true }]),
      },
      { env: { PATH: `${path.dirname(toolPath('syft'))}:${process.env.PATH ?? ''}` } },
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const sboms = JSON.parse(run.outputs.sboms!) as SbomsOutput;
    expect(Object.keys(sboms).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    for (const entry of Object.values(sboms)) {
      const spdx = JSON.parse(await readFile(entry.files['spdx-json']!.path, 'utf8'));
      expect(spdx.spdxVersion).toBe('SPDX-2.3');
      // Written by syft, not by the native engine.
      expect((spdx.creationInfo.creators as string[]).join(' ')).toMatch(/Tool: syft/);
      const cdx = JSON.parse(await readFile(entry.files['cyclonedx-json']!.path, 'utf8'));
      expect(cdx.bomFormat).toBe('CycloneDX');
      // syft names the image it scanned: the platform manifest, by digest.
      expect(JSON.stringify(spdx)).toContain(entry.digest.replace(/^sha256:/, ''));
    }
  });
});
