import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { InputError, roughNesting, type Logger } from '@deliverkit/action-kit';
import type { KObject } from './kube';
import { Kubectl } from './kubectl';
import type { DeployInputNames } from './types';

/** One `images` entry with Kustomize's semantics: match containers by image name, set name and digest. */
export interface ImageOverride {
  /** The image name to match in the manifests (registry/repository, no tag or digest). */
  name: string;
  /** Replacement name (Kustomize `newName`); defaults to `name`. */
  newName?: string;
  /** `sha256:<64 hex>`. */
  digest: string;
}

export interface RenderedManifests {
  objects: KObject[];
  /** The rendered YAML (after image substitution), written to a fresh temp dir; the sources are never edited. */
  file: string;
  /** Where the manifests came from, for the summary. */
  sources: string[];
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses the images input (`input` is the caller's name for it): one image a line, `[registry/]name@sha256:…` (matches `name`) or
 * `name=[newName]@sha256:…` to match one name and deploy another (Kustomize `newName`).
 */
export function parseImageOverrides(lines: string[], input: string): ImageOverride[] {
  return lines.map((line) => {
    const eq = line.indexOf('=');
    const match = eq > 0 ? line.slice(0, eq).trim() : undefined;
    const ref = (eq > 0 ? line.slice(eq + 1) : line).trim();
    const at = ref.lastIndexOf('@');
    if (at <= 0 || !DIGEST.test(ref.slice(at + 1))) {
      throw new InputError(
        input,
        `Input "${input}" must list images by digest (name@sha256:<64 hex>): got ${JSON.stringify(line)}`,
      );
    }
    const refName = stripTagAndDigest(ref.slice(0, at));
    const digest = ref.slice(at + 1);
    if (match)
      return {
        name: stripTagAndDigest(match),
        newName: refName === stripTagAndDigest(match) ? undefined : refName,
        digest,
      };
    return { name: refName, digest };
  });
}

/** `ghcr.io/o/app:1.2@sha256:…` → `ghcr.io/o/app` (a port colon in the registry host is kept). */
export function stripTagAndDigest(image: string): string {
  const noDigest = image.split('@')[0] as string;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Reads manifests from files and directories (`*.yaml`, `*.yml`, `*.json`, sorted, recursively). */
export async function readManifestFiles(
  paths: string[],
  input: string,
): Promise<{ text: string; sources: string[] }> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info) throw new InputError(input, `Input "${input}": ${JSON.stringify(p)} does not exist`);
    if (info.isDirectory()) files.push(...(await listManifestFiles(p)));
    else files.push(p);
  }
  if (files.length === 0) throw new InputError(input, `Input "${input}" names no YAML or JSON files`);
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  return { text: texts.map((t) => t.replace(/\n?$/, '\n')).join('---\n'), sources: files };
}

