import { gunzipSync } from 'node:zlib';
import { type ImageIndex, type ImageManifest, type ImageReference } from '@deliverkit/oci-core';
import { type Registries } from '@deliverkit/oci';

/** Files of a tar archive (regular files only), by path without a leading `./` or `/`. */
export function tarFiles(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] as number);
    const prefix = field(345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '\0') {
      name = name.replace(/^\.?\//, '');
      files.set(name, Buffer.from(body));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** The content of `file` in an image (last layer that has it wins), read from the registry. */
export async function readImageFile(
  registries: Registries,
  ref: ImageReference,
  manifestDigest: string,
  file: string,
): Promise<string | undefined> {
  const client = registries.client(ref.registry);
  const { manifest } = await client.getManifest(ref.repository, manifestDigest);
  let found: string | undefined;
  for (const layer of (manifest as ImageManifest).layers) {
    const blob = await client.fetchBlob(ref.repository, layer, 64 * 1024 * 1024);
    const content = tarFiles(gunzipSync(blob)).get(file);
    if (content) found = content.toString('utf8');
  }
  return found;
}

export async function readIndex(registries: Registries, ref: ImageReference, reference: string) {
  const fetched = await registries.client(ref.registry).getManifest(ref.repository, reference);
  return { ...fetched, index: fetched.manifest as ImageIndex };
}

export async function readConfig(registries: Registries, ref: ImageReference, manifestDigest: string) {
  const client = registries.client(ref.registry);
  const { manifest } = await client.getManifest(ref.repository, manifestDigest);
  const m = manifest as ImageManifest;
  const config = JSON.parse((await client.fetchBlob(ref.repository, m.config)).toString('utf8')) as {
    architecture: string;
    os: string;
    config?: { Labels?: Record<string, string> };
  };
  return { manifest: m, config };
}
