import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getTestbedCa } from './ca';
import { registerStopper, stopAll } from './cleanup';
import { runCommand, spawnDaemon, terminate } from './exec';
import { startFaultProxy, type FaultProxyHandle } from './fault-proxy';
import { httpRequest } from './http';
import { startTokenServer, type TokenServerHandle } from './token-server';
import { toolPath } from './tools';

export { stopAll };

/**
 * - `plain`: HTTP, no auth (a local registry).
 * - `basic`: HTTPS with the test bed CA + htpasswd (bcrypt) basic auth (like GCR/GAR with a key).
 * - `token`: HTTPS + bearer tokens from a token server (like Docker Hub and GHCR).
 * - `olareg`: HTTP, no auth, olareg from the tool belt: a registry that serves the OCI 1.1 referrers API
 *   (distribution 2.8.2 predates it), so clients find referrers through the API, not the tag schema.
 */
export type RegistryKind = 'plain' | 'basic' | 'token' | 'olareg';

export interface StartRegistryOptions {
  /** Also start a fault proxy in front of the registry, exposed as `handle.proxy` and stopped with it. */
  proxy?: boolean;
  /** `storage.delete.enabled`; default true. */
  deleteEnabled?: boolean;
  /** `token` only: anonymous token requests get pull on every repository (default: no access at all). */
  anonymousPull?: boolean;
  /** `token` only: initial token lifetime (default 300 s); see TokenServerHandle.setTokenLifetime. */
  tokenLifetimeSeconds?: number;
  /**
   * Keep the registry's content here across runs (not removed by stop), with a fixed `port`, so a
   * second run of the local pipeline finds what the first pushed. Tests leave both unset.
   */
  storageDir?: string;
  port?: number;
}

