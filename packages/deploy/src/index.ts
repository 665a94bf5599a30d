export { DeployError, KubeApiError, type DeployErrorCode, type KubeApiErrorCode } from './errors';
export {
  KubeClient,
  FIELD_MANAGER,
  toKubeApiError,
  type KObject,
  type KubeClientOptions,
  type ApiCall,
} from './kube';
export {
  loadManifests,
  parseImageOverrides,
  parseManifests,
  readManifestFiles,
  renderKustomize,
  substituteImages,
  stripTagAndDigest,
  containersOf,
  type ImageOverride,
  type RenderedManifests,
  type LoadManifestsOptions,
} from './manifests';
export {
  buildModel,
  autoscaledReplicas,
  colorAutoscalers,
  colorDeployment,
  colorService,
  previewService,
  stableService,
  routeFor,
  otherColor,
  selectedSlot,
  ANNOTATION,
  COLOR_LABEL,
  PREVIEW_HEADER,
  type AppModel,
  type Color,
  type Slot,
  type RouteMethod,
} from './model';
export {
  acquireLeaseLock,
  leaseHolder,
  readLeaseHolder,
  supersedes,
  type HeldLock,
  type LeaseLockOptions,
} from './lock';
export { rolloutState, waitForRollout, waitForEndpoints, readyEndpoints, type RolloutState } from './rollout';
export { parseSmokeChecks, runCheck, type SmokeCheck, type ProbeResult, type ProbeTarget } from './probes';
export { BlueGreenDeployer } from './deployer';
export { planOffline } from './plan';
export { configHash } from './desired';
export {
  MANAGERS,
  type BlueGreenOptions,
  type AppRef,
  type DeployAction,
  type DeployResult,
  type DeployPlan,
  type PlannedChange,
  type Outcome,
  type TimelineStep,
} from './types';
export { deployToClusters, type ClusterTarget, type MultiClusterResult } from './multi';
export {
  setKustomizationDigests,
  gitopsDeploy,
  gitopsRollback,
  type GitopsOptions,
  type GitopsResult,
} from './gitops';
export { diffObjects, diffLines } from './diff';
export { runDeployment, type DeploymentRequest, type DeploymentReport, type ClusterSpec } from './run';
export { parseClusters } from './clusters';
