import { createHash } from 'node:crypto';
import type { KObject } from './kube';
import {
  ANNOTATION,
  autoscaledReplicas,
  colorAutoscalers,
  colorDeployment,
  colorService,
  previewService,
  stableService,
  type AppModel,
  type Color,
  type Slot,
} from './model';

/** A hash of what the colour Deployment would run, so a re-run with the same inputs is recognised as done. */
export function configHash(model: AppModel): string {
  const d = colorDeployment(model, 'blue');
  const { annotations: _a, ...meta } = d.metadata;
  return createHash('sha256')
    .update(JSON.stringify({ ...d, metadata: meta }))
    .digest('hex')
    .slice(0, 16);
}

/** What a deploy of the manifests to one colour applies, by role (the deploy applies each role its own way). */
export interface DesiredObjects {
  /** The manifests' other objects (ConfigMaps, ServiceAccounts, …), in the app's namespace. */
  supporting: KObject[];
  /** The colour's Deployment, with the config hash and its start size. */
  deployment: KObject;
  autoscalers: KObject[];
  preview: KObject;
  /** `<service>-blue` and `<service>-green`, which routes point at (gateway-api and ingress only). */
  colorServices: KObject[];
  /** The stable Service's manifest fields, selecting `stableSlot`; none without one. */
  stable?: KObject;
}

/**
 * The one builder of a colour's desired objects. `serving` is the serving colour's replica count (an HPA's new colour
 * starts that large), `stableSlot` the colour the stable Service selects.
 */
export function desiredObjects(
  model: AppModel,
  to: Color,
  options: { namespace: string; serving?: number; stableSlot?: Slot },
): DesiredObjects {
  return {
    supporting: model.others.map((o) => ({
      ...o,
      metadata: { ...o.metadata, namespace: options.namespace },
    })),
    deployment: colorDeployment(
      model,
      to,
      { [ANNOTATION.configHash]: configHash(model) },
      autoscaledReplicas(model, options.serving),
    ),
    autoscalers: colorAutoscalers(model, to),
    preview: previewService(model, to),
    colorServices:
      model.routeMethod !== 'service'
        ? (['blue', 'green'] as Color[]).map((c) => colorService(model, c))
        : [],
    stable: options.stableSlot ? stableService(model, options.stableSlot, {}) : undefined,
  };
}

/** The desired objects in the order a deploy applies them. */
export function desiredList(d: DesiredObjects): KObject[] {
  return [
    ...d.supporting,
    d.deployment,
    ...d.autoscalers,
    d.preview,
    ...d.colorServices,
    ...(d.stable ? [d.stable] : []),
  ];
}
