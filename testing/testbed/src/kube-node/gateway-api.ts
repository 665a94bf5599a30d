import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '../exec';
import { repoRoot } from '../paths';
import type { KubeCluster } from '../kube-cluster';

/** The pinned Gateway API module (tools/go/gateway-api/go.mod + go.sum): its standard-channel CRDs. */
const MODULE_DIR = path.join(repoRoot, 'tools', 'go', 'gateway-api');

/** Downloads (once, through the Go module proxy, checked against go.sum) and returns the module's directory. */
async function gatewayApiModule(): Promise<{ dir: string; version: string }> {
  const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  const { stdout } = await runCommand(go, ['mod', 'download', '-json', 'sigs.k8s.io/gateway-api'], {
    cwd: MODULE_DIR,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' },
    timeoutMs: 300_000,
  });
  const info = JSON.parse(stdout.toString('utf8')) as { Dir: string; Version: string; Error?: string };
  if (info.Error) throw new Error(`go mod download sigs.k8s.io/gateway-api: ${info.Error}`);
  return { dir: info.Dir, version: info.Version };
}

/**
 * Installs the Gateway API standard-channel CRDs of the pinned release into a cluster (server-side apply) and
 * waits until HTTPRoute is served. No Gateway controller comes with them: routes are stored and validated by the
 * API server (the CRDs' schemas and CEL rules), and carry no traffic.
 */
export async function installGatewayApiCrds(cluster: KubeCluster): Promise<string> {
  const { dir, version } = await gatewayApiModule();
  const crdDir = path.join(dir, 'config', 'crd', 'standard');
  const files = (await readdir(crdDir)).filter((f) => /^gateway\.networking\.k8s\.io_[a-z]+\.yaml$/.test(f));
  const docs = await Promise.all(files.map((f) => readFile(path.join(crdDir, f), 'utf8')));
  await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: docs.join('\n---\n') });
  await cluster.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/httproutes.gateway.networking.k8s.io',
  ]);
  return version;
}
