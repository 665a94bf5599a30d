import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestbed,
  getTestbedCa,
  httpRequest,
  startRegistry,
  stopAll,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';

let registry: RegistryHandle;

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  registry = await startRegistry('basic');
});
afterAll(stopAll);

function tlsErrorCode(options: https.RequestOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = https.request(`${registry.url}/v2/`, { ...options, agent: false }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    req.end();
  });
}

describe('when a client trusts only the generated CA', () => {
  it('completes the TLS handshake and reaches the registry', async () => {
    const res = await httpRequest(`${registry.url}/v2/`, { ca: registry.caPem });
    expect(res.status).toBe(401);
    expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });

  it('also accepts the certificate under the name localhost', async () => {
    const port = registry.host.split(':')[1]!;
    const res = await httpRequest(`https://localhost:${port}/v2/`, { ca: registry.caPem });
    expect(res.status).toBe(401);
  });

  it('sees a server certificate issued by that CA for 127.0.0.1', async () => {
    const peer = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const [host, port] = registry.host.split(':') as [string, string];
      const socket = tls.connect({ host, port: Number(port), ca: registry.caPem }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on('error', reject);
    });
    const cert = new X509Certificate(peer.raw);
    const ca = new X509Certificate(registry.caPem!);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(ca.ca).toBe(true);
    expect(await readFile(registry.caFile!, 'utf8')).toBe(registry.caPem);
  });
});

describe('when a client does not trust the generated CA', () => {
  it('fails with a certificate error using the system store', async () => {
    expect(await tlsErrorCode({})).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('fails with a certificate error when trusting some other self-signed certificate', async () => {
    const { tokenCertPem } = await getTestbedCa();
    expect(await tlsErrorCode({ ca: tokenCertPem })).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});
