// Which runner process is asking. GitHub hands each job its own token; act hands every job the same environment,
// so the stand-ins find the asker the only way left on one host: the loopback connection's client port → the socket
// inode in /proc/net/tcp{,6} → the process holding that socket → its environment (GITHUB_WORKFLOW, GITHUB_JOB, …).
// Linux-only, and it needs to read other processes' /proc entries (the test bed runs as root).
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

function socketInode(clientPort: number, serverPort: number): string | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (cols.length < 10) continue;
      const local = cols[1]!.split(':')[1];
      const remote = cols[2]!.split(':')[1];
      if (local === hex(clientPort) && remote === hex(serverPort)) return cols[9];
    }
  }
  return undefined;
}

function pidOfSocket(inode: string): number | undefined {
  const target = `socket:[${inode}]`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === target) return Number(entry);
      } catch {
        // the fd closed while we looked
      }
    }
  }
  return undefined;
}

/** The environment of the process on the other end of a loopback connection, or undefined. */
export function requesterEnvironment(
  clientPort: number,
  serverPort: number,
): Record<string, string> | undefined {
  const inode = socketInode(clientPort, serverPort);
  if (!inode || inode === '0') return undefined;
  const pid = pidOfSocket(inode);
  if (pid === undefined) return undefined;
  try {
    const env: Record<string, string> = {};
    for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
  } catch {
    return undefined;
  }
}
