/**
 * The GitHub context the rules are computed from, built from the runner's environment and the
 * event payload the same way metadata-action's `context: workflow` source does. Pure: the caller
 * reads GITHUB_EVENT_PATH and passes the parsed payload.
 */

export type EventPayload = Record<string, unknown>;

export interface GitHubContext {
  eventName: string;
  /** Full ref, e.g. refs/heads/main, refs/tags/v1.2.3, refs/pull/15/merge. */
  ref: string;
  sha: string;
  payload: EventPayload;
  /** Committer date of `sha`; `{{commit_date …}}` renders it. */
  commitDate: Date;
}

/** What metadata-action reads from the repository API (`GET /repos/{owner}/{repo}`). */
export interface RepoInfo {
  name: string;
  description: string;
  htmlUrl: string;
  defaultBranch: string;
  /** SPDX id of the detected licence, '' when none. */
  licenses: string;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export interface ContextFromEnvOptions {
  /** Fallback when neither the payload's commits nor its head_commit date the commit (default: now). */
  commitDate?: Date;
}

/**
 * GITHUB_EVENT_NAME/REF/SHA plus the payload. As in metadata-action: `pull_request_target` uses the
 * PR's merge ref instead of the base branch, and DOCKER_METADATA_PR_HEAD_SHA=true uses the PR head
 * commit instead of the merge commit.
 */
export function contextFromEnv(
  env: Record<string, string | undefined>,
  payload: EventPayload,
  options: ContextFromEnvOptions = {},
): GitHubContext {
  const eventName = env['GITHUB_EVENT_NAME'] ?? '';
  let ref = env['GITHUB_REF'] ?? '';
  let sha = env['GITHUB_SHA'] ?? '';
  if (/pull_request_target/.test(eventName)) ref = `refs/pull/${String(payload['number'])}/merge`;
  if (/true/i.test(env['DOCKER_METADATA_PR_HEAD_SHA'] ?? '') && /pull_request/.test(eventName)) {
    const headSha = str(obj(obj(payload['pull_request'])?.['head'])?.['sha']);
    if (headSha !== undefined) sha = headSha;
  }
  return {
    eventName,
    ref,
    sha,
    payload,
    commitDate: commitDateFromPayload(payload, sha) ?? options.commitDate ?? new Date(),
  };
}

/** The commit's timestamp from a push payload (`commits[]` or `head_commit`), when it is there. */
export function commitDateFromPayload(payload: EventPayload, sha: string): Date | undefined {
  const commits = payload['commits'];
  if (Array.isArray(commits)) {
    const hit = commits.map(obj).find((c) => c?.['id'] === sha);
    const ts = str(hit?.['timestamp']);
    if (ts) return new Date(ts);
  }
  const head = obj(payload['head_commit']);
  if (head && head['id'] === sha && str(head['timestamp'])) return new Date(head['timestamp'] as string);
  return undefined;
}

/**
 * Repository facts from the event payload's `repository` object (present on push, pull_request,
 * release, schedule and workflow_dispatch events), falling back to GITHUB_REPOSITORY and
 * GITHUB_SERVER_URL. metadata-action asks the REST API instead; the payload carries the same fields.
 */
export function repoFromPayload(payload: EventPayload, env: Record<string, string | undefined>): RepoInfo {
  const repo = obj(payload['repository']) ?? {};
  const full = env['GITHUB_REPOSITORY'] ?? '';
  const server = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
  return {
    name: str(repo['name']) ?? full.split('/')[1] ?? '',
    description: str(repo['description']) ?? '',
    htmlUrl: str(repo['html_url']) ?? (full ? `${server}/${full}` : ''),
    defaultBranch: str(repo['default_branch']) ?? str(repo['master_branch']) ?? '',
    licenses: str(obj(repo['license'])?.['spdx_id']) ?? '',
  };
}
