// Test keys: what `cosign generate-key-pair` writes. The product only reads keys, so the writer
// (encryptCosignKey) lives in the test side's @deliverkit/testing-sigstore.
import { generateKeyPairSync } from 'node:crypto';
import { encryptCosignKey } from '@deliverkit/testing-sigstore';

/** A new P-256 key pair in cosign's format: cosign.key (encrypted with `password`) and cosign.pub. */
export async function generateCosignKeyPair(
  password: string,
): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return {
    privateKeyPem: await encryptCosignKey(der, password),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}
