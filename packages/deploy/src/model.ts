import { ConfigurationError, InputError } from '@deliverkit/action-kit';
import type { KObject } from './kube';
import type { DeployInputNames } from './types';
import { containersOf } from './manifests';

export type Color = 'blue' | 'green';
/** `legacy` is an adopted plain Deployment `<app>` that was serving before the first blue/green deploy. */
export type Slot = Color | 'legacy';
export type RouteMethod = 'service' | 'gateway-api' | 'ingress';

export const COLOR_LABEL = 'deliverkit.dev/color';
export const ANNOTATION = {
  activeColor: 'deliverkit.dev/active-color',
  activeDigest: 'deliverkit.dev/active-digest',
  previousColor: 'deliverkit.dev/previous-color',
  previousDigest: 'deliverkit.dev/previous-digest',
  pendingColor: 'deliverkit.dev/pending-color',
  pendingDigest: 'deliverkit.dev/pending-digest',
  phase: 'deliverkit.dev/phase',
  runUrl: 'deliverkit.dev/run-url',
  updatedAt: 'deliverkit.dev/updated-at',
  digest: 'deliverkit.dev/digest',
  images: 'deliverkit.dev/images',
  replicas: 'deliverkit.dev/replicas',
  configHash: 'deliverkit.dev/config-hash',
  route: 'deliverkit.dev/route',
  /** On a colour kept warm after a switch (and on the stable Service): when it may be scaled to zero. */
  scaleDownAfter: 'deliverkit.dev/scale-down-after',
} as const;
export const PREVIEW_HEADER = 'X-Deliverkit-Preview';

export function otherColor(c: Slot | undefined): Color {
  return c === 'blue' ? 'green' : 'blue';
}

/** The app's objects, derived once from the rendered manifests. */
export interface AppModel {
  app: string;
  namespace: string;
  routeMethod: RouteMethod;
  /** The app's Deployment as written in the manifests (images already substituted). */
  deployment: KObject;
  /** The stable Service, from the manifests or derived from the container ports. */
  service: KObject;
  /** The HTTPRoute or Ingress that carries external traffic (gateway-api / ingress methods). */
  route?: KObject;
  /** Everything else, applied as is (ConfigMaps, ServiceAccounts, …). */
  others: KObject[];
  /** HorizontalPodAutoscalers of the manifests that scale the app's Deployment: made per colour (colorAutoscalers). */
  autoscalers: KObject[];
  /** The Deployment's pod selector (matchLabels), without the colour. */
  selector: Record<string, string>;
  /** Images of the app's containers, and the digest of the first one (the app's "version"). */
  images: string[];
  digest: string;
}

function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function templateLabels(d: KObject): Record<string, string> {
  const template = (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)
    ?.template;
  return template?.metadata?.labels ?? {};
}

/**
 * Finds the app in the manifests: its Deployment (the only one, or the one named by `app`), the
 * Service selecting its pods, and the route object the route method needs. Bad input is an
 * InputError naming the input to fix: `input` is the one the objects came from, `inputNames` the caller's others.
 */
