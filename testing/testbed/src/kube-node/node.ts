import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { runCommand, spawnDaemon } from '../exec';
import { toolPath } from '../tools';
import { buildTestImage, PAUSE_IMAGE, type TestImage } from './images';
import type { ClusterNetns } from './netns';

/** Debian's CNI plugins (containernetworking-plugins). */
export const CNI_BIN_DIR = '/usr/lib/cni';
/** Pods of the real node get addresses from this bridge subnet (inside the cluster's network namespace). */
export const POD_CIDR = '10.244.0.0/24';

export interface RealNode {
  name: string;
  /** The node's containerd socket (`ctr --address`). */
  containerdSocket: string;
  /** Makes an image available to pods (`ctr images import` into the node's containerd). */
  importImage(image: TestImage): Promise<void>;
  stop(): Promise<void>;
}

export interface StartNodeOptions {
  dir: string;
  netns: ClusterNetns;
  caFile: string;
  /** A kubeconfig file for a client certificate (name, groups) the cluster's CA signed. */
  clientKubeconfig(name: string, groups: string[]): Promise<string>;
  /** A serving certificate for the kubelet: [cert, key]. */
  servingCert(name: string, sans: string[]): Promise<[string, string]>;
  clusterCidr: string;
  /** Started children are pushed here, so the cluster stops them (last started, first stopped). */
  children: { name: string; child: ChildProcess }[];
  log(name: string): string;
}

/**
 * A real node inside the cluster's network namespace: a private containerd (its own root, state and socket;
 * runc; a CNI bridge), the kubelet (cgroupfs driver, cgroup v1 allowed) and kube-proxy in iptables mode.
 */
