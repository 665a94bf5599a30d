// The GitHub stand-ins the workflow harness runs on: the workflow graph answers what GitHub decides from the
// workflow files (effective permissions through reusable workflows, job_workflow_ref, the nested-permission
// check), and the token / REST endpoints answer each asking process by its job.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorkflowGraph,
  findLeaf,
  startGitHubStandIn,
  type GitHubStandIn,
} from '@deliverkit/testing-github';

const root = path.resolve(__dirname, '../..');
const SHA = 'f'.repeat(40);

async function callerRepo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'caller-'));
  await mkdir(path.join(dir, '.github/workflows'), { recursive: true });
  for (const [f, text] of Object.entries(files))
    await writeFile(path.join(dir, '.github/workflows', f), text);
  return dir;
}

const ciCd = (permissions: string) => `name: ci-cd
on: push
permissions: {}
jobs:
  pipeline:
    uses: deliverkit/deliverkit/.github/workflows/pipeline.yml@${SHA}
    permissions: ${permissions}
    with: { image: x, kustomize-dir: d, app: a }
`;

describe('workflow graph', () => {
  it("gives each job of the toolkit's pipeline what GitHub would: id-token only to the signing job", async () => {
    const dir = await callerRepo({
      'ci-cd.yml': ciCd(
        '{ actions: read, contents: read, packages: write, id-token: write, security-events: write, deployments: write }',
      ),
    });
    const graph = buildWorkflowGraph({
      repository: 'acme/hello',
      repositoryDir: dir,
      workflow: '.github/workflows/ci-cd.yml',
      ref: 'refs/heads/main',
      repositories: { 'deliverkit/deliverkit': root },
    });
    expect(graph.problems).toEqual([]);
    const sign = findLeaf(graph, 'supply-chain', 'sign')!;
    expect(sign.path).toEqual(['pipeline', 'supply-chain', 'sign']);
    expect(sign.permissions['id-token']).toBe('write');
    // `./` in pipeline.yml is the toolkit at the same commit, not the caller.
    expect(sign.jobWorkflowRef).toBe(`deliverkit/deliverkit/.github/workflows/supply-chain.yml@${SHA}`);
    const withToken = graph.leaves
      .filter((l) => l.permissions['id-token'] === 'write')
      .map((l) => l.path.join('/'));
    expect(withToken).toEqual(['pipeline/supply-chain/sign']);
    expect(findLeaf(graph, 'build', 'platform')!.permissions.packages).toBe('write');
    expect(findLeaf(graph, 'deploy', 'deploy')!.environment).toBe('${{ inputs.environment }}');
  });

  it("reports a nested job asking for more than its caller grants, in GitHub's words", async () => {
    const dir = await callerRepo({ 'ci-cd.yml': ciCd('{ actions: read, contents: read, packages: read }') });
    const graph = buildWorkflowGraph({
      repository: 'acme/hello',
      repositoryDir: dir,
      workflow: '.github/workflows/ci-cd.yml',
      ref: 'refs/heads/main',
      repositories: { 'deliverkit/deliverkit': root },
    });
    expect(graph.problems.map((p) => p.message)).toContain(
      "The nested job 'build' is requesting 'packages: write', but is only allowed 'packages: read'.",
    );
    expect(graph.problems.some((p) => /'supply-chain' is requesting 'id-token: write'/.test(p.message))).toBe(
      true,
    );
  });
});

describe('token and REST stand-ins answer per asking job', () => {
  let github: GitHubStandIn;
  beforeAll(async () => {
    github = await startGitHubStandIn({ identityToken: (claims) => `token-for:${JSON.stringify(claims)}` });
    const dir = await callerRepo({
      'w.yml': `name: w
on: push
permissions: {}
jobs:
  signer:
    runs-on: x
    permissions: { id-token: write, contents: read }
    steps: [{ run: 'true' }]
  reader:
    runs-on: x
    permissions: { contents: read }
    steps: [{ run: 'true' }]
`,
    });
    github.setRun({
      graph: buildWorkflowGraph({
        repository: 'acme/hello',
        repositoryDir: dir,
        workflow: '.github/workflows/w.yml',
        ref: 'refs/heads/main',
        repositories: {},
      }),
      repository: 'acme/hello',
      workflowName: 'w',
      workflowFile: '.github/workflows/w.yml',
      visibility: 'public',
      defaultBranch: 'main',
    });
  });
  afterAll(() => github.stop());

  /** What a job's process gets from a URL: its env says which job it is, as act's does. */
  function fetchAs(
    job: string,
    url: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string }> {
    const script = `fetch(${JSON.stringify(url)}, { headers: ${JSON.stringify(headers)} })
      .then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.text() })))`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], {
        env: {
          PATH: process.env.PATH,
          GITHUB_WORKFLOW: 'w',
          GITHUB_JOB: job,
          GITHUB_SHA: SHA,
          GITHUB_REF: 'refs/heads/main',
        },
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(JSON.parse(out) as { status: number; body: string }));
    });
  }

  it('issues an OIDC token only to the job with id-token: write, with its claims', async () => {
    const url = `${github.env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sigstore`;
    const auth = { authorization: `Bearer ${github.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` };
    const ok = await fetchAs('signer', url, auth);
    expect(ok.status).toBe(200);
    const claims = JSON.parse(
      (JSON.parse(ok.body) as { value: string }).value.replace(/^token-for:/, ''),
    ) as Record<string, string>;
    expect(claims).toMatchObject({
      aud: 'sigstore',
      repository: 'acme/hello',
      sha: SHA,
      job_workflow_ref: 'acme/hello/.github/workflows/w.yml@refs/heads/main',
      sub: 'repo:acme/hello:ref:refs/heads/main',
    });
    const refused = await fetchAs('reader', url, auth);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/lacks id-token: write/);
    expect((await fetchAs('signer', url, { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it("refuses a REST call outside the job's scopes, and an unknown token", async () => {
    const url = `${github.apiUrl}/repos/acme/hello/deployments`;
    const denied = await fetchAs('reader', url, { authorization: `token ${github.token}` });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatch(/lacks deployments: read/);
    expect(github.refusals.at(-1)).toMatchObject({ job: 'w/reader', path: '/repos/acme/hello/deployments' });
    expect((await fetchAs('reader', url, { authorization: 'token nope' })).status).toBe(401);
  });
});
