export {
  buildWorkflowGraph,
  findLeaf,
  normalizePermissions,
  type GraphOptions,
  type GraphProblem,
  type LeafJob,
  type Permissions,
  type WorkflowGraph,
} from './graph';
export { requesterEnvironment } from './requester';
export {
  startGitHubStandIn,
  type Deployment,
  type DeploymentStatus,
  type GitHubStandIn,
  type Refusal,
  type RunContext,
  type StandInOptions,
} from './server';
export { startArtifactProxy, type ArtifactProxy } from './artifact-proxy';
