import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import {
  ActionsLogger,
  assertImageRecordDigest,
  ConfigurationError,
  imageRecordOutput,
  InputError,
  setOutputs,
  SummaryBuilder,
} from '@deliverkit/action-kit';
import { IMAGE_RECORD_SCHEMA_VERSION, type ImageRecord } from '@deliverkit/image-record';
import { openRegistries } from '@deliverkit/oci';
import {
  loadTrustedRoot,
  cosignVerifyCommands,
  githubIdentityProvider,
  loadSigningKey,
  parsePredicate,
  SignError,
  signImage,
  StatementSigner,
  verifyImage,
  VerifyError,
  type AttestationInput,
  type SignImageResult,
  type VerifyImageResult,
} from '@deliverkit/sign';
import { certificatePolicy, readInputs, type Inputs } from './inputs';

export async function main(inputs: Inputs = readInputs()): Promise<void> {
  const logger = new ActionsLogger();
  const registries = openRegistries(inputs['registry-auths'], {
    logger,
    onSecret: (secret: string) => core.setSecret(secret),
  });
  const registry = registries.client(inputs.image.registry);
  const image = {
    registry: inputs.image.registry,
    repository: inputs.image.repository,
    tag: inputs.image.tag,
    digest: inputs.image.digest,
  };
  // A record about another image is refused before anything is signed or verified (for a tag, once resolved).
  if (image.digest) assertImageRecordDigest(inputs['image-record'], image.digest);
  try {
    if (inputs.mode === 'verify') {
      // A key policy needs a trusted root only to check log entries and timestamps the user asked for.
      const trust =
        inputs['public-key'] && !inputs['trust-given']
          ? undefined
          : await loadTrustedRoot(inputs.trust, logger);
      if (trust?.offline) {
        core.warning(
          `Verifying with a trusted root that was not updated (${trust.source}): the TUF mirror could not be reached and tuf-offline-fallback is on`,
        );
      }
      const result = await verifyImage({
        registry,
        image,
        recursive: inputs.recursive,
        trustedRoot: trust?.trustedRoot,
        requirePredicateTypes: inputs['require-attestations'],
        // The provenance must come from a build in the repository the signature is bound to.
        provenanceBuilderRepository: inputs['public-key'] ? undefined : inputs['source-repository'],
        policy: inputs['public-key']
          ? { kind: 'key', publicKeyPem: inputs['public-key'] }
          : certificatePolicy(inputs),
      });
      await reportVerified(inputs, result, trust?.source);
      return;
    }
    const signer = new StatementSigner({
      identity: inputs.keyless
        ? {
            kind: 'keyless',
            identityProvider: githubIdentityProvider({
              getIDToken: (audience) => core.getIDToken(audience),
              onSecret: (secret) => core.setSecret(secret),
            }),
          }
        : { kind: 'key', key: await loadSigningKey(inputs.key!, inputs['key-password']) },
      instance: inputs.sigstore,
      logger,
    });
    const attestations: AttestationInput[] = inputs.attestations.map((a) => {
      let text: string;
      try {
        text = readFileSync(a.path, 'utf8');
      } catch (e) {
        throw new InputError(
          'attestations',
          `Cannot read ${a.path} (from "${a.source}"): ${(e as Error).message}`,
        );
      }
      return { ...parsePredicate(a.type, text, a.predicateType), source: a.source, platform: a.platform };
    });
    const result = await signImage({
      registry,
      image,
      signer,
      format: inputs['signature-format'],
      recursive: inputs.recursive,
      attestations,
      dryRun: inputs['dry-run'],
      logger,
    });
    await reportSigned(inputs, result, attestations);
  } catch (e) {
    throw asUserFacing(e, inputs);
  } finally {
    registries.close();
  }
}

