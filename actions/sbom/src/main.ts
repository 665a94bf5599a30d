import path from 'node:path';
import * as core from '@actions/core';
import {
  ActionsLogger,
  assertImageRecordDigest,
  imageRecordOutput,
  InputError,
  installTool,
  type Logger,
  setOutputs,
  SummaryBuilder,
} from '@deliverkit/action-kit';
import { IMAGE_RECORD_SCHEMA_VERSION, type ImageRecord } from '@deliverkit/image-record';
import { formatBytes, openRegistries } from '@deliverkit/oci';
import { formatPlatform } from '@deliverkit/oci-core';
import {
  type CatalogSummary,
  generateSboms,
  openRegistryImage,
  planSboms,
  type PlatformSbom,
  PREDICATE_TYPES,
  SbomError,
  type SbomFormat,
  syftEnvironment,
  syftReleaseAsset,
} from '@deliverkit/sbom';
import { uploadArtifact as upload } from './artifact';
import { type Inputs, readInputs } from './inputs';

export async function main(inputs: Inputs = readInputs()): Promise<void> {
  const logger = new ActionsLogger();
  const registries = openRegistries(inputs['registry-auths'], {
    logger,
    onSecret: core.setSecret,
    limits: inputs.limits,
  });
  try {
    const image = await openRegistryImage(registries, inputs.image, { platforms: inputs.platforms }).catch(
      (e: unknown) => {
        // A missing image or platform is the workflow's mistake, not ours: report it as such.
        if (e instanceof SbomError && e.code === 'IMAGE_NOT_FOUND')
          throw new InputError('image', e.message, 'INPUT_INVALID', { cause: e });
        if (e instanceof SbomError && e.code === 'PLATFORM_NOT_FOUND') {
          throw new InputError('platforms', e.message, 'INPUT_INVALID', { cause: e });
        }
        throw e;
      },
    );
    // A record about another image fails here, before any layer is read.
    assertImageRecordDigest(inputs['image-record'], image.digest);
    const outDir = path.resolve(inputs['output-dir']);

    if (inputs['dry-run']) {
      const planned = planSboms(image, { formats: inputs.formats, outDir });
      const summary = new SummaryBuilder().plan({
        title: `SBOMs for ${image.reference.name}@${image.digest}`,
        steps: image.sources.flatMap((s, i) =>
          inputs.formats.map((f) => ({
            action: 'write',
            target: planned[i]!.files[f]!,
            detail: `${f} of ${formatPlatform(s.platform)}: ${s.layers.length} layers, ${formatBytes(s.layers.reduce((n, l) => n + l.size, 0))} to read (${inputs.engine})`,
          })),
        ),
        notes: ['dry-run: nothing was downloaded or written'],
      });
      writeOutputs(inputs, image.reference.name, image.digest, planned);
      await summary.write();
      return;
    }

    const results = await generateSboms(image, {
      formats: inputs.formats,
      outDir,
      engine: inputs.engine,
      syft: inputs.engine === 'syft' ? await syftTool(inputs, logger) : undefined,
      limits: inputs.limits,
      logger,
    });

    const artifact = inputs['upload-artifact']
      ? await uploadArtifact(inputs, image.reference.name, image.digest, outDir, results, logger)
      : undefined;
    writeOutputs(inputs, image.reference.name, image.digest, results, artifact);
    await writeSummary(image.reference.name, image.digest, results, artifact).write();
  } finally {
    registries.close();
  }
}

/** engine syft: the pinned release installed (or syft from PATH) and the environment it reads the registry with. */
async function syftTool(
  inputs: Inputs,
  logger: Logger,
): Promise<{ path: string; env: Record<string, string> }> {
  let syft = 'syft';
  if (inputs['syft-version']) {
    const asset = syftReleaseAsset(inputs['syft-version'], process.arch);
    const installed = await installTool(
      {
        name: 'syft',
        version: inputs['syft-version'].replace(/^v/, ''),
        url: asset.url,
        sha256: inputs['syft-sha256']!,
        format: 'tar.gz',
        binary: asset.binary,
      },
      logger,
    );
    syft = installed.path;
  }
  const auth = inputs['registry-auths'].find((a) => a.registry === inputs.image.registry);
  return {
    path: syft,
    env: syftEnvironment({
      credential: auth?.username
        ? { registry: auth.registry, username: auth.username, password: auth.password! }
        : undefined,
      insecure: auth?.insecure,
    }),
  };
}

