#!/usr/bin/env node
// Writes the reusable workflows' inputs, secrets and outputs into README.md between the
// `<!-- workflows:start -->` and `<!-- workflows:end -->` markers, so the documentation is generated
// from the workflow files themselves. `--check` fails when README.md is out of date (run by the tests).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REUSABLE = ['pipeline', 'build', 'supply-chain', 'publish', 'deploy'];
const cell = (s) =>
  String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>')
    .trim();

export function renderWorkflowDocs() {
  const parts = [];
  for (const name of REUSABLE) {
    const file = `.github/workflows/${name}.yml`;
    const doc = parse(readFileSync(path.join(root, file), 'utf8'));
    const call = doc.on.workflow_call;
    const header = readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('# '))
      .map((l) => l.slice(2))
      .join(' ');
    parts.push(
      `### \`${name}.yml\``,
      '',
      header,
      '',
      '| input | type | default | description |',
      '| --- | --- | --- | --- |',
    );
    for (const [key, input] of Object.entries(call.inputs ?? {})) {
      const dflt = input.required
        ? '**required**'
        : input.default === undefined || input.default === ''
          ? ''
          : `\`${cell(input.default)}\``;
      parts.push(`| \`${key}\` | ${input.type} | ${dflt} | ${cell(input.description)} |`);
    }
    parts.push('');
    const secrets = Object.entries(call.secrets ?? {});
    if (secrets.length)
      parts.push(
        `Secrets: ${secrets.map(([k, s]) => `\`${k}\`${s?.description ? ` (${s.description})` : ''}`).join('; ')}.`,
        '',
      );
    const outputs = Object.entries(call.outputs ?? {});
    if (outputs.length)
      parts.push(
        `Outputs: ${outputs.map(([k, o]) => `\`${k}\`${o?.description ? ` (${o.description})` : ''}`).join('; ')}.`,
        '',
      );
  }
  return parts.join('\n');
}

const start = '<!-- workflows:start -->';
const end = '<!-- workflows:end -->';
const readmePath = path.join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const i = readme.indexOf(start);
const j = readme.indexOf(end);
if (i < 0 || j < i) {
  console.error('workflow-docs: README.md has no workflows markers');
  process.exit(1);
}
const updated = `${readme.slice(0, i + start.length)}\n${renderWorkflowDocs()}\n${readme.slice(j)}`;
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('workflow-docs: README.md is out of date; run `node scripts/workflow-docs.mjs`');
    process.exit(1);
  }
  console.log('workflow-docs: README.md is up to date');
} else {
  writeFileSync(readmePath, updated);
}
