import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ImageCatalog } from '../../packages/sbom/src/types';
import { catalogImage } from '../../packages/sbom/src/catalog';
import { renderSbom } from '../../packages/sbom/src/render';
import { rpmSqliteSupported } from '../../packages/sbom/src/catalogers/rpm';
import { toCycloneDx } from '../../packages/sbom/src/writers/cyclonedx';
import { toSpdx } from '../../packages/sbom/src/writers/spdx';
import { BASH, KEY, OPENSSL, rpmdb, ubiRelease } from './rpm-fixture';
import { FIXTURES, memorySource, requireFromSbom, tarLayer } from './helpers';
import { springBootJar } from './java-fixture';
import { alpineSource, debianAppSource } from './image-fixture';

type AjvCtor = new (o: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};
const Ajv = requireFromSbom('ajv').default as AjvCtor;
const addFormats = requireFromSbom('ajv-formats').default as (ajv: unknown) => void;

function spdxValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(FIXTURES, 'spdx-2.3', 'spdx-schema.json'), 'utf8')));
}

/** The CycloneDX library's own strict JSON validator: the official 1.6 schema it ships, offline. */
async function validateCycloneDx(json: string): Promise<unknown> {
  const { Validation } = requireFromSbom('@cyclonedx/cyclonedx-library');
  const { Version } = requireFromSbom('@cyclonedx/cyclonedx-library/Spec');
  return new Validation.JsonStrictValidator(Version.v1dot6).validate(json);
}

let debian: ImageCatalog;
let alpine: ImageCatalog;
let java: ImageCatalog;
/** rpm packages where node:sqlite can read them (Node ≥ 22.13). */
let ubi: ImageCatalog[] = [];
beforeAll(async () => {
  if (rpmSqliteSupported()) {
    ubi = [
      await catalogImage(
        memorySource(
          [
            tarLayer({
              'etc/os-release': ubiRelease,
              'var/lib/rpm/rpmdb.sqlite': rpmdb([BASH, OPENSSL, KEY]),
            }),
          ],
          { name: 'localhost:5000/acme/ubi' },
        ),
      ),
    ];
  }
  debian = await catalogImage(debianAppSource());
  alpine = await catalogImage(alpineSource());
  java = await catalogImage(
    memorySource([tarLayer({ 'app/app.jar': springBootJar() })], { name: 'localhost:5000/acme/java' }),
  );
});

describe('SPDX 2.3 writer', () => {
  it('writes documents valid against the official SPDX 2.3 schema', () => {
    const validate = spdxValidator();
    for (const c of [debian, alpine, java, ...ubi]) {
      const doc = JSON.parse(toSpdx(c));
      const ok = validate(doc);
      expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
      expect(ok).toBe(true);
    }
    expect(
      validate({ ...JSON.parse(toSpdx(alpine)), spdxVersion: undefined, packages: [{ name: 'x' }] }),
    ).toBe(false);
  });

  it('describes the image as a CONTAINER with its pkg:oci purl, containing every package', () => {
    const doc = JSON.parse(toSpdx(debian));
    const image = doc.packages[0];
    expect(image.primaryPackagePurpose).toBe('CONTAINER');
    expect(image.externalRefs[0].referenceLocator).toBe(
      `pkg:oci/app@${debian.subject.digest}?arch=amd64&repository_url=localhost%3A5000%2Facme%2Fapp`,
    );
    expect(doc.relationships[0]).toEqual({
      spdxElementId: 'SPDXRef-DOCUMENT',
      relationshipType: 'DESCRIBES',
      relatedSpdxElement: image.SPDXID,
    });
    const contained = doc.relationships.filter(
      (r: { relationshipType: string }) => r.relationshipType === 'CONTAINS',
    );
    expect(contained).toHaveLength(debian.packages.length + 1); // + the operating system
    const ids = new Set(doc.packages.map((p: { SPDXID: string }) => p.SPDXID));
    for (const r of doc.relationships)
      expect(ids.has(r.relatedSpdxElement) || r.relatedSpdxElement === 'SPDXRef-DOCUMENT').toBe(true);
    expect(doc.dataLicense).toBe('CC0-1.0');
    expect(doc.creationInfo.created).toBe('2024-05-01T12:00:00Z');
  });

  it('defines a LicenseRef for every declared license without an SPDX id', () => {
    const doc = JSON.parse(toSpdx(debian));
    const tz = doc.packages.find((p: { name: string }) => p.name === 'tzdata');
    expect(tz.licenseDeclared).toMatch(/^LicenseRef-public-domain-[0-9a-f]{8}$/);
    expect(doc.hasExtractedLicensingInfos.map((l: { licenseId: string }) => l.licenseId)).toContain(
      tz.licenseDeclared,
    );
    const zlib = doc.packages.find((p: { name: string }) => p.name === 'zlib1g');
    expect(zlib.licenseDeclared).toBe('Zlib');
  });
});

