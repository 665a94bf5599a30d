// action-kit's artifact upload (packages/action-kit/src/artifact-upload.ts; the sbom action's) against a loopback
// server speaking the v4 artifact protocol as act's artifact server implements it (./artifact-server.ts). The zip is
// read back with Python's zipfile.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backendIds, uploadArtifact, zipFiles } from '../../packages/action-kit/src/artifact-upload';
import { type ArtifactServer, jwt, runtimeToken, startArtifactServer } from './artifact-server';

const TOKEN = runtimeToken();

let server: ArtifactServer;
let work: string;

beforeAll(async () => {
  server = await startArtifactServer();
  work = mkdtempSync(path.join(tmpdir(), 'artifact-'));
  mkdirSync(path.join(work, 'linux-arm64'));
  writeFileSync(path.join(work, 'sbom.spdx.json'), JSON.stringify({ spdxVersion: 'SPDX-2.3' }));
  writeFileSync(path.join(work, 'linux-arm64', 'sbom.cdx.json'), 'x'.repeat(100_000));
});

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => server.reset());

const runtime = () => ({ token: TOKEN, resultsUrl: `${server.base}/` });
const files = () => [path.join(work, 'sbom.spdx.json'), path.join(work, 'linux-arm64', 'sbom.cdx.json')];

/** Names and sizes of a zip's entries, and whether every CRC checks, as Python's zipfile reads them. */
function readZip(zip: Buffer): { entries: [string, number][]; bad: string | null } {
  const file = path.join(work, 'read.zip');
  writeFileSync(file, zip);
  const out = execFileSync('python3', [
    '-c',
    'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({"entries":[[i.filename,i.file_size] for i in z.infolist()],"bad":z.testzip()}))',
    file,
  ]).toString();
  return JSON.parse(out) as { entries: [string, number][]; bad: string | null };
}

describe('uploadArtifact', () => {
  it('creates, uploads the zip as blocks, commits the block list and finalizes with its size and sha256', async () => {
    const uploaded = await uploadArtifact('sbom-app-linux', files(), work, {
      runtime: runtime(),
      retryDelayMs: 1,
    });
    const [create, ...rest] = server.seen;
    expect(create?.path).toBe('/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact');
    expect(create?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(create!.body.toString())).toEqual({
      workflow_run_backend_id: 'run-21',
      workflow_job_run_backend_id: 'job-49',
      name: 'sbom-app-linux',
      mime_type: 'application/zip',
      version: 7,
    });
    const puts = rest.filter((r) => r.method === 'PUT');
    expect(puts.map((p) => p.query.get('comp'))).toEqual(['block', 'blocklist']);
    // The signed URL's own parameters are kept as given (act checks the padded signature).
    expect(puts[0]?.query.get('taskID')).toBe('21');
    expect(puts[1]?.headers['x-ms-blob-content-type']).toBe('application/zip');
    expect(puts[1]?.body.toString()).toContain(`<Latest>${puts[0]?.query.get('blockid')}</Latest>`);
    const zip = Buffer.concat(server.blocks);
    const finalize = JSON.parse(rest.at(-1)!.body.toString()) as Record<string, string>;
    expect(finalize).toEqual({
      workflow_run_backend_id: 'run-21',
      workflow_job_run_backend_id: 'job-49',
      name: 'sbom-app-linux',
      size: String(zip.length),
      hash: `sha256:${createHash('sha256').update(zip).digest('hex')}`,
    });
    expect(uploaded).toEqual({
      id: 4242,
      size: zip.length,
      digest: createHash('sha256').update(zip).digest('hex'),
    });
    expect(readZip(zip)).toEqual({
      entries: [
        ['sbom.spdx.json', 26],
        ['linux-arm64/sbom.cdx.json', 100_000],
      ],
      bad: null,
    });
  });

  it('retries a CreateArtifact the service answers 503, and gives up on a 400 at once', async () => {
    server.failNext = { method: 'CreateArtifact', status: 503, times: 2 };
    await uploadArtifact('a', files(), work, { runtime: runtime(), retryDelayMs: 1 });
    expect(server.seen.filter((r) => r.path.endsWith('/CreateArtifact'))).toHaveLength(3);

    server.seen = [];
    server.failNext = { method: 'CreateArtifact', status: 400, times: 1 };
    await expect(uploadArtifact('a', files(), work, { runtime: runtime(), retryDelayMs: 1 })).rejects.toThrow(
      /CreateArtifact failed: CreateArtifact: HTTP 400: try later/,
    );
    expect(server.seen).toHaveLength(1);
  });

  it('refuses a name @actions/artifact refuses, before any request', async () => {
    await expect(uploadArtifact('sbom/app', files(), work, { runtime: runtime() })).rejects.toThrow(
      /artifact name is not valid: sbom\/app/,
    );
    expect(server.seen).toEqual([]);
  });

  it('refuses a file outside the root directory', async () => {
    await expect(zipFiles([path.join(tmpdir(), 'elsewhere.json')], work)).rejects.toThrow(/not under/);
  });
});

describe('backendIds', () => {
  it('reads the run and job of the Actions.Results scope', () => {
    expect(backendIds(TOKEN)).toEqual({ run: 'run-21', job: 'job-49' });
  });

  it.each([
    ['no scp claim', jwt({ sub: 'x' })],
    ['no Actions.Results scope', jwt({ scp: 'Actions.ExampleScope' })],
    ['a scope with a missing id', jwt({ scp: 'Actions.Results:run-21' })],
    ['not a JWT', 'opaque'],
  ])('refuses a token with %s', (_what, token) => {
    expect(() => backendIds(token)).toThrow(/Actions.Results scope/);
  });
});
