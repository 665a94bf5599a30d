import * as core from '@actions/core';
import { ActionsLogger, setOutputs } from '@deliverkit/action-kit';
import { resolveGitopsRepository, runDeployment, type DeploymentRequest } from '@deliverkit/deploy';
import { finishGitHubDeployment, startGitHubDeployment } from './deployments';
import { DEPLOY_INPUT_NAMES, readInputs, type Inputs } from './inputs';
import { pullRequestOpener } from './pull-requests';
import { logReport, writeSummary } from './summary';

export async function main(): Promise<void> {
  const inputs = readInputs();
  const deployment = await startGitHubDeployment(inputs);
  const report = await runDeployment(deploymentRequest(inputs));
  logReport(report);
  const plan = report.clusters.find((r) => r.plan)?.plan;
  const pending = report.clusters.find((r) => r.pendingScaleDown)?.pendingScaleDown;
  setOutputs({
    'active-color': report.activeColor,
    'previous-color': report.previousColor,
    switched: report.switched,
    'rolled-back': report.rolledBack,
    'image-digest': report.imageDigest,
    plan,
    'gitops-commit': report.gitops?.commit,
    'pull-request-url': report.gitops?.pullRequestUrl,
    'scale-down-after': pending?.after,
  });
  // The JSON record: the plain outputs plus every cluster's timeline and probe results.
  core.setOutput('result', JSON.stringify({ ...report, plan }));
  if (deployment) {
    await finishGitHubDeployment(deployment, report);
    core.setOutput('github-deployment-id', String(deployment.id));
  }
  await writeSummary(report).write();
  if (!report.ok) core.setFailed(report.error?.message ?? 'The deployment failed');
}

/** The inputs as the deploy package's request. */
function deploymentRequest(inputs: Inputs): DeploymentRequest {
  const repo = inputs['gitops-repo'];
  const path = inputs['gitops-path'];
  const token = inputs['gitops-token'];
  const target =
    inputs.mode === 'gitops' && repo && path
      ? resolveGitopsRepository(repo, inputs.github.serverUrl)
      : undefined;
  return {
    action: inputs.action,
    mode: inputs.mode,
    app: inputs.app,
    namespace: inputs.namespace,
    manifests: inputs.manifests,
    kustomizeDir: inputs['kustomize-dir'],
    images: inputs.images,
    routeMethod: inputs['route-method'],
    smokeChecks: inputs['smoke-checks'],
    verifyWindowMs: inputs['verify-window'],
    scaleDownDelayMs: inputs['scale-down-delay'],
    waitForScaleDown: inputs['wait-for-scale-down'],
    timeoutMs: inputs.timeout,
    autoPromote: inputs['auto-promote'],
    dryRun: inputs['dry-run'],
    kubeconfig: inputs.kubeconfig,
    kubeEnv: inputs.kubeEnv,
    clusters: inputs.clusters,
    runId: inputs.github.leaseHolder,
    runUrl: inputs.github.runUrl,
    gitops: target && {
      repo: target.url,
      baseBranch: inputs['gitops-base-branch'],
      path: path as string,
      mode: inputs['gitops-pull-request'] ? 'pull-request' : 'push',
      branch: inputs['gitops-branch'],
      token,
      openPullRequest: target.slug && token ? pullRequestOpener(token, target.slug) : undefined,
    },
    inputNames: DEPLOY_INPUT_NAMES,
    logger: new ActionsLogger(),
  };
}
