import { isObject, type Json, type JsonObject } from './fields';

/** One served resource type, as API discovery describes it. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Writes to the main resource ignore `status` (the status subresource owns it). */
  statusSubresource: boolean;
  shortNames?: string[];
}

export const RESOURCE_TYPES: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    statusSubresource: true,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    namespaced: true,
    statusSubresource: true,
  },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, statusSubresource: true },
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    namespaced: true,
    statusSubresource: false,
  },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, statusSubresource: false },
  // Stored and served, not enforced (the real-cluster tests enforce them): what the example overlays carry.
  {
    group: '',
    version: 'v1',
    kind: 'LimitRange',
    plural: 'limitranges',
    namespaced: true,
    statusSubresource: false,
  },
  {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    namespaced: true,
    statusSubresource: true,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    namespaced: true,
    statusSubresource: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    namespaced: true,
    statusSubresource: true,
  },
  {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    namespaced: true,
    statusSubresource: false,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    namespaced: true,
    statusSubresource: true,
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    namespaced: true,
    statusSubresource: false,
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    plural: 'leases',
    namespaced: true,
    statusSubresource: false,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    plural: 'ingresses',
    namespaced: true,
    statusSubresource: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'HTTPRoute',
    plural: 'httproutes',
    namespaced: true,
    statusSubresource: true,
  },
];

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function findByPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function discoveryResourceList(group: string, version: string): JsonObject | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  const resources: Json[] = [];
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.kind.toLowerCase(),
      namespaced: t.namespaced,
      kind: t.kind,
      verbs,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    });
    if (t.statusSubresource) {
      resources.push({
        name: `${t.plural}/status`,
        singularName: '',
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
    if (t.kind === 'Deployment') {
      resources.push({
        name: 'deployments/scale',
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    }
    if (t.kind === 'Service') {
      resources.push({
        name: 'services/proxy',
        singularName: '',
        namespaced: true,
        kind: 'ServiceProxyOptions',
        verbs: ['create', 'delete', 'get', 'patch', 'update'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

export function apiGroupList(): JsonObject {
  const groups = new Map<string, string[]>();
  for (const t of RESOURCE_TYPES) {
    if (!t.group) continue;
    const versions = groups.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    groups.set(t.group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] as string },
    })),
  };
}

/** A field-level validation failure, reported as 422 Invalid with `details.causes`. */
export interface FieldCause {
  field: string;
  message: string;
  reason: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported';
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function labelsValid(labels: Json | undefined, field: string, causes: FieldCause[]): void {
  if (labels === undefined) return;
  if (!isObject(labels)) {
    causes.push({ field, message: 'must be a map of strings', reason: 'FieldValueInvalid' });
    return;
  }
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      causes.push({
        field: `${field}.${k}`,
        message: `Invalid value: ${JSON.stringify(v)}: a valid label must be 63 characters or less`,
        reason: 'FieldValueInvalid',
      });
    }
  }
}

function selectorMatches(selector: Json | undefined, labels: Json | undefined): boolean {
  if (!isObject(selector)) return false;
  const want = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const have = isObject(labels) ? labels : {};
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (Object.keys(want).length === 0 && exprs.length === 0) return false;
  for (const [k, v] of Object.entries(want)) if (have[k] !== v) return false;
  for (const e of exprs) {
    if (!isObject(e)) return false;
    const key = String(e.key);
    const values = Array.isArray(e.values) ? e.values : [];
    const value = have[key];
    if (e.operator === 'In' && !values.includes(value as Json)) return false;
    if (e.operator === 'NotIn' && values.includes(value as Json)) return false;
    if (e.operator === 'Exists' && value === undefined) return false;
    if (e.operator === 'DoesNotExist' && value !== undefined) return false;
  }
  return true;
}

function validatePodSpec(spec: Json | undefined, field: string, causes: FieldCause[]): void {
  if (!isObject(spec)) {
    causes.push({ field, message: 'Required value', reason: 'FieldValueRequired' });
    return;
  }
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({ field: `${field}.containers`, message: 'Required value', reason: 'FieldValueRequired' });
    return;
  }
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const f = `${field}.containers[${i}]`;
    if (!isObject(c)) return;
    if (typeof c.name !== 'string' || !DNS1123_LABEL.test(c.name)) {
      causes.push({
        field: `${f}.name`,
        message: `Invalid value: ${JSON.stringify(c.name ?? '')}`,
        reason: c.name ? 'FieldValueInvalid' : 'FieldValueRequired',
      });
    } else if (names.has(c.name)) {
      causes.push({
        field: `${f}.name`,
        message: `Duplicate value: ${JSON.stringify(c.name)}`,
        reason: 'FieldValueInvalid',
      });
    } else names.add(c.name);
    if (typeof c.image !== 'string' || !c.image) {
      causes.push({ field: `${f}.image`, message: 'Required value', reason: 'FieldValueRequired' });
    }
  });
}

/** Checks the parts of each schema the deployer's objects exercise; returns the causes of a 422. */
export function validate(type: ResourceType, obj: JsonObject, old: JsonObject | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const name = meta.name;
  if (typeof name !== 'string' || name === '') {
    causes.push({
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
      reason: 'FieldValueRequired',
    });
  } else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      reason: 'FieldValueInvalid',
    });
  }
  labelsValid(meta.labels, 'metadata.labels', causes);
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  switch (type.kind) {
    case 'Deployment': {
      if (!spec) {
        causes.push({ field: 'spec', message: 'Required value', reason: 'FieldValueRequired' });
        break;
      }
      if (!isObject(spec.selector))
        causes.push({ field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' });
      const template = isObject(spec.template) ? spec.template : undefined;
      const tmeta = template && isObject(template.metadata) ? template.metadata : {};
      labelsValid(tmeta.labels, 'spec.template.metadata.labels', causes);
      if (isObject(spec.selector) && !selectorMatches(spec.selector, tmeta.labels)) {
        causes.push({
          field: 'spec.template.metadata.labels',
          message: `Invalid value: ${JSON.stringify(tmeta.labels ?? {})}: \`selector\` does not match template \`labels\``,
          reason: 'FieldValueInvalid',
        });
      }
      validatePodSpec(template?.spec, 'spec.template.spec', causes);
      if (spec.replicas !== undefined && (typeof spec.replicas !== 'number' || spec.replicas < 0)) {
        causes.push({
          field: 'spec.replicas',
          message: `Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`,
          reason: 'FieldValueInvalid',
        });
      }
      const oldSpec = old && isObject(old.spec) ? old.spec : undefined;
      if (oldSpec && JSON.stringify(oldSpec.selector) !== JSON.stringify(spec.selector)) {
        causes.push({
          field: 'spec.selector',
          message: `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable`,
          reason: 'FieldValueInvalid',
        });
      }
      break;
    }
    case 'Service': {
      const ports = spec?.ports;
      const type = spec?.type ?? 'ClusterIP';
      if (type !== 'ExternalName' && (!Array.isArray(ports) || ports.length === 0)) {
        causes.push({ field: 'spec.ports', message: 'Required value', reason: 'FieldValueRequired' });
      }
      if (Array.isArray(ports)) {
        ports.forEach((p, i) => {
          if (!isObject(p) || typeof p.port !== 'number' || p.port < 1 || p.port > 65535) {
            causes.push({
              field: `spec.ports[${i}].port`,
              message: 'Invalid value: must be between 1 and 65535, inclusive',
              reason: 'FieldValueInvalid',
            });
          }
        });
      }
      labelsValid(spec?.selector, 'spec.selector', causes);
      const oldIp = old && isObject(old.spec) ? old.spec.clusterIP : undefined;
      if (oldIp && spec?.clusterIP && spec.clusterIP !== oldIp) {
        causes.push({
          field: 'spec.clusterIPs[0]',
          message: `Invalid value: ${JSON.stringify(spec.clusterIP)}: may not change once set`,
          reason: 'FieldValueInvalid',
        });
      }
      break;
    }
    case 'Lease': {
      if (
        spec &&
        spec.leaseDurationSeconds !== undefined &&
        (typeof spec.leaseDurationSeconds !== 'number' || spec.leaseDurationSeconds <= 0)
      ) {
        causes.push({
          field: 'spec.leaseDurationSeconds',
          message: 'Invalid value: must be greater than 0',
          reason: 'FieldValueInvalid',
        });
      }
      break;
    }
    case 'HTTPRoute': {
      const rules = spec?.rules;
      if (Array.isArray(rules)) {
        rules.forEach((r, i) => {
          const refs = isObject(r) && Array.isArray(r.backendRefs) ? r.backendRefs : [];
          refs.forEach((b, j) => {
            if (!isObject(b) || typeof b.name !== 'string') {
              causes.push({
                field: `spec.rules[${i}].backendRefs[${j}].name`,
                message: 'Required value',
                reason: 'FieldValueRequired',
              });
            } else if (
              b.weight !== undefined &&
              (typeof b.weight !== 'number' || b.weight < 0 || b.weight > 1000000)
            ) {
              causes.push({
                field: `spec.rules[${i}].backendRefs[${j}].weight`,
                message: 'Invalid value: must be between 0 and 1000000',
                reason: 'FieldValueInvalid',
              });
            }
          });
        });
        if (rules.length > 16)
          causes.push({
            field: 'spec.rules',
            message: 'Too many: must have at most 16 items',
            reason: 'FieldValueInvalid',
          });
      }
      break;
    }
    case 'Ingress': {
      const rules = Array.isArray(spec?.rules) ? spec.rules : [];
      if (!spec?.defaultBackend && rules.length === 0) {
        causes.push({
          field: 'spec.rules',
          message: 'Required value: either `defaultBackend` or `rules` must be specified',
          reason: 'FieldValueRequired',
        });
      }
      break;
    }
  }
  return causes;
}

/** The defaults the API server fills in, so that live objects look like a real cluster's (and diffs stay honest). */
export function applyDefaults(type: ResourceType, obj: JsonObject, allocateClusterIp: () => string): void {
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  if (type.kind === 'Deployment' && spec) {
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    const template = isObject(spec.template) ? spec.template : undefined;
    const podSpec = template && isObject(template.spec) ? template.spec : undefined;
    if (podSpec) {
      podSpec.restartPolicy ??= 'Always';
      podSpec.terminationGracePeriodSeconds ??= 30;
      podSpec.dnsPolicy ??= 'ClusterFirst';
      podSpec.schedulerName ??= 'default-scheduler';
      podSpec.securityContext ??= {};
      for (const c of Array.isArray(podSpec.containers) ? podSpec.containers : []) {
        if (!isObject(c)) continue;
        const image = String(c.image ?? '');
        c.imagePullPolicy ??=
          image.endsWith(':latest') || (!image.includes(':') && !image.includes('@'))
            ? 'Always'
            : 'IfNotPresent';
        c.terminationMessagePath ??= '/dev/termination-log';
        c.terminationMessagePolicy ??= 'File';
        c.resources ??= {};
        for (const p of Array.isArray(c.ports) ? c.ports : []) if (isObject(p)) p.protocol ??= 'TCP';
      }
    }
  }
  if (type.kind === 'Service' && spec) {
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    spec.internalTrafficPolicy ??= 'Cluster';
    if (spec.type !== 'ExternalName') {
      spec.clusterIP ??= allocateClusterIp();
      spec.clusterIPs ??= [spec.clusterIP];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
      if (!isObject(p)) continue;
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port as Json;
    }
  }
}

export { selectorMatches };
