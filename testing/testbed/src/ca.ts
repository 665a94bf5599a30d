import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './exec';
import { testbedDir } from './paths';

/**
 * The test bed's TLS material, generated once with openssl and cached under .testbed/ca:
 * a self-signed CA, a server certificate it signed for 127.0.0.1, ::1 and localhost, and a separate self-signed
 * RSA certificate the token server signs JWTs with (the registry trusts it through `rootcertbundle`).
 */
export interface TestbedCa {
  /** PEM of the CA certificate: the only thing a client needs to trust. */
  caPem: string;
  caFile: string;
  /** A directory holding only `ca.crt`: for skopeo/buildah `--cert-dir` / `--dest-cert-dir` / `--src-cert-dir`. */
  certDir: string;
  serverCertFile: string;
  serverKeyFile: string;
  serverCertPem: string;
  serverKeyPem: string;
  tokenCertFile: string;
  tokenCertPem: string;
  tokenKeyPem: string;
}

const caDir = path.join(testbedDir, 'ca');
let cached: Promise<TestbedCa> | undefined;

/** Returns the test bed CA, generating it on first use (safe when several processes race). */
export function getTestbedCa(): Promise<TestbedCa> {
  cached ??= loadOrCreate();
  return cached;
}

async function loadOrCreate(): Promise<TestbedCa> {
  if (!existsSync(path.join(caDir, 'complete'))) await generate();
  const file = (name: string) => path.join(caDir, name);
  const read = (name: string) => readFile(file(name), 'utf8');
  return {
    caPem: await read('ca.crt'),
    caFile: file('ca.crt'),
    certDir: file('certs'),
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
    serverCertPem: await read('server.crt'),
    serverKeyPem: await read('server.key'),
    tokenCertFile: file('token.crt'),
    tokenCertPem: await read('token.crt'),
    tokenKeyPem: await read('token.key'),
  };
}

// Generates into a private directory and renames it into place, so a concurrent process either sees a complete
// CA or none; the loser of the rename race discards its own copy.
async function generate(): Promise<void> {
  await mkdir(testbedDir, { recursive: true });
  const work = await mkdtemp(path.join(testbedDir, 'ca-tmp-'));
  const at = (name: string) => path.join(work, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    // prettier-ignore
    await runCommand('openssl', [
      'req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '3650', '-sha256',
      '-subj', '/CN=deliverkit testbed CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    // prettier-ignore
    await runCommand('openssl', [
      'req', '-new', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1',
    ]);
    await writeFile(
      at('server.ext'),
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
        '',
      ].join('\n'),
    );
    // prettier-ignore
    await runCommand('openssl', [
      'x509', '-req', '-in', at('server.csr'), '-CA', at('ca.crt'), '-CAkey', at('ca.key'),
      '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', '3650', '-sha256',
      '-extfile', at('server.ext'), '-out', at('server.crt'),
    ]);
    // prettier-ignore
    await runCommand('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('token.key'), '-out', at('token.crt'),
      '-days', '3650', '-sha256', '-subj', '/CN=deliverkit testbed token signer',
    ]);
    await mkdir(at('certs'));
    await writeFile(at('certs/ca.crt'), await readFile(at('ca.crt')));
    await writeFile(at('complete'), '');
    try {
      await rename(work, caDir);
    } catch (error) {
      if (!existsSync(path.join(caDir, 'complete'))) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
