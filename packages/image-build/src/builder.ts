import { ConfigurationError, InputError } from '@deliverkit/action-kit';

export type BuilderChoice = 'auto' | 'buildx' | 'buildah';
export type Backend = 'buildx' | 'buildah';

export interface Availability {
  buildx: () => Promise<boolean>;
  buildah: () => Promise<boolean>;
}

/**
 * `builder: auto` takes buildx when it works (GitHub-hosted runners after setup-buildx-action),
 * else buildah; an explicit choice must be available. Fails with what to do next, naming the caller's `input`.
 */
export async function selectBackend(
  choice: BuilderChoice,
  available: Availability,
  input: string,
): Promise<Backend> {
  if (choice === 'buildx' || choice === 'auto') {
    if (await available.buildx()) return 'buildx';
    if (choice === 'buildx') {
      throw new ConfigurationError(
        'MISSING_TOOL',
        `docker buildx was not found. Add docker/setup-buildx-action before this step, or set ${input}: buildah`,
      );
    }
  }
  if (await available.buildah()) return 'buildah';
  if (choice === 'buildah') {
    throw new ConfigurationError(
      'MISSING_TOOL',
      `buildah was not found. Install it on the runner (apt-get install -y buildah), or set ${input}: buildx after docker/setup-buildx-action`,
    );
  }
  throw new ConfigurationError(
    'MISSING_TOOL',
    `Neither docker buildx nor buildah was found. Add docker/setup-buildx-action before this step (GitHub-hosted runners), or install buildah (apt-get install -y buildah) and set ${input}: buildah`,
  );
}

export function parseBuilderChoice(value: string | undefined, input: string): BuilderChoice {
  const v = (value ?? 'auto').trim();
  if (v === 'auto' || v === 'buildx' || v === 'buildah') return v;
  throw new InputError(input, `Input "${input}" must be one of auto, buildx, buildah: got "${v}"`);
}
