import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, test } from 'vitest';
import { CommandInvocationError } from '@deliverkit/action-kit';
import {
  DockerConfigCredentials,
  formatScope,
  normalizeRegistryKey,
  normalizeScopes,
  parseTokenResponse,
  parseWwwAuthenticate,
  StaticCredentials,
} from '../../packages/oci/src/auth';
import { CredentialError } from '../../packages/oci/src/errors';

describe('parseWwwAuthenticate', () => {
  test.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/nginx:pull',
          },
        },
      ],
    ],
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/a:pull,push"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/a:pull,push' },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    ['basic realm=plain', [{ scheme: 'basic', params: { realm: 'plain' } }]],
    [
      'Basic realm="x", Bearer realm="https://t/token", service=reg',
      [
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'https://t/token', service: 'reg' } },
      ],
    ],
    [
      'Bearer realm="a\\"b",error="insufficient_scope"',
      [{ scheme: 'bearer', params: { realm: 'a"b', error: 'insufficient_scope' } }],
    ],
    [
      'Negotiate abc==, Basic realm="r"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'r' } },
      ],
    ],
    ['', []],
  ])('%s', (header, expected) => expect(parseWwwAuthenticate(header)).toEqual(expected));
});

describe('scopes', () => {
  it('merges actions per repository in a stable order', () => {
    const merged = normalizeScopes([
      { repository: 'b/dst', actions: ['push'] },
      { repository: 'a/src', actions: ['pull'] },
      { repository: 'b/dst', actions: ['pull'] },
    ]);
    expect(merged.map(formatScope)).toEqual(['repository:a/src:pull', 'repository:b/dst:pull,push']);
  });
});

describe('parseTokenResponse', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads token and expires_in, renewing a little early', () => {
    const t = parseTokenResponse(JSON.stringify({ token: 'abc', expires_in: 300 }), now);
    expect(t.token).toBe('abc');
    expect(t.expiresAt).toBe(now + 300_000 - 30_000);
  });
  it('falls back to access_token and the 60 s default', () => {
    const t = parseTokenResponse(JSON.stringify({ access_token: 'x' }), now);
    expect(t).toEqual({ token: 'x', expiresAt: now + 60_000 - 6_000 });
  });
  it('counts from issued_at when it is in the past', () => {
    const t = parseTokenResponse(
      JSON.stringify({ token: 'x', expires_in: 100, issued_at: '2025-12-31T23:59:00Z' }),
      now,
    );
    expect(t.expiresAt).toBe(now - 60_000 + 100_000 - 10_000);
  });
  it('rejects a response without a token', () => {
    expect(() => parseTokenResponse('{}', now)).toThrow(/no token/);
  });
});

describe('normalizeRegistryKey', () => {
  test.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['https://ghcr.io', 'ghcr.io'],
    ['LOCALHOST:5000/', 'localhost:5000'],
  ])('%s → %s', (input, key) => expect(normalizeRegistryKey(input)).toBe(key));
});

describe('credentials', () => {
  it('StaticCredentials matches normalised registry names', async () => {
    const creds = new StaticCredentials({ 'https://index.docker.io/v1/': { username: 'u', password: 'p' } });
    expect(await creds.get('docker.io')).toEqual({ username: 'u', password: 'p' });
    expect(await creds.get('ghcr.io')).toBeUndefined();
  });

  describe('DockerConfigCredentials', () => {
    async function configFile(content: unknown): Promise<string> {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'oci-auth-'));
      const file = path.join(dir, 'config.json');
      await writeFile(file, JSON.stringify(content));
      return file;
    }

    it('decodes auths and masks secrets as soon as read', async () => {
      const masked: string[] = [];
      const file = await configFile({
        auths: {
          'ghcr.io': { auth: Buffer.from('me:s3cr:et').toString('base64') },
          'https://index.docker.io/v1/': { identitytoken: 'refresh' },
        },
      });
      const creds = new DockerConfigCredentials({ path: file, onSecret: (s) => masked.push(s) });
      expect(await creds.get('ghcr.io')).toEqual({ username: 'me', password: 's3cr:et' });
      expect(await creds.get('docker.io')).toEqual({ identityToken: 'refresh' });
      expect(await creds.get('quay.io')).toBeUndefined();
      expect(masked).toEqual(['s3cr:et', 'refresh']);
    });

    it('asks credHelpers first, then credsStore, with the server on stdin', async () => {
      const calls: { cmd: string; input: unknown }[] = [];
      const file = await configFile({
        credHelpers: { 'gcr.io': 'gcloud' },
        credsStore: 'desktop',
        auths: { 'quay.io': { auth: Buffer.from('a:b').toString('base64') } },
      });
      const exec = (async (cmd: string, _args: readonly string[], opts: { input?: unknown }) => {
        calls.push({ cmd, input: opts.input });
        if (cmd === 'docker-credential-gcloud')
          return { exitCode: 0, stdout: JSON.stringify({ Username: '_token', Secret: 'gtok' }), stderr: '' };
        if (opts.input === 'https://index.docker.io/v1/')
          return { exitCode: 0, stdout: JSON.stringify({ Username: '<token>', Secret: 'idt' }), stderr: '' };
        const { CommandInvocationError } = await import('@deliverkit/action-kit');
        throw new CommandInvocationError({
          cmd,
          args: ['get'],
          exitCode: 1,
          stderr: 'credentials not found in native keychain',
        });
      }) as never;
      const creds = new DockerConfigCredentials({ path: file, exec });
      expect(await creds.get('gcr.io')).toEqual({ username: '_token', password: 'gtok' });
      expect(await creds.get('docker.io')).toEqual({ identityToken: 'idt' });
      expect(await creds.get('quay.io')).toEqual({ username: 'a', password: 'b' });
      expect(calls).toEqual([
        { cmd: 'docker-credential-gcloud', input: 'gcr.io' },
        { cmd: 'docker-credential-desktop', input: 'https://index.docker.io/v1/' },
        { cmd: 'docker-credential-desktop', input: 'quay.io' },
      ]);
    });

    describe('when the config file is not JSON', () => {
      it('fails with CREDENTIALS_UNREADABLE naming the file', async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'oci-auth-'));
        const file = path.join(dir, 'config.json');
        await writeFile(file, '{"auths": ');
        const error = await new DockerConfigCredentials({ path: file })
          .get('ghcr.io')
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CredentialError);
        expect((error as CredentialError).code).toBe('CREDENTIALS_UNREADABLE');
        expect((error as Error).message).toContain(file);
      });
    });

    describe('when a credential helper fails for another reason than "not found"', () => {
      it("fails with CREDENTIAL_HELPER_FAILED, the helper's failure as cause", async () => {
        const file = await configFile({ credsStore: 'desktop' });
        const failure = new CommandInvocationError({
          cmd: 'docker-credential-desktop',
          args: ['get'],
          exitCode: 2,
          stderr: 'keychain locked',
        });
        const exec = (async () => {
          throw failure;
        }) as never;
        const error = await new DockerConfigCredentials({ path: file, exec })
          .get('ghcr.io')
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CredentialError);
        expect((error as CredentialError).code).toBe('CREDENTIAL_HELPER_FAILED');
        expect((error as Error).cause).toBe(failure);
      });
    });

    it('treats a missing config file as anonymous', async () => {
      const creds = new DockerConfigCredentials({
        path: path.join(os.tmpdir(), 'nope-does-not-exist', 'config.json'),
      });
      expect(await creds.get('ghcr.io')).toBeUndefined();
    });
  });
});
