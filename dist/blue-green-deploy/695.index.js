export const id = 695;
export const ids = [695];
export const modules = {

/***/ 6695:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  KubeClient: () => (/* binding */ KubeClient)
});

// UNUSED EXPORTS: FIELD_MANAGER, toKubeApiError

// EXTERNAL MODULE: ./node_modules/.pnpm/@kubernetes+client-node@1.4.0_patch_hash=652aba24cca54182fc2763f5152dc17630723d9f4becc5_6711ba222ab3abc14eefe026ea6c849b/node_modules/@kubernetes/client-node/dist/gen/apis/exception.js
var exception = __webpack_require__(1595);
// EXTERNAL MODULE: ./node_modules/.pnpm/@kubernetes+client-node@1.4.0_patch_hash=652aba24cca54182fc2763f5152dc17630723d9f4becc5_6711ba222ab3abc14eefe026ea6c849b/node_modules/@kubernetes/client-node/dist/config.js + 19 modules
var config = __webpack_require__(5962);
// EXTERNAL MODULE: ./node_modules/.pnpm/@kubernetes+client-node@1.4.0_patch_hash=652aba24cca54182fc2763f5152dc17630723d9f4becc5_6711ba222ab3abc14eefe026ea6c849b/node_modules/@kubernetes/client-node/dist/patch.js
var patch = __webpack_require__(7573);
// EXTERNAL MODULE: ./node_modules/.pnpm/@kubernetes+client-node@1.4.0_patch_hash=652aba24cca54182fc2763f5152dc17630723d9f4becc5_6711ba222ab3abc14eefe026ea6c849b/node_modules/@kubernetes/client-node/dist/watch.js
var watch = __webpack_require__(4367);
// EXTERNAL MODULE: ./packages/action-kit/src/logger.ts
var src_logger = __webpack_require__(6718);
// EXTERNAL MODULE: ./packages/action-kit/src/errors.ts
var errors = __webpack_require__(1901);
// EXTERNAL MODULE: ./packages/deploy/src/errors.ts
var src_errors = __webpack_require__(2105);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
;// CONCATENATED MODULE: ./packages/deploy/src/object-api.ts




