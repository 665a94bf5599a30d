import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandInvocationError, type ExecResult, InputError, silentLogger } from '@deliverkit/action-kit';
import {
  BuildError,
  type BuildEnvironment,
  type ImageBuildInputNames,
  type ImageBuildRequest,
  buildImage,
  parsePlatforms,
  planImageBuild,
} from '@deliverkit/image-build';
import { Registries } from '@deliverkit/oci';
import { Buildah } from '../../packages/image-build/src/buildah';
import { primeBuildahCache } from '../../packages/image-build/src/buildah-cache';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
// The action's names: each input is called what the request calls it (cache-from aside).
const NAMES = {
  cacheFrom: 'cache-from',
  ...Object.fromEntries(
    [
      'builder',
      'context',
      'file',
      'target',
      'images',
      'tags',
      'flavor',
      'labels',
      'annotations',
      'push',
      'mode',
      'digests',
    ].map((k) => [k, k]),
  ),
} as unknown as ImageBuildInputNames;

/** A runner where `available` lists the builders that answer their version command (nothing else is run). */
function runner(available: ('buildx' | 'buildah')[]) {
  const calls: string[][] = [];
  const exec = async (cmd: string, args: readonly string[]): Promise<ExecResult> => {
    calls.push([cmd, ...args]);
    if (cmd === 'docker' && args.join(' ') === 'buildx version' && available.includes('buildx'))
      return { exitCode: 0, stdout: 'github.com/docker/buildx v0.19.3 48d6a39\n', stderr: '' };
    if (cmd === 'buildah' && args.join(' ') === '--version' && available.includes('buildah'))
      return { exitCode: 0, stdout: 'buildah version 1.28.2 (image-spec 1.1.0-rc2)\n', stderr: '' };
    return { exitCode: 127, stdout: '', stderr: `${cmd}: not found` };
  };
  return { calls, deps: { logger: silentLogger, onSecret: () => {}, exec } };
}

function request(
  overrides: Partial<ImageBuildRequest> = {},
  ref = 'refs/heads/feature/x',
): ImageBuildRequest {
  const dir = mkdtempSync(path.join(tmpdir(), 'image-build-'));
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY hello /\n');
  const eventPath = path.join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify({ repository: { name: 'app', default_branch: 'main' } }));
  const environment: BuildEnvironment = {
    github: { GITHUB_EVENT_NAME: 'push', GITHUB_REF: ref, GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/app' },
    eventPath,
    tempDir: dir,
    dockerConfigDir: path.join(dir, 'docker'),
    annotationLevels: ['manifest', 'index'],
  };
  return {
    mode: 'multi',
    context: dir,
    platforms: parsePlatforms(['linux/amd64']),
    metadata: { images: ['registry.example/acme/app'], tags: ['type=ref,event=branch'] },
    buildArgs: {},
    secrets: [],
    secretFiles: [],
    push: true,
    cache: 'registry',
    cacheFrom: [],
    cacheTo: [],
    builder: 'auto',
    digests: [],
    provenance: true,
    insecureRegistries: [],
    environment,
    inputNames: NAMES,
    ...overrides,
  };
}

