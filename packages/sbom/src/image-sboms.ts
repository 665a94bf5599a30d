import {
  ConfigurationError,
  InputError,
  type Limits,
  type Logger,
  silentLogger,
} from '@deliverkit/action-kit';
import type { Registries } from '@deliverkit/oci';
import type { ImageReference, Platform } from '@deliverkit/oci-core';
import { SbomError } from './errors';
import type { SbomFormat } from './formats';
import { generateSboms, planSboms, type PlatformSbom } from './generate';
import { openRegistryImage } from './registry-image';
import { Syft, type SyftRegistryAuth } from './syft';

/** The caller's names for what the user gave, so that an error says which input to fix. */
export interface SbomInputNames {
  image: string;
  platforms: string;
  engine: string;
  syftVersion: string;
  syftSha256: string;
}

const DEFAULT_NAMES: SbomInputNames = {
  image: 'image',
  platforms: 'platforms',
  engine: 'engine',
  syftVersion: 'syft-version',
  syftSha256: 'syft-sha256',
};

/** SBOMs of one image in the registry: which platforms, formats and engine, and where the files go. */
export interface ImageSbomsRequest {
  registries: Registries;
  image: ImageReference;
  /** Undefined: every platform of the image. */
  platforms: Platform[] | undefined;
  formats: readonly SbomFormat[];
  /** Where the files go: `<os>-<arch>[-<variant>].spdx.json` / `.cdx.json`. */
  outDir: string;
  engine: 'native' | 'syft';
  /** engine syft: a pinned release to install (else syft from PATH) and the registry it reads the image from. */
  syft?: { release?: { version: string; sha256: string }; auth?: SyftRegistryAuth };
  limits?: Partial<Limits>;
  /** Resolve and plan only: no layer is read, no file written. */
  dryRun: boolean;
  /** Called with the digest the reference resolved to, before any layer is read (a record about another image fails there). */
  onResolved?: (digest: string) => void;
  logger?: Logger;
  inputNames?: Partial<SbomInputNames>;
}

export interface ImageSboms {
  /** `registry/repository` */
  name: string;
  /** The digest the reference resolved to (index or manifest). */
  digest: string;
  platforms: PlatformSbom[];
  /** dry-run: the layers each platform's SBOM would read, in the order of `platforms`. */
  toRead?: { layers: number; bytes: number }[];
}

/**
 * Resolves the image, then writes one SBOM per platform and format (or, dry-run, says what it would). A missing
 * image or platform and a missing syft come back as the user's mistake, naming the input.
 */
export async function sbomsForImage(request: ImageSbomsRequest): Promise<ImageSboms> {
  const names = { ...DEFAULT_NAMES, ...request.inputNames };
  const logger = request.logger ?? silentLogger;
  const { formats, outDir } = request;
  const image = await openRegistryImage(request.registries, request.image, {
    platforms: request.platforms,
  }).catch((e: unknown) => {
    // A missing image or platform is the workflow's mistake, not ours: report it as such.
    if (e instanceof SbomError && e.code === 'IMAGE_NOT_FOUND')
      throw new InputError(names.image, e.message, 'INPUT_INVALID', { cause: e });
    if (e instanceof SbomError && e.code === 'PLATFORM_NOT_FOUND')
      throw new InputError(names.platforms, e.message, 'INPUT_INVALID', { cause: e });
    throw e;
  });
  request.onResolved?.(image.digest);
  const result = { name: image.reference.name, digest: image.digest };
  if (request.dryRun) {
    const toRead = image.sources.map((s) => ({
      layers: s.layers.length,
      bytes: s.layers.reduce((n, l) => n + l.size, 0),
    }));
    return { ...result, platforms: planSboms(image, { formats, outDir }), toRead };
  }
  const syft = request.engine === 'syft' ? await Syft.install({ ...request.syft, logger }) : undefined;
  const platforms = await generateSboms(image, { ...request, syft, logger }).catch((e: unknown) => {
    if (e instanceof SbomError && e.code === 'SYFT_NOT_FOUND')
      throw new ConfigurationError(
        'MISSING_TOOL',
        `syft not found. Set ${names.syftVersion} and ${names.syftSha256} to install a pinned release, or use ${names.engine}: native`,
        { cause: e },
      );
    throw e;
  });
  return { ...result, platforms };
}

/** Artifact names must be unique in a workflow run: image, digest and platforms make matrix jobs distinct. */
export function sbomArtifactName(sboms: Pick<ImageSboms, 'name' | 'digest' | 'platforms'>): string {
  const repo = sboms.name
    .split('/')
    .pop()!
    .replace(/[^A-Za-z0-9._-]+/g, '-');
  const platforms = sboms.platforms.map((r) => r.platform.replace(/\//g, '-')).join('_');
  return `sbom-${repo}-${sboms.digest.replace(/^sha256:/, '').slice(0, 12)}-${platforms}`;
}
