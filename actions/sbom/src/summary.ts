import { formatBytes, SummaryBuilder } from '@deliverkit/action-kit';
import { type CatalogSummary, type ImageSboms, PREDICATE_TYPES, type SbomFormat } from '@deliverkit/sbom';

/** dry-run: each file that would be written, with the layers it would read. */
export async function writePlanSummary(
  title: string,
  sboms: ImageSboms,
  { formats, engine }: { formats: SbomFormat[]; engine: string },
): Promise<void> {
  const steps = sboms.platforms.flatMap((p, i) =>
    formats.map((f) => ({
      action: 'write',
      target: p.files[f]!,
      detail: `${f} of ${p.platform}: ${sboms.toRead![i]!.layers} layers, ${formatBytes(sboms.toRead![i]!.bytes)} to read (${engine})`,
    })),
  );
  await new SummaryBuilder()
    .plan({ title, steps, notes: ['dry-run: nothing was downloaded or written'] })
    .write();
}

/** Packages per platform and ecosystem, what was not catalogued, the files and their predicate types. */
export async function writeSummary(
  title: string,
  { platforms: results }: ImageSboms,
  artifact?: string,
): Promise<void> {
  const summary = new SummaryBuilder().heading(title);
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
  if (artifact) summary.paragraph(`Uploaded as artifact \`${artifact}\`.`);
  await summary.write();
}
