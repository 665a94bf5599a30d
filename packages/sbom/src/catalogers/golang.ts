import { CATALOGER_FILE_BYTES } from '@deliverkit/action-kit';
import { PackageURL } from 'packageurl-js';
import type { Package } from '../types';
import { type Cataloger, locationOf, packageId } from './cataloger';

const ELF_MAGIC = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]);
const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
/** Go wraps the module info in 16-byte sentinels so it can be found by scanning; strip them. */
const SENTINEL_LENGTH = 16;

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  /** The module this one replaces (`=>` line), when it is a replacement. */
  replaces?: { path: string; version: string };
}

export interface GoBuildInfo {
  goVersion: string;
  /** The main package's import path (`path` line). */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Record<string, string>;
}

/** Thrown for a Go binary whose build info this parser does not read (pre-1.18 pointer format). */
export class UnsupportedGoBuildInfo extends Error {}

interface Section {
  name: string;
  offset: number;
  size: number;
}

function elfSections(buf: Buffer): Section[] | undefined {
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u64 = (o: number) => Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  if (buf.length < (is64 ? 64 : 52)) return undefined;
  const shoff = is64 ? u64(0x28) : u32(0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  if (shoff === 0 || shnum === 0 || shoff + shnum * shentsize > buf.length) return undefined;
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({
      nameOffset: u32(o),
      offset: is64 ? u64(o + 0x18) : u32(o + 0x10),
      size: is64 ? u64(o + 0x20) : u32(o + 0x14),
    });
  }
  const strtab = raw[shstrndx];
  if (!strtab) return undefined;
  return raw.map((s) => {
    const start = strtab.offset + s.nameOffset;
    const end = buf.indexOf(0, start);
    return { name: buf.toString('latin1', start, end === -1 ? start : end), offset: s.offset, size: s.size };
  });
}

// A plain Error: it never leaves the package. The go-binary selector's extract runs under indexFilesystem's catch
// (filesystem.ts), which reports the binary as unread and goes on with the SBOM.
function readVarint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = pos; i < buf.length && shift < 64; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  throw new Error('truncated varint in Go build info');
}

/** Where the `\xff Go buildinf:` header starts: the `.go.buildinfo` section, else a 16-byte-aligned scan. */
function findBuildInfo(buf: Buffer): number {
  const section = elfSections(buf)?.find((s) => s.name === '.go.buildinfo');
  if (section && section.offset + 32 <= buf.length) {
    if (buf.subarray(section.offset, section.offset + BUILDINFO_MAGIC.length).equals(BUILDINFO_MAGIC)) {
      return section.offset;
    }
  }
  for (let at = buf.indexOf(BUILDINFO_MAGIC); at !== -1; at = buf.indexOf(BUILDINFO_MAGIC, at + 1)) {
    if (at % 16 === 0) return at;
  }
  return -1;
}

/** Parses the module lines of runtime/debug.BuildInfo's text form. */
export function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  const info: Omit<GoBuildInfo, 'goVersion'> = { deps: [], settings: {} };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const [kind, ...rest] = line.split('\t');
    if (kind === 'path') info.path = rest[0];
    else if (kind === 'mod' || kind === 'dep') {
      const [path, version, sum] = rest;
      if (!path) continue;
      last = { path, version: version ?? '', sum: sum || undefined };
      if (kind === 'mod') info.main = last;
      else info.deps.push(last);
    } else if (kind === '=>' && last) {
      const [path, version, sum] = rest;
      if (!path) continue;
      last.replaces = { path: last.path, version: last.version };
      last.path = path;
      last.version = version ?? '';
      last.sum = sum || undefined;
    } else if (kind === 'build') {
      const setting = rest.join('\t');
      const eq = setting.indexOf('=');
      if (eq > 0) info.settings[setting.slice(0, eq)] = setting.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    }
  }
  return info;
}

/**
 * The build info Go ≥ 1.18 embeds in every binary: after the 16-byte header (`\xff Go buildinf:`,
 * pointer size, flags) come two varint-length-prefixed strings, the Go version and the module info.
 * Returns undefined for an ELF file that is not a Go binary.
 */
