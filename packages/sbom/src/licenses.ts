import parseSpdx from 'spdx-expression-parse';
import licenseIds from 'spdx-license-ids';
import deprecatedIds from 'spdx-license-ids/deprecated.json';
import type { LicenseDeclaration } from './types';

const byLowerId = new Map([...licenseIds, ...deprecatedIds].map((id) => [id.toLowerCase(), id]));

/**
 * Names packages use that are not SPDX ids: Debian's copyright-format short names, Python trove
 * classifiers and common spellings. Only mappings that are unambiguous; `BSD` or `GPL` without a
 * version stay unmapped (kept as declared text) rather than guessed.
 */
const ALIASES: Record<string, string> = {
  expat: 'MIT',
  'mit license': 'MIT',
  'the mit license': 'MIT',
  'mit/x11': 'MIT',
  x11: 'X11',
  'gpl-1': 'GPL-1.0-only',
  'gpl-1+': 'GPL-1.0-or-later',
  'gpl-2': 'GPL-2.0-only',
  'gpl-2+': 'GPL-2.0-or-later',
  'gpl-3': 'GPL-3.0-only',
  'gpl-3+': 'GPL-3.0-or-later',
  gplv2: 'GPL-2.0-only',
  'gplv2+': 'GPL-2.0-or-later',
  gplv3: 'GPL-3.0-only',
  'gplv3+': 'GPL-3.0-or-later',
  'lgpl-2': 'LGPL-2.0-only',
  'lgpl-2+': 'LGPL-2.0-or-later',
  'lgpl-2.1': 'LGPL-2.1-only',
  'lgpl-2.0': 'LGPL-2.0-only',
  'gpl-2.0': 'GPL-2.0-only',
  'gpl-3.0': 'GPL-3.0-only',
  'lgpl-2.1+': 'LGPL-2.1-or-later',
  'lgpl-3': 'LGPL-3.0-only',
  'lgpl-3+': 'LGPL-3.0-or-later',
  'agpl-3': 'AGPL-3.0-only',
  'agpl-3+': 'AGPL-3.0-or-later',
  'gfdl-1.2': 'GFDL-1.2-only',
  'gfdl-1.2+': 'GFDL-1.2-or-later',
  'gfdl-1.3': 'GFDL-1.3-only',
  'gfdl-1.3+': 'GFDL-1.3-or-later',
  'apache-2': 'Apache-2.0',
  'apache 2.0': 'Apache-2.0',
  'apache license 2.0': 'Apache-2.0',
  'apache license, version 2.0': 'Apache-2.0',
  'apache software license 2.0': 'Apache-2.0',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2': 'MPL-2.0',
  'mozilla public license 2.0 (mpl 2.0)': 'MPL-2.0',
  artistic: 'Artistic-1.0-Perl',
  'artistic-1': 'Artistic-1.0',
  'artistic-2': 'Artistic-2.0',
  'psf-2': 'PSF-2.0',
  'python software foundation license': 'PSF-2.0',
  'isc license (iscl)': 'ISC',
  'isc license': 'ISC',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  'zlib/libpng': 'Zlib',
  'the unlicense (unlicense)': 'Unlicense',
  'boost software license 1.0 (bsl-1.0)': 'BSL-1.0',
};

function isValidExpression(expression: string): boolean {
  try {
    parseSpdx(expression);
    return true;
  } catch {
    return false;
  }
}

function mapSingle(name: string): string | undefined {
  const trimmed = name
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  if (!trimmed) return undefined;
  const lower = trimmed.toLowerCase();
  // Trove classifiers: "License :: OSI Approved :: MIT License" → the last segment.
  const classifier = lower.startsWith('license ::') ? lower.split('::').pop()!.trim() : lower;
  const candidate = ALIASES[classifier] ?? byLowerId.get(classifier);
  if (candidate) return candidate;
  // Debian writes "GPL-2+" but also "GPL-2.0+"; SPDX's deprecated "+" ids are valid, map them forward.
  const plus = /^(.*)\+$/.exec(classifier);
  if (plus) {
    const id = byLowerId.get(`${plus[1]}-or-later`) ?? byLowerId.get(`${plus[1]}.0-or-later`);
    if (id) return id;
  }
  return undefined;
}

/**
 * Maps a declared license to a valid SPDX expression when that can be done without guessing.
 * Handles plain ids in any case, aliases, and Debian's `a or b` / `a and b` / `a, b` combinations;
 * a `with <exception>` clause is kept only when it is a valid SPDX exception.
 */
export function toSpdxExpression(declared: string): string | undefined {
  const text = declared.trim();
  if (!text) return undefined;
  // Aliases first: Debian's "LGPL-2.1" is a deprecated SPDX id too, but means LGPL-2.1-only.
  const alias = ALIASES[text.toLowerCase()];
  if (alias) return alias;
  if (isValidExpression(text)) return text;
  const single = mapSingle(text);
  if (single) return single;

  const orParts = text.split(/\s+or\s+|\s*\|\s*/i);
  const expression = orParts
    .map((orPart) => {
      const andParts = orPart.split(/\s+and\s+|\s*,\s*|\s*&\s*/i).map((p) => {
        const withMatch = /^(.*?)\s+with\s+(.*)$/i.exec(p);
        if (withMatch) {
          const base = mapSingle(withMatch[1]!);
          const combined = base ? `${base} WITH ${withMatch[2]!.trim()}` : undefined;
          return combined && isValidExpression(combined) ? combined : undefined;
        }
        return mapSingle(p);
      });
      if (andParts.some((p) => p === undefined)) return undefined;
      return andParts.length > 1 ? `(${andParts.join(' AND ')})` : andParts[0];
    })
    .reduce<string[] | undefined>((acc, part) => (acc && part ? [...acc, part] : undefined), []);
  if (!expression || expression.length === 0) return undefined;
  const joined =
    expression.length === 1 ? expression[0]!.replace(/^\((.*)\)$/, '$1') : expression.join(' OR ');
  return isValidExpression(joined) ? joined : undefined;
}

/** Declarations from raw strings: trimmed, de-duplicated, each with its SPDX mapping when one exists. */
export function declareLicenses(values: Iterable<string | undefined | null>): LicenseDeclaration[] {
  const seen = new Set<string>();
  const out: LicenseDeclaration[] = [];
  for (const value of values) {
    const declared = value?.trim();
    if (!declared || seen.has(declared)) continue;
    seen.add(declared);
    const spdx = toSpdxExpression(declared);
    out.push(spdx ? { declared, spdx } : { declared });
  }
  return out;
}
