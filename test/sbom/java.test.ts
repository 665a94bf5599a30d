import { describe, expect, it } from 'vitest';
import { catalogImage } from '../../packages/sbom/src/catalog';
import { readJavaArchive } from '../../packages/sbom/src/catalogers/java';
import { memorySource, tarLayer } from './helpers';
import { springBootJar, zip } from './java-fixture';

describe('readJavaArchive', () => {
  it('lists a Spring Boot jar and the jars nested in it, from pom.properties, MANIFEST.MF or the file name', () => {
    const artifacts = readJavaArchive(springBootJar(), 'app.jar');
    expect(artifacts.map((a) => [a.archivePath, a.groupId, a.artifactId, a.version, a.source])).toEqual([
      ['app.jar', 'com.acme', 'demo', '1.0.0', 'pom.properties'],
      [
        'app.jar!/BOOT-INF/lib/commons-lang3-3.14.0.jar',
        'org.apache.commons',
        'commons-lang3',
        '3.14.0',
        'pom.properties',
      ],
      [
        'app.jar!/BOOT-INF/lib/guava-33.0.0-jre.jar',
        undefined,
        'com.google.guava',
        '33.0.0.jre',
        'MANIFEST.MF',
      ],
      ['app.jar!/BOOT-INF/lib/naked-1.2.3.jar', undefined, 'naked', '1.2.3', 'file name'],
      ['app.jar!/BOOT-INF/lib/tool-2.0.0.jar', 'com.acme', 'tool', '2.0.0', 'pom.properties'],
      [
        'app.jar!/BOOT-INF/lib/tool-2.0.0.jar',
        'com.fasterxml.jackson.core',
        'jackson-core',
        '2.17.0',
        'pom.properties',
      ],
    ]);
    expect(artifacts[1]!.licenses).toEqual(['https://www.apache.org/licenses/LICENSE-2.0.txt']);
    expect(artifacts[2]!.licenses).toEqual(['Apache-2.0']);
  });

  it('reads continued manifest lines and only the main section', () => {
    const [only] = readJavaArchive(
      zip({
        'META-INF/MANIFEST.MF':
          'Implementation-Title: de\r\n mo\r\nImplementation-Version: 1.0\r\n\r\nName: x\r\nImplementation-Version: 9\r\n',
      }),
      'x.jar',
    );
    expect(only).toMatchObject({ artifactId: 'demo', version: '1.0', source: 'MANIFEST.MF' });
  });

  it('refuses what is not a ZIP, naming it', () => {
    expect(() => readJavaArchive(Buffer.from('PK not really'), 'app.jar')).toThrow(
      'app.jar is not a ZIP archive',
    );
  });
});

describe('catalogImage with Java archives', () => {
  it('lists Maven packages with purls, licenses and the path inside the image', async () => {
    const catalog = await catalogImage(
      memorySource([tarLayer({ 'app/app.jar': springBootJar() }, { gzip: true })], {
        name: 'localhost:5000/acme/java',
      }),
    );
    const maven = catalog.packages.filter((p) => p.ecosystem === 'maven');
    expect(maven.map((p) => p.purl)).toEqual([
      'pkg:maven/com.acme/demo@1.0.0',
      'pkg:maven/org.apache.commons/commons-lang3@3.14.0',
      'pkg:generic/com.google.guava@33.0.0.jre',
      'pkg:generic/naked@1.2.3',
      'pkg:maven/com.acme/tool@2.0.0',
      'pkg:maven/com.fasterxml.jackson.core/jackson-core@2.17.0',
    ]);
    const lang3 = maven.find((p) => p.name === 'org.apache.commons:commons-lang3')!;
    expect(lang3.location.path).toBe('/app/app.jar!/BOOT-INF/lib/commons-lang3-3.14.0.jar');
    expect(maven.find((p) => p.name === 'com.google.guava')!.licenses).toEqual([
      { declared: 'Apache-2.0', spdx: 'Apache-2.0' },
    ]);
    expect(catalog.uncatalogued).toEqual([]);
    expect(new Set(maven.map((p) => p.id)).size).toBe(maven.length);
  });
});
