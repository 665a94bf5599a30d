import { type Limits, type Logger, silentLogger } from '@deliverkit/action-kit';
import { apkCataloger } from './catalogers/apk';
import { type Cataloger, sortPackages } from './catalogers/cataloger';
import { dpkgCataloger } from './catalogers/dpkg';
import { golangCataloger } from './catalogers/golang';
import { javaCataloger } from './catalogers/java';
import { rpmCataloger } from './catalogers/rpm';
import { npmCataloger } from './catalogers/npm';
import { detectDistro, osReleaseSelector } from './catalogers/os-release';
import { pythonCataloger } from './catalogers/python';
import { findUncatalogued, uncataloguedSelectors } from './catalogers/uncatalogued';
import { indexFilesystem } from './filesystem';
import type { Ecosystem, ImageCatalog, LayerSource } from './types';

export const catalogers: readonly Cataloger[] = [
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  npmCataloger,
  pythonCataloger,
  golangCataloger,
  javaCataloger,
];

export interface CatalogOptions {
  /** Limit to these ecosystems (default: all). */
  ecosystems?: readonly Ecosystem[];
  logger?: Logger;
  signal?: AbortSignal;
  /** Raised bounds (LIMITS in @deliverkit/action-kit); the rest keep their defaults. */
  limits?: Partial<Limits>;
}

/**
 * Reads one platform of an image and lists its packages: streams each layer once, keeps only
 * the files the catalogers select, then runs every cataloger over the final filesystem.
 */
export async function catalogImage(source: LayerSource, options: CatalogOptions = {}): Promise<ImageCatalog> {
  const logger = options.logger ?? silentLogger;
  const active = catalogers.filter((c) => !options.ecosystems || options.ecosystems.includes(c.ecosystem));
  const selectors = [osReleaseSelector, ...active.flatMap((c) => c.selectors), ...uncataloguedSelectors];
  const fs = await indexFilesystem(source, selectors, {
    logger,
    signal: options.signal,
    limits: options.limits,
  });
  const warnings = [...fs.warnings];
  const distro = detectDistro(fs);
  const packages = active.flatMap((c) => {
    const found = c.catalog({ fs, distro, warn: (m) => warnings.push(m) });
    logger.debug(`catalogImage: ${c.name} found ${found.length} packages`);
    return found;
  });
  return {
    subject: source.subject,
    platform: source.platform,
    config: source.config,
    distro,
    packages: sortPackages(packages),
    uncatalogued: findUncatalogued(fs),
    warnings,
    layers: fs.layers,
  };
}
