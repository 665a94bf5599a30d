import type https from 'node:https';
import {
  ApiException,
  KubeConfig,
  PatchStrategy,
  Watch,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { ConfigurationError, type Logger, silentLogger } from '@deliverkit/action-kit';
import { KubeApiError, type KubeApiErrorCode } from './errors';
import { exchange, KubeObjectApi } from './object-api';

/** A Kubernetes object as plain JSON (no client-node model classes, no Date objects). */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    generation?: number;
    uid?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export const FIELD_MANAGER = 'deliverkit';

/** Managers whose fields an apply may take over: ours, and imperative kubectl edits (what adopting an app means). */
const TAKEOVER_MANAGERS = /^(deliverkit(-[a-z]+)?|kubectl(-[a-z-]+)?|before-first-apply)$/;

/** An ApiException's body: the Status object its text holds, or the text itself when that is not JSON. */
function errorBody(e: ApiException<unknown>): unknown {
  if (typeof e.body !== 'string') return e.body;
  try {
    return JSON.parse(e.body);
  } catch {
    return e.body;
  }
}

/** The field conflicts of a server-side apply's 409 (Status details.causes of type FieldManagerConflict). */
function fieldConflicts(e: unknown): { manager: string; field: string }[] | undefined {
  if (!(e instanceof ApiException) || e.code !== 409) return undefined;
  const body = errorBody(e);
  const causes = (body as { details?: { causes?: { reason?: string; message?: string; field?: string }[] } })
    ?.details?.causes;
  const conflicts = (causes ?? [])
    .filter((c) => c.reason === 'FieldManagerConflict')
    .map((c) => ({
      manager: /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? '?',
      field: c.field ?? '?',
    }));
  return conflicts.length ? conflicts : undefined;
}

export interface KubeClientOptions {
  /** Kubeconfig YAML text (what the `kubeconfig` input holds); without it, the default loading rules ($KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  context?: string;
  /** Every write goes out with dryRun=All: the client cannot mutate the cluster. */
  dryRun?: boolean;
  /** The caller's name for the kubeconfig it gives (its input), named when the kubeconfig names no cluster. */
  kubeconfigInput?: string;
  logger?: Logger;
}

export interface ApiCall {
  verb: 'get' | 'list' | 'watch' | 'apply' | 'create' | 'replace' | 'delete' | 'proxy';
  kind: string;
  name?: string;
  dryRun: boolean;
}

const STATUS_CODES: Record<number, KubeApiErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  422: 'INVALID',
  429: 'UNAVAILABLE',
  500: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'UNAVAILABLE',
};

/** Turns client-node's ApiException (whose body is the Status object) into a KubeApiError with the Status message. */
export function toKubeApiError(e: unknown, what: string): unknown {
  if (!(e instanceof ApiException)) return e;
  // Not a Status object: the text.
  const body = errorBody(e);
  const status = body && typeof body === 'object' ? (body as { message?: string; reason?: string }) : {};
  const reason = status.reason;
  let code: KubeApiErrorCode = STATUS_CODES[e.code] ?? 'UNKNOWN';
  if (e.code === 409) code = reason === 'AlreadyExists' ? 'ALREADY_EXISTS' : 'CONFLICT';
  const message = status.message ?? (typeof body === 'string' && body ? body : `HTTP ${e.code}`);
  return new KubeApiError(code, `${what}: ${message}`, e.code, reason, { cause: e });
}

