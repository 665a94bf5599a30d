import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { registerStopper } from './cleanup';
import { runCommand, spawnDaemon, terminate } from './exec';
import { repoRoot, testbedDir } from './paths';
import { toolPath } from './tools';
import { POD_CIDR, killNodeContainers, startRealNode, type RealNode } from './kube-node/node';
import { createClusterNetns, type ClusterNetns } from './kube-node/netns';
import type { TestImage } from './kube-node/images';

const READY_TIMEOUT_MS = 90_000;

/** A client identity of the cluster: a certificate its CA signed, as a kubeconfig. */
export interface KubeUser {
  name: string;
  groups: string[];
  /** Kubeconfig YAML (what the action's `kubeconfig` input takes). */
  kubeconfig: string;
  kubeconfigFile: string;
}

export interface KubeCluster {
  /** `https://127.0.0.1:PORT` of the real kube-apiserver. */
  server: string;
  /** Kubeconfig YAML of a cluster admin (group system:masters). */
  kubeconfig: string;
  kubeconfigFile: string;
  caPem: string;
  /** The temp dir holding certificates, etcd data and every component's log. */
  dir: string;
  /** The Service CIDR of this cluster (each cluster gets its own, so several can share one host's dataplane). */
  serviceCidr: string;
  /** Component versions as the API server reports them (`/version`). */
  version: { gitVersion: string };
  /** A client certificate for `name` in `groups`, signed by the cluster's CA (for RBAC tests). */
  user(name: string, groups?: string[]): Promise<KubeUser>;
  /** `kubectl --kubeconfig <admin> …args`; stdout as text. */
  kubectl(args: string[], options?: { input?: string; user?: KubeUser }): Promise<string>;
  /** An authenticated request to the API server as the admin (JSON in, JSON out; never throws on status). */
  request(
    method: string,
    apiPath: string,
    body?: unknown,
    contentType?: string,
  ): Promise<{ status: number; body: unknown }>;
  /** The real node, when started with `node: true`. */
  node?: RealNode;
  /** The cluster's network namespace (node: true): `wrap(cmd)` runs a command inside it. */
  netns?: ClusterNetns;
  /** Makes a test image available to the real node's containerd. */
  importImage(image: TestImage): Promise<void>;
  /** Reads the tail of a component's log (etcd, kube-apiserver, …), for failure messages. */
  logTail(component: string, lines?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface StartKubeClusterOptions {
  /** Extra kube-apiserver flags (`--feature-gates=…`, …). */
  apiserverArgs?: string[];
  /**
   * A real node: kubelet on a private containerd (runc, CNI bridge) and kube-proxy (iptables), so pods run the
   * test images and Services carry traffic. The whole cluster then lives in a network namespace of its own
   * (see kube-node/README.md); without it, the control plane listens on host loopback and no pod ever runs.
   */
  node?: boolean;
  /**
   * Simulated nodes managed by kwok (labelled `type=kwok`, tainted `kwok.x-k8s.io/node=fake:NoSchedule`, so only
   * pods that tolerate the taint land there). kwok marks their pods Running and Ready without running anything:
   * for scheduling tests only — never for a claim about readiness or traffic.
   */
  kwokNodes?: number;
}

let clusterCount = 0;

/** The kwok module's own stage definitions (node-initialize, heartbeat, pod-ready/complete/delete), pinned by tools/go/kwok. */
async function kwokStages(): Promise<string> {
  const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  const { stdout } = await runCommand(go, ['mod', 'download', '-json', 'sigs.k8s.io/kwok'], {
    cwd: path.join(repoRoot, 'tools', 'go', 'kwok'),
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' },
    timeoutMs: 300_000,
  });
  const stage = path.join((JSON.parse(stdout.toString('utf8')) as { Dir: string }).Dir, 'kustomize', 'stage');
  const files = [
    'node/fast/node-initialize.yaml',
    'node/heartbeat/node-heartbeat.yaml',
    'pod/fast/pod-ready.yaml',
    'pod/fast/pod-complete.yaml',
    'pod/fast/pod-delete.yaml',
  ];
  return (await Promise.all(files.map((f) => readFile(path.join(stage, f), 'utf8')))).join('\n---\n');
}

async function startKwok(
  dir: string,
  kubeconfigFile: string,
  count: number,
  start: (name: string, command: string[]) => ChildProcess,
  request: KubeCluster['request'],
  waitFor: (what: string, component: string, check: () => Promise<boolean>) => Promise<void>,
): Promise<void> {
  const stagesFile = path.join(dir, 'kwok-stages.yaml');
  await writeFile(stagesFile, await kwokStages());
  // prettier-ignore
  start('kwok', [
    toolPath('kwok'), '--kubeconfig', kubeconfigFile, '--config', stagesFile,
    '--manage-nodes-with-label-selector=type=kwok', '--cidr=10.251.0.0/16',
  ]);
  for (let i = 0; i < count; i++) {
    const name = `kwok-${i}`;
    const r = await request('POST', '/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          type: 'kwok',
          'kubernetes.io/hostname': name,
          'topology.kubernetes.io/zone': `zone-${i % 3}`,
        },
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
      },
      spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] },
      status: {
        allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      },
    });
    if (r.status !== 201) throw new Error(`creating kwok node ${name}: ${JSON.stringify(r.body)}`);
  }
  await waitFor(`${count} kwok nodes Ready`, 'kwok', async () => {
    const nodes = (await request('GET', '/api/v1/nodes?labelSelector=type%3Dkwok')).body as {
      items: { status?: { conditions?: { type: string; status: string }[] } }[];
    };
    return (
      nodes.items.length === count &&
      nodes.items.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    );
  });
}

