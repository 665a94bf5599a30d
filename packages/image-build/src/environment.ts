// Only action-kit: the action reads its environment with these before the build code loads (start-up, #17).
import { ConfigurationError } from '@deliverkit/action-kit';

/** The variables of a GitHub run the build reads, by name: the metadata context, the cache scope and provenance. */
export const GITHUB_VARIABLES = [
  'GITHUB_EVENT_NAME',
  'GITHUB_REF',
  'GITHUB_SHA',
  'GITHUB_REPOSITORY',
  'GITHUB_REPOSITORY_ID',
  'GITHUB_REPOSITORY_OWNER_ID',
  'GITHUB_SERVER_URL',
  'GITHUB_WORKFLOW_REF',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_ATTEMPT',
  'RUNNER_ENVIRONMENT',
  'DOCKER_METADATA_PR_HEAD_SHA',
] as const;
export type GitHubVariable = (typeof GITHUB_VARIABLES)[number];

/** Where and for what the build runs: explicit values the caller read from its environment. */
export interface BuildEnvironment {
  /** The run's GitHub variables (unset ones absent). */
  github: Partial<Record<GitHubVariable, string>>;
  /** GITHUB_EVENT_PATH: the event payload. */
  eventPath?: string;
  /** GITHUB_WORKSPACE: the checkout the commit date is read from. */
  workspace?: string;
  /** Scratch space for the build and where the provenance statement is written (RUNNER_TEMP). */
  tempDir: string;
  /** The docker config directory (DOCKER_CONFIG): buildah reads docker/login-action's credentials from it. */
  dockerConfigDir: string;
  /** SOURCE_DATE_EPOCH, parsed. */
  sourceDateEpoch?: number;
  /** DOCKER_METADATA_SHORT_SHA_LENGTH, parsed. */
  shortShaLength?: number;
  /** DOCKER_METADATA_ANNOTATIONS_LEVELS, split. */
  annotationLevels: string[];
}

/** Reads SOURCE_DATE_EPOCH (whole seconds since 1970); undefined when unset or empty. */
export function parseSourceDateEpoch(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) {
    throw new ConfigurationError(
      'INVALID_CONFIGURATION',
      `SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw.trim());
}
