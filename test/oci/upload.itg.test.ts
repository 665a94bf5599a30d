import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigest } from '@deliverkit/oci-core';
import { Registries } from '@deliverkit/oci';
import { StaticCredentials } from '../../packages/oci/src/auth';
import { ensureTestbed, startRegistry, stopAll, type RegistryHandle } from '@deliverkit/testing-testbed';

let registry: RegistryHandle;
let olareg: RegistryHandle;

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  [registry, olareg] = await Promise.all([
    startRegistry('basic', { proxy: true }),
    startRegistry('olareg', { proxy: true }),
  ]);
});

afterAll(stopAll);

function clientFor(handle: RegistryHandle) {
  const registries = new Registries({
    hosts: { [handle.proxy!.host]: { ca: handle.caPem }, [handle.host]: { ca: handle.caPem } },
    credentials: new StaticCredentials({
      [handle.proxy!.host]: { username: handle.username, password: handle.password },
      [handle.host]: { username: handle.username, password: handle.password },
    }),
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  return { registries, client: registries.client(handle.proxy!.host) };
}

/** Upload sessions opened (POSTs answered 202; the first POST's 401 challenge does not count). */
function sessions(hits: { method: string; status: number | undefined }[]): number {
  return hits.filter((h) => h.method === 'POST' && h.status === 202).length;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('chunked blob upload', () => {
  it('probes chunked upload support without leaving anything behind', async () => {
    const { registries, client } = clientFor(registry);
    const caps = await client.probeCapabilities('probe/app', { write: true });
    expect(caps).toMatchObject({ chunkedUpload: true, referrersApi: false, auth: 'basic', tls: true });
    expect(await client.listTags('probe/app')).toEqual([]);
    registries.close();
  });

  async function chunkedUpload(
    faults: Parameters<NonNullable<RegistryHandle['proxy']>['setFaults']>[0],
    target: RegistryHandle = registry,
  ) {
    const { registries, client } = clientFor(target);
    const data = randomBytes(1024 * 1024 + 123);
    const descriptor = { digest: computeDigest(data), size: data.length };
    const opened: number[] = [];
    target.proxy!.clearHits();
    target.proxy!.setFaults(faults);
    const repository = `chunked/app${randomBytes(3).toString('hex')}`;
    await client.uploadBlob(
      repository,
      descriptor,
      {
        open: async (offset) => {
          opened.push(offset);
          return Readable.from([data.subarray(offset)]);
        },
      },
      { chunkSize: 256 * 1024 },
    );
    target.proxy!.clearFaults();
    const back = await readAll(client.openBlob(repository, descriptor));
    expect(back.equals(data)).toBe(true);
    registries.close();
    return { opened, hits: [...target.proxy!.hits] };
  }

  describe('when a PATCH fails before the registry took any of it', () => {
    it('asks the registry for its offset and resumes in the same session', async () => {
      // The second chunk is refused with 503 (the fault proxy answers without forwarding).
      const { opened, hits } = await chunkedUpload([
        { method: 'PATCH', path: /\/blobs\/uploads\//, times: 1, fault: {} },
        { method: 'PATCH', path: /\/blobs\/uploads\//, times: 1, fault: { status: 503 } },
      ]);
      expect(hits.filter((h) => h.method === 'GET' && /\/blobs\/uploads\//.test(h.path))).toHaveLength(1);
      expect(sessions(hits)).toBe(1);
      // Chunk 1 was refused and re-sent from the offset the registry reported; then on through the blob.
      expect(opened).toEqual([0, 256, 256, 512, 768, 1024].map((k) => k * 1024));
    });
  });

  describe('when a PATCH body is cut and the registry drops the session', () => {
    it('starts a new session and still stores the exact blob', async () => {
      const { opened, hits } = await chunkedUpload([
        {
          method: 'PATCH',
          path: /\/blobs\/uploads\//,
          times: 1,
          fault: { resetAfterBytes: 100 * 1024, resetOn: 'request' },
        },
      ]);
      expect(sessions(hits)).toBe(2);
      expect(opened[0]).toBe(0);
      expect(opened[1]).toBe(0);
    });
  });

  describe('when the connection drops mid-chunk and the registry keeps what it received (olareg)', () => {
    it('resumes in the same session from the registry offset, re-sending at most one chunk', async () => {
      const chunk = 256 * 1024;
      // The first PATCH goes through; the second one's connection is cut after 100 KiB of its body.
      const { opened, hits } = await chunkedUpload(
        [
          { method: 'PATCH', path: /\/blobs\/uploads\//, times: 1, fault: {} },
          {
            method: 'PATCH',
            path: /\/blobs\/uploads\//,
            times: 1,
            fault: { resetAfterBytes: 100 * 1024, resetOn: 'request' },
          },
        ],
        olareg,
      );
      expect(sessions(hits)).toBe(1);
      expect(hits.filter((h) => h.method === 'GET' && /\/blobs\/uploads\//.test(h.path))).toHaveLength(1);
      expect(opened.slice(0, 2)).toEqual([0, chunk]);
      // Sent before the cut: the first chunk and (at most) the second. The next PATCH starts where the registry
      // says it stopped, never before the cut chunk's start: what goes again is at most that one chunk.
      const resumedAt = opened[2]!;
      expect(resumedAt).toBeGreaterThanOrEqual(chunk);
      expect(2 * chunk - resumedAt).toBeLessThanOrEqual(chunk);
    });
  });

  describe('when the registry reports a different digest than the content', () => {
    it('refuses the upload', async () => {
      const { registries, client } = clientFor(registry);
      const data = randomBytes(1000);
      const wrong = { digest: computeDigest(randomBytes(10)), size: data.length };
      const error = await client
        .uploadBlob('bad/app', wrong, { open: async () => Readable.from([data]) })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' });
      expect(await client.headBlob('bad/app', wrong.digest)).toBeUndefined();
      registries.close();
    });
  });
});
