import { parsePlatforms } from '@deliverkit/image-build';
import { type BuildSpec } from '../../packages/image-build/src/spec';

/** A minimal one-platform build spec for argument-builder tests; override what a test is about. */
export function buildSpec(overrides: Partial<BuildSpec> = {}): BuildSpec {
  return {
    context: '.',
    platforms: parsePlatforms(['linux/amd64']),
    tags: [],
    labels: {},
    annotations: [],
    buildArgs: {},
    secrets: [],
    push: false,
    cacheFrom: [],
    cacheTo: [],
    ...overrides,
  };
}
