import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { runCommand } from '../exec';

/**
 * A network namespace of its own for one test cluster, joined to the host by a veth pair: the host side is
 * `hostIp`, the cluster side `clusterIp` (both in a /30 of 172.30.0.0/16). Every address of the cluster — API
 * server, kubelet, pods (bridge), Services (kube-proxy's iptables) — lives inside it, so clusters never see
 * each other's rules and the host's own iptables stay untouched.
 */
export interface ClusterNetns {
  name: string;
  /** `/run/netns/<name>`, for `nsenter --net=`. */
  path: string;
  hostIp: string;
  clusterIp: string;
  /** Runs `command` inside the namespace (nsenter joins only the network namespace: mounts stay shared). */
  wrap(command: string[]): string[];
  remove(): Promise<void>;
}

const PREFIX = 'dk16-';

const ip = (args: string[]) => runCommand('ip', args, { timeoutMs: 30_000 });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes namespaces a crashed test process left behind (their name carries the owner's pid). */
async function removeStale(): Promise<void> {
  if (!existsSync('/run/netns')) return;
  for (const name of await readdir('/run/netns')) {
    const m = new RegExp(`^${PREFIX}(\\d+)-\\d+$`).exec(name);
    if (m && !alive(Number(m[1]))) await ip(['netns', 'del', name]).catch(() => {});
  }
}

let counter = 0;

export async function createClusterNetns(): Promise<ClusterNetns> {
  await removeStale();
  const used = new Set<string>();
  const { stdout } = await ip(['-o', '-4', 'addr', 'show']);
  for (const m of stdout.toString().matchAll(/inet 172\.30\.(\d+)\.(\d+)\//g)) used.add(`${m[1]}.${m[2]}`);
  // 64 /30 subnets per third octet: pick the first free one, starting from a per-process offset.
  let slot = -1;
  for (let i = 0; i < 16_000; i++) {
    const s = (process.pid * 7 + counter * 13 + i) % 16_000;
    const a = `${Math.floor(s / 64)}.${(s % 64) * 4 + 1}`;
    if (!used.has(a)) {
      slot = s;
      break;
    }
  }
  if (slot < 0) throw new Error('no free 172.30.x.y/30 for a test cluster network namespace');
  const third = Math.floor(slot / 64);
  const base = (slot % 64) * 4;
  const hostIp = `172.30.${third}.${base + 1}`;
  const clusterIp = `172.30.${third}.${base + 2}`;
  const name = `${PREFIX}${process.pid}-${counter++}`;
  const short = `${process.pid.toString(36)}${counter.toString(36)}`.slice(-8);
  const hostIf = `dkh${short}`;
  const peerIf = `dkc${short}`;
  await ip(['netns', 'add', name]);
  const remove = async () => {
    await ip(['netns', 'del', name]).catch(() => {});
    await ip(['link', 'del', hostIf]).catch(() => {});
  };
  try {
    await ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peerIf]);
    await ip(['link', 'set', peerIf, 'netns', name]);
    await ip(['addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
    await ip(['link', 'set', hostIf, 'up']);
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
    await ip(['-n', name, 'addr', 'add', `${clusterIp}/30`, 'dev', peerIf]);
    await ip(['-n', name, 'link', 'set', peerIf, 'up']);
    // kubelet and kube-proxy look for a default route to pick the node's address.
    await ip(['-n', name, 'route', 'add', 'default', 'via', hostIp]);
    const path = `/run/netns/${name}`;
    const wrap = (command: string[]) => ['nsenter', `--net=${path}`, '--', ...command];
    // Pods on the bridge are routed (and hairpinned through Services) inside the namespace only.
    await runCommand(wrap(['sysctl'])[0]!, [...wrap(['sysctl', '-qw', 'net.ipv4.ip_forward=1']).slice(1)]);
    return { name, path, hostIp, clusterIp, wrap, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}
