/**
 * SLSA v1 provenance for a built image, as an unsigned in-toto Statement v1 — the same predicate
 * shape GitHub's own attestations use (buildType https://actions.github.io/buildtypes/workflow/v1),
 * for cosign-sign to sign and attach. Pure: the caller passes the environment and resolved digests.
 */
import { BuildError } from './errors';

export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const GITHUB_WORKFLOW_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';

export interface ResourceDescriptor {
  uri: string;
  digest: Record<string, string>;
  name?: string;
}

export interface ProvenanceStatement {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: typeof SLSA_PROVENANCE_V1;
  predicate: {
    buildDefinition: {
      buildType: string;
      externalParameters: Record<string, unknown>;
      internalParameters: Record<string, unknown>;
      resolvedDependencies: ResourceDescriptor[];
    };
    runDetails: {
      builder: { id: string; version?: Record<string, string> };
      metadata: { invocationId: string; startedOn?: string; finishedOn?: string };
    };
  };
}

export interface BaseImageDigest {
  /** The reference as written in the Dockerfile, e.g. `docker.io/library/alpine:3.20`. */
  reference: string;
  /** `sha256:…` of what it resolved to. */
  digest: string;
  /** The platform whose manifest `digest` is, when the base was resolved per platform. */
  platform?: string;
}

export interface ProvenanceInput {
  /** Image names (no tag) the digest was pushed to. */
  subjects: string[];
  /** The index (or image) digest, `sha256:…`. */
  digest: string;
  /** GITHUB_* variables. */
  env: Record<string, string | undefined>;
  /** What was built: platforms, Dockerfile, target, build args, backend. */
  build: {
    platforms: string[];
    file?: string;
    target?: string;
    buildArgs?: Record<string, string>;
    backend: string;
    backendVersion?: string;
  };
  baseImages?: BaseImageDigest[];
  startedOn?: Date;
  finishedOn?: Date;
}

function hexOf(digest: string): [string, string] {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex) throw new BuildError('DIGEST_INVALID', `not a digest: ${digest}`);
  return [algorithm, hex];
}

/**
 * `docker.io/library/alpine:3.20` → `pkg:docker/library/alpine@3.20?repository_url=docker.io`;
 * with a platform, BuildKit's `platform=linux%2Farm64` qualifier too (qualifiers sorted, as purl wants).
 */
export function dockerPurl(reference: string, platform?: string): string {
  const at = reference.indexOf('@');
  const base = at >= 0 ? reference.slice(0, at) : reference;
  const slash = base.indexOf('/');
  const first = slash >= 0 ? base.slice(0, slash) : '';
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker.io';
  let name = hasRegistry ? base.slice(slash + 1) : base;
  let version = '';
  const colon = name.lastIndexOf(':');
  if (colon > 0) {
    version = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  if (registry === 'docker.io' && !name.includes('/')) name = `library/${name}`;
  const qualifiers = `${platform ? `platform=${encodeURIComponent(platform)}&` : ''}repository_url=${encodeURIComponent(registry)}`;
  return `pkg:docker/${name}${version ? `@${version}` : ''}?${qualifiers}`;
}

export function buildProvenance(input: ProvenanceInput): ProvenanceStatement {
  const env = input.env;
  const server = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  // GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/build.yml@refs/heads/main
  const workflowRef = env['GITHUB_WORKFLOW_REF'] ?? '';
  const atRef = workflowRef.lastIndexOf('@');
  const workflowPath = atRef > 0 ? workflowRef.slice(repository.length + 1, atRef) : '';
  const ref = env['GITHUB_REF'] ?? '';
  const [algorithm, hex] = hexOf(input.digest);
  const resolvedDependencies: ResourceDescriptor[] = [];
  if (repository && env['GITHUB_SHA']) {
    resolvedDependencies.push({
      uri: `git+${server}/${repository}@${ref}`,
      digest: { gitCommit: env['GITHUB_SHA'] },
    });
  }
  for (const base of input.baseImages ?? []) {
    const [a, h] = hexOf(base.digest);
    resolvedDependencies.push({
      uri: dockerPurl(base.reference, base.platform),
      digest: { [a]: h },
      name: base.reference,
    });
  }
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [...new Set(input.subjects)].map((name) => ({ name, digest: { [algorithm]: hex } })),
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: GITHUB_WORKFLOW_BUILD_TYPE,
        externalParameters: {
          workflow: { ref, repository: `${server}/${repository}`, path: workflowPath },
        },
        internalParameters: {
          github: {
            event_name: env['GITHUB_EVENT_NAME'] ?? '',
            repository_id: env['GITHUB_REPOSITORY_ID'] ?? '',
            repository_owner_id: env['GITHUB_REPOSITORY_OWNER_ID'] ?? '',
            runner_environment: env['RUNNER_ENVIRONMENT'] ?? '',
          },
          build: {
            backend: input.build.backend,
            ...(input.build.backendVersion ? { backendVersion: input.build.backendVersion } : {}),
            platforms: input.build.platforms,
            ...(input.build.file ? { file: input.build.file } : {}),
            ...(input.build.target ? { target: input.build.target } : {}),
            buildArgs: input.build.buildArgs ?? {},
          },
        },
        resolvedDependencies,
      },
      runDetails: {
        builder: { id: `${server}/${workflowRef}` },
        metadata: {
          invocationId: `${server}/${repository}/actions/runs/${env['GITHUB_RUN_ID'] ?? ''}/attempts/${env['GITHUB_RUN_ATTEMPT'] ?? '1'}`,
          ...(input.startedOn ? { startedOn: input.startedOn.toISOString() } : {}),
          ...(input.finishedOn ? { finishedOn: input.finishedOn.toISOString() } : {}),
        },
      },
    },
  };
}
