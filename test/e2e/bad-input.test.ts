import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '@deliverkit/testing-testbed';

// The bad-input corpus (#19): what a workflow author can hand each bundled action, malformed. Every case must fail
// the step with an error that names the input, before anything runs: no child process (every tool the actions can
// spawn is a tripwire on PATH), nothing written (the working directory and RUNNER_TEMP stay empty, no output set),
// and a secret given in any input never printed. The registries named are closed ports: a case that reached the
// network would fail on a connection error instead of naming its input.

const SECRET = 'S3cr3t-sentinel-9f8e7d';
const NOWHERE = '127.0.0.1:9'; // discard port: nothing listens
const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `${NOWHERE}/acme/app@${DIGEST}`;
const TOOLS = [
  'buildah',
  'docker',
  'buildx',
  'skopeo',
  'cosign',
  'syft',
  'kubectl',
  'kustomize',
  'git',
  'crane',
];

interface Case {
  action: 'sbom' | 'multi-registry-push' | 'cosign-sign' | 'multiarch-build' | 'blue-green-deploy';
  what: string;
  inputs: Record<string, string>;
  /** The input the error must name. */
  input: string;
}

const deepYaml = `${'['.repeat(200)}${']'.repeat(200)}`;
const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
  .concat(
    Array.from({ length: 8 }, (_, i) => {
      const [prev, cur] = [String.fromCharCode(97 + i), String.fromCharCode(98 + i)];
      return `${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(', ')}]`;
    }),
  )
  .join('\n');

const sbom = (what: string, input: string, inputs: Record<string, string>): Case => ({
  action: 'sbom',
  what,
  input,
  inputs: { image: IMAGE, ...inputs },
});
const push = (what: string, input: string, inputs: Record<string, string>): Case => ({
  action: 'multi-registry-push',
  what,
  input,
  inputs: { source: IMAGE, destinations: `${NOWHERE}/mirror/app:v1`, ...inputs },
});
const sign = (what: string, input: string, inputs: Record<string, string>): Case => ({
  action: 'cosign-sign',
  what,
  input,
  inputs: { image: IMAGE, ...inputs },
});
const build = (what: string, input: string, inputs: Record<string, string>): Case => ({
  action: 'multiarch-build',
  what,
  input,
  inputs: { images: `${NOWHERE}/acme/app`, platforms: 'linux/amd64', push: 'false', ...inputs },
});
const deploy = (what: string, input: string, inputs: Record<string, string>): Case => ({
  action: 'blue-green-deploy',
  what,
  input,
  inputs: { app: 'hello', images: `${NOWHERE}/acme/app@${DIGEST}`, 'dry-run': 'true', ...inputs },
});

