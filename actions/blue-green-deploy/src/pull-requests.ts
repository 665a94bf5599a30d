export interface PullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
}

/** Opens the GitOps pull request, or finds the open one for its branch. octokit loads on this path only. */
export function pullRequestOpener(token: string, slug: string): (pr: PullRequest) => Promise<string> {
  return async (pr) => {
    const [owner, repo] = slug.split('/') as [string, string];
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(token);
    const open = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${pr.head}`, state: 'open' });
    if (open.data[0]) return open.data[0].html_url;
    const created = await octokit.rest.pulls.create({
      owner,
      repo,
      head: pr.head,
      base: pr.base,
      title: pr.title,
      body: pr.body,
    });
    return created.data.html_url;
  };
}
