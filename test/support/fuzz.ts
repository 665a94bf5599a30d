import type { Parameters as FcParameters } from 'fast-check';

/**
 * fast-check parameters for the property tests (#19): `numRuns` in `npm test`; `bench/fuzz.bench.ts` raises the
 * runs and gives each property a time box through FC_RUNS / FC_TIME_MS, and replays a failure with FC_SEED.
 */
export function runs<T = unknown>(numRuns: number): FcParameters<T> {
  const env = process.env;
  return {
    numRuns: env.FC_RUNS ? Number(env.FC_RUNS) : numRuns,
    ...(env.FC_TIME_MS
      ? { interruptAfterTimeLimit: Number(env.FC_TIME_MS), markInterruptAsFailure: false }
      : {}),
    ...(env.FC_SEED ? { seed: Number(env.FC_SEED) } : {}),
  };
}
