import { DeployError } from './errors';
import type { KObject, KubeClient } from './kube';

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

export interface RolloutState {
  done: boolean;
  /** Set when the rollout can no longer succeed (progress deadline exceeded). */
  failed?: string;
  message: string;
}

/**
 * kubectl rollout status's logic (polymorphichelpers.DeploymentStatusViewer): the controller has
 * seen the latest generation, the progress deadline has not passed, all replicas are updated, no old
 * replicas remain, and all updated replicas are available.
 */
export function rolloutState(d: KObject): RolloutState {
  const generation = d.metadata.generation ?? 0;
  const spec = (d.spec ?? {}) as { replicas?: number };
  const status = (d.status ?? {}) as DeploymentStatus;
  const want = spec.replicas ?? 1;
  const name = d.metadata.name;
  if ((status.observedGeneration ?? 0) < generation)
    return { done: false, message: `waiting for the controller to observe ${name} generation ${generation}` };
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      done: false,
      failed: `Deployment ${name} exceeded its progress deadline`,
      message: progressing.message ?? 'progress deadline exceeded',
    };
  }
  const updated = status.updatedReplicas ?? 0;
  if (updated < want) return { done: false, message: `${updated} of ${want} updated replicas of ${name}` };
  if ((status.replicas ?? 0) > updated)
    return {
      done: false,
      message: `${(status.replicas ?? 0) - updated} old replicas of ${name} pending termination`,
    };
  if ((status.availableReplicas ?? 0) < updated)
    return {
      done: false,
      message: `${status.availableReplicas ?? 0} of ${updated} updated replicas of ${name} available`,
    };
  return { done: true, message: `${name} rolled out (${updated} replicas available)` };
}

async function podDiagnostics(client: KubeClient, d: KObject): Promise<string> {
  const sel = (d.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ?? {};
  const selector = Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await client.list('v1', 'Pod', d.metadata.namespace ?? 'default', selector).catch(() => []);
  const reasons = new Map<string, number>();
  for (const p of pods) {
    const statuses =
      (
        p.status as {
          containerStatuses?: { state?: { waiting?: { reason?: string } }; restartCount?: number }[];
        }
      )?.containerStatuses ?? [];
    for (const s of statuses) {
      const r = s.state?.waiting?.reason;
      if (r) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
  }
  return reasons.size ? ` Pods: ${[...reasons].map(([r, n]) => `${n}× ${r}`).join(', ')}.` : '';
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
}

const ns = (namespace: string) => `/namespaces/${encodeURIComponent(namespace)}`;

/**
 * Waits for a Deployment to finish rolling out, by watching it (one list and one watch, not a poll per
 * interval); DeployError ROLLOUT_FAILED / ROLLOUT_TIMEOUT otherwise.
 */
export async function waitForRollout(
  client: KubeClient,
  namespace: string,
  name: string,
  options: WaitOptions,
): Promise<KObject> {
  let last: KObject | undefined;
  let lastMessage = 'not started';
  const done = await client.watchUntil<{ done: KObject } | { failed: RolloutState }>(
    `/apis/apps/v1${ns(namespace)}/deployments`,
    { fieldSelector: `metadata.name=${name}` },
    (items) => {
      const d = items.find((o) => o.metadata.name === name);
      if (!d)
        throw new DeployError(
          'ROLLOUT_FAILED',
          `Deployment ${namespace}/${name} disappeared during the rollout`,
        );
      last = d;
      const state = rolloutState(d);
      lastMessage = state.message;
      if (state.failed) return { failed: state };
      return state.done ? { done: d } : undefined;
    },
    options.timeoutMs,
  );
  if (done && 'done' in done) return done.done;
  const diagnostics = last ? await podDiagnostics(client, last) : '';
  if (done && 'failed' in done)
    throw new DeployError(
      'ROLLOUT_FAILED',
      `${done.failed.failed}: ${done.failed.message.replace(/\.$/, '')}.${diagnostics}`,
    );
  throw new DeployError(
    'ROLLOUT_TIMEOUT',
    `Deployment ${namespace}/${name} did not roll out within ${Math.round(options.timeoutMs / 1000)}s: ${lastMessage}.${diagnostics}`,
  );
}

interface EndpointSlice extends KObject {
  endpoints?: {
    addresses?: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    targetRef?: { name?: string };
  }[];
}

/**
 * Waits until a Service's EndpointSlices list `count` ready endpoints whose pods belong to
 * `podPrefix` (the Deployment's pods) and none of another Deployment — traffic can then only
 * reach the new colour.
 */
export async function waitForEndpoints(
  client: KubeClient,
  namespace: string,
  service: string,
  count: number,
  podPrefix: string,
  options: WaitOptions,
): Promise<number> {
  // Pods of a Deployment are named <deployment>-<replicaset hash>-<suffix>.
  const ours = new RegExp(`^${podPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[a-z0-9]+-[a-z0-9]+$`);
  let last = '';
  const ready = await client.watchUntil(
    `/apis/discovery.k8s.io/v1${ns(namespace)}/endpointslices`,
    { labelSelector: `kubernetes.io/service-name=${service}` },
    (slices) => {
      const eps = slices.flatMap((s) => (s as EndpointSlice).endpoints ?? []);
      const readyOurs = eps.filter((e) => e.conditions?.ready && ours.test(e.targetRef?.name ?? '')).length;
      const readyOthers = eps.filter(
        (e) => e.conditions?.ready && !ours.test(e.targetRef?.name ?? ''),
      ).length;
      if (readyOurs >= count && readyOthers === 0) return readyOurs;
      last = `${readyOurs} of ${count} ready endpoints from ${podPrefix}${readyOthers ? `, ${readyOthers} from other pods` : ''}`;
      return undefined;
    },
    options.timeoutMs,
  );
  if (ready !== undefined) return ready;
  throw new DeployError(
    'ENDPOINTS_NOT_READY',
    `Service ${namespace}/${service} has ${last || 'no ready endpoints'} after ${Math.round(options.timeoutMs / 1000)}s`,
  );
}
