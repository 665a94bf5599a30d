import { DEFAULT_LIMITS, type Limits, LimitError } from '@deliverkit/action-kit';
import { SbomError } from './errors';

/**
 * A minimal streaming tar reader (ustar, GNU long names, pax extended headers, base-256 sizes).
 *
 * Why not tar-stream: 3.x pulls streamx and bare-fs (the Bare runtime's native fs) into the ncc
 * bundle, and creates a stream object per entry even for the tens of thousands of entries an
 * image has that no cataloger wants. Here an unwanted body is skipped by counting bytes, the
 * consumer decides per entry whether to peek or read it, and every header checksum is verified so
 * that a blob that is not a tar fails loudly instead of yielding garbage.
 */

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';

export interface TarEntry {
  /** The path exactly as stored (after pax/GNU long-name substitution), not normalised. */
  name: string;
  type: TarEntryType;
  mode: number;
  size: number;
  linkName: string;
  /** The first `n` bytes of the body (fewer if the body is shorter); may be called before read(). */
  peek(n: number): Promise<Buffer>;
  /** The whole body. Only valid before the iterator moves on. */
  read(): Promise<Buffer>;
}

const BLOCK = 512;

/** Pulls exact byte counts out of an async chunk stream without re-copying whole chunks. */
export class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  /** Bytes handed out or skipped so far. */
  position = 0;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.ended) {
      const next = await this.source.next();
      if (next.done) {
        this.ended = true;
      } else if (next.value.length > 0) {
        const chunk = Buffer.isBuffer(next.value)
          ? next.value
          : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
        this.chunks.push(chunk);
        this.buffered += chunk.length;
      }
    }
  }

  /** Up to `n` bytes; fewer only at end of stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const take = Math.min(n, this.buffered);
    let out: Buffer;
    const first = this.chunks[0];
    if (first && first.length >= take) {
      out = first.subarray(0, take);
      if (first.length === take) this.chunks.shift();
      else this.chunks[0] = first.subarray(take);
    } else {
      out = Buffer.allocUnsafe(take);
      let off = 0;
      while (off < take) {
        const c = this.chunks[0]!;
        const part = Math.min(c.length, take - off);
        c.copy(out, off, 0, part);
        off += part;
        if (part === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(part);
      }
    }
    this.buffered -= take;
    this.position += take;
    return out;
  }

  /** Discards `n` bytes; returns how many were actually there. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0) {
        await this.fill(1);
        if (this.buffered === 0) break;
      }
      const c = this.chunks[0]!;
      if (c.length <= left) {
        this.chunks.shift();
        left -= c.length;
        this.buffered -= c.length;
      } else {
        this.chunks[0] = c.subarray(left);
        this.buffered -= left;
        left = 0;
      }
    }
    this.position += n - left;
    return n - left;
  }
}

function cString(buf: Buffer, start: number, end: number): string {
  const nul = buf.indexOf(0, start);
  return buf.toString('utf8', start, nul === -1 || nul > end ? end : nul);
}

function parseNumber(buf: Buffer, start: number, end: number): number {
  // GNU base-256: high bit of the first byte set, big-endian two's complement in the rest.
  if ((buf[start]! & 0x80) !== 0) {
    let value = buf[start]! & 0x7f;
    for (let i = start + 1; i < end; i++) value = value * 256 + buf[i]!;
    return value;
  }
  const text = cString(buf, start, end).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return NaN;
  return parseInt(text, 8);
}

function checksumMatches(header: Buffer): boolean {
  const stored = parseNumber(header, 148, 156);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space === -1) break;
    const len = parseInt(body.toString('ascii', pos, space), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > body.length) break;
    const record = body.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

function entryType(flag: number): TarEntryType | 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink' {
  switch (flag) {
    case 0:
    case 0x30: // '0'
    case 0x37: // '7' contiguous file
      return 'file';
    case 0x31:
      return 'hardlink';
    case 0x32:
      return 'symlink';
    case 0x35:
      return 'directory';
    case 0x78: // 'x'
      return 'pax';
    case 0x67: // 'g'
      return 'pax-global';
    case 0x4c: // 'L'
      return 'gnu-longname';
    case 0x4b: // 'K'
      return 'gnu-longlink';
    default:
      return 'other';
  }
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * Yields each entry of a tar stream in order. A body the consumer did not read is skipped when
 * the next entry is requested. Throws SbomError LAYER_NOT_TAR on a bad header and LAYER_TRUNCATED
 * when the stream ends inside an entry.
 */
