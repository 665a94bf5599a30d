import * as core from '@actions/core';

/** A cell is text, or text with header styling. */
export type Cell = string | { data: string; header?: boolean };

export interface PlanStep {
  /** What would happen: `upload`, `mount`, `skip`, `tag`, `apply`, `switch`, … */
  action: string;
  /** What it happens to: a registry path, a Kubernetes object, a file. */
  target: string;
  detail?: string;
}

export interface Plan {
  title: string;
  steps: PlanStep[];
  /** Lines shown under the table, e.g. totals or a diff. */
  notes?: string[];
}

/**
 * Builds job summary markdown. GitHub renders the summary as GFM; this escapes table cells so a
 * user value with `|` or a newline cannot break the table.
 */
export class SummaryBuilder {
  private parts: string[] = [];

  heading(text: string, level: 1 | 2 | 3 = 2): this {
    this.parts.push(`${'#'.repeat(level)} ${text}\n`);
    return this;
  }

  paragraph(text: string): this {
    this.parts.push(`${text}\n`);
    return this;
  }

  table(header: string[], rows: string[][]): this {
    const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
    this.parts.push(
      [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') + '\n',
    );
    return this;
  }

  code(text: string, lang = ''): this {
    const fence = text.includes('```') ? '````' : '```';
    this.parts.push(`${fence}${lang}\n${text}\n${fence}\n`);
    return this;
  }

  details(label: string, body: string): this {
    this.parts.push(`<details><summary>${escapeHtml(label)}</summary>\n\n${body}\n</details>\n`);
    return this;
  }

  plan(plan: Plan): this {
    this.parts.push(renderPlan(plan));
    return this;
  }

  toMarkdown(): string {
    return this.parts.join('\n');
  }

  /** Appends to GITHUB_STEP_SUMMARY; a no-op outside a runner (no summary file). */
  async write(): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(this.toMarkdown()).write();
  }
}

/** The dry-run plan every action prints: a table of what would happen, nothing written. */
export function renderPlan(plan: Plan): string {
  const builder = new SummaryBuilder().heading(`Plan: ${plan.title}`, 3);
  if (plan.steps.length === 0) builder.paragraph('Nothing to do: everything is already in place.');
  else
    builder.table(
      ['#', 'Action', 'Target', 'Detail'],
      plan.steps.map((s, i) => [String(i + 1), s.action, s.target, s.detail ?? '']),
    );
  for (const note of plan.notes ?? []) builder.paragraph(note);
  return builder.toMarkdown();
}

/** Plain-text rendering of a plan for logs. */
export function formatPlanText(plan: Plan): string {
  const lines = [`Plan: ${plan.title}`];
  if (plan.steps.length === 0) lines.push('  nothing to do');
  plan.steps.forEach((s, i) =>
    lines.push(`  ${i + 1}. ${s.action} ${s.target}${s.detail ? ` (${s.detail})` : ''}`),
  );
  for (const note of plan.notes ?? []) lines.push(`  ${note}`);
  return lines.join('\n');
}

export function escapeCell(text: string): string {
  return escapeHtml(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
