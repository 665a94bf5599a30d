import type { DocumentOptions } from './identity';
import type { Ecosystem, ImageCatalog } from './types';
import { toCycloneDx } from './writers/cyclonedx';
import { toSpdx } from './writers/spdx';
import type { SbomFormat } from './formats';

export function renderSbom(catalog: ImageCatalog, format: SbomFormat, options: DocumentOptions = {}): string {
  return format === 'spdx-json' ? toSpdx(catalog, options) : toCycloneDx(catalog, options);
}

export interface CatalogSummary {
  total: number;
  byEcosystem: Partial<Record<Ecosystem, number>>;
  /** Most frequent licenses (SPDX expression when mapped, else as declared), most used first. */
  topLicenses: { license: string; packages: number }[];
  /** Packages with no license information at all. */
  unlicensed: number;
}

export function summarizeCatalog(catalog: ImageCatalog, topN = 5): CatalogSummary {
  const byEcosystem: Partial<Record<Ecosystem, number>> = {};
  const licenses = new Map<string, number>();
  let unlicensed = 0;
  for (const p of catalog.packages) {
    byEcosystem[p.ecosystem] = (byEcosystem[p.ecosystem] ?? 0) + 1;
    if (p.licenses.length === 0) unlicensed++;
    for (const l of new Set(p.licenses.map((x) => x.spdx ?? x.declared))) {
      licenses.set(l, (licenses.get(l) ?? 0) + 1);
    }
  }
  const topLicenses = [...licenses.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, topN)
    .map(([license, packages]) => ({ license, packages }));
  return { total: catalog.packages.length, byEcosystem, topLicenses, unlicensed };
}
