// The workflow graph a run executes: the caller's workflow, and every reusable workflow its jobs call, resolved the
// way GitHub resolves them. act ignores `permissions:` and `environment:`; the stand-ins need both to answer as
// GitHub would (a token only for `id-token: write`, a REST call only within the job's GITHUB_TOKEN scopes), and the
// harness checks them the way GitHub does before a run starts (a nested job may not ask for more than its caller
// grants).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export type Level = 'none' | 'read' | 'write';
export type Permissions = Record<string, Level>;

/** Every scope GITHUB_TOKEN has (https://docs.github.com/actions/reference/workflow-syntax#permissions). */
export const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'security-events',
  'statuses',
] as const;

const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

/** A job that runs steps (not one that calls a workflow), with what GitHub would give it. */
export interface LeafJob {
  /** The `name:` of the workflow file that holds the job (act's GITHUB_WORKFLOW for it). */
  workflowName: string;
  /** repository/.github/workflows/file.yml */
  workflowPath: string;
  jobId: string;
  /** Caller jobs down to this one, e.g. ['pipeline', 'supply-chain', 'sign']. */
  path: string[];
  permissions: Permissions;
  /** The OIDC `job_workflow_ref` claim: the file that holds the job, at the ref it was called by. */
  jobWorkflowRef: string;
  /** `environment:` of the job, or of the caller job nearest to it; expressions left as written. */
  environment?: string;
}

export interface GraphProblem {
  path: string[];
  message: string;
}

export interface WorkflowGraph {
  leaves: LeafJob[];
  /** What GitHub refuses before any job starts (a nested job asking for more than its caller grants). */
  problems: GraphProblem[];
}

export interface GraphOptions {
  /** owner/name of the caller repository and its checkout. */
  repository: string;
  repositoryDir: string;
  /** The caller's workflow file, relative to repositoryDir. */
  workflow: string;
  /** The caller's ref (refs/heads/main, refs/tags/v1.0.0, refs/pull/1/merge). */
  ref: string;
  /** Other repositories' checkouts by owner/name: the toolkit, at the commit the caller pins. */
  repositories: Record<string, string>;
  /** Permissions a job gets when neither it nor its workflow says (the repository's default; GitHub's restricted one). */
  defaultPermissions?: Permissions;
}

const RESTRICTED_DEFAULT: Permissions = { contents: 'read', packages: 'read' };

/** `permissions:` as written (read-all, write-all, {}, a map) → every scope's level. */
export function normalizePermissions(value: unknown): Permissions {
  const out: Permissions = {};
  if (value === 'read-all' || value === 'write-all') {
    for (const s of SCOPES) out[s] = value === 'read-all' ? (s === 'id-token' ? 'none' : 'read') : 'write';
    return out;
  }
  for (const s of SCOPES) out[s] = 'none';
  if (value && typeof value === 'object') {
    for (const [scope, level] of Object.entries(value as Record<string, unknown>)) {
      if (level === 'read' || level === 'write' || level === 'none') out[scope] = level;
    }
  }
  return out;
}

interface Workflow {
  name?: string;
  permissions?: unknown;
  jobs?: Record<string, { uses?: string; permissions?: unknown; environment?: unknown }>;
}

function load(file: string): Workflow {
  return parse(readFileSync(file, 'utf8')) as Workflow;
}

export function buildWorkflowGraph(options: GraphOptions): WorkflowGraph {
  const repos: Record<string, string> = {
    ...options.repositories,
    [options.repository]: options.repositoryDir,
  };
  const leaves: LeafJob[] = [];
  const problems: GraphProblem[] = [];
  const defaults = normalizePermissions(options.defaultPermissions ?? RESTRICTED_DEFAULT);

  const visit = (
    repo: string,
    file: string,
    ref: string,
    granted: Permissions | undefined,
    callerPath: string[],
    callerEnvironment: string | undefined,
  ) => {
    const dir = repos[repo];
    if (!dir) {
      problems.push({
        path: callerPath,
        message: `${repo} is not available here (only ${Object.keys(repos).join(', ')})`,
      });
      return;
    }
    const workflow = load(path.join(dir, file));
    const workflowPath = `${repo}/${file}`;
    for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
      const jobPath = [...callerPath, jobId];
      // A job's own permissions, else its workflow's; a called workflow's jobs without either inherit the caller's.
      const declared =
        job.permissions !== undefined
          ? normalizePermissions(job.permissions)
          : workflow.permissions !== undefined
            ? normalizePermissions(workflow.permissions)
            : (granted ?? defaults);
      if (granted) {
        for (const [scope, level] of Object.entries(declared)) {
          const allowed = granted[scope] ?? 'none';
          if (RANK[level] > RANK[allowed]) {
            problems.push({
              path: jobPath,
              message: `The nested job '${jobId}' is requesting '${scope}: ${level}', but is only allowed '${scope}: ${allowed}'.`,
            });
          }
        }
      }
      // environment: a name, or {name, url}.
      const env = job.environment as string | { name?: unknown } | undefined;
      const named = typeof env === 'string' ? env : typeof env?.name === 'string' ? env.name : undefined;
      const environment = named ?? callerEnvironment;
      if (job.uses) {
        const local = job.uses.startsWith('./');
        const m = local
          ? null
          : /^([\w.-]+\/[\w.-]+)\/(\.github\/workflows\/[\w.-]+\.ya?ml)@(.+)$/.exec(job.uses);
        if (!local && !m) {
          problems.push({ path: jobPath, message: `cannot resolve uses: ${job.uses}` });
          continue;
        }
        // `./` is the same repository at the same commit as the workflow that calls it (GitHub's rule).
        const target = local
          ? { repo, file: job.uses.slice(2), ref }
          : { repo: m![1]!, file: m![2]!, ref: m![3]! };
        visit(target.repo, target.file, target.ref, declared, jobPath, environment);
        continue;
      }
      leaves.push({
        workflowName: workflow.name ?? file,
        workflowPath,
        jobId,
        path: jobPath,
        permissions: declared,
        jobWorkflowRef: `${workflowPath}@${ref}`,
        environment,
      });
    }
  };
  visit(options.repository, options.workflow, options.ref, undefined, [], undefined);
  return { leaves, problems };
}

/** The leaf job a process belongs to, from act's GITHUB_WORKFLOW (the file's name:) and GITHUB_JOB. */
export function findLeaf(graph: WorkflowGraph, workflowName: string, jobId: string): LeafJob | undefined {
  const matches = graph.leaves.filter((l) => l.workflowName === workflowName && l.jobId === jobId);
  // Two calls of one workflow (deploy.yml for staging and production) give the same job the same name; both
  // must then grant the same, or the stand-ins cannot tell which one asks and refuse.
  if (matches.length > 1) {
    const first = JSON.stringify(matches[0]!.permissions);
    if (matches.some((m) => JSON.stringify(m.permissions) !== first)) return undefined;
  }
  return matches[0];
}
