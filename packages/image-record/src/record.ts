/**
 * The image record: the one hand-off between deliverkit's actions and reusable workflows. multiarch-build writes
 * it; sbom, cosign-sign and multi-registry-push read it (the `image-record` input), add their part, and write it
 * again (the `image-record` output). Its published JSON Schema is `schemas/image-record.schema.json`; the
 * validator in `validate.generated.ts` is generated from that file (scripts/image-record-schema.mjs), so the type
 * below, the schema and what readers accept cannot drift apart without a failing unit test.
 */
import { validate as generated } from './validate.generated.js';

/** The shape of an Ajv standalone validator (the generated file is not type-checked). */
const validate = generated as unknown as ((value: unknown) => boolean) & { errors?: SchemaError[] | null };

export const IMAGE_RECORD_SCHEMA_VERSION = 1;

/** GitHub refuses a job output over 1 MB; the record keeps a margin for the other outputs of its step. */
export const IMAGE_RECORD_MAX_BYTES = 900_000;

/** `os/arch[/variant]`, as the OCI index names it. */
export type PlatformKey = string;
/** `registry/repository`, no tag or digest. */
export type RepositoryName = string;

export type SbomFormat = 'spdx-json' | 'cyclonedx-json';

export interface PlatformRecord {
  digest: string;
  /** SBOM file per format, relative to the workspace or inside `sbom.artifact`. */
  sboms?: Partial<Record<SbomFormat, string>>;
}

export interface SignatureIdentity {
  subjectAlternativeName?: string;
  issuer?: string;
  publicKeyHint?: string;
}

export interface SignedManifestRecord {
  digest: string;
  mediaType?: string;
  platform?: PlatformKey;
  bundles: { referrerDigest: string; predicateType: string }[];
  legacySignatureTag?: string;
  legacyAttestationTag?: string;
}

export interface DestinationRecord {
  digest: string;
  tags: string[];
  /** `name@digest`, then `name:tag` per tag. */
  references?: string[];
  status: 'pushed' | 'copied' | 'unchanged' | 'planned' | 'failed';
  error?: string;
  blobs?: { uploaded: number; mounted: number; skipped: number };
  manifests?: { pushed: number; skipped: number };
  bytesUploaded?: number;
  referrers?: number;
  referrersCopied?: number;
  durationMs?: number;
}

export interface ImageRecord {
  schemaVersion: typeof IMAGE_RECORD_SCHEMA_VERSION;
  /** The repository the image was built into or first read from. */
  name: RepositoryName;
  /** Index digest of a multi-platform image, else its manifest digest. */
  digest: string;
  mediaType?: string;
  tags?: string[];
  platforms?: Record<PlatformKey, PlatformRecord>;
  build?: {
    builder: 'buildx' | 'buildah' | 'none';
    mode?: 'multi' | 'single' | 'merge';
    source?: string;
    provenance?: string;
  };
  sbom?: { engine: 'native' | 'syft'; artifact?: string };
  signatures?: {
    format: 'bundle' | 'legacy' | 'both';
    dryRun: boolean;
    identity?: SignatureIdentity;
    manifests: SignedManifestRecord[];
  };
  verification?: {
    verified: true;
    signers: string[];
    attestations: string[];
    manifests: { digest: string; platform?: PlatformKey; predicateTypes: string[] }[];
    rejected?: number;
  };
  destinations?: Record<RepositoryName, DestinationRecord>;
  /** Fields left out so the record stays under IMAGE_RECORD_MAX_BYTES. */
  omitted?: string[];
}

export type ImageRecordErrorCode =
  'RECORD_INVALID' | 'RECORD_VERSION' | 'RECORD_MISMATCH' | 'RECORD_TOO_LARGE';

/** What is wrong with a record, naming the field (`platforms["linux/amd64"].digest`) when there is one. */
export class ImageRecordError extends Error {
  readonly code: ImageRecordErrorCode;
  readonly field?: string;

  constructor(code: ImageRecordErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ImageRecordError';
    this.code = code;
    if (field !== undefined) this.field = field;
  }
}

/** The most a reader accepts before parsing: a record is bounded well below this by the schema's limits. */
const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** Parses and validates a record given as JSON text. Throws ImageRecordError naming the wrong field. */
export function parseImageRecord(text: string): ImageRecord {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES)
    throw new ImageRecordError('RECORD_TOO_LARGE', `the record is over ${MAX_INPUT_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ImageRecordError('RECORD_INVALID', `not JSON (${(e as Error).message})`);
  }
  return checkImageRecord(value);
}

/** Validates a parsed record against the schema. */
export function checkImageRecord(value: unknown): ImageRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ImageRecordError('RECORD_INVALID', 'expected a JSON object');
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version === undefined)
    throw new ImageRecordError(
      'RECORD_VERSION',
      `schemaVersion is missing (this version reads schemaVersion ${IMAGE_RECORD_SCHEMA_VERSION}; pass the \`image-record\` output of a deliverkit action)`,
      'schemaVersion',
    );
  if (version !== IMAGE_RECORD_SCHEMA_VERSION)
    throw new ImageRecordError(
      'RECORD_VERSION',
      `schemaVersion ${JSON.stringify(version)} is not one this version reads (${IMAGE_RECORD_SCHEMA_VERSION}); use the same deliverkit release for every step`,
      'schemaVersion',
    );
  if (!validate(value)) {
    const error = validate.errors?.[0];
    throw describe(error);
  }
  return value as ImageRecord;
}

interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  propertyName?: string;
}

/** `/platforms/linux~1amd64/digest` → `platforms["linux/amd64"].digest`. */
export function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out || '(the record)';
}

function describe(error: SchemaError | undefined): ImageRecordError {
  if (!error) return new ImageRecordError('RECORD_INVALID', 'does not match the image-record schema');
  const { keyword, params } = error;
  if (keyword === 'required') {
    const field = fieldName(error.instancePath, String(params.missingProperty));
    return new ImageRecordError('RECORD_INVALID', `${field} is missing`, field);
  }
  if (keyword === 'additionalProperties') {
    const field = fieldName(error.instancePath, String(params.additionalProperty));
    return new ImageRecordError('RECORD_INVALID', `${field} is not a field of the image record`, field);
  }
  // Ajv reports a key refused by `propertyNames` as the inner keyword's error with `propertyName` beside it.
  const key = error.propertyName ?? (keyword === 'propertyNames' ? params.propertyName : undefined);
  if (key !== undefined) {
    const field = fieldName(error.instancePath, String(key));
    return new ImageRecordError('RECORD_INVALID', `${field}: the key is not valid here`, field);
  }
  const field = fieldName(error.instancePath);
  const what =
    keyword === 'pattern' && /digest/i.test(field)
      ? 'must be a sha256 digest (sha256:<64 hex>)'
      : keyword === 'pattern'
        ? `is not valid (${error.message ?? 'pattern'})`
        : (error.message ?? keyword);
  return new ImageRecordError('RECORD_INVALID', `${field} ${what}`, field);
}

/**
 * Refuses a record about another image than the one the step works on: signing or pushing one digest while the
 * record hands on another is the kind of mistake that ships the wrong thing quietly.
 */
export function assertRecordDigest(record: ImageRecord, digest: string): void {
  if (record.digest !== digest)
    throw new ImageRecordError(
      'RECORD_MISMATCH',
      `digest is ${record.digest}, but this step works on ${digest}`,
      'digest',
    );
}

/**
 * The detail a writer drops, in this order, when a record would be over the limit: what the next step can find
 * again from the registry or the step's log, never the image's identity, platforms or destinations' digests.
 */
const DROPPABLE: { field: string; drop: (r: ImageRecord) => boolean }[] = [
  {
    field: 'destinations.*.references',
    drop: (r) => forEachDestination(r, (d) => delete d.references),
  },
  {
    field: 'verification.manifests',
    drop: (r) => !!r.verification && ((r.verification.manifests = []), true),
  },
  {
    field: 'signatures.manifests.*.bundles',
    drop: (r) => !!r.signatures && (r.signatures.manifests.forEach((m) => (m.bundles = [])), true),
  },
  { field: 'destinations.*.tags', drop: (r) => forEachDestination(r, (d) => (d.tags = [])) },
  { field: 'tags', drop: (r) => !!r.tags && (delete r.tags, true) },
  {
    field: 'platforms.*.sboms',
    drop: (r) => !!r.platforms && (Object.values(r.platforms).forEach((p) => delete p.sboms), true),
  },
];

function forEachDestination(r: ImageRecord, f: (d: DestinationRecord) => unknown): boolean {
  if (!r.destinations) return false;
  for (const d of Object.values(r.destinations)) f(d);
  return true;
}

/**
 * The record as a writer hands it on: validated (a writer's bug fails here, not in the next job), and under `maxBytes`
 * as JSON, dropping detail in a fixed order and naming it in `omitted`. Throws when even the bare record is over.
 * The record given is not changed.
 */
export function fitImageRecord(record: ImageRecord, maxBytes = IMAGE_RECORD_MAX_BYTES): ImageRecord {
  // Through JSON first: what is checked is exactly what the next step will read (no `undefined` fields), and a copy
  // of its own that the dropping below may change.
  const current = checkImageRecord(JSON.parse(JSON.stringify(record)));
  let size = Buffer.byteLength(JSON.stringify(current));
  if (size <= maxBytes) return current;
  const omitted = [...(current.omitted ?? [])];
  for (const { field, drop } of DROPPABLE) {
    if (!drop(current)) continue;
    omitted.push(field);
    current.omitted = omitted;
    size = Buffer.byteLength(JSON.stringify(current));
    if (size <= maxBytes) return current;
  }
  throw new ImageRecordError(
    'RECORD_TOO_LARGE',
    `the image record is ${size} bytes even without ${omitted.join(', ')}; GitHub refuses job outputs over 1 MB`,
  );
}

/** fitImageRecord as the JSON text of an output. */
export function formatImageRecord(record: ImageRecord, maxBytes = IMAGE_RECORD_MAX_BYTES): string {
  return JSON.stringify(fitImageRecord(record, maxBytes));
}
