import { DeployError } from './errors';
import type { KObject } from './kube';
import { annotationsOf, type LiveState } from './live-state';
import {
  ANNOTATION,
  COLOR_LABEL,
  PREVIEW_HEADER,
  otherColor,
  routeFor,
  type Color,
  type Slot,
} from './model';
import type { DeploySession } from './session';
import { MANAGERS } from './types';

/** The traffic switch and the state record, in one apply by the switch manager (so they cannot disagree). */
export async function writeStable(
  s: DeploySession,
  slot: Slot,
  state: Record<string, string>,
  selector: Record<string, string>,
): Promise<void> {
  const annotations: Record<string, string> = {
    ...state,
    [ANNOTATION.updatedAt]: new Date().toISOString(),
  };
  if (s.options.runUrl) annotations[ANNOTATION.runUrl] = s.options.runUrl;
  await s.client.apply(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: s.serviceName, namespace: s.ns, annotations },
      spec: { selector: { ...selector, [COLOR_LABEL]: slot } },
    },
    { fieldManager: MANAGERS.switch, force: true },
  );
}

/** The app's pod selector without the colour: from the manifests, else from the live stable Service. */
export async function appSelector(s: DeploySession, state: LiveState): Promise<Record<string, string>> {
  if (s.model) return s.model.selector;
  const sel = {
    ...((state.stable?.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {}),
  };
  delete sel[COLOR_LABEL];
  return sel;
}

/** Points routes at `to`: the HTTPRoute weights / Ingress backends first, then the stable Service selector. */
export async function switchTo(
  s: DeploySession,
  to: Slot,
  from: Slot | undefined,
  state: LiveState,
  record: Record<string, string>,
): Promise<string[]> {
  const touched: string[] = [];
  if (to !== 'legacy' && s.routeMethod !== 'service') {
    const routeName = s.model?.route?.metadata.name ?? annotationsOf(state.stable)[ANNOTATION.route];
    const kind = s.routeMethod === 'gateway-api' ? 'HTTPRoute' : 'Ingress';
    const apiVersion = kind === 'HTTPRoute' ? 'gateway.networking.k8s.io/v1' : 'networking.k8s.io/v1';
    if (routeName) {
      const preview = from && from !== 'legacy' ? from : otherColor(to);
      const desired = s.model
        ? routeFor(s.model, to, preview)
        : await rewriteLiveRoute(s, apiVersion, kind, routeName, to, preview);
      if (desired) {
        await s.client.apply(
          { ...desired, metadata: { name: routeName, namespace: s.ns } },
          { fieldManager: MANAGERS.switch, force: true },
        );
        touched.push(`${kind}/${routeName}`);
      }
    }
  }
  await writeStable(s, to, record, await appSelector(s, state));
  touched.push(`Service/${s.serviceName}`);
  return touched;
}

/** Without manifests (promote, rollback): the live route, its colour backends pointed at `to` (and `preview`). */
async function rewriteLiveRoute(
  s: DeploySession,
  apiVersion: string,
  kind: string,
  name: string,
  to: Color,
  preview: Color,
): Promise<KObject | undefined> {
  const live = await s.client.get(apiVersion, kind, s.ns, name);
  if (!live) return undefined;
  const svc = s.serviceName;
  if (kind === 'HTTPRoute') {
    const spec = structuredClone(live.spec) as {
      rules?: {
        matches?: { headers?: { name: string }[] }[];
        backendRefs?: { name: string; weight?: number }[];
      }[];
    };
    for (const rule of spec.rules ?? []) {
      const isPreview = rule.matches?.some((m) => m.headers?.some((h) => h.name === PREVIEW_HEADER));
      for (const ref of rule.backendRefs ?? []) {
        if (isPreview && (ref.name === `${svc}-blue` || ref.name === `${svc}-green`))
          ref.name = `${svc}-${preview}`;
        else if (ref.name === `${svc}-blue` || ref.name === `${svc}-green`)
          ref.weight = ref.name === `${svc}-${to}` ? 100 : 0;
      }
    }
    return { apiVersion, kind, metadata: { name, namespace: s.ns }, spec };
  }
  const text = JSON.stringify(live.spec)
    .split(`"name":"${svc}-${otherColor(to)}"`)
    .join(`"name":"${svc}-${to}"`);
  return { apiVersion, kind, metadata: { name, namespace: s.ns }, spec: JSON.parse(text) as unknown };
}

/** A promote's first switch without manifests: the stable Service, derived from the live preview Service. */
export async function stableFromPreview(s: DeploySession, to: Slot): Promise<KObject> {
  const preview = await s.client.get('v1', 'Service', s.ns, `${s.serviceName}-preview`);
  if (!preview)
    throw new DeployError(
      'NOTHING_PENDING',
      `Service ${s.ns}/${s.serviceName}-preview does not exist: deploy first`,
    );
  const spec = structuredClone(preview.spec) as Record<string, unknown> & {
    selector?: Record<string, string>;
  };
  for (const k of [
    'clusterIP',
    'clusterIPs',
    'ipFamilies',
    'ipFamilyPolicy',
    'internalTrafficPolicy',
    'sessionAffinity',
    'type',
  ])
    delete spec[k];
  spec.selector = { ...(spec.selector ?? {}), [COLOR_LABEL]: to };
  const labels = preview.metadata.labels;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.serviceName, namespace: s.ns, ...(labels ? { labels } : {}) },
    spec,
  };
}
