import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { parse as parseYaml } from 'yaml';
import {
  clone,
  deepEqual,
  deleteAt,
  describePath,
  fieldSet,
  fromFieldsV1,
  isObject,
  mergeApplied,
  mergePatch,
  strategicMerge,
  toFieldsV1,
  valueAt,
  type Json,
  type JsonObject,
} from './fields';
import { apiVersionOf, applyDefaults, validate, type ResourceType } from './resources';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Unauthorized'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'Gone'
  | 'ServiceUnavailable'
  | 'InternalError';

/** An error the API answers with a `kind: Status` body. */
export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: JsonObject,
  ) {
    super(message);
  }

  toStatus(): JsonObject {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: JsonObject;
  resourceVersion: number;
  typeKey: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  force?: boolean;
}

interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

function typeKey(t: ResourceType): string {
  return `${t.group}/${t.plural}`;
}

function groupResource(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

function meta(obj: JsonObject): JsonObject {
  if (!isObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as JsonObject;
}

function nowIso(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The part of an object that bumps metadata.generation when it changes (everything but metadata and status). */
function specPart(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj))
    if (!['metadata', 'status', 'apiVersion', 'kind'].includes(k)) out[k] = v;
  return out;
}

export function notFound(t: ResourceType, name: string): ApiStatusError {
  return new ApiStatusError(404, 'NotFound', `${groupResource(t)} "${name}" not found`, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.plural,
  });
}

/**
 * The object store behind the emulated API server: one global resourceVersion counter (as etcd's
 * revision), uid/creationTimestamp/generation bookkeeping, managed fields, and an event log that
 * watches replay from.
 */
export class ObjectStore extends EventEmitter {
  private objects = new Map<string, JsonObject>();
  private revision = 1000;
  private history: WatchEvent[] = [];
  private nextIp = 1;
  readonly namespaces = new Set<string>();

  constructor(namespaces: string[]) {
    super();
    this.setMaxListeners(0);
    for (const ns of namespaces) this.namespaces.add(ns);
  }

  get currentRevision(): number {
    return this.revision;
  }

  private key(t: ResourceType, ns: string | undefined, name: string): string {
    return `${typeKey(t)}|${t.namespaced ? (ns ?? '') : ''}|${name}`;
  }

  get(t: ResourceType, ns: string | undefined, name: string): JsonObject {
    const obj = this.objects.get(this.key(t, ns, name));
    if (!obj) throw notFound(t, name);
    return this.present(t, obj);
  }

  tryGet(t: ResourceType, ns: string | undefined, name: string): JsonObject | undefined {
    const obj = this.objects.get(this.key(t, ns, name));
    return obj ? this.present(t, obj) : undefined;
  }

  list(t: ResourceType, ns: string | undefined, filter?: (obj: JsonObject) => boolean): JsonObject[] {
    const prefix = `${typeKey(t)}|${t.namespaced && ns ? ns : ''}`;
    const out: JsonObject[] = [];
    for (const [k, obj] of this.objects) {
      if (!k.startsWith(`${typeKey(t)}|`)) continue;
      if (t.namespaced && ns && !k.startsWith(`${prefix}|`)) continue;
      const shown = this.present(t, obj);
      if (!filter || filter(shown)) out.push(shown);
    }
    return out.sort((a, b) => {
      const am = meta(a);
      const bm = meta(b);
      return `${am.namespace ?? ''}/${am.name}`.localeCompare(`${bm.namespace ?? ''}/${bm.name}`);
    });
  }

  /** Objects carry apiVersion and kind, as single-object reads return them. */
  private present(t: ResourceType, obj: JsonObject): JsonObject {
    return { apiVersion: apiVersionOf(t), kind: t.kind, ...clone(obj) };
  }

  private checkNamespace(t: ResourceType, ns: string | undefined): void {
    if (t.namespaced && ns && !this.namespaces.has(ns)) {
      throw new ApiStatusError(404, 'NotFound', `namespaces "${ns}" not found`, {
        name: ns,
        kind: 'namespaces',
      });
    }
  }