/** What a write to `obj` was doing (`applying Deployment shop/web`), for its error. */
const doing = (what: string, obj: KObject) =>
  `${what} ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;

/** JSON round trip: client-node returns model instances with Date fields; the deployer works on plain JSON. */
function plain<T>(v: unknown): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * The deployer's only door to a cluster: generic reads, server-side apply and deletes through
 * KubeObjectApi (KubernetesObjectApi's calls without its models), the API server's service proxy for
 * probes, and a log of every call (for the "API calls per deploy" figure and for proving a dry run wrote
 * nothing).
 */
export class KubeClient {
  readonly calls: ApiCall[] = [];
  private readonly api: KubeObjectApi;
  private readonly logger: Logger;

  constructor(
    readonly config: KubeConfig,
    readonly dryRun: boolean,
    logger?: Logger,
  ) {
    this.api = new KubeObjectApi(config);
    this.logger = logger ?? silentLogger;
  }

  static create(options: KubeClientOptions): KubeClient {
    const kc = new KubeConfig();
    try {
      if (options.kubeconfig) kc.loadFromString(options.kubeconfig);
      else kc.loadFromDefault();
    } catch (e) {
      throw new ConfigurationError(
        'INVALID_CONFIGURATION',
        'The kubeconfig could not be read: it must be a kubeconfig YAML document',
        { cause: e },
      );
    }
    if (options.context) {
      if (!kc.getContextObject(options.context)) {
        throw new ConfigurationError(
          'INVALID_CONFIGURATION',
          `The kubeconfig has no context named "${options.context}" (it has: ${
            kc
              .getContexts()
              .map((c) => c.name)
              .join(', ') || 'none'
          })`,
        );
      }
      kc.setCurrentContext(options.context);
    }
    if (!kc.getCurrentCluster()) {
      throw new ConfigurationError(
        'INVALID_CONFIGURATION',
        `The kubeconfig names no cluster${
          options.kubeconfigInput ? `: set the ${options.kubeconfigInput} input or a kube context` : ''
        }`,
      );
    }
    return new KubeClient(kc, options.dryRun ?? false, options.logger);
  }

  get server(): string {
    return this.config.getCurrentCluster()?.server ?? '';
  }

  /** Called before every write (apply, create, replace, delete): the deploy lock's guard throws once it is lost. */
  beforeWrite?: (call: { verb: ApiCall['verb']; kind: string }) => void;

  private record(verb: ApiCall['verb'], kind: string, name: string | undefined, dryRun = false): void {
    if (['apply', 'create', 'replace', 'delete'].includes(verb) && kind !== 'Lease')
      this.beforeWrite?.({ verb, kind });
    this.calls.push({ verb, kind, name, dryRun });
    this.logger.debug(`KubeClient.${verb}: ${kind}${name ? `/${name}` : ''}${dryRun ? ' (dryRun=All)' : ''}`);
  }

  /** Reads one object; undefined when it does not exist. */
  async get<T extends KObject = KObject>(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    this.record('get', kind, name);
    try {
      return plain<T>(await this.api.read({ apiVersion, kind, metadata: { name, namespace } }));
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw toKubeApiError(e, `reading ${kind} ${namespace}/${name}`);
    }
  }

  async list<T extends KObject = KObject>(
    apiVersion: string,
    kind: string,
    namespace: string,
    labelSelector?: string,
  ): Promise<T[]> {
    this.record('list', kind, labelSelector);
    try {
      const res = await this.api.list(apiVersion, kind, namespace, labelSelector);
      return plain<T[]>(res.items).map((o) => ({ ...o, apiVersion, kind }));
    } catch (e) {
      throw toKubeApiError(e, `listing ${kind} in ${namespace}`);
    }
  }

  /**
   * Server-side apply as `fieldManager`, never forcing blindly: a first apply without force; on a field conflict,
   * the fields are taken over only when every other owner is one of ours (`deliverkit*`) or an imperative kubectl
   * (`force`, the default). A conflict with any other manager — a GitOps controller (Argo CD, Flux), Helm, an
   * operator — fails with FIELD_CONFLICT naming the managers and fields, so two tools never fight over a field.
   */
  async apply<T extends KObject = KObject>(
    obj: KObject,
    options: {
      fieldManager?: string;
      force?: boolean;
      /** A conflict this apply may also take over (besides ours and kubectl's), e.g. an HPA's replicas. */
      takeOver?: (conflict: { manager: string; field: string }) => boolean;
    } = {},
  ): Promise<T> {
    const what = doing('applying', obj);
    const once = async (force: boolean) => {
      this.record('apply', obj.kind, obj.metadata.name, this.dryRun);
      return plain<T>(
        await this.api.patch(
          obj as KubernetesObject,
          this.dryRun ? 'All' : undefined,
          options.fieldManager ?? FIELD_MANAGER,
          force,
          PatchStrategy.ServerSideApply,
        ),
      );
    };
    try {
      return await once(false);
    } catch (e) {
      const conflicts = fieldConflicts(e);
      if (!conflicts) throw toKubeApiError(e, what);
      const foreign = conflicts.filter((c) => !TAKEOVER_MANAGERS.test(c.manager) && !options.takeOver?.(c));
      if (foreign.length === 0 && options.force !== false) {
        try {
          return await once(true);
        } catch (e2) {
          throw toKubeApiError(e2, what);
        }
      }
      const list = (foreign.length ? foreign : conflicts).map((c) => `${c.field} (owned by "${c.manager}")`);
      throw new KubeApiError(
        'FIELD_CONFLICT',
        `${what}: another field manager owns ${list.join(', ')}. deliverkit does not take fields over from other tools: remove them from that tool's manifests (or stop it managing this object), then re-run`,
        409,
        'Conflict',
        { cause: e },
      );
    }
  }

  create<T extends KObject = KObject>(obj: KObject): Promise<T> {
    return this.write('create', 'creating', obj);
  }

  /** PUT with the object's resourceVersion: a CONFLICT error when someone wrote in between. */
  replace<T extends KObject = KObject>(obj: KObject): Promise<T> {
    return this.write('replace', 'updating', obj);
  }

  /** A POST (create) or PUT (replace) as FIELD_MANAGER, with dryRun=All from a dry-run client. */
  private async write<T>(verb: 'create' | 'replace', what: string, obj: KObject): Promise<T> {
    this.record(verb, obj.kind, obj.metadata.name, this.dryRun);
    try {
      return plain<T>(
        await this.api[verb](obj as KubernetesObject, this.dryRun ? 'All' : undefined, FIELD_MANAGER),
      );
    } catch (e) {
      throw toKubeApiError(e, doing(what, obj));
    }
  }

  async delete(obj: KObject): Promise<void> {
    this.record('delete', obj.kind, obj.metadata.name, this.dryRun);
    try {
      await this.api.delete(obj as KubernetesObject, this.dryRun ? 'All' : undefined);
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return;
      throw toKubeApiError(e, doing('deleting', obj));
    }
  }

  /**
   * Lists a collection (`/apis/apps/v1/namespaces/NS/deployments`, with a label or field selector), then watches
   * it from the list's resourceVersion, calling `evaluate` with the live set after the list and after every event
   * until it returns a value (resolved) or throws (rejected), or `timeoutMs` passes (resolves undefined). A watch
   * the server ends, or one whose resourceVersion expired (410), is resumed by a fresh list: one list and one watch
   * per wait in the common case, whatever the wait's length.
   */
  async watchUntil<R>(
    path: string,
    selector: { labelSelector?: string; fieldSelector?: string },
    evaluate: (objects: KObject[]) => R | undefined | Promise<R | undefined>,
    timeoutMs: number,
  ): Promise<R | undefined> {
    const deadline = Date.now() + timeoutMs;
    const kind = path.split('/').pop() ?? path;
    while (Date.now() < deadline) {
      this.record('list', kind, selector.labelSelector ?? selector.fieldSelector);
      const url = new URL(`${this.server.replace(/\/+$/, '')}${path}`);
      for (const [k, v] of Object.entries(selector)) if (v) url.searchParams.set(k, v);
      const res = await this.request(url, { headers: { accept: 'application/json' } });
      if (res.status !== 200) {
        let status: { message?: string; reason?: string } = {};
        try {
          status = JSON.parse(res.body) as typeof status;
        } catch {
          // not a Status
        }
        throw new KubeApiError(
          STATUS_CODES[res.status] ?? 'UNKNOWN',
          `listing ${path}: ${status.message ?? `HTTP ${res.status}`}`,
          res.status,
          status.reason,
        );
      }
      const list = JSON.parse(res.body) as { metadata: { resourceVersion: string }; items: KObject[] };
      const live = new Map(list.items.map((o) => [o.metadata.name, o]));
      const first = await evaluate([...live.values()]);
      if (first !== undefined) return first;
      this.record('watch', kind, selector.labelSelector ?? selector.fieldSelector);
      const outcome = await new Promise<{ value?: R; error?: unknown; resume?: boolean }>((resolve) => {
        let settled = false;
        let controller: AbortController | undefined;
        const finish = (r: { value?: R; error?: unknown; resume?: boolean }) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          controller?.abort();
          resolve(r);
        };
        const timer = setTimeout(() => finish({}), Math.max(0, deadline - Date.now()));
        // One evaluation at a time, in event order.
        let queue = Promise.resolve();
        new Watch(this.config)
          .watch(
            path,
            { ...selector, resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true },
            (type, obj: KObject) => {
              queue = queue.then(async () => {
                if (settled) return;
                if (type === 'ERROR') return finish({ resume: true });
                if (type === 'BOOKMARK') return;
                if (type === 'DELETED') live.delete(obj.metadata.name);
                else live.set(obj.metadata.name, obj);
                try {
                  const v = await evaluate([...live.values()]);
                  if (v !== undefined) finish({ value: v });
                } catch (e) {
                  finish({ error: e });
                }
              });
            },
            (err: unknown) =>
              void queue.then(() => {
                // A refused watch (RBAC: the Role lacks `watch`) is an error; a closed or broken stream resumes.
                const code = (err as { statusCode?: number } | null)?.statusCode;
                if (code && code !== 410 && code < 500) {
                  finish({
                    error: new KubeApiError(
                      STATUS_CODES[code] ?? 'UNKNOWN',
                      `watching ${path}: HTTP ${code} ${(err as Error).message}`,
                      code,
                      undefined,
                      { cause: err },
                    ),
                  });
                } else finish({ resume: true });
              }),
          )
          .then((c) => {
            controller = c;
            if (settled) c.abort();
          })
          .catch(() => finish({ resume: true }));
      });
      if (outcome.error) throw outcome.error;
      if (outcome.value !== undefined) return outcome.value;
      if (!outcome.resume) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }

  /**
   * An HTTP request to a Service through the API server's service proxy
   * (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH`): reaches in-cluster Services from a
   * runner with nothing but the kubeconfig. Never throws for HTTP statuses.
   */
  async proxy(
    namespace: string,
    service: string,
    port: string | number | undefined,
    path: string,
    options: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<{ status: number; body: string }> {
    this.record('proxy', 'Service', service);
    const target = `${service}${port !== undefined ? `:${port}` : ''}`;
    const url = new URL(
      `${this.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(target)}/proxy${path.startsWith('/') ? path : `/${path}`}`,
    );
    return this.request(url, options);
  }

  /**
   * A plain HTTP(S) request, with the kubeconfig's credentials only when the URL is the API server's. No answer (a
   * refused or broken connection, or none in time) is a KubeConnectionError.
   */
  async request(
    url: URL,
    options: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<{ status: number; body: string }> {
    const opts: https.RequestOptions = {
      method: options.method ?? 'GET',
      headers: { ...options.headers },
      timeout: options.timeoutMs ?? 10_000,
    };
    if (url.origin === new URL(this.server).origin) await this.config.applyToHTTPSOptions(opts);
    const res = await exchange(url, opts, `timed out after ${opts.timeout} ms`, undefined, 1024 * 1024);
    return { status: res.status, body: res.text };
  }
}
