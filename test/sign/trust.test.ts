// The trusted root through TUF, as the verify gate gets it by default: a real TUF client (tuf-js under
// @sigstore/tuf) against a TUF repository served on loopback, and the public-good seed embedded in @sigstore/tuf.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustedRoot, PUBLIC_GOOD_TUF_MIRROR } from '../../packages/sign/src/trust';
import {
  startMockSigstore,
  startMockTuf,
  type MockSigstore,
  type MockTuf,
} from '@deliverkit/testing-sigstore';

let sigstore: MockSigstore;
let other: MockSigstore;
let tuf: MockTuf;
beforeAll(async () => {
  [sigstore, other] = await Promise.all([startMockSigstore(), startMockSigstore()]);
  tuf = await startMockTuf({ 'trusted_root.json': JSON.stringify(sigstore.trustedRoot) });
});
afterAll(async () => {
  await Promise.all([tuf?.stop(), sigstore?.stop(), other?.stop()]);
});

const cache = () => mkdtemp(path.join(os.tmpdir(), 'tuf-cache-'));
const mirror = async (offlineFallback = false) => ({
  kind: 'tuf' as const,
  mirrorURL: tuf.url,
  rootPath: tuf.rootPath,
  cachePath: await cache(),
  offlineFallback,
  timeoutMs: 2_000,
});
const caKey = (root: unknown) =>
  (root as { certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[] })
    .certificateAuthorities[0]!.certChain.certificates[0]!.rawBytes;

describe('a trusted root from a TUF mirror', () => {
  it('is fetched and verified through root, timestamp, snapshot and targets', async () => {
    const loaded = await loadTrustedRoot(await mirror());
    expect(loaded.offline).toBe(false);
    expect(caKey(loaded.trustedRoot)).toBe(caKey(sigstore.trustedRoot));
    expect(tuf.requests).toEqual(
      expect.arrayContaining([
        '/2.root.json',
        '/timestamp.json',
        '/snapshot.json',
        '/targets.json',
        '/targets/trusted_root.json',
      ]),
    );
  });

  it('follows a rotation: a new trusted root published on the mirror replaces the cached one', async () => {
    const source = await mirror();
    expect(caKey((await loadTrustedRoot(source)).trustedRoot)).toBe(caKey(sigstore.trustedRoot));
    tuf.publish({ 'trusted_root.json': JSON.stringify(other.trustedRoot) });
    try {
      expect(caKey((await loadTrustedRoot(source)).trustedRoot)).toBe(caKey(other.trustedRoot));
    } finally {
      tuf.publish({ 'trusted_root.json': JSON.stringify(sigstore.trustedRoot) });
    }
  });

  it('refuses a mirror it cannot reach, naming the way out, unless the fallback is opted into', async () => {
    const strict = await mirror(false);
    const lenient = { ...(await mirror(true)), cachePath: strict.cachePath };
    await loadTrustedRoot(strict);
    tuf.failWith(503);
    try {
      await expect(loadTrustedRoot(strict)).rejects.toMatchObject({
        code: 'TRUST_ROOT_UNAVAILABLE',
        message: expect.stringContaining('tuf-offline-fallback'),
      });
      const cached = await loadTrustedRoot(lenient);
      expect(cached.offline).toBe(true);
      expect(caKey(cached.trustedRoot)).toBe(caKey(sigstore.trustedRoot));
    } finally {
      tuf.failWith(undefined);
    }
  });

  it('refuses metadata signed by another key than the root the client was given', async () => {
    const impostor = await startMockTuf({ 'trusted_root.json': JSON.stringify(other.trustedRoot) });
    try {
      await expect(loadTrustedRoot({ ...(await mirror()), mirrorURL: impostor.url })).rejects.toMatchObject({
        code: 'TRUST_ROOT_UNAVAILABLE',
      });
    } finally {
      await impostor.stop();
    }
  });
});

describe('the public-good root', () => {
  it('comes from the seed embedded in @sigstore/tuf when the fallback is allowed and the mirror is out of reach', async () => {
    // This machine cannot reach tuf-repo-cdn.sigstore.dev: the update fails, the embedded seed answers.
    const loaded = await loadTrustedRoot({
      kind: 'tuf',
      mirrorURL: PUBLIC_GOOD_TUF_MIRROR,
      cachePath: await cache(),
      offlineFallback: true,
      timeoutMs: 2_000,
    });
    expect(loaded.offline).toBe(true);
    const root = loaded.trustedRoot as {
      tlogs: { baseUrl: string }[];
      certificateAuthorities: { uri: string }[];
    };
    expect(root.tlogs.map((t) => t.baseUrl)).toContain('https://rekor.sigstore.dev');
    expect(root.certificateAuthorities.map((c) => c.uri)).toContain('https://fulcio.sigstore.dev');
  });
});
