import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const fail = (message) => {
  console.log(`::error::scan-action stand-in: ${message}`);
  process.exit(1);
};
const SEVERITIES = ['negligible', 'low', 'medium', 'high', 'critical'];
const sbomPath = input('sbom');
if (!sbomPath) fail('only `sbom` scans are supported here (no image or path)');
const cutoff = input('severity-cutoff').toLowerCase() || 'medium';
if (!SEVERITIES.includes(cutoff))
  fail(`severity-cutoff must be one of ${SEVERITIES.join(', ')}, got "${cutoff}"`);
const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
const sbom = JSON.parse(readFileSync(path.resolve(workspace, sbomPath), 'utf8'));
// Package URLs of an SPDX 2.3 (externalRefs PACKAGE-MANAGER purl) or CycloneDX (components[].purl) document.
const purls = [
  ...(sbom.packages ?? []).flatMap((p) =>
    (p.externalRefs ?? []).filter((r) => r.referenceType === 'purl').map((r) => r.referenceLocator),
  ),
  ...(sbom.components ?? []).map((c) => c.purl).filter(Boolean),
];
const list = process.env.DELIVERKIT_ACT_VULNERABILITIES
  ? JSON.parse(readFileSync(process.env.DELIVERKIT_ACT_VULNERABILITIES, 'utf8'))
  : [];
const findings = [];
for (const purl of purls) {
  const [base, version] = purl.split('?')[0].split('@');
  for (const v of list) {
    // versions: the affected versions, or "*" for every version of the package.
    const affected = v.versions === '*' || (v.versions ?? []).includes(version);
    if (v.purl === base && affected) findings.push({ ...v, found: purl });
  }
}
const sarif = {
  version: '2.1.0',
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  runs: [
    {
      tool: {
        driver: { name: 'grype (deliverkit act stand-in)', rules: findings.map((f) => ({ id: f.id })) },
      },
      results: findings.map((f) => ({
        ruleId: f.id,
        level: ['high', 'critical'].includes(f.severity) ? 'error' : 'warning',
        message: { text: `${f.id} (${f.severity}) in ${f.found}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: sbomPath } } }],
      })),
    },
  ],
};
const sarifFile = path.join(workspace, input('output-file') || 'results.sarif');
writeFileSync(sarifFile, JSON.stringify(sarif, null, 2));
const jsonFile = path.join(workspace, 'results.json');
writeFileSync(jsonFile, JSON.stringify({ matches: findings }, null, 2));
appendFileSync(process.env.GITHUB_OUTPUT, `sarif=${sarifFile}\njson=${jsonFile}\n`);
console.log(`scan-action stand-in: ${purls.length} packages, ${findings.length} finding(s)`);
const over = findings.filter((f) => SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf(cutoff));
if (input('fail-build') !== 'false' && over.length > 0) {
  fail(
    `${over.length} vulnerabilit${over.length === 1 ? 'y' : 'ies'} at or above ${cutoff}: ${over.map((f) => `${f.id} (${f.severity}, ${f.found})`).join(', ')}`,
  );
}