class KubeObjectApi {
    config;
    resources = new Map();
    defaultNamespace;
    constructor(config) {
        this.config = config;
        const context = config.currentContext ? config.getContextObject(config.currentContext) : null;
        this.defaultNamespace = context?.namespace || 'default';
    }
    read(spec) {
        return this.send('GET', spec, 'read');
    }
    list(apiVersion, kind, namespace, labelSelector) {
        return this.send('GET', { apiVersion, kind, metadata: { namespace } }, 'list', {
            labelSelector,
        });
    }
    patch(spec, dryRun, fieldManager, force, patchStrategy = 'application/strategic-merge-patch+json') {
        return this.send('PATCH', spec, 'patch', { dryRun, fieldManager, force: force === undefined ? undefined : String(force) }, patchStrategy);
    }
    create(spec, dryRun, fieldManager) {
        return this.send('POST', spec, 'create', { dryRun, fieldManager }, 'application/json');
    }
    replace(spec, dryRun, fieldManager) {
        return this.send('PUT', spec, 'replace', { dryRun, fieldManager }, 'application/json');
    }
    delete(spec, dryRun) {
        return this.send('DELETE', spec, 'delete', { dryRun });
    }
    async locate(spec, action) {
        const apiVersion = spec.apiVersion || 'v1';
        const kind = spec.kind;
        const resource = await this.resource(apiVersion, kind);
        if (!resource)
            throw new src_errors/* KubeObjectError */.V9('UNKNOWN_KIND', `Unrecognized API version and kind: ${apiVersion} ${kind}`);
        let namespace = spec.metadata?.namespace;
        if (resource.namespaced && !namespace && action !== 'list') {
            namespace = this.defaultNamespace;
            spec = { ...spec, metadata: { ...spec.metadata, namespace } };
        }
        const parts = [apiVersionPath(apiVersion)];
        if (resource.namespaced && namespace)
            parts.push('namespaces', encodeURIComponent(namespace));
        parts.push(resource.name);
        if (action !== 'create' && action !== 'list') {
            if (!spec.metadata?.name)
                throw new src_errors/* KubeObjectError */.V9('INVALID_OBJECT', 'Required spec property name is not set');
            parts.push(encodeURIComponent(spec.metadata.name));
        }
        return { path: parts.join('/').toLowerCase(), spec };
    }
    async resource(apiVersion, kind) {
        const cached = this.resources.get(apiVersion)?.find((r) => r.kind === kind);
        if (cached)
            return cached;
        try {
            const list = (await this.request('GET', apiVersionPath(apiVersion), {}));
            this.resources.set(apiVersion, list.resources);
            return list.resources.find((r) => r.kind === kind);
        }
        catch (e) {
            if (e instanceof Error)
                e.message = `Failed to fetch resource metadata for ${apiVersion}/${kind}: ${e.message}`;
            throw e;
        }
    }
    async send(method, spec, action, query = {}, contentType) {
        if (!spec.kind)
            throw new src_errors/* KubeObjectError */.V9('INVALID_OBJECT', 'Required spec property kind is not set');
        const located = await this.locate(spec, action);
        return this.request(method, located.path, query, contentType ? { contentType, body: located.spec } : undefined);
    }
    async request(method, path, query, body) {
        const server = this.config.getCurrentCluster()?.server ?? '';
        const url = new URL(`${server.replace(/\/+$/, '')}${path}`);
        for (const [k, v] of Object.entries(query))
            if (v !== undefined)
                url.searchParams.set(k, v);
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body.body));
        const opts = {
            method,
            headers: {
                Accept: 'application/json, */*;q=0.8',
                ...(payload && body
                    ? { 'Content-Type': body.contentType, 'Content-Length': String(payload.length) }
                    : {}),
            },
            timeout: 60_000,
        };
        await this.config.applyToHTTPSOptions(opts);
        const res = await exchange(url, opts, `${method} ${path}: no answer in ${opts.timeout} ms`, payload);
        if (res.status >= 200 && res.status <= 299)
            return JSON.parse(res.text);
        throw new exception/* ApiException */.U(res.status, 'Unsuccessful HTTP Request', res.text, flatHeaders(res.headers));
    }
}
function exchange(url, opts, timeoutMessage, payload, maxBytes = Infinity) {
    const unanswered = (e) => e instanceof src_errors/* KubeConnectionError */.CP ? e : new src_errors/* KubeConnectionError */.CP('UNREACHABLE', e.message, { cause: e });
    return new Promise((resolve, reject) => {
        const req = (url.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default())).request(url, opts, (r) => {
            const chunks = [];
            let size = 0;
            r.on('data', (c) => {
                if (size < maxBytes)
                    chunks.push(c);
                size += c.length;
            });
            r.on('end', () => resolve({
                status: r.statusCode ?? 0,
                headers: r.headers,
                text: Buffer.concat(chunks).toString('utf8'),
            }));
            r.on('error', (e) => reject(unanswered(e)));
        });
        req.on('timeout', () => req.destroy(new src_errors/* KubeConnectionError */.CP('TIMEOUT', timeoutMessage)));
        req.on('error', (e) => reject(unanswered(e)));
        req.end(payload);
    });
}
function apiVersionPath(apiVersion) {
    return `/${apiVersion.includes('/') ? 'apis' : 'api'}/${apiVersion}`;
}
function flatHeaders(headers) {
    return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
}

;// CONCATENATED MODULE: ./packages/deploy/src/kube.ts




