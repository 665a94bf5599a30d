import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  baseImageLayout,
  ensureTestbed,
  readBaseImage,
  readLayer,
  repoRoot,
  runCommand,
} from '@deliverkit/testing-testbed';

const ELF_MACHINE = { amd64: 62, arm64: 183 } as const;

beforeAll(() => ensureTestbed());

const blobPath = (digest: string) => path.join(baseImageLayout, 'blobs', ...digest.split(':'));

describe('when scripts/testbed.sh runs on a machine it already set up', () => {
  it('checks, changes nothing and finishes quickly', async () => {
    const before = await readBaseImage();
    const started = performance.now();
    const { stderr } = await runCommand('bash', [path.join(repoRoot, 'scripts/testbed.sh')], {
      timeoutMs: 60_000,
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(stderr).toContain('testbed: ready');
    expect(stderr).not.toMatch(/installing|building|starting dockerd/);
    expect(await readBaseImage()).toEqual(before);
  });
});

describe('the busybox base image', () => {
  it('has a linux/amd64 and a linux/arm64 manifest whose busybox is built for that machine', async () => {
    const image = await readBaseImage();
    expect(image.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    for (const { platform, digest } of image.platforms) {
      const arch = platform.split('/')[1] as keyof typeof ELF_MACHINE;
      const manifest = JSON.parse(await readFile(blobPath(digest), 'utf8')) as {
        config: { digest: string };
        layers: { digest: string }[];
      };
      const config = JSON.parse(await readFile(blobPath(manifest.config.digest), 'utf8')) as {
        architecture: string;
        os: string;
      };
      expect(config).toMatchObject({ architecture: arch, os: 'linux' });
      const entries = readLayer(await readFile(blobPath(manifest.layers[0]!.digest)));
      const busybox = entries.find((e) => e.path === 'bin/busybox')!;
      expect(busybox.content.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
      expect(busybox.content.readUInt16LE(18)).toBe(ELF_MACHINE[arch]);
      expect(entries.find((e) => e.path === 'bin/sh')).toMatchObject({
        type: '2',
        linkTarget: '/bin/busybox',
      });
    }
  });
});

describe('ensureTestbed', () => {
  it('names what is missing and the command that fixes it', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(ensureTestbed({ docker: false })).rejects.toThrow(
        /buildah is not installed.*Run `bash scripts\/testbed\.sh` first/,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it('finds dockerd answering on its socket', async () => {
    const version = await new Promise<{ ApiVersion: string }>((resolve, reject) => {
      http
        .get({ socketPath: '/var/run/docker.sock', path: '/version' }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ApiVersion: string }),
          );
        })
        .on('error', reject);
    });
    expect(version.ApiVersion).toMatch(/^1\.\d+$/);
  });
});
