import type { KObject, KubeClient } from './kube';
import { ANNOTATION, selectedSlot, type Color, type Slot } from './model';

/** What the cluster runs now: the stable Service (traffic switch and state record) and the colour Deployments. */
export interface LiveState {
  stable?: KObject;
  active?: Slot;
  previous?: Slot;
  activeDigest?: string;
  previousDigest?: string;
  phase?: string;
  deployments: Partial<Record<Slot, KObject>>;
  pending?: Color;
}

export function annotationsOf(o: KObject | undefined): Record<string, string> {
  return o?.metadata.annotations ?? {};
}

export function digestOf(d: KObject | undefined): string | undefined {
  if (!d) return undefined;
  const a = annotationsOf(d)[ANNOTATION.digest];
  if (a) return a;
  const containers =
    (d.spec as { template?: { spec?: { containers?: { image?: string }[] } } })?.template?.spec?.containers ??
    [];
  return containers.map((c) => c.image?.split('@')[1]).find(Boolean);
}

export function replicasOf(d: KObject | undefined): number {
  return (d?.spec as { replicas?: number } | undefined)?.replicas ?? 0;
}

/** Reads the stable Service and the blue, green and legacy Deployments (`depName` names each slot's). */
export async function readLiveState(
  client: KubeClient,
  namespace: string,
  serviceName: string,
  depName: (slot: Slot) => string,
): Promise<LiveState> {
  const [stable, blue, green, legacy] = await Promise.all([
    client.get('v1', 'Service', namespace, serviceName),
    client.get('apps/v1', 'Deployment', namespace, depName('blue')),
    client.get('apps/v1', 'Deployment', namespace, depName('green')),
    client.get('apps/v1', 'Deployment', namespace, depName('legacy')),
  ]);
  const a = annotationsOf(stable);
  let active = selectedSlot(stable);
  // A stable Service without the colour label that selects a plain Deployment: adopt it as `legacy`.
  if (stable && !active && legacy) active = 'legacy';
  const prev = a[ANNOTATION.previousColor];
  const pending = (['blue', 'green'] as Color[]).find(
    (c) => annotationsOf(c === 'blue' ? blue : green)[ANNOTATION.phase] === 'pending-promotion',
  );
  const deployments = { blue, green, legacy };
  return {
    stable,
    active,
    previous: prev === 'blue' || prev === 'green' || prev === 'legacy' ? prev : undefined,
    activeDigest: active ? (digestOf(deployments[active]) ?? a[ANNOTATION.activeDigest]) : undefined,
    previousDigest: a[ANNOTATION.previousDigest],
    phase: a[ANNOTATION.phase],
    deployments,
    pending,
  };
}

/** The live colour runs exactly these inputs (config hash and digest): a deploy has nothing to replace. */
export function runsInputs(state: LiveState, hash: string, digest: string): boolean {
  const active = state.active;
  return (
    !!active &&
    active !== 'legacy' &&
    annotationsOf(state.deployments[active])[ANNOTATION.configHash] === hash &&
    digestOf(state.deployments[active]) === digest
  );
}