const FIELD_MANAGER = 'deliverkit';
const TAKEOVER_MANAGERS = /^(deliverkit(-[a-z]+)?|kubectl(-[a-z-]+)?|before-first-apply)$/;
function errorBody(e) {
    if (typeof e.body !== 'string')
        return e.body;
    try {
        return JSON.parse(e.body);
    }
    catch {
        return e.body;
    }
}
function fieldConflicts(e) {
    if (!(e instanceof exception/* ApiException */.U) || e.code !== 409)
        return undefined;
    const body = errorBody(e);
    const causes = body
        ?.details?.causes;
    const conflicts = (causes ?? [])
        .filter((c) => c.reason === 'FieldManagerConflict')
        .map((c) => ({
        manager: /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? '?',
        field: c.field ?? '?',
    }));
    return conflicts.length ? conflicts : undefined;
}
const STATUS_CODES = {
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    422: 'INVALID',
    429: 'UNAVAILABLE',
    500: 'UNAVAILABLE',
    503: 'UNAVAILABLE',
    504: 'UNAVAILABLE',
};
function toKubeApiError(e, what) {
    if (!(e instanceof exception/* ApiException */.U))
        return e;
    const body = errorBody(e);
    const status = body && typeof body === 'object' ? body : {};
    const reason = status.reason;
    let code = STATUS_CODES[e.code] ?? 'UNKNOWN';
    if (e.code === 409)
        code = reason === 'AlreadyExists' ? 'ALREADY_EXISTS' : 'CONFLICT';
    const message = status.message ?? (typeof body === 'string' && body ? body : `HTTP ${e.code}`);
    return new src_errors/* KubeApiError */.W3(code, `${what}: ${message}`, e.code, reason, { cause: e });
}
const doing = (what, obj) => `${what} ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
function plain(v) {
    return JSON.parse(JSON.stringify(v));
}
class KubeClient {
    config;
    dryRun;
    calls = [];
    api;
    logger;
    constructor(config, dryRun, logger) {
        this.config = config;
        this.dryRun = dryRun;
        this.api = new KubeObjectApi(config);
        this.logger = logger ?? src_logger/* silentLogger */.q;
    }
    static create(options) {
        const kc = new config/* KubeConfig */.yp();
        try {
            if (options.kubeconfig)
                kc.loadFromString(options.kubeconfig);
            else
                kc.loadFromDefault();
        }
        catch (e) {
            throw new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', 'The kubeconfig could not be read: it must be a kubeconfig YAML document', { cause: e });
        }
        if (options.context) {
            if (!kc.getContextObject(options.context)) {
                throw new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', `The kubeconfig has no context named "${options.context}" (it has: ${kc
                    .getContexts()
                    .map((c) => c.name)
                    .join(', ') || 'none'})`);
            }
            kc.setCurrentContext(options.context);
        }
        if (!kc.getCurrentCluster()) {
            throw new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', `The kubeconfig names no cluster${options.kubeconfigInput ? `: set the ${options.kubeconfigInput} input or a kube context` : ''}`);
        }
        return new KubeClient(kc, options.dryRun ?? false, options.logger);
    }
    get server() {
        return this.config.getCurrentCluster()?.server ?? '';
    }
    beforeWrite;
    record(verb, kind, name, dryRun = false) {
        if (['apply', 'create', 'replace', 'delete'].includes(verb) && kind !== 'Lease')
            this.beforeWrite?.({ verb, kind });
        this.calls.push({ verb, kind, name, dryRun });
        this.logger.debug(`KubeClient.${verb}: ${kind}${name ? `/${name}` : ''}${dryRun ? ' (dryRun=All)' : ''}`);
    }
    async get(apiVersion, kind, namespace, name) {
        this.record('get', kind, name);
        try {
            return plain(await this.api.read({ apiVersion, kind, metadata: { name, namespace } }));
        }
        catch (e) {
            if (e instanceof exception/* ApiException */.U && e.code === 404)
                return undefined;
            throw toKubeApiError(e, `reading ${kind} ${namespace}/${name}`);
        }
    }
    async list(apiVersion, kind, namespace, labelSelector) {
        this.record('list', kind, labelSelector);
        try {
            const res = await this.api.list(apiVersion, kind, namespace, labelSelector);
            return plain(res.items).map((o) => ({ ...o, apiVersion, kind }));
        }
        catch (e) {
            throw toKubeApiError(e, `listing ${kind} in ${namespace}`);
        }
    }
    async apply(obj, options = {}) {
        const what = doing('applying', obj);
        const once = async (force) => {
            this.record('apply', obj.kind, obj.metadata.name, this.dryRun);
            return plain(await this.api.patch(obj, this.dryRun ? 'All' : undefined, options.fieldManager ?? FIELD_MANAGER, force, patch/* PatchStrategy */.Q.ServerSideApply));
        };
        try {
            return await once(false);
        }
        catch (e) {
            const conflicts = fieldConflicts(e);
            if (!conflicts)
                throw toKubeApiError(e, what);
            const foreign = conflicts.filter((c) => !TAKEOVER_MANAGERS.test(c.manager) && !options.takeOver?.(c));
            if (foreign.length === 0 && options.force !== false) {
                try {
                    return await once(true);
                }
                catch (e2) {
                    throw toKubeApiError(e2, what);
                }
            }
            const list = (foreign.length ? foreign : conflicts).map((c) => `${c.field} (owned by "${c.manager}")`);
            throw new src_errors/* KubeApiError */.W3('FIELD_CONFLICT', `${what}: another field manager owns ${list.join(', ')}. deliverkit does not take fields over from other tools: remove them from that tool's manifests (or stop it managing this object), then re-run`, 409, 'Conflict', { cause: e });
        }
    }
    create(obj) {
        return this.write('create', 'creating', obj);
    }
    replace(obj) {
        return this.write('replace', 'updating', obj);
    }
    async write(verb, what, obj) {
        this.record(verb, obj.kind, obj.metadata.name, this.dryRun);
        try {
            return plain(await this.api[verb](obj, this.dryRun ? 'All' : undefined, FIELD_MANAGER));
        }
        catch (e) {
            throw toKubeApiError(e, doing(what, obj));
        }
    }
    async delete(obj) {
        this.record('delete', obj.kind, obj.metadata.name, this.dryRun);
        try {
            await this.api.delete(obj, this.dryRun ? 'All' : undefined);
        }
        catch (e) {
            if (e instanceof exception/* ApiException */.U && e.code === 404)
                return;
            throw toKubeApiError(e, doing('deleting', obj));
        }
    }
    async watchUntil(path, selector, evaluate, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        const kind = path.split('/').pop() ?? path;
        while (Date.now() < deadline) {
            this.record('list', kind, selector.labelSelector ?? selector.fieldSelector);
            const url = new URL(`${this.server.replace(/\/+$/, '')}${path}`);
            for (const [k, v] of Object.entries(selector))
                if (v)
                    url.searchParams.set(k, v);
            const res = await this.request(url, { headers: { accept: 'application/json' } });
            if (res.status !== 200) {
                let status = {};
                try {
                    status = JSON.parse(res.body);
                }
                catch {
                }
                throw new src_errors/* KubeApiError */.W3(STATUS_CODES[res.status] ?? 'UNKNOWN', `listing ${path}: ${status.message ?? `HTTP ${res.status}`}`, res.status, status.reason);
            }
            const list = JSON.parse(res.body);
            const live = new Map(list.items.map((o) => [o.metadata.name, o]));
            const first = await evaluate([...live.values()]);
            if (first !== undefined)
                return first;
            this.record('watch', kind, selector.labelSelector ?? selector.fieldSelector);
            const outcome = await new Promise((resolve) => {
                let settled = false;
                let controller;
                const finish = (r) => {
                    if (settled)
                        return;
                    settled = true;
                    clearTimeout(timer);
                    controller?.abort();
                    resolve(r);
                };
                const timer = setTimeout(() => finish({}), Math.max(0, deadline - Date.now()));
                let queue = Promise.resolve();
                new watch/* Watch */.o(this.config)
                    .watch(path, { ...selector, resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true }, (type, obj) => {
                    queue = queue.then(async () => {
                        if (settled)
                            return;
                        if (type === 'ERROR')
                            return finish({ resume: true });
                        if (type === 'BOOKMARK')
                            return;
                        if (type === 'DELETED')
                            live.delete(obj.metadata.name);
                        else
                            live.set(obj.metadata.name, obj);
                        try {
                            const v = await evaluate([...live.values()]);
                            if (v !== undefined)
                                finish({ value: v });
                        }
                        catch (e) {
                            finish({ error: e });
                        }
                    });
                }, (err) => void queue.then(() => {
                    const code = err?.statusCode;
                    if (code && code !== 410 && code < 500) {
                        finish({
                            error: new src_errors/* KubeApiError */.W3(STATUS_CODES[code] ?? 'UNKNOWN', `watching ${path}: HTTP ${code} ${err.message}`, code, undefined, { cause: err }),
                        });
                    }
                    else
                        finish({ resume: true });
                }))
                    .then((c) => {
                    controller = c;
                    if (settled)
                        c.abort();
                })
                    .catch(() => finish({ resume: true }));
            });
            if (outcome.error)
                throw outcome.error;
            if (outcome.value !== undefined)
                return outcome.value;
            if (!outcome.resume)
                break;
            await new Promise((r) => setTimeout(r, 100));
        }
        return undefined;
    }
    async proxy(namespace, service, port, path, options = {}) {
        this.record('proxy', 'Service', service);
        const target = `${service}${port !== undefined ? `:${port}` : ''}`;
        const url = new URL(`${this.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(target)}/proxy${path.startsWith('/') ? path : `/${path}`}`);
        return this.request(url, options);
    }
    async request(url, options = {}) {
        const opts = {
            method: options.method ?? 'GET',
            headers: { ...options.headers },
            timeout: options.timeoutMs ?? 10_000,
        };
        if (url.origin === new URL(this.server).origin)
            await this.config.applyToHTTPSOptions(opts);
        const res = await exchange(url, opts, `timed out after ${opts.timeout} ms`, undefined, 1024 * 1024);
        return { status: res.status, body: res.text };
    }
}


/***/ })

};