  private checkIdentity(t: ResourceType, body: JsonObject, ns: string | undefined, name?: string): void {
    const m = isObject(body.metadata) ? body.metadata : {};
    if (body.kind !== undefined && body.kind !== t.kind) {
      throw new ApiStatusError(
        400,
        'BadRequest',
        `the kind "${String(body.kind)}" does not match the resource "${t.plural}"`,
      );
    }
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(t)) {
      throw new ApiStatusError(
        400,
        'BadRequest',
        `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersionOf(t)})`,
      );
    }
    if (name !== undefined && m.name !== undefined && m.name !== name) {
      throw new ApiStatusError(
        400,
        'BadRequest',
        'the name of the object does not match the name on the URL',
      );
    }
    if (t.namespaced && m.namespace !== undefined && ns !== undefined && m.namespace !== ns) {
      throw new ApiStatusError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }

  private invalid(t: ResourceType, name: string, causes: ReturnType<typeof validate>): ApiStatusError {
    const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
    return new ApiStatusError(
      422,
      'Invalid',
      `${t.kind}.${t.group ? `${t.group}` : ''} "${name}" is invalid: ${summary}`.replace('. "', ' "'),
      {
        name,
        ...(t.group ? { group: t.group } : {}),
        kind: t.kind,
        causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
      },
    );
  }

