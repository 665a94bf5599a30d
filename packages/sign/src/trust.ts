import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { silentLogger, type Logger } from '@deliverkit/action-kit';
import { SignError } from './errors';

/** Sigstore's public-good TUF repository; its initial root ships inside @sigstore/tuf (seeds.json). */
export const PUBLIC_GOOD_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

/**
 * Where the verifier's trusted root (CAs, logs, timestamp authorities) comes from: a trusted_root.json file, or
 * a TUF repository — the public-good one by default, another mirror with its initial root.json for a private
 * instance. TUF is how the root rotates safely: keys and CAs change without anyone editing a file.
 */
export type TrustSource =
  | { kind: 'file'; path: string; trustedRoot: unknown }
  | {
      kind: 'tuf';
      mirrorURL: string;
      /** The mirror's initial root.json; not needed for the public-good mirror (embedded). */
      rootPath?: string;
      /** Where TUF metadata and targets are cached between runs (the runner's tool cache). */
      cachePath: string;
      /**
       * When the mirror cannot be reached, use what is cached (or, first time, the embedded seed) instead of
       * failing. Off by default: a stale root may still trust a key that has since been revoked.
       */
      offlineFallback: boolean;
      timeoutMs?: number;
    };

export interface LoadedTrust {
  trustedRoot: unknown;
  /** Human description for logs and the summary. */
  source: string;
  /** True when the mirror was not reached and the cache or embedded seed was used. */
  offline: boolean;
}

export async function loadTrustedRoot(
  source: TrustSource,
  logger: Logger = silentLogger,
): Promise<LoadedTrust> {
  if (source.kind === 'file') return { trustedRoot: source.trustedRoot, source: source.path, offline: false };
  // @sigstore/tuf (tuf-js, make-fetch-happen, cacache) only once a TUF mirror is used: loading it at start-up
  // cost every cosign-sign run tens of milliseconds, key-based signing and bad inputs included.
  const { getTrustedRoot } = await import('@sigstore/tuf');
  const options = {
    mirrorURL: source.mirrorURL,
    rootPath: source.rootPath,
    cachePath: source.cachePath,
    retry: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
    timeout: source.timeoutMs ?? 15_000,
  };
  try {
    const root = await getTrustedRoot({ ...options, forceCache: false });
    logger.debug(`loadTrustedRoot: updated from ${source.mirrorURL}`);
    return { trustedRoot: TrustedRoot.toJSON(root), source: `TUF ${source.mirrorURL}`, offline: false };
  } catch (e) {
    const reason = (e as Error).message;
    if (!source.offlineFallback) {
      throw new SignError(
        'TRUST_ROOT_UNAVAILABLE',
        `could not update the Sigstore trusted root from the TUF mirror ${source.mirrorURL}: ${reason}. ` +
          'Set `tuf-offline-fallback: true` to verify with the cached (or embedded) root instead, or give `trusted-root`',
        { cause: e },
      );
    }
    logger.debug(`loadTrustedRoot: ${source.mirrorURL} failed (${reason}); using the cache`);
    try {
      const root = await getTrustedRoot({ ...options, forceCache: true });
      return {
        trustedRoot: TrustedRoot.toJSON(root),
        source: `TUF ${source.mirrorURL} (cached)`,
        offline: true,
      };
    } catch {
      // Without cached timestamp/snapshot/targets metadata (a first run) tuf-js goes to the network again. The
      // target itself is still on disk: @sigstore/tuf 4.0.1 writes the embedded seed's targets into the cache
      // before it refreshes, and every later verified download over it.
    }
    const seeded = path.join(
      source.cachePath,
      tufRepoDirName(source.mirrorURL),
      'targets',
      'trusted_root.json',
    );
    let text: string;
    try {
      text = await readFile(seeded, 'utf8');
    } catch (e2) {
      throw new SignError(
        'TRUST_ROOT_UNAVAILABLE',
        `the TUF mirror ${source.mirrorURL} cannot be reached (${reason}) and nothing is cached for it`,
        { cause: e2 },
      );
    }
    return {
      trustedRoot: JSON.parse(text) as unknown,
      source: `TUF ${source.mirrorURL} (cached or embedded)`,
      offline: true,
    };
  }
}

/** @sigstore/tuf's cache directory name for a mirror (client.ts: host + path, URI-encoded). */
function tufRepoDirName(mirrorURL: string): string {
  const url = new URL(mirrorURL);
  return encodeURIComponent(url.host + url.pathname.replace(/\/$/, ''));
}
