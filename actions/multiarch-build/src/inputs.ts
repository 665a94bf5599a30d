import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import {
  InputError,
  getBoolean,
  getEnum,
  getString,
  parseImageReference,
  parseKeyValues,
  parseList,
  parseWith,
} from '@deliverkit/action-kit';
import {
  type BuildEnvironment,
  type BuilderChoice,
  type CacheMode,
  GITHUB_VARIABLES,
  dockerfilePath,
  parseBuilderChoice,
  parsePlatforms,
  parseSourceDateEpoch,
} from '@deliverkit/image-build';
import { parseImages, parseMetadataList, parseTagRules } from '@deliverkit/meta';
import type { Platform } from '@deliverkit/oci-core';

export type Mode = 'multi' | 'single' | 'merge';

/** Every input, read once; keys are the action.yml names. */
export interface Inputs {
  context: string;
  file: string | undefined;
  platforms: Platform[];
  images: string[];
  tags: string[];
  flavor: string[];
  labels: string[];
  annotations: string[];
  'build-args': Record<string, string>;
  secrets: { id: string; value: string }[];
  'secret-files': { id: string; path: string }[];
  target: string | undefined;
  push: boolean;
  cache: CacheMode;
  'cache-from': string[];
  'cache-to': string[];
  builder: BuilderChoice;
  mode: Mode;
  digests: string[];
  provenance: boolean;
  'insecure-registries': string[];
  'dry-run': boolean;
}

/** docker/metadata-action's list inputs: one entry per line, `#` comments, CSV quoting. */
function metaList(name: string): string[] {
  const raw = getString(name);
  return raw === undefined ? [] : parseWith(name, raw, parseMetadataList);
}

/** `id=value` lines of a secret input; the whole input and each value are masked at once. */
export function parseSecrets(
  raw: string | undefined,
  mask: (s: string) => void = core.setSecret,
): { id: string; value: string }[] {
  if (raw === undefined) return [];
  const out: { id: string; value: string }[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const eq = line.indexOf('=');
    const id = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9_.-]+$/.test(id))
      throw new InputError(
        'secrets',
        'Input "secrets" must hold id=value lines (the id is letters, digits, . _ -)',
      );
    const value = line.slice(eq + 1);
    mask(value);
    out.push({ id, value });
  }
  return out;
}

export function readInputs(): Inputs {
  const mode = getEnum<Mode>('mode', ['multi', 'single', 'merge'], 'multi');
  const platforms = parsePlatforms(
    parseList(getString('platforms') ?? 'linux/amd64', { comma: true }),
    'platforms',
  );
  if (mode === 'single' && platforms.length !== 1) {
    throw new InputError(
      'platforms',
      `Input "platforms" must name exactly one platform with mode: single, got ${platforms.length}`,
    );
  }
  // Checked here, before the metadata step runs git or the builder is probed: a malformed image name or tag
  // rule fails the step naming the input, with nothing run.
  const images = metaList('images');
  for (const image of parseImages(images, 'images')) parseImageReference('images', image.name);
  const tags = metaList('tags');
  parseTagRules(tags, 'tags');
  return {
    context: getString('context') ?? '.',
    file: getString('file'),
    platforms,
    images,
    tags,
    flavor: metaList('flavor'),
    labels: metaList('labels'),
    annotations: metaList('annotations'),
    'build-args': parseKeyValues('build-args', getString('build-args') ?? ''),
    secrets: parseSecrets(getString('secrets', { secret: true })),
    'secret-files': Object.entries(parseKeyValues('secret-files', getString('secret-files') ?? '')).map(
      ([id, p]) => ({ id, path: p }),
    ),
    target: getString('target'),
    push: getBoolean('push', false),
    cache: getEnum<CacheMode>('cache', ['registry', 'none'], 'registry'),
    'cache-from': parseList(getString('cache-from') ?? ''),
    'cache-to': parseList(getString('cache-to') ?? ''),
    builder: parseBuilderChoice(getString('builder'), 'builder'),
    mode,
    digests: parseList(getString('digests') ?? '', { comma: true }).map((entry) =>
      parseWith('digests', entry, (e) => {
        // `registry/repo@sha256:…` or a bare `sha256:…`: an empty digest (a platform job that pushed nothing)
        // must not become a merge of nothing.
        if (!/^(?:[^\s@]+@)?sha256:[0-9a-f]{64}$/.test(e)) {
          throw new Error(`"${e}" is not an image digest (registry/repo@sha256:… or sha256:…)`);
        }
        return e;
      }),
    ),
    provenance: getBoolean('provenance', true),
    'insecure-registries': parseList(getString('insecure-registries') ?? '', { comma: true }),
    'dry-run': getBoolean('dry-run', false),
  };
}

/**
 * The Dockerfile of a local build context must exist: checked right after the inputs, before the build libraries
 * load or a builder is probed (start-up, #17). A dry run still shows its plan (buildah's pin step names a missing
 * file); a merge builds nothing; a remote context (git or https URL) is the builder's to read.
 */
export function assertDockerfile(inputs: Inputs): Inputs {
  if (inputs.mode === 'merge' || inputs['dry-run'] || /^([a-z][a-z0-9+.-]*:\/\/|git@)/i.test(inputs.context))
    return inputs;
  const file = dockerfilePath({ context: inputs.context, file: inputs.file });
  if (!existsSync(file))
    throw new InputError(
      inputs.file ? 'file' : 'context',
      `No Dockerfile at ${file} (inputs "context" and "file")`,
    );
  return inputs;
}

/** The run's environment, read once: the only place the action reads environment variables. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): BuildEnvironment {
  const shortSha = env['DOCKER_METADATA_SHORT_SHA_LENGTH'];
  if (shortSha !== undefined && !/^\d+$/.test(shortSha)) {
    throw new InputError(
      'DOCKER_METADATA_SHORT_SHA_LENGTH',
      `DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${shortSha}`,
    );
  }
  return {
    github: Object.fromEntries(
      GITHUB_VARIABLES.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])),
    ),
    eventPath: env['GITHUB_EVENT_PATH'],
    workspace: env['GITHUB_WORKSPACE'],
    tempDir: env['RUNNER_TEMP'] ?? os.tmpdir(),
    dockerConfigDir: env['DOCKER_CONFIG'] ?? path.join(os.homedir(), '.docker'),
    sourceDateEpoch: parseSourceDateEpoch(env['SOURCE_DATE_EPOCH']),
    shortShaLength: shortSha ? Number(shortSha) : undefined,
    // The index and every manifest carry the annotations (metadata-action's default is manifest only).
    annotationLevels: (env['DOCKER_METADATA_ANNOTATIONS_LEVELS'] ?? 'manifest,index').split(','),
  };
}
