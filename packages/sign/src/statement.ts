import { isValidDigest } from '@deliverkit/oci-core';
import { SignError } from './errors';

export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** What `cosign sign` (v3 / bundle format) signs: an empty predicate of this type. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const SPDX_PREDICATE = 'https://spdx.dev/Document';
export const CYCLONEDX_PREDICATE = 'https://cyclonedx.org/bom';
export const SLSA_PROVENANCE_V1_PREDICATE = 'https://slsa.dev/provenance/v1';

/** actions/attest's limit; cosign has none, but registries and Rekor reject far smaller bodies. */
export const MAX_PREDICATE_BYTES = 16 * 1024 * 1024;

export type AttestationType = 'spdx' | 'cyclonedx' | 'slsaprovenance1' | 'custom';

export const PREDICATE_TYPES: Record<Exclude<AttestationType, 'custom'>, string> = {
  spdx: SPDX_PREDICATE,
  cyclonedx: CYCLONEDX_PREDICATE,
  slsaprovenance1: SLSA_PROVENANCE_V1_PREDICATE,
};

export interface Subject {
  /** Repository name without tag or digest, e.g. `ghcr.io/acme/app`. */
  name: string;
  /** `sha256:<hex>` */
  digest: string;
}

export interface Statement {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: unknown;
}

export function buildStatement(subject: Subject, predicateType: string, predicate: unknown): Statement {
  const [algorithm, hex] = splitDigest(subject.digest);
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: subject.name, digest: { [algorithm]: hex } }],
    predicateType,
    predicate,
  };
}

/** The statement `cosign sign` writes for an image in the bundle format. */
export function buildSignatureStatement(subject: Subject): Statement {
  return buildStatement(subject, COSIGN_SIGN_PREDICATE, {});
}

/**
 * Checks a predicate document produced by another action (SBOM or provenance) before it is signed:
 * size limit, JSON object, and the shape its predicate type promises. Returns the parsed predicate.
 * When the file is already a full in-toto statement (as provenance generators write), its predicate
 * is taken and its predicateType must agree.
 */
export function parsePredicate(
  type: AttestationType,
  text: string,
  predicateType?: string,
): {
  predicateType: string;
  predicate: Record<string, unknown>;
} {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_PREDICATE_BYTES) {
    throw new SignError(
      'PREDICATE_TOO_LARGE',
      `${type} predicate is ${size} bytes; the limit is ${MAX_PREDICATE_BYTES} bytes (16 MiB)`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SignError('PREDICATE_INVALID', `${type} predicate is not valid JSON`, { cause: e });
  }
  if (!isObject(doc)) throw new SignError('PREDICATE_INVALID', `${type} predicate must be a JSON object`);

  const expectedType = type === 'custom' ? predicateType : PREDICATE_TYPES[type];
  if (!expectedType) throw new SignError('PREDICATE_INVALID', 'a custom attestation needs a predicate type');
  let predicate = doc;
  if (typeof doc._type === 'string' && doc._type.startsWith('https://in-toto.io/Statement/')) {
    if (doc.predicateType !== expectedType) {
      throw new SignError(
        'PREDICATE_INVALID',
        `${type} file is an in-toto statement of predicate type ${String(doc.predicateType)}, expected ${expectedType}`,
      );
    }
    if (!isObject(doc.predicate))
      throw new SignError('PREDICATE_INVALID', `${type} statement has no predicate`);
    predicate = doc.predicate;
  }
  checkShape(type, predicate);
  return { predicateType: expectedType, predicate };
}

function checkShape(type: AttestationType, p: Record<string, unknown>): void {
  const fail = (what: string) => {
    throw new SignError('PREDICATE_INVALID', `${type} predicate: ${what}`);
  };
  switch (type) {
    case 'spdx':
      if (typeof p.spdxVersion !== 'string' || !p.spdxVersion.startsWith('SPDX-'))
        fail('spdxVersion missing');
      if (p.SPDXID !== 'SPDXRef-DOCUMENT') fail('SPDXID must be SPDXRef-DOCUMENT');
      break;
    case 'cyclonedx':
      if (p.bomFormat !== 'CycloneDX') fail('bomFormat must be CycloneDX');
      if (typeof p.specVersion !== 'string') fail('specVersion missing');
      break;
    case 'slsaprovenance1':
      if (!isObject(p.buildDefinition) || typeof p.buildDefinition.buildType !== 'string') {
        fail('buildDefinition.buildType missing');
      }
      if (
        !isObject(p.runDetails) ||
        !isObject(p.runDetails.builder) ||
        typeof p.runDetails.builder.id !== 'string'
      ) {
        fail('runDetails.builder.id missing');
      }
      break;
    case 'custom':
      break;
  }
}

export function splitDigest(digest: string): [string, string] {
  if (!isValidDigest(digest)) throw new SignError('PREDICATE_INVALID', `not a digest: ${digest}`);
  return digest.split(':') as [string, string];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
