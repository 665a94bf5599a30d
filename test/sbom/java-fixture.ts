import { deflateRawSync } from 'node:zlib';

/** CRC-32 (IEEE), for the ZIP writer below. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A ZIP as `jar` writes one: local headers, central directory, end record; `stored` names are not deflated. */
export function zip(files: Record<string, string | Buffer>, stored: string[] = []): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const method = stored.includes(name) ? 0 : 8;
    const body = method === 0 ? data : deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(method, 10);
    dir.writeUInt32LE(crc32(data), 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(nameBytes.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    central.push(dir, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const pom = (g: string, a: string, v: string) =>
  `#Created by Apache Maven 3.9.6\ngroupId=${g}\nartifactId=${a}\nversion=${v}\n`;

export function springBootJar(): Buffer {
  const lang3 = zip({
    'META-INF/MANIFEST.MF':
      'Manifest-Version: 1.0\r\nBundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt\r\n',
    'META-INF/maven/org.apache.commons/commons-lang3/pom.properties': pom(
      'org.apache.commons',
      'commons-lang3',
      '3.14.0',
    ),
    'org/apache/commons/lang3/StringUtils.class': Buffer.alloc(64, 1),
  });
  const guava = zip({
    'META-INF/MANIFEST.MF':
      'Manifest-Version: 1.0\r\nBundle-SymbolicName: com.google.guava\r\nBundle-Version: 33.0.0.jre\r\nBundle-License: Apache-2.0\r\n',
  });
  const naked = zip({ 'x/Y.class': Buffer.alloc(8) });
  const shaded = zip({
    'META-INF/maven/com.acme/tool/pom.properties': pom('com.acme', 'tool', '2.0.0'),
    'META-INF/maven/com.fasterxml.jackson.core/jackson-core/pom.properties': pom(
      'com.fasterxml.jackson.core',
      'jackson-core',
      '2.17.0',
    ),
  });
  return zip(
    {
      'META-INF/MANIFEST.MF':
        'Manifest-Version: 1.0\r\nMain-Class: org.springframework.boot.loader.launch.JarLauncher\r\nImplementation-Title: de\r\n mo\r\nImplementation-Version: 1.0.0\r\n\r\nName: other\r\nImplementation-Version: 9\r\n',
      'META-INF/maven/com.acme/demo/pom.properties': pom('com.acme', 'demo', '1.0.0'),
      'BOOT-INF/lib/commons-lang3-3.14.0.jar': lang3,
      'BOOT-INF/lib/guava-33.0.0-jre.jar': guava,
      'BOOT-INF/lib/naked-1.2.3.jar': naked,
      'BOOT-INF/lib/tool-2.0.0.jar': shaded,
      'BOOT-INF/lib/broken.jar': 'not a zip',
    },
    // Spring Boot stores nested jars uncompressed; one deflated here too, as plain `jar` would.
    [
      'BOOT-INF/lib/commons-lang3-3.14.0.jar',
      'BOOT-INF/lib/guava-33.0.0-jre.jar',
      'BOOT-INF/lib/naked-1.2.3.jar',
    ],
  );
}
