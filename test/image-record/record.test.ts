import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ImageRecordError,
  assertRecordDigest,
  parseImageRecord,
  type ImageRecord,
} from '@deliverkit/image-record';
import { checkImageRecord, fieldName, formatImageRecord } from '../../packages/image-record/src/record';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schema = JSON.parse(readFileSync(path.join(root, 'schemas/image-record.schema.json'), 'utf8'));
const require = createRequire(path.join(root, 'packages/image-record/package.json'));
const Ajv2020 = require('ajv/dist/2020').default;
// The published schema, compiled at test time by Ajv itself: what the generated validator must agree with.
const ajvValidate = new Ajv2020({ strict: true }).compile(schema);

const d = (c: string) => `sha256:${c.repeat(64)}`;

function fullRecord(): ImageRecord {
  return {
    schemaVersion: 1,
    name: 'ghcr.io/acme/hello',
    digest: d('a'),
    mediaType: 'application/vnd.oci.image.index.v1+json',
    tags: ['main', 'sha-0123456'],
    platforms: {
      'linux/amd64': { digest: d('b'), sboms: { 'spdx-json': 'sbom/linux-amd64.spdx.json' } },
      'linux/arm64/v8': { digest: d('c'), sboms: { 'cyclonedx-json': 'sbom/linux-arm64.cdx.json' } },
    },
    build: { builder: 'buildx', mode: 'merge', source: `${d('b')},${d('c')}` },
    sbom: { engine: 'native', artifact: 'sbom-hello' },
    signatures: {
      format: 'bundle',
      dryRun: false,
      identity: {
        subjectAlternativeName:
          'https://github.com/acme/toolkit/.github/workflows/supply-chain.yml@refs/heads/main',
        issuer: 'https://token.actions.githubusercontent.com',
      },
      manifests: [
        {
          digest: d('a'),
          mediaType: 'application/vnd.oci.image.index.v1+json',
          bundles: [{ referrerDigest: d('d'), predicateType: 'https://slsa.dev/provenance/v1' }],
        },
        {
          digest: d('b'),
          platform: 'linux/amd64',
          bundles: [{ referrerDigest: d('e'), predicateType: 'https://spdx.dev/Document/v2.3' }],
          legacySignatureTag: `sha256-${'b'.repeat(64)}.sig`,
        },
      ],
    },
    verification: {
      verified: true,
      signers: ['https://github.com/acme/toolkit/.github/workflows/supply-chain.yml@refs/heads/main'],
      attestations: ['https://slsa.dev/provenance/v1'],
      manifests: [{ digest: d('a'), predicateTypes: ['https://slsa.dev/provenance/v1'] }],
      rejected: 0,
    },
    destinations: {
      'docker.io/acme/hello': {
        digest: d('a'),
        tags: ['main'],
        references: [`docker.io/acme/hello@${d('a')}`, 'docker.io/acme/hello:main'],
        status: 'copied',
        blobs: { uploaded: 3, mounted: 0, skipped: 1 },
        manifests: { pushed: 3, skipped: 0 },
        bytesUploaded: 1234,
        referrers: 2,
        referrersCopied: 2,
        durationMs: 812,
      },
      'localhost:5000/acme/hello': { digest: d('a'), tags: [], status: 'failed', error: 'unauthorized' },
    },
  };
}

function errorOf(f: () => unknown): ImageRecordError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ImageRecordError);
    return e as ImageRecordError;
  }
  throw new Error('expected an ImageRecordError');
}

