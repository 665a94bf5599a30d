import { CATALOGER_FILE_BYTES } from '@deliverkit/action-kit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { declareLicenses } from '../licenses';
import type { Package } from '../types';
import { type Cataloger, locationOf, packageId } from './cataloger';
import { distroQualifier } from './os-release';

// rpm ≥ 4.16 (RHEL/UBI 9, Fedora ≥ 33, Amazon Linux 2023, SUSE) keeps its database in SQLite: a table
// `Packages(hnum, blob)` whose blobs are rpm headers. SQLite is read with Node's own `node:sqlite` (Node
// ≥ 22.13; GitHub's node24 runtime has it) — no native module to bundle; the header format is parsed here
// (rpm's lib/header.c: index entries, then a data store), since no maintained npm library reads it.
// The older Berkeley DB `Packages` (RHEL ≤ 8, Amazon Linux 2) and SUSE's ndb `Packages.db` are not read:
// they stay in the summary's "not catalogued" list.

const DB_PATHS = ['/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite'];

interface SqliteModule {
  DatabaseSync: new (
    file: string,
    options?: { readOnly?: boolean },
  ) => {
    prepare(sql: string): { all(): Record<string, unknown>[] };
    close(): void;
  };
}

function sqlite(): SqliteModule | undefined {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    return get?.('node:sqlite') as SqliteModule | undefined;
  } catch {
    return undefined;
  }
}

/** Whether this Node.js can read rpm's SQLite database (node:sqlite, Node ≥ 22.13). */
export function rpmSqliteSupported(): boolean {
  return sqlite() !== undefined;
}

const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  URL: 1020,
  ARCH: 1022,
  SOURCERPM: 1044,
} as const;

const TYPE = { INT32: 4, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

export interface RpmHeader {
  name?: string;
  version?: string;
  release?: string;
  epoch?: number;
  arch?: string;
  license?: string;
  vendor?: string;
  url?: string;
  summary?: string;
  sourceRpm?: string;
}

/** An rpm header blob as rpmdb.sqlite stores it: il, dl, il × (tag, type, offset, count), data store. */
export function parseRpmHeader(blob: Uint8Array): RpmHeader {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 8) throw new Error('rpm header shorter than 8 bytes');
  const il = buf.readUInt32BE(0);
  const dl = buf.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > 0xffff || dataStart + dl > buf.length)
    throw new Error(`rpm header sizes do not fit (il ${il}, dl ${dl})`);
  const str = (offset: number) => {
    const start = dataStart + offset;
    const end = buf.indexOf(0, start);
    return buf.toString('utf8', start, end < 0 || end > dataStart + dl ? dataStart + dl : end);
  };
  const out: RpmHeader = {};
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = buf.readUInt32BE(e);
    const type = buf.readUInt32BE(e + 4);
    const offset = buf.readUInt32BE(e + 8);
    if (offset >= dl) continue;
    const text =
      type === TYPE.STRING || type === TYPE.I18NSTRING || type === TYPE.STRING_ARRAY
        ? str(offset)
        : undefined;
    switch (tag) {
      case TAG.NAME:
        out.name = text;
        break;
      case TAG.VERSION:
        out.version = text;
        break;
      case TAG.RELEASE:
        out.release = text;
        break;
      case TAG.EPOCH:
        if (type === TYPE.INT32 && dataStart + offset + 4 <= buf.length)
          out.epoch = buf.readUInt32BE(dataStart + offset);
        break;
      case TAG.ARCH:
        out.arch = text;
        break;
      case TAG.LICENSE:
        out.license = text;
        break;
      case TAG.VENDOR:
        out.vendor = text;
        break;
      case TAG.URL:
        out.url = text;
        break;
      case TAG.SUMMARY:
        out.summary = text;
        break;
      case TAG.SOURCERPM:
        out.sourceRpm = text;
        break;
    }
  }
  return out;
}

/** Every header of an rpmdb.sqlite (with its -wal beside it, when the image has one). */
export function readRpmDatabase(db: Buffer, wal?: Buffer): RpmHeader[] {
  const mod = sqlite();
  if (!mod) throw new Error('reading rpmdb.sqlite needs Node.js ≥ 22.13 (node:sqlite)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-rpmdb-'));
  try {
    const file = path.join(dir, 'rpmdb.sqlite');
    writeFileSync(file, db);
    if (wal && wal.length > 0) writeFileSync(`${file}-wal`, wal);
    // A private copy: SQLite may replay the WAL into it, the image is never touched.
    const database = new mod.DatabaseSync(file);
    try {
      return database
        .prepare('SELECT blob FROM Packages ORDER BY hnum')
        .all()
        .map((row) => parseRpmHeader(row['blob'] as Uint8Array));
    } finally {
      database.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl-3.0.7-24.el9.src.rpm` → `openssl`. */
function sourceName(sourceRpm: string): string | undefined {
  return /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourceRpm)?.[1];
}

export const rpmCataloger: Cataloger = {
  name: 'rpm',
  ecosystem: 'rpm',
  selectors: [
    {
      name: 'rpmdb-sqlite',
      selects: (p) => DB_PATHS.includes(p),
      maxBytes: CATALOGER_FILE_BYTES['rpmdb-sqlite']!,
    },
    {
      name: 'rpmdb-sqlite-wal',
      selects: (p) => DB_PATHS.some((d) => p === `${d}-wal`),
      maxBytes: CATALOGER_FILE_BYTES['rpmdb-sqlite-wal']!,
    },
  ],
  catalog(ctx) {
    const packages: Package[] = [];
    const namespace = ctx.distro?.id ?? 'rpm';
    const distro = distroQualifier(ctx.distro);
    for (const file of ctx.fs.list('rpmdb-sqlite')) {
      if (!file.content) continue;
      const wal = ctx.fs.list('rpmdb-sqlite-wal').find((w) => w.path === `${file.path}-wal`)?.content;
      let headers: RpmHeader[];
      try {
        headers = readRpmDatabase(file.content, wal);
      } catch (error) {
        ctx.warn(`${file.path}: not read (${(error as Error).message})`);
        continue;
      }
      for (const h of headers) {
        // gpg-pubkey entries are imported signing keys, not packages.
        if (!h.name || !h.version || h.name === 'gpg-pubkey') continue;
        const version = h.release ? `${h.version}-${h.release}` : h.version;
        const qualifiers: Record<string, string> = {};
        if (h.arch) qualifiers['arch'] = h.arch;
        if (distro) qualifiers['distro'] = distro;
        if (h.epoch) qualifiers['epoch'] = String(h.epoch);
        const upstream = h.sourceRpm ? sourceName(h.sourceRpm) : undefined;
        if (upstream && upstream !== h.name) qualifiers['upstream'] = upstream;
        const purl = new PackageURL('rpm', namespace, h.name, version, qualifiers, null).toString();
        packages.push({
          id: packageId('rpm', `${h.name}-${h.arch ?? ''}`, purl, file.path),
          ecosystem: 'rpm',
          name: h.name,
          version: h.epoch ? `${h.epoch}:${version}` : version,
          purl,
          licenses: declareLicenses([h.license]),
          location: locationOf(file),
          ...(h.summary ? { description: h.summary } : {}),
          ...(h.url ? { homepage: h.url } : {}),
          ...(h.vendor ? { supplier: h.vendor } : {}),
          dependsOn: [],
          properties: {
            ...(h.arch ? { 'rpm:arch': h.arch } : {}),
            ...(h.sourceRpm ? { 'rpm:sourcerpm': h.sourceRpm } : {}),
          },
        });
      }
    }
    return packages;
  },
};
