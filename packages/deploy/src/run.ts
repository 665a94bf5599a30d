import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  BaseError,
  ConfigurationError,
  getErrorMessage,
  InputError,
  type Logger,
  silentLogger,
} from '@deliverkit/action-kit';
import { BlueGreenDeployer } from './deployer';
import { gitopsDeploy, gitopsRollback, type GitopsOptions, type GitopsResult } from './gitops';
import type { KubeClient } from './kube';
import { loadManifests, type ImageOverride } from './manifests';
import { buildModel, type AppModel, type RouteMethod, type Slot } from './model';
import { deployToClusters } from './multi';
import { planOffline } from './plan';
import type { SmokeCheck } from './probes';
import type { BlueGreenOptions, DeployAction, DeployInputNames, DeployResult } from './types';

/** One target cluster: a context of the main kubeconfig, or a kubeconfig of its own. */
export interface ClusterSpec {
  name: string;
  context?: string;
  kubeconfig?: string;
}

export interface DeploymentRequest {
  action: DeployAction;
  mode: 'cluster' | 'gitops';
  app?: string;
  namespace: string;
  manifests: string[];
  kustomizeDir?: string;
  images: ImageOverride[];
  routeMethod: RouteMethod;
  smokeChecks: SmokeCheck[];
  verifyWindowMs: number;
  scaleDownDelayMs: number;
  /** Sleep through scale-down-delay in the run (default: mark the old colour and let a later run scale it down). */
  waitForScaleDown?: boolean;
  timeoutMs: number;
  autoPromote: boolean;
  dryRun: boolean;
  /** Kubeconfig YAML; undefined = the default loading rules ($KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  /**
   * The variables client-node's default loading reads, as the caller read them: whether a dry run without a
   * kubeconfig input still has a cluster to plan against ($KUBECONFIG files, or a pod's service account).
   */
  kubeEnv?: { KUBECONFIG?: string; KUBERNETES_SERVICE_HOST?: string };
  clusters: ClusterSpec[];
  runId: string;
  runUrl?: string;
  gitops?: Omit<GitopsOptions, 'images' | 'logger' | 'pathInput'>;
  /** The caller's names for its inputs, named by the errors about them. */
  inputNames: DeployInputNames;
  logger?: Logger;
  /** Tuning for tests and benchmarks. */
  pollMs?: number;
  lockWaitMs?: number;
  verifyIntervalMs?: number;
}

export interface DeploymentReport {
  ok: boolean;
  action: DeployAction;
  mode: 'cluster' | 'gitops';
  dryRun: boolean;
  app?: string;
  activeColor?: Slot;
  previousColor?: Slot;
  switched: boolean;
  rolledBack: boolean;
  imageDigest?: string;
  /** Per cluster, in order. */
  clusters: DeployResult[];
  /** cluster, outcome, active colour, detail — one row per cluster. */
  table: string[][];
  gitops?: GitopsResult;
  renderedManifests?: string;
  error?: { code: string; message: string };
}

