import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Registries } from '@deliverkit/oci';
import { parsePlatforms } from '@deliverkit/image-build';
import { pinBaseImages } from '../../packages/image-build/src/base-images';
import { locateFromLines, platformArgs, rewriteFromLines } from '../../packages/image-build/src/dockerfile';
import { manifestAnnotations } from '../../packages/image-build/src/run-buildah';
import { buildSpec } from './spec';

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('locateFromLines', () => {
  it('evaluates --platform with the automatic platform ARGs, and a build arg wins over them', () => {
    const text = [
      'FROM --platform=$BUILDPLATFORM golang:1.23 AS build',
      'FROM --platform=${TARGETPLATFORM} alpine:3.20',
      'FROM ${TARGETARCH}/busybox',
    ].join('\n');
    const lines = locateFromLines(text, {}, platformArgs(amd64, arm64));
    expect(lines.map((l) => [l.image, l.resolvedPlatform])).toEqual([
      ['golang:1.23', 'linux/amd64'],
      ['alpine:3.20', 'linux/arm64'],
      ['arm64/busybox', undefined],
    ]);
    const overridden = locateFromLines(text, { BUILDPLATFORM: 'linux/s390x' }, platformArgs(amd64, arm64));
    expect(overridden[0]?.resolvedPlatform).toBe('linux/s390x');
  });

  it('skips heredoc bodies and honours the escape directive', () => {
    const text = [
      '# escape=`',
      'FROM alpine:3.20 AS a',
      'RUN <<EOF',
      'FROM not-an-instruction',
      'EOF',
      'COPY <<-"EOT" /x',
      '\tFROM also-not',
      '\tEOT',
      'FROM `',
      '  debian:12 AS b',
    ].join('\n');
    expect(locateFromLines(text).map((l) => [l.image, l.stage, l.span])).toEqual([
      ['alpine:3.20', 'a', [1, 1]],
      ['debian:12', 'b', [8, 9]],
    ]);
  });
});

describe('rewriteFromLines', () => {
  it('replaces only the FROM lines given, keeping every other byte and the stage names', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG BASE=alpine:3.20',
      'FROM --platform=$BUILDPLATFORM \\',
      '    golang:1.23 AS build',
      'RUN go build  # two spaces kept',
      'FROM ${BASE}',
      'COPY --from=build /app /app',
      '',
    ].join('\r\n');
    const out = rewriteFromLines(
      text,
      new Map([
        [0, `docker.io/library/golang@${d('a')}`],
        [1, `docker.io/library/alpine@${d('b')}`],
      ]),
    );
    expect(out).toBe(
      [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=alpine:3.20',
        `FROM docker.io/library/golang@${d('a')} AS build`,
        '',
        'RUN go build  # two spaces kept',
        `FROM docker.io/library/alpine@${d('b')}`,
        'COPY --from=build /app /app',
        '',
      ].join('\r\n'),
    );
  });

  it('refuses a FROM line that does not exist', () => {
    expect(() => rewriteFromLines('FROM a\n', new Map([[3, 'b']]))).toThrow(/no FROM line #4/);
  });
});

/** A registry that serves one index per reference from a table, and counts lookups. */
function fakeRegistries(indexes: Record<string, { digest: string; platforms: Record<string, string> }>) {
  const calls: string[] = [];
  const registries = {
    client: () => ({
      getManifest: async (repository: string, reference: string) => {
        calls.push(`${repository}:${reference}`);
        const entry = indexes[`${repository}:${reference}`];
        if (!entry) throw new Error(`${repository}:${reference} not found`);
        return {
          descriptor: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: entry.digest, size: 1 },
          manifest: {
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.index.v1+json',
            manifests: Object.entries(entry.platforms).map(([p, digest]) => {
              const [pos, architecture] = p.split('/') as [string, string];
              return {
                mediaType: 'application/vnd.oci.image.manifest.v1+json',
                digest,
                size: 1,
                platform: { os: pos, architecture },
              };
            }),
          },
        };
      },
    }),
  } as unknown as Registries;
  return { registries, calls };
}

