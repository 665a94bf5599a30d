import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SummaryBuilder, formatPlanText } from '@deliverkit/action-kit';
import { renderPlan } from '../../packages/action-kit/src/summary';

describe('SummaryBuilder', () => {
  it('renders a table whose cells cannot break it', () => {
    const md = new SummaryBuilder().table(['Registry', 'Digest'], [['a|b', 'line1\nline2 <x>']]).toMarkdown();
    expect(md).toBe('| Registry | Digest |\n| --- | --- |\n| a\\|b | line1<br>line2 &lt;x&gt; |\n');
  });

  it('fences code that itself contains a fence', () => {
    const md = new SummaryBuilder().code('```\ninner\n```', 'md').toMarkdown();
    expect(md.startsWith('````md\n')).toBe(true);
    expect(md.trimEnd().endsWith('````')).toBe(true);
  });

  it('wraps details', () => {
    expect(new SummaryBuilder().details('Plan <1>', 'body').toMarkdown()).toBe(
      '<details><summary>Plan &lt;1&gt;</summary>\n\nbody\n</details>\n',
    );
  });

  it('appends to GITHUB_STEP_SUMMARY', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sum-')), 'summary.md');
    writeFileSync(file, 'before\n');
    process.env.GITHUB_STEP_SUMMARY = file;
    try {
      await new SummaryBuilder().heading('Pushed').paragraph('ok').write();
    } finally {
      delete process.env.GITHUB_STEP_SUMMARY;
    }
    expect(readFileSync(file, 'utf8')).toBe('before\n## Pushed\n\nok\n');
  });
});

describe('plans', () => {
  const plan = {
    title: 'copy app to 2 registries',
    steps: [
      { action: 'upload', target: 'ghcr.io/acme/app', detail: 'sha256:aa (12 MB)' },
      { action: 'tag', target: 'ghcr.io/acme/app:v1' },
    ],
    notes: ['2 steps, nothing written (dry run)'],
  };

  it('renders a markdown table for the job summary', () => {
    const md = renderPlan(plan);
    expect(md).toContain('### Plan: copy app to 2 registries');
    expect(md).toContain('| 1 | upload | ghcr.io/acme/app | sha256:aa (12 MB) |');
    expect(md).toContain('| 2 | tag | ghcr.io/acme/app:v1 |  |');
    expect(md).toContain('2 steps, nothing written (dry run)');
  });

  it('says so when there is nothing to do', () => {
    expect(renderPlan({ title: 't', steps: [] })).toContain('Nothing to do');
  });

  it('renders plain text for logs', () => {
    expect(formatPlanText(plan)).toBe(
      'Plan: copy app to 2 registries\n  1. upload ghcr.io/acme/app (sha256:aa (12 MB))\n  2. tag ghcr.io/acme/app:v1\n  2 steps, nothing written (dry run)',
    );
  });
});
