import * as core from '@actions/core';
import {
  type ArtifactRuntime,
  getBoolean,
  getEnum,
  getImageRecord,
  getList,
  getRequiredString,
  getString,
  getStructured,
  InputError,
  type Limits,
  parseLimits,
  parseWith,
  withInputError,
} from '@deliverkit/action-kit';
import type { ImageRecord } from '@deliverkit/image-record';
import { type ImageReference, parsePlatform, type Platform } from '@deliverkit/oci-core';
import { parseReference, parseRegistryAuths, type RegistryAuth } from '@deliverkit/oci';
import { SBOM_FORMATS, type SbomFormat } from '@deliverkit/sbom';

/** Every input, read once; keys are the action.yml names. */
export interface Inputs {
  image: ImageReference;
  /** Undefined: every platform of the image. */
  platforms: Platform[] | undefined;
  formats: SbomFormat[];
  'output-dir': string;
  'upload-artifact': boolean;
  'artifact-name': string | undefined;
  engine: 'native' | 'syft';
  'syft-version': string | undefined;
  'syft-sha256': string | undefined;
  'registry-auths': RegistryAuth[];
  limits: Partial<Limits>;
  'image-record': ImageRecord | undefined;
  'dry-run': boolean;
  /** Not an input: the runner's artifact service, for upload-artifact (undefined when not on a runner). */
  artifactRuntime: ArtifactRuntime | undefined;
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const formats = getList('formats', { comma: true });
  for (const f of formats) {
    if (!(SBOM_FORMATS as readonly string[]).includes(f)) {
      throw new InputError('formats', `Input "formats" has "${f}"; allowed: ${SBOM_FORMATS.join(', ')}`);
    }
  }
  const platforms = getList('platforms', { comma: true });
  const engine = getEnum('engine', ['native', 'syft'] as const, 'native');
  const inputs: Inputs = {
    image: parseWith('image', getRequiredString('image'), (v) => parseReference(v, { input: 'image' })),
    platforms:
      platforms.length === 0 || platforms.includes('all')
        ? undefined
        : platforms.map((p) => withInputError(() => parsePlatform(p, 'platforms'))),
    formats: (formats.length > 0 ? [...new Set(formats)] : [...SBOM_FORMATS]) as SbomFormat[],
    'output-dir': getString('output-dir') ?? `${env.RUNNER_TEMP ?? '.'}/sbom`,
    'upload-artifact': getBoolean('upload-artifact', true),
    'artifact-name': getString('artifact-name'),
    engine,
    'syft-version': getString('syft-version'),
    'syft-sha256': getString('syft-sha256'),
    'registry-auths': parseRegistryAuths(
      getStructured<unknown>('registry-auths', { secret: true }),
      core.setSecret,
    ),
    limits: parseLimits('limits', getString('limits') ?? ''),
    'image-record': getImageRecord('image-record'),
    'dry-run': getBoolean('dry-run', false),
    artifactRuntime: readArtifactRuntime(env),
  };
  if (inputs['syft-version'] && !inputs['syft-sha256']) {
    throw new InputError(
      'syft-sha256',
      'Input "syft-sha256" is required with "syft-version": the download is pinned',
    );
  }
  return inputs;
}

/** The artifact service's token is a credential: masked the moment it is read. */
function readArtifactRuntime(env: NodeJS.ProcessEnv): ArtifactRuntime | undefined {
  const token = env.ACTIONS_RUNTIME_TOKEN;
  if (!token) return undefined;
  core.setSecret(token);
  return { token, resultsUrl: env.ACTIONS_RESULTS_URL };
}
