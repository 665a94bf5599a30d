import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptCosignKey } from '@deliverkit/testing-sigstore';
import { decryptCosignKey, loadSigningKey, publicKeyHint } from '../../packages/sign/src/keys';
import { keySigner } from '../../packages/sign/src/signer';
import { generateCosignKeyPair } from './key-pair';

function p256() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

describe('loadSigningKey', () => {
  it('loads an unencrypted PKCS#8 P-256 key and computes the cosign hint', async () => {
    const { privateKey, publicKey } = p256();
    const key = await loadSigningKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const { createHash } = await import('node:crypto');
    expect(key.hint).toBe(createHash('sha256').update(spki).digest('base64'));
    expect(key.publicKeyPem).toBe(publicKey.export({ format: 'pem', type: 'spki' }).toString());
  });

  it('loads an encrypted PKCS#8 key with its passphrase and rejects a wrong one', async () => {
    const { privateKey } = p256();
    const pem = privateKey
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse' })
      .toString();
    expect(pem).toContain('ENCRYPTED PRIVATE KEY');
    const key = await loadSigningKey(pem, 'correct horse');
    expect(key.hint).toBe(publicKeyHint(privateKey));
    await expect(loadSigningKey(pem, 'wrong')).rejects.toMatchObject({ code: 'KEY_DECRYPT_FAILED' });
    await expect(loadSigningKey(pem)).rejects.toMatchObject({ code: 'KEY_DECRYPT_FAILED' });
  });

  it('loads a SEC1 EC PRIVATE KEY', async () => {
    const { privateKey } = p256();
    const key = await loadSigningKey(privateKey.export({ format: 'pem', type: 'sec1' }).toString());
    expect(key.hint).toBe(publicKeyHint(privateKey));
  });

  it.each([
    ['RSA', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    ['Ed25519', () => generateKeyPairSync('ed25519').privateKey],
  ])('refuses a %s key', async (_name, make) => {
    const pem = make().export({ format: 'pem', type: 'pkcs8' }).toString();
    await expect(loadSigningKey(pem)).rejects.toMatchObject({ code: 'KEY_UNSUPPORTED' });
  });

  it('refuses text that is not a private key PEM', async () => {
    await expect(loadSigningKey('hello')).rejects.toMatchObject({ code: 'KEY_UNSUPPORTED' });
    const pub = p256().publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await expect(loadSigningKey(pub)).rejects.toMatchObject({ code: 'KEY_UNSUPPORTED' });
  });
});

describe('cosign encrypted key format', () => {
  it('round-trips a generated key pair: cosign.key decrypts to the key matching cosign.pub', async () => {
    const pair = await generateCosignKeyPair('s3cret');
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    // The body is go-securesystemslib's JSON: scrypt (Standard strength) + nacl/secretbox.
    const body = pair.privateKeyPem.split('\n').slice(1, -2).join('');
    const json = JSON.parse(Buffer.from(body, 'base64').toString());
    expect(json.kdf).toMatchObject({ name: 'scrypt', params: { N: 65536, r: 8, p: 1 } });
    expect(Buffer.from(json.kdf.salt, 'base64')).toHaveLength(32);
    expect(json.cipher.name).toBe('nacl/secretbox');
    expect(Buffer.from(json.cipher.nonce, 'base64')).toHaveLength(24);
    expect(Object.keys(json)).toEqual(['kdf', 'cipher', 'ciphertext']);

    const key = await loadSigningKey(pair.privateKeyPem, 's3cret');
    expect(key.publicKeyPem).toBe(pair.publicKeyPem);
    const signature = (await keySigner(key).sign(Buffer.from('payload'))).signature;
    expect(verify('sha256', Buffer.from('payload'), createPublicKey(pair.publicKeyPem), signature)).toBe(
      true,
    );
  });

  it('decrypts keys made with the empty password (cosign generate-key-pair with no password)', async () => {
    const pair = await generateCosignKeyPair('');
    await expect(loadSigningKey(pair.privateKeyPem, '')).resolves.toMatchObject({
      publicKeyPem: pair.publicKeyPem,
    });
    await expect(loadSigningKey(pair.privateKeyPem)).resolves.toMatchObject({
      publicKeyPem: pair.publicKeyPem,
    });
  });

  it('reports a wrong password without echoing it', async () => {
    const pair = await generateCosignKeyPair('right-password');
    const err = await loadSigningKey(pair.privateKeyPem, 'hunter2-wrong').catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'KEY_DECRYPT_FAILED' });
    expect(String((err as Error).message)).not.toContain('hunter2-wrong');
  });

  it('reads the legacy ENCRYPTED COSIGN PRIVATE KEY header and Legacy/OWASP scrypt strengths', async () => {
    const { privateKey } = p256();
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    for (const params of [
      { N: 32768, r: 8, p: 1 },
      { N: 131072, r: 8, p: 1 },
    ] as const) {
      const pem = await encryptCosignKey(der, 'pw', { pemType: 'ENCRYPTED COSIGN PRIVATE KEY', params });
      const key = await loadSigningKey(pem, 'pw');
      expect(key.hint).toBe(publicKeyHint(privateKey));
    }
  });

  it('refuses scrypt parameters outside the three cosign accepts (memory bomb guard)', async () => {
    const body = Buffer.from(
      JSON.stringify({
        kdf: {
          name: 'scrypt',
          params: { N: 1 << 24, r: 8, p: 1 },
          salt: Buffer.alloc(32).toString('base64'),
        },
        cipher: { name: 'nacl/secretbox', nonce: Buffer.alloc(24).toString('base64') },
        ciphertext: 'AAAA',
      }),
    );
    await expect(decryptCosignKey(body, '')).rejects.toMatchObject({ code: 'KEY_UNSUPPORTED' });
  });

  it('detects a tampered ciphertext', async () => {
    const der = createPrivateKey(p256().privateKey.export({ format: 'pem', type: 'pkcs8' })).export({
      format: 'der',
      type: 'pkcs8',
    });
    const pem = await encryptCosignKey(der, 'pw');
    const body = pem.split('\n').slice(1, -2).join('');
    const json = JSON.parse(Buffer.from(body, 'base64').toString());
    const ct = Buffer.from(json.ciphertext, 'base64');
    ct[20] = ct[20]! ^ 0xff;
    json.ciphertext = ct.toString('base64');
    await expect(decryptCosignKey(Buffer.from(JSON.stringify(json)), 'pw')).rejects.toMatchObject({
      code: 'KEY_DECRYPT_FAILED',
    });
  });
});
