import { gunzipSync } from 'node:zlib';

export interface LayerEntry {
  /** Path without a leading `./` or `/`, e.g. `bin/busybox`. */
  path: string;
  /** `0` file, `2` symlink, `5` directory, ... (the tar typeflag). */
  type: string;
  linkTarget: string;
  content: Buffer;
}

/**
 * Lists the entries of an image layer blob (tar, or gzip-compressed tar; zstd is not supported), honouring GNU
 * long names and PAX `path`/`linkpath` records. For assertions on what a build put into an image.
 */
export function readLayer(blob: Buffer): LayerEntry[] {
  const tar = blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob;
  const entries: LayerEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 0x30);
    const content = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cString(content);
    } else if (type === 'K') {
      longLink = cString(content);
    } else if (type === 'x') {
      pax = parsePax(content);
    } else if (type !== 'g') {
      // Only POSIX ustar has a name prefix at 345; GNU tar keeps other data there.
      const posix = header.subarray(257, 263).toString('latin1') === 'ustar\0';
      const prefix = posix ? cString(header.subarray(345, 500)) : '';
      const name = pax.path ?? longName ?? joinPath(prefix, cString(header.subarray(0, 100)));
      entries.push({
        path: name.replace(/^(\.\/|\/)+/, ''),
        type,
        linkTarget: pax.linkpath ?? longLink ?? cString(header.subarray(157, 257)),
        content: Buffer.from(content),
      });
      longName = undefined;
      longLink = undefined;
      pax = {};
    }
  }
  return entries;
}

/** The content of one regular file in a layer blob, or undefined when the layer does not contain it. */
export function readLayerFile(blob: Buffer, filePath: string): Buffer | undefined {
  const wanted = filePath.replace(/^(\.\/|\/)+/, '');
  return readLayer(blob).find((entry) => entry.path === wanted && (entry.type === '0' || entry.type === '7'))
    ?.content;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

function parseOctal(bytes: Buffer): number {
  const text = cString(bytes).trim();
  return text ? parseInt(text, 8) : 0;
}

function joinPath(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}

// PAX records are "LEN key=value\n", LEN counting the whole record.
function parsePax(content: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    if (space < 0) break;
    const length = parseInt(content.subarray(offset, space).toString('utf8'), 10);
    if (!length) break;
    const record = content.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    offset += length;
  }
  return records;
}
