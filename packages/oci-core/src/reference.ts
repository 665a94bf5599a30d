import { OciCoreError } from './errors';

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

// The distribution reference grammar (distribution/reference/regexp.go), anchored piecewise so that
// errors can say which part is wrong.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const HEX_LENGTHS: Record<string, number> = { sha256: 64, sha512: 128 };
const MAX_NAME_LENGTH = 255;

/**
 * A parsed, normalised image reference. `registry` is the canonical registry name (`docker.io` for
 * Docker Hub); `apiHost` is where its API lives (`registry-1.docker.io`).
 */
export class ImageReference {
  constructor(
    readonly registry: string,
    readonly repository: string,
    readonly tag?: string,
    readonly digest?: string,
  ) {}

  /** Host to send API requests to. */
  get apiHost(): string {
    return this.registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : this.registry;
  }

  /** `registry/repository`, the fully qualified name without tag or digest. */
  get name(): string {
    return `${this.registry}/${this.repository}`;
  }

  /** What a manifest request addresses: the digest when there is one, else the tag, else `latest`. */
  get reference(): string {
    return this.digest ?? this.tag ?? 'latest';
  }

  withTag(tag: string): ImageReference {
    return new ImageReference(this.registry, this.repository, tag, undefined);
  }

  withDigest(digest: string): ImageReference {
    return new ImageReference(this.registry, this.repository, undefined, digest);
  }

  toString(): string {
    return `${this.name}${this.tag ? `:${this.tag}` : ''}${this.digest ? `@${this.digest}` : ''}`;
  }
}

export interface ParseReferenceOptions {
  /** Where the value came from (an action input, a Dockerfile line), named by the error. */
  input?: string;
  /** Reject references that have neither tag nor digest instead of defaulting to `latest`. */
  requireTagOrDigest?: boolean;
}

/**
 * Parses and normalises an image reference the way Docker does: `nginx` → `docker.io/library/nginx`,
 * `index.docker.io/x` → `docker.io/library/x`, `localhost:5000/a:1`, `name:tag@digest`. A first path
 * component is a registry when it contains `.` or `:`, is `localhost`, or has upper-case letters.
 */
export function parseReference(value: string, options: ParseReferenceOptions = {}): ImageReference {
  const input = options.input ?? 'reference';
  const fail = (why: string): never => {
    throw new OciCoreError(
      'INVALID_REFERENCE',
      `Invalid image reference "${value}" in ${input}: ${why}`,
      input,
    );
  };
  const text = value.trim();
  if (!text) fail('it is empty');
  if (/\s/.test(text)) fail('it contains whitespace');
  if (text.includes('://')) fail('drop the URL scheme (write host/repository:tag)');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem) fail(problem);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) fail(`tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  if (!rest) fail('the repository name is missing');

  let registry: string;
  let path: string;
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (
    slash >= 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())
  ) {
    registry = first;
    path = rest.slice(slash + 1);
    if (!DOMAIN_RE.test(registry)) fail(`"${registry}" is not a valid registry host`);
  } else {
    registry = DOCKER_HUB;
    path = rest;
  }
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API_HOST) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;

  if (!path) fail('the repository name is missing');
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT_RE.test(component)) {
      if (component.toLowerCase() !== component) fail('the repository name must be lowercase');
      fail(`path component "${component}" must match [a-z0-9]+ separated by ".", "_", "__" or "-"`);
    }
  }
  if (`${registry}/${path}`.length > MAX_NAME_LENGTH)
    fail(`the name is longer than ${MAX_NAME_LENGTH} characters`);
  if (options.requireTagOrDigest && !tag && !digest) fail('give a tag or a digest');
  return new ImageReference(registry, path, tag, digest);
}

/** Validates `algorithm:encoded` per the OCI image spec; sha256 and sha512 must be lowercase hex of full length. */
export function isValidDigest(digest: string): boolean {
  return digestProblem(digest) === undefined;
}

function digestProblem(digest: string): string | undefined {
  if (!DIGEST_RE.test(digest)) return `digest "${digest}" is not of the form algorithm:hex`;
  const [algorithm, encoded] = digest.split(':') as [string, string];
  const length = HEX_LENGTHS[algorithm];
  if (length === undefined) return `digest algorithm "${algorithm}" is not supported (use sha256 or sha512)`;
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) {
    return `digest "${digest}" must have ${length} lowercase hex characters`;
  }
  return undefined;
}
