import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const root = path.join(process.env.DELIVERKIT_ACT_ARTIFACTS ?? '', process.env.GITHUB_RUN_ID ?? 'run');
const dest = path.resolve(process.env.GITHUB_WORKSPACE ?? '.', input('path') || '.');
const name = input('name');
const pattern = input('pattern');
// A glob of the artifact name, as download-artifact's `pattern` (only * is used by our workflows).
const matches = (n) =>
  name
    ? n === name
    : pattern
      ? new RegExp(
          `^${pattern
            .split('*')
            .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`,
        ).test(n)
      : true;
const names = existsSync(root) ? readdirSync(root).filter(matches) : [];
if (names.length === 0) {
  console.log(`::error::download-artifact stand-in: no artifact matches ${name || pattern || '*'}`);
  process.exit(1);
}
const merge = input('merge-multiple') === 'true' || Boolean(name);
for (const n of names) {
  const target = merge ? dest : path.join(dest, n);
  mkdirSync(target, { recursive: true });
  cpSync(path.join(root, n), target, { recursive: true });
}
console.log(`download-artifact stand-in: ${names.join(', ')} → ${dest}`);
