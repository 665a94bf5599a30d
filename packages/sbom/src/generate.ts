import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Limits, type Logger, silentLogger } from '@deliverkit/action-kit';
import { formatPlatform, platformSlug } from '@deliverkit/oci-core';
import { catalogImage } from './catalog';
import { FILE_EXTENSIONS, type SbomFormat } from './formats';
import type { RegistryImage } from './registry-image';
import { renderSbom, summarizeCatalog, type CatalogSummary } from './render';
import { Syft } from './syft';
import type { LayerSource, UncataloguedEcosystem } from './types';

/** What was made for one platform of the image. */
export interface PlatformSbom {
  /** `os/arch[/variant]` */
  platform: string;
  /** The platform manifest's digest. */
  digest: string;
  /** The file written per format. */
  files: Partial<Record<SbomFormat, string>>;
  /** Package counts (native engine). */
  summary?: CatalogSummary;
  uncatalogued: UncataloguedEcosystem[];
  warnings: string[];
}

export interface GenerateSbomsOptions {
  formats: readonly SbomFormat[];
  /** Where the files go: `<os>-<arch>[-<variant>].spdx.json` / `.cdx.json`. */
  outDir: string;
  /** `native` catalogues the layers here; `syft` runs syft against the registry by digest. */
  engine: 'native' | 'syft';
  /** engine syft: the syft to run (Syft.install). */
  syft?: Syft;
  limits?: Partial<Limits>;
  logger?: Logger;
}

/** The file of one platform's SBOM in one format. */
export function sbomFilePath(outDir: string, source: LayerSource, format: SbomFormat): string {
  return path.join(outDir, `${platformSlug(source.platform)}.${FILE_EXTENSIONS[format]}`);
}

function filesOf(
  outDir: string,
  source: LayerSource,
  formats: readonly SbomFormat[],
): Record<SbomFormat, string> {
  return Object.fromEntries(formats.map((f) => [f, sbomFilePath(outDir, source, f)])) as Record<
    SbomFormat,
    string
  >;
}

/** What generateSboms would write, without reading a layer (dry-run). */
export function planSboms(
  image: RegistryImage,
  options: Pick<GenerateSbomsOptions, 'formats' | 'outDir'>,
): PlatformSbom[] {
  return image.sources.map((s) => ({
    platform: formatPlatform(s.platform),
    digest: s.subject.digest,
    files: filesOf(options.outDir, s, options.formats),
    uncatalogued: [],
    warnings: [],
  }));
}

/**
 * SBOMs for every platform of a resolved image. Every platform is read and rendered before the first file is
 * written: a layer that fails (a bound reached, a digest mismatch) leaves no SBOM of the other platforms behind to
 * be mistaken for a result.
 */
export async function generateSboms(
  image: RegistryImage,
  options: GenerateSbomsOptions,
): Promise<PlatformSbom[]> {
  const logger = options.logger ?? silentLogger;
  const rendered: { path: string; text: string }[] = [];
  const results: PlatformSbom[] = [];
  for (const source of image.sources) {
    const platform = formatPlatform(source.platform);
    const files = filesOf(options.outDir, source, options.formats);
    const result = await logger.group(`SBOM for ${platform} (${source.subject.digest})`, async () => {
      if (options.engine === 'syft') {
        await mkdir(options.outDir, { recursive: true });
        await (options.syft ?? new Syft('syft', {}, logger)).scan({
          image: `${image.reference.name}@${source.subject.digest}`,
          platform: source.platform,
          outputs: options.formats.map((format) => ({ format, path: files[format] })),
        });
        return { platform, digest: source.subject.digest, files, uncatalogued: [], warnings: [] };
      }
      const catalog = await catalogImage(source, { logger, limits: options.limits });
      for (const f of options.formats) rendered.push({ path: files[f], text: renderSbom(catalog, f) });
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
  await mkdir(options.outDir, { recursive: true });
  for (const file of rendered) await writeFile(file.path, file.text);
  return results;
}