export interface RegistryHandle {
  kind: RegistryKind;
  /** `127.0.0.1:PORT`, as used in image references. */
  host: string;
  /** `http://127.0.0.1:PORT` (plain) or `https://127.0.0.1:PORT` (basic, token). */
  url: string;
  /** True for plain HTTP (clients need `--tls-verify=false` / insecure-registry settings). */
  insecure: boolean;
  /** basic/token: a user allowed pull, push and delete on every repository (and the catalog). */
  username?: string;
  password?: string;
  /** basic/token: PEM of the only CA that signs the registry (and token server) certificate. */
  caPem?: string;
  caFile?: string;
  /** basic/token: a directory with just `ca.crt`, for skopeo/buildah `--cert-dir` style flags. */
  certDir?: string;
  /**
   * basic/token: a containers/docker auth file with the credentials (`{"auths":{"127.0.0.1:PORT":{"auth":...}}}`,
   * for the proxy's host too) for `--authfile`; it is named config.json, so its directory works as `DOCKER_CONFIG`.
   */
  authFile?: string;
  /** token: the token server the registry's challenges point at. */
  tokenServer?: TokenServerHandle;
  /** With `{ proxy: true }`: a fault proxy in front of this registry (same scheme, same CA). */
  proxy?: FaultProxyHandle;
  /** The registry's private directory (config, storage, log); deleted by stop(). */
  dir: string;
  /** The registry's log (inside `dir`): read it when a test fails. */
  logFile: string;
  /** Stops the registry (and its token server and proxy) and removes its storage. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

/**
 * Starts a fresh Debian `docker-registry` (distribution 2.8.2) on a free 127.0.0.1 port with its own storage,
 * and resolves once it answers `/v2/`. Call `stop()` (or `stopAll()` in afterAll); children are also killed when
 * this process exits.
 */
export async function startRegistry(
  kind: RegistryKind,
  options: StartRegistryOptions = {},
): Promise<RegistryHandle> {
  const anonymous = kind === 'plain' || kind === 'olareg';
  const ca = anonymous ? undefined : await getTestbedCa();
  const dir = await mkdtemp(path.join(os.tmpdir(), `deliverkit-registry-${kind}-`));
  const username = anonymous ? undefined : 'deliverkit';
  const password = anonymous ? undefined : randomBytes(12).toString('base64url');
  let tokenServer: TokenServerHandle | undefined;
  let child: ChildProcess | undefined;
  let proxy: FaultProxyHandle | undefined;

  try {
    let auth: Record<string, unknown> | undefined;
    if (kind === 'basic') {
      const { stdout } = await runCommand('htpasswd', ['-niB', username!], { input: `${password}\n` });
      await writeFile(path.join(dir, 'htpasswd'), stdout);
      auth = { htpasswd: { realm: 'deliverkit-testbed', path: path.join(dir, 'htpasswd') } };
    } else if (kind === 'token') {
      tokenServer = await startTokenServer({
        users: {
          [username!]: {
            password: password!,
            grants: [
              { name: '*', actions: ['*'] },
              { type: 'registry', name: 'catalog', actions: ['*'] },
            ],
          },
        },
        anonymous: options.anonymousPull ? [{ name: '*', actions: ['pull'] }] : [],
        tokenLifetimeSeconds: options.tokenLifetimeSeconds,
      });
      auth = {
        token: {
          realm: tokenServer.url,
          service: tokenServer.service,
          issuer: tokenServer.issuer,
          rootcertbundle: tokenServer.rootCertFile,
        },
      };
    }

    let authFile: string | undefined;
    if (username !== undefined && password !== undefined) {
      await mkdir(path.join(dir, 'docker-config'));
      authFile = path.join(dir, 'docker-config', 'config.json');
    }

    const logFile = path.join(dir, 'registry.log');
    let host = '';
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      host = `127.0.0.1:${port}`;
      const config = {
        version: '0.1',
        log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
        storage: {
          filesystem: { rootdirectory: options.storageDir ?? path.join(dir, 'storage') },
          delete: { enabled: options.deleteEnabled ?? true },
          maintenance: { uploadpurging: { enabled: false } },
        },
        http: {
          addr: host,
          secret: randomBytes(16).toString('hex'),
          ...(ca ? { tls: { certificate: ca.serverCertFile, key: ca.serverKeyFile } } : {}),
        },
        ...(auth ? { auth } : {}),
      };
      let command: string[];
      let listening: string;
      if (kind === 'olareg') {
        const storage = options.storageDir ?? path.join(dir, 'storage');
        await mkdir(storage, { recursive: true });
        const deletes = String(options.deleteEnabled ?? true);
        command = [
          toolPath('olareg'),
          'serve',
          '--addr',
          '127.0.0.1',
          '--port',
          String(port),
          '--dir',
          storage,
        ];
        command.push(`--api-delete=${deletes}`, `--api-blob-delete=${deletes}`, '--verbosity', 'info');
        listening = `addr=${host}`;
      } else {
        // JSON is valid YAML, and distribution's parser reads it.
        const configFile = path.join(dir, 'config.yml');
        await writeFile(configFile, JSON.stringify(config, null, 2));
        command = ['docker-registry', 'serve', configFile];
        listening = `listening on ${host}`;
      }
      child = spawnDaemon(command, logFile);
      const url = `${ca ? 'https' : 'http'}://${host}`;
      const outcome = await waitUntilReady(child, url, ca?.caPem, logFile, listening);
      if (outcome === 'ready') break;
      const log = await readFile(logFile, 'utf8').catch(() => '');
      // Another process may grab the port between freePort() and the registry's bind.
      if (attempt < 3 && /address already in use/.test(log)) continue;
      throw new Error(`${command[0]} (${kind}) did not start: ${outcome}\n${lastLines(log, 15)}`);
    }

    const url = `${ca ? 'https' : 'http'}://${host}`;
    if (options.proxy) proxy = await startFaultProxy(url);

    if (authFile && username && password) {
      const entry = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
      const auths = { [host]: entry, ...(proxy ? { [proxy.host]: entry } : {}) };
      await writeFile(authFile, JSON.stringify({ auths }, null, 2), { mode: 0o600 });
    }

    const started = child!;
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        forget();
        await Promise.allSettled([proxy?.stop(), tokenServer?.stop(), terminate(started)]);
        if (!process.env.DELIVERKIT_TESTBED_KEEP) await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    };
    const forget = registerStopper(stop);
    return {
      kind,
      host,
      url,
      insecure: anonymous,
      username,
      password,
      caPem: ca?.caPem,
      caFile: ca?.caFile,
      certDir: ca?.certDir,
      authFile,
      tokenServer,
      proxy,
      dir,
      logFile,
      stop,
    };
  } catch (error) {
    await Promise.allSettled([proxy?.stop(), tokenServer?.stop(), child ? terminate(child) : undefined]);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Ready means *this* registry answers: a /v2/ reply alone could come from another server that took
 * the port between freePort() and our bind (then our child exits with "address already in use"), so
 * the child's own log must also say it is listening on the address (`listening`, the line each server writes).
 */
async function waitUntilReady(
  child: ChildProcess,
  url: string,
  ca: string | undefined,
  logFile: string,
  listening: string,
): Promise<string> {
  let exited: string | undefined;
  const onExit = (code: number | null, signal: string | null) => {
    exited = `exited with ${code ?? signal}`;
  };
  child.once('exit', onExit);
  child.once('error', (error) => {
    exited = `could not be spawned: ${error.message}`;
  });
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exited) return exited;
      try {
        const res = await httpRequest(`${url}/v2/`, { ca, timeoutMs: 2_000 });
        const logged = (await readFile(logFile, 'utf8').catch(() => '')).includes(listening);
        if ((res.status === 200 || res.status === 401) && logged && !exited) return 'ready';
      } catch {
        // Not listening yet.
      }
      await sleep(50);
    }
    child.kill('SIGKILL');
    return `did not answer ${url}/v2/ within ${READY_TIMEOUT_MS} ms`;
  } finally {
    child.off('exit', onExit);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

/**
 * The same registry as seen through its fault proxy (`startRegistry(kind, { proxy: true })`): host and url are the
 * proxy's, credentials and CA are the registry's (the auth file has an entry for the proxy's host). Handy for
 * pushBaseImage and the skopeo helpers. stop() stops the registry.
 */
export function viaProxy(registry: RegistryHandle): RegistryHandle {
  if (!registry.proxy) throw new Error('this registry has no fault proxy: start it with { proxy: true }');
  return { ...registry, host: registry.proxy.host, url: registry.proxy.url, proxy: undefined };
}