export function buildModel(
  objects: KObject[],
  options: {
    app?: string;
    namespace: string;
    routeMethod: RouteMethod;
    input: string;
    inputNames: Pick<DeployInputNames, 'app' | 'images' | 'routeMethod'>;
  },
): AppModel {
  const { input, inputNames: names } = options;
  const deployments = objects.filter((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1');
  if (deployments.length === 0)
    throw new InputError(
      input,
      `Input "${input}" holds no apps/v1 Deployment: blue-green needs the app's Deployment`,
    );
  let deployment: KObject | undefined;
  if (options.app) {
    deployment = deployments.find((d) => d.metadata.name === options.app);
    if (!deployment) {
      throw new InputError(
        names.app,
        `Input "${names.app}": no Deployment named ${JSON.stringify(options.app)} in the manifests (found: ${deployments.map((d) => d.metadata.name).join(', ')})`,
      );
    }
  } else if (deployments.length > 1) {
    throw new InputError(
      names.app,
      `The manifests hold ${deployments.length} Deployments (${deployments.map((d) => d.metadata.name).join(', ')}): set the ${names.app} input to the one to deploy blue-green`,
    );
  } else deployment = deployments[0] as KObject;
  const app = deployment.metadata.name;
  const spec = deployment.spec as
    { selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } } | undefined;
  const selector = spec?.selector?.matchLabels ?? {};
  if (Object.keys(selector).length === 0 || spec?.selector?.matchExpressions?.length) {
    throw new InputError(
      input,
      `Deployment ${app} must select its pods with spec.selector.matchLabels only (blue-green adds a colour label to it)`,
    );
  }
  if (COLOR_LABEL in selector || COLOR_LABEL in templateLabels(deployment)) {
    throw new InputError(
      input,
      `Deployment ${app} must not set the ${COLOR_LABEL} label: the deployer manages it`,
    );
  }
  const images = containersOf(deployment).map((c) => c.image ?? '');
  const digest = images.map((i) => i.split('@')[1]).find(Boolean);
  if (!digest)
    throw new InputError(
      names.images,
      `Input "${names.images}" must give the digest of at least one image of Deployment ${app}`,
    );

  const services = objects.filter((o) => o.kind === 'Service' && o.apiVersion === 'v1');
  for (const s of services) {
    const sel = (s.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (sel && Object.keys(sel).length && !deployments.some((d) => labelsMatch(sel, templateLabels(d)))) {
      throw new InputError(
        input,
        `Service ${s.metadata.name} selects ${JSON.stringify(sel)}, which matches the pods of no Deployment in the manifests`,
      );
    }
  }
  const appServices = services.filter((s) =>
    labelsMatch((s.spec as { selector?: Record<string, string> }).selector, templateLabels(deployment)),
  );
  const service =
    appServices.find((s) => s.metadata.name === app) ?? appServices[0] ?? deriveService(deployment, input);

  let route: KObject | undefined;
  if (options.routeMethod === 'gateway-api') {
    route = objects.find((o) => o.kind === 'HTTPRoute' && routeReferences(o, service.metadata.name));
    if (!route) {
      throw new ConfigurationError(
        'INVALID_CONFIGURATION',
        `${names.routeMethod} gateway-api needs an HTTPRoute in the manifests whose backendRefs name Service ${service.metadata.name}`,
      );
    }
  } else if (options.routeMethod === 'ingress') {
    route = objects.find((o) => o.kind === 'Ingress' && routeReferences(o, service.metadata.name));
    if (!route) {
      throw new ConfigurationError(
        'INVALID_CONFIGURATION',
        `${names.routeMethod} ingress needs an Ingress in the manifests with a backend on Service ${service.metadata.name}`,
      );
    }
  }
  const podLabels =
    (deployment.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata
      ?.labels ?? {};
  const autoscalers = objects.filter((o) => scalesDeployment(o, app));
  const others = objects
    .filter((o) => o !== deployment && o !== service && o !== route && !autoscalers.includes(o))
    .flatMap((o) => colorScopedDisruptionBudgets(o, podLabels));
  return {
    app,
    namespace: options.namespace,
    routeMethod: options.routeMethod,
    deployment,
    service,
    route,
    others,
    autoscalers,
    selector,
    images,
    digest,
  };
}

/** A HorizontalPodAutoscaler (autoscaling/v1 or v2) whose scaleTargetRef is the Deployment `app`. */
function scalesDeployment(o: KObject, app: string): boolean {
  if (o.kind !== 'HorizontalPodAutoscaler' || !o.apiVersion.startsWith('autoscaling/')) return false;
  const ref = (
    o.spec as { scaleTargetRef?: { kind?: string; name?: string; apiVersion?: string } } | undefined
  )?.scaleTargetRef;
  return ref?.kind === 'Deployment' && ref.name === app && (ref.apiVersion ?? 'apps/v1') === 'apps/v1';
}

function routeReferences(route: KObject, service: string): boolean {
  return JSON.stringify(route.spec ?? {}).includes(`"name":"${service}"`);
}

/** A ClusterIP Service for the container ports, when the manifests bring none. */
function deriveService(d: KObject, input: string): KObject {
  const ports = containersOf(d).flatMap((c) =>
    ((c as { ports?: { containerPort: number; name?: string }[] }).ports ?? []).map((p) => p),
  );
  if (ports.length === 0)
    throw new InputError(
      input,
      `Deployment ${d.metadata.name} declares no container port and the manifests hold no Service for it`,
    );
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: d.metadata.name, labels: (d.metadata.labels ?? {}) as Record<string, string> },
    spec: {
      selector: (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
      ports: ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.containerPort })),
    },
  };
}