  private allocateClusterIp = (): string => {
    const n = this.nextIp++;
    return `10.96.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  };

  /**
   * Runs an object through defaulting, validation and bookkeeping, then stores it unless dry-run.
   * `old` is the live object for updates.
   */
  private commit(
    t: ResourceType,
    ns: string | undefined,
    next: JsonObject,
    old: JsonObject | undefined,
    managed: ManagedEntry[],
    options: WriteOptions,
  ): JsonObject {
    const m = meta(next);
    const name = String(m.name ?? '');
    managed = managed.filter((e) => Object.keys(e.fieldsV1).length > 0);
    delete next.apiVersion;
    delete next.kind;
    if (t.namespaced) m.namespace = ns ?? null;
    else delete m.namespace;
    applyDefaults(t, next, this.allocateClusterIp);
    const causes = validate(t, next, old);
    if (causes.length) throw this.invalid(t, name, causes);
    if (old) {
      const om = meta(old);
      m.uid = om.uid as Json;
      m.creationTimestamp = om.creationTimestamp as Json;
      m.generation = (om.generation as number) + (deepEqual(specPart(old), specPart(next)) ? 0 : 1);
      if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp as Json;
      if (t.statusSubresource) {
        if (old.status !== undefined) next.status = clone(old.status);
        else delete next.status;
      }
      if (
        deepEqual(
          { ...old, metadata: { ...om, managedFields: null, resourceVersion: null } },
          { ...next, metadata: { ...m, managedFields: null, resourceVersion: null } },
        ) &&
        deepEqual(om.managedFields as Json, managed as unknown as Json)
      ) {
        // A no-op write does not bump resourceVersion, as the real server skips the etcd write.
        return this.present(t, old);
      }
    } else {
      m.uid = randomUUID();
      m.creationTimestamp = nowIso();
      m.generation = 1;
      if (t.statusSubresource && t.kind !== 'Pod') delete next.status;
    }
    m.managedFields = managed as unknown as Json;
    if (options.dryRun) {
      if (old) m.resourceVersion = meta(old).resourceVersion as Json;
      else delete m.resourceVersion;
      return this.present(t, next);
    }
    this.revision++;
    m.resourceVersion = String(this.revision);
    this.objects.set(this.key(t, ns, name), next);
    this.record(t, old ? 'MODIFIED' : 'ADDED', next);
    return this.present(t, next);
  }

  private record(t: ResourceType, type: WatchEvent['type'], obj: JsonObject): void {
    const event: WatchEvent = {
      type,
      object: this.present(t, obj),
      resourceVersion: this.revision,
      typeKey: typeKey(t),
    };
    this.history.push(event);
    if (this.history.length > 5000) this.history.splice(0, 1000);
    this.emit('event', event);
  }

  /** Events after a resourceVersion for one type; throws 410 Gone when the history no longer reaches back. */
  eventsSince(t: ResourceType, rv: number): WatchEvent[] {
    const first = this.history[0];
    if (first && rv < first.resourceVersion - 1 && rv < this.revision) {
      throw new ApiStatusError(410, 'Gone', `too old resource version: ${rv} (${first.resourceVersion - 1})`);
    }
    return this.history.filter((e) => e.typeKey === typeKey(t) && e.resourceVersion > rv);
  }

  private managerEntries(obj: JsonObject | undefined): ManagedEntry[] {
    const entries = obj && isObject(obj.metadata) ? obj.metadata.managedFields : undefined;
    return Array.isArray(entries) ? (clone(entries) as unknown as ManagedEntry[]) : [];
  }

  /** Ownership after a non-apply write: changed or added leaves go to `manager`, removed ones to nobody. */
  private updateOwnership(
    t: ResourceType,
    old: JsonObject | undefined,
    next: JsonObject,
    manager: string,
  ): ManagedEntry[] {
    const entries = this.managerEntries(old);
    const before = old ? fieldSet(old) : new Set<string>();
    const after = fieldSet(next);
    const changed = new Set<string>();
    for (const p of after)
      if (!before.has(p) || !deepEqual(valueAt(old, p), valueAt(next, p))) changed.add(p);
    const result: ManagedEntry[] = [];
    for (const e of entries) {
      const set = fromFieldsV1(e.fieldsV1);
      for (const p of [...set]) if (!after.has(p) || (changed.has(p) && e.manager !== manager)) set.delete(p);
      if (e.manager === manager && e.operation === 'Update') {
        for (const p of changed) set.add(p);
        changed.clear();
      }
      result.push({ ...e, fieldsV1: toFieldsV1(set) });
    }
    if (changed.size) {
      result.push({
        manager,
        operation: 'Update',
        apiVersion: apiVersionOf(t),
        time: nowIso(),
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(changed),
      });
    }
    return result;
  }

  create(t: ResourceType, ns: string | undefined, body: JsonObject, options: WriteOptions = {}): JsonObject {
    this.checkNamespace(t, ns);
    this.checkIdentity(t, body, ns);
    const next = clone(body);
    const m = meta(next);
    if (!m.name && typeof m.generateName === 'string')
      m.name = `${m.generateName}${randomUUID().slice(0, 5)}`;
    if (m.resourceVersion) {
      throw new ApiStatusError(
        400,
        'BadRequest',
        'resourceVersion should not be set on objects to be created',
      );
    }
    const name = String(m.name ?? '');
    if (name && this.objects.has(this.key(t, ns, name))) {
      throw new ApiStatusError(409, 'AlreadyExists', `${groupResource(t)} "${name}" already exists`, {
        name,
        ...(t.group ? { group: t.group } : {}),
        kind: t.plural,
      });
    }
    const managed = this.updateOwnership(t, undefined, next, options.fieldManager ?? 'unknown');
    const created = this.commit(t, ns, next, undefined, managed, options);
    if (t.kind === 'Namespace' && !options.dryRun) this.namespaces.add(name);
    return created;
  }

  update(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    body: JsonObject,
    options: WriteOptions = {},
  ): JsonObject {
    this.checkIdentity(t, body, ns, name);
    const old = this.objects.get(this.key(t, ns, name));
    if (!old) throw notFound(t, name);
    const next = clone(body);
    const m = meta(next);
    const rv = m.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== meta(old).resourceVersion) {
      throw this.conflict(t, name);
    }
    m.name = name;
    const managed = this.updateOwnership(t, old, next, options.fieldManager ?? 'unknown');
    return this.commit(t, ns, next, clone(old), managed, options);
  }

  private conflict(t: ResourceType, name: string): ApiStatusError {
    return new ApiStatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${groupResource(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, ...(t.group ? { group: t.group } : {}), kind: t.plural },
    );
  }

  patch(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    raw: string,
    contentType: string,
    options: WriteOptions = {},
  ): JsonObject {
    const type = contentType.split(';')[0]?.trim();
    if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor') {
      return this.apply(t, ns, name, raw, options);
    }
    if (options.force !== undefined) {
      throw new ApiStatusError(
        422,
        'Invalid',
        'force: Invalid value: true: may not be specified for non-apply patch',
      );
    }
    let patch: Json;
    try {
      patch = JSON.parse(raw) as Json;
    } catch (e) {
      throw new ApiStatusError(400, 'BadRequest', `error decoding patch: ${(e as Error).message}`);
    }
    const old = this.objects.get(this.key(t, ns, name));
    if (!old) throw notFound(t, name);
    let next: Json;
    if (type === 'application/merge-patch+json') next = mergePatch(clone(old), patch);
    else if (type === 'application/strategic-merge-patch+json') next = strategicMerge(clone(old), patch);
    else if (type === 'application/json-patch+json') next = applyJsonPatch(clone(old), patch, t, name);
    else {
      throw new ApiStatusError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      );
    }
    if (!isObject(next)) throw new ApiStatusError(400, 'BadRequest', 'patch did not produce an object');
    const rv = isObject(patch) && isObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
    if (rv !== undefined && rv !== meta(old).resourceVersion) throw this.conflict(t, name);
    meta(next).resourceVersion = meta(old).resourceVersion as Json;
    return this.update(t, ns, name, next, options);
  }

  /**
   * Server-side apply: the config is merged into the live object; fields the same manager applied
   * before and no longer applies are removed unless another manager also owns them; a field whose
   * value changes while another manager owns it is a 409 Conflict listing each field, unless force
   * moves ownership.
   */
  private apply(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    raw: string,
    options: WriteOptions,
  ): JsonObject {
    const manager = options.fieldManager;
    if (!manager) {
      throw new ApiStatusError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    let config: unknown;
    try {
      config = parseYaml(raw);
    } catch (e) {
      throw new ApiStatusError(400, 'BadRequest', `error decoding YAML: ${(e as Error).message}`);
    }
    if (!isObject(config))
      throw new ApiStatusError(400, 'BadRequest', 'apply configuration must be an object');
    if (config.apiVersion === undefined || config.kind === undefined) {
      throw new ApiStatusError(400, 'BadRequest', 'apply configuration must set apiVersion and kind');
    }
    this.checkIdentity(t, config, ns, name);
    const cm = isObject(config.metadata) ? config.metadata : {};
    if (cm.name === undefined) throw new ApiStatusError(400, 'BadRequest', 'metadata.name: Required value');
    const live = this.objects.get(this.key(t, ns, name));
    if (!live) this.checkNamespace(t, ns);
    if (live && cm.resourceVersion !== undefined && cm.resourceVersion !== meta(live).resourceVersion) {
      throw this.conflict(t, name);
    }
    const applied = fieldSet(config);
    const entries = this.managerEntries(live);
    const own = entries.find((e) => e.manager === manager && e.operation === 'Apply');
    const previously = own ? fromFieldsV1(own.fieldsV1) : new Set<string>();

    const conflicts: { manager: string; path: string }[] = [];
    for (const e of entries) {
      if (e === own) continue;
      const set = fromFieldsV1(e.fieldsV1);
      for (const p of applied) {
        if (set.has(p) && !deepEqual(valueAt(live, p), valueAt(config, p))) {
          if (options.force) set.delete(p);
          else conflicts.push({ manager: e.manager, path: p });
        }
      }
      e.fieldsV1 = toFieldsV1(set);
    }
    if (conflicts.length) {
      const lines = conflicts.map((c) => `conflict with "${c.manager}": ${describePath(c.path)}`);
      throw new ApiStatusError(
        409,
        'Conflict',
        `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${lines.join('\n')}`,
        {
          name,
          ...(t.group ? { group: t.group } : {}),
          kind: t.plural,
          causes: conflicts.map((c) => ({
            reason: 'FieldManagerConflict',
            message: `conflict with "${c.manager}"`,
            field: describePath(c.path),
          })),
        },
      );
    }
    const base = live ? clone(live) : { metadata: { name } };
    const body: JsonObject = { ...config };
    delete body.apiVersion;
    delete body.kind;
    if (t.statusSubresource) delete body.status;
    const next = mergeApplied(base, body) as JsonObject;
    const othersOwn = new Set<string>();
    for (const e of entries) if (e !== own) for (const p of fromFieldsV1(e.fieldsV1)) othersOwn.add(p);
    for (const p of previously) {
      if (!applied.has(p) && !othersOwn.has(p)) deleteAt(next, p);
    }
    const updated = entries.filter((e) => e !== own);
    updated.push({
      manager,
      operation: 'Apply',
      apiVersion: apiVersionOf(t),
      time: nowIso(),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(applied),
    });
    if (own && deepEqual(own.fieldsV1, toFieldsV1(applied))) updated[updated.length - 1]!.time = own.time;
    const m = meta(next);
    m.name = name;
    if (!live) return this.commit(t, ns, next, undefined, updated, options);
    m.resourceVersion = meta(live).resourceVersion as Json;
    return this.commit(t, ns, next, clone(live), updated, options);
  }

  delete(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    options: WriteOptions & { preconditions?: JsonObject } = {},
  ): JsonObject {
    const k = this.key(t, ns, name);
    const old = this.objects.get(k);
    if (!old) throw notFound(t, name);
    const pre = options.preconditions ?? {};
    const om = meta(old);
    if (
      (pre.uid && pre.uid !== om.uid) ||
      (pre.resourceVersion && pre.resourceVersion !== om.resourceVersion)
    ) {
      throw new ApiStatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${groupResource(t)} "${name}": Precondition failed: UID in precondition: ${String(pre.uid ?? '')}, UID in object meta: ${String(om.uid)}`,
      );
    }
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, ...(t.group ? { group: t.group } : {}), kind: t.plural, uid: om.uid as Json },
    };
    if (options.dryRun) return status;
    this.objects.delete(k);
    this.revision++;
    om.resourceVersion = String(this.revision);
    this.record(t, 'DELETED', old);
    if (t.kind === 'Namespace') this.namespaces.delete(name);
    return status;
  }

  /** The controllers' own writes: a status update (status subresource semantics: spec untouched, no generation bump). */
  writeStatus(t: ResourceType, ns: string | undefined, name: string, status: JsonObject): void {
    const old = this.objects.get(this.key(t, ns, name));
    if (!old || deepEqual(old.status, status)) return;
    const next = clone(old);
    next.status = status;
    this.revision++;
    meta(next).resourceVersion = String(this.revision);
    this.objects.set(this.key(t, ns, name), next);
    this.record(t, 'MODIFIED', next);
  }

  /** Controller-owned objects (Pods, EndpointSlices): created or replaced whole, deleted at once. */
  upsertInternal(t: ResourceType, ns: string, obj: JsonObject, manager: string): void {
    const name = String(meta(obj).name);
    const old = this.objects.get(this.key(t, ns, name));
    if (old) {
      const candidate = clone(obj);
      const cm = meta(candidate);
      const om = meta(old);
      for (const k of ['uid', 'creationTimestamp', 'generation', 'resourceVersion', 'managedFields'])
        cm[k] = om[k] as Json;
      if (deepEqual(candidate, old)) return;
      this.revision++;
      cm.resourceVersion = String(this.revision);
      this.objects.set(this.key(t, ns, name), candidate);
      this.record(t, 'MODIFIED', candidate);
      return;
    }
    this.create(t, ns, obj, { fieldManager: manager });
  }

  removeInternal(t: ResourceType, ns: string, name: string): void {
    if (this.objects.has(this.key(t, ns, name))) this.delete(t, ns, name);
  }
}

