import { createHash } from 'node:crypto';
import { PackageURL } from 'packageurl-js';
import packageJson from '../package.json';
import type { Platform } from '@deliverkit/oci-core';
import type { ImageCatalog } from './types';

export const TOOL_NAME = 'deliverkit-sbom';
export const TOOL_VERSION: string = packageJson.version;

/** `linux/arm64/v8` */
export function platformString(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** A UUID (version 5 layout) derived from a seed, so reruns on the same image give the same ids. */
export function deterministicUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface DocumentOptions {
  /** Creation time written into the document. Default: the image config's `created`, else the Unix epoch. */
  created?: Date;
  /** Seed for the document's serial number / namespace. Default: the image digest and platform. */
  uniqueSeed?: string;
}

/** The document time: deterministic per image unless the caller asks otherwise. Second precision, UTC. */
export function documentTime(catalog: ImageCatalog, options: DocumentOptions): string {
  let date = options.created;
  if (!date && catalog.config.created) {
    const parsed = new Date(catalog.config.created);
    if (!Number.isNaN(parsed.getTime())) date = parsed;
  }
  return (date ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function documentSeed(catalog: ImageCatalog, options: DocumentOptions): string {
  return options.uniqueSeed ?? `${catalog.subject.digest}\0${platformString(catalog.platform)}`;
}

/**
 * `pkg:oci/<last path segment>@sha256:…?arch=…&repository_url=<registry/repository>`, per the purl
 * spec's oci type (name lower-cased, full repository in the qualifier).
 */
export function imagePurl(catalog: ImageCatalog): string {
  const { name, digest, tag } = catalog.subject;
  const last = name.split('/').pop()!.toLowerCase();
  const qualifiers: Record<string, string> = { repository_url: name.toLowerCase() };
  if (catalog.platform.architecture) qualifiers.arch = catalog.platform.architecture;
  if (tag) qualifiers.tag = tag;
  return new PackageURL('oci', undefined, last, digest, qualifiers, undefined).toString();
}
