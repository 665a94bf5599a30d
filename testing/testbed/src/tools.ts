import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/** The tool belt's binaries (tools/go/tools.tsv), built into .tools/bin by scripts/tools.sh. */
export type BeltTool =
  | 'cosign'
  | 'crane'
  | 'oras'
  | 'regctl'
  | 'olareg'
  | 'syft'
  | 'buildkitd'
  | 'buildctl'
  | 'buildx'
  | 'act'
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kubectl'
  | 'kubelet'
  | 'kube-proxy'
  | 'kwok'
  | 'ko';

export const toolsBinDir = path.join(repoRoot, '.tools', 'bin');

/**
 * The stable path of a tool-belt binary. Throws, naming the command that builds it, when it is not built:
 * a test must fail loudly rather than skip when its judge is missing.
 */
export function toolPath(name: BeltTool): string {
  const file = path.join(toolsBinDir, name);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(
      `${name} is not built: run \`bash scripts/tools.sh ${name}\` (scripts/testbed.sh builds the suite's tools)`,
    );
  }
  return file;
}
