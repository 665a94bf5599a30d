import type { BuildEnvironment, ImageBuildRequest } from '@deliverkit/image-build';
import type { Inputs } from './inputs';

// Beside main.ts rather than in inputs.ts: it loads with the build code, after the inputs are checked (start-up, #17).

/** The build the inputs ask for, in the image-build package's terms. */
export function imageBuildRequest(inputs: Inputs, environment: BuildEnvironment): ImageBuildRequest {
  return {
    mode: inputs.mode,
    context: inputs.context,
    file: inputs.file,
    platforms: inputs.platforms,
    metadata: {
      images: inputs.images,
      tags: inputs.tags,
      flavor: inputs.flavor,
      labels: inputs.labels,
      annotations: inputs.annotations,
    },
    buildArgs: inputs['build-args'],
    secrets: inputs.secrets,
    secretFiles: inputs['secret-files'],
    target: inputs.target,
    push: inputs.push,
    cache: inputs.cache,
    cacheFrom: inputs['cache-from'],
    cacheTo: inputs['cache-to'],
    builder: inputs.builder,
    digests: inputs.digests,
    provenance: inputs.provenance,
    insecureRegistries: inputs['insecure-registries'],
    environment,
    inputNames: {
      builder: 'builder',
      cacheFrom: 'cache-from',
      context: 'context',
      file: 'file',
      target: 'target',
      images: 'images',
      tags: 'tags',
      flavor: 'flavor',
      labels: 'labels',
      annotations: 'annotations',
      push: 'push',
      mode: 'mode',
      digests: 'digests',
    },
  };
}
