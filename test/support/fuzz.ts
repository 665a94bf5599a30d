import fc, { type Parameters as FcParameters } from 'fast-check';

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

/** A valid input with some bytes changed, the file cut short, or a slice repeated: what fuzzers find bugs with. */
export function mutated(seed: Buffer): fc.Arbitrary<Buffer> {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.nat({ max: seed.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        maxLength: 8,
      }),
      fc.option(fc.nat({ max: seed.length }), { nil: undefined }),
      fc.option(fc.tuple(fc.nat({ max: seed.length }), fc.nat({ max: 2048 }), fc.nat({ max: seed.length })), {
        nil: undefined,
      }),
    )
    .map(([flips, cut, splice]) => {
      let b = Buffer.from(seed);
      for (const [at, v] of flips) b[at] = v;
      if (splice) {
        const [from, len, to] = splice;
        b = Buffer.concat([b.subarray(0, to), b.subarray(from, from + len), b.subarray(to)]);
      }
      return cut === undefined ? b : b.subarray(0, cut);
    });
}