/** RFC 6902, the operations a client is likely to send (add, remove, replace, test). */
function applyJsonPatch(doc: JsonObject, patch: Json, t: ResourceType, name: string): Json {
  if (!Array.isArray(patch)) throw new ApiStatusError(400, 'BadRequest', 'json patch must be an array');
  const pointer = (path: string) =>
    path
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const op of patch) {
    if (!isObject(op) || typeof op.path !== 'string')
      throw new ApiStatusError(400, 'BadRequest', 'invalid json patch operation');
    const segs = pointer(op.path);
    const last = segs.pop() as string;
    let parent: Json = doc;
    for (const s of segs) {
      parent = Array.isArray(parent)
        ? (parent[Number(s)] as Json)
        : isObject(parent)
          ? (parent[s] as Json)
          : null;
      if (parent === undefined || parent === null) {
        throw new ApiStatusError(422, 'Invalid', `${t.kind} "${name}": doc is missing path: "${op.path}"`);
      }
    }
    const container = parent as JsonObject | Json[];
    if (op.op === 'test') {
      const current = Array.isArray(container) ? container[Number(last)] : container[last];
      if (!deepEqual(current, op.value as Json))
        throw new ApiStatusError(422, 'Invalid', `testing value ${op.path} failed`);
    } else if (op.op === 'remove') {
      if (Array.isArray(container)) container.splice(Number(last), 1);
      else delete container[last];
    } else if (op.op === 'add' || op.op === 'replace') {
      if (Array.isArray(container)) {
        if (last === '-') container.push(op.value as Json);
        else container.splice(Number(last), op.op === 'replace' ? 1 : 0, op.value as Json);
      } else container[last] = op.value as Json;
    } else {
      throw new ApiStatusError(400, 'BadRequest', `unsupported json patch operation ${String(op.op)}`);
    }
  }
  return doc;
}

