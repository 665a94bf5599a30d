// GitHub Deployments for the environment a deploy targets: one deployment per run, its payload naming the image
// digest, and statuses as the deploy moves (in_progress → success / failure), so the repository's environments page
// shows what runs where — and a later workflow (release.yml) can find the digest main deployed to staging for a
// commit without trusting a mutable tag. GitHub marks the environment's earlier deployments inactive itself when a
// new one succeeds (auto_inactive).
//
// @actions/github (octokit) is loaded only when a deployment is asked for: the bundle's start-up and size stay those
// of the cluster path otherwise.
import * as core from '@actions/core';
import { InputError } from '@deliverkit/action-kit';
import type { DeploymentReport } from '@deliverkit/deploy';
import type { Inputs } from './inputs';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface GitHubDeployment {
  id: number;
  setStatus(state: DeploymentState, description: string): Promise<void>;
}

/**
 * The GitHub deployment of this run, created before anything changes (so a failure to record is a failure to
 * deploy, with nothing half-done), with its first status in_progress; undefined when none is asked for or this is a
 * dry run. The token needs `deployments: write`.
 */
export async function startGitHubDeployment(inputs: Inputs): Promise<GitHubDeployment | undefined> {
  const environment = inputs['github-deployment'];
  if (!environment) return undefined;
  const image = inputs.images[0];
  if (inputs['dry-run']) {
    core.info(
      `dry run: would record a GitHub deployment to ${environment}${image ? ` of ${image.digest}` : ''}`,
    );
    return undefined;
  }
  const { repository, sha, runUrl } = inputs.github;
  const token = inputs['github-token'];
  if (!token)
    throw new InputError('github-token', 'Input "github-token" is required with `github-deployment`');
  if (!repository || !sha)
    throw new InputError(
      'github-deployment',
      'Input "github-deployment" needs GITHUB_REPOSITORY and GITHUB_SHA',
    );
  if (!image)
    throw new InputError(
      'images',
      'Input "images" must name the image by digest to record a GitHub deployment',
    );
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(token);
  const [owner, repo] = repository.split('/') as [string, string];
  const description = `${inputs.action} ${image.digest.slice(0, 19)} (${inputs.mode})`;
  const created = await octokit.rest.repos.createDeployment({
    owner,
    repo,
    ref: sha,
    environment,
    // The image by digest and where it went.
    payload: {
      image: `${image.newName ?? image.name}@${image.digest}`,
      digest: image.digest,
      app: inputs.app,
      namespace: inputs.namespace,
      mode: inputs.mode,
    },
    description,
    // The deploy gate already checked what matters (the signature); commit statuses are not this deploy's gate.
    auto_merge: false,
    required_contexts: [],
    production_environment: /prod/i.test(environment),
  });
  if (created.status !== 201 || !('id' in created.data))
    throw new Error(`GitHub did not create the deployment (${created.status})`);
  const id = created.data.id;
  const environmentUrl = inputs['environment-url'];
  const setStatus = async (state: DeploymentState, text: string) => {
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: id,
      state,
      description: text.slice(0, 140),
      ...(environmentUrl && state === 'success' ? { environment_url: environmentUrl } : {}),
      ...(runUrl ? { log_url: runUrl } : {}),
    });
  };
  await setStatus('in_progress', description);
  core.info(`GitHub deployment ${id} to ${environment}: in_progress`);
  return { id, setStatus };
}

/** The deployment's last status, from the report; a failure to record it is a warning, not a failed deploy. */
export async function finishGitHubDeployment(
  deployment: GitHubDeployment,
  report: DeploymentReport,
): Promise<void> {
  const outcome = report.ok
    ? {
        state: 'success' as const,
        text: `${report.activeColor ?? 'deployed'} is live: ${report.imageDigest ?? ''}`,
      }
    : {
        state: 'failure' as const,
        text: report.rolledBack
          ? `rolled back to ${report.activeColor ?? 'the previous colour'}: ${report.error?.message ?? ''}`
          : (report.error?.message ?? 'the deployment failed'),
      };
  try {
    await deployment.setStatus(outcome.state, outcome.text);
  } catch (e) {
    core.warning(
      `GitHub deployment ${deployment.id}: could not set status ${outcome.state}: ${(e as Error).message}`,
    );
  }
}
