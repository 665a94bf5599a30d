import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageOverrides } from '@deliverkit/deploy';
import { gitopsDeploy, gitopsRollback, setKustomizationDigests } from '../../packages/deploy/src/gitops';
import { IMAGE, digest } from './fixtures';

const A = digest('a');
const B = digest('b');

const OVERLAY = `# production overlay — reviewed by the platform team
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base   # shared base
images:
  - name: ${IMAGE}   # the app
    newTag: "1.0"
    digest: ${A}
  - name: redis
    newTag: '7.2'
patches:
  - path: replicas.yaml
`;

describe('setKustomizationDigests', () => {
  it('changes only the digest value, keeping comments, quoting and order', () => {
    const { text, changed } = setKustomizationDigests(
      OVERLAY,
      parseImageOverrides([`${IMAGE}@${B}`], 'images'),
      'gitops-path',
    );
    expect(changed).toBe(true);
    expect(text).toBe(OVERLAY.replace(A, B));
  });

  it('adds a digest line under an entry without one, and appends a missing entry', () => {
    const { text } = setKustomizationDigests(
      OVERLAY,
      parseImageOverrides([`redis@${B}`, `ghcr.io/o/sidecar@${A}`], 'images'),
      'gitops-path',
    );
    expect(text).toContain(
      `  - name: redis\n    digest: ${B}\n    newTag: '7.2'\n  - name: ghcr.io/o/sidecar\n    digest: ${A}\npatches:`,
    );
    expect(
      text.replace(`    digest: ${B}\n`, '').replace(`  - name: ghcr.io/o/sidecar\n    digest: ${A}\n`, ''),
    ).toBe(OVERLAY);
  });

  it('refuses a kustomization nested past the limit before parsing it', () => {
    const deep = `images: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    expect(() =>
      setKustomizationDigests(deep, parseImageOverrides([`${IMAGE}@${B}`], 'images'), 'gitops-path'),
    ).toThrow(/nests deeper than 1024 levels/);
  });

  it('is a no-op when the digest is already pinned', () => {
    expect(
      setKustomizationDigests(OVERLAY, parseImageOverrides([`${IMAGE}@${A}`], 'images'), 'gitops-path'),
    ).toEqual({
      text: OVERLAY,
      changed: false,
    });
  });

  it('creates the images list when there is none', () => {
    const { text } = setKustomizationDigests(
      'resources:\n- app.yaml\n',
      parseImageOverrides([`${IMAGE}@${A}`], 'images'),
      'gitops-path',
    );
    expect(text).toBe(`resources:\n- app.yaml\nimages:\n- name: ${IMAGE}\n  digest: ${A}\n`);
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e',
    },
  }).trim();
}

async function bareRepo(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gitops-'));
  const bare = path.join(root, 'deploy.git');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  const work = path.join(root, 'seed');
  git(root, 'clone', '--quiet', bare, work);
  await import('node:fs/promises').then((fs) =>
    fs.mkdir(path.join(work, 'overlays', 'production'), { recursive: true }),
  );
  await writeFile(path.join(work, 'overlays', 'production', 'kustomization.yaml'), OVERLAY);
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'seed');
  git(work, 'push', '--quiet', 'origin', 'HEAD:main');
  return bare;
}

describe('gitops mode against a local bare repository', () => {
  it('commits exactly the digest line on a branch, opens a PR, and is a no-op the second time', async () => {
    const repo = await bareRepo();
    const prs: { head: string; base: string }[] = [];
    const options = {
      repo,
      baseBranch: 'main',
      path: 'overlays/production',
      pathInput: 'gitops-path',
      images: parseImageOverrides([`${IMAGE}@${B}`], 'images'),
      mode: 'pull-request' as const,
      openPullRequest: async (pr: { head: string; base: string }) => {
        prs.push(pr);
        return `https://github.example/octo/deploy/pull/${prs.length}`;
      },
    };
    const r = await gitopsDeploy(options);
    expect(r).toMatchObject({
      changed: true,
      file: 'overlays/production/kustomization.yaml',
      pullRequestUrl: 'https://github.example/octo/deploy/pull/1',
    });
    expect(prs[0]).toMatchObject({ head: r.branch, base: 'main' });
    const diff = git(
      repo,
      'diff',
      '--unified=0',
      'main',
      r.branch!,
      '--',
      'overlays/production/kustomization.yaml',
    );
    const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed).toEqual([`-    digest: ${A}`, `+    digest: ${B}`]);
    expect(git(repo, 'rev-parse', r.branch!)).toBe(r.commit);
    expect(git(repo, 'log', '-1', '--format=%B', r.branch!)).toContain(`Deliverkit-Image: ${IMAGE}@${B}`);

    const same = await gitopsDeploy({ ...options, images: parseImageOverrides([`${IMAGE}@${A}`], 'images') });
    expect(same).toMatchObject({ changed: false });
    expect(prs).toHaveLength(1);
  });

  it('plans in dry-run: the diff of the digest line, and no commit, branch, push or pull request', async () => {
    const repo = await bareRepo();
    const refsBefore = git(repo, 'for-each-ref', '--format=%(refname) %(objectname)');
    let opened = 0;
    const r = await gitopsDeploy({
      repo,
      baseBranch: 'main',
      path: 'overlays/production',
      pathInput: 'gitops-path',
      images: parseImageOverrides([`${IMAGE}@${B}`], 'images'),
      mode: 'pull-request',
      openPullRequest: async () => {
        opened++;
        return 'https://github.example/never';
      },
      dryRun: true,
    });
    expect(r).toMatchObject({ changed: true, file: 'overlays/production/kustomization.yaml' });
    expect(r.commit).toBeUndefined();
    expect(r.diff).toContain(`+    digest: ${B}`);
    expect(r.diff).toContain(`-    digest: ${A}`);
    expect(git(repo, 'for-each-ref', '--format=%(refname) %(objectname)')).toBe(refsBefore);
    expect(opened).toBe(0);
  });

  it('pushes to the base branch when asked, and rolls back with a revert commit', async () => {
    const repo = await bareRepo();
    const pushed = await gitopsDeploy({
      repo,
      baseBranch: 'main',
      path: 'overlays/production',
      pathInput: 'gitops-path',
      images: parseImageOverrides([`${IMAGE}@${B}`], 'images'),
      mode: 'push',
    });
    expect(git(repo, 'rev-parse', 'main')).toBe(pushed.commit);
    const reverted = await gitopsRollback({
      repo,
      baseBranch: 'main',
      path: 'overlays/production',
      pathInput: 'gitops-path',
      mode: 'push',
    });
    expect(git(repo, 'rev-parse', 'main')).toBe(reverted.commit);
    expect(git(repo, 'show', 'main:overlays/production/kustomization.yaml')).toBe(OVERLAY.trimEnd());
    expect(git(repo, 'log', '-1', '--format=%s', 'main')).toMatch(/^Revert "deploy:/);
  });
});
