import type { Logger } from '@deliverkit/action-kit';
import type { Color, RouteMethod, Slot } from './model';
import type { ProbeResult, SmokeCheck } from './probes';

export type DeployAction = 'deploy' | 'promote' | 'reject' | 'rollback' | 'finish';

/** The caller's names for what a deployment is given (its action inputs), named by the errors about them. */
export interface DeployInputNames {
  action: string;
  mode: string;
  dryRun: string;
  manifests: string;
  kustomizeDir: string;
  images: string;
  app: string;
  routeMethod: string;
  gitopsRepo: string;
  gitopsBaseBranch: string;
  gitopsPath: string;
  autoPromote: string;
  smokeChecks: string;
  verifyWindow: string;
  kubeconfig: string;
}
export type Outcome =
  | 'deployed'
  | 'unchanged'
  | 'pending-promotion'
  | 'promoted'
  | 'rejected'
  | 'rolled-back'
  | 'finished'
  | 'planned'
  | 'failed';

/** Field managers: the full manifests, the traffic switch + state, the replica count, the pending-promotion mark. */
export const MANAGERS = {
  apply: 'deliverkit',
  switch: 'deliverkit-switch',
  scale: 'deliverkit-scaler',
  state: 'deliverkit-state',
  /** The `scale-down-after` mark on a colour kept warm (its own manager, so clearing it touches nothing else). */
  pending: 'deliverkit-pending',
} as const;

export interface TimelineStep {
  step: string;
  status: 'ok' | 'failed' | 'skipped';
  startedAt: string;
  durationMs: number;
  detail?: string;
}

export interface PlannedChange {
  object: string;
  change: 'create' | 'update' | 'unchanged';
  diff: string;
}

export interface DeployPlan {
  /** `cluster`: server-side dry run against live state; `offline`: rendered and validated locally against an empty cluster. */
  mode: 'cluster' | 'offline';
  from?: Slot;
  to: Color;
  switch: { from?: Slot; to: Color; objects: string[] };
  changes: PlannedChange[];
  notes: string[];
}

export interface DeployResult {
  action: DeployAction;
  outcome: Outcome;
  cluster?: string;
  app: string;
  namespace: string;
  activeColor?: Slot;
  previousColor?: Slot;
  switched: boolean;
  rolledBack: boolean;
  imageDigest?: string;
  previousDigest?: string;
  timeline: TimelineStep[];
  probes: ProbeResult[];
  apiCalls: number;
  /** Milliseconds from "new colour ready (smoke passed)" to "switch applied". */
  readyToSwitchMs?: number;
  /** A colour left warm for a later run to scale down: which, and from when (ISO time). */
  pendingScaleDown?: { color: Color; after: string };
  plan?: DeployPlan;
  error?: { code: string; message: string };
}

export interface BlueGreenOptions {
  smokeChecks: SmokeCheck[];
  verifyWindowMs: number;
  verifyIntervalMs?: number;
  scaleDownDelayMs: number;
  /**
   * Sleep through `scaleDownDelayMs` in this run, then scale the old colour down (the behaviour before 0.2). By
   * default the run does not wait: it marks the old colour `scale-down-after: <time>` and returns; the next run on
   * the app, or `finish`, scales it down once that time has passed.
   */
  waitForScaleDown?: boolean;
  /** Budget for each wait (rollout, endpoints). */
  timeoutMs: number;
  autoPromote: boolean;
  /** Lock holder identity: the workflow run (a re-run of the same run takes its own lock back). */
  runId: string;
  runUrl?: string;
  lockTtlSeconds?: number;
  lockWaitMs?: number;
  pollMs?: number;
  cluster?: string;
  logger?: Logger;
  /** Multi-cluster: do not scale the old colour down; the caller runs `finalize` once every cluster passed. */
  deferScaleDown?: boolean;
  /** The caller's names for its inputs, named by the timeline, plan notes and errors that point at them. */
  inputNames: DeployInputNames;
}

/** What promote/reject/rollback need when no manifests are given: names, from the live objects. */
export interface AppRef {
  app: string;
  namespace: string;
  /** Stable Service name (default: app). */
  service?: string;
  routeMethod?: RouteMethod;
}

/**
 * An HPA on a colour Deployment writes its replicas through the scale subresource as the controller manager; the
 * deployer may set them again (a new colour's start size, zero on scale-down), and only that field.
 */
export const autoscalerOwnsReplicas = (c: { manager: string; field: string }) =>
  c.manager === 'kube-controller-manager' && c.field === '.spec.replicas';
