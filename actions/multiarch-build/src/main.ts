import { ActionsLogger, SummaryBuilder, imageRecordOutput, setOutputs } from '@deliverkit/action-kit';
import { IMAGE_RECORD_SCHEMA_VERSION, type ImageRecord } from '@deliverkit/image-record';
import * as core from '@actions/core';
import { buildImage, planImageBuild } from '@deliverkit/image-build';
import { type Inputs, readEnvironment, readInputs } from './inputs';
import { imageBuildRequest } from './request';

const mb = (n: number | undefined) => (n === undefined ? '—' : `${(n / 1024 / 1024).toFixed(1)} MB`);

export async function main(inputs: Inputs = readInputs()): Promise<void> {
  const logger = new ActionsLogger();
  const { meta, backend, result, commands, provenancePath, platformDigests, pushedTo } = await (
    inputs['dry-run'] ? planImageBuild : buildImage
  )(imageBuildRequest(inputs, readEnvironment()), { logger, onSecret: core.setSecret });

  const digest = result?.digest;
  const [name, tags] = [...pushedTo][0] ?? [];
  const imageRecord: ImageRecord | undefined =
    digest && name
      ? imageRecordOutput({
          schemaVersion: IMAGE_RECORD_SCHEMA_VERSION,
          name,
          digest,
          mediaType:
            result?.mediaType ??
            (inputs.mode === 'single'
              ? 'application/vnd.oci.image.manifest.v1+json'
              : 'application/vnd.oci.image.index.v1+json'),
          ...(tags?.length ? { tags } : {}),
          ...(Object.keys(platformDigests).length
            ? {
                platforms: Object.fromEntries(
                  Object.entries(platformDigests).map(([p, d]) => [p, { digest: d }]),
                ),
              }
            : {}),
          build: {
            builder: backend ?? 'none',
            mode: inputs.mode,
            ...(inputs.mode === 'merge' ? {} : { source: inputs.context }),
            ...(provenancePath ? { provenance: provenancePath } : {}),
          },
          destinations: Object.fromEntries(
            [...pushedTo].map(([repo, repoTags]) => [
              repo,
              {
                digest,
                tags: repoTags,
                references: [`${repo}@${digest}`, ...repoTags.map((t) => `${repo}:${t}`)],
                status: 'pushed',
              },
            ]),
          ),
        })
      : undefined;
  setOutputs(
    {
      digest,
      'platform-digests': platformDigests,
      tags: meta.tags.join('\n'),
      labels: meta.labels.join('\n'),
      annotations: meta.leveledAnnotations.join('\n'),
      version: meta.version.main ?? '',
      'image-record': imageRecord,
      'provenance-path': provenancePath,
      metadata: {
        ...meta.json,
        builder: backend ?? 'none',
        mode: inputs.mode,
        platforms: result?.platforms ?? [],
      },
    },
    { json: 'json' },
  );

  const summary = new SummaryBuilder().heading(`multiarch-build${inputs['dry-run'] ? ' (dry run)' : ''}`);
  if (commands.length > 0)
    summary
      .paragraph(`Builder: ${backend ?? 'none'}. Commands that would run:`)
      .code(commands.join('\n'), 'sh');
  for (const c of commands) logger.info(c);
  if (result) {
    summary.table(
      ['Platform', 'Digest', 'Size', 'Duration', 'Cache'],
      result.platforms.map((p) => [
        p.platform,
        p.digest ?? p.imageId,
        mb(p.size),
        `${(p.durationMs / 1000).toFixed(1)}s`,
        p.cache.steps
          ? `${p.cache.hits}/${p.cache.steps} steps (${p.cache.pulled} from registry` +
            `${p.cache.primed ? `, ${p.cache.primed} ARG steps primed` : ''})`
          : '—',
      ]),
    );
    if (digest) summary.paragraph(`Digest: \`${digest}\``);
  }
  if (meta.tags.length > 0) summary.details('Tags', meta.tags.map((t) => `- \`${t}\``).join('\n'));
  await summary.write();
}
