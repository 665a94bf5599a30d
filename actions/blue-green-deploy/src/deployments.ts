// GitHub Deployments for the environment a deploy targets: one deployment per run, its payload naming the image
// digest, and statuses as the deploy moves (in_progress → success / failure), so the repository's environments page
// shows what runs where — and a later workflow (release.yml) can find the digest main deployed to staging for a
// commit without trusting a mutable tag. GitHub marks the environment's earlier deployments inactive itself when a
// new one succeeds (auto_inactive).
//
// @actions/github (octokit) is imported only here, and this module only when a deployment is asked for: the
// bundle's start-up and size stay those of the cluster path otherwise.
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface DeploymentRecord {
  environment: string;
  /** The commit deployed (GITHUB_SHA). */
  sha: string;
  /** What the payload carries: the image by digest and where it went. */
  payload: { image: string; digest: string; app?: string; namespace?: string; mode: string };
  description: string;
  environmentUrl?: string;
  /** This run's page, for the status's log_url. */
  logUrl?: string;
  production: boolean;
}

export interface GitHubDeployment {
  id: number;
  setStatus(state: DeploymentState, description: string): Promise<void>;
}

/** Creates the deployment; its first status is in_progress. The token needs `deployments: write`. */
export async function createGitHubDeployment(
  token: string,
  repository: string,
  record: DeploymentRecord,
): Promise<GitHubDeployment> {
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(token);
  const [owner, repo] = repository.split('/') as [string, string];
  const created = await octokit.rest.repos.createDeployment({
    owner,
    repo,
    ref: record.sha,
    environment: record.environment,
    payload: record.payload as unknown as Record<string, unknown>,
    description: record.description,
    // The deploy gate already checked what matters (the signature); commit statuses are not this deploy's gate.
    auto_merge: false,
    required_contexts: [],
    production_environment: record.production,
  });
  if (created.status !== 201 || !('id' in created.data))
    throw new Error(`GitHub did not create the deployment (${created.status})`);
  const id = created.data.id;
  const setStatus = async (state: DeploymentState, description: string) => {
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: id,
      state,
      description: description.slice(0, 140),
      ...(record.environmentUrl && state === 'success' ? { environment_url: record.environmentUrl } : {}),
      ...(record.logUrl ? { log_url: record.logUrl } : {}),
    });
  };
  await setStatus('in_progress', record.description);
  return { id, setStatus };
}