/** Domain failures are the user's to act on, not internal errors: give them the input they concern. */
function asUserFacing(e: unknown, inputs: Inputs): unknown {
  const witnessFailed = ['CERTIFICATE_REQUEST_FAILED', 'TIMESTAMP_FAILED', 'TLOG_FAILED'];
  if (
    e instanceof SignError &&
    witnessFailed.includes(e.code) &&
    inputs.sigstore.name === 'github' &&
    inputs.sigstore.chosenBy
  ) {
    // Never fall back to the public log on our own: that would publish a private repository's names.
    return new ConfigurationError(
      'INVALID_CONFIGURATION',
      `GitHub's Sigstore instance, chosen because ${inputs.sigstore.chosenBy}, did not sign: ${e.message}. ` +
        "It serves private repositories of GitHub Enterprise Cloud organisations. To sign with the public-good instance instead — which publishes this repository's name and the image digest in the public transparency log — set `sigstore: public-good`; or sign with a `key` and `sigstore: none`",
      { cause: e },
    );
  }
  if (e instanceof SignError) {
    if (e.code === 'KEY_DECRYPT_FAILED')
      return new InputError('key-password', 'Input "key-password" does not decrypt `key`', 'INPUT_INVALID', {
        cause: e,
      });
    if (e.code === 'KEY_INVALID' || e.code === 'KEY_UNSUPPORTED')
      return new InputError('key', `Input "key": ${e.message}`, 'INPUT_INVALID', { cause: e });
    if (e.code === 'IMAGE_NOT_FOUND')
      return new InputError('image', e.message, 'INPUT_INVALID', { cause: e });
    if (e.code === 'PREDICATE_INVALID' || e.code === 'PREDICATE_TOO_LARGE')
      return new InputError('attestations', e.message, 'INPUT_INVALID', { cause: e });
    return new ConfigurationError('INVALID_CONFIGURATION', e.message, { cause: e });
  }
  if (e instanceof VerifyError)
    return new ConfigurationError('INVALID_CONFIGURATION', `Verification failed (${e.code}): ${e.message}`, {
      cause: e,
    });
  return e;
}

/** The input record (checked against the digest the tag resolved to) or a new one about this image. */
function baseRecord(inputs: Inputs, name: string, digest: string): ImageRecord {
  assertImageRecordDigest(inputs['image-record'], digest);
  return inputs['image-record'] ?? { schemaVersion: IMAGE_RECORD_SCHEMA_VERSION, name, digest };
}

