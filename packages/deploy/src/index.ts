// The deploy package's public surface: what the blue-green-deploy action calls, and the errors that cross the
// boundary. Tests and benchmarks reach the modules directly.
export {
  DeployError,
  KubeApiError,
  KubeConnectionError,
  KubeObjectError,
  type DeployErrorCode,
  type KubeApiErrorCode,
  type KubeConnectionErrorCode,
  type KubeObjectErrorCode,
} from './errors';
export { parseImageOverrides, type ImageOverride } from './manifests';
export type { RouteMethod } from './model';
export { leaseHolder } from './lock';
export { parseSmokeChecks, type SmokeCheck } from './probes';
export type { DeployAction, DeployInputNames, DeployResult } from './types';
export { resolveGitopsRepository } from './gitops';
export { runDeployment, type DeploymentRequest, type DeploymentReport, type ClusterSpec } from './run';
export { parseClusters } from './clusters';
