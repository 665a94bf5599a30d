/**
 * Field ownership for server-side apply, after structured-merge-diff (the library the API server
 * uses), reduced to what the deployer's objects need:
 *
 * - Maps are granular: each key is a field (`f:<key>`).
 * - Lists are atomic unless listed in ASSOCIATIVE_KEYS, which names the merge keys the built-in
 *   schemas declare (`containers` by name, container `ports` by containerPort+protocol, Service
 *   `ports` by port+protocol, `env` by name, …). Items of an associative list are fields of their own
 *   (`k:{"name":"app"}`). Lists of CRDs (HTTPRoute `rules`) are atomic, as the Gateway API CRDs declare.
 * - A field set is a set of path strings; `fieldsV1` is rendered from it for metadata.managedFields.
 *
 * Simplifications (said here so tests do not rely on more): no `v:` set items, no per-version
 * conversion of managed fields, and a conflict is raised only for a leaf whose value differs.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const ASSOCIATIVE_KEYS: Record<string, (item: JsonObject) => string[]> = {
  containers: () => ['name'],
  initContainers: () => ['name'],
  ephemeralContainers: () => ['name'],
  env: () => ['name'],
  volumes: () => ['name'],
  volumeMounts: () => ['mountPath'],
  imagePullSecrets: () => ['name'],
  conditions: () => ['type'],
  ownerReferences: () => ['uid'],
  // Container ports are keyed by containerPort+protocol, Service ports by port+protocol.
  ports: (item) => ('containerPort' in item ? ['containerPort', 'protocol'] : ['port', 'protocol']),
};

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function itemKey(listField: string, item: Json): string | undefined {
  const keysOf = ASSOCIATIVE_KEYS[listField];
  if (!keysOf || !isObject(item)) return undefined;
  const keys = keysOf(item);
  const key: JsonObject = {};
  for (const k of keys) {
    const value = item[k] ?? (k === 'protocol' ? 'TCP' : undefined);
    if (value === undefined) return undefined;
    key[k] = value;
  }
  return `k:${JSON.stringify(key)}`;
}

const SEP = '\u0001';

/** Top-level parts of an object that carry user intent (not identity, status or bookkeeping). */
function ownedRoot(obj: JsonObject): JsonObject {
  const root: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata' && isObject(v)) {
      const meta: JsonObject = {};
      for (const mk of ['labels', 'annotations', 'ownerReferences', 'finalizers']) {
        if (v[mk] !== undefined) meta[mk] = v[mk] as Json;
      }
      if (Object.keys(meta).length) root.metadata = meta;
      continue;
    }
    root[k] = v;
  }
  return root;
}

/** Every field path an object sets: leaves, plus the item node of associative list entries. */
export function fieldSet(obj: JsonObject): Set<string> {
  const out = new Set<string>();
  const walk = (value: Json, path: string, field: string) => {
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, path + SEP + `f:${k}`, k);
      return;
    }
    if (Array.isArray(value) && ASSOCIATIVE_KEYS[field] && value.every((i) => itemKey(field, i))) {
      if (value.length === 0) {
        out.add(path);
        return;
      }
      for (const item of value) {
        const itemPath = path + SEP + itemKey(field, item);
        out.add(itemPath + SEP + '.');
        for (const [k, v] of Object.entries(item as JsonObject)) walk(v, itemPath + SEP + `f:${k}`, k);
      }
      return;
    }
    out.add(path);
  };
  for (const [k, v] of Object.entries(ownedRoot(obj))) walk(v, `f:${k}`, k);
  return out;
}

/** Renders a field set in the fieldsV1 shape the API server returns (`{"f:spec":{"f:replicas":{}}}`). */
export function toFieldsV1(set: Set<string>): JsonObject {
  const root: JsonObject = {};
  for (const path of [...set].sort()) {
    let node = root;
    for (const seg of path.split(SEP)) {
      node[seg] ??= {};
      node = node[seg] as JsonObject;
    }
  }
  return root;
}

export function fromFieldsV1(tree: JsonObject): Set<string> {
  const out = new Set<string>();
  const walk = (node: JsonObject, path: string) => {
    const keys = Object.keys(node);
    if (keys.length === 0) {
      out.add(path);
      return;
    }
    for (const k of keys) walk(node[k] as JsonObject, path ? path + SEP + k : k);
  };
  walk(tree, '');
  return out;
}

/** Human form of a path for conflict messages: `.spec.replicas`, `.spec.template.spec.containers[name="app"].image`. */
export function describePath(path: string): string {
  return path
    .split(SEP)
    .filter((s) => s !== '.')
    .map((s) => {
      if (s.startsWith('f:')) return `.${s.slice(2)}`;
      if (s.startsWith('k:')) {
        const key = JSON.parse(s.slice(2)) as JsonObject;
        return `[${Object.entries(key)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      return s;
    })
    .join('');
}

/** The value at a field path, or undefined. */
export function valueAt(obj: Json | undefined, path: string): Json | undefined {
  let node: Json | undefined = obj;
  let field = '';
  for (const seg of path.split(SEP)) {
    if (node === undefined || node === null) return undefined;
    if (seg === '.') continue;
    if (seg.startsWith('f:')) {
      field = seg.slice(2);
      node = isObject(node) ? node[field] : undefined;
    } else if (seg.startsWith('k:')) {
      if (!Array.isArray(node)) return undefined;
      const f = field;
      node = node.find((item) => itemKey(f, item) === seg);
    } else return undefined;
  }
  return node;
}

/** Removes the field at a path (a map key or an associative list item). */
export function deleteAt(obj: JsonObject, path: string): void {
  const segs = path.split(SEP).filter((s) => s !== '.');
  let node: Json | undefined = obj;
  let field = '';
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    const last = i === segs.length - 1;
    if (seg.startsWith('f:')) {
      field = seg.slice(2);
      if (!isObject(node)) return;
      if (last) delete node[field];
      else node = node[field];
    } else if (seg.startsWith('k:')) {
      if (!Array.isArray(node)) return;
      const f = field;
      const idx = node.findIndex((item) => itemKey(f, item) === seg);
      if (idx < 0) return;
      if (last) node.splice(idx, 1);
      else node = node[idx];
    }
  }
}

/** Merges an apply configuration into the live object: maps and associative lists merge, the rest replaces. */
export function mergeApplied(live: Json | undefined, config: Json, field = ''): Json {
  if (isObject(config) && isObject(live)) {
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(config)) out[k] = mergeApplied(live[k], v, k);
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live) && ASSOCIATIVE_KEYS[field]) {
    const out = [...live];
    for (const item of config) {
      const key = itemKey(field, item);
      const idx = key ? out.findIndex((l) => itemKey(field, l) === key) : -1;
      if (idx >= 0) out[idx] = mergeApplied(out[idx], item, '');
      else out.push(item);
    }
    return out;
  }
  return clone(config);
}

/** Strategic merge patch, as far as the deployer's objects need: null deletes, merge-key lists merge. */
export function strategicMerge(live: Json | undefined, patch: Json, field = ''): Json {
  if (isObject(patch)) {
    const base: JsonObject = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete base[k];
      else base[k] = strategicMerge(base[k], v, k);
    }
    return base;
  }
  if (Array.isArray(patch) && Array.isArray(live) && ASSOCIATIVE_KEYS[field])
    return mergeApplied(live, patch, field);
  return clone(patch);
}

/** JSON merge patch (RFC 7386). */
export function mergePatch(live: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const base: JsonObject = isObject(live) ? { ...live } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

/** Key-order-insensitive comparison, as two JSON documents with the same fields are equal. */
export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: Json | undefined): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}
