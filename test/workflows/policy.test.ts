import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

// The security rules every workflow follows, each a failing assertion that names file and line:
// least privilege, pinned third-party actions, no `secrets: inherit`, no event data expanded into a
// shell, and every `with:` passed to one of our actions declared by its action.yml.
const root = path.resolve(__dirname, '../..');
const list = (dir: string) =>
  existsSync(path.join(root, dir))
    ? readdirSync(path.join(root, dir))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join(dir, f))
    : [];
const workflows = [...list('.github/workflows'), ...list('workflows')];

interface Loaded {
  file: string;
  doc: Record<string, unknown>;
  line(node: unknown): number;
  raw: ReturnType<typeof parseDocument>;
}

function load(file: string): Loaded {
  const lineCounter = new LineCounter();
  const raw = parseDocument(readFileSync(path.join(root, file), 'utf8'), { lineCounter });
  return {
    file,
    raw,
    doc: raw.toJS() as Record<string, unknown>,
    line: (node) => {
      const range = (node as Node | undefined)?.range;
      return range ? lineCounter.linePos(range[0]).line : 0;
    },
  };
}

/** Walks every job's steps with their YAML nodes for line numbers. */
function eachStep(w: Loaded, fn: (job: string, step: Record<string, unknown>, line: number) => void): void {
  const jobs = w.raw.get('jobs') as unknown;
  if (!isMap(jobs)) return;
  for (const pair of jobs.items) {
    const jobName = String((pair.key as { value: unknown }).value);
    const job = pair.value;
    if (!isMap(job)) continue;
    const steps = job.get('steps', true);
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (isMap(step)) fn(jobName, step.toJSON() as Record<string, unknown>, w.line(step));
    }
  }
}

function eachJob(w: Loaded, fn: (name: string, job: Record<string, unknown>, line: number) => void): void {
  const jobs = w.raw.get('jobs') as unknown;
  if (!isMap(jobs)) return;
  for (const pair of jobs.items) {
    if (!isPair(pair) || !isScalar(pair.key) || !isMap(pair.value)) continue;
    fn(String(pair.key.value), pair.value.toJSON() as Record<string, unknown>, w.line(pair.key));
  }
}

const loaded = workflows.map(load);
const ourAction = /^\.\/(?:\.deliverkit\/)?actions\/([a-z0-9-]+)$/;

describe.each(loaded.map((w) => [w.file, w] as const))('%s', (_file, w) => {
  it('sets top-level permissions to {}', () => {
    expect(w.doc.permissions, `${w.file}: top-level permissions must be {}`).toEqual({});
  });

  it('pins every third-party action by full commit SHA with a version comment', () => {
    const text = readFileSync(path.join(root, w.file), 'utf8').split('\n');
    const problems: string[] = [];
    text.forEach((line, i) => {
      const m = /^\s*(?:-\s*)?uses:\s*([^\s#]+)\s*(#.*)?$/.exec(line);
      if (!m) return;
      const ref = m[1]!;
      if (ref.startsWith('./') || ref.startsWith('docker://')) return;
      // Starter workflows call this toolkit's reusable workflows at the release the adopter pins.
      if (w.file.startsWith('workflows/') && ref.startsWith('deliverkit/deliverkit/')) return;
      if (!/@[0-9a-f]{40}$/.test(ref))
        problems.push(`${w.file}:${i + 1} ${ref} is not pinned by full commit SHA`);
      else if (!/#\s*v\d/.test(m[2] ?? '')) problems.push(`${w.file}:${i + 1} ${ref} has no version comment`);
    });
    expect(problems).toEqual([]);
  });

  it('never passes secrets: inherit', () => {
    const problems: string[] = [];
    eachJob(w, (name, job, line) => {
      if (job.secrets === 'inherit') problems.push(`${w.file}:${line} job ${name} uses secrets: inherit`);
    });
    expect(problems).toEqual([]);
  });

  it('expands no event data inside run: (it goes through env:)', () => {
    const problems: string[] = [];
    eachStep(w, (job, step, line) => {
      const run = step.run;
      if (typeof run !== 'string') return;
      for (const m of run.matchAll(/\$\{\{([^}]*)\}\}/g)) {
        if (/github\.event|github\.head_ref|inputs\.|steps\.[^.]+\.outputs|needs\./.test(m[1]!)) {
          problems.push(`${w.file}:${line} job ${job}: \${{${m[1]}}} inside run:`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it('grants id-token: write only to jobs that sign, and packages: write only to jobs that push', () => {
    const problems: string[] = [];
    eachJob(w, (name, job, line) => {
      const perms = (job.permissions ?? {}) as Record<string, string>;
      const steps = (job.steps ?? []) as Record<string, unknown>[];
      const uses = steps.map((s) => String(s.uses ?? ''));
      const withs = steps.map((s) => (s.with ?? {}) as Record<string, unknown>);
      const calls = typeof job.uses === 'string' ? job.uses : '';
      const signs =
        uses.some((u, i) => u.endsWith('actions/cosign-sign') && (withs[i]!.mode ?? 'sign') === 'sign') ||
        /(supply-chain|pipeline)\.yml/.test(calls);
      const pushes =
        uses.some((u) => /actions\/(multiarch-build|multi-registry-push|cosign-sign)$/.test(u)) ||
        /(build|supply-chain|publish|pipeline)\.yml/.test(calls);
      if (perms['id-token'] === 'write' && !signs)
        problems.push(`${w.file}:${line} job ${name} has id-token: write but signs nothing`);
      if (perms.packages === 'write' && !pushes)
        problems.push(`${w.file}:${line} job ${name} has packages: write but pushes nothing`);
    });
    expect(problems).toEqual([]);
  });

  it('passes only declared inputs to our actions, and every required one', () => {
    const problems: string[] = [];
    eachStep(w, (job, step, line) => {
      const m = ourAction.exec(String(step.uses ?? ''));
      if (!m) return;
      const actionFile = path.join(root, 'actions', m[1]!, 'action.yml');
      if (!existsSync(actionFile)) {
        problems.push(`${w.file}:${line} job ${job}: no action ${m[1]}`);
        return;
      }
      const declared =
        (
          parseDocument(readFileSync(actionFile, 'utf8')).toJS() as {
            inputs?: Record<string, { required?: boolean; default?: unknown }>;
          }
        ).inputs ?? {};
      const given = Object.keys((step.with ?? {}) as object);
      for (const k of given)
        if (!(k in declared)) problems.push(`${w.file}:${line} job ${job}: ${m[1]} has no input "${k}"`);
      for (const [k, v] of Object.entries(declared)) {
        if (v.required && v.default === undefined && !given.includes(k))
          problems.push(`${w.file}:${line} job ${job}: ${m[1]} needs input "${k}"`);
      }
    });
    expect(problems).toEqual([]);
  });
});

describe('deploy workflow', () => {
  const deploy = loaded.find((w) => w.file === '.github/workflows/deploy.yml');
  it('runs the deploy job in the named environment, one at a time, never cancelling', () => {
    const job = (deploy!.doc.jobs as Record<string, Record<string, unknown>>).deploy!;
    expect(job.environment).toEqual({
      name: '${{ inputs.environment }}',
      url: '${{ inputs.environment-url }}',
    });
    expect(job.concurrency).toEqual({
      group: 'deploy-${{ inputs.environment }}',
      'cancel-in-progress': false,
    });
    expect(job.needs).toEqual(['toolkit', 'verify']);
  });
});
