import path from 'node:path';
import * as core from '@actions/core';
import {
  ActionsLogger,
  assertImageRecordDigest,
  imageRecordOutput,
  setOutputs,
  uploadArtifact,
} from '@deliverkit/action-kit';
import { IMAGE_RECORD_SCHEMA_VERSION } from '@deliverkit/image-record';
import { openRegistries } from '@deliverkit/oci';
import {
  type ImageSboms,
  PREDICATE_TYPES,
  sbomArtifactName,
  type SbomFormat,
  sbomsForImage,
} from '@deliverkit/sbom';
import { writePlanSummary, writeSummary } from './summary';
import { type Inputs, readInputs } from './inputs';

export async function main(inputs: Inputs = readInputs()): Promise<void> {
  const logger = new ActionsLogger();
  const { limits, formats, engine } = inputs;
  const outDir = path.resolve(inputs['output-dir']);
  const registries = openRegistries(inputs['registry-auths'], { logger, onSecret: core.setSecret, limits });
  try {
    const release = inputs['syft-version']
      ? { version: inputs['syft-version'], sha256: inputs['syft-sha256']! }
      : undefined;
    const sboms = await sbomsForImage({
      registries,
      image: inputs.image,
      platforms: inputs.platforms,
      formats,
      outDir,
      engine,
      syft: { release, auth: inputs['registry-auths'].find((a) => a.registry === inputs.image.registry) },
      limits,
      dryRun: inputs['dry-run'],
      // A record about another image fails once the reference is resolved, before any layer is read.
      onResolved: (digest) => assertImageRecordDigest(inputs['image-record'], digest),
      logger,
    });
    const title = `SBOMs for ${sboms.name}@${sboms.digest}`;
    if (sboms.toRead) {
      writeOutputs(inputs, sboms);
      return await writePlanSummary(title, sboms, inputs);
    }
    let artifact: string | undefined;
    if (inputs['upload-artifact'] && !inputs.artifactRuntime)
      logger.warning(
        'upload-artifact skipped: not running on a GitHub Actions runner (no ACTIONS_RUNTIME_TOKEN)',
      );
    else if (inputs['upload-artifact']) {
      artifact = inputs['artifact-name'] ?? sbomArtifactName(sboms);
      const files = sboms.platforms.flatMap((r) => Object.values(r.files));
      await uploadArtifact(artifact, files, outDir, { runtime: inputs.artifactRuntime!, logger });
      logger.info(`uploaded artifact ${artifact} (${files.length} files)`);
    }
    writeOutputs(inputs, sboms, artifact);
    await writeSummary(title, sboms, artifact);
  } finally {
    registries.close();
  }
}

function writeOutputs(
  inputs: Inputs,
  { name, digest, platforms: results }: ImageSboms,
  artifact?: string,
): void {
  // The record handed on: the input one (about this digest) or a new one, with each platform's SBOM files.
  const base = inputs['image-record'] ?? { schemaVersion: IMAGE_RECORD_SCHEMA_VERSION, name, digest };
  const platforms = { ...base.platforms };
  for (const r of results)
    platforms[r.platform] = { ...platforms[r.platform], digest: r.digest, sboms: { ...r.files } };
  const files = (r: ImageSboms['platforms'][number]) =>
    Object.fromEntries(
      Object.entries(r.files).map(([f, p]) => [
        f,
        { path: p, predicateType: PREDICATE_TYPES[f as SbomFormat] },
      ]),
    );
  setOutputs(
    {
      digest,
      sboms: Object.fromEntries(
        results.map((r) => [
          r.platform,
          {
            digest: r.digest,
            files: files(r),
            packages: r.summary?.total ?? null,
            byEcosystem: r.summary?.byEcosystem ?? null,
            uncatalogued: r.uncatalogued.map((u) => u.ecosystem),
          },
        ]),
      ),
      paths: results.flatMap((r) => Object.values(r.files)).join('\n'),
      'artifact-name': artifact,
      'image-record': imageRecordOutput({
        ...base,
        platforms,
        sbom: { engine: inputs.engine, ...(artifact ? { artifact } : {}) },
      }),
    },
    { json: 'json' },
  );
}