export function parseGoBuildInfo(buf: Buffer): GoBuildInfo | undefined {
  const at = findBuildInfo(buf);
  if (at === -1) return undefined;
  const flags = buf[at + 15]!;
  if ((flags & 0x2) === 0) {
    throw new UnsupportedGoBuildInfo(
      'Go binary built before Go 1.18 (pointer-format build info is not read)',
    );
  }
  let pos = at + 32;
  const [versionLength, afterVersionLength] = readVarint(buf, pos);
  pos = afterVersionLength;
  const goVersion = buf.toString('utf8', pos, pos + versionLength);
  pos += versionLength;
  const [modLength, afterModLength] = readVarint(buf, pos);
  let mod = buf.toString('utf8', afterModLength, afterModLength + modLength);
  if (mod.length >= 2 * SENTINEL_LENGTH + 1 && mod[mod.length - SENTINEL_LENGTH - 1] === '\n') {
    mod = mod.slice(SENTINEL_LENGTH, mod.length - SENTINEL_LENGTH);
  }
  return { goVersion, ...parseModInfo(mod) };
}

/** What the Go linker records for a main module built from a work tree, not a tagged module version. */
const DEVEL_VERSION = '(devel)';

/**
 * `(devel)` is Go's placeholder for "no version", not a version: a purl carrying it would be matched against
 * advisories as one, so the purl leaves the version out (as syft does); the package keeps Go's text.
 */
function golangPurl(path: string, version: string): string {
  const slash = path.lastIndexOf('/');
  const namespace = slash > 0 ? path.slice(0, slash) : undefined;
  const name = slash > 0 ? path.slice(slash + 1) : path;
  const purlVersion = version && version !== DEVEL_VERSION ? version : undefined;
  return new PackageURL('golang', namespace, name, purlVersion, undefined, undefined).toString();
}

/**
 * Go binaries: the main module, every dependency module (replacements applied, as the linker
 * did) and the Go standard library, all from the embedded build info. The main module depends on
 * every other one; the build info records no finer graph.
 */
export const golangCataloger: Cataloger = {
  name: 'golang',
  ecosystem: 'golang',
  selectors: [
    {
      name: 'go-binary',
      selects: (path, entry) => entry.type === 'file' && (entry.mode & 0o111) !== 0 && entry.size > 64,
      maxBytes: CATALOGER_FILE_BYTES['go-binary']!,
      magic: ELF_MAGIC,
      extract: (content) => parseGoBuildInfo(content),
    },
  ],
  catalog(ctx) {
    const packages: Package[] = [];
    for (const file of ctx.fs.list('go-binary')) {
      const info = file.extracted.get('go-binary') as GoBuildInfo | undefined;
      if (!info) continue;
      const location = locationOf(file);
      const common: Record<string, string> = { 'go:toolchain': info.goVersion };
      for (const key of ['GOOS', 'GOARCH', 'GOAMD64', 'GOARM', 'CGO_ENABLED', 'vcs.revision', 'vcs.time']) {
        const v = info.settings[key];
        if (v !== undefined) common[`go:${key}`] = v;
      }
      const make = (mod: GoModule, role: string): Package => {
        const purl = golangPurl(mod.path, mod.version);
        const properties: Record<string, string> = { ...common, 'go:role': role };
        if (mod.sum) properties['go:sum'] = mod.sum;
        if (mod.replaces) properties['go:replaces'] = `${mod.replaces.path}@${mod.replaces.version}`;
        return {
          id: packageId('golang', mod.path, purl, file.path),
          ecosystem: 'golang',
          name: mod.path,
          version: mod.version,
          purl,
          licenses: [],
          location,
          dependsOn: [],
          properties,
        };
      };
      const main = make(info.main ?? { path: info.path ?? file.path, version: DEVEL_VERSION }, 'main');
      if (info.path) main.properties['go:main-package'] = info.path;
      const stdlibVersion = info.goVersion.replace(/^go/, '').split(/\s/)[0]!;
      const stdlib = make({ path: 'stdlib', version: stdlibVersion }, 'stdlib');
      const deps = info.deps.map((d) => make(d, 'dependency'));
      main.dependsOn = [stdlib, ...deps].map((p) => p.id).sort();
      packages.push(main, stdlib, ...deps);
    }
    return packages;
  },
};
