import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistries } from '../../packages/oci/src';
import { formatPlatform, parsePlatform } from '@deliverkit/oci-core';
import { catalogImage } from '../../packages/sbom/src/catalog';
import { openRegistryImage } from '../../packages/sbom/src/registry-image';
import {
  ensureTestbed,
  pushBaseImage,
  runCommand,
  startRegistry,
  stopAll,
  toolPath,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { buildSbomBenchImage } from './bench-image';
import { buildSbomE2eImage } from './e2e-image';
import {
  compareWithSyft,
  type Comparison,
  describeDifference,
  type Difference,
  type DifferenceRow,
  fromOurs,
  fromSyftJson,
  peerSyftEnvironment,
  readDifferencesTable,
  rowMatches,
  unexplained,
} from './syft-compare';

let registry: RegistryHandle;
let scratch: string;
let rows: DifferenceRow[];
const seen: Difference[] = [];

beforeAll(async () => {
  await ensureTestbed({ qemu: true });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'sbom-syft-peer-'));
  registry = await startRegistry('plain');
  await pushBaseImage(registry, 'base/busybox', 'latest');
  rows = await readDifferencesTable();
});

afterAll(async () => {
  await stopAll();
  await rm(scratch, { recursive: true, force: true });
});

/**
 * Catalogs one platform of `image` with the native engine and with syft, both reading the registry by the same
 * index digest, and compares what they found.
 */
async function compareOnPlatform(image: string, platformName: string): Promise<Comparison> {
  const platform = parsePlatform(platformName, 'platform');
  const registries = openRegistries([], { insecureHosts: [registry.host], onSecret: () => {} });
  const opened = await openRegistryImage(registries, image, { platforms: [platform] });
  const [source] = opened.sources;
  const catalog = await catalogImage(source!);

  const dir = path.join(scratch, `syft-${opened.digest.slice(7, 19)}-${platform.architecture}`);
  await mkdir(dir, { recursive: true });
  const out = path.join(dir, 'syft.json');
  await runCommand(
    toolPath('syft'),
    [
      'scan',
      `registry:${opened.reference.name}@${opened.digest}`,
      '--platform',
      formatPlatform(platform),
      '--quiet',
      '-o',
      `syft-json=${out}`,
    ],
    { env: peerSyftEnvironment(dir), timeoutMs: 300_000 },
  );
  const syftDocument = JSON.parse(await readFile(out, 'utf8'));
  // Both must have read the same manifest, or the comparison means nothing.
  expect(syftDocument.source.metadata.manifestDigest).toBe(source!.subject.digest);

  const comparison = compareWithSyft(fromOurs(catalog.packages), fromSyftJson(syftDocument));
  seen.push(...comparison.differences);
  console.log(
    `${image} ${platformName}: ours ${catalog.packages.length} packages (${comparison.ours} purls), ` +
      `syft ${syftDocument.artifacts.length} (${comparison.syft} purls); ` +
      `${comparison.matchedPurlsOfOurTypes}/${comparison.syftPurlsOfOurTypes} of syft's purls of our types matched; ` +
      `differences:\n  ${comparison.differences.map(describeDifference).join('\n  ')}`,
  );
  return comparison;
}

function expectOnlyListedDifferences(comparison: Comparison): void {
  expect(unexplained(comparison.differences, rows).map(describeDifference)).toEqual([]);
  expect(comparison.syftPurlsOfOurTypes).toBeGreaterThan(0);
  expect(comparison.matchedPurlsOfOurTypes / comparison.syftPurlsOfOurTypes).toBeGreaterThanOrEqual(0.95);
}

describe('on the sbom e2e image (Debian, npm, Python, Go, Maven; two platforms)', () => {
  let image: string;

  beforeAll(async () => {
    image = `${registry.host}/acme/app:v1`;
    await buildSbomE2eImage(registry, scratch, image);
  }, 600_000);

  it.each(['linux/amd64', 'linux/arm64'])(
    'on %s differs from syft only as the README table says, and finds all its Go, npm, deb, Python and Maven purls',
    async (platform) => {
      const comparison = await compareOnPlatform(image, platform);
      expectOnlyListedDifferences(comparison);
      // A fixture this small has no excuse for a miss: every syft purl of our types is ours.
      expect(comparison.matchedPurlsOfOurTypes).toBe(comparison.syftPurlsOfOurTypes);
      expect(comparison.syftPurlsOfOurTypes).toBe(platform === 'linux/arm64' ? 15 : 14);
    },
  );
});

describe('on the benchmark image (this machine’s dpkg database, the repository’s npm packages, a Go binary)', () => {
  let image: string;

  beforeAll(async () => {
    image = `${registry.host}/bench/big:v1`;
    await buildSbomBenchImage(registry, scratch, image);
  }, 900_000);

  it('differs from syft only as the README table says, matching at least 95 % of its purls', async () => {
    const comparison = await compareOnPlatform(image, 'linux/amd64');
    expectOnlyListedDifferences(comparison);
    expect(comparison.syftPurlsOfOurTypes).toBeGreaterThan(1000);
  });
});

describe('the "Differences from syft" table', () => {
  it('has no row that no difference needed in this run', () => {
    expect(seen.length).toBeGreaterThan(0);
    const stale = rows.filter((r) => !seen.some((d) => rowMatches(r, d)));
    expect(stale.map((r) => `${r.difference} | ${r.packages}`)).toEqual([]);
  });
});
