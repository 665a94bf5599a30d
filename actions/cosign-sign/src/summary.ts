import { SummaryBuilder } from '@deliverkit/action-kit';
import { signerName, type SignReport, type VerifyReport } from '@deliverkit/sign';
import type { Inputs } from './inputs';

export async function writeSignedSummary(inputs: Inputs, result: SignReport): Promise<void> {
  const dryRun = inputs['dry-run'];
  const s = new SummaryBuilder().heading(dryRun ? `Would sign ${result.name}` : `Signed ${result.name}`);
  if (result.resolvedFromTag)
    s.paragraph(
      `Tag \`${result.resolvedFromTag}\` resolved to \`${result.digest}\`; only the digest was signed.`,
    );
  const san = result.identity?.subjectAlternativeName;
  const who = san ? `${san} (issuer ${result.identity?.issuer ?? '?'})` : inputs.keyless ? 'keyless' : 'key';
  const chosen = inputs.sigstore.chosenBy ? ` (auto: ${inputs.sigstore.chosenBy})` : '';
  s.paragraph(
    `Identity: ${who} · Sigstore: ${inputs.sigstore.name}${chosen} · format: ${inputs['signature-format']} · tlog entries: ${result.tlogEntries}`,
  );
  const rows = result.manifests.flatMap((m) => {
    const row = (what: string, stored: string) => [m.platform ?? 'index/manifest', m.digest, what, stored];
    return [
      ...m.bundles.map((b) => row(b.predicateType, `referrer ${b.referrerDigest}`)),
      ...(m.legacySignatureTag ? [row('cosign ≤ 2.5 signature', `tag ${m.legacySignatureTag}`)] : []),
      ...(m.legacyAttestationTag ? [row('cosign ≤ 2.5 attestations', `tag ${m.legacyAttestationTag}`)] : []),
      ...(dryRun ? [row('would sign', '')] : []),
    ];
  });
  s.table(['manifest', 'digest', 'what', 'stored as'], rows);
  await s.paragraph('Verify with:').code(result.verifyCommands.join('\n'), 'sh').write();
}

export async function writeVerifiedSummary(result: VerifyReport): Promise<void> {
  const s = new SummaryBuilder().heading(`Verified ${result.name}@${result.digest}`);
  if (result.trustSource) s.paragraph(`Trusted root: ${result.trustSource}`);
  s.table(
    ['manifest', 'digest', 'signatures', 'signer'],
    result.manifests.map((m) => [
      m.platform ?? 'index/manifest',
      m.digest,
      m.signatures.map((x) => `${x.source}: ${x.predicateType}`).join(', '),
      m.signatures.map((x) => signerName(x.signer)).join(', '),
    ]),
  );
  if (result.rejected.length)
    s.details(
      `${result.rejected.length} bundle(s) rejected`,
      result.rejected.map((r) => `- ${r.referrerDigest ?? r.digest}: ${r.reason}`).join('\n'),
    );
  await s.write();
}
