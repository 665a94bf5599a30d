import { cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const root = process.env.DELIVERKIT_ACT_ARTIFACTS;
if (!root) {
  console.log('::error::upload-artifact stand-in: DELIVERKIT_ACT_ARTIFACTS is not set');
  process.exit(1);
}
const name = input('name') || 'artifact';
const dest = path.join(root, process.env.GITHUB_RUN_ID ?? 'run', name);
if (existsSync(dest)) {
  console.log(`::error::upload-artifact stand-in: an artifact named ${name} already exists in this run`);
  process.exit(1);
}
mkdirSync(dest, { recursive: true });
let found = 0;
for (const entry of input('path')
  .split('\n')
  .map((s) => s.trim())
  .filter(Boolean)) {
  const source = path.resolve(process.env.GITHUB_WORKSPACE ?? '.', entry);
  if (!existsSync(source)) continue;
  found++;
  cpSync(source, statSync(source).isDirectory() ? dest : path.join(dest, path.basename(source)), {
    recursive: true,
  });
}
if (found === 0 && input('if-no-files-found') === 'error') {
  console.log(`::error::upload-artifact stand-in: no files at ${input('path')}`);
  process.exit(1);
}
console.log(`upload-artifact stand-in: ${name} (${found} path(s))`);
