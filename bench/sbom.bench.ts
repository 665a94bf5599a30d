/**
 * SBOM benchmark: the bundled sbom action (native engine, SPDX + CycloneDX, one platform) vs @cyclonedx/cdxgen
 * (CycloneDX only; its trivy plugin for OS packages) on an exported archive of the same image, same run.
 *
 *   bash scripts/testbed.sh && node scripts/build.mjs sbom \
 *     && npm i --prefix .tools/cdxgen @cyclonedx/cdxgen@12.8.4 @cyclonedx/cdxgen-plugins-bin@1.8.0 \
 *     && npx tsx bench/sbom.bench.ts
 *
 * The image: the test bed's busybox base plus this machine's real dpkg database and copyright files (hundreds of
 * Debian packages), every npm package of this repository's node_modules store copied under /app/node_modules, and
 * the Go fixture binary. Without .tools/cdxgen the peer is skipped and only our figures are printed.
 * Prints: wall time of each and their ratio (target ≤ 0.2), peak RSS, throughput (uncompressed MB/s), and the
 * package-set difference (names+versions each finds that the other does not).
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../test/support/exec';
import { pushBaseImage } from '../test/support/images';
import { repoRoot } from '../test/support/paths';
import { startRegistry, stopAll } from '../test/support/registry';
import { ensureTestbed, privateBuildah } from '../test/support/testbed';

interface Measured {
  ms: number;
  maxRssKb: number;
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a command under GNU time for its peak RSS. */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Measured> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('/usr/bin/time', ['-f', 'MAXRSS=%M', cmd, ...args], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => {
      const m = /MAXRSS=(\d+)/.exec(stderr);
      resolve({
        ms: Date.now() - started,
        maxRssKb: m ? Number(m[1]) : NaN,
        stdout,
        stderr,
        code: code ?? 1,
      });
    });
  });
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
    for (const name of names) {
      const pkgs = name.startsWith('@')
        ? (await readdir(path.join(nm, name))).map((n) => `${name}/${n}`)
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

function purlKey(purl: string): string | undefined {
  const m = /^pkg:([^/]+)\/(.+)@([^?#]+)/.exec(purl);
  if (!m) return undefined;
  return `${m[1]}:${decodeURIComponent(m[2]!).replace(/^[^/]+\//, m[1] === 'npm' ? '$&' : '')}@${decodeURIComponent(m[3]!)}`;
}

async function main(): Promise<void> {
  await ensureTestbed();
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'sbom-bench-'));
  try {
    const registry = await startRegistry('plain');
    await pushBaseImage(registry, 'base/busybox', 'latest');
    const context = path.join(scratch, 'context');
    const rootfs = path.join(context, 'rootfs');
    await mkdir(path.join(rootfs, 'var/lib/dpkg'), { recursive: true });
    await cp('/var/lib/dpkg/status', path.join(rootfs, 'var/lib/dpkg/status'));
    await cp('/etc/os-release', path.join(rootfs, 'usr/lib/os-release'));
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
    const image = `${registry.host}/bench/big:v1`;
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
    console.log(
      `image: ${(bytes / 1e6).toFixed(0)} MB of files, ${debCount} dpkg entries, ${npmCount} npm packages`,
    );

    const outDir = path.join(scratch, 'ours');
    const runDir = path.join(scratch, 'runner');
    await mkdir(runDir, { recursive: true });
    await writeFile(path.join(runDir, 'out'), '');
    const ours = await measure(process.execPath, [path.join(repoRoot, 'dist/sbom/index.js')], {
      PATH: process.env.PATH,
      HOME: runDir,
      GITHUB_OUTPUT: path.join(runDir, 'out'),
      INPUT_IMAGE: image,
      INPUT_PLATFORMS: 'linux/amd64',
      'INPUT_OUTPUT-DIR': outDir,
      'INPUT_UPLOAD-ARTIFACT': 'false',
    });
    if (ours.code !== 0) throw new Error(`sbom action failed: ${ours.stdout}\n${ours.stderr}`);
    const ourBom = JSON.parse(await readFile(path.join(outDir, 'linux-amd64.cdx.json'), 'utf8'));
    const ourKeys = new Set<string>(
      ourBom.components.map((c: { purl?: string }) => c.purl && purlKey(c.purl)).filter(Boolean),
    );
    console.log(
      `ours (native, SPDX + CycloneDX): ${(ours.ms / 1000).toFixed(1)} s, peak RSS ${(ours.maxRssKb / 1024).toFixed(0)} MB, ` +
        `${ourBom.components.length} components, ${(bytes / 1e6 / (ours.ms / 1000)).toFixed(0)} MB/s of files`,
    );

    const cdxgen = path.join(repoRoot, '.tools/cdxgen/node_modules/.bin/cdxgen');
    try {
      await stat(cdxgen);
    } catch {
      console.log(
        'peer: @cyclonedx/cdxgen not installed under .tools/cdxgen — skipped (see the header for how)',
      );
      return;
    }
    const archive = path.join(scratch, 'image.tar');
    await runCommand(
      'skopeo',
      ['copy', '--src-tls-verify=false', `docker://${image}`, `docker-archive:${archive}:bench/big:v1`],
      {
        timeoutMs: 600_000,
      },
    );
    const peerOut = path.join(scratch, 'cdxgen.json');
    const peer = await measure(
      cdxgen,
      ['-t', 'docker', '-o', peerOut, archive],
      { ...process.env, CDXGEN_DEBUG_MODE: 'info' },
      scratch,
    );
    if (peer.code !== 0) {
      console.log(`peer: cdxgen exited ${peer.code}: ${peer.stderr.split('\n').slice(-5).join(' | ')}`);
      return;
    }
    const peerBom = JSON.parse(await readFile(peerOut, 'utf8'));
    const peerKeys = new Set<string>(
      (peerBom.components ?? []).map((c: { purl?: string }) => c.purl && purlKey(c.purl)).filter(Boolean),
    );
    console.log(
      `cdxgen (CycloneDX only): ${(peer.ms / 1000).toFixed(1)} s, peak RSS ${(peer.maxRssKb / 1024).toFixed(0)} MB, ` +
        `${(peerBom.components ?? []).length} components`,
    );
    console.log(`time ratio ours/cdxgen: ${(ours.ms / peer.ms).toFixed(3)} (target ≤ 0.2)`);
    const onlyOurs = [...ourKeys].filter((k) => !peerKeys.has(k)).sort();
    const onlyPeer = [...peerKeys].filter((k) => !ourKeys.has(k)).sort();
    console.log(`only ours (${onlyOurs.length}): ${onlyOurs.slice(0, 30).join(', ')}`);
    console.log(`only cdxgen (${onlyPeer.length}): ${onlyPeer.slice(0, 30).join(', ')}`);
  } finally {
    await stopAll();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
