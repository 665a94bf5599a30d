import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitError } from '@deliverkit/action-kit';
import { Registries, RegistryError } from '@deliverkit/oci';
import { StaticCredentials } from '../../packages/oci/src/auth';
import { resolveClosure } from '../../packages/oci/src/closure';
import { catalogImage } from '../../packages/sbom/src/catalog';
import { openRegistryImage } from '../../packages/sbom/src/registry-image';
import { startHostileRegistry, type HostileRegistry } from '@deliverkit/testing-testbed';

// What a registry that lies hands the library: each case must fail fast (well inside the test timeout, without
// waiting out idle timeouts or retries) with an error naming what was wrong, or (escape/app) read only the image.
let hostile: HostileRegistry;
const open: Registries[] = [];

function registries(options: ConstructorParameters<typeof Registries>[0] = {}): Registries {
  const r = new Registries({ credentials: new StaticCredentials({}), idleTimeoutMs: 60_000, ...options });
  open.push(r);
  return r;
}

async function failure(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

async function closureOf(repo: string, r = registries()) {
  const client = r.client(hostile.host);
  const root = await client.getManifest(repo, 'v1');
  return resolveClosure(client, repo, root, { includeLegacyTags: false });
}

beforeAll(async () => {
  hostile = await startHostileRegistry();
});
afterAll(async () => {
  for (const r of open) r.close();
  await hostile.stop();
});

describe('a hostile registry', () => {
  it('serves the control image, which reads and walks cleanly', async () => {
    const image = await openRegistryImage(registries(), `${hostile.host}/good/app:v1`);
    const catalog = await catalogImage(image.sources[0]!);
    expect(catalog.packages.map((p) => p.name)).toEqual(['inside-pkg']);
    expect((await closureOf('good/app')).manifests).toHaveLength(1);
  });

  describe('when a blob does not match its digest', () => {
    it('fails the SBOM with DIGEST_MISMATCH naming the blob', async () => {
      const image = await openRegistryImage(registries(), `${hostile.host}/blob-mismatch/app:v1`);
      const { error, ms } = await failure(catalogImage(image.sources[0]!));
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as RegistryError).code).toBe('DIGEST_MISMATCH');
      expect((error as Error).message).toContain(image.sources[0]!.layers[0]!.digest);
      expect(ms).toBeLessThan(5_000);
    });
  });

  describe('when an index lists a manifest that is the index itself', () => {
    it('fails with DIGEST_MISMATCH, for the SBOM and for the copy walk', async () => {
      const sbom = await failure(openRegistryImage(registries(), `${hostile.host}/self-index/app:v1`));
      expect((sbom.error as RegistryError).code).toBe('DIGEST_MISMATCH');
      const walk = await failure(closureOf('self-index/app'));
      expect((walk.error as RegistryError).code).toBe('DIGEST_MISMATCH');
    });
  });

  describe('when referrers cycle', () => {
    it('names a manifest listed as its own referrer', async () => {
      const { error } = await failure(closureOf('self-referrer/app'));
      expect((error as RegistryError).code).toBe('MANIFEST_INVALID');
      expect((error as Error).message).toContain(`manifest ${hostile.digests['good/app']} refers to itself`);
    });

    it('names the cycle of two referrers', async () => {
      const { error, ms } = await failure(closureOf('referrer-cycle/app'));
      expect((error as RegistryError).code).toBe('MANIFEST_INVALID');
      expect((error as Error).message).toMatch(
        /refer to each other in a cycle: sha256:\w+ → sha256:\w+ → sha256:\w+/,
      );
      expect(ms).toBeLessThan(5_000);
    });

    it('stops an endless referrer chain at index-depth, and at the raised bound when raised', async () => {
      const before = hostile.requests.length;
      const { error } = await failure(closureOf('referrer-chain/app'));
      expect((error as RegistryError).code).toBe('TOO_LARGE');
      expect((error as Error).message).toMatch(
        /deeper than 8 levels \(the index-depth limit.*limits: index-depth=/,
      );
      const referrerCalls = hostile.requests.slice(before).filter((r) => r.path.includes('/referrers/'));
      expect(referrerCalls.length).toBeLessThanOrEqual(10);
      const raised = await failure(
        closureOf('referrer-chain/app', registries({ limits: { 'index-depth': 12 } })),
      );
      expect((raised.error as Error).message).toMatch(/deeper than 12 levels/);
    });

    it('stops at the referrers limit', async () => {
      const { error } = await failure(
        closureOf('referrer-chain/app', registries({ limits: { referrers: 3 } })),
      );
      expect((error as Error).message).toMatch(/more than 3 referrers \(the referrers limit\)/);
    });
  });

  describe('when a body never ends', () => {
    it('cuts a blob off at its descriptor size', async () => {
      const { error, ms } = await failure(
        openRegistryImage(registries(), `${hostile.host}/endless-blob/app:v1`),
      );
      expect((error as RegistryError).code).toBe('SIZE_MISMATCH');
      expect(ms).toBeLessThan(5_000);
    });

    it('cuts a blob of unknown size (-1) off at manifest-bytes', async () => {
      const r = registries({ limits: { 'manifest-bytes': 1024 * 1024 } });
      const client = r.client(hostile.host);
      const good = await client.getManifest('endless-blob/app', 'v1');
      const config = (good.manifest as { config: { digest: string } }).config.digest;
      const { error, ms } = await failure(client.fetchBlob('endless-blob/app', { digest: config, size: -1 }));
      expect((error as RegistryError).code).toBe('TOO_LARGE');
      expect((error as Error).message).toMatch(
        /over the manifest-bytes limit \(1048576 bytes\).*limits: manifest-bytes=/,
      );
      expect(ms).toBeLessThan(5_000);
    });

    it('cuts a manifest off at manifest-bytes', async () => {
      const { error } = await failure(
        registries().client(hostile.host).getManifest('endless-manifest/app', 'v1'),
      );
      expect((error as RegistryError).code).toBe('TOO_LARGE');
      expect((error as Error).message).toContain('manifest-bytes');
    });
  });

  describe('when a tiny blob announces 2 GB and stalls', () => {
    it('refuses before reading, without waiting on the stalled socket', async () => {
      const image = await openRegistryImage(registries(), `${hostile.host}/huge-length/app:v1`);
      const { error, ms } = await failure(catalogImage(image.sources[0]!));
      expect((error as RegistryError).code).toBe('SIZE_MISMATCH');
      expect((error as Error).message).toMatch(/announces 2000000000 bytes/);
      expect(ms).toBeLessThan(5_000);
    });
  });

  describe('when blobs redirect in a loop', () => {
    it('stops at the redirects limit, once, not retried', async () => {
      const before = hostile.requests.length;
      const { error, ms } = await failure(
        openRegistryImage(registries(), `${hostile.host}/redirect-loop/app:v1`),
      );
      expect((error as RegistryError).code).toBe('NETWORK_ERROR');
      expect((error as Error).message).toMatch(/redirected more than 5 times \(the redirects limit\)/);
      expect(hostile.requests.slice(before).filter((r) => r.path.includes('/blobs/'))).toHaveLength(6);
      expect(ms).toBeLessThan(5_000);
    });
  });

  describe('when a layer tries to escape the image', () => {
    it('lists only what is inside: ../ paths, links out of the root and a whiteout of / change nothing', async () => {
      const image = await openRegistryImage(registries(), `${hostile.host}/escape/app:v1`);
      const catalog = await catalogImage(image.sources[0]!);
      expect(catalog.packages.map((p) => p.name)).toEqual(['inside-pkg']);
      expect(catalog.distro?.id).toBe('inside');
      for (const p of catalog.packages) expect(p.location.path).not.toContain('..');
      const warnings = catalog.warnings.join('\n');
      expect(warnings).toContain('path outside the root: ../../../var/lib/dpkg/status');
      expect(warnings).toContain('whiteout that names no file: .wh.');
    });
  });
});

