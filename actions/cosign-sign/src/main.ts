import * as core from '@actions/core';
import {
  ActionsLogger,
  assertImageRecordDigest,
  imageRecordOutput,
  setOutputs,
} from '@deliverkit/action-kit';
import { IMAGE_RECORD_SCHEMA_VERSION, type ImageRecord } from '@deliverkit/image-record';
import { openRegistries } from '@deliverkit/oci';
import { signAndAttest, type SignReport, verifyImageGate, type VerifyReport } from '@deliverkit/sign';
import { certificatePolicy, readInputs, type Inputs } from './inputs';
import { writeSignedSummary, writeVerifiedSummary } from './summary';

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
        ? {
            kind: 'keyless',
            getIDToken: core.getIDToken,
            onSecret: core.setSecret,
            canRequestToken: inputs.canRequestIdToken,
          }
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
  await writeSignedSummary(inputs, result);
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
  await writeVerifiedSummary(result);
}
