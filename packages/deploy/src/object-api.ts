import http from 'node:http';
import https from 'node:https';
import { ApiException, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { KubeConnectionError, KubeObjectError } from './errors';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/**
 * The six calls the deployer makes of client-node's KubernetesObjectApi (read, list, patch, create, replace,
 * delete), with its argument order less the ones the deployer never gives (pretty, exact, export, a field selector
 * for a list), and its paths, discovery cache and ApiException, sent with the kubeconfig's own
 * HTTPS options (credentials, CA, client certificate, proxy). client-node's class serializes through its
 * generated models: importing it carries every API group's model and client (14 MB of the bundle) for objects
 * the deployer keeps as plain JSON anyway. Bodies go out as given and come back as the server wrote them.
 */
export class KubeObjectApi {
  /** Discovery (`/apis/GROUP/VERSION`) per apiVersion, fetched again when a kind is missing (a CRD added since). */
  private readonly resources = new Map<string, ApiResource[]>();
  private readonly defaultNamespace: string;

  constructor(private readonly config: KubeConfig) {
    const context = config.currentContext ? config.getContextObject(config.currentContext) : null;
    this.defaultNamespace = context?.namespace || 'default';
  }

  read(spec: KubernetesObject): Promise<unknown> {
    return this.send('GET', spec, 'read');
  }

  list(
    apiVersion: string,
    kind: string,
    namespace?: string,
    labelSelector?: string,
  ): Promise<{ items: unknown[] }> {
    return this.send('GET', { apiVersion, kind, metadata: { namespace } }, 'list', {
      labelSelector,
    }) as Promise<{ items: unknown[] }>;
  }

  patch(
    spec: KubernetesObject,
    dryRun?: string,
    fieldManager?: string,
    force?: boolean,
    patchStrategy = 'application/strategic-merge-patch+json',
  ): Promise<unknown> {
    return this.send(
      'PATCH',
      spec,
      'patch',
      { dryRun, fieldManager, force: force === undefined ? undefined : String(force) },
      patchStrategy,
    );
  }

  create(spec: KubernetesObject, dryRun?: string, fieldManager?: string): Promise<unknown> {
    return this.send('POST', spec, 'create', { dryRun, fieldManager }, 'application/json');
  }

  replace(spec: KubernetesObject, dryRun?: string, fieldManager?: string): Promise<unknown> {
    return this.send('PUT', spec, 'replace', { dryRun, fieldManager }, 'application/json');
  }

  delete(spec: KubernetesObject, dryRun?: string): Promise<unknown> {
    return this.send('DELETE', spec, 'delete', { dryRun });
  }

  /**
   * `/apis/apps/v1/namespaces/NS/deployments/NAME`, as KubernetesObjectApi.specUriPath builds it, and the object
   * with the context's namespace filled in where a namespaced one has none (what that class sends).
   */
  private async locate(
    spec: KubernetesObject,
    action: string,
  ): Promise<{ path: string; spec: KubernetesObject }> {
    const apiVersion = spec.apiVersion || 'v1';
    const kind = spec.kind as string;
    const resource = await this.resource(apiVersion, kind);
    if (!resource)
      throw new KubeObjectError('UNKNOWN_KIND', `Unrecognized API version and kind: ${apiVersion} ${kind}`);
    let namespace = spec.metadata?.namespace;
    if (resource.namespaced && !namespace && action !== 'list') {
      namespace = this.defaultNamespace;
      spec = { ...spec, metadata: { ...spec.metadata, namespace } };
    }
    const parts = [apiVersionPath(apiVersion)];
    if (resource.namespaced && namespace) parts.push('namespaces', encodeURIComponent(namespace));
    parts.push(resource.name);
    if (action !== 'create' && action !== 'list') {
      if (!spec.metadata?.name)
        throw new KubeObjectError('INVALID_OBJECT', 'Required spec property name is not set');
      parts.push(encodeURIComponent(spec.metadata.name));
    }
    return { path: parts.join('/').toLowerCase(), spec };
  }

  private async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const cached = this.resources.get(apiVersion)?.find((r) => r.kind === kind);
    if (cached) return cached;
    try {
      const list = (await this.request('GET', apiVersionPath(apiVersion), {})) as {
        resources: ApiResource[];
      };
      this.resources.set(apiVersion, list.resources);
      return list.resources.find((r) => r.kind === kind);
    } catch (e) {
      if (e instanceof Error)
        e.message = `Failed to fetch resource metadata for ${apiVersion}/${kind}: ${e.message}`;
      throw e;
    }
  }

  private async send(
    method: string,
    spec: KubernetesObject,
    action: string,
    query: Record<string, string | undefined> = {},
    contentType?: string,
  ): Promise<unknown> {
    if (!spec.kind) throw new KubeObjectError('INVALID_OBJECT', 'Required spec property kind is not set');
    const located = await this.locate(spec, action);
    return this.request(
      method,
      located.path,
      query,
      contentType ? { contentType, body: located.spec } : undefined,
    );
  }

  /**
   * One API request: the parsed JSON of a 2xx answer, else an ApiException carrying the body (a Status); no answer
   * at all is a KubeConnectionError.
   */
  private async request(
    method: string,
    path: string,
    query: Record<string, string | undefined>,
    body?: { contentType: string; body: unknown },
  ): Promise<unknown> {
    const server = this.config.getCurrentCluster()?.server ?? '';
    const url = new URL(`${server.replace(/\/+$/, '')}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body.body));
    const opts: https.RequestOptions = {
      method,
      headers: {
        Accept: 'application/json, */*;q=0.8',
        ...(payload && body
          ? { 'Content-Type': body.contentType, 'Content-Length': String(payload.length) }
          : {}),
      },
      // The API server ends a request after 60 s itself; a connection silent that long is gone.
      timeout: 60_000,
    };
    await this.config.applyToHTTPSOptions(opts);
    const res = await exchange(url, opts, `${method} ${path}: no answer in ${opts.timeout} ms`, payload);
    if (res.status >= 200 && res.status <= 299) return JSON.parse(res.text) as unknown;
    throw new ApiException(res.status, 'Unsuccessful HTTP Request', res.text, flatHeaders(res.headers));
  }
}

/**
 * One HTTP(S) exchange (KubeObjectApi's API calls, KubeClient's proxy and probe requests): the status, headers and
 * body text, of which only the chunks that start within `maxBytes` are kept. No answer (a refused or broken
 * connection, or none within `opts.timeout`, said as `timeoutMessage`) is a KubeConnectionError.
 */
export function exchange(
  url: URL,
  opts: https.RequestOptions,
  timeoutMessage: string,
  payload?: Buffer,
  maxBytes = Infinity,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const unanswered = (e: Error) =>
    e instanceof KubeConnectionError ? e : new KubeConnectionError('UNREACHABLE', e.message, { cause: e });
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, opts, (r) => {
      const chunks: Buffer[] = [];
      let size = 0;
      r.on('data', (c: Buffer) => {
        if (size < maxBytes) chunks.push(c);
        size += c.length;
      });
      r.on('end', () =>
        resolve({
          status: r.statusCode ?? 0,
          headers: r.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      r.on('error', (e) => reject(unanswered(e)));
    });
    req.on('timeout', () => req.destroy(new KubeConnectionError('TIMEOUT', timeoutMessage)));
    req.on('error', (e) => reject(unanswered(e)));
    req.end(payload);
  });
}

function apiVersionPath(apiVersion: string): string {
  return `/${apiVersion.includes('/') ? 'apis' : 'api'}/${apiVersion}`;
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
  );
}
