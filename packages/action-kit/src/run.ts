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
