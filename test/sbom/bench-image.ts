import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { privateBuildah, repoRoot, type RegistryHandle } from '@deliverkit/testing-testbed';

export interface BenchImage {
  /** Bytes of the files added over the base. */
  bytes: number;
  debCount: number;
  npmCount: number;
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return total;
}

/** Copies each package of the pnpm store once (first version wins), as a flat node_modules. */
async function copyNodeModules(target: string): Promise<number> {
  const store = path.join(repoRoot, 'node_modules', '.pnpm');
  const seen = new Set<string>();
  for (const entry of (await readdir(store)).sort()) {
    const nm = path.join(store, entry, 'node_modules');
    let names: string[];
    try {
      names = await readdir(nm);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const pkgs = name.startsWith('@')
        ? (await readdir(path.join(nm, name))).sort().map((n) => `${name}/${n}`)
        : [name];
      for (const pkg of pkgs) {
        if (seen.has(pkg)) continue;
        const src = path.join(nm, pkg);
        try {
          JSON.parse(await readFile(path.join(src, 'package.json'), 'utf8'));
        } catch {
          continue;
        }
        seen.add(pkg);
        await cp(src, path.join(target, pkg), { recursive: true, dereference: true });
      }
    }
  }
  return seen.size;
}

/**
 * The sbom benchmark image, pushed single-platform (linux/amd64) to `image`; `registry` must already hold the test
 * bed's busybox base as `base/busybox:latest`. The base plus this machine's real dpkg database and copyright files
 * (hundreds of Debian packages), every npm package of this repository's node_modules store copied under
 * /app/node_modules, and the Go fixture binary. Shared by bench/sbom.bench.ts and the syft peer test.
 */
export async function buildSbomBenchImage(
  registry: RegistryHandle,
  scratch: string,
  image: string,
): Promise<BenchImage> {
  const context = path.join(scratch, 'bench-context');
  const rootfs = path.join(context, 'rootfs');
  await mkdir(path.join(rootfs, 'var/lib/dpkg'), { recursive: true });
  await cp('/var/lib/dpkg/status', path.join(rootfs, 'var/lib/dpkg/status'));
  // /etc/os-release is a relative link on Debian; fs.cp would copy it as a link pointing at itself inside the
  // image (no distro found by anyone), so copy the content.
  await mkdir(path.join(rootfs, 'usr/lib'), { recursive: true });
  await writeFile(path.join(rootfs, 'usr/lib/os-release'), await readFile('/etc/os-release'));
  for (const doc of await readdir('/usr/share/doc')) {
    try {
      await cp(`/usr/share/doc/${doc}/copyright`, path.join(rootfs, 'usr/share/doc', doc, 'copyright'));
    } catch {
      /* packages without a copyright file, or doc dirs that are symlinks */
    }
  }
  const npmCount = await copyNodeModules(path.join(rootfs, 'app', 'node_modules'));
  await cp(path.join(repoRoot, 'test/fixtures/sbom/go-app-amd64'), path.join(rootfs, 'usr/local/bin/app'));
  const debCount = (await readFile('/var/lib/dpkg/status', 'utf8')).split(/\n(?=Package: )/).length;
  const bytes = await dirSize(rootfs);
  await writeFile(
    path.join(context, 'Containerfile'),
    `FROM ${registry.host}/base/busybox:latest\nCOPY rootfs/ /\n`,
  );
  const buildah = privateBuildah(scratch, 900_000);
  await buildah([
    'build',
    '--tls-verify=false',
    '--platform',
    'linux/amd64',
    '-t',
    'localhost/bench-big',
    '--file',
    path.join(context, 'Containerfile'),
    context,
  ]);
  await buildah(['push', '--tls-verify=false', 'localhost/bench-big', `docker://${image}`]);
  return { bytes, debCount, npmCount };
}
