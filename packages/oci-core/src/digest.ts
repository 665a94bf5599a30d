import { createHash } from 'node:crypto';
import { OciCoreError } from './errors';

export type DigestAlgorithm = 'sha256' | 'sha512';

export function digestAlgorithm(digest: string): DigestAlgorithm {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (algorithm !== 'sha256' && algorithm !== 'sha512')
    throw new OciCoreError('UNSUPPORTED_DIGEST', `unsupported digest algorithm in ${digest}`);
  return algorithm;
}

export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function computeDigest(data: Buffer | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** The only digest form some tools and manifests accept. */
export function isSha256Digest(digest: string): boolean {
  return /^sha256:[a-f0-9]{64}$/.test(digest);
}