async function reportSigned(
  inputs: Inputs,
  result: SignImageResult,
  attestations: AttestationInput[],
): Promise<void> {
  const ref = `${result.name}@${result.digest}`;
  const keyBased = !inputs.keyless;
  const commands = cosignVerifyCommands({
    image: ref,
    identity: result.identity,
    publicKeyPath: keyBased ? 'cosign.pub' : undefined,
    noTlog: result.tlogEntries === 0,
    trustedRootPath:
      inputs.sigstore.name === 'github' || inputs.sigstore.name === 'custom'
        ? 'trusted_root.json'
        : undefined,
    predicateTypes: attestations.map((a) => a.predicateType),
  });
  const bundles = Object.fromEntries(result.manifests.map((m) => [m.digest, m.bundles]));
  const record = imageRecordOutput({
    ...baseRecord(inputs, result.name, result.digest),
    signatures: {
      format: inputs['signature-format'],
      dryRun: inputs['dry-run'],
      ...(result.identity ? { identity: result.identity } : {}),
      manifests: result.manifests.map((m) => ({
        digest: m.digest,
        mediaType: m.mediaType,
        ...(m.platform ? { platform: m.platform } : {}),
        bundles: m.bundles.map((b) => ({ referrerDigest: b.referrerDigest, predicateType: b.predicateType })),
        ...(m.legacySignatureTag ? { legacySignatureTag: m.legacySignatureTag } : {}),
        ...(m.legacyAttestationTag ? { legacyAttestationTag: m.legacyAttestationTag } : {}),
      })),
    },
  });
  setOutputs(
    {
      digest: result.digest,
      'signed-digests': inputs['dry-run'] ? '' : result.manifests.map((m) => m.digest).join('\n'),
      bundles,
      'verify-commands': commands.join('\n'),
      'image-record': record,
    },
    { json: 'json' },
  );
  const s = new SummaryBuilder().heading(
    inputs['dry-run'] ? `Would sign ${result.name}` : `Signed ${result.name}`,
  );
  if (result.resolvedFromTag)
    s.paragraph(
      `Tag \`${result.resolvedFromTag}\` resolved to \`${result.digest}\`; only the digest was signed.`,
    );
  const who = result.identity?.subjectAlternativeName
    ? `${result.identity.subjectAlternativeName} (issuer ${result.identity.issuer ?? '?'})`
    : keyBased
      ? 'key'
      : 'keyless';
  s.paragraph(
    `Identity: ${who} · Sigstore: ${inputs.sigstore.name}${inputs.sigstore.chosenBy ? ` (auto: ${inputs.sigstore.chosenBy})` : ''} · format: ${inputs['signature-format']} · tlog entries: ${result.tlogEntries}`,
  );
  const rows: string[][] = [];
  for (const m of result.manifests) {
    for (const b of m.bundles)
      rows.push([m.platform ?? 'index/manifest', m.digest, b.predicateType, `referrer ${b.referrerDigest}`]);
    if (m.legacySignatureTag)
      rows.push([
        m.platform ?? 'index/manifest',
        m.digest,
        'cosign ≤ 2.5 signature',
        `tag ${m.legacySignatureTag}`,
      ]);
    if (m.legacyAttestationTag)
      rows.push([
        m.platform ?? 'index/manifest',
        m.digest,
        'cosign ≤ 2.5 attestations',
        `tag ${m.legacyAttestationTag}`,
      ]);
    if (inputs['dry-run']) rows.push([m.platform ?? 'index/manifest', m.digest, 'would sign', '']);
  }
  s.table(['manifest', 'digest', 'what', 'stored as'], rows);
  s.paragraph('Verify with:').code(commands.join('\n'), 'sh');
  await s.write();
}

async function reportVerified(
  inputs: Inputs,
  result: VerifyImageResult,
  trustSource?: string,
): Promise<void> {
  const signers = [
    ...new Set(
      result.manifests.flatMap((m) =>
        m.signatures.map((x) => x.signer.subjectAlternativeName ?? x.signer.publicKeyHint ?? 'key'),
      ),
    ),
  ];
  setOutputs(
    {
      digest: result.digest,
      verified: true,
      'signed-digests': result.manifests.map((m) => m.digest).join('\n'),
      attestations: result.attestations.map((a) => a.predicateType),
      signers,
      'image-record': imageRecordOutput({
        ...baseRecord(inputs, result.name, result.digest),
        verification: {
          verified: true,
          signers,
          attestations: [...new Set(result.attestations.map((a) => a.predicateType))],
          manifests: result.manifests.map((m) => ({
            digest: m.digest,
            ...(m.platform ? { platform: m.platform } : {}),
            predicateTypes: [...new Set(m.signatures.map((x) => x.predicateType))],
          })),
          rejected: result.rejected.length,
        },
      }),
    },
    { json: 'json' },
  );
  const s = new SummaryBuilder().heading(`Verified ${result.name}@${result.digest}`);
  if (trustSource) s.paragraph(`Trusted root: ${trustSource}`);
  s.table(
    ['manifest', 'digest', 'signatures', 'signer'],
    result.manifests.map((m) => [
      m.platform ?? 'index/manifest',
      m.digest,
      m.signatures.map((x) => `${x.source}: ${x.predicateType}`).join(', '),
      m.signatures.map((x) => x.signer.subjectAlternativeName ?? x.signer.publicKeyHint ?? 'key').join(', '),
    ]),
  );
  if (result.rejected.length)
    s.details(
      `${result.rejected.length} bundle(s) rejected`,
      result.rejected.map((r) => `- ${r.referrerDigest ?? r.digest}: ${r.reason}`).join('\n'),
    );
  await s.write();
}
