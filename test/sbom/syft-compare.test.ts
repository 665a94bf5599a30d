import { describe, expect, it } from 'vitest';
import {
  type ComparedPackage,
  compareWithSyft,
  fromSyftJson,
  readDifferencesTable,
  unexplained,
} from './syft-compare';

const syftDoc = (artifacts: { name: string; version: string; type: string; purl: string }[]) =>
  fromSyftJson({ artifacts: artifacts.map((a) => ({ ...a, locations: [{ path: '/x' }] })) });
const ours = (name: string, version: string, type: string, purl: string): ComparedPackage[] =>
  fromSyftJson({ artifacts: [{ name, version, type, purl }] }).map((p) => ({ ...p, type }));

describe('compareWithSyft', () => {
  it('treats purls that differ only in percent-encoding and qualifier order as the same package', () => {
    const c = compareWithSyft(
      ours('zlib1g', '1:1.2.13+b1', 'deb', 'pkg:deb/debian/zlib1g@1:1.2.13+b1?distro=debian-12&arch=amd64'),
      syftDoc([
        {
          name: 'zlib1g',
          version: '1:1.2.13+b1',
          type: 'deb',
          purl: 'pkg:deb/debian/zlib1g@1%3A1.2.13%2Bb1?arch=amd64&distro=debian-12',
        },
      ]),
    );
    expect(c.differences).toEqual([]);
    expect([c.matchedPurlsOfOurTypes, c.syftPurlsOfOurTypes]).toEqual([1, 1]);
  });

  it('reports a qualifier difference as two packages, and a field difference with both values', () => {
    const c = compareWithSyft(
      [
        ...ours('bash', '5.2-2+b8', 'deb', 'pkg:deb/debian/bash@5.2-2+b8?arch=amd64'),
        ...ours('stdlib', '1.22.1', 'golang', 'pkg:golang/stdlib@1.22.1'),
      ],
      syftDoc([
        {
          name: 'bash',
          version: '5.2-2+b8',
          type: 'deb',
          purl: 'pkg:deb/debian/bash@5.2-2+b8?arch=amd64&upstream=bash%405.2-2',
        },
        { name: 'stdlib', version: 'go1.22.1', type: 'go-module', purl: 'pkg:golang/stdlib@1.22.1' },
        { name: 'busybox', version: '1.36', type: 'binary', purl: 'pkg:generic/busybox@1.36' },
      ]),
    );
    expect(c.differences.map((d) => `${d.difference} ${d.label}`)).toEqual([
      'only ours pkg:deb/debian/bash@5.2-2+b8',
      'only syft pkg:deb/debian/bash@5.2-2+b8',
      'only syft pkg:generic/busybox@1.36',
      'version: 1.22.1 vs go1.22.1 pkg:golang/stdlib@1.22.1',
    ]);
    // busybox is not a type we catalogue: it does not count against the match rate.
    expect([c.matchedPurlsOfOurTypes, c.syftPurlsOfOurTypes]).toEqual([1, 2]);
  });

  it('reports a package syft lists more often than we do', () => {
    const c = compareWithSyft(
      ours('ms', '2.1.3', 'npm', 'pkg:npm/ms@2.1.3'),
      syftDoc([
        { name: 'ms', version: '2.1.3', type: 'npm', purl: 'pkg:npm/ms@2.1.3' },
        { name: 'ms', version: '2.1.3', type: 'npm', purl: 'pkg:npm/ms@2.1.3' },
      ]),
    );
    expect(c.differences.map((d) => d.difference)).toEqual(['repeated by syft']);
  });
});

describe('the README table of differences from syft', () => {
  it('parses, and explains a difference only when both the kind and the packages match', async () => {
    const rows = await readDifferencesTable();
    expect(rows.length).toBeGreaterThan(0);
    const d = (difference: string, label: string) => ({ difference, label, key: label, detail: '' });
    expect(unexplained([d('only syft', 'pkg:generic/busybox@1.36.1')], rows)).toEqual([]);
    expect(unexplained([d('only ours', 'pkg:generic/busybox@1.36.1')], rows)).toHaveLength(1);
    expect(unexplained([d('only syft', 'pkg:npm/left-pad@1.3.0')], rows)).toHaveLength(1);
    expect(unexplained([d('version: 1.0 vs 1.1', 'pkg:golang/stdlib@1.0')], rows)).toHaveLength(1);
  });
});