describe('image record', () => {
  it('the committed validator is what the published schema generates', () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/image-record-schema.mjs'), '--check'], {
      stdio: 'pipe',
    });
  });

  it('accepts a full record and a minimal one, as Ajv does with the published schema', () => {
    for (const record of [fullRecord(), { schemaVersion: 1, name: 'localhost:5000/x', digest: d('f') }]) {
      expect(ajvValidate(record)).toBe(true);
      expect(checkImageRecord(record)).toEqual(record);
      expect(parseImageRecord(JSON.stringify(record))).toEqual(record);
    }
  });

  it.each([
    [
      'a platform digest',
      (r: ImageRecord) => (r.platforms!['linux/amd64']!.digest = 'sha256:nothex'),
      'platforms["linux/amd64"].digest',
      /must be a sha256 digest/,
    ],
    [
      'an unknown field',
      (r: ImageRecord) => Object.assign(r, { signature: {} }),
      'signature',
      /not a field of the image record/,
    ],
    [
      'a missing name',
      (r: ImageRecord) => delete (r as Partial<ImageRecord>).name,
      'name',
      /name is missing/,
    ],
    [
      'a bundle without its predicate type',
      (r: ImageRecord) =>
        delete (r.signatures!.manifests[0]!.bundles[0] as Partial<{ predicateType: string }>).predicateType,
      'signatures.manifests[0].bundles[0].predicateType',
      /is missing/,
    ],
    [
      'a destination status',
      (r: ImageRecord) => Object.assign(r.destinations!['docker.io/acme/hello']!, { status: 'done' }),
      'destinations["docker.io/acme/hello"].status',
      /must be equal to one of the allowed values/,
    ],
    [
      'a repository with a tag as a destination key',
      (r: ImageRecord) =>
        (r.destinations!['docker.io/acme/hello:main'] = { digest: d('a'), tags: [], status: 'pushed' }),
      'destinations["docker.io/acme/hello:main"]',
      /the key is not valid/,
    ],
    [
      'a platform key',
      (r: ImageRecord) => (r.platforms!['Linux AMD64'] = { digest: d('a') }),
      'platforms["Linux AMD64"]',
      /the key is not valid/,
    ],
  ])('names the field for %s, and Ajv refuses it too', (_what, mutate, field, message) => {
    const record = fullRecord();
    mutate(record);
    expect(ajvValidate(record)).toBe(false);
    const e = errorOf(() => checkImageRecord(record));
    expect(e.code).toBe('RECORD_INVALID');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
  });

  it('refuses a record without schemaVersion or of another version, saying which it reads', () => {
    const { schemaVersion: _v, ...old } = fullRecord();
    expect(errorOf(() => checkImageRecord(old)).message).toMatch(
      /schemaVersion is missing.*reads schemaVersion 1/,
    );
    const e = errorOf(() => checkImageRecord({ ...old, schemaVersion: 2 }));
    expect(e.code).toBe('RECORD_VERSION');
    expect(e.message).toMatch(/schemaVersion 2 is not one this version reads \(1\)/);
  });

  it('refuses text that is not a JSON object', () => {
    expect(errorOf(() => parseImageRecord('{"schemaVersion":')).message).toMatch(/not JSON/);
    expect(errorOf(() => parseImageRecord('[]')).message).toMatch(/expected a JSON object/);
  });

  it('refuses a record about another digest than the step works on', () => {
    const e = errorOf(() => assertRecordDigest(fullRecord(), d('9')));
    expect(e.code).toBe('RECORD_MISMATCH');
    expect(e.field).toBe('digest');
    assertRecordDigest(fullRecord(), d('a'));
  });

  it('turns JSON pointer paths into field names', () => {
    expect(fieldName('')).toBe('(the record)');
    expect(fieldName('/signatures/manifests/0/digest')).toBe('signatures.manifests[0].digest');
    expect(fieldName('/platforms/linux~1arm64~1v8', 'sboms')).toBe('platforms["linux/arm64/v8"].sboms');
  });

  it('stays under the output limit by dropping detail in order and naming it in `omitted`', () => {
    const record = fullRecord();
    const big = `${'x'.repeat(4000)}`;
    record.destinations!['docker.io/acme/hello']!.references = Array.from({ length: 200 }, () => big);
    const text = formatImageRecord(record, 20_000);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(20_000);
    const out = parseImageRecord(text);
    expect(out.omitted).toEqual(['destinations.*.references']);
    expect(out.destinations!['docker.io/acme/hello']!.digest).toBe(d('a'));
    expect(out.platforms).toEqual(record.platforms);
    // The record given is not changed.
    expect(record.destinations!['docker.io/acme/hello']!.references).toHaveLength(200);
    // Under the limit: returned as is.
    expect(JSON.parse(formatImageRecord(fullRecord()))).toEqual(fullRecord());
  });

  it('fails, naming what it dropped, when even the bare record is over the limit', () => {
    const e = errorOf(() => formatImageRecord(fullRecord(), 200));
    expect(e.code).toBe('RECORD_TOO_LARGE');
    expect(e.message).toMatch(/even without destinations\.\*\.references, .*platforms\.\*\.sboms/);
  });

  it('refuses to write a record its own schema refuses (a writer bug fails in the writer)', () => {
    const record = fullRecord();
    (record as { digest: string }).digest = 'latest';
    expect(errorOf(() => formatImageRecord(record)).field).toBe('digest');
  });
});
