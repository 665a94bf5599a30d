// GitHub's hosted services, as the jobs of one act run see them: the OIDC token endpoint
// (ACTIONS_ID_TOKEN_REQUEST_URL) and a REST API stub (GITHUB_API_URL) for what our workflows call — deployments and
// their statuses, issue comments, collaborator permission, pull requests, refs, workflow runs and SARIF upload.
// Both answer per job, as GitHub does: the asking process is found through /proc (requester.ts), its job in the
// workflow graph (graph.ts), and a token or a call is refused when the job's declared permissions do not allow it.
// State is kept in memory and read back by the harness to assert on.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findLeaf, type LeafJob, type Level, type WorkflowGraph } from './graph';
import { requesterEnvironment } from './requester';

export interface RunContext {
  graph: WorkflowGraph;
  /** owner/name of the caller repository. */
  repository: string;
  /** The caller's workflow: its name: and its path in the repository. */
  workflowName: string;
  workflowFile: string;
  visibility: 'public' | 'private' | 'internal';
  defaultBranch: string;
}

export interface Deployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  task: string;
  payload: unknown;
  description: string | null;
  production_environment: boolean;
  transient_environment: boolean;
  created_at: string;
  creator: string;
  statuses: DeploymentStatus[];
}

export interface DeploymentStatus {
  id: number;
  state: string;
  environment_url?: string;
  log_url?: string;
  description?: string;
  created_at: string;
}

export interface Refusal {
  method: string;
  path: string;
  job: string;
  reason: string;
}

export interface GitHubStandIn {
  /** Env for act: the OIDC endpoint and the API URL. */
  env: Record<string, string>;
  /** The GITHUB_TOKEN every job is handed (act's `-s GITHUB_TOKEN`). */
  token: string;
  apiUrl: string;
  /** What the next run is; set before each act run. */
  setRun(run: RunContext): void;
  /** Collaborators and their permission (admin, maintain, write, triage, read). */
  collaborators: Record<string, string>;
  deployments: Deployment[];
  comments: { issue: number; body: string; user: string }[];
  pulls: { number: number; title: string; head: string; base: string; body: string; html_url: string }[];
  sarifs: { commit_sha: string; ref: string; job: string }[];
  /** Tokens issued: which job asked, for which audience. */
  tokens: { job: string; audience: string; claims: Record<string, unknown> }[];
  refusals: Refusal[];
  /** Requests no route answers (what a workflow calls that the stub lacks). */
  unhandled: string[];
  stop(): Promise<void>;
}

export interface StandInOptions {
  /** Signs an identity token for these claims (the local Sigstore's `fakeIdentityToken`). */
  identityToken: (claims: Record<string, unknown>) => string;
  /** Tokens with every scope (a PAT given as a secret, e.g. gitops-token). */
  personalTokens?: string[];
  /** Repositories besides the run's that the stub answers for (e.g. a GitOps repository). */
  otherRepositories?: string[];
}

const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 10 * 1024 * 1024) throw new HttpError(413, 'request body over 10 MiB');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'Problems parsing JSON');
  }
}