/** Artifact names must be unique in a workflow run: image, digest and platforms make matrix jobs distinct. */
function artifactName(inputs: Inputs, name: string, digest: string, results: PlatformSbom[]): string {
  if (inputs['artifact-name']) return inputs['artifact-name'];
  const repo = name
    .split('/')
    .pop()!
    .replace(/[^A-Za-z0-9._-]+/g, '-');
  const platforms = results.map((r) => r.platform.replace(/\//g, '-')).join('_');
  return `sbom-${repo}-${digest.replace(/^sha256:/, '').slice(0, 12)}-${platforms}`;
}

async function uploadArtifact(
  inputs: Inputs,
  name: string,
  digest: string,
  outDir: string,
  results: PlatformSbom[],
  logger: Logger,
): Promise<{ name: string; id?: number } | undefined> {
  if (!process.env.ACTIONS_RUNTIME_TOKEN) {
    logger.warning(
      'upload-artifact skipped: not running on a GitHub Actions runner (no ACTIONS_RUNTIME_TOKEN)',
    );
    return undefined;
  }
  const artifact = artifactName(inputs, name, digest, results);
  const files = results.flatMap((r) => Object.values(r.files));
  const { id } = await upload(artifact, files, outDir, { logger });
  logger.info(`uploaded artifact ${artifact} (${files.length} files)`);
  return { name: artifact, id };
}

/** The record handed on: the input one (about this digest) or a new one, with each platform's SBOM files. */
function sbomRecord(
  inputs: Inputs,
  name: string,
  digest: string,
  results: PlatformSbom[],
  artifact?: { name: string },
): ImageRecord {
  const base = inputs['image-record'] ?? { schemaVersion: IMAGE_RECORD_SCHEMA_VERSION, name, digest };
  const platforms = { ...base.platforms };
  for (const r of results)
    platforms[r.platform] = { ...platforms[r.platform], digest: r.digest, sboms: { ...r.files } };
  return imageRecordOutput({
    ...base,
    platforms,
    sbom: { engine: inputs.engine, ...(artifact ? { artifact: artifact.name } : {}) },
  });
}

function writeOutputs(
  inputs: Inputs,
  name: string,
  digest: string,
  results: PlatformSbom[],
  artifact?: { name: string; id?: number },
): void {
  const sboms = Object.fromEntries(
    results.map((r) => [
      r.platform,
      {
        digest: r.digest,
        files: Object.fromEntries(
          Object.entries(r.files).map(([f, p]) => [
            f,
            { path: p, predicateType: PREDICATE_TYPES[f as SbomFormat] },
          ]),
        ),
        packages: r.summary?.total ?? null,
        byEcosystem: r.summary?.byEcosystem ?? null,
        uncatalogued: r.uncatalogued.map((u) => u.ecosystem),
      },
    ]),
  );
  setOutputs(
    {
      digest,
      sboms,
      paths: results.flatMap((r) => Object.values(r.files)).join('\n'),
      'artifact-name': artifact?.name,
      'image-record': sbomRecord(inputs, name, digest, results, artifact),
    },
    { json: 'json' },
  );
}

function writeSummary(
  name: string,
  digest: string,
  results: PlatformSbom[],
  artifact?: { name: string },
): SummaryBuilder {
  const summary = new SummaryBuilder().heading(`SBOMs for ${name}@${digest}`);
  const ecosystems = [...new Set(results.flatMap((r) => Object.keys(r.summary?.byEcosystem ?? {})))].sort();
  if (results.some((r) => r.summary)) {
    summary.table(
      ['platform', 'packages', ...ecosystems, 'top licenses', 'not catalogued'],
      results.map((r) => [
        r.platform,
        String(r.summary?.total ?? '—'),
        ...ecosystems.map((e) =>
          String(r.summary?.byEcosystem[e as keyof CatalogSummary['byEcosystem']] ?? 0),
        ),
        (r.summary?.topLicenses ?? []).map((l) => `${l.license} (${l.packages})`).join(', ') || '—',
        r.uncatalogued.map((u) => `${u.ecosystem} (${u.count})`).join(', ') || 'none',
      ]),
    );
  }
  const uncatalogued = results.flatMap((r) =>
    r.uncatalogued.map((u) => `${r.platform}: ${u.ecosystem} — ${u.reason}`),
  );
  if (uncatalogued.length > 0) summary.paragraph(`**Not catalogued:** ${uncatalogued.join('; ')}`);
  summary.table(
    ['platform', 'file', 'predicate type'],
    results.flatMap((r) =>
      Object.entries(r.files).map(([f, p]) => [r.platform, p, PREDICATE_TYPES[f as SbomFormat]]),
    ),
  );
  const warnings = results.flatMap((r) => r.warnings.map((w) => `${r.platform}: ${w}`));
  if (warnings.length > 0)
    summary.details(`${warnings.length} warnings`, warnings.map((w) => `- ${w}`).join('\n'));
  if (artifact) summary.paragraph(`Uploaded as artifact \`${artifact.name}\`.`);
  return summary;
}
