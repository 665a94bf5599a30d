import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandInvocationError } from '@deliverkit/action-kit';
import { DeployError } from '@deliverkit/deploy';
import { Git } from '../../packages/deploy/src/git';
import { Kubectl } from '../../packages/deploy/src/kubectl';

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

describe('Git', () => {
  it('commits a file and reads it back through argument arrays', async () => {
    const git = new Git(dir, { author: { name: 'Test', email: 'test@example.com' } });
    await git.run(['init', '--quiet', '--initial-branch=main']);
    await writeFile(path.join(dir, 'a; rm -rf x.yaml'), 'a: 1\n');
    await git.add('a; rm -rf x.yaml');
    const commit = await git.commit('first\n\nDeliverkit-Image: x@sha256:1');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await git.lastCommit('a; rm -rf x.yaml', '^Deliverkit-Image: ')).toBe(commit);
    expect(await git.showHead()).toContain('+a: 1');
  });

  describe('when git fails', () => {
    it('throws DeployError GITOPS_FAILED with the command failure as cause', async () => {
      const e = await caught(new Git(path.join(dir, 'missing')).showHead());
      expect(e).toBeInstanceOf(DeployError);
      expect((e as DeployError).code).toBe('GITOPS_FAILED');
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