export async function startGitHubStandIn(options: StandInOptions): Promise<GitHubStandIn> {
  const token = `ghs_standin${Math.random().toString(36).slice(2)}`;
  const requestToken = `oidc-req-${Math.random().toString(36).slice(2)}`;
  let run: RunContext | undefined;
  let nextId = 1000;
  const state = {
    collaborators: {} as Record<string, string>,
    deployments: [] as Deployment[],
    comments: [] as GitHubStandIn['comments'],
    pulls: [] as GitHubStandIn['pulls'],
    sarifs: [] as GitHubStandIn['sarifs'],
    tokens: [] as GitHubStandIn['tokens'],
    refusals: [] as Refusal[],
    unhandled: [] as string[],
  };

  /** The asking job, or an HttpError saying why it cannot be told. */
  const asker = (
    req: IncomingMessage,
    serverPort: number,
  ): { leaf: LeafJob; env: Record<string, string> } => {
    if (!run) throw new HttpError(503, 'no run is set on the stand-in');
    const env = requesterEnvironment(req.socket.remotePort ?? 0, serverPort);
    if (!env?.GITHUB_JOB) throw new HttpError(403, 'the asking process is not a job of this run');
    const leaf = findLeaf(run.graph, env.GITHUB_WORKFLOW ?? '', env.GITHUB_JOB);
    if (!leaf)
      throw new HttpError(403, `no job ${env.GITHUB_WORKFLOW}/${env.GITHUB_JOB} in the run's workflow graph`);
    return { leaf, env };
  };

  const need = (leaf: LeafJob, scope: string, level: Level) => {
    if (RANK[leaf.permissions[scope] ?? 'none'] < RANK[level])
      throw new HttpError(
        403,
        `Resource not accessible by integration (job ${leaf.path.join('/')} lacks ${scope}: ${level})`,
      );
  };

  const claimsFor = (
    leaf: LeafJob,
    env: Record<string, string>,
    audience: string,
  ): Record<string, unknown> => {
    const r = run!;
    const [owner] = r.repository.split('/');
    const ref = env.GITHUB_REF ?? `refs/heads/${r.defaultBranch}`;
    const jobSha = leaf.jobWorkflowRef.split('@')[1] ?? '';
    const event = env.GITHUB_EVENT_NAME ?? 'push';
    const environment = leaf.environment && !leaf.environment.includes('${{') ? leaf.environment : undefined;
    return {
      aud: audience,
      sub: environment
        ? `repo:${r.repository}:environment:${environment}`
        : event === 'pull_request'
          ? `repo:${r.repository}:pull_request`
          : `repo:${r.repository}:ref:${ref}`,
      repository: r.repository,
      repository_owner: owner,
      repository_visibility: r.visibility,
      ref,
      ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      sha: env.GITHUB_SHA,
      event_name: event,
      actor: env.GITHUB_ACTOR || 'octocat',
      run_id: env.GITHUB_RUN_ID,
      run_number: env.GITHUB_RUN_NUMBER,
      run_attempt: env.GITHUB_RUN_ATTEMPT || '1',
      workflow: r.workflowName,
      workflow_ref: `${r.repository}/${r.workflowFile}@${ref}`,
      workflow_sha: env.GITHUB_SHA,
      job_workflow_ref: leaf.jobWorkflowRef,
      job_workflow_sha: /^[0-9a-f]{40}$/.test(jobSha) ? jobSha : env.GITHUB_SHA,
      runner_environment: 'self-hosted',
      ...(environment ? { environment } : {}),
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, serverPort: number) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    // The OIDC token endpoint: GitHub gives it (ACTIONS_ID_TOKEN_REQUEST_URL) only to jobs with id-token: write.
    if (url.pathname === '/oidc/token') {
      if (req.headers.authorization !== `Bearer ${requestToken}`) throw new HttpError(401, 'Bad credentials');
      const { leaf, env } = asker(req, serverPort);
      need(leaf, 'id-token', 'write');
      const audience =
        url.searchParams.get('audience') ?? `https://github.com/${run!.repository.split('/')[0]}`;
      const claims = claimsFor(leaf, env, audience);
      state.tokens.push({ job: leaf.path.join('/'), audience, claims });
      return send(200, { count: 1, value: options.identityToken(claims) });
    }
    const auth = req.headers.authorization ?? '';
    const presented = auth.replace(/^(token|bearer)\s+/i, '');
    const pat = (options.personalTokens ?? []).includes(presented);
    if (presented !== token && !pat) throw new HttpError(401, 'Bad credentials');
    const { leaf, env } = asker(req, serverPort);
    const scope = (s: string, l: Level) => {
      if (!pat) need(leaf, s, l);
    };
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) throw new HttpError(404, 'Not Found');
    const repo = `${m[1]}/${m[2]}`;
    if (repo !== run!.repository && !(options.otherRepositories ?? []).includes(repo))
      throw new HttpError(404, `Not Found (${repo})`);
    const rest = m[3] ?? '';
    const method = req.method ?? 'GET';
    const who = env.GITHUB_ACTOR || 'github-actions[bot]';
    let r: RegExpExecArray | null;
    if (rest === '' && method === 'GET') {
      return send(200, {
        full_name: repo,
        default_branch: run!.defaultBranch,
        private: run!.visibility !== 'public',
        visibility: run!.visibility,
      });
    }
    if (rest === '/deployments' && method === 'POST') {
      scope('deployments', 'write');
      const b = await body(req);
      if (typeof b.ref !== 'string' || !b.ref) throw new HttpError(422, 'ref is required');
      const d: Deployment = {
        id: nextId++,
        ref: b.ref,
        sha:
          typeof b.sha === 'string' ? b.sha : /^[0-9a-f]{40}$/.test(b.ref) ? b.ref : (env.GITHUB_SHA ?? ''),
        environment: typeof b.environment === 'string' ? b.environment : 'production',
        task: typeof b.task === 'string' ? b.task : 'deploy',
        payload: typeof b.payload === 'string' ? JSON.parse(b.payload || '{}') : (b.payload ?? {}),
        description: typeof b.description === 'string' ? b.description : null,
        production_environment: b.production_environment === true,
        transient_environment: b.transient_environment === true,
        created_at: new Date().toISOString(),
        creator: who,
        statuses: [],
      };
      state.deployments.push(d);
      return send(201, deploymentJson(d));
    }
    if (rest === '/deployments' && method === 'GET') {
      scope('deployments', 'read');
      const q = url.searchParams;
      const list = state.deployments
        .filter(
          (d) =>
            (!q.get('sha') || d.sha === q.get('sha')) &&
            (!q.get('ref') || d.ref === q.get('ref')) &&
            (!q.get('environment') || d.environment === q.get('environment')) &&
            (!q.get('task') || d.task === q.get('task')),
        )
        .reverse();
      return send(200, list.map(deploymentJson));
    }
    if ((r = /^\/deployments\/(\d+)\/statuses$/.exec(rest))) {
      const d = state.deployments.find((x) => x.id === Number(r![1]));
      if (!d) throw new HttpError(404, 'Not Found');
      if (method === 'GET') {
        scope('deployments', 'read');
        return send(200, [...d.statuses].reverse());
      }
      scope('deployments', 'write');
      const b = await body(req);
      const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
      if (typeof b.state !== 'string' || !states.includes(b.state))
        throw new HttpError(422, `state must be one of ${states.join(', ')}`);
      const s: DeploymentStatus = {
        id: nextId++,
        state: b.state,
        environment_url: typeof b.environment_url === 'string' ? b.environment_url : undefined,
        log_url: typeof b.log_url === 'string' ? b.log_url : undefined,
        description: typeof b.description === 'string' ? b.description : undefined,
        created_at: new Date().toISOString(),
      };
      d.statuses.push(s);
      // GitHub's auto_inactive (default true): a new success marks the environment's earlier deployments inactive.
      if (b.state === 'success' && b.auto_inactive !== false && !d.transient_environment) {
        for (const other of state.deployments) {
          if (
            other !== d &&
            other.environment === d.environment &&
            other.statuses.at(-1)?.state === 'success'
          ) {
            other.statuses.push({ id: nextId++, state: 'inactive', created_at: new Date().toISOString() });
          }
        }
      }
      return send(201, s);
    }
    if ((r = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      if (method === 'GET')
        return send(
          200,
          state.comments.filter((c) => c.issue === Number(r![1])),
        );
      if (
        RANK[leaf.permissions.issues ?? 'none'] < 2 &&
        RANK[leaf.permissions['pull-requests'] ?? 'none'] < 2
      )
        scope('issues', 'write');
      const b = await body(req);
      if (typeof b.body !== 'string' || !b.body) throw new HttpError(422, 'body is required');
      const c = { issue: Number(r[1]), body: b.body, user: 'github-actions[bot]' };
      state.comments.push(c);
      return send(201, { id: nextId++, ...c, user: { login: c.user } });
    }
    if ((r = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === 'GET') {
      const user = decodeURIComponent(r[1]!);
      const permission = state.collaborators[user] ?? 'none';
      // GitHub's `permission` field folds maintain → write and triage → read; `role_name` keeps the role.
      const folded = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
      return send(200, { permission: folded, role_name: permission, user: { login: user } });
    }
    if (rest === '/pulls' && method === 'POST') {
      scope('pull-requests', 'write');
      const b = await body(req);
      for (const f of ['title', 'head', 'base'])
        if (typeof b[f] !== 'string' || !b[f]) throw new HttpError(422, `${f} is required`);
      const number = state.pulls.length + 1;
      const p = {
        number,
        title: b.title as string,
        head: b.head as string,
        base: b.base as string,
        body: typeof b.body === 'string' ? b.body : '',
        html_url: `https://github.com/${repo}/pull/${number}`,
      };
      state.pulls.push(p);
      return send(201, { ...p, head: { ref: p.head }, base: { ref: p.base } });
    }
    if (rest === '/pulls' && method === 'GET') {
      scope('pull-requests', 'read');
      const head = url.searchParams.get('head');
      return send(
        200,
        state.pulls
          .filter((p) => !head || head.endsWith(`:${p.head}`) || head === p.head)
          .map((p) => ({ ...p, head: { ref: p.head }, base: { ref: p.base } })),
      );
    }
    if ((r = /^\/actions\/runs\/(\d+)$/.exec(rest)) && method === 'GET') {
      scope('actions', 'read');
      // The run's referenced_workflows: every reusable workflow it called, at the commit it ran.
      const seen = new Map<string, { path: string; sha: string; ref: string }>();
      for (const l of run!.graph.leaves) {
        const [p, ref] = l.jobWorkflowRef.split('@') as [string, string];
        if (p.startsWith(`${run!.repository}/`)) continue;
        seen.set(l.jobWorkflowRef, { path: `${p}@${ref}`, sha: /^[0-9a-f]{40}$/.test(ref) ? ref : '', ref });
      }
      return send(200, {
        id: Number(r[1]),
        head_sha: env.GITHUB_SHA,
        path: run!.workflowFile,
        event: env.GITHUB_EVENT_NAME,
        referenced_workflows: [...seen.values()],
      });
    }
    if (rest === '/code-scanning/sarifs' && method === 'POST') {
      scope('security-events', 'write');
      const b = await body(req);
      if (typeof b.sarif !== 'string') throw new HttpError(422, 'sarif is required (gzip, base64)');
      state.sarifs.push({ commit_sha: String(b.commit_sha), ref: String(b.ref), job: leaf.path.join('/') });
      return send(202, { id: `sarif-${nextId++}` });
    }
    state.unhandled.push(`${method} ${url.pathname}`);
    throw new HttpError(404, `Not Found (the stand-in has no ${method} ${url.pathname})`);
  };

  const server: Server = createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    handle(req, res, port).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      const message = (e as Error).message;
      if (status === 403) {
        const env = requesterEnvironment(req.socket.remotePort ?? 0, port);
        state.refusals.push({
          method: req.method ?? 'GET',
          path: new URL(req.url ?? '/', 'http://localhost').pathname,
          job: `${env?.GITHUB_WORKFLOW ?? '?'}/${env?.GITHUB_JOB ?? '?'}`,
          reason: message,
        });
      }
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const apiUrl = `http://127.0.0.1:${port}`;
  // The state itself is the handle: the harness reads the arrays the handlers append to, and sets collaborators.
  return Object.assign(state, {
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${apiUrl}/oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      GITHUB_API_URL: apiUrl,
    },
    token,
    apiUrl,
    setRun: (r: RunContext) => {
      run = r;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function deploymentJson(d: Deployment): Record<string, unknown> {
  const { statuses: _statuses, ...rest } = d;
  return { ...rest, url: `/deployments/${d.id}`, statuses_url: `/deployments/${d.id}/statuses` };
}