const CASES: Case[] = [
  // sbom: references, platforms, formats, booleans, YAML, secrets, limits
  sbom('no image', 'image', { image: '' }),
  sbom('an upper-case repository', 'image', { image: `${NOWHERE}/Acme/App:v1` }),
  sbom('a reference with a space', 'image', { image: `${NOWHERE}/acme/app:v 1` }),
  sbom('a short digest', 'image', { image: `${NOWHERE}/acme/app@sha256:abc` }),
  sbom('shell metacharacters in the tag', 'image', { image: `${NOWHERE}/acme/app:v1;touch pwned` }),
  sbom('a URL instead of a reference', 'image', { image: `https://${NOWHERE}/acme/app:v1` }),
  sbom('a platform without an architecture', 'platforms', { platforms: 'linux' }),
  sbom('an unknown format', 'formats', { formats: 'spdx-json,xml' }),
  sbom('an unknown engine', 'engine', { engine: 'docker' }),
  sbom('upload-artifact that is not a boolean', 'upload-artifact', { 'upload-artifact': 'yes please' }),
  sbom('dry-run that is not a boolean', 'dry-run', { 'dry-run': 'maybe' }),
  sbom('registry-auths that are not YAML', 'registry-auths', {
    'registry-auths': `[{registry: x, password: ${SECRET}`,
  }),
  sbom('registry-auths nested 200 deep', 'registry-auths', { 'registry-auths': deepYaml }),
  sbom('registry-auths that expand aliases a billion times', 'registry-auths', { 'registry-auths': laughs }),
  sbom('registry-auths with a password and no registry', 'registry-auths', {
    'registry-auths': `- {username: u, password: ${SECRET}}`,
  }),
  sbom('registry-auths that is a map, not a list', 'registry-auths', {
    'registry-auths': `registry: ${NOWHERE}\npassword: ${SECRET}`,
  }),
  sbom('syft-version without its sha256', 'syft-sha256', { engine: 'syft', 'syft-version': 'v1.0.0' }),
  sbom('an unknown limit', 'limits', { limits: 'everything=1' }),
  sbom('a negative limit', 'limits', { limits: 'file-bytes=-1' }),
  sbom('a limit in an unknown unit', 'limits', { limits: 'layer-unpacked-bytes=3 parsecs' }),

  // multi-registry-push: references, destinations, integers, booleans, YAML, secrets, limits
  push('no source', 'source', { source: '' }),
  push('a source that is not a reference', 'source', { source: 'not a reference!' }),
  push('a source with an empty tag', 'source', { source: `${NOWHERE}/acme/app:` }),
  push('no destinations', 'destinations', { destinations: '' }),
  push('a destination that is not a reference', 'destinations', { destinations: 'Upper/Case:v1' }),
  push('a destination tag starting with a dash', 'destinations', { destinations: `${NOWHERE}/m/app:-bad` }),
  push('a destination tag of 129 characters', 'destinations', {
    destinations: `${NOWHERE}/m/app:${'t'.repeat(129)}`,
  }),
  push('a destination with a digest instead of tags', 'destinations', {
    destinations: `${NOWHERE}/m/app@${DIGEST}x`,
  }),
  push('concurrency 0', 'concurrency', { concurrency: '0' }),
  push('concurrency 1000', 'concurrency', { concurrency: '1000' }),
  push('concurrency that is not a number', 'concurrency', { concurrency: 'many' }),
  push('include-referrers that is not a boolean', 'include-referrers', { 'include-referrers': 'sometimes' }),
  push('registry-auths with a secret in broken YAML', 'registry-auths', {
    'registry-auths': `- registry: ${NOWHERE}\n  password: ${SECRET}\n  bad: [`,
  }),
  push('registry-auths with a duplicate key', 'registry-auths', {
    'registry-auths': `- registry: ${NOWHERE}\n  password: ${SECRET}\n  password: other`,
  }),
  push('registry-auths with the secret in the registry field', 'registry-auths', {
    'registry-auths': `- {registry: "${SECRET} x", username: u, password: p}`,
  }),
  push('registry-auths with the secret as a key', 'registry-auths', {
    'registry-auths': `- {registry: ${NOWHERE}, username: u, ${SECRET}: p}`,
  }),
  push('registry-auths with a password that is a list', 'registry-auths', {
    'registry-auths': `- {registry: ${NOWHERE}, username: u, password: [${SECRET}]}`,
  }),
  push('a limit that cannot be raised', 'limits', { limits: 'yaml-bytes=1GiB' }),
  push('dry-run that is not a boolean', 'dry-run', { 'dry-run': 'on' }),

  // cosign-sign: references, enums, policy patterns, URLs, files, secrets
  sign('no image', 'image', { image: '' }),
  sign('an image by tag with a bad digest', 'image', { image: `${NOWHERE}/acme/app@sha256:zz` }),
  sign('an unknown mode', 'mode', { mode: 'sign-everything' }),
  sign('an unknown signature format', 'signature-format', { 'signature-format': 'xml' }),
  sign('recursive that is not a boolean', 'recursive', { recursive: 'sometimes' }),
  sign('an unanchored identity pattern', 'certificate-identity-regexp', {
    mode: 'verify',
    'certificate-identity-regexp': 'github\\.com/acme/',
    'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com',
  }),
  sign('an identity pattern that does not compile', 'certificate-identity-regexp', {
    mode: 'verify',
    'certificate-identity-regexp': '^(https://github.com/',
    'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com',
  }),
  sign('a TUF mirror that is not http(s)', 'tuf-mirror', {
    mode: 'verify',
    'certificate-identity': 'https://github.com/acme/app/.github/workflows/x.yml@refs/heads/main',
    'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com',
    'tuf-mirror': 'file:///etc/passwd',
  }),
  sign('a key that is not a key, with a password', 'key', { key: 'not a pem', 'key-password': SECRET }),
  sign('attestations that are not key=value', 'attestations', {
    attestations: '- {predicate-type: x, path: ./p',
  }),
  sign('attestations nested 200 deep', 'attestations', { attestations: deepYaml }),
  sign('an unknown required attestation', 'require-attestations', {
    mode: 'verify',
    'certificate-identity': 'https://github.com/acme/app/.github/workflows/x.yml@refs/heads/main',
    'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com',
    'require-attestations': 'spdx,bogus',
  }),
  sign('registry-auths with a secret in broken YAML', 'registry-auths', {
    'registry-auths': `- {registry: ${NOWHERE}, password: ${SECRET}`,
  }),

  // multiarch-build: platforms, tag templates, key=value lists, enums, booleans
  build('a platform with no architecture', 'platforms', { platforms: 'linux/amd64,windows' }),
  build('a tag rule with an unknown event', 'tags', { tags: 'type=ref,event=push' }),
  build('a tag rule of an unknown type', 'tags', { tags: 'type=exec,value=$(id)' }),
  build('a build-arg without a value', 'build-args', { 'build-args': 'NOEQUALS' }),
  build('an unknown cache mode', 'cache', { cache: 'everywhere' }),
  build('an unknown builder', 'builder', { builder: 'podman' }),
  build('an image name that is not a reference', 'images', { images: 'UPPER/Case' }),
  build('push that is not a boolean', 'push', { push: 'yes' }),
  build('an unknown build mode', 'mode', { mode: 'parallel' }),

  // blue-green-deploy: names, enums, durations, YAML, secrets
  deploy('no manifests and no kustomize-dir', 'manifests', {}),
  deploy('an unknown route method', 'route-method', { 'route-method': 'dns' }),
  deploy('smoke-checks that are not YAML', 'smoke-checks', {
    'smoke-checks': '- path: /healthz\n  expect: [',
  }),
  deploy('smoke-checks nested 200 deep', 'smoke-checks', { 'smoke-checks': deepYaml }),
  deploy('a verify-window that is not a duration', 'verify-window', { 'verify-window': '2 fortnights' }),
  deploy('a negative timeout', 'timeout', { timeout: '-5s' }),
  deploy('a scale-down-delay that is not a duration', 'scale-down-delay', { 'scale-down-delay': 'forever' }),
  deploy('an image that is not a reference', 'images', { images: 'not a reference!' }),
  deploy('an unknown action', 'action', { action: 'destroy' }),
  deploy('an unknown mode', 'mode', { mode: 'ftp' }),
  deploy('auto-promote that is not a boolean', 'auto-promote', { 'auto-promote': 'perhaps' }),
  deploy('clusters that are not a list', 'clusters', { clusters: `kubeconfig: ${SECRET}` }),
  deploy('clusters with an unknown key beside a kubeconfig secret', 'clusters', {
    clusters: `- {name: a, kubeconfig: "${SECRET}", token: x}`,
  }),
  deploy('clusters naming one cluster twice', 'clusters', {
    clusters: `- {name: a, kubeconfig: "${SECRET}"}\n- {name: a, context: b}`,
  }),
];

