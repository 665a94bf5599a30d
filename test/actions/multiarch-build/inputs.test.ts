import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InputError } from '@deliverkit/action-kit';
import {
  type Inputs,
  assertDockerfile,
  parseSecrets,
  readEnvironment,
  readInputs,
} from '../../../actions/multiarch-build/src/inputs';

describe('parseSecrets', () => {
  it('reads id=value lines and masks every value as it is read', () => {
    const masked: string[] = [];
    const secrets = parseSecrets('NPM_TOKEN=abc=def\n\ngit_auth=x y z\n', (s) => masked.push(s));
    expect(secrets).toEqual([
      { id: 'NPM_TOKEN', value: 'abc=def' },
      { id: 'git_auth', value: 'x y z' },
    ]);
    expect(masked).toEqual(['abc=def', 'x y z']);
  });

  it('rejects a line without an id, never quoting the value', () => {
    let error: unknown;
    try {
      parseSecrets('=topsecret', () => {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('secrets');
    expect((error as Error).message).not.toContain('topsecret');
  });

  it('is empty when the input is not set', () => {
    expect(parseSecrets(undefined, () => {})).toEqual([]);
  });
});

describe('readInputs digests (mode: merge)', () => {
  const withInputs = (inputs: Record<string, string>, fn: () => void) => {
    const saved = { ...process.env };
    for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
    try {
      fn();
    } finally {
      process.env = saved;
    }
  };

  it('refuses an entry without a digest (a platform job that pushed nothing), naming the input', () => {
    withInputs(
      {
        mode: 'merge',
        digests: `127.0.0.1:5000/acme/hello@sha256:${'a'.repeat(64)}\n127.0.0.1:5000/acme/hello@`,
      },
      () => {
        expect(() => readInputs()).toThrow(
          expect.objectContaining({
            input: 'digests',
            message: expect.stringContaining('"127.0.0.1:5000/acme/hello@" is not an image digest'),
          }),
        );
      },
    );
  });

  it('takes repository@digest and bare digests', () => {
    withInputs(
      {
        mode: 'merge',
        digests: `127.0.0.1:5000/acme/hello@sha256:${'a'.repeat(64)},sha256:${'b'.repeat(64)}`,
      },
      () => {
        expect(readInputs().digests).toEqual([
          `127.0.0.1:5000/acme/hello@sha256:${'a'.repeat(64)}`,
          `sha256:${'b'.repeat(64)}`,
        ]);
      },
    );
  });
});

describe('assertDockerfile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dockerfile-'));
  mkdirSync(path.join(dir, 'app'));
  writeFileSync(path.join(dir, 'app', 'Containerfile'), 'FROM scratch\n');
  writeFileSync(path.join(dir, 'build.Dockerfile'), 'FROM scratch\n');
  const inputs = (over: Partial<Inputs>) =>
    ({ mode: 'multi', 'dry-run': false, context: dir, file: undefined, ...over }) as Inputs;

  it.each([
    ['a context without a Dockerfile', { context: path.join(dir, 'empty') }, 'context'],
    ['a file that is in neither the working directory nor the context', { file: 'nope.Dockerfile' }, 'file'],
  ])('refuses %s, naming the input', (_what, over, input) => {
    expect(() => assertDockerfile(inputs(over))).toThrow(
      expect.objectContaining({ input, message: expect.stringContaining('No Dockerfile at') }),
    );
  });

  it.each([
    ['the context’s Containerfile', { context: path.join(dir, 'app') }],
    ['a file relative to the context', { file: 'build.Dockerfile' }],
    ['a dry run (which shows its plan)', { context: path.join(dir, 'empty'), 'dry-run': true }],
    ['a merge (which builds nothing)', { context: path.join(dir, 'empty'), mode: 'merge' as const }],
    ['a remote context', { context: 'https://github.com/acme/app.git#main' }],
  ])('accepts %s', (_what, over) => {
    const given = inputs(over);
    expect(assertDockerfile(given)).toBe(given);
  });
});

describe('readEnvironment', () => {
  it('reads the run variables the build uses, by name, and nothing else', () => {
    const environment = readEnvironment({
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: 'abc',
      GITHUB_TOKEN: 'not for the build',
      RUNNER_TEMP: '/runner/tmp',
      DOCKER_CONFIG: '/home/runner/.docker-alt',
      SOURCE_DATE_EPOCH: '1700000000',
      DOCKER_METADATA_SHORT_SHA_LENGTH: '12',
    });
    expect(environment).toMatchObject({
      github: { GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'abc' },
      tempDir: '/runner/tmp',
      dockerConfigDir: '/home/runner/.docker-alt',
      sourceDateEpoch: 1700000000,
      shortShaLength: 12,
      annotationLevels: ['manifest', 'index'],
    });
    expect(Object.keys(environment.github).sort()).toEqual(['GITHUB_REF', 'GITHUB_SHA']);
  });

  it.each([
    [
      { DOCKER_METADATA_SHORT_SHA_LENGTH: 'seven' },
      InputError,
      'DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number',
    ],
    [{ SOURCE_DATE_EPOCH: 'yesterday' }, ConfigurationError, 'SOURCE_DATE_EPOCH must be whole seconds'],
  ])('refuses %o', (env, type, message) => {
    expect(() => readEnvironment(env)).toThrow(type);
    expect(() => readEnvironment(env)).toThrow(message);
  });
});