async function loadModel(req: DeploymentRequest): Promise<{ model: AppModel; file: string }> {
  const names = req.inputNames;
  const input = req.kustomizeDir ? names.kustomizeDir : names.manifests;
  const rendered = await loadManifests({
    manifests: req.manifests,
    kustomizeDir: req.kustomizeDir,
    images: req.images,
    inputNames: names,
    logger: req.logger,
    validate: (objects) => {
      if (!objects.some((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1')) {
        throw new InputError(
          input,
          `Input "${input}" holds no apps/v1 Deployment: blue-green needs the app's Deployment`,
        );
      }
    },
  });
  const model = buildModel(rendered.objects, {
    app: req.app,
    namespace: req.namespace,
    routeMethod: req.routeMethod,
    input,
    inputNames: names,
  });
  return { model, file: rendered.file };
}

function clientFor(
  Client: typeof KubeClient,
  req: DeploymentRequest,
  spec: ClusterSpec | undefined,
): KubeClient {
  return Client.create({
    kubeconfig: spec?.kubeconfig ?? req.kubeconfig,
    context: spec?.context,
    dryRun: req.dryRun,
    kubeconfigInput: req.inputNames.kubeconfig,
    logger: req.logger,
  });
}

/**
 * True when an input, $KUBECONFIG, ~/.kube/config or an in-cluster service account gives a cluster.
 * (client-node's default loading falls back to http://localhost:8080, which is no cluster.)
 */
function hasClusterAccess(req: DeploymentRequest): boolean {
  if (req.kubeconfig || req.clusters.length) return true;
  const env = req.kubeEnv ?? {};
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).some((f) => f && existsSync(f));
  if (env.KUBERNETES_SERVICE_HOST) return true;
  return existsSync(path.join(homedir(), '.kube', 'config'));
}

/**
 * The whole of a blue-green-deploy run from parsed inputs: GitOps commit, offline plan, or cluster
 * deploys in order (with compensation across clusters). Never throws for deployment failures:
 * `ok: false` with `error` and the per-cluster results.
 */
export async function runDeployment(req: DeploymentRequest): Promise<DeploymentReport> {
  const logger = req.logger ?? silentLogger;
  const names = req.inputNames;
  const base = {
    action: req.action,
    mode: req.mode,
    dryRun: req.dryRun,
    switched: false,
    rolledBack: false,
    clusters: [],
    table: [],
  };
  if (req.mode === 'gitops') {
    if (!req.gitops)
      throw new InputError(
        names.gitopsRepo,
        `${names.mode} gitops needs ${names.gitopsRepo}, ${names.gitopsBaseBranch} and ${names.gitopsPath}`,
      );
    const gitops = { ...req.gitops, pathInput: names.gitopsPath, logger };
    if (req.action === 'promote' || req.action === 'reject' || req.action === 'finish') {
      throw new ConfigurationError(
        'CONFLICTING_INPUTS',
        `${names.action} ${req.action} has no meaning in ${names.mode} gitops: review and merge (or close) the pull request instead`,
      );
    }
    if (req.action === 'rollback') {
      if (req.dryRun)
        throw new ConfigurationError(
          'CONFLICTING_INPUTS',
          `${names.dryRun} has no plan for a gitops rollback (it reverts the last deliverkit commit): run it without ${names.dryRun}, or revert by hand`,
        );
      const g = await gitopsRollback(gitops);
      return { ...base, ok: true, gitops: g, rolledBack: true };
    }
    if (req.images.length === 0)
      throw new InputError(
        names.images,
        `${names.mode} gitops needs the ${names.images} input (name@sha256:… per line)`,
      );
    const g = await gitopsDeploy({ ...gitops, images: req.images, dryRun: req.dryRun });
    return { ...base, ok: true, gitops: g, imageDigest: req.images[0]?.digest };
  }

  const needsManifests = req.action === 'deploy';
  const loaded = needsManifests ? await loadModel(req) : undefined;
  if (needsManifests && req.images.length === 0)
    throw new InputError(
      names.images,
      `${names.action} deploy needs the ${names.images} input (name@sha256:… per line)`,
    );
  const app = loaded?.model.app ?? req.app;
  if (!app)
    throw new InputError(
      names.app,
      `Input "${names.app}" is required for ${names.action} promote, reject, rollback and finish (or give the manifests)`,
    );

  if (req.dryRun && !hasClusterAccess(req)) {
    if (!loaded)
      throw new ConfigurationError(
        'INVALID_CONFIGURATION',
        `A dry run of ${names.action} ${req.action} needs cluster access (${names.kubeconfig})`,
      );
    const r = planOffline(loaded.model, { autoPromote: req.autoPromote, inputNames: names });
    return {
      ...base,
      ok: true,
      app,
      imageDigest: r.imageDigest,
      clusters: [r],
      table: [['(none)', 'planned', '', 'no cluster access: planned against an empty cluster']],
      renderedManifests: loaded.file,
    };
  }

  // client-node only once a cluster is to be reached: a bundle that fails on its inputs, plans offline or
  // commits to a GitOps repository never loads it (start-up time; ncc makes it a chunk of its own).
  const { KubeClient: Client } = await import('./kube');
  const specs: (ClusterSpec | undefined)[] = req.clusters.length ? req.clusters : [undefined];
  const options = (name: string | undefined): BlueGreenOptions => ({
    smokeChecks: req.smokeChecks,
    verifyWindowMs: req.verifyWindowMs,
    verifyIntervalMs: req.verifyIntervalMs,
    scaleDownDelayMs: req.scaleDownDelayMs,
    waitForScaleDown: req.waitForScaleDown,
    timeoutMs: req.timeoutMs,
    autoPromote: req.autoPromote,
    runId: req.runId,
    runUrl: req.runUrl,
    lockWaitMs: req.lockWaitMs,
    pollMs: req.pollMs,
    cluster: name,
    logger,
    deferScaleDown: specs.length > 1 && !req.dryRun && req.action === 'deploy',
    inputNames: names,
  });
  const ref = {
    app,
    namespace: req.namespace,
    routeMethod: req.routeMethod,
    service: loaded?.model.service.metadata.name,
  };
  const deployerFor = (spec: ClusterSpec | undefined, opts = options(spec?.name)) =>
    new BlueGreenDeployer(clientFor(Client, req, spec), ref, opts, loaded?.model);
  const act = (d: BlueGreenDeployer): Promise<DeployResult> => {
    switch (req.action) {
      case 'deploy':
        return d.deploy();
      case 'promote':
        return d.promote();
      case 'reject':
        return d.reject();
      case 'rollback':
        return d.rollback();
      case 'finish':
        return d.finish();
    }
  };
  const targets = specs.map((s, i) => ({ name: s?.name ?? `cluster-${i + 1}`, deployer: deployerFor(s) }));
  const multi = await deployToClusters(
    targets,
    act,
    (name) => {
      const spec = specs.find((s) => s?.name === name);
      return deployerFor(spec, {
        ...options(name),
        deferScaleDown: false,
        smokeChecks: [],
        verifyWindowMs: 0,
        scaleDownDelayMs: 0,
      });
    },
    // An operation that threw on one of several clusters (unreachable, an unknown kind) failed there: the clusters
    // before it are switched back like after any other failure.
    (error): DeployResult => ({
      action: req.action,
      outcome: 'failed',
      app,
      namespace: req.namespace,
      switched: false,
      rolledBack: false,
      timeline: [],
      probes: [],
      apiCalls: 0,
      error: { code: error instanceof BaseError ? error.code : 'INTERNAL', message: getErrorMessage(error) },
    }),
  );
  const results = multi.results;
  const failed = results.find((r) => r.outcome === 'failed');
  const last = results[results.length - 1];
  const summaryOf = failed ?? last;
  return {
    ...base,
    ok: multi.ok,
    app,
    activeColor: summaryOf?.activeColor,
    previousColor: summaryOf?.previousColor,
    switched: results.some((r) => r.switched),
    rolledBack: results.some((r) => r.rolledBack),
    imageDigest: summaryOf?.imageDigest,
    clusters: results,
    table: multi.table,
    renderedManifests: loaded?.file,
    error: failed?.error
      ? {
          code: failed.error.code,
          message: specs.length > 1 ? `${failed.cluster}: ${failed.error.message}` : failed.error.message,
        }
      : undefined,
  };
}
