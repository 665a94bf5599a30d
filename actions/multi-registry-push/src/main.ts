import * as core from '@actions/core';
import { ActionsLogger, assertImageRecordDigest } from '@deliverkit/action-kit';
import { copyImage, CopyError, type CopyResult, openRegistries } from '@deliverkit/oci';
import { readInputs } from './inputs';
import { report } from './report';

export async function main(): Promise<void> {
  const inputs = readInputs();
  // A record about another image is refused before anything is copied (for a tag, once resolved: see report).
  if (inputs.source.digest) assertImageRecordDigest(inputs['image-record'], inputs.source.digest);
  const logger = new ActionsLogger();
  const registries = openRegistries(inputs['registry-auths'], {
    concurrency: inputs.concurrency,
    limits: inputs.limits,
    logger,
    onSecret: core.setSecret,
  });
  let result: CopyResult;
  try {
    result = await copyImage(registries, inputs.source, inputs.destinations, {
      includeReferrers: inputs['include-referrers'],
      chunkSize: inputs['chunk-size'],
      dryRun: inputs['dry-run'],
      logger,
    });
  } catch (error) {
    // Report what did succeed before failing the step.
    if (error instanceof CopyError) await report(error.result, inputs);
    throw error;
  } finally {
    registries.close();
  }
  await report(result, inputs);
}