export async function* readTar(
  source: AsyncIterable<Uint8Array>,
  bound: { limits?: Partial<Limits>; layer?: string } = {},
): AsyncGenerator<TarEntry> {
  const maxEntries = bound.limits?.['archive-entries'] ?? DEFAULT_LIMITS['archive-entries'];
  const maxHeader = DEFAULT_LIMITS['tar-header-bytes'];
  const what = bound.layer ?? 'layer';
  let entries = 0;
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  let pax: Record<string, string> = {};
  let globalPax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let sawHeader = false;

  for (;;) {
    const headerOffset = reader.position;
    const header = await reader.read(BLOCK);
    if (header.length === 0) {
      if (!sawHeader) throw new SbomError('LAYER_NOT_TAR', 'the layer is empty: not a tar archive');
      return; // EOF without end-of-archive blocks: tolerated, as GNU tar does.
    }
    if (header.length < BLOCK) {
      throw new SbomError('LAYER_TRUNCATED', `the layer ends inside a tar header at byte ${headerOffset}`);
    }
    if (header.every((b) => b === 0)) return; // end-of-archive marker
    if (!checksumMatches(header)) {
      throw new SbomError(
        'LAYER_NOT_TAR',
        sawHeader
          ? `bad tar header checksum at byte ${headerOffset}: the layer is corrupt`
          : 'the layer is not a tar archive (bad header checksum at byte 0)',
      );
    }
    sawHeader = true;

    const kind = entryType(header[156]!);
    let size = parseNumber(header, 124, 136);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new SbomError('LAYER_NOT_TAR', `bad size field in the tar header at byte ${headerOffset}`);
    }

    if (kind === 'pax' || kind === 'pax-global' || kind === 'gnu-longname' || kind === 'gnu-longlink') {
      // These bodies are read into memory: a hostile tar could declare gigabytes.
      if (size > maxHeader) {
        throw new LimitError(
          'tar-header-bytes',
          maxHeader,
          `${what}, tar header at byte ${headerOffset}`,
          `a ${size}-byte extended header`,
        );
      }
      const body = await reader.read(size);
      if (body.length < size) throw new SbomError('LAYER_TRUNCATED', 'the layer ends inside a tar entry');
      await reader.skip(padding(size));
      if (kind === 'pax') pax = parsePax(body);
      else if (kind === 'pax-global') globalPax = { ...globalPax, ...parsePax(body) };
      else if (kind === 'gnu-longname') longName = cString(body, 0, body.length);
      else longLink = cString(body, 0, body.length);
      continue;
    }

    if (++entries > maxEntries) {
      throw new LimitError('archive-entries', maxEntries, what, `more than ${maxEntries} tar entries`);
    }
    const magic = header.toString('latin1', 257, 263);
    const prefix = magic === 'ustar\0' ? cString(header, 345, 500) : '';
    let name =
      longName ?? pax.path ?? globalPax.path ?? (prefix ? `${prefix}/` : '') + cString(header, 0, 100);
    const linkName = longLink ?? pax.linkpath ?? cString(header, 157, 257);
    const paxSize = pax.size ?? globalPax.size;
    if (paxSize !== undefined) {
      size = /^[0-9]{1,16}$/.test(paxSize) ? Number(paxSize) : NaN;
      if (!Number.isSafeInteger(size)) {
        throw new SbomError(
          'LAYER_NOT_TAR',
          `bad pax size ${JSON.stringify(paxSize.slice(0, 40))} at byte ${headerOffset}`,
        );
      }
    }
    // Old tars mark directories only by a trailing slash on a regular-file entry.
    let type = kind;
    if (type === 'file' && name.endsWith('/')) type = 'directory';
    if (type === 'directory') name = name.replace(/\/+$/, '');
    pax = {};
    longName = undefined;
    longLink = undefined;

    // Hard links, symlinks and directories carry no body even when size is set (some writers do).
    const bodySize = type === 'file' || type === 'other' ? size : 0;
    let consumed = 0;
    let peeked: Buffer | undefined;
    const entry: TarEntry = {
      name,
      type,
      mode: parseNumber(header, 100, 108) || 0,
      size: bodySize,
      linkName,
      peek: async (n) => {
        // Only this package calls peek, before read (filesystem.ts): a bug of ours, not a bad layer, so no SbomError.
        if (consumed > 0 && !peeked) throw new Error('peek after read');
        if (!peeked || peeked.length < Math.min(n, bodySize)) {
          const more = await reader.read(Math.min(n, bodySize) - (peeked?.length ?? 0));
          peeked = peeked ? Buffer.concat([peeked, more]) : more;
          consumed = peeked.length;
        }
        return peeked.subarray(0, n);
      },
      read: async () => {
        const rest = await reader.read(bodySize - consumed);
        const whole = peeked ? Buffer.concat([peeked, rest]) : rest;
        consumed = bodySize;
        peeked = whole;
        if (whole.length < bodySize) {
          throw new SbomError('LAYER_TRUNCATED', `the layer ends inside the body of ${name}`);
        }
        return whole;
      },
    };
    yield entry;
    const left = bodySize - consumed;
    if (left > 0 && (await reader.skip(left)) < left) {
      throw new SbomError('LAYER_TRUNCATED', `the layer ends inside the body of ${name}`);
    }
    await reader.skip(padding(bodySize));
  }
}