async function listManifestFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listManifestFiles(full)));
    else if (/\.(ya?ml|json)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * Renders a Kustomize overlay with `kubectl kustomize DIR` (kubectl's built-in Kustomize). The
 * overlay is only read: image changes are made on the rendered output, never with `kustomize edit`.
 */
export async function renderKustomize(
  dir: string,
  options: { input: string; kubectl?: string; logger?: Logger },
): Promise<string> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new InputError(
      options.input,
      `Input "${options.input}": ${JSON.stringify(dir)} is not a directory`,
    );
  return new Kubectl(options).kustomize(dir);
}

/** Parses multi-document YAML into objects; empty documents and `List` wrappers are flattened. */
/**
 * How deep manifests may nest before they are parsed (indentation and flow brackets counted roughly): real objects
 * stay far below it, while ~10 000 nested brackets abort the whole Node process inside the YAML parser (V8
 * "RegExpCompiler Allocation failed", test/fixtures/hostile/yaml-deep-flow.yaml) instead of throwing.
 */
export const MANIFEST_NESTING_LIMIT = 1024;

export function parseManifests(text: string, input: string): KObject[] {
  if (roughNesting(text) > MANIFEST_NESTING_LIMIT)
    throw new InputError(
      input,
      `Input "${input}": the manifests nest deeper than ${MANIFEST_NESTING_LIMIT} levels (indentation and brackets); split or flatten them`,
      'INPUT_TOO_LARGE',
    );
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const out: KObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) {
      const err = doc.errors[0]!;
      throw new InputError(input, `Input "${input}" is not valid YAML: ${err.message.split('\n')[0]}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) continue;
    const items = isObj(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      if (
        !isObj(item) ||
        typeof item.apiVersion !== 'string' ||
        typeof item.kind !== 'string' ||
        !isObj(item.metadata) ||
        typeof item.metadata.name !== 'string'
      ) {
        throw new InputError(
          input,
          `Input "${input}" holds a document that is not a Kubernetes object (apiVersion, kind and metadata.name are required)`,
        );
      }
      out.push(item as KObject);
    }
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function podSpecOf(obj: KObject): Record<string, unknown> | undefined {
  const spec = obj.spec as Record<string, unknown> | undefined;
  if (obj.kind === 'Pod') return spec;
  if (obj.kind === 'CronJob') {
    const job = (spec?.jobTemplate as Record<string, unknown> | undefined)?.spec as
      Record<string, unknown> | undefined;
    return (job?.template as Record<string, unknown> | undefined)?.spec as
      Record<string, unknown> | undefined;
  }
  const template = spec?.template as Record<string, unknown> | undefined;
  return template?.spec as Record<string, unknown> | undefined;
}

/** Every container (and init container) of a workload object. */
export function containersOf(obj: KObject): { name?: string; image?: string }[] {
  const pod = podSpecOf(obj);
  if (!pod) return [];
  const list = (k: string) => (Array.isArray(pod[k]) ? (pod[k] as { name?: string; image?: string }[]) : []);
  return [...list('initContainers'), ...list('containers')];
}

/**
 * Kustomize `images` semantics: a container image matches when its name (without tag or digest)
 * equals the override's name; it becomes `newName@digest` (the tag is dropped, as Kustomize does when
 * a digest is set). Every override must match at least one container, else the input is wrong.
 */
export function substituteImages(objects: KObject[], overrides: ImageOverride[], input: string): KObject[] {
  const out = structuredClone(objects);
  const used = new Set<ImageOverride>();
  for (const obj of out) {
    for (const c of containersOf(obj)) {
      if (!c.image) continue;
      const o = overrides.find((x) => x.name === stripTagAndDigest(c.image as string));
      if (!o) continue;
      c.image = `${o.newName ?? o.name}@${o.digest}`;
      used.add(o);
    }
  }
  const unused = overrides.filter((o) => !used.has(o));
  if (unused.length) {
    const present = [
      ...new Set(out.flatMap((o) => containersOf(o).map((c) => stripTagAndDigest(c.image ?? '')))),
    ].filter(Boolean);
    throw new InputError(
      input,
      `Input "${input}": ${unused.map((u) => JSON.stringify(u.name)).join(', ')} ${unused.length > 1 ? 'are' : 'is'} not used by any container in the manifests (images there: ${present.join(', ') || 'none'})`,
    );
  }
  return out;
}

export interface LoadManifestsOptions {
  manifests?: string[];
  kustomizeDir?: string;
  images: ImageOverride[];
  /** The caller's names for the manifests, kustomize-dir and images inputs, named by the errors about them. */
  inputNames: Pick<DeployInputNames, 'manifests' | 'kustomizeDir' | 'images'>;
  kubectl?: string;
  logger?: Logger;
  /** Checks on the parsed objects before images are substituted (so a missing Deployment is reported as such). */
  validate?: (objects: KObject[]) => void;
}

/** Loads, renders, substitutes images and writes the result to a new temp dir. */
export async function loadManifests(options: LoadManifestsOptions): Promise<RenderedManifests> {
  const names = options.inputNames;
  let text = '';
  const sources: string[] = [];
  if (options.kustomizeDir) {
    text += await renderKustomize(options.kustomizeDir, { ...options, input: names.kustomizeDir });
    sources.push(`kustomize:${options.kustomizeDir}`);
  }
  if (options.manifests?.length) {
    const files = await readManifestFiles(options.manifests, names.manifests);
    text += (text ? '---\n' : '') + files.text;
    sources.push(...files.sources);
  }
  if (!text)
    throw new InputError(
      names.manifests,
      `Set the ${names.manifests} input (files or directories) or ${names.kustomizeDir}`,
    );
  const parsed = parseManifests(text, options.kustomizeDir ? names.kustomizeDir : names.manifests);
  options.validate?.(parsed);
  const objects = substituteImages(parsed, options.images, names.images);
  const dir = await mkdtemp(path.join(tmpdir(), 'deliverkit-manifests-'));
  const file = path.join(dir, 'rendered.yaml');
  await writeFile(file, objects.map((o) => stringify(o)).join('---\n'));
  return { objects, file, sources };
}
