import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandInvocationError, Git } from '../../packages/action-kit/src';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'action-kit-git-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Git', () => {
  it('commits a file and reads it back through argument arrays (a name with shell characters stays a name)', async () => {
    const tree = path.join(dir, 'tree');
    const git = new Git(tree, { author: { name: 'Test', email: 'test@example.com' } });
    await git.run(['init', '--quiet', '--initial-branch=main', tree], dir);
    await writeFile(path.join(tree, 'a; rm -rf x.yaml'), 'a: 1\n');
    await git.add('a; rm -rf x.yaml');
    const commit = await git.commit('first\n\nDeliverkit-Image: x@sha256:1');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await git.lastCommit('a; rm -rf x.yaml', '^Deliverkit-Image: ')).toBe(commit);
    expect(await git.showHead()).toContain('+a: 1');
    expect(execFileSync('git', ['-C', tree, 'log', '-1', '--format=%an <%ae>']).toString().trim()).toBe(
      'Test <test@example.com>',
    );
  });

  it("reads a commit's committer date from the checkout, and nothing outside one", async () => {
    const repo = await mkdtemp(path.join(dir, 'dated-'));
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'c',
      GIT_COMMITTER_EMAIL: 'c@example.com',
      GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z',
    };
    execFileSync('git', ['init', '-q', repo], { env });
    execFileSync('git', ['-C', repo, 'commit', '-q', '--allow-empty', '-m', 'first'], { env });
    const sha = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { env }).toString().trim();
    expect(await new Git(repo).commitDate(sha)).toEqual(new Date('2026-11-20T10:00:00Z'));
    expect(await new Git(await mkdtemp(path.join(dir, 'not-git-'))).commitDate(sha)).toBeUndefined();
  });

  it('hands a token to git through the environment, never argv', async () => {
    const calls: { args: readonly string[]; env?: Record<string, string | undefined> }[] = [];
    const git = new Git(dir, {
      token: 'ghs_secret',
      exec: async (_cmd, args, options) => {
        calls.push({ args, env: options?.env });
        return { exitCode: 0, stdout: '', stderr: '' };
      },
    });
    await git.push('main', { force: true });
    expect(calls[0]!.args).toEqual(['push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/main']);
    expect(calls[0]!.args.join(' ')).not.toContain('ghs_secret');
    expect(calls[0]!.env?.GIT_CONFIG_VALUE_0).toBe(
      `AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_secret').toString('base64')}`,
    );
  });

  describe('when git fails', () => {
    it("throws action-kit's CommandInvocationError (each package wraps it at its boundary)", async () => {
      const e = await new Git(path.join(dir, 'missing')).showHead().catch((error: unknown) => error);
      expect(e).toBeInstanceOf(CommandInvocationError);
    });
  });
});
