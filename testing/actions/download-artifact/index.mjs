// Stand-in for actions/download-artifact v4 under act: @actions/artifact against act's artifact server (v4
// protocol), with the action's name / pattern / merge-multiple / path semantics. The client is loaded from this
// stand-in's home in the workspace (DELIVERKIT_ACT_STANDINS), as act copies only this file.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const fail = (message) => {
  console.log(`::error::download-artifact stand-in: ${message}`);
  process.exit(1);
};
const home = process.env.DELIVERKIT_ACT_STANDINS;
if (!home) fail('DELIVERKIT_ACT_STANDINS is not set');
const { DefaultArtifactClient } = await import(
  pathToFileURL(path.join(home, 'download-artifact/node_modules/@actions/artifact/lib/artifact.js')).href
);
const client = new DefaultArtifactClient();
const dest = path.resolve(process.env.GITHUB_WORKSPACE ?? '.', input('path') || '.');
const name = input('name');
const pattern = input('pattern');
const glob = (p) =>
  new RegExp(
    `^${p
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
let artifacts;
if (name) {
  artifacts = [(await client.getArtifact(name)).artifact];
} else {
  const all = (await client.listArtifacts({ latest: true })).artifacts;
  artifacts = pattern ? all.filter((a) => glob(pattern).test(a.name)) : all;
}
if (artifacts.length === 0) fail(`no artifact matches ${name || pattern || '*'}`);
// A single named artifact, or merge-multiple, goes straight into path; several go into path/<name>.
const merge = Boolean(name) || input('merge-multiple') === 'true';
for (const a of artifacts) {
  const target = merge ? dest : path.join(dest, a.name);
  mkdirSync(target, { recursive: true });
  await client.downloadArtifact(a.id, { path: target });
}
console.log(`download-artifact stand-in: ${artifacts.map((a) => a.name).join(', ')} → ${dest}`);
