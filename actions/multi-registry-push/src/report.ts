import * as core from '@actions/core';
import {
  assertImageRecordDigest,
  formatBytes,
  formatPlanText,
  imageRecordOutput,
  setOutputs,
  SummaryBuilder,
} from '@deliverkit/action-kit';
import { IMAGE_RECORD_SCHEMA_VERSION, type ImageRecord } from '@deliverkit/image-record';
import { type CopyResult, describePlan } from '@deliverkit/oci';
import type { Inputs } from './inputs';

/** Outputs (the image record gains this copy's destinations), summary and log of a whole or partial copy. */
export async function report(result: CopyResult, inputs: Inputs): Promise<void> {
  const dryRun = inputs['dry-run'];
  const capabilities = Object.fromEntries(result.destinations.map((d) => [d.registry, d.capabilities]));
  assertImageRecordDigest(inputs['image-record'], result.digest);
  const base: ImageRecord = inputs['image-record'] ?? {
    schemaVersion: IMAGE_RECORD_SCHEMA_VERSION,
    name: `${inputs.source.registry}/${inputs.source.repository}`,
    digest: result.digest,
    ...(result.mediaType ? { mediaType: result.mediaType } : {}),
  };
  const record = imageRecordOutput({
    ...base,
    destinations: {
      ...base.destinations,
      ...Object.fromEntries(
        result.destinations.map((d) => [
          d.name,
          {
            digest: d.digest,
            tags: d.tags,
            references: [`${d.name}@${d.digest}`, ...d.tags.map((t) => `${d.name}:${t}`)],
            status: d.status,
            blobs: d.blobs,
            manifests: d.manifests,
            bytesUploaded: d.bytesUploaded,
            referrers: d.referrers,
            referrersCopied: d.referrersCopied,
            durationMs: Math.round(d.durationMs),
            ...(d.error ? { error: d.error.slice(0, 4000) } : {}),
          },
        ]),
      ),
    },
  });
  setOutputs(
    {
      digest: result.digest,
      // This step's destinations only (the record may carry earlier ones), by digest: what to verify or deploy.
      references: result.destinations
        .filter((d) => d.status !== 'failed' && d.status !== 'planned')
        .map((d) => `${d.name}@${d.digest}`)
        .join('\n'),
      'image-record': record,
      'registry-capabilities': capabilities,
    },
    { json: 'json' },
  );

  const summary = new SummaryBuilder().heading(`${dryRun ? 'Dry run: ' : ''}multi-registry-push`);
  summary.paragraph(
    `\`${result.source}\` → \`${result.digest}\` (${result.closure.manifests} manifests, ${result.closure.blobs} blobs, ${formatBytes(result.closure.bytes)}, ${result.closure.referrers} referrers)`,
  );
  summary.table(
    [
      'Destination',
      'Status',
      'Tags',
      'Uploaded',
      'Mounted',
      'Skipped',
      'Bytes',
      'Referrers',
      'Referrers API',
      'Time',
    ],
    result.destinations.map((d) => [
      d.name,
      d.error ? `${d.status}: ${d.error}` : d.status,
      d.tags.join(', ') || '(digest only)',
      String(d.blobs.uploaded),
      String(d.blobs.mounted),
      String(d.blobs.skipped),
      formatBytes(d.bytesUploaded),
      String(dryRun ? result.closure.referrers : d.referrers),
      d.capabilities.referrersApi === null ? '?' : d.capabilities.referrersApi ? 'yes' : 'no (tag schema)',
      `${(d.durationMs / 1000).toFixed(1)} s`,
    ]),
  );
  if (dryRun) {
    const plan = { title: `copy ${result.source}`, steps: describePlan(result.plan, result.destinations) };
    core.info(formatPlanText(plan));
    summary.plan(plan);
  }
  await summary.write();
  for (const d of result.destinations) {
    core.info(
      `${d.name}: ${d.status} (${d.blobs.uploaded} uploaded, ${d.blobs.mounted} mounted, ${d.blobs.skipped} skipped)`,
    );
  }
}