/**
 * Cleans up after test processes that died without stopping their clusters (a timeout's SIGKILL): their daemons
 * died with them (pdeathsig), but containers, mounts and the directory stay. A cluster dir whose owner.pid is dead
 * is dismantled here.
 */
async function removeAbandonedClusters(): Promise<void> {
  const root = path.join(testbedDir, 'kube');
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith('cluster-')) continue;
    const dir = path.join(root, name);
    const owner = Number(await readFile(path.join(dir, 'owner.pid'), 'utf8').catch(() => '0'));
    let alive = false;
    try {
      if (owner > 0) process.kill(owner, 0);
      alive = owner > 0;
    } catch {
      alive = false;
    }
    // A dir without owner.pid is one being created right now, or one from before owner.pid existed: by age.
    if (alive || (owner === 0 && Date.now() - (await stat(dir)).mtimeMs < 3_600_000)) continue;
    await killNodeContainers(path.join(dir, 'node'));
    for (const mount of await mountsUnder(dir)) await runCommand('umount', ['-l', mount]).catch(() => {});
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/** Mount points at or below `dir` (from /proc/self/mountinfo), deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const points = info
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .map((p) => p.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** A free loopback TCP port (bound and released; the components bind it right after). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Pki {
  dir: string;
  ca: string;
  caKey: string;
  /** Signs a leaf certificate: returns [certFile, keyFile]. */
  issue(
    name: string,
    subject: string,
    usage: 'server' | 'client',
    sans?: string[],
  ): Promise<[string, string]>;
}

async function createPki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true });
  const at = (n: string) => path.join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  // prettier-ignore
  await runCommand('openssl', [
    'req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '30', '-sha256',
    '-subj', '/CN=deliverkit test cluster CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const issue: Pki['issue'] = async (name, subject, usage, sans = []) => {
    // prettier-ignore
    await runCommand('openssl', [
      'req', '-new', ...ec, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', subject,
    ]);
    const ext = [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
    ];
    if (sans.length) ext.push(`subjectAltName=${sans.join(',')}`);
    await writeFile(at(`${name}.ext`), `${ext.join('\n')}\n`);
    // prettier-ignore
    await runCommand('openssl', [
      'x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.crt'), '-CAkey', at('ca.key'),
      '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', '30', '-sha256',
      '-extfile', at(`${name}.ext`), '-out', at(`${name}.crt`),
    ]);
    return [at(`${name}.crt`), at(`${name}.key`)];
  };
  return { dir, ca: at('ca.crt'), caKey: at('ca.key'), issue };
}

function kubeconfigYaml(
  server: string,
  caPem: string,
  certPem: string,
  keyPem: string,
  user: string,
): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [
      { name: user, user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) } },
    ],
    contexts: [{ name: 'test', context: { cluster: 'test', user, namespace: 'default' } }],
    'current-context': 'test',
  });
}

