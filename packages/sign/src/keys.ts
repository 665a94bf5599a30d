import { createHash, createPrivateKey, createPublicKey, scrypt, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { SignError } from './errors';

/** A loaded signing key. The private half never leaves this object; nothing here logs it. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM of the public key, what `cosign verify --key` takes. */
  publicKeyPem: string;
  /** base64(sha256(SPKI DER)): the bundle's `publicKey.hint` (the DSSE `keyid` stays empty, as cosign writes it). */
  hint: string;
}

export const COSIGN_PEM_TYPE = 'ENCRYPTED COSIGN PRIVATE KEY';
export const SIGSTORE_PEM_TYPE = 'ENCRYPTED SIGSTORE PRIVATE KEY';

/**
 * The scrypt parameter sets go-securesystemslib's `encrypted` package accepts (Legacy, Standard, OWASP);
 * it refuses anything else, and so do we: an attacker-chosen N would be a memory bomb.
 */
const SCRYPT_PARAMS = [
  { N: 32768, r: 8, p: 1 },
  { N: 65536, r: 8, p: 1 },
  { N: 131072, r: 8, p: 1 },
] as const;
const KEY_BYTES = 32;

/** The JSON inside cosign's PEM block (go-securesystemslib `encrypted.data`); byte fields are base64. */
interface EncryptedKeyJSON {
  kdf: { name: 'scrypt'; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: 'nacl/secretbox'; nonce: string };
  ciphertext: string;
}

/**
 * Loads an ECDSA P-256 private key from PEM: PKCS#8 (`PRIVATE KEY`), encrypted PKCS#8
 * (`ENCRYPTED PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or cosign's own scrypt + secretbox format
 * (`ENCRYPTED SIGSTORE PRIVATE KEY`, older `ENCRYPTED COSIGN PRIVATE KEY`). cosign.key files made
 * without a password are still encrypted, under the empty passphrase.
 */
export async function loadSigningKey(pem: string, password?: string): Promise<SigningKey> {
  const type = pemType(pem);
  let privateKey: KeyObject;
  if (type === SIGSTORE_PEM_TYPE || type === COSIGN_PEM_TYPE) {
    const der = await decryptCosignKey(pemBody(pem, type), password ?? '');
    privateKey = importPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } else if (type === 'PRIVATE KEY' || type === 'EC PRIVATE KEY' || type === 'ENCRYPTED PRIVATE KEY') {
    const encrypted = type === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
    if (encrypted && !password) {
      throw new SignError('KEY_DECRYPT_FAILED', 'the private key is encrypted and no password was given');
    }
    privateKey = importPrivateKey({ key: pem, format: 'pem', passphrase: encrypted ? password : undefined });
  } else {
    throw new SignError(
      'KEY_UNSUPPORTED',
      type ? `unsupported PEM block "${type}": expected an ECDSA P-256 private key` : 'the key is not PEM',
    );
  }
  return toSigningKey(privateKey);
}

function importPrivateKey(options: Parameters<typeof createPrivateKey>[0]): KeyObject {
  try {
    return createPrivateKey(options);
  } catch (e) {
    // OpenSSL reports a wrong passphrase as a decode failure; never echo the key material.
    const code = (e as { code?: string }).code ?? '';
    const bad = /BAD_DECRYPT|bad decrypt|ERR_OSSL_EVP_BAD_DECRYPT/i.test(`${code} ${(e as Error).message}`);
    throw new SignError(
      bad ? 'KEY_DECRYPT_FAILED' : 'KEY_INVALID',
      bad ? 'wrong key password' : 'unreadable private key',
    );
  }
}

export function toSigningKey(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const what =
      privateKey.asymmetricKeyType === 'ec'
        ? privateKey.asymmetricKeyDetails?.namedCurve
        : privateKey.asymmetricKeyType;
    throw new SignError('KEY_UNSUPPORTED', `only ECDSA P-256 keys are supported, got ${what ?? 'unknown'}`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    hint: publicKeyHint(publicKey),
  };
}

/** base64(sha256(SPKI DER)), the hint cosign writes into `verificationMaterial.publicKey.hint`. */
export function publicKeyHint(key: KeyObject | string): string {
  const pub =
    typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('base64');
}

export function loadPublicKey(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (e) {
    throw new SignError('KEY_INVALID', 'the public key is not a PEM SPKI public key', { cause: e });
  }
}

/** Decrypts the base64 body of a cosign PEM block to the PKCS#8 DER it protects. */
export async function decryptCosignKey(body: Buffer, password: string): Promise<Buffer> {
  let data: EncryptedKeyJSON;
  try {
    data = JSON.parse(body.toString('utf8')) as EncryptedKeyJSON;
  } catch (e) {
    throw new SignError('KEY_INVALID', 'the cosign key is not valid: its PEM body is not JSON', { cause: e });
  }
  if (data?.kdf?.name !== 'scrypt' || data?.cipher?.name !== 'nacl/secretbox') {
    throw new SignError('KEY_UNSUPPORTED', 'the cosign key uses an unknown KDF or cipher');
  }
  const { N, r, p } = data.kdf.params ?? {};
  if (!SCRYPT_PARAMS.some((s) => s.N === N && s.r === r && s.p === p)) {
    throw new SignError('KEY_UNSUPPORTED', 'the cosign key has unsupported scrypt parameters');
  }
  const salt = Buffer.from(data.kdf.salt, 'base64');
  const nonce = Buffer.from(data.cipher.nonce, 'base64');
  const ciphertext = Buffer.from(data.ciphertext, 'base64');
  if (nonce.length !== nacl.secretbox.nonceLength)
    throw new SignError('KEY_INVALID', 'the cosign key nonce is malformed');
  const key = await scryptKey(password, salt, { N: N!, r: r!, p: p! });
  const plain = nacl.secretbox.open(ciphertext, nonce, key);
  key.fill(0);
  if (!plain) throw new SignError('KEY_DECRYPT_FAILED', 'wrong key password (cosign key did not decrypt)');
  return Buffer.from(plain);
}

function scryptKey(password: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      Buffer.from(password, 'utf8'),
      salt,
      KEY_BYTES,
      { N: p.N, r: p.r, p: p.p, maxmem: 256 * 1024 * 1024 },
      (err, key) =>
        err ? reject(new SignError('KEY_INVALID', 'scrypt failed', { cause: err })) : resolve(key),
    ),
  );
}

function pemType(pem: string): string | undefined {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
}

function pemBody(pem: string, type: string): Buffer {
  const m = new RegExp(`-----BEGIN ${type}-----([\\s\\S]*?)-----END ${type}-----`).exec(pem);
  if (!m) throw new SignError('KEY_INVALID', `the ${type} PEM block is not terminated`);
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}
