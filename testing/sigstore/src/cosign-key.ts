import { randomBytes, scrypt } from 'node:crypto';
import nacl from 'tweetnacl';

// What `cosign generate-key-pair` writes, for tests: the product only reads keys, so the writer lives here.

const STANDARD_SCRYPT = { N: 65536, r: 8, p: 1 };

/**
 * Encrypts PKCS#8 DER the way `cosign generate-key-pair` does (go-securesystemslib `encrypted.Encrypt`,
 * Standard scrypt strength unless `params` says otherwise) and returns the PEM block cosign reads.
 */
export async function encryptCosignKey(
  pkcs8Der: Buffer,
  password: string,
  options: { pemType?: string; params?: { N: number; r: number; p: number } } = {},
): Promise<string> {
  const params = options.params ?? STANDARD_SCRYPT;
  const salt = randomBytes(32);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, 32, { ...params, maxmem: 256 * 1024 * 1024 }, (err, k) =>
      err ? reject(err) : resolve(k),
    ),
  );
  const ciphertext = nacl.secretbox(pkcs8Der, nonce, key);
  const json = {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: Buffer.from(nonce).toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  };
  const type = options.pemType ?? 'ENCRYPTED SIGSTORE PRIVATE KEY';
  const lines =
    Buffer.from(JSON.stringify(json))
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