/**
 * Starts a real Kubernetes control plane from the tool belt (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler of one release) on free loopback ports, in a private temp dir under .testbed/kube: its own CA,
 * serving and client certificates, service-account keys and an admin kubeconfig. Resolves once `/readyz` answers
 * and the default ServiceAccount exists (the controller-manager runs). Several may run at once.
 */
export async function startKubeCluster(options: StartKubeClusterOptions = {}): Promise<KubeCluster> {
  const bin = {
    etcd: toolPath('etcd'),
    apiserver: toolPath('kube-apiserver'),
    controllerManager: toolPath('kube-controller-manager'),
    scheduler: toolPath('kube-scheduler'),
    kubectl: toolPath('kubectl'),
  };
  await mkdir(path.join(testbedDir, 'kube'), { recursive: true });
  await removeAbandonedClusters();
  const dir = await mkdtemp(path.join(testbedDir, 'kube', 'cluster-'));
  await writeFile(path.join(dir, 'owner.pid'), String(process.pid));
  const index = clusterCount++ % 100;
  // 10.96.0.0/16, 10.97.0.0/16, …: distinct per cluster of this process, so real kube-proxies cannot collide.
  const serviceCidr = `10.${96 + ((process.pid + index) % 60)}.0.0/16`;
  const serviceIp = serviceCidr.replace(/0\.0\/16$/, '0.1');
  const pki = await createPki(path.join(dir, 'pki'));
  // With a node, the cluster has a network namespace to itself: fixed ports, the API server on its veth.
  let netns: ClusterNetns | undefined;
  if (options.node) netns = await createClusterNetns();
  const wrap = (command: string[]) => (netns ? netns.wrap(command) : command);
  const [etcdClientPort, etcdPeerPort, apiPort] = netns
    ? [2379, 2380, 6443]
    : [await freePort(), await freePort(), await freePort()];
  const apiHost = netns?.clusterIp ?? '127.0.0.1';
  const server = `https://${apiHost}:${apiPort}`;

  const [apiCrt, apiKey] = await pki.issue('apiserver', '/CN=kube-apiserver', 'server', [
    'IP:127.0.0.1',
    `IP:${apiHost}`,
    `IP:${serviceIp}`,
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
  ]);
  const [kubeletClientCrt, kubeletClientKey] = await pki.issue(
    'apiserver-kubelet-client',
    '/O=system:masters/CN=kube-apiserver-kubelet-client',
    'client',
  );
  const saKey = path.join(pki.dir, 'sa.key');
  const saPub = path.join(pki.dir, 'sa.pub');
  await runCommand('openssl', ['genrsa', '-out', saKey, '2048']);
  await runCommand('openssl', ['rsa', '-in', saKey, '-pubout', '-out', saPub]);
  const caPem = await readFile(pki.ca, 'utf8');

  const users = new Map<string, KubeUser>();
  const user = async (name: string, groups: string[] = []): Promise<KubeUser> => {
    const key = `${name}\n${groups.join(',')}`;
    const known = users.get(key);
    if (known) return known;
    const file = users.size === 0 ? 'admin' : `user-${users.size}`;
    const subject = `${groups.map((g) => `/O=${g}`).join('')}/CN=${name}`;
    const [crt, k] = await pki.issue(file, subject, 'client');
    const kubeconfig = kubeconfigYaml(
      server,
      caPem,
      await readFile(crt, 'utf8'),
      await readFile(k, 'utf8'),
      name,
    );
    const kubeconfigFile = path.join(dir, `${file}.kubeconfig`);
    await writeFile(kubeconfigFile, kubeconfig, { mode: 0o600 });
    const u = { name, groups, kubeconfig, kubeconfigFile };
    users.set(key, u);
    return u;
  };
  const admin = await user('deliverkit-admin', ['system:masters']);
  const controllerManager = await user('system:kube-controller-manager');
  const scheduler = await user('system:kube-scheduler');

  const children: { name: string; child: ChildProcess }[] = [];
  let node: RealNode | undefined;
  const log = (name: string) => path.join(dir, `${name}.log`);
  const start = (name: string, command: string[]) => {
    const child = spawnDaemon(wrap(command), log(name));
    children.push({ name, child });
    return child;
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      forget();
      await node?.stop().catch(() => {});
      // Node and controllers first, etcd last, so nothing logs storage errors on the way down.
      for (const { child } of [...children].reverse()) await terminate(child, 10_000);
      // Again, now that kubelet and containerd are gone: pods they restarted after the first kill left shims (and
      // containers) that would outlive the run.
      await node?.stop().catch(() => {});
      if (netns) await runCommand('ip', ['route', 'del', serviceCidr]).catch(() => {});
      await netns?.remove();
      // The kubelet leaves its volume mounts (and its root dir's bind mount) behind: deepest first.
      for (const mount of await mountsUnder(dir)) await runCommand('umount', ['-l', mount]).catch(() => {});
      if (!process.env.DELIVERKIT_TESTBED_KEEP) await rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  const forget = registerStopper(stop);

  const logTail = async (component: string, lines = 20) =>
    (await readFile(log(component), 'utf8').catch(() => '')).trim().split('\n').slice(-lines).join('\n');

  const request: KubeCluster['request'] = async (method, apiPath, body, contentType) => {
    const adminCrt = await readFile(path.join(pki.dir, 'admin.crt'));
    const adminKey = await readFile(path.join(pki.dir, 'admin.key'));
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = https.request(
        new URL(apiPath, server),
        {
          method,
          ca: caPem,
          cert: adminCrt,
          key: adminKey,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': contentType ?? 'application/json' } : {}),
          },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // /readyz and /healthz answer plain text.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(payload);
    });
  };

  const waitFor = async (what: string, component: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      const dead = children.find(({ child }) => child.exitCode !== null || child.signalCode !== null);
      if (dead) {
        const tail = await logTail(dead.name);
        await stop();
        throw new Error(`${dead.name} exited while waiting for ${what}:\n${tail}`);
      }
      try {
        if (await check()) return;
      } catch (e) {
        last = (e as Error).message;
      }
      await sleep(250);
    }
    const tail = await logTail(component);
    await stop();
    throw new Error(`${what} not ready within ${READY_TIMEOUT_MS} ms (${last}):\n${tail}`);
  };

  try {
    // prettier-ignore
    start('etcd', [
      bin.etcd, '--name', 'test', '--data-dir', path.join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdClientPort}`,
      '--advertise-client-urls', `http://127.0.0.1:${etcdClientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeerPort}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeerPort}`,
      '--initial-cluster', `test=http://127.0.0.1:${etcdPeerPort}`,
      // A throwaway test store: durability buys nothing and fsync costs seconds on a shared disk.
      '--unsafe-no-fsync', '--log-level', 'warn',
    ]);
    // prettier-ignore
    start('kube-apiserver', [
      bin.apiserver,
      '--etcd-servers', `http://127.0.0.1:${etcdClientPort}`,
      '--bind-address', netns ? '0.0.0.0' : '127.0.0.1', '--advertise-address', apiHost,
      '--secure-port', String(apiPort),
      '--tls-cert-file', apiCrt, '--tls-private-key-file', apiKey, '--client-ca-file', pki.ca,
      '--kubelet-client-certificate', kubeletClientCrt, '--kubelet-client-key', kubeletClientKey,
      '--kubelet-certificate-authority', pki.ca,
      '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file', saPub, '--service-account-signing-key-file', saKey,
      '--service-cluster-ip-range', serviceCidr,
      '--authorization-mode', 'Node,RBAC',
      // The kubernetes Service's endpoint would be 127.0.0.1, which Endpoints validation refuses.
      '--endpoint-reconciler-type', 'none',
      '--cert-dir', path.join(dir, 'apiserver-certs'),
      ...(options.apiserverArgs ?? []),
    ]);
    await waitFor('kube-apiserver /readyz', 'kube-apiserver', async () => {
      const r = await request('GET', '/readyz');
      return r.status === 200;
    });
    // prettier-ignore
    start('kube-controller-manager', [
      bin.controllerManager, '--kubeconfig', controllerManager.kubeconfigFile,
      '--leader-elect=false', '--secure-port', '0',
      '--service-account-private-key-file', saKey, '--root-ca-file', pki.ca,
      '--use-service-account-credentials=true',
      '--cluster-signing-cert-file', pki.ca, '--cluster-signing-key-file', pki.caKey,
      '--service-cluster-ip-range', serviceCidr,
    ]);
    // prettier-ignore
    start('kube-scheduler', [
      bin.scheduler, '--kubeconfig', scheduler.kubeconfigFile, '--leader-elect=false', '--secure-port', '0',
    ]);
    // The default ServiceAccount appears once the controller-manager's controllers run; pods need it.
    await waitFor('the default ServiceAccount', 'kube-controller-manager', async () => {
      const r = await request('GET', '/api/v1/namespaces/default/serviceaccounts/default');
      return r.status === 200;
    });
    if (netns) {
      const ns = netns;
      node = await startRealNode({
        dir: path.join(dir, 'node'),
        netns: ns,
        caFile: pki.ca,
        clientKubeconfig: async (name, groups) => (await user(name, groups)).kubeconfigFile,
        servingCert: (name, sans) => pki.issue(name, `/CN=${name}`, 'server', sans),
        clusterCidr: POD_CIDR,
        children,
        log,
      });
      // The host reaches Services (not pods) through the namespace: kube-proxy's rules there carry the traffic.
      await runCommand('ip', ['route', 'replace', serviceCidr, 'via', ns.clusterIp]);
      await waitFor('the node to be Ready', 'kubelet', async () => {
        const r = await request('GET', `/api/v1/nodes/${node!.name}`);
        const conditions = (r.body as { status?: { conditions?: { type: string; status: string }[] } }).status
          ?.conditions;
        return conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      });
    }
  } catch (e) {
    await stop();
    throw e;
  }
  if (options.kwokNodes) {
    try {
      await startKwok(dir, admin.kubeconfigFile, options.kwokNodes, start, request, waitFor);
    } catch (e) {
      await stop();
      throw e;
    }
  }
  const version = (await request('GET', '/version')).body as { gitVersion: string };

  return {
    server,
    kubeconfig: admin.kubeconfig,
    kubeconfigFile: admin.kubeconfigFile,
    caPem,
    dir,
    serviceCidr,
    version,
    user,
    request,
    logTail,
    stop,
    node,
    netns,
    importImage: async (image) => {
      if (!node) throw new Error('this cluster has no real node: start it with { node: true }');
      await node.importImage(image);
    },
    kubectl: async (args, opts = {}) => {
      const { stdout } = await runCommand(
        bin.kubectl,
        ['--kubeconfig', (opts.user ?? admin).kubeconfigFile, ...args],
        { input: opts.input, timeoutMs: 120_000 },
      );
      return stdout.toString('utf8');
    },
  };
}