describe('planImageBuild', () => {
  it("plans a buildx push under the rules' tags, reading and writing the branch's own cache scope", async () => {
    const { calls, deps } = runner(['buildx']);
    const plan = await planImageBuild(request(), deps);
    expect(plan.backend).toBe('buildx');
    expect(plan.meta.tags).toEqual(['registry.example/acme/app:feature-x']);
    expect(plan.commands).toHaveLength(1);
    const command = plan.commands[0] as string;
    expect(command).toMatch(/^docker buildx build /);
    expect(command).toContain('--tag registry.example/acme/app:feature-x');
    expect(command).toContain(
      '--cache-from type=registry,ref=registry.example/acme/app:buildcache-linux-amd64-feature-x ' +
        '--cache-from type=registry,ref=registry.example/acme/app:buildcache-linux-amd64',
    );
    expect(command).toContain(
      '--cache-to type=registry,ref=registry.example/acme/app:buildcache-linux-amd64-feature-x,mode=max',
    );
    expect(command).toContain('--push');
    // Only the builder was asked whether it works: nothing was built.
    expect(calls.filter(([cmd]) => cmd !== 'git')).toEqual([['docker', 'buildx', 'version']]);
  });

  it('plans buildah on a machine without any builder, secrets in 0600 files and never in the plan', async () => {
    const { deps } = runner([]);
    const plan = await planImageBuild(
      request({ secrets: [{ id: 'npm', value: 's3cr3t value' }], builder: 'auto' }),
      deps,
    );
    expect(plan.backend).toBe('buildah');
    const build = plan.commands.find((c) => c.startsWith('buildah build')) as string;
    const src = /--secret id=npm,src=(\S+)/.exec(build)?.[1] as string;
    expect(src).toBeDefined();
    expect(readFileSync(src, 'utf8')).toBe('s3cr3t value');
    expect(statSync(src).mode & 0o777).toBe(0o600);
    expect(plan.commands.join('\n')).not.toContain('s3cr3t');
    // A plan of a push shows the push into the layout the registry upload reads.
    expect(plan.commands.some((c) => /^buildah push --format oci /.test(c))).toBe(true);
  });

  it("warns, naming the caller's input, when the target stage is not in the Dockerfile", async () => {
    const { deps } = runner(['buildah']);
    const warnings: string[] = [];
    const logger = { ...silentLogger, warning: (m: string) => void warnings.push(m) };
    const plan = await planImageBuild(
      request({ target: 'nope', inputNames: { ...NAMES, target: 'build-target' } }),
      { ...deps, logger },
    );
    expect(plan.backend).toBe('buildah');
    expect(warnings).toEqual([
      'Base images not resolved for the plan: The Dockerfile has no stage named "nope" (input "build-target")',
    ]);
  });

  it('dates the created label to SOURCE_DATE_EPOCH', async () => {
    const { deps } = runner(['buildx']);
    const given = request();
    const plan = await planImageBuild(
      { ...given, environment: { ...given.environment, sourceDateEpoch: 1700000000 } },
      deps,
    );
    expect(plan.meta.labels).toContain('org.opencontainers.image.created=2023-11-14T22:13:20.000Z');
    expect(plan.commands[0]).toContain('--build-arg SOURCE_DATE_EPOCH=1700000000');
  });

  it('shows what a merge would do', async () => {
    const { calls, deps } = runner([]);
    const digest = `sha256:${'a'.repeat(64)}`;
    const plan = await planImageBuild(
      request({
        mode: 'merge',
        digests: [digest],
        metadata: { images: ['r.example/app'], tags: ['type=raw,value=1'] },
      }),
      deps,
    );
    expect(plan.commands).toEqual([`merge ${digest} → r.example/app:1`]);
    expect(calls.filter(([cmd]) => cmd !== 'git')).toEqual([]);
  });
});

describe('buildImage', () => {
  it("refuses a push without images, naming the caller's inputs", async () => {
    const { deps } = runner(['buildx']);
    const names = { ...NAMES, images: 'image-names', push: 'publish' };
    const error = await buildImage(request({ metadata: { images: [] }, inputNames: names }), deps).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: 'image-names', code: 'INPUT_REQUIRED' });
    expect((error as Error).message).toBe('Input "image-names" is required with publish: true');
  });

  it('merges nothing when the platform jobs pushed nothing (push: false): it shows the merge', async () => {
    const { deps } = runner([]);
    const digest = `sha256:${'b'.repeat(64)}`;
    const outcome = await buildImage(
      request({ mode: 'merge', push: false, digests: [digest], metadata: { images: ['r.example/app'] } }),
      deps,
    );
    expect(outcome.result).toBeUndefined();
    expect(outcome.commands).toEqual([`merge ${digest} → r.example/app:feature-x`]);
  });
});

describe('a builder command that fails outside a build step', () => {
  it('is a BuildError COMMAND_FAILED with the same message, the CommandInvocationError its cause', async () => {
    const buildah = new Buildah({ exec });
    const error = await buildah.storePaths().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect(error).toMatchObject({
      code: 'COMMAND_FAILED',
      message: 'buildah exited with code 125: Error: no store',
    });
    expect((error as BuildError).cause).toBeInstanceOf(CommandInvocationError);

    async function exec(cmd: string, args: readonly string[]): Promise<ExecResult> {
      throw new CommandInvocationError({ cmd, args, exitCode: 125, stderr: 'Error: no store\n' });
    }
  });
});

describe('primeBuildahCache', () => {
  it("refuses a cache repository that is no reference, naming the caller's input, before any registry is asked", async () => {
    const error = await primeBuildahCache(
      new Registries(),
      ['Not A Repository'],
      new Buildah(),
      { inputNames: { cacheFrom: 'layer-cache' } },
      undefined,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: 'layer-cache' });
  });
});
