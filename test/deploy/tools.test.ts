import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandInvocationError } from '@deliverkit/action-kit';
import { DeployError } from '@deliverkit/deploy';
import { gitopsDeploy } from '../../packages/deploy/src/gitops';
import { parseImageOverrides } from '../../packages/deploy/src/manifests';
import { Kubectl } from '../../packages/deploy/src/kubectl';

const AUTHOR = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'deploy-tools-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('GitOps', () => {
  describe('when a git command fails after the clone', () => {
    it('throws DeployError GITOPS_FAILED with the command failure as cause', async () => {
      // A git that works, except that it refuses to commit.
      const bare = path.join(dir, 'deploy.git');
      const seed = path.join(dir, 'seed');
      const sh = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: AUTHOR });
      sh(dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
      sh(dir, 'clone', '--quiet', bare, seed);
      await mkdir(path.join(seed, 'overlay'));
      await writeFile(
        path.join(seed, 'overlay', 'kustomization.yaml'),
        'images:\n- name: app\n  digest: sha256:' + 'a'.repeat(64) + '\n',
      );
      sh(seed, 'add', '.');
      sh(seed, 'commit', '--quiet', '-m', 'seed');
      sh(seed, 'push', '--quiet', 'origin', 'HEAD:main');
      const noCommit = path.join(dir, 'git-no-commit');
      await writeFile(
        noCommit,
        '#!/bin/sh\n[ "$1" = commit ] && { echo "commit refused" >&2; exit 1; }\nexec git "$@"\n',
        { mode: 0o755 },
      );
      const e = await caught(
        gitopsDeploy({
          repo: bare,
          baseBranch: 'main',
          path: 'overlay',
          pathInput: 'gitops-path',
          images: parseImageOverrides([`app@sha256:${'b'.repeat(64)}`], 'images'),
          mode: 'push',
          git: noCommit,
        }),
      );
      expect(e).toBeInstanceOf(DeployError);
      expect((e as DeployError).code).toBe('GITOPS_FAILED');
      expect((e as DeployError).message).toContain('commit refused');
      expect((e as DeployError).cause).toBeInstanceOf(CommandInvocationError);
    });
  });
});

describe('Kubectl', () => {
  describe('when kubectl cannot run', () => {
    it('throws DeployError KUSTOMIZE_FAILED with the command failure as cause', async () => {
      const e = await caught(new Kubectl({ kubectl: path.join(dir, 'no-kubectl') }).kustomize(dir));
      expect(e).toBeInstanceOf(DeployError);
      expect((e as DeployError).code).toBe('KUSTOMIZE_FAILED');
      expect((e as DeployError).cause).toBeInstanceOf(CommandInvocationError);
    });
  });
});