describe('CycloneDX 1.6 writer', () => {
  it('writes documents the CycloneDX library validates against the 1.6 schema', async () => {
    for (const c of [debian, alpine, java, ...ubi])
      expect(await validateCycloneDx(toCycloneDx(c))).toBeNull();
    const lang3 = JSON.parse(toCycloneDx(java)).components.find(
      (x: { name: string }) => x.name === 'commons-lang3',
    );
    expect(lang3).toMatchObject({
      group: 'org.apache.commons',
      version: '3.14.0',
      purl: 'pkg:maven/org.apache.commons/commons-lang3@3.14.0',
    });
    // The validator is not a rubber stamp: a wrong component type fails it.
    const broken = JSON.parse(toCycloneDx(alpine));
    broken.metadata.component.type = 'banana';
    expect(await validateCycloneDx(JSON.stringify(broken))).not.toBeNull();
  });

  it('puts the image in metadata.component as a container and records the dependency graph', () => {
    const bom = JSON.parse(toCycloneDx(debian));
    expect(bom.specVersion).toBe('1.6');
    expect(bom.metadata.component).toMatchObject({ type: 'container', name: 'localhost:5000/acme/app' });
    expect(bom.metadata.component.purl).toMatch(
      /^pkg:oci\/app@sha256:[0-9a-f]{64}\?arch=amd64&repository_url=/,
    );
    const util = bom.components.find(
      (c: { name: string; group?: string }) => c.group === '@scope' && c.name === 'util',
    );
    const dep = bom.dependencies.find((d: { ref: string }) => d.ref === util['bom-ref']);
    expect(dep.dependsOn).toHaveLength(1);
    const props = Object.fromEntries(
      util.properties.map((p: { name: string; value: string }) => [p.name, p.value]),
    );
    expect(props['deliverkit:location:path']).toBe('/app/node_modules/@scope/util/package.json');
    expect(props['deliverkit:location:layer-digest']).toMatch(/^sha256:/);
    const ms = bom.components.find(
      (c: { name: string; version: string }) => c.name === 'ms' && c.version === '2.1.3',
    );
    expect(ms.hashes).toEqual([{ alg: 'SHA-512', content: expect.stringMatching(/^[0-9a-f]{128}$/) }]);
    expect(bom.components.find((c: { type: string }) => c.type === 'operating-system')).toMatchObject({
      name: 'debian',
      version: '12',
    });
  });
});

describe('deterministic output', () => {
  it('is byte-equal across two runs on the same image', async () => {
    const again = await catalogImage(debianAppSource());
    for (const format of ['spdx-json', 'cyclonedx-json'] as const) {
      expect(renderSbom(again, format)).toBe(renderSbom(debian, format));
    }
  });

  it('uses the requested time and seed when asked', () => {
    const a = JSON.parse(
      toSpdx(debian, { created: new Date('2030-01-02T03:04:05.678Z'), uniqueSeed: 'run-1' }),
    );
    const b = JSON.parse(toSpdx(debian, { uniqueSeed: 'run-2' }));
    expect(a.creationInfo.created).toBe('2030-01-02T03:04:05Z');
    expect(a.documentNamespace).not.toBe(b.documentNamespace);
  });
});
