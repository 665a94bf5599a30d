import * as core from '@actions/core';
import { BaseError, getErrorMessage, isUserError } from './errors';

/**
 * The top-level runner every action's index.ts calls. Catches any thrown value and fails the step:
 * user errors with their message only; anticipated domain failures (any BaseError: a registry that
 * refuses, a signature that does not verify) with their message and the cause in debug; anything
 * else as an internal error with the stack in debug.
 * With `post`, the same entry runs main first and post on the runner's post step.
 */
export async function run(main: () => Promise<void>, post?: () => Promise<void>): Promise<void> {
  const isPost = post !== undefined && core.getState('isPost') === 'true';
  if (post !== undefined && !isPost) core.saveState('isPost', 'true');
  try {
    await (isPost ? post : main)();
  } catch (e) {
    reportFailure(e);
  }
}

/**
 * run() for an action whose libraries are heavy to load: the inputs are read first, and only then the module that
 * does the work (a dynamic import, which ncc bundles as a chunk of its own). A step with a bad or missing input fails
 * in the time Node takes to start, without loading sigstore, cyclonedx or an API client it will never call.
 */
export async function runWithInputs<I>(
  readInputs: () => I,
  load: () => Promise<{ main(inputs: I): Promise<void> }>,
): Promise<void> {
  await run(async () => {
    const inputs = readInputs();
    const { main } = await load();
    await main(inputs);
  });
}

export function reportFailure(e: unknown): void {
  if (isUserError(e)) {
    core.setFailed(getErrorMessage(e));
    return;
  }
  const message = getErrorMessage(e);
  if (e instanceof Error && e.stack) core.debug(e.stack);
  if (e instanceof Error && e.cause !== undefined) core.debug(`caused by: ${getErrorMessage(e.cause)}`);
  core.setFailed(e instanceof BaseError ? message : `Internal error: ${message}`);
}
