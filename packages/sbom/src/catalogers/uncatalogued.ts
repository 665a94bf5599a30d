import type { FileSelector, ImageFilesystem } from '../filesystem';
import type { UncataloguedEcosystem } from '../types';

interface Detector {
  ecosystem: string;
  reason: string;
  selects(path: string): boolean;
}

/**
 * Ecosystems the native engine finds but does not read. Reported so the summary can say plainly
 * what the SBOM leaves out, instead of an SBOM that silently lists nothing for them.
 */
const DETECTORS: Detector[] = [
  {
    ecosystem: 'rpm',
    reason: 'rpm databases are not read by the native engine; use engine: syft',
    selects: (p) =>
      /^\/(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/(?:rpmdb\.sqlite|Packages|Packages\.db)$/.test(p),
  },
  {
    ecosystem: 'ruby',
    reason: 'Ruby gem specifications are not read by the native engine; use engine: syft',
    selects: (p) => /\/specifications\/[^/]+\.gemspec$/.test(p),
  },
  {
    ecosystem: 'php',
    reason: 'Composer installed.json is not read by the native engine; use engine: syft',
    selects: (p) => p.endsWith('/vendor/composer/installed.json'),
  },
];

export const uncataloguedSelectors: FileSelector[] = DETECTORS.map((d) => ({
  name: `uncatalogued-${d.ecosystem}`,
  selects: (path, entry) => entry.type === 'file' && d.selects(path),
  maxBytes: Number.MAX_SAFE_INTEGER,
  presenceOnly: true,
}));

export function findUncatalogued(fs: ImageFilesystem): UncataloguedEcosystem[] {
  const out: UncataloguedEcosystem[] = [];
  for (const d of DETECTORS) {
    const files = fs.list(`uncatalogued-${d.ecosystem}`);
    if (files.length === 0) continue;
    out.push({
      ecosystem: d.ecosystem,
      reason: d.reason,
      paths: files.slice(0, 5).map((f) => f.path),
      count: files.length,
    });
  }
  return out;
}
