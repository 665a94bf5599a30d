import { describe, expect, it, test } from 'vitest';
import { buildProvenance, dockerPurl } from '../../packages/image-build/src/provenance';

const env = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_REPOSITORY_ID: '123',
  GITHUB_REPOSITORY_OWNER_ID: '456',
  GITHUB_WORKFLOW_REF: 'octo/app/.github/workflows/release.yml@refs/tags/v1.2.3',
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_SHA: '860c1904a1ce19322e91ac35af1ab07466440c37',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '2',
  RUNNER_ENVIRONMENT: 'github-hosted',
};

describe('buildProvenance', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  const statement = buildProvenance({
    subjects: ['ghcr.io/octo/app', 'ghcr.io/octo/app', 'docker.io/octo/app'],
    digest,
    env,
    build: {
      platforms: ['linux/amd64', 'linux/arm64'],
      file: 'Dockerfile',
      buildArgs: { VERSION: '1.2.3' },
      backend: 'buildah',
      backendVersion: '1.28.2',
    },
    baseImages: [{ reference: 'alpine:3.20', digest: `sha256:${'d'.repeat(64)}` }],
  });

  it('is an in-toto v1 statement with one subject per image name', () => {
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(statement.subject).toEqual([
      { name: 'ghcr.io/octo/app', digest: { sha256: 'c'.repeat(64) } },
      { name: 'docker.io/octo/app', digest: { sha256: 'c'.repeat(64) } },
    ]);
  });

  it('uses GitHub workflow build type, workflow ref, commit and run', () => {
    const p = statement.predicate;
    expect(p.buildDefinition.buildType).toBe('https://actions.github.io/buildtypes/workflow/v1');
    expect(p.buildDefinition.externalParameters).toEqual({
      workflow: {
        ref: 'refs/tags/v1.2.3',
        repository: 'https://github.com/octo/app',
        path: '.github/workflows/release.yml',
      },
    });
    expect(p.runDetails.builder.id).toBe(
      'https://github.com/octo/app/.github/workflows/release.yml@refs/tags/v1.2.3',
    );
    expect(p.runDetails.metadata.invocationId).toBe('https://github.com/octo/app/actions/runs/42/attempts/2');
    expect(p.buildDefinition.resolvedDependencies[0]).toEqual({
      uri: 'git+https://github.com/octo/app@refs/tags/v1.2.3',
      digest: { gitCommit: '860c1904a1ce19322e91ac35af1ab07466440c37' },
    });
  });

  it('lists base images with their resolved digests', () => {
    expect(statement.predicate.buildDefinition.resolvedDependencies[1]).toEqual({
      uri: 'pkg:docker/library/alpine@3.20?repository_url=docker.io',
      digest: { sha256: 'd'.repeat(64) },
      name: 'alpine:3.20',
    });
  });
});

describe('dockerPurl', () => {
  test.each([
    ['alpine:3.20', 'pkg:docker/library/alpine@3.20?repository_url=docker.io'],
    ['ghcr.io/o/tools:1', 'pkg:docker/o/tools@1?repository_url=ghcr.io'],
    ['127.0.0.1:5000/base:latest', 'pkg:docker/base@latest?repository_url=127.0.0.1%3A5000'],
    [`ghcr.io/o/tools@sha256:${'a'.repeat(64)}`, 'pkg:docker/o/tools?repository_url=ghcr.io'],
  ])('%s', (ref, purl) => {
    expect(dockerPurl(ref)).toBe(purl);
  });
});

it('rejects a malformed digest', () => {
  expect(() =>
    buildProvenance({
      subjects: ['a'],
      digest: 'nope',
      env: {},
      build: { platforms: [], backend: 'buildah' },
    }),
  ).toThrow(/not a digest/);
});
