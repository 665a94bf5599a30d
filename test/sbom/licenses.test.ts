import { describe, expect, it } from 'vitest';
import { declareLicenses, toSpdxExpression } from '../../packages/sbom/src/licenses';
import { parseDebianCopyright } from '../../packages/sbom/src/catalogers/dpkg';

describe('toSpdxExpression', () => {
  it.each([
    ['MIT', 'MIT'],
    ['mit', 'MIT'],
    ['Expat', 'MIT'],
    ['GPL-2+', 'GPL-2.0-or-later'],
    ['LGPL-2.1', 'LGPL-2.1-only'],
    ['Apache 2.0', 'Apache-2.0'],
    ['(MIT OR Apache-2.0)', '(MIT OR Apache-2.0)'],
    ['GPL-2+ or Artistic', 'GPL-2.0-or-later OR Artistic-1.0-Perl'],
    ['BSD-3-clause and Expat', 'BSD-3-Clause AND MIT'],
    ['License :: OSI Approved :: MIT License', 'MIT'],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0', 'GPL-2.0-or-later WITH Classpath-exception-2.0'],
    ['public-domain', undefined],
    ['BSD', undefined],
    ['GPL-2+ with OpenSSL exception', undefined],
    ['', undefined],
  ])('%s → %s', (declared, expected) => {
    expect(toSpdxExpression(declared)).toBe(expected);
  });
});

describe('declareLicenses', () => {
  it('trims, de-duplicates and keeps unmapped names as declared', () => {
    expect(declareLicenses([' MIT ', 'MIT', undefined, 'Custom License'])).toEqual([
      { declared: 'MIT', spdx: 'MIT' },
      { declared: 'Custom License' },
    ]);
  });
});

describe('parseDebianCopyright', () => {
  it('collects License fields of a machine-readable file, first line only', () => {
    const text = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: demo

Files: *
Copyright: 2020 Someone
License: GPL-2+
 This program is free software.

Files: lib/*
Copyright: 2021 Other
License: BSD-3-clause

License: GPL-2+
 On Debian systems, see /usr/share/common-licenses/GPL-2.
`;
    expect(parseDebianCopyright(text)).toEqual(['GPL-2+', 'BSD-3-clause']);
  });

  it('falls back to common-licenses references in free-form files', () => {
    expect(
      parseDebianCopyright('See /usr/share/common-licenses/GPL-2 and /usr/share/common-licenses/LGPL-2.1.'),
    ).toEqual(['GPL-2', 'LGPL-2.1']);
  });
});
