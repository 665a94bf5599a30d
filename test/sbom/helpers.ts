import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Platform } from '@deliverkit/oci-core';
import { type LayerSource } from '../../packages/sbom/src/types';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const FIXTURES = join(HERE, '..', 'fixtures', 'sbom');

/** ajv and friends are dev dependencies of packages/sbom; resolve them from there. */
export const requireFromSbom = createRequire(join(HERE, '..', '..', 'packages', 'sbom', 'package.json'));

export type FileSpec =
  string | Buffer | { content: string | Buffer; mode?: number } | { symlink: string } | { hardlink: string };

/**
 * A layer tar made by GNU tar from a real directory tree, so the reader is tested against what
 * real tools write. `format` picks GNU tar's header flavour; long names exercise each one's
 * long-name mechanism (GNU 'L' entries, pax `path` records, ustar prefix).
 */
export function tarLayer(
  files: Record<string, FileSpec>,
  options: { format?: 'gnu' | 'pax' | 'ustar'; gzip?: boolean; zstd?: boolean; transform?: string } = {},
): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'sbom-layer-'));
  try {
    const names: string[] = [];
    for (const [path, spec] of Object.entries(files)) {
      const target = join(dir, path);
      mkdirSync(dirname(target), { recursive: true });
      names.push(path.replace(/^\/+/, ''));
      if (typeof spec === 'string' || Buffer.isBuffer(spec)) writeFileSync(target, spec);
      else if ('symlink' in spec) symlinkSync(spec.symlink, target);
      else if ('hardlink' in spec) linkSync(join(dir, spec.hardlink), target);
      else writeFileSync(target, spec.content, { mode: spec.mode ?? 0o644 });
    }
    const args = [
      `--format=${options.format ?? 'gnu'}`,
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--mtime=@0',
      '-C',
      dir,
      '-cf',
      '-',
    ];
    if (options.transform) args.push('-P', `--transform=${options.transform}`);
    const result = spawnSync('tar', [...args, ...names.sort()], { maxBuffer: 1 << 30 });
    if (result.status !== 0) throw new Error(`tar failed: ${result.stderr.toString()}`);
    let out = result.stdout;
    if (options.gzip) out = gzipSync(out);
    if (options.zstd) {
      const z = spawnSync('zstd', ['-q', '-c'], { input: out, maxBuffer: 1 << 30 });
      if (z.status !== 0) throw new Error(`zstd failed: ${z.stderr.toString()}`);
      out = z.stdout;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Yields the blob in small uneven chunks, so headers and bodies straddle chunk boundaries. */
function chunked(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0, n = 0; i < buf.length; n++) {
    const len = size + (n % 7) * 37;
    parts.push(buf.subarray(i, i + len));
    i += len;
  }
  return Readable.from(parts);
}

export function memorySource(
  layers: Buffer[],
  options: { name?: string; platform?: Platform; created?: string; chunk?: number } = {},
): LayerSource {
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const digest = sha256(Buffer.from(JSON.stringify(layers.map(sha256))));
  return {
    subject: { name: options.name ?? 'localhost:5000/test/app', digest },
    platform,
    config: {
      created: options.created ?? '2024-05-01T12:00:00Z',
      architecture: platform.architecture,
      os: platform.os,
    },
    layers: layers.map((b) => ({
      digest: sha256(b),
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      size: b.length,
      open: async () => chunked(b, options.chunk ?? 700),
    })),
  };
}
