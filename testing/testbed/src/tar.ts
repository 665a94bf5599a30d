/**
 * The test bed's one tar writer: ustar archives written byte by byte, so that names no tar tool would write
 * (`../x`, `.wh.`) can be, and a fixture needs no tar binary. Reading layers back: layers.ts.
 */
export interface TarSpec {
  name: string;
  /** `0` file, `1` hard link, `2` symlink, `5` directory. */
  type?: '0' | '1' | '2' | '5';
  content?: string | Buffer;
  linkname?: string;
}

/** A ustar archive written byte by byte, so that names no tar tool would write (`../x`, `.wh.`) can be. */
export function writeTar(entries: TarSpec[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.content ?? '');
    const header = Buffer.alloc(512);
    header.write(e.name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write(e.type ?? '0', 156);
    header.write(e.linkname ?? '', 157, 100, 'utf8');
    header.write('ustar\0', 257);
    header.write('00', 263);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