export function deploymentName(model: AppModel, slot: Slot): string {
  return slot === 'legacy' ? model.app : `${model.app}-${slot}`;
}

function withMeta(
  obj: KObject,
  namespace: string,
  name: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): KObject {
  const metadata: KObject['metadata'] = { name, namespace };
  const labels = { ...(obj.metadata.labels ?? {}), ...(extra.labels ?? {}) };
  const annotations = { ...(obj.metadata.annotations ?? {}), ...(extra.annotations ?? {}) };
  if (Object.keys(labels).length) metadata.labels = labels;
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  return { apiVersion: obj.apiVersion, kind: obj.kind, ...stripMeta(obj), metadata };
}

function stripMeta(obj: KObject): Record<string, unknown> {
  const { metadata: _m, apiVersion: _a, kind: _k, status: _s, ...rest } = obj;
  return structuredClone(rest);
}

/** `<app>-<colour>`: the app's Deployment with the colour label added to its selector and pod template. */
export function colorDeployment(
  model: AppModel,
  color: Color,
  annotations: Record<string, string> = {},
  replicas?: number,
): KObject {
  // A deep copy: the colour's scheduling terms are edited below, and the model is shared by both colours.
  const d = withMeta(structuredClone(model.deployment), model.namespace, deploymentName(model, color), {
    labels: { [COLOR_LABEL]: color },
    annotations: {
      [ANNOTATION.digest]: model.digest,
      [ANNOTATION.images]: model.images.join(','),
      // What a rollback scales this colour back up to: its start size (an HPA's count for the load then, if any).
      [ANNOTATION.replicas]: String(
        replicas ?? (model.deployment.spec as { replicas?: number }).replicas ?? 1,
      ),
      ...annotations,
    },
  });
  const spec = d.spec as {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata?: { labels?: Record<string, string> } };
  };
  // Always explicit: the scaler field manager sets 0 on the old colour, and an omitted value would never take it back.
  spec.replicas = replicas ?? spec.replicas ?? 1;
  spec.selector = { matchLabels: { ...model.selector, [COLOR_LABEL]: color } };
  spec.template.metadata = {
    ...(spec.template.metadata ?? {}),
    labels: { ...(spec.template.metadata?.labels ?? {}), [COLOR_LABEL]: color },
  };
  scopeSchedulingToColor(spec.template as Record<string, unknown>, color);
  return d;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}

/** Whether a label selector picks this app's pods (its matchLabels are a subset of the pod template's labels). */
function selectsAppPods(selector: LabelSelector | undefined, podLabels: Record<string, string>): boolean {
  const labels = selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) return false;
  return Object.entries(labels).every(([k, v]) => podLabels[k] === v);
}

function scopeToColor(selector: LabelSelector | undefined, podLabels: Record<string, string>, color: Color) {
  if (selector && selectsAppPods(selector, podLabels))
    selector.matchLabels = { ...selector.matchLabels, [COLOR_LABEL]: color };
}

/**
 * Pod (anti-)affinity terms and topology spread constraints that select the app's own pods are narrowed to one
 * colour: while blue and green both run, a `required` anti-affinity on `app: hello` per node would otherwise need
 * a free node for every green pod, and a spread constraint would count the other colour's pods.
 */
