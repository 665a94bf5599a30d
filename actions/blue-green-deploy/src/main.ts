import * as core from '@actions/core';
import {
  ActionsLogger,
  InputError,
  SummaryBuilder,
  formatPlanText,
  setOutputs,
  type Plan,
} from '@deliverkit/action-kit';
import { leaseHolder, runDeployment, type DeploymentReport, type DeployResult } from '@deliverkit/deploy';
import type { GitHubDeployment } from './deployments';
import { readInputs, type Inputs } from './inputs';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** `owner/name` → a clone URL on this GitHub server plus a PR opener; anything else is a git URL or path. */
function gitopsTarget(inputs: Inputs) {
  const repo = inputs['gitops-repo'] as string;
  const slug = /^[\w.-]+\/[\w.-]+$/.test(repo) ? repo : undefined;
  const server = inputs.github.serverUrl;
  const token = inputs['gitops-token'];
  const openPullRequest =
    slug && token
      ? async (pr: { head: string; base: string; title: string; body: string }) => {
          const [owner, name] = slug.split('/') as [string, string];
          // octokit only on this path: the cluster path never loads it.
          const { getOctokit } = await import('@actions/github');
          const octokit = getOctokit(token);
          const open = await octokit.rest.pulls.list({
            owner,
            repo: name,
            head: `${owner}:${pr.head}`,
            state: 'open',
          });
          if (open.data[0]) return open.data[0].html_url;
          const created = await octokit.rest.pulls.create({
            owner,
            repo: name,
            head: pr.head,
            base: pr.base,
            title: pr.title,
            body: pr.body,
          });
          return created.data.html_url;
        }
      : undefined;
  return { repo: slug ? `${server}/${slug}.git` : repo, openPullRequest };
}

function toPlan(r: DeployResult): Plan | undefined {
  if (!r.plan) return undefined;
  const p = r.plan;
  return {
    title: `${r.app} in ${r.namespace}${r.cluster ? ` (${r.cluster})` : ''}: ${p.from ?? 'nothing'} → ${p.to}`,
    steps: [
      ...p.changes.map((c) => ({
        action: c.change,
        target: c.object,
        detail: c.diff ? `${c.diff.split('\n').length} diff lines` : undefined,
      })),
      {
        action: 'switch',
        target: p.switch.objects.join(', '),
        detail: `${p.switch.from ?? 'none'} → ${p.switch.to}`,
      },
    ],
    notes: p.notes,
  };
}

function writeSummary(report: DeploymentReport): SummaryBuilder {
  const s = new SummaryBuilder().heading(
    `blue-green-deploy: ${report.action}${report.dryRun ? ' (dry run)' : ''}`,
  );
  if (report.gitops) {
    const g = report.gitops;
    s.paragraph(
      !g.changed
        ? `${g.file} already pins these digests: nothing to commit.`
        : report.dryRun
          ? `Dry run: would commit this change to ${g.file}; nothing was committed, pushed or opened.`
          : `Committed ${g.commit} to ${g.branch} (${g.file})${g.pullRequestUrl ? `: ${g.pullRequestUrl}` : ''}`,
    );
    if (g.diff) s.code(g.diff, 'diff');
    return s;
  }
  if (report.table.length) s.table(['Cluster', 'Outcome', 'Active colour', 'Detail'], report.table);
  for (const r of report.clusters) {
    const title = `${r.cluster ?? 'cluster'}: ${r.outcome}`;
    if (r.timeline.length) {
      s.heading(`Timeline — ${title}`, 3);
      s.table(
        ['Step', 'Status', 'Duration', 'Detail'],
        r.timeline.map((t) => [t.step, t.status, seconds(t.durationMs), t.detail ?? '']),
      );
    }
    if (r.probes.length) {
      s.table(
        ['Probe', 'Phase', 'Target', 'Result', 'Attempts', 'Detail'],
        r.probes.map((p) => [
          p.check,
          p.phase,
          p.target,
          p.ok ? 'pass' : 'FAIL',
          String(p.attempts),
          p.detail,
        ]),
      );
    }
    const plan = toPlan(r);
    if (plan) {
      s.plan(plan);
      for (const c of r.plan!.changes.filter((x) => x.diff))
        s.details(`${c.change} ${c.object}`, `\n\`\`\`diff\n${c.diff}\n\`\`\`\n`);
    }
    if (r.pendingScaleDown)
      s.paragraph(
        `${r.pendingScaleDown.color} stays warm (instant rollback) until ${r.pendingScaleDown.after}; the next run on this app, or \`action: finish\`, scales it to zero.`,
      );
    if (r.readyToSwitchMs !== undefined)
      s.paragraph(`Ready → switch: ${r.readyToSwitchMs} ms; API calls: ${r.apiCalls}.`);
  }
  if (report.error) s.paragraph(`**Failed:** ${report.error.message}`);
  return s;
}