describe('pinBaseImages', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pin-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('pins the build stage to the build platform and the runtime to each target, resolving each name once', async () => {
    const file = path.join(dir, 'Dockerfile');
    await writeFile(
      file,
      'FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nRUN make\nFROM alpine:3.20\nCOPY --from=build /a /a\n',
    );
    await writeFile(`${file}.dockerignore`, 'secret.txt\n');
    const { registries, calls } = fakeRegistries({
      'library/golang:1.23': { digest: d('1'), platforms: { 'linux/amd64': d('2'), 'linux/arm64': d('3') } },
      'library/alpine:3.20': { digest: d('4'), platforms: { 'linux/amd64': d('5'), 'linux/arm64': d('6') } },
    });
    const pinned = await pinBaseImages({
      registries,
      file,
      buildArgs: {},
      platforms: parsePlatforms(['linux/amd64', 'linux/arm64']),
      buildPlatform: amd64,
      outDir: (p) => path.join(dir, 'out', p.architecture),
    });
    expect(calls.sort()).toEqual(['library/alpine:3.20', 'library/golang:1.23']);
    const arm = pinned[1]!;
    expect(arm.pins).toEqual([
      {
        reference: 'golang:1.23',
        platform: 'linux/amd64',
        digest: d('1'),
        manifestDigest: d('2'),
        pinned: `docker.io/library/golang@${d('2')}`,
        stage: 'build',
        final: false,
      },
      {
        reference: 'alpine:3.20',
        platform: 'linux/arm64',
        digest: d('4'),
        manifestDigest: d('6'),
        pinned: `docker.io/library/alpine@${d('6')}`,
        final: true,
      },
    ]);
    expect(await readFile(arm.file, 'utf8')).toBe(
      `FROM docker.io/library/golang@${d('2')} AS build\nRUN make\nFROM docker.io/library/alpine@${d('6')}\nCOPY --from=build /a /a\n`,
    );
    expect(await readFile(`${arm.file}.dockerignore`, 'utf8')).toBe('secret.txt\n');
    expect(manifestAnnotations(buildSpec({ annotations: ['manifest:k=v'] }), arm.pins)).toEqual({
      k: 'v',
      'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20',
      'org.opencontainers.image.base.digest': d('6'),
    });
  });

  it('leaves a base without the platform, or unreachable, unpinned with a warning naming it', async () => {
    const file = path.join(dir, 'Dockerfile.b');
    await writeFile(file, 'FROM only-amd64:1\n');
    const { registries } = fakeRegistries({
      'library/only-amd64:1': { digest: d('7'), platforms: { 'linux/amd64': d('8') } },
    });
    const warnings: string[] = [];
    const options = {
      registries,
      file,
      buildArgs: {},
      platforms: parsePlatforms(['linux/arm64']),
      buildPlatform: amd64,
      outDir: () => path.join(dir, 'out-b'),
      logger: {
        info() {},
        debug() {},
        warning: (m: string) => warnings.push(m),
        error() {},
        group: async (_n: string, f: () => Promise<unknown>) => f(),
      } as never,
    };
    const [missing] = await pinBaseImages(options);
    expect(missing).toMatchObject({
      file,
      pins: [],
      unpinned: [{ reference: 'only-amd64:1', platform: 'linux/arm64' }],
    });
    expect(warnings[0]).toBe(
      'linux/arm64: base image only-amd64:1 is not pinned (it has no linux/arm64 image, only linux/amd64)',
    );

    await writeFile(file, 'FROM --platform=$BUILDPLATFORM private/tool:1\n');
    const [result] = await pinBaseImages(options);
    expect(result).toMatchObject({
      file,
      pins: [],
      unpinned: [{ reference: 'private/tool:1', platform: 'linux/amd64' }],
    });
    expect(warnings[1]).toMatch(/private\/tool:1 is not pinned .*instead of linux\/amd64/);
  });
});
