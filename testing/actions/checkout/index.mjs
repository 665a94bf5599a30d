import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const fail = (message) => {
  console.log(`::error::checkout stand-in: ${message}`);
  process.exit(1);
};
const git = (args, cwd) =>
  execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();

const repositories = JSON.parse(process.env.DELIVERKIT_ACT_REPOSITORIES ?? '{}');
const repository = input('repository') || process.env.GITHUB_REPOSITORY;
const source = repositories[repository];
if (!source) fail(`no local copy of ${repository}: add it to DELIVERKIT_ACT_REPOSITORIES`);
const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
const dest = path.resolve(workspace, input('path') || '.');
const own = repository === process.env.GITHUB_REPOSITORY;
const ref = input('ref') || (own ? process.env.GITHUB_SHA : '') || 'HEAD';

if (existsSync(dest) && realpathSync(dest) === realpathSync(source)) {
  // act runs the job in the caller's own directory: it is already checked out.
  console.log(`checkout stand-in: ${repository} is the workspace (${dest})`);
} else {
  if (existsSync(dest) && readdirSync(dest).length > 0) fail(`${dest} exists and is not empty`);
  git(['clone', '--quiet', '--no-checkout', source, dest]);
  git(['checkout', '--quiet', '--detach', ref], dest);
  console.log(`checkout stand-in: ${repository}@${ref} → ${dest} (${git(['rev-parse', 'HEAD'], dest)})`);
}
