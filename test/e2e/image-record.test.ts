import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageRecord } from '@deliverkit/image-record';
import { generateCosignKeyPair } from '../sign/key-pair';
import {
  ensureTestbed,
  pushBaseImage,
  runAction,
  startRegistry,
  stopAll,
  type BaseImage,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { expectImageRecord } from '../support/image-record';

// One record handed from step to step, as the reusable workflows do: build → sbom → cosign-sign → multi-registry-push,
// each bundled action reading the previous one's `image-record` output and adding its part.

let registry: RegistryHandle;
let mirror: RegistryHandle;
let base: BaseImage;
let scratch: string;
let buildRecord: ImageRecord;
const name = () => `${registry.host}/acme/app`;

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'image-record-e2e-'));
  registry = await startRegistry('plain');
  mirror = await startRegistry('plain');
  base = await pushBaseImage(registry, 'acme/app', 'v1');
  // What multiarch-build writes for this push (its own e2e tests check that it does).
  buildRecord = {
    schemaVersion: 1,
    name: name(),
    digest: base.indexDigest,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    tags: ['v1'],
    platforms: Object.fromEntries(base.platforms.map((p) => [p.platform, { digest: p.digest }])),
    build: { builder: 'buildah', mode: 'multi', source: '.' },
    destinations: {
      [name()]: {
        digest: base.indexDigest,
        tags: ['v1'],
        references: [`${name()}@${base.indexDigest}`, `${name()}:v1`],
        status: 'pushed',
      },
    },
  };
});

afterAll(async () => {
  await stopAll();
  await rm(scratch, { recursive: true, force: true });
});

describe('the image record through sbom → cosign-sign → multi-registry-push (bundled dist)', () => {
  it('each step keeps what the earlier ones wrote and adds its part, valid against the published schema', async () => {
    const ref = `${name()}@${base.indexDigest}`;
    const sbom = await runAction('sbom', {
      image: ref,
      'output-dir': path.join(scratch, 'sbom'),
      'upload-artifact': 'false',
      'image-record': JSON.stringify(buildRecord),
    });
    expect(sbom.exitCode, sbom.stdout + sbom.stderr).toBe(0);
    const afterSbom = expectImageRecord(sbom.outputs['image-record']);
    expect(afterSbom).toMatchObject({ ...buildRecord, platforms: expect.any(Object) });
    expect(afterSbom.sbom).toEqual({ engine: 'native' });
    for (const p of base.platforms) {
      expect(afterSbom.platforms![p.platform]!.digest).toBe(p.digest);
      expect(afterSbom.platforms![p.platform]!.sboms!['spdx-json']).toMatch(/\.spdx\.json$/);
      expect(afterSbom.platforms![p.platform]!.sboms!['cyclonedx-json']).toMatch(/\.cdx\.json$/);
    }

    const pair = await generateCosignKeyPair('record-pass-1');
    const signed = await runAction('cosign-sign', {
      image: ref,
      key: pair.privateKeyPem,
      'key-password': 'record-pass-1',
      sigstore: 'none',
      'image-record': sbom.outputs['image-record'],
    });
    expect(signed.exitCode, signed.stdout + signed.stderr).toBe(0);
    const afterSign = expectImageRecord(signed.outputs['image-record']);
    expect(afterSign).toMatchObject(afterSbom);
    expect(afterSign.signatures!.format).toBe('bundle');
    expect(afterSign.signatures!.manifests.map((m) => m.digest)).toContain(base.indexDigest);
    expect(afterSign.signatures!.manifests[0]!.bundles[0]!.referrerDigest).toMatch(/^sha256:/);

    const pushed = await runAction('multi-registry-push', {
      source: ref,
      destinations: `${mirror.host}/mirror/app:v1`,
      'image-record': signed.outputs['image-record'],
    });
    expect(pushed.exitCode, pushed.stdout + pushed.stderr).toBe(0);
    const afterPush = expectImageRecord(pushed.outputs['image-record']);
    expect(afterPush).toMatchObject({ ...afterSign, destinations: expect.any(Object) });
    expect(Object.keys(afterPush.destinations!)).toEqual([name(), `${mirror.host}/mirror/app`]);
    expect(afterPush.destinations![`${mirror.host}/mirror/app`]).toMatchObject({
      digest: base.indexDigest,
      tags: ['v1'],
      status: 'copied',
      referrersCopied: 1,
    });
    // The whole record rides in the `json` output too, the same object.
    expect(JSON.parse(pushed.outputs.json!)['image-record']).toEqual(afterPush);
  });

  const other = `sha256:${'0'.repeat(64)}`;
  const wrongRecords: [string, (r: ImageRecord) => void, RegExp][] = [
    [
      'about another digest',
      (r) => (r.digest = other),
      /Input "image-record": digest is sha256:0{64}, but this step works on sha256:/,
    ],
    [
      'with a malformed platform digest',
      (r) => (r.platforms!['linux/amd64']!.digest = 'sha256:xyz'),
      /Input "image-record": platforms\["linux\/amd64"\]\.digest must be a sha256 digest/,
    ],
    [
      'of another schema version',
      (r) => Object.assign(r, { schemaVersion: 2 }),
      /Input "image-record": schemaVersion 2 is not one this version reads \(1\)/,
    ],
  ];
  const readers: [string, (record: string) => Record<string, string>][] = [
    [
      'sbom',
      (record) => ({
        image: `${name()}@${base.indexDigest}`,
        'upload-artifact': 'false',
        'image-record': record,
      }),
    ],
    [
      'cosign-sign',
      (record) => ({
        image: `${name()}@${base.indexDigest}`,
        sigstore: 'none',
        keyless: 'true',
        'image-record': record,
      }),
    ],
    [
      'multi-registry-push',
      (record) => ({
        source: `${name()}@${base.indexDigest}`,
        destinations: `${mirror.host}/never/app:v1`,
        'image-record': record,
      }),
    ],
  ];
  for (const [action, inputs] of readers)
    for (const [what, mutate, message] of wrongRecords)
      it(`${action} refuses a record ${what}, naming the input and the field, and writes nothing`, async () => {
        const record = structuredClone(buildRecord);
        mutate(record);
        const run = await runAction(action, {
          ...inputs(JSON.stringify(record)),
          'output-dir': path.join(scratch, `never-${action}`),
        });
        expect(run.exitCode).not.toBe(0);
        expect(run.stdout + run.stderr).toMatch(message);
        expect(run.outputs['image-record']).toBeUndefined();
      });

  it('multi-registry-push wrote nothing for the refused records', async () => {
    const res = await fetch(`http://${mirror.host}/v2/never/app/tags/list`);
    expect(res.status).toBe(404);
  });
});
