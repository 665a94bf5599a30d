import { CATALOGER_FILE_BYTES } from '@deliverkit/action-kit';
import type { FileSelector, ImageFilesystem } from '../filesystem';
import type { Distro } from '../types';
import { locationOf } from './cataloger';

const PATHS = ['/etc/os-release', '/usr/lib/os-release'];

export const osReleaseSelector: FileSelector = {
  name: 'os-release',
  selects: (path) => PATHS.includes(path),
  maxBytes: CATALOGER_FILE_BYTES['os-release']!,
};

/** Parses os-release(5): `KEY=value` lines, values optionally quoted with shell-style escapes. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["\\$`])/g, '$1');
    }
    out[m[1]!] = value;
  }
  return out;
}

/** The distro from /etc/os-release, or /usr/lib/os-release when /etc's is absent or a dangling link. */
export function detectDistro(fs: ImageFilesystem): Distro | undefined {
  for (const path of PATHS) {
    const file = fs.resolve(path);
    if (!file?.content) continue;
    const fields = parseOsRelease(file.content.toString('utf8'));
    if (!fields.ID) continue;
    return {
      id: fields.ID.toLowerCase(),
      versionId: fields.VERSION_ID,
      versionCodename: fields.VERSION_CODENAME,
      prettyName: fields.PRETTY_NAME,
      idLike: (fields.ID_LIKE ?? '').split(/\s+/).filter(Boolean),
      location: { ...locationOf(file), path },
    };
  }
  return undefined;
}

/** The purl `distro` qualifier: `debian-12`, `alpine-3.19.1`; codename when there is no version. */
export function distroQualifier(distro: Distro | undefined): string | undefined {
  if (!distro) return undefined;
  const version = distro.versionId ?? distro.versionCodename;
  return version ? `${distro.id}-${version}` : undefined;
}
