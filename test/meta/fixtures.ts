import { contextFromEnv, type GitHubContext, type RepoInfo } from '@deliverkit/meta';

/**
 * GitHub contexts for the events docker/metadata-action's own test suite uses (same refs and
 * SHAs as its fixtures), so its documented results can be compared one to one.
 */

export const NOW = new Date('2020-01-10T00:30:00.000Z');

export const HELLO_WORLD: RepoInfo = {
  name: 'Hello-World',
  description: 'This your first repo!',
  htmlUrl: 'https://github.com/octocat/Hello-World',
  defaultBranch: 'master',
  licenses: 'MIT',
};

const repository = { default_branch: 'master', name: 'test-docker-action' };

export const SHA_DEV = '860c1904a1ce19322e91ac35af1ab07466440c37';
export const SHA_MASTER = '266574110acf203503badf966df2ea24b5d732d7';
export const SHA_INVALIDCHARS = '983315b5e8d46e46fc4c49869e85e7ee5fb289ba';
export const SHA_PR_MERGE = 'a9c8c5828b91be19d9728548b24759e352367ef1';
export const SHA_PR_HEAD = '3370e228f2209994d57af4427fe64e71bb79ac96';

function ctx(
  eventName: string,
  ref: string,
  sha: string,
  payload: Record<string, unknown> = {},
  extraEnv: Record<string, string> = {},
): GitHubContext {
  return contextFromEnv(
    { GITHUB_EVENT_NAME: eventName, GITHUB_REF: ref, GITHUB_SHA: sha, ...extraEnv },
    { repository, ...payload },
    { commitDate: NOW },
  );
}

const prPayload = {
  number: 15,
  pull_request: { number: 15, base: { ref: 'master' }, head: { sha: SHA_PR_HEAD } },
};

export const events = {
  empty: () => ctx('', '', ''),
  pushDev: () => ctx('push', 'refs/heads/dev', SHA_DEV),
  pushMaster: () => ctx('push', 'refs/heads/master', SHA_MASTER),
  pushInvalidChars: () => ctx('push', 'refs/heads/my/feature#1245', SHA_INVALIDCHARS),
  workflowDispatch: () => ctx('workflow_dispatch', 'refs/heads/master', SHA_DEV),
  tag: (name: string) => ctx('push', `refs/tags/${name}`, SHA_DEV, { base_ref: 'refs/heads/master' }),
  release: () => ctx('release', 'refs/tags/v1.1.1', SHA_DEV, { release: { tag_name: 'v1.1.1' } }),
  pullRequest: (headSha = false) =>
    ctx(
      'pull_request',
      'refs/pull/15/merge',
      SHA_PR_MERGE,
      prPayload,
      headSha ? { DOCKER_METADATA_PR_HEAD_SHA: 'true' } : {},
    ),
  // GitHub runs pull_request_target on the base branch; the rules must still see the PR.
  pullRequestTarget: (headSha = false) =>
    ctx(
      'pull_request_target',
      'refs/heads/master',
      SHA_MASTER,
      prPayload,
      headSha ? { DOCKER_METADATA_PR_HEAD_SHA: 'true' } : {},
    ),
  schedule: () => ctx('schedule', 'refs/heads/master', SHA_DEV),
};

/** The eight OCI labels metadata-action derives from the Hello-World repository. */
export function ociLabels(revision: string, version: string): string[] {
  return [
    'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
    'org.opencontainers.image.description=This your first repo!',
    'org.opencontainers.image.licenses=MIT',
    `org.opencontainers.image.revision=${revision}`,
    'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
    'org.opencontainers.image.title=Hello-World',
    'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
    `org.opencontainers.image.version=${version}`,
  ];
}
