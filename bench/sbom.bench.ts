/**
 * SBOM benchmark: the bundled sbom action (native engine, SPDX + CycloneDX, one platform) vs two peers on the same
 * image, same run:
 *  - syft v1.51.0 (the tool belt's build, .tools/bin/syft): the same registry image by digest, the same platform,
 *    SPDX 2.3 + CycloneDX 1.6 in one pass — the like-for-like peer (target ours/syft ≤ 0.5);
 *  - @cyclonedx/cdxgen (CycloneDX only; its trivy plugin for OS packages) on an exported archive of the image
 *    (target ours/cdxgen ≤ 0.2).
 *
 *   bash scripts/testbed.sh && node scripts/build.mjs sbom \
 *     && npm i --prefix .tools/cdxgen @cyclonedx/cdxgen@12.8.4 @cyclonedx/cdxgen-plugins-bin@1.8.0 \
 *     && npx tsx bench/sbom.bench.ts
 *
 * The image (test/sbom/bench-image.ts, shared with the syft peer test): the test bed's busybox base plus this
 * machine's real dpkg database and copyright files (hundreds of Debian packages), every npm package of this
 * repository's node_modules store copied under /app/node_modules, and the Go fixture binary. Ours and syft run
 * SBOM_BENCH_RUNS times each (default 3), alternating, and the medians are compared. Without syft (`bash
 * scripts/tools.sh syft`) the benchmark fails; without .tools/cdxgen that peer is skipped.
 * Prints: wall time of each and their ratio, peak RSS, throughput (uncompressed MB/s), and the package-set
 * difference (purl match against syft, differences the README's "Differences from syft" table does not list;
 * names+versions only one of ours and cdxgen finds).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openRegistries } from '@deliverkit/oci';
import { openRegistryImage } from '../packages/sbom/src/registry-image';
import { syftScanArgs } from '../packages/sbom/src/syft';
import { buildSbomBenchImage } from '../test/sbom/bench-image';
import {
  compareWithSyft,
  fromOurCycloneDx,
  fromSyftCycloneDx,
  peerSyftEnvironment,
  readDifferencesTable,
  unexplained,
} from '../test/sbom/syft-compare';
import {
  ensureTestbed,
  pushBaseImage,
  repoRoot,
  runCommand,
  startRegistry,
  stopAll,
  toolPath,
} from '@deliverkit/testing-testbed';

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
    const image = `${registry.host}/bench/big:v1`;
    const { bytes, debCount, npmCount } = await buildSbomBenchImage(registry, scratch, image);
    console.log(
      `image: ${(bytes / 1e6).toFixed(0)} MB of files, ${debCount} dpkg entries, ${npmCount} npm packages`,
    );
    // syft scans by digest only (as the action's engine: syft does): resolve the tag once, outside the timing.
    const registries = openRegistries([], { insecureHosts: [registry.host], onSecret: () => {} });
    const { digest } = await openRegistryImage(registries, image);
    const syft = toolPath('syft');

    const runDir = path.join(scratch, 'runner');
    await mkdir(runDir, { recursive: true });
    const runOurs = async (n: number) => {
      const outDir = path.join(scratch, `ours-${n}`);
      await writeFile(path.join(runDir, 'out'), '');
      const m = await measure(process.execPath, [path.join(repoRoot, 'dist/sbom/index.js')], {
        PATH: process.env.PATH,
        HOME: runDir,
        GITHUB_OUTPUT: path.join(runDir, 'out'),
        INPUT_IMAGE: image,
        INPUT_PLATFORMS: 'linux/amd64',
        'INPUT_OUTPUT-DIR': outDir,
        'INPUT_UPLOAD-ARTIFACT': 'false',
      });
      if (m.code !== 0) throw new Error(`sbom action failed: ${m.stdout}\n${m.stderr}`);
      return { ...m, cdx: path.join(outDir, 'linux-amd64.cdx.json') };
    };
    const runSyft = async (n: number) => {
      const dir = path.join(scratch, `syft-${n}`);
      await mkdir(dir, { recursive: true });
      const cdx = path.join(dir, 'linux-amd64.cdx.json');
      const args = syftScanArgs({
        image: `${registry.host}/bench/big@${digest}`,
        platform: { os: 'linux', architecture: 'amd64' },
        outputs: [
          { format: 'spdx-json', path: path.join(dir, 'linux-amd64.spdx.json') },
          { format: 'cyclonedx-json', path: cdx },
        ],
      });
      const m = await measure(syft, args, peerSyftEnvironment(dir));
      if (m.code !== 0) throw new Error(`syft failed: ${m.stderr.split('\n').slice(-5).join(' | ')}`);
      return { ...m, cdx };
    };
    const runs = Number(process.env.SBOM_BENCH_RUNS ?? 3);
    const oursRuns: Awaited<ReturnType<typeof runOurs>>[] = [];
    const syftRuns: Awaited<ReturnType<typeof runSyft>>[] = [];
    for (let n = 0; n < runs; n++) {
      oursRuns.push(await runOurs(n));
      syftRuns.push(await runSyft(n));
    }
    const median = <T extends Measured>(xs: T[]): T => [...xs].sort((x, y) => x.ms - y.ms)[xs.length >> 1]!;
    const ours = median(oursRuns);
    const peerSyft = median(syftRuns);
    const times = (xs: Measured[]) => xs.map((x) => (x.ms / 1000).toFixed(1)).join(' / ');

    const ourBom = JSON.parse(await readFile(ours.cdx, 'utf8'));
    const ourKeys = new Set<string>(
      ourBom.components.map((c: { purl?: string }) => c.purl && purlKey(c.purl)).filter(Boolean),
    );
    console.log(
      `ours (native, SPDX + CycloneDX): ${(ours.ms / 1000).toFixed(1)} s median of ${times(oursRuns)}, ` +
        `peak RSS ${(ours.maxRssKb / 1024).toFixed(0)} MB, ${ourBom.components.length} components, ` +
        `${(bytes / 1e6 / (ours.ms / 1000)).toFixed(0)} MB/s of files`,
    );
    const syftBom = JSON.parse(await readFile(peerSyft.cdx, 'utf8'));
    console.log(
      `syft v1.51.0 (registry, SPDX + CycloneDX): ${(peerSyft.ms / 1000).toFixed(1)} s median of ${times(syftRuns)}, ` +
        `peak RSS ${(peerSyft.maxRssKb / 1024).toFixed(0)} MB, ${(syftBom.components ?? []).length} components`,
    );
    console.log(`time ratio ours/syft: ${(ours.ms / peerSyft.ms).toFixed(3)} (target ≤ 0.5)`);
    const vsSyft = compareWithSyft(fromOurCycloneDx(ourBom), fromSyftCycloneDx(syftBom));
    const unlisted = unexplained(vsSyft.differences, await readDifferencesTable());
    console.log(
      `vs syft: ${vsSyft.matchedPurlsOfOurTypes}/${vsSyft.syftPurlsOfOurTypes} of syft's purls of our types ` +
        `(${((100 * vsSyft.matchedPurlsOfOurTypes) / vsSyft.syftPurlsOfOurTypes).toFixed(1)} %), ` +
        `${vsSyft.differences.length} differences, ${unlisted.length} not in the README table` +
        unlisted
          .slice(0, 20)
          .map((d) => `\n  ${d.difference}: ${d.key}`)
          .join(''),
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
