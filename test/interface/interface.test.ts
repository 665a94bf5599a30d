import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '@deliverkit/testing-testbed';

// What a user adopts and would break on: every action's inputs and outputs, and every reusable workflow's
// workflow_call interface (inputs with type, required and default; secrets; outputs). A change shows up here as a
// diff of the committed snapshot — update it (`npx vitest run -u test/interface`) only when the change is meant,
// and say so in the release notes.

type Mapping = Record<string, Record<string, unknown> | null>;

const pick = (entries: Mapping | undefined, keys: string[]) =>
  Object.fromEntries(
    Object.entries(entries ?? {}).map(([name, spec]) => [
      name,
      Object.fromEntries(keys.filter((k) => spec?.[k] !== undefined).map((k) => [k, spec![k]])),
    ]),
  );

function actions() {
  const dir = path.join(repoRoot, 'actions');
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => {
        const action = parse(readFileSync(path.join(dir, e.name, 'action.yml'), 'utf8')) as {
          inputs?: Mapping;
          outputs?: Mapping;
          runs?: unknown;
        };
        return [
          e.name,
          {
            inputs: pick(action.inputs, ['required', 'default']),
            outputs: Object.keys(action.outputs ?? {}),
            runs: action.runs,
          },
        ];
      })
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

function workflows() {
  const dir = path.join(repoRoot, '.github/workflows');
  const out: Record<string, unknown> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()) {
    const wf = parse(readFileSync(path.join(dir, file), 'utf8')) as { on?: Record<string, unknown> };
    const call = (wf.on && typeof wf.on === 'object' ? wf.on.workflow_call : undefined) as
      { inputs?: Mapping; secrets?: Mapping; outputs?: Mapping } | null | undefined;
    if (call === undefined) continue;
    out[file] = {
      inputs: pick(call?.inputs, ['type', 'required', 'default']),
      secrets: pick(call?.secrets, ['required']),
      outputs: Object.keys(call?.outputs ?? {}),
    };
  }
  return out;
}

describe('the interface users adopt', () => {
  it('every action.yml: inputs (required, default), outputs and runtime', async () => {
    await expect(JSON.stringify(actions(), null, 2) + '\n').toMatchFileSnapshot('./actions.snapshot.json');
  });

  it('every reusable workflow: workflow_call inputs (type, required, default), secrets and outputs', async () => {
    const found = workflows();
    expect(Object.keys(found).length).toBeGreaterThanOrEqual(5);
    await expect(JSON.stringify(found, null, 2) + '\n').toMatchFileSnapshot('./workflows.snapshot.json');
  });
});
