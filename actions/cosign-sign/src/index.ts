import { runWithInputs } from '@deliverkit/action-kit';
import { readInputs } from './inputs';

// Inputs first: a step with a bad input fails before sigstore load (start-up, #17).
await runWithInputs(readInputs, () => import('./main'));
