import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import {
  ActionsLogger,
  assertImageRecordDigest,
  ConfigurationError,
  exec,
  imageRecordOutput,
  InputError,
  installTool,
  type Logger,
  setOutputs,
  SummaryBuilder,
} from '@deliverkit/action-kit';
import { IMAGE_RECORD_SCHEMA_VERSION, type ImageRecord } from '@deliverkit/image-record';
import { formatBytes, openRegistries } from '@deliverkit/oci';
import {
  catalogImage,
  type CatalogSummary,
  FILE_EXTENSIONS,
  type LayerSource,
  openRegistryImage,
  platformText,
  PREDICATE_TYPES,
  renderSbom,
  SbomError,
  type SbomFormat,
  summarizeCatalog,
  syftEnvironment,
  syftReleaseAsset,
  syftScanArgs,
  type UncataloguedEcosystem,
} from '@deliverkit/sbom';
import { uploadArtifact as upload } from './artifact';
import { type Inputs, readInputs } from './inputs';

interface PlatformResult {
  platform: string;
  digest: string;
  files: Partial<Record<SbomFormat, string>>;
  summary?: CatalogSummary;
  uncatalogued: UncataloguedEcosystem[];
  warnings: string[];
}

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
    const fileOf = (source: LayerSource, format: SbomFormat) =>
      path.join(outDir, `${platformText(source.platform).replace(/\//g, '-')}.${FILE_EXTENSIONS[format]}`);

    if (inputs['dry-run']) {
      const summary = new SummaryBuilder().plan({
        title: `SBOMs for ${image.reference.name}@${image.digest}`,
        steps: image.sources.flatMap((s) =>
          inputs.formats.map((f) => ({
            action: 'write',
            target: fileOf(s, f),
            detail: `${f} of ${platformText(s.platform)}: ${s.layers.length} layers, ${formatBytes(s.layers.reduce((n, l) => n + l.size, 0))} to read (${inputs.engine})`,
          })),
        ),
        notes: ['dry-run: nothing was downloaded or written'],
      });
      const results = image.sources.map((s) => ({
        platform: platformText(s.platform),
        digest: s.subject.digest,
        files: Object.fromEntries(inputs.formats.map((f) => [f, fileOf(s, f)])),
        uncatalogued: [],
        warnings: [],
      }));
      writeOutputs(inputs, image.reference.name, image.digest, results);
      await summary.write();
      return;
    }

    // Every platform is read and rendered before the first file is written: a layer that fails (a bound
    // reached, a digest mismatch) leaves no SBOM of the other platforms behind to be mistaken for a result.
    const rendered: { path: string; text: string }[] = [];
    const results: PlatformResult[] = [];
    for (const source of image.sources) {
      const platform = platformText(source.platform);
      const files = Object.fromEntries(inputs.formats.map((f) => [f, fileOf(source, f)])) as Record<
        SbomFormat,
        string
      >;
      const result = await logger.group(`SBOM for ${platform} (${source.subject.digest})`, async () => {
        if (inputs.engine === 'syft') {
          await mkdir(outDir, { recursive: true });
          await runSyft(inputs, `${image.reference.name}@${source.subject.digest}`, source, files, logger);
          return { platform, digest: source.subject.digest, files, uncatalogued: [], warnings: [] };
        }
        const catalog = await catalogImage(source, { logger, limits: inputs.limits });
        for (const f of inputs.formats) rendered.push({ path: files[f], text: renderSbom(catalog, f) });
        for (const w of catalog.warnings.slice(0, 20)) logger.warning(`${platform}: ${w}`);
        if (catalog.warnings.length > 20)
          logger.warning(`${platform}: ${catalog.warnings.length - 20} more warnings`);
        const summary = summarizeCatalog(catalog);
        logger.info(`${platform}: ${summary.total} packages`);
        return {
          platform,
          digest: source.subject.digest,
          files,
          summary,
          uncatalogued: catalog.uncatalogued,
          warnings: catalog.warnings,
        };
      });
      results.push(result);
    }
    await mkdir(outDir, { recursive: true });
    for (const file of rendered) await writeFile(file.path, file.text);

    const artifact = inputs['upload-artifact']
      ? await uploadArtifact(inputs, image.reference.name, image.digest, outDir, results, logger)
      : undefined;
    writeOutputs(inputs, image.reference.name, image.digest, results, artifact);
    await writeSummary(image.reference.name, image.digest, results, artifact).write();
  } finally {
    registries.close();
  }
}

async function runSyft(
  inputs: Inputs,
  image: string,
  source: LayerSource,
  files: Record<SbomFormat, string>,
  logger: Logger,
): Promise<void> {
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
  const args = syftScanArgs({
    image,
    platform: source.platform,
    outputs: inputs.formats.map((format) => ({ format, path: files[format] })),
  });
  try {
    await exec(syft, args, {
      env: syftEnvironment({
        credential: auth?.username
          ? { registry: auth.registry, username: auth.username, password: auth.password! }
          : undefined,
        insecure: auth?.insecure,
      }),
      stream: true,
      logger,
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'COMMAND_NOT_FOUND') {
      throw new ConfigurationError(
        'MISSING_TOOL',
        'syft not found. Set syft-version and syft-sha256 to install a pinned release, or use engine: native',
        { cause: e },
      );
    }
    throw e;
  }
}

/** Artifact names must be unique in a workflow run: image, digest and platforms make matrix jobs distinct. */
function artifactName(inputs: Inputs, name: string, digest: string, results: PlatformResult[]): string {
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
  results: PlatformResult[],
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
  results: PlatformResult[],
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
  results: PlatformResult[],
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
  results: PlatformResult[],
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
