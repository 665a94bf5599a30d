import { formatBytes, InputError } from '@deliverkit/action-kit';
import { parseReference } from './reference';

/** A copy target: a repository and the tags to point at the copied digest. */
export interface CopyDestination {
  registry: string;
  repository: string;
  tags: string[];
}

/**
 * Parses one destination line, `registry/repo:tag1,tag2` (Docker normalisation applies; no tag means
 * "the source's tag if it had one, else digest only"). Digests are refused: a copy keeps the source's.
 */
export function parseDestination(line: string, input = 'destinations'): CopyDestination {
  const text = line.trim();
  const lastSlash = text.lastIndexOf('/');
  const colon = text.lastIndexOf(':');
  let name = text;
  let tags: string[] = [];
  if (text.includes('@')) {
    throw new InputError(
      input,
      `Destination "${text}" in ${input} has a digest; give tags only (the copy keeps the source digest)`,
    );
  }
  if (colon > lastSlash) {
    name = text.slice(0, colon);
    tags = text
      .slice(colon + 1)
      .split(',')
      .map((t) => t.trim());
  }
  const parsed = parseReference(tags[0] ? `${name}:${tags[0]}` : name, { input });
  for (const tag of tags.slice(1)) parseReference(`${name}:${tag}`, { input });
  return { registry: parsed.registry, repository: parsed.repository, tags };
}

/** Parses the multiline `destinations` input; blank lines and `#` comments are skipped. */
export function parseDestinations(text: string, input = 'destinations'): CopyDestination[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0)
    throw new InputError(
      input,
      `${input} is empty: give at least one registry/repository:tag line`,
      'INPUT_REQUIRED',
    );
  const destinations = lines.map((l) => parseDestination(l, input));
  const seen = new Set<string>();
  for (const d of destinations) {
    const key = `${d.registry}/${d.repository}`;
    if (seen.has(key))
      throw new InputError(
        input,
        `Destination ${key} appears twice in ${input}; put all its tags on one line`,
      );
    seen.add(key);
  }
  return destinations;
}

/** What a presence check found at one destination. */
export interface DestinationState {
  registry: string;
  repository: string;
  /** Blob digests known present (HEAD, or implied by a present image manifest). */
  blobs: ReadonlySet<string>;
  manifests: ReadonlySet<string>;
  /** Current digest of each requested tag (undefined: tag absent). */
  tags: ReadonlyMap<string, string | undefined>;
}

export interface BlobPlan {
  digest: string;
  size: number;
  /** Destination indexes that already have it. */
  skip: number[];
  /** Same registry as the source: mount from the source repository. */
  mountFromSource: number[];
  /** Read from the source once and streamed to each of these. */
  upload: number[];
  /** Mount from another destination on the same registry, after that one has the blob. */
  mountFromPeer: { destination: number; from: number }[];
}

export interface ManifestPlan {
  digest: string;
  mediaType: string;
  push: number[];
  skip: number[];
}

export interface TagPlan {
  destination: number;
  tag: string;
  digest: string;
  action: 'create' | 'update' | 'unchanged';
}

export interface CopyPlan {
  blobs: BlobPlan[];
  manifests: ManifestPlan[];
  tags: TagPlan[];
}

export interface PlanInput {
  source: { registry: string; repository: string };
  blobs: readonly { digest: string; size: number }[];
  /** In push order. */
  manifests: readonly { digest: string; mediaType: string }[];
  /** Tags to write per destination, with the digest each must point at, in write order. */
  tags: readonly { destination: number; tag: string; digest: string }[];
  destinations: readonly DestinationState[];
}

/**
 * Decides, per blob and destination, skip / mount / upload, reading each source blob at most once:
 * destinations on the source's registry mount from the source; destinations sharing another
 * registry get one upload and mount from that peer (or from a peer that already has the blob).
 */
export function planCopy(input: PlanInput): CopyPlan {
  const blobs = input.blobs.map((blob): BlobPlan => {
    const plan: BlobPlan = {
      digest: blob.digest,
      size: blob.size,
      skip: [],
      mountFromSource: [],
      upload: [],
      mountFromPeer: [],
    };
    const byRegistry = new Map<string, number[]>();
    input.destinations.forEach((d, i) => {
      if (d.blobs.has(blob.digest)) {
        plan.skip.push(i);
        return;
      }
      if (d.registry === input.source.registry && d.repository !== input.source.repository) {
        plan.mountFromSource.push(i);
        return;
      }
      const group = byRegistry.get(d.registry) ?? [];
      group.push(i);
      byRegistry.set(d.registry, group);
    });
    for (const [registry, group] of byRegistry) {
      const holder = input.destinations.findIndex((d) => d.registry === registry && d.blobs.has(blob.digest));
      const from = holder >= 0 ? holder : group[0]!;
      if (holder < 0) plan.upload.push(from);
      for (const i of group) if (i !== from) plan.mountFromPeer.push({ destination: i, from });
    }
    return plan;
  });
  const manifests = input.manifests.map((m): ManifestPlan => {
    const plan: ManifestPlan = { digest: m.digest, mediaType: m.mediaType, push: [], skip: [] };
    input.destinations.forEach((d, i) => (d.manifests.has(m.digest) ? plan.skip : plan.push).push(i));
    return plan;
  });
  const tags = input.tags.map((t): TagPlan => {
    const current = input.destinations[t.destination]?.tags.get(t.tag);
    return { ...t, action: current === undefined ? 'create' : current === t.digest ? 'unchanged' : 'update' };
  });
  return { blobs, manifests, tags };
}

/** The plan as rows for a dry-run summary (action-kit's renderPlan shape). */
export function describePlan(
  plan: CopyPlan,
  destinations: readonly { registry: string; repository: string }[],
): { action: string; target: string; detail?: string }[] {
  const name = (i: number) => `${destinations[i]!.registry}/${destinations[i]!.repository}`;
  const steps: { action: string; target: string; detail?: string }[] = [];
  for (const b of plan.blobs) {
    const short = `${b.digest.slice(0, 19)}… (${formatBytes(b.size)})`;
    for (const i of b.upload) steps.push({ action: 'upload blob', target: name(i), detail: short });
    for (const i of b.mountFromSource)
      steps.push({ action: 'mount blob', target: name(i), detail: `${short} from source` });
    for (const m of b.mountFromPeer)
      steps.push({
        action: 'mount blob',
        target: name(m.destination),
        detail: `${short} from ${name(m.from)}`,
      });
    for (const i of b.skip)
      steps.push({ action: 'skip blob', target: name(i), detail: `${short} already present` });
  }
  for (const m of plan.manifests) {
    for (const i of m.push) steps.push({ action: 'push manifest', target: name(i), detail: m.digest });
    for (const i of m.skip)
      steps.push({ action: 'skip manifest', target: name(i), detail: `${m.digest} already present` });
  }
  for (const t of plan.tags) {
    steps.push({
      action: t.action === 'unchanged' ? 'keep tag' : `${t.action} tag`,
      target: `${name(t.destination)}:${t.tag}`,
      detail: t.digest,
    });
  }
  return steps;
}
