import * as core from '@actions/core';
import {
  ActionsLogger,
  assertImageRecordDigest,
  imageRecordOutput,
  setOutputs,
  SummaryBuilder,
} from '@deliverkit/action-kit';
import { IMAGE_RECORD_SCHEMA_VERSION, type ImageRecord } from '@deliverkit/image-record';
import { openRegistries } from '@deliverkit/oci';
import {
  signAndAttest,
  signerName,
  type SignReport,
  verifyImageGate,
  type VerifyReport,
} from '@deliverkit/sign';
import { certificatePolicy, readInputs, type Inputs } from './inputs';

export async function main(inputs: Inputs = readInputs()): Promise<void> {
  const logger = new ActionsLogger();
  const registries = openRegistries(inputs['registry-auths'], { logger, onSecret: core.setSecret });
  const registry = registries.client(inputs.image.registry);
  const image = inputs.image;
  // A record about another image is refused before anything is signed or verified (for a tag, once resolved).
  if (image.digest) assertImageRecordDigest(inputs['image-record'], image.digest);
  try {
    if (inputs.mode === 'verify') {
      const result = await verifyImageGate({
        registry,
        image,
        recursive: inputs.recursive,
        policy: inputs['public-key']
          ? { kind: 'key', publicKeyPem: inputs['public-key'] }
          : certificatePolicy(inputs),
        trust: inputs.trust,
        trustGiven: inputs['trust-given'],
        requirePredicateTypes: inputs['require-attestations'],
        logger,
      });
      return await reportVerified(inputs, result);
    }
    const result = await signAndAttest({
      registry,
      image,
      identity: inputs.keyless
        ? { kind: 'keyless', getIDToken: (audience) => core.getIDToken(audience), onSecret: core.setSecret }
        : { kind: 'key', pem: inputs.key!, password: inputs['key-password'] },
      instance: inputs.sigstore,
      format: inputs['signature-format'],
      recursive: inputs.recursive,
      attestations: inputs.attestations,
      dryRun: inputs['dry-run'],
      logger,
    });
    await reportSigned(inputs, result);
  } finally {
    registries.close();
  }
}

/** The input record (checked against the digest the tag resolved to) or a new one about this image. */
function baseRecord(inputs: Inputs, name: string, digest: string): ImageRecord {
  assertImageRecordDigest(inputs['image-record'], digest);
  return inputs['image-record'] ?? { schemaVersion: IMAGE_RECORD_SCHEMA_VERSION, name, digest };
}

async function reportSigned(inputs: Inputs, result: SignReport): Promise<void> {
  const dryRun = inputs['dry-run'];
  setOutputs(
    {
      digest: result.digest,
      'signed-digests': dryRun ? '' : result.manifests.map((m) => m.digest).join('\n'),
      bundles: Object.fromEntries(result.manifests.map((m) => [m.digest, m.bundles])),
      'verify-commands': result.verifyCommands.join('\n'),
      'image-record': imageRecordOutput({
        ...baseRecord(inputs, result.name, result.digest),
        signatures: result.record,
      }),
    },
    { json: 'json' },
  );
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

async function reportVerified(inputs: Inputs, result: VerifyReport): Promise<void> {
  setOutputs(
    {
      digest: result.digest,
      verified: true,
      'signed-digests': result.manifests.map((m) => m.digest).join('\n'),
      attestations: result.attestations.map((a) => a.predicateType),
      signers: result.signers,
      'image-record': imageRecordOutput({
        ...baseRecord(inputs, result.name, result.digest),
        verification: result.record,
      }),
    },
    { json: 'json' },
  );
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