export async function startRealNode(options: StartNodeOptions): Promise<RealNode> {
  const { dir, netns } = options;
  const name = 'node-1';
  const cdDir = path.join(dir, 'containerd');
  const socket = path.join(cdDir, 'containerd.sock');
  const cniConfDir = path.join(dir, 'cni');
  await mkdir(cdDir, { recursive: true });
  await mkdir(cniConfDir, { recursive: true });
  await writeFile(
    path.join(cniConfDir, '10-bridge.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: 'deliverkit',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: POD_CIDR }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: path.join(dir, 'cni-ipam'),
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    }),
  );
  const config = [
    'version = 2',
    `root = "${path.join(cdDir, 'root')}"`,
    `state = "${path.join(cdDir, 'state')}"`,
    `[grpc]`,
    `  address = "${socket}"`,
    `[plugins."io.containerd.grpc.v1.cri"]`,
    `  sandbox_image = "${PAUSE_IMAGE}"`,
    `  stream_server_address = "127.0.0.1"`,
    `  stream_server_port = "0"`,
    `  netns_mounts_under_state_dir = true`,
    // Lowering oom_score_adj is refused on this kind of host (runc: "failed to update /proc/self/oom_score_adj:
    // Permission denied"); keep every container at or above containerd's own score.
    `  restrict_oom_score_adj = true`,
    `  [plugins."io.containerd.grpc.v1.cri".containerd]`,
    `    snapshotter = "overlayfs"`,
    `    default_runtime_name = "runc"`,
    `    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]`,
    `      runtime_type = "io.containerd.runc.v2"`,
    `      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]`,
    `        Root = "${path.join(cdDir, 'runc')}"`,
    `  [plugins."io.containerd.grpc.v1.cri".cni]`,
    `    bin_dir = "${CNI_BIN_DIR}"`,
    `    conf_dir = "${cniConfDir}"`,
    `[plugins."io.containerd.internal.v1.opt"]`,
    `  path = "${path.join(cdDir, 'opt')}"`,
    '',
  ].join('\n');
  const configFile = path.join(cdDir, 'config.toml');
  await writeFile(configFile, config);
  const start = (component: string, command: string[]) => {
    const child = spawnDaemon(netns.wrap(command), options.log(component));
    options.children.push({ name: component, child });
    return child;
  };
  const containerd = start('containerd', ['containerd', '--config', configFile]);
  const ctr = (args: string[]) =>
    runCommand('ctr', ['--address', socket, '--namespace', 'k8s.io', ...args], { timeoutMs: 120_000 });
  for (let i = 0; ; i++) {
    if (containerd.exitCode !== null) throw new Error('containerd exited at start: see containerd.log');
    try {
      await ctr(['version']);
      break;
    } catch (e) {
      if (i > 100) throw e;
      await sleep(200);
    }
  }
  const importImage = async (image: TestImage) => {
    await ctr(['images', 'import', image.archive]);
    // The kubelet asks for repository@digest, which the CRI looks up by that name: give the image that name too.
    await ctr([
      'images',
      'tag',
      '--force',
      `${image.repository}:${image.tag}`,
      `${image.repository}@${image.digest}`,
    ]);
  };
  await importImage(await buildTestImage('1', 'ok', PAUSE_IMAGE.split(':')[0]));

  const kubeletKubeconfig = await options.clientKubeconfig(`system:node:${name}`, ['system:nodes']);
  const [servingCrt, servingKey] = await options.servingCert(`kubelet-${name}`, [
    `IP:${netns.clusterIp}`,
    `DNS:${name}`,
  ]);
  const kubeletConfig = path.join(dir, 'kubelet.yaml');
  await writeFile(
    kubeletConfig,
    stringify({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      // Debian's host here mounts cgroup v1 (hybrid); kubelet 1.35+ refuses it unless told.
      failCgroupV1: false,
      cgroupDriver: 'cgroupfs',
      // Two nodes on one host: no shared /kubepods hierarchy, containerd places each container itself.
      cgroupsPerQOS: false,
      enforceNodeAllocatable: [],
      containerRuntimeEndpoint: `unix://${socket}`,
      address: netns.clusterIp,
      port: 10250,
      readOnlyPort: 0,
      healthzPort: 0,
      tlsCertFile: servingCrt,
      tlsPrivateKeyFile: servingKey,
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: false },
        x509: { clientCAFile: options.caFile },
      },
      authorization: { mode: 'AlwaysAllow' },
      failSwapOn: false,
      // See restrict_oom_score_adj above: no process here may lower its OOM score.
      oomScoreAdj: 0,
      // A shared test disk: never evict the test's pods for someone else's files.
      evictionHard: { 'memory.available': '1Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      localStorageCapacityIsolation: false,
      resolvConf: '',
      clusterDomain: 'cluster.local',
      registerNode: true,
      nodeStatusUpdateFrequency: '2s',
      syncFrequency: '5s',
      fileCheckFrequency: '5s',
    }),
  );
  // prettier-ignore
  start('kubelet', [
    toolPath('kubelet'), '--config', kubeletConfig, '--kubeconfig', kubeletKubeconfig,
    '--root-dir', path.join(dir, 'kubelet'), '--cert-dir', path.join(dir, 'kubelet-pki'),
    '--hostname-override', name, '--node-ip', netns.clusterIp, '--v', '1',
  ]);
  const proxyConfig = path.join(dir, 'kube-proxy.yaml');
  await writeFile(
    proxyConfig,
    stringify({
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      mode: 'iptables',
      oomScoreAdj: 0,
      clientConnection: {
        kubeconfig: await options.clientKubeconfig('system:kube-proxy', []),
      },
      hostnameOverride: name,
      bindAddress: netns.clusterIp,
      clusterCIDR: options.clusterCidr,
      healthzBindAddress: '',
      metricsBindAddress: '127.0.0.1:10249',
      // Per-namespace sysctls only: the host's conntrack table size is not ours to change.
      conntrack: { maxPerCore: 0, min: 0 },
      iptables: { syncPeriod: '5s', minSyncPeriod: '0s' },
    }),
  );
  start('kube-proxy', [toolPath('kube-proxy'), '--config', proxyConfig, '--v', '1']);

  const stop = () => killNodeContainers(dir);
  return { name, containerdSocket: socket, importImage, stop };
}

/**
 * Containers outlive containerd and the kubelet (each has its shim): kills a node's containers by the pids runc
 * recorded, then the shims of its containerd, then drops their cgroups. Works whether or not containerd still
 * answers, so it also cleans up after a test process that died without stopping its cluster.
 */
export async function killNodeContainers(nodeDir: string): Promise<void> {
  const cdDir = path.join(nodeDir, 'containerd');
  const socket = path.join(cdDir, 'containerd.sock');
  const runcRoot = path.join(cdDir, 'runc', 'k8s.io');
  const ids = existsSync(runcRoot) ? await readdir(runcRoot) : [];
  for (const id of ids) {
    try {
      const state = JSON.parse(await readFile(path.join(runcRoot, id, 'state.json'), 'utf8')) as {
        init_process_pid?: number;
      };
      if (state.init_process_pid) process.kill(state.init_process_pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('/usr/bin/containerd-shim') && cmdline.includes(`\0${socket}`)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }
  await sleep(200);
  for (const id of ids) {
    for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
      await rmdir(path.join('/sys/fs/cgroup', controller, 'k8s.io', id)).catch(() => {});
    }
  }
}