export interface ClusterLoadReport {
  sent: number;
  ok: number;
  failed: number;
  /** The first failures, as `status: body` or `error: message`. */
  failures: string[];
  /** Served requests per app version (the test image's /version). */
  byVersion: Record<string, number>;
  durationMs: number;
  /** The slowest request (ms), and how many took over a second: a dataplane that drops shows here, not in `failed`. */
  maxMs: number;
  over1s: number;
}

export interface ClusterLoad {
  stop(): Promise<ClusterLoadReport>;
}

/**
 * Sends GET requests to `url` (a Service's ClusterIP, reached through the cluster's kube-proxy) until stopped,
 * one new connection per request (no keep-alive: each request is routed by the dataplane's current rules, as
 * a fleet of short-lived clients would be), and counts what each app version served.
 */
export function startClusterLoad(url: string, options: { concurrency?: number } = {}): ClusterLoad {
  const started = Date.now();
  const report: ClusterLoadReport = {
    sent: 0,
    ok: 0,
    failed: 0,
    failures: [],
    byVersion: {},
    durationMs: 0,
    maxMs: 0,
    over1s: 0,
  };
  let running = true;
  const fail = (what: string) => {
    report.failed++;
    if (report.failures.length < 10) report.failures.push(what);
  };
  const once = async () => {
    report.sent++;
    const t0 = Date.now();
    const timed = () => {
      const ms = Date.now() - t0;
      report.maxMs = Math.max(report.maxMs, ms);
      if (ms > 1000) report.over1s++;
    };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { connection: 'close' } });
      const text = await res.text();
      timed();
      if (!res.ok) return fail(`${res.status}: ${text.slice(0, 200)}`);
      report.ok++;
      const version = String((JSON.parse(text) as { version?: string }).version);
      report.byVersion[version] = (report.byVersion[version] ?? 0) + 1;
    } catch (e) {
      timed();
      fail(`error: ${(e as Error).message}${(e as Error).cause ? ` (${String((e as Error).cause)})` : ''}`);
    }
  };
  const workers = Array.from({ length: options.concurrency ?? 2 }, async () => {
    while (running) {
      await once();
      await sleep(5);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      report.durationMs = Date.now() - started;
      return report;
    },
  };
}
