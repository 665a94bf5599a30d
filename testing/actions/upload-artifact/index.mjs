// Stand-in for actions/upload-artifact v4 under act: the same @actions/artifact client the real action uses,
// talking to act's artifact server (v4 protocol). act copies this file, not its node_modules links, so the client
// is loaded from this stand-in's home in the workspace (DELIVERKIT_ACT_STANDINS, set by the harness).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const fail = (message) => {
  console.log(`::error::upload-artifact stand-in: ${message}`);
  process.exit(1);
};
const home = process.env.DELIVERKIT_ACT_STANDINS;
if (!home) fail('DELIVERKIT_ACT_STANDINS is not set');
const { DefaultArtifactClient } = await import(
  pathToFileURL(path.join(home, 'upload-artifact/node_modules/@actions/artifact/lib/artifact.js')).href
);

const walk = (p) => (statSync(p).isDirectory() ? readdirSync(p).flatMap((e) => walk(path.join(p, e))) : [p]);
const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
const entries = input('path')
  .split('\n')
  .map((s) => s.trim())
  .filter(Boolean)
  .map((p) => path.resolve(workspace, p));
const present = entries.filter((p) => existsSync(p));
const files = present.flatMap(walk);
if (files.length === 0) {
  const how = input('if-no-files-found') || 'warn';
  if (how === 'error') fail(`no files at ${input('path')}`);
  console.log(
    `${how === 'ignore' ? '' : '::warning::'}upload-artifact stand-in: no files at ${input('path')}`,
  );
  process.exit(0);
}
// upload-artifact's root: a single directory is its own root; otherwise the paths' common ancestor.
const dirs = present.map((p) => (statSync(p).isDirectory() ? p : path.dirname(p)));
let root = dirs[0];
while (!dirs.every((d) => d === root || d.startsWith(root + path.sep))) root = path.dirname(root);
const name = input('name') || 'artifact';
const retention = Number(input('retention-days')) || undefined;
const { id, size } = await new DefaultArtifactClient().uploadArtifact(name, files, root, {
  retentionDays: retention,
});
console.log(`upload-artifact stand-in: ${name} (${files.length} files, ${size} bytes, id ${id})`);
