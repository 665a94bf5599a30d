import type { Readable } from 'node:stream';
import type { Platform } from '@deliverkit/oci-core';

/** One layer blob. `open()` returns its bytes as stored (compressed or not); it may be called once. */
export interface LayerBlob {
  digest: string;
  mediaType: string;
  size: number;
  open(): Promise<Readable | AsyncIterable<Uint8Array>>;
}

/** The subset of the OCI image config the SBOM uses. */
export interface ImageConfig {
  created?: string;
  architecture?: string;
  os?: string;
  variant?: string;
  config?: { Labels?: Record<string, string> | null; Env?: string[] | null };
  rootfs?: { type: string; diff_ids: string[] };
}

/** Identity of the image an SBOM describes. */
export interface ImageSubject {
  /** Repository name as the user knows it, e.g. `ghcr.io/acme/api` or `localhost:5000/app`. */
  name: string;
  /** Digest of this platform's image manifest. */
  digest: string;
  /** Digest of the index the manifest was selected from, when there was one. */
  indexDigest?: string;
  tag?: string;
}

/**
 * Everything the filesystem indexer needs to read one platform of an image, with no notion of
 * where the bytes come from: a registry, an OCI layout on disk, or a test building tars in memory.
 */
export interface LayerSource {
  subject: ImageSubject;
  platform: Platform;
  config: ImageConfig;
  /** Bottom layer first, as in the manifest. */
  layers: LayerBlob[];
}

export type Ecosystem = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven';

/** A license as the package declared it, and the SPDX expression it maps to when it does. */
export interface LicenseDeclaration {
  /** Exactly as found, e.g. `GPL-2+` or `MIT License`. */
  declared: string;
  /** A valid SPDX license expression (checked with spdx-expression-parse), when one is known. */
  spdx?: string;
}

export interface Location {
  path: string;
  layerDigest: string;
}

export interface Package {
  /** Stable identifier unique within one catalog (derived from purl and location). */
  id: string;
  ecosystem: Ecosystem;
  name: string;
  version: string;
  purl: string;
  licenses: LicenseDeclaration[];
  /** Where the package's metadata was found: the file that declares it, in the layer that last wrote it. */
  location: Location;
  description?: string;
  homepage?: string;
  supplier?: string;
  /** Ids of packages this one depends on, where the ecosystem records it and the target is installed. */
  dependsOn: string[];
  /** Ecosystem facts kept for the writers: arch, source package, Go main module, … */
  properties: Record<string, string>;
}

export interface Distro {
  /** `ID` from os-release, e.g. `debian`, `alpine`. */
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  idLike: string[];
  location: Location;
}

/** An ecosystem found in the image that no cataloger of this engine reads. */
export interface UncataloguedEcosystem {
  ecosystem: 'rpm' | 'java' | string;
  reason: string;
  /** Up to a few example paths. */
  paths: string[];
  count: number;
}

export interface LayerStats {
  digest: string;
  mediaType: string;
  compressedBytes: number;
  uncompressedBytes: number;
  entries: number;
}

/** Everything found in one platform's final filesystem. */
export interface ImageCatalog {
  subject: ImageSubject;
  platform: Platform;
  config: ImageConfig;
  distro?: Distro;
  packages: Package[];
  uncatalogued: UncataloguedEcosystem[];
  /** Packages skipped or files unreadable, each as a sentence naming the path. */
  warnings: string[];
  layers: LayerStats[];
}
