import type { FileSelector, ImageFilesystem } from '../filesystem';
import type { UncataloguedEcosystem } from '../types';
import { rpmSqliteSupported } from './rpm';

interface Detector {
  /** Names the file selector; unique. */
  id: string;
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
    id: 'rpm-bdb',
    ecosystem: 'rpm',
    reason:
      'Berkeley DB / ndb rpm databases (RHEL ≤ 8, Amazon Linux 2, SUSE) are not read by the native engine; use engine: syft',
    selects: (p) => /^\/(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/(?:Packages|Packages\.db)$/.test(p),
  },
  {
    // rpmdb.sqlite is read where node:sqlite exists (Node ≥ 22.13, GitHub's node24), reported otherwise.
    id: 'rpm-sqlite',
    ecosystem: 'rpm',
    reason: 'rpmdb.sqlite needs Node.js ≥ 22.13 (node:sqlite) to be read; this action runs on node24',
    selects: (p) =>
      !rpmSqliteSupported() && /^\/(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/rpmdb\.sqlite$/.test(p),
  },
  {
    id: 'ruby',
    ecosystem: 'ruby',
    reason: 'Ruby gem specifications are not read by the native engine; use engine: syft',
    selects: (p) => /\/specifications\/[^/]+\.gemspec$/.test(p),
  },
  {
    id: 'php',
    ecosystem: 'php',
    reason: 'Composer installed.json is not read by the native engine; use engine: syft',
    selects: (p) => p.endsWith('/vendor/composer/installed.json'),
  },
];

export const uncataloguedSelectors: FileSelector[] = DETECTORS.map((d) => ({
  name: `uncatalogued-${d.id}`,
  selects: (path, entry) => entry.type === 'file' && d.selects(path),
  maxBytes: Number.MAX_SAFE_INTEGER,
  presenceOnly: true,
}));

export function findUncatalogued(fs: ImageFilesystem): UncataloguedEcosystem[] {
  const out: UncataloguedEcosystem[] = [];
  for (const d of DETECTORS) {
    const files = fs.list(`uncatalogued-${d.id}`);
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
