import * as core from '@actions/core';
import { SummaryBuilder, formatPlanText, type Plan } from '@deliverkit/action-kit';
import type { DeploymentReport, DeployResult } from '@deliverkit/deploy';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function toPlan(r: DeployResult): Plan | undefined {
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

export function writeSummary(report: DeploymentReport): SummaryBuilder {
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

/** The step's log: each cluster's timeline and plan, and the colour left warm. */
export function logReport(report: DeploymentReport): void {
  for (const r of report.clusters) {
    for (const t of r.timeline)
      core.info(
        `[${r.cluster ?? 'cluster'}] ${t.status === 'ok' ? '✓' : t.status === 'skipped' ? '–' : '✗'} ${t.step} (${seconds(t.durationMs)})${t.detail ? `: ${t.detail}` : ''}`,
      );
    const plan = toPlan(r);
    if (plan) core.info(formatPlanText(plan));
  }
  const pending = report.clusters.find((r) => r.pendingScaleDown)?.pendingScaleDown;
  if (pending)
    core.info(
      `${pending.color} stays warm until ${pending.after}: the next run on this app, or action: finish, scales it down`,
    );
}
