import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** An rpm header blob as rpmdb.sqlite stores it (rpm's lib/header.c layout): il, dl, index entries, data. */
export function rpmHeader(fields: { strings: Record<number, string>; epoch?: number }): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let offset = 0;
  const add = (tag: number, type: number, body: Buffer, count = 1) => {
    const e = Buffer.alloc(16);
    e.writeUInt32BE(tag, 0);
    e.writeUInt32BE(type, 4);
    e.writeUInt32BE(offset, 8);
    e.writeUInt32BE(count, 12);
    entries.push(e);
    data.push(body);
    offset += body.length;
  };
  if (fields.epoch !== undefined) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(fields.epoch);
    add(1003, 4, b);
  }
  for (const [tag, value] of Object.entries(fields.strings)) {
    add(Number(tag), Number(tag) === 1004 ? 9 : 6, Buffer.from(`${value}\0`));
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(offset, 4);
  return Buffer.concat([head, ...entries, ...data]);
}

export const OPENSSL = rpmHeader({
  epoch: 1,
  strings: {
    1000: 'openssl-libs',
    1001: '3.0.7',
    1002: '24.el9',
    1004: 'A general purpose cryptography library with TLS implementation',
    1011: 'Red Hat, Inc.',
    1014: 'ASL 2.0',
    1020: 'http://www.openssl.org/',
    1022: 'x86_64',
    1044: 'openssl-3.0.7-24.el9.src.rpm',
  },
});
export const BASH = rpmHeader({
  strings: {
    1000: 'bash',
    1001: '5.1.8',
    1002: '6.el9',
    1014: 'GPLv3+',
    1022: 'x86_64',
    1044: 'bash-5.1.8-6.el9.src.rpm',
  },
});
export const KEY = rpmHeader({ strings: { 1000: 'gpg-pubkey', 1001: 'fd431d51', 1002: '4ae0493b' } });

/** A real rpmdb.sqlite, written with node:sqlite in rpm's schema. */
export function rpmdb(blobs: Buffer[]): Buffer {
  // @types/node here is Node 20's, which has no node:sqlite: the few members used, typed by hand.
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as {
    DatabaseSync: new (file: string) => {
      exec(sql: string): void;
      prepare(sql: string): { run(...values: unknown[]): unknown };
      close(): void;
    };
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rpmdb-test-'));
  try {
    const file = path.join(dir, 'rpmdb.sqlite');
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    for (const b of blobs) insert.run(b);
    db.close();
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ubiRelease =
  'NAME="Red Hat Enterprise Linux"\nVERSION="9.3 (Plow)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.3"\n';