function scopeSchedulingToColor(template: Record<string, unknown>, color: Color): void {
  const podLabels = ((template.metadata as { labels?: Record<string, string> } | undefined)?.labels ??
    {}) as Record<string, string>;
  const spec = template.spec as
    | {
        affinity?: Record<string, { required?: unknown; [k: string]: unknown } | undefined>;
        topologySpreadConstraints?: { labelSelector?: LabelSelector }[];
      }
    | undefined;
  if (!spec) return;
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = spec.affinity?.[kind] as
      | {
          requiredDuringSchedulingIgnoredDuringExecution?: { labelSelector?: LabelSelector }[];
          preferredDuringSchedulingIgnoredDuringExecution?: {
            podAffinityTerm?: { labelSelector?: LabelSelector };
          }[];
        }
      | undefined;
    for (const t of a?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
      scopeToColor(t.labelSelector, podLabels, color);
    for (const t of a?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
      scopeToColor(t.podAffinityTerm?.labelSelector, podLabels, color);
  }
  for (const c of spec.topologySpreadConstraints ?? []) scopeToColor(c.labelSelector, podLabels, color);
}

/**
 * A PodDisruptionBudget over the app's pods becomes one per colour (`<name>-blue`, `<name>-green`, each selecting
 * its colour), so the old colour's pods never count towards the new colour's budget, and each colour keeps its
 * own minimum while it serves. Other objects pass through unchanged.
 */
function colorScopedDisruptionBudgets(o: KObject, podLabels: Record<string, string>): KObject[] {
  if (o.kind !== 'PodDisruptionBudget') return [o];
  const selector = (o.spec as { selector?: LabelSelector } | undefined)?.selector;
  if (!selectsAppPods(selector, podLabels) || selector?.matchExpressions?.length) return [o];
  return (['blue', 'green'] as Color[]).map((color) => {
    const pdb = structuredClone(o);
    pdb.metadata = { ...pdb.metadata, name: `${o.metadata.name}-${color}` };
    (pdb.spec as { selector: LabelSelector }).selector = {
      matchLabels: { ...selector!.matchLabels, [COLOR_LABEL]: color },
    };
    return pdb;
  });
}

/**
 * The app's HorizontalPodAutoscalers for one colour: `<name>-<colour>`, scaling `<app>-<colour>`. One HPA over
 * both colours cannot exist (an HPA scales one target), and one left on the manifests' name would aim at a
 * Deployment the deployer never creates. The old colour's HPA stays: once its Deployment is scaled to zero,
 * the HPA controller stops acting on it ("ScalingDisabled"), and a rollback's scale-up hands it back.
 */
export function colorAutoscalers(model: AppModel, color: Color): KObject[] {
  return model.autoscalers.map((o) => {
    const hpa = withMeta(o, model.namespace, `${o.metadata.name}-${color}`, {
      labels: { [COLOR_LABEL]: color },
    });
    const spec = hpa.spec as { scaleTargetRef: { name: string } };
    spec.scaleTargetRef = { ...spec.scaleTargetRef, name: deploymentName(model, color) };
    return hpa;
  });
}

/**
 * The replicas a new colour starts with when an HPA scales the app: as many as the serving colour runs now (what
 * its HPA scaled it to for the current load), else the manifests' count, kept within the HPA's min and max; so the
 * switch never moves the load onto the HPA's minimum. Undefined without an HPA: the manifests' count stands.
 */
export function autoscaledReplicas(model: AppModel, serving?: number): number | undefined {
  const hpa = model.autoscalers[0];
  if (!hpa) return undefined;
  const spec = hpa.spec as { minReplicas?: number; maxReplicas?: number };
  const min = spec.minReplicas ?? 1;
  const max = spec.maxReplicas ?? Number.MAX_SAFE_INTEGER;
  const base = serving || ((model.deployment.spec as { replicas?: number }).replicas ?? min);
  return Math.min(max, Math.max(min, base));
}

/** A partial apply configuration that only sets replicas, for the separate scaler field manager. */
export function scaleConfig(model: AppModel, slot: Slot, replicas: number): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deploymentName(model, slot), namespace: model.namespace },
    spec: { replicas },
  };
}

/** The partial config that labels an adopted plain Deployment's pods as `legacy`, without touching its selector. */
export function legacyLabelConfig(model: AppModel): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: model.app, namespace: model.namespace },
    spec: { template: { metadata: { labels: { [COLOR_LABEL]: 'legacy' } } } },
  };
}