describe('a token realm', () => {
  describe('on another host than the registry', () => {
    let realm: HostileRegistry;
    beforeAll(async () => {
      realm = await startHostileRegistry({ auth: 'foreign-realm' });
    });
    afterAll(() => realm.stop());

    it("is not sent the registry's credentials, and the error says why", async () => {
      const r = registries({
        credentials: new StaticCredentials({ [realm.host]: { username: 'u', password: 'hunter2-secret' } }),
      });
      const { error } = await failure(r.client(realm.host).getManifest('good/app', 'v1'));
      expect((error as RegistryError).code).toBe('DENIED');
      expect((error as Error).message).toMatch(/token realm on another host \(localhost:\d+\)/);
      expect((error as Error).message).not.toContain('hunter2');
      expect(realm.requests.filter((q) => q.path === '/token')).toEqual([]);
    });

    it('gets an anonymous token request, which carries no secret', async () => {
      const r = registries();
      await r.client(realm.host).getManifest('good/app', 'v1');
      const tokens = realm.requests.filter((q) => q.path === '/token');
      expect(tokens.length).toBeGreaterThan(0);
      expect(tokens.every((q) => q.authorization === undefined)).toBe(true);
    });
  });

  describe('whose answer never ends', () => {
    it('fails at token-response-bytes', async () => {
      const endless = await startHostileRegistry({ auth: 'endless-token' });
      try {
        const { error, ms } = await failure(registries().client(endless.host).getManifest('good/app', 'v1'));
        expect((error as RegistryError).code).toBe('TOO_LARGE');
        expect((error as Error).message).toMatch(/over the token-response-bytes limit/);
        expect(ms).toBeLessThan(5_000);
      } finally {
        await endless.stop();
      }
    });
  });
});

describe('LimitError from the sbom reader', () => {
  it('is what a raised-too-low bound gives on the control image', async () => {
    const image = await openRegistryImage(registries(), `${hostile.host}/good/app:v1`);
    const { error } = await failure(
      catalogImage(image.sources[0]!, { limits: { 'layer-unpacked-bytes': 100 } }),
    );
    expect(error).toBeInstanceOf(LimitError);
    expect((error as Error).message).toContain(`${hostile.host}/good/app@${hostile.digests['good/app']}`);
  });
});
