import * as core from '@actions/core';
import {
  InputError,
  getBoolean,
  getDuration,
  getEnum,
  getList,
  getString,
  getStructured,
} from '@deliverkit/action-kit';
import {
  leaseHolder,
  parseClusters,
  parseImageOverrides,
  parseSmokeChecks,
  type ClusterSpec,
  type DeployAction,
  type DeployInputNames,
  type ImageOverride,
  type RouteMethod,
  type SmokeCheck,
} from '@deliverkit/deploy';

export interface Inputs {
  action: DeployAction;
  manifests: string[];
  'kustomize-dir': string | undefined;
  images: ImageOverride[];
  app: string | undefined;
  namespace: string;
  'route-method': RouteMethod;
  'smoke-checks': SmokeCheck[];
  'verify-window': number;
  'scale-down-delay': number;
  'wait-for-scale-down': boolean;
  timeout: number;
  'auto-promote': boolean;
  clusters: ClusterSpec[];
  kubeconfig: string | undefined;
  context: string | undefined;
  'dry-run': boolean;
  mode: 'cluster' | 'gitops';
  'gitops-repo': string | undefined;
  'gitops-base-branch': string;
  'gitops-path': string | undefined;
  'gitops-branch': string | undefined;
  'gitops-pull-request': boolean;
  'gitops-token': string | undefined;
  'github-deployment': string | undefined;
  'environment-url': string | undefined;
  'github-token': string | undefined;
  /** The run's GitHub context (environment, not inputs): for deployment records, links and the lock's holder. */
  github: {
    serverUrl: string;
    repository?: string;
    sha?: string;
    runId?: string;
    /** This run's page, when the repository and run are known. */
    runUrl?: string;
    /** The Lease holder: repository, run, attempt and job. */
    leaseHolder: string;
  };
  /** What client-node's default kubeconfig loading reads (environment, not inputs). */
  kubeEnv: { KUBECONFIG?: string; KUBERNETES_SERVICE_HOST?: string };
}

/** This action's names for what the deploy package is given, named by its errors. */
export const DEPLOY_INPUT_NAMES: DeployInputNames = {
  action: 'action',
  mode: 'mode',
  dryRun: 'dry-run',
  manifests: 'manifests',
  kustomizeDir: 'kustomize-dir',
  images: 'images',
  app: 'app',
  routeMethod: 'route-method',
  gitopsRepo: 'gitops-repo',
  gitopsBaseBranch: 'gitops-base-branch',
  gitopsPath: 'gitops-path',
  autoPromote: 'auto-promote',
  smokeChecks: 'smoke-checks',
  verifyWindow: 'verify-window',
  kubeconfig: 'kubeconfig',
};

export function readInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const context = getString('context');
  const clusters = parseClusters(getStructured('clusters', { secret: true }), {
    onSecret: core.setSecret,
    input: 'clusters',
  });
  const githubDeployment = getString('github-deployment');
  if (githubDeployment !== undefined && !/^[\w.\- ]{1,255}$/.test(githubDeployment))
    throw new InputError(
      'github-deployment',
      'Input "github-deployment" must be an environment name (letters, digits, spaces, . _ -; at most 255)',
    );
  const environmentUrl = getString('environment-url');
  if (environmentUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(environmentUrl);
    } catch {
      url = undefined;
    }
    if (!url || !['https:', 'http:'].includes(url.protocol))
      throw new InputError('environment-url', 'Input "environment-url" must be an http(s) URL');
  }
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const repository = env.GITHUB_REPOSITORY || undefined;
  const runId = env.GITHUB_RUN_ID || undefined;
  return {
    action: getEnum('action', ['deploy', 'promote', 'reject', 'rollback', 'finish'] as const, 'deploy'),
    manifests: getList('manifests'),
    'kustomize-dir': getString('kustomize-dir'),
    images: parseImageOverrides(getList('images'), 'images'),
    app: getString('app'),
    namespace: getString('namespace') ?? 'default',
    'route-method': getEnum('route-method', ['service', 'gateway-api', 'ingress'] as const, 'service'),
    'smoke-checks': parseSmokeChecks(getStructured('smoke-checks'), 'smoke-checks'),
    'verify-window': getDuration('verify-window', '30s'),
    'scale-down-delay': getDuration('scale-down-delay', '5m'),
    'wait-for-scale-down': getBoolean('wait-for-scale-down', false),
    timeout: getDuration('timeout', '10m'),
    'auto-promote': getBoolean('auto-promote', true),
    clusters: clusters.length || !context ? clusters : [{ name: context, context }],
    kubeconfig: getString('kubeconfig', { secret: true }),
    context,
    'dry-run': getBoolean('dry-run', false),
    mode: getEnum('mode', ['cluster', 'gitops'] as const, 'cluster'),
    'gitops-repo': getString('gitops-repo'),
    'gitops-base-branch': getString('gitops-base-branch') ?? 'main',
    'gitops-path': getString('gitops-path'),
    'gitops-branch': getString('gitops-branch'),
    'gitops-pull-request': getBoolean('gitops-pull-request', true),
    'gitops-token': getString('gitops-token', { secret: true }),
    'github-deployment': githubDeployment,
    'environment-url': environmentUrl,
    'github-token': githubDeployment ? getString('github-token', { secret: true }) : undefined,
    github: {
      serverUrl,
      repository,
      sha: env.GITHUB_SHA || undefined,
      runId,
      runUrl: runId && repository ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
      leaseHolder: leaseHolder({
        repository: env.GITHUB_REPOSITORY,
        runId: env.GITHUB_RUN_ID,
        runAttempt: env.GITHUB_RUN_ATTEMPT,
        job: env.GITHUB_JOB,
      }),
    },
    kubeEnv: { KUBECONFIG: env.KUBECONFIG, KUBERNETES_SERVICE_HOST: env.KUBERNETES_SERVICE_HOST },
  };
}