function serviceSpec(model: AppModel, slot: Slot, preview: boolean): Record<string, unknown> {
  const spec = structuredClone((model.service.spec ?? {}) as Record<string, unknown>);
  spec.selector = { ...model.selector, [COLOR_LABEL]: slot };
  if (preview) {
    // The preview is internal: no external exposure, whatever the stable Service does.
    for (const k of [
      'type',
      'externalTrafficPolicy',
      'loadBalancerIP',
      'loadBalancerSourceRanges',
      'externalIPs',
      'clusterIP',
      'clusterIPs',
    ])
      delete spec[k];
    for (const p of (spec.ports as Record<string, unknown>[] | undefined) ?? []) delete p.nodePort;
  }
  return spec;
}

/** The stable Service `<app>` selecting `slot`, carrying the deploy state annotations. */
export function stableService(model: AppModel, slot: Slot, annotations: Record<string, string>): KObject {
  const s = withMeta(model.service, model.namespace, model.service.metadata.name, { annotations });
  s.spec = serviceSpec(model, slot, false);
  return s;
}

export function previewServiceName(model: AppModel): string {
  return `${model.service.metadata.name}-preview`;
}

/** `<app>-preview`, selecting the colour that does not take traffic. */
export function previewService(model: AppModel, color: Slot): KObject {
  const s = withMeta(model.service, model.namespace, previewServiceName(model));
  s.spec = serviceSpec(model, color, true);
  return s;
}

/** `<service>-<colour>`: per-colour Services that HTTPRoute weights and Ingress backends point at. */
export function colorService(model: AppModel, color: Color): KObject {
  const s = withMeta(model.service, model.namespace, `${model.service.metadata.name}-${color}`);
  s.spec = serviceSpec(model, color, true);
  return s;
}

/**
 * The route object for `active` taking traffic: HTTPRoute rules naming the app Service get weighted
 * backends 100/0 across the colour Services, plus a first rule that sends requests with the preview
 * header to `preview`; Ingress backends on the app Service move to the active colour's Service.
 */
export function routeFor(model: AppModel, active: Color, preview: Color): KObject | undefined {
  if (!model.route) return undefined;
  const svc = model.service.metadata.name;
  const route = withMeta(model.route, model.namespace, model.route.metadata.name);
  if (route.kind === 'HTTPRoute') {
    const spec = route.spec as {
      rules?: { backendRefs?: { name: string; port?: number; weight?: number }[]; matches?: unknown[] }[];
    };
    const rules = spec.rules ?? [];
    const portOf = (refs: { name: string; port?: number }[]) => refs.find((r) => r.name === svc)?.port;
    const rewritten = rules.map((rule) => {
      const refs = rule.backendRefs ?? [];
      if (!refs.some((r) => r.name === svc)) return rule;
      const port = portOf(refs);
      return {
        ...rule,
        backendRefs: (['blue', 'green'] as Color[]).map((c) => ({
          name: `${svc}-${c}`,
          ...(port ? { port } : {}),
          weight: c === active ? 100 : 0,
        })),
      };
    });
    const port = portOf(rules.flatMap((r) => r.backendRefs ?? []));
    const previewRule = {
      matches: [
        {
          path: { type: 'PathPrefix', value: '/' },
          headers: [{ type: 'Exact', name: PREVIEW_HEADER, value: 'true' }],
        },
      ],
      backendRefs: [{ name: `${svc}-${preview}`, ...(port ? { port } : {}), weight: 1 }],
    };
    spec.rules = [previewRule, ...rewritten];
    return route;
  }
  const text = JSON.stringify(route.spec ?? {})
    .split(`"name":"${svc}"`)
    .join(`"name":"${svc}-${active}"`);
  route.spec = JSON.parse(text) as unknown;
  return route;
}

/** The slot a live stable Service selects (undefined: no colour label, i.e. not yet managed). */
export function selectedSlot(service: KObject | undefined): Slot | undefined {
  const sel = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  const v = sel?.[COLOR_LABEL];
  return v === 'blue' || v === 'green' || v === 'legacy' ? v : undefined;
}
