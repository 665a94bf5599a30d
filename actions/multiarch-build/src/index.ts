import { runWithInputs } from '@deliverkit/action-kit';
import { assertDockerfile, readInputs } from './inputs';

// Inputs and the Dockerfile first: a step with a bad input or no Dockerfile fails before the metadata and build
// libraries load or a builder is probed (start-up, #17).
await runWithInputs(
  () => assertDockerfile(readInputs()),
  () => import('./main'),
);