/** A directory of scripts named as the tools the actions can run, each logging that it ran. */
async function tripwires(dir: string): Promise<string> {
  await mkdir(dir);
  for (const tool of TOOLS) {
    const file = path.join(dir, tool);
    await writeFile(file, `#!/bin/sh\necho "$0" >> "${path.join(dir, 'ran.log')}"\nexit 97\n`);
    await chmod(file, 0o755);
  }
  return dir;
}

describe('the bad-input corpus through the bundles', () => {
  it('has at least 60 cases covering every action', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.action)).size).toBe(5);
  });

  it.concurrent.each(CASES.map((c) => [`${c.action}: ${c.what}`, c] as const))(
    '%s fails naming the input, runs nothing, writes nothing, prints no secret',
    async (_name, c) => {
      const work = await mkdtemp(path.join(os.tmpdir(), 'bad-input-'));
      const cwd = path.join(work, 'cwd');
      const temp = path.join(work, 'temp');
      await Promise.all([mkdir(cwd), mkdir(temp)]);
      const wires = await tripwires(path.join(work, 'tripwires'));
      try {
        const run = await runAction(c.action, c.inputs, {
          cwd,
          runnerTemp: temp,
          timeoutMs: 60_000,
          env: {
            PATH: `${wires}:${process.env.PATH}`,
            GITHUB_WORKSPACE: cwd,
            GITHUB_REPOSITORY: 'acme/app',
            GITHUB_SHA: 'f'.repeat(40),
            GITHUB_REF: 'refs/heads/main',
            GITHUB_EVENT_NAME: 'push',
          },
        });
        const printed = `${run.stdout}\n${run.stderr}`
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n');
        const errors = printed.split('\n').filter((l) => l.startsWith('::error::'));
        expect(run.exitCode, printed).not.toBe(0);
        expect(errors.join('\n'), printed).toContain(c.input);
        expect(errors.join('\n')).not.toMatch(/Internal error|ECONNREFUSED|connect /);
        expect(printed).not.toContain(SECRET);
        expect(await readdir(cwd)).toEqual([]);
        expect(await readdir(temp)).toEqual([]);
        expect(run.outputs).toEqual({});
        expect(await readFile(path.join(wires, 'ran.log'), 'utf8').catch(() => '')).toBe('');
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  );
});