export async function main(): Promise<void> {
  const inputs = readInputs();
  const logger = new ActionsLogger();
  const { repository, runId, serverUrl } = inputs.github;
  const runUrl = runId && repository ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined;
  const deployment = await startGitHubDeployment(inputs, repository, runUrl);
  const gitops =
    inputs.mode === 'gitops' && inputs['gitops-repo'] && inputs['gitops-path']
      ? gitopsTarget(inputs)
      : undefined;
  const report = await runDeployment({
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
    clusters: inputs.clusters,
    // The Lease holder: repository, run, attempt and job.
    runId: leaseHolder(),
    runUrl,
    gitops: gitops && {
      repo: gitops.repo,
      baseBranch: inputs['gitops-base-branch'],
      path: inputs['gitops-path'] as string,
      mode: inputs['gitops-pull-request'] ? 'pull-request' : 'push',
      branch: inputs['gitops-branch'],
      token: inputs['gitops-token'],
      openPullRequest: gitops.openPullRequest,
    },
    logger,
  });
  for (const r of report.clusters) {
    for (const t of r.timeline)
      core.info(
        `[${r.cluster ?? 'cluster'}] ${t.status === 'ok' ? '✓' : t.status === 'skipped' ? '–' : '✗'} ${t.step} (${seconds(t.durationMs)})${t.detail ? `: ${t.detail}` : ''}`,
      );
    const plan = toPlan(r);
    if (plan) core.info(formatPlanText(plan));
  }
  const plan = report.clusters.find((r) => r.plan)?.plan;
  const pending = report.clusters.find((r) => r.pendingScaleDown)?.pendingScaleDown;
  if (pending)
    core.info(
      `${pending.color} stays warm until ${pending.after}: the next run on this app, or action: finish, scales it down`,
    );
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
    core.setOutput('github-deployment-id', String(deployment.id));
  }
  await writeSummary(report).write();
  if (!report.ok) core.setFailed(report.error?.message ?? 'The deployment failed');
}

/**
 * The GitHub deployment of this run, created before anything changes (so a failure to record is a failure to
 * deploy, with nothing half-done), or undefined when none is asked for or this is a dry run.
 */
async function startGitHubDeployment(
  inputs: Inputs,
  repository: string | undefined,
  logUrl: string | undefined,
): Promise<GitHubDeployment | undefined> {
  const environment = inputs['github-deployment'];
  if (!environment) return undefined;
  const image = inputs.images[0];
  if (inputs['dry-run']) {
    core.info(
      `dry run: would record a GitHub deployment to ${environment}${image ? ` of ${image.digest}` : ''}`,
    );
    return undefined;
  }
  if (!inputs['github-token'])
    throw new InputError('github-token', 'Input "github-token" is required with `github-deployment`');
  if (!repository || !inputs.github.sha)
    throw new InputError(
      'github-deployment',
      'Input "github-deployment" needs GITHUB_REPOSITORY and GITHUB_SHA',
    );
  if (!image)
    throw new InputError(
      'images',
      'Input "images" must name the image by digest to record a GitHub deployment',
    );
  const { createGitHubDeployment } = await import('./deployments');
  const d = await createGitHubDeployment(inputs['github-token'], repository, {
    environment,
    sha: inputs.github.sha,
    payload: {
      image: `${image.newName ?? image.name}@${image.digest}`,
      digest: image.digest,
      app: inputs.app,
      namespace: inputs.namespace,
      mode: inputs.mode,
    },
    description: `${inputs.action} ${image.digest.slice(0, 19)} (${inputs.mode})`,
    environmentUrl: inputs['environment-url'],
    logUrl,
    production: /prod/i.test(environment),
  });
  core.info(`GitHub deployment ${d.id} to ${environment}: in_progress`);
  return d;
}
