import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Git } from '@deliverkit/action-kit';
import {
  type EventPayload,
  type MetaConfig,
  type MetaOptions,
  type Metadata,
  computeMetadata,
  contextFromEnv,
  repoFromPayload,
} from '@deliverkit/meta';
import type { BuildEnvironment } from './environment';
import type { CacheScope } from './spec';

/** The event payload (empty outside GitHub). */
export async function readEventPayload(environment: BuildEnvironment): Promise<EventPayload | undefined> {
  const file = environment.eventPath;
  return file && existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as EventPayload) : undefined;
}

/** The run's ref and the repository's default branch (from the event), when running on GitHub. */
export function cacheScopeOf(
  environment: BuildEnvironment,
  payload: EventPayload | undefined,
): CacheScope | undefined {
  const ref = environment.github.GITHUB_REF;
  if (!ref || !payload) return undefined;
  const defaultBranch = (payload['repository'] as { default_branch?: unknown } | undefined)?.default_branch;
  // No default branch known: every build is a branch build (reads and writes only its own scope and main's name).
  return { ref, defaultBranch: typeof defaultBranch === 'string' ? defaultBranch : 'main' };
}

/** The GitHub context of the run and metadata-action's computation for it. */
export async function computeRunMetadata(
  config: MetaConfig,
  environment: BuildEnvironment,
  payload: EventPayload | undefined,
  /** git in the workspace (undefined without one): the commit's date. */
  git: Git | undefined,
  options: Pick<MetaOptions, 'inputNames'>,
): Promise<Metadata> {
  const { github, sourceDateEpoch } = environment;
  const sha = github.GITHUB_SHA;
  const commitDate = sha && git ? await git.commitDate(sha) : undefined;
  const context = contextFromEnv(github, payload ?? {}, { commitDate });
  return computeMetadata(config, context, repoFromPayload(payload ?? {}, github), {
    // With SOURCE_DATE_EPOCH the created label/annotation is that time, as BuildKit does, so a
    // rebuild of the same commit carries the same metadata.
    now: sourceDateEpoch === undefined ? undefined : new Date(sourceDateEpoch * 1000),
    shortShaLength: environment.shortShaLength,
    annotationLevels: environment.annotationLevels,
    inputNames: options.inputNames,
  });
}
