import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'vitest';
import type { ImageRecord } from '@deliverkit/image-record';
import { repoRoot } from '@deliverkit/testing-testbed';

const require = createRequire(path.join(repoRoot, 'packages/image-record/package.json'));
const Ajv2020 = require('ajv/dist/2020').default;
// The published schema compiled by Ajv itself, not the generated validator the actions carry: what a consumer of
// schemas/image-record.schema.json would check.
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(
  JSON.parse(readFileSync(path.join(repoRoot, 'schemas/image-record.schema.json'), 'utf8')),
);

/** Parses an `image-record` output and fails the test, with Ajv's errors, unless the published schema accepts it. */
export function expectImageRecord(text: string | undefined): ImageRecord {
  expect(text, 'the step wrote no image-record output').toBeTruthy();
  const record = JSON.parse(text!) as unknown;
  const ok = validate(record) as boolean;
  expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
  return record as ImageRecord;
}
