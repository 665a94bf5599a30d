import { createHash } from 'node:crypto';
import { OciCoreError } from './errors';

export type DigestAlgorithm = 'sha256' | 'sha512';

const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const HEX_LENGTHS: Record<string, number> = { sha256: 64, sha512: 128 };

/** The algorithm of a sha256 or sha512 digest; any other is an UNSUPPORTED_DIGEST error. */
export function digestAlgorithm(digest: string): DigestAlgorithm {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (algorithm !== 'sha256' && algorithm !== 'sha512')
    throw new OciCoreError('UNSUPPORTED_DIGEST', `unsupported digest algorithm in ${digest}`);
  return algorithm;
}

/** The encoded part of `algorithm:encoded`. */
export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** `sha256:<hex>` (or sha512) of some bytes. */
export function computeDigest(data: Buffer | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** `sha256:` and 64 lowercase hex characters, the only digest form some tools and manifests accept. */
export function isSha256Digest(digest: string): boolean {
  return SHA256_DIGEST_RE.test(digest);
}

/** Validates `algorithm:encoded` per the OCI image spec; sha256 and sha512 must be lowercase hex of full length. */
export function isValidDigest(digest: string): boolean {
  return digestProblem(digest) === undefined;
}

/** Why `digest` is not a valid sha256 or sha512 digest, or undefined when it is. */
export function digestProblem(digest: string): string | undefined {
  if (!DIGEST_RE.test(digest)) return `digest "${digest}" is not of the form algorithm:hex`;
  const [algorithm, encoded] = digest.split(':') as [string, string];
  const length = HEX_LENGTHS[algorithm];
  if (length === undefined) return `digest algorithm "${algorithm}" is not supported (use sha256 or sha512)`;
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) {
    return `digest "${digest}" must have ${length} lowercase hex characters`;
  }
  return undefined;
}