/** Label selector syntax of the API (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`). */
export function parseLabelSelector(raw: string): (labels: JsonObject) => boolean {
  const terms: ((l: JsonObject) => boolean)[] = [];
  const parts = raw.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  for (const partRaw of parts) {
    const part = partRaw.trim();
    if (!part) continue;
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const values = list.split(',').map((v) => v.trim());
      terms.push((l) =>
        op === 'in'
          ? values.includes(String(l[key])) && l[key] !== undefined
          : !values.includes(String(l[key])),
      );
    } else if ((m = part.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      terms.push((l) => (op === '!=' ? l[key] !== value : l[key] === value));
    } else if ((m = part.match(/^!([\w./-]+)$/))) {
      const key = m[1] as string;
      terms.push((l) => l[key] === undefined);
    } else if ((m = part.match(/^([\w./-]+)$/))) {
      const key = m[1] as string;
      terms.push((l) => l[key] !== undefined);
    } else {
      throw new ApiStatusError(400, 'BadRequest', `unable to parse requirement: ${part}`);
    }
  }
  return (labels) => terms.every((t) => t(labels));
}

export function parseFieldSelector(raw: string): (obj: JsonObject) => boolean {
  const terms = raw
    .split(',')
    .filter(Boolean)
    .map((term) => {
      const m = term.match(/^([\w.]+)\s*(==|=|!=)\s*(.*)$/);
      if (!m) throw new ApiStatusError(400, 'BadRequest', `invalid field selector: ${term}`);
      const [, field, op, value] = m as unknown as [string, string, string, string];
      if (!['metadata.name', 'metadata.namespace'].includes(field)) {
        throw new ApiStatusError(
          400,
          'BadRequest',
          `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
        );
      }
      return (obj: JsonObject) => {
        const actual = String((obj.metadata as JsonObject)[field.slice('metadata.'.length)] ?? '');
        return op === '!=' ? actual !== value : actual === value;
      };
    });
  return (obj) => terms.every((t) => t(obj));
}
