import { runWithInputs } from '@deliverkit/action-kit';
import { readInputs } from './inputs';

// Inputs first: a step with a bad input fails before the SBOM writers and the artifact and cache clients load (start-up, #17).
await runWithInputs(readInputs, () => import('./main'));
