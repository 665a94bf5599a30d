import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ToolInstallError, installTool } from '@deliverkit/action-kit';

// A local HTTP server serves a real tar.gz holding a small executable, standing in for a
// release download; @actions/tool-cache downloads, extracts and caches it for real.
let server: Server;
let baseUrl: string;
let archive: Buffer;
let archiveSha: string;
let requests = 0;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'tools-'));
  const src = path.join(work, 'src');
  mkdirSync(path.join(src, 'bin'), { recursive: true });
  writeFileSync(path.join(src, 'bin', 'fake-tool'), '#!/bin/sh\necho "fake-tool 1.2.3 $1"\n', {
    mode: 0o755,
  });
  execFileSync('tar', ['-czf', path.join(work, 'fake-tool.tar.gz'), '-C', src, 'bin']);
  archive = readFileSync(path.join(work, 'fake-tool.tar.gz'));
  archiveSha = createHash('sha256').update(archive).digest('hex');
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/fake-tool.tar.gz') {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': archive.length });
      res.end(archive);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  const runner = mkdtempSync(path.join(work, 'runner-'));
  process.env.RUNNER_TEMP = path.join(runner, 'temp');
  process.env.RUNNER_TOOL_CACHE = path.join(runner, 'toolcache');
  mkdirSync(process.env.RUNNER_TEMP, { recursive: true });
  mkdirSync(process.env.RUNNER_TOOL_CACHE, { recursive: true });
  delete process.env.ACTIONS_CACHE_URL;
  delete process.env.ACTIONS_RESULTS_URL;
  requests = 0;
});

const spec = () => ({
  name: 'fake-tool',
  version: '1.2.3',
  url: `${baseUrl}/fake-tool.tar.gz`,
  sha256: archiveSha,
  format: 'tar.gz' as const,
  binary: 'bin/fake-tool',
});

describe('installTool', () => {
  it('downloads, verifies, caches and returns a runnable binary', async () => {
    const installed = await installTool(spec());
    expect(installed.source).toBe('download');
    expect(execFileSync(installed.path, ['hello'], { encoding: 'utf8' })).toBe('fake-tool 1.2.3 hello\n');
    expect(installed.path.startsWith(process.env.RUNNER_TOOL_CACHE!)).toBe(true);
  });

  it('uses the tool cache on the second call without downloading', async () => {
    await installTool(spec());
    const before = requests;
    const again = await installTool(spec());
    expect(again.source).toBe('tool-cache');
    expect(requests).toBe(before);
  });

  describe('when the checksum does not match', () => {
    it('fails with CHECKSUM_MISMATCH naming both sums and caches nothing', async () => {
      const wrong = 'f'.repeat(64);
      const err = (await installTool({ ...spec(), sha256: wrong }).catch(
        (e: unknown) => e,
      )) as ToolInstallError;
      expect(err).toBeInstanceOf(ToolInstallError);
      expect(err.code).toBe('CHECKSUM_MISMATCH');
      expect(err.message).toContain(wrong);
      expect(err.message).toContain(archiveSha);
      const retry = await installTool(spec());
      expect(retry.source).toBe('download');
    });
  });

  it('fails with DOWNLOAD_FAILED on a 404', async () => {
    const err = (await installTool({ ...spec(), url: `${baseUrl}/missing.tar.gz` }).catch(
      (e: unknown) => e,
    )) as ToolInstallError;
    expect(err.code).toBe('DOWNLOAD_FAILED');
  });

  it('fails with BINARY_MISSING when the archive lacks the executable', async () => {
    const err = (await installTool({ ...spec(), binary: 'bin/other' }).catch(
      (e: unknown) => e,
    )) as ToolInstallError;
    expect(err.code).toBe('BINARY_MISSING');
  });
});
