import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { clone, deepEqual, isObject, type Json, type JsonObject } from './fields';
import { RESOURCE_TYPES, selectorMatches, type ResourceType } from './resources';
import { ENDPOINT_SLICE, SERVICE } from './routing';
import type { ObjectStore } from './store';

const DEPLOYMENT = RESOURCE_TYPES.find((t) => t.kind === 'Deployment') as ResourceType;
const POD = RESOURCE_TYPES.find((t) => t.kind === 'Pod') as ResourceType;

/**
 * How a simulated container behaves, chosen per image by the test:
 * - `ok`: starts, answers every path.
 * - `crash`: the process exits at start: the pod never listens and never becomes ready (CrashLoopBackOff).
 * - `unready`: listens, but `/healthz` answers 503, so a readinessProbe on it never passes.
 * - `smoke-fail`: ready and serving `/`, but `/smoke` (a deeper self-test) answers 500. Tests use it for
 *   smoke and verification-window failures without failing user traffic.
 */
export type ImageBehavior = 'ok' | 'crash' | 'unready' | 'smoke-fail';

export interface ControllerOptions {
  /** Time from pod creation to the container running. */
  podStartMs: number;
  /** Extra time before a running pod may pass readiness (as initialDelaySeconds). */
  readyDelayMs: number;
  /** Upper bound on the termination grace period (the pod's own terminationGracePeriodSeconds is honoured below it). */
  terminationGraceMs: number;
  tickMs: number;
  /** First octets of the simulated pod network on loopback, e.g. `127.77`. */
  podNetwork: string;
}

interface SimPod {
  name: string;
  namespace: string;
  ownerUid: string;
  deployment: string;
  hash: string;
  labels: Record<string, string>;
  images: string[];
  containerPorts: number[];
  namedPorts: Record<string, number>;
  readinessPath?: string;
  /** Consecutive failed probes before a ready pod turns unready (probe.failureThreshold, default 3). */
  failureThreshold: number;
  failures: number;
  lastProbe: number;
  ip: string;
  servers: http.Server[];
  createdAt: number;
  runningAt?: number;
  ready: boolean;
  readySince?: number;
  deletingAt?: number;
  graceMs: number;
  restarts: number;
  probing: boolean;
}

function podTemplateHash(template: Json | undefined): string {
  // The real controller hashes the template with FNV-32a into a "safe" alphabet; any stable hash works here.
  const h = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest('hex');
  return h.slice(0, 10).replace(/[aeiou]/g, (c) => String('aeiou'.indexOf(c)));
}

/**
 * The controllers of a cluster, reduced to what a blue/green rollout observes: the Deployment
 * controller (surge new pods, retire old ones as new ones become available, observedGeneration,
 * replica counts, Progressing/Available conditions, progress deadline), the kubelet (each pod is a
 * real HTTP server on its own loopback address, readiness from the pod's httpGet readinessProbe), and
 * the EndpointSlice controller (one slice per Service, ready/serving/terminating conditions).
 *
 * Simplified: the rollout surges all new pods at once (maxSurge and maxUnavailable are not
 * honoured step by step); there are no ReplicaSet objects; conditions use the real reasons.
 */
export class SimulatedCluster {
  private pods = new Map<string, SimPod>();
  private progress = new Map<
    string,
    { hash: string; lastProgress: number; readyCount: number; observed: number }
  >();
  private behaviors = new Map<string, ImageBehavior>();
  private timer?: NodeJS.Timeout;
  private ipCounter = 1;
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: ControllerOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.pods.values()].map((p) => this.closeServers(p)));
    this.pods.clear();
  }

  /** Sets the behaviour of every container whose image contains `imageOrDigest` (a digest, a name or a full reference). */
  setImageBehavior(imageOrDigest: string, behavior: ImageBehavior): void {
    this.behaviors.set(imageOrDigest, behavior);
  }

  behaviorOf(images: string[]): ImageBehavior {
    let result: ImageBehavior = 'ok';
    for (const [needle, b] of this.behaviors) {
      if (images.some((i) => i.includes(needle)) && b !== 'ok') result = b;
    }
    return result;
  }

  podsOf(
    namespace: string,
    deployment: string,
  ): { name: string; ip: string; ready: boolean; hash: string; terminating: boolean }[] {
    return [...this.pods.values()]
      .filter((p) => p.namespace === namespace && p.deployment === deployment)
      .map((p) => ({
        name: p.name,
        ip: p.ip,
        ready: p.ready,
        hash: p.hash,
        terminating: p.deletingAt !== undefined,
      }));
  }

  private allocateIp(): string {
    const n = this.ipCounter++;
    return `${this.options.podNetwork}.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  }

  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const now = Date.now();
      await this.reconcileDeployments(now);
      await this.runKubelet(now);
      this.reconcileEndpointSlices();
    } finally {
      this.ticking = false;
    }
  }

  private async reconcileDeployments(now: number): Promise<void> {
    const deployments = this.store.list(DEPLOYMENT, undefined);
    const liveUids = new Set<string>();
    for (const d of deployments) {
      const m = d.metadata as JsonObject;
      const spec = d.spec as JsonObject;
      const uid = String(m.uid);
      liveUids.add(uid);
      const ns = String(m.namespace);
      const name = String(m.name);
      const template = spec.template as JsonObject;
      const hash = podTemplateHash(template);
      const desired = Number(spec.replicas ?? 1);
      const minReadyMs = Number(spec.minReadySeconds ?? 0) * 1000;
      const mine = [...this.pods.values()].filter((p) => p.ownerUid === uid && p.deletingAt === undefined);
      const current = mine.filter((p) => p.hash === hash);
      const old = mine.filter((p) => p.hash !== hash);
      for (let i = current.length; i < desired; i++) current.push(await this.createPod(d, hash, now));
      // Scale down surplus current pods, not-ready ones first.
      const surplus = current
        .slice()
        .sort((a, b) => Number(a.ready) - Number(b.ready))
        .slice(0, Math.max(0, current.length - desired));
      for (const p of surplus) this.terminate(p, now);
      const active = current.filter((p) => !surplus.includes(p));
      const available = active.filter(
        (p) => p.ready && p.readySince !== undefined && now - p.readySince >= minReadyMs,
      );
      // Old pods go as new ones become available, one for one, so capacity never drops.
      const keepOld = Math.max(0, desired - available.length);
      const oldSorted = old.slice().sort((a, b) => Number(a.ready) - Number(b.ready));
      for (const p of oldSorted.slice(0, Math.max(0, old.length - keepOld))) this.terminate(p, now);
      const remainingOld = oldSorted.slice(Math.max(0, old.length - keepOld));

      const track = this.progress.get(uid);
      const generation = Number(m.generation ?? 1);
      let prog = track;
      if (!prog || prog.hash !== hash || prog.observed !== generation) {
        prog = { hash, lastProgress: now, readyCount: available.length, observed: generation };
        this.progress.set(uid, prog);
      } else if (available.length !== prog.readyCount) {
        prog.readyCount = available.length;
        prog.lastProgress = now;
      }
      const all = [...active, ...remainingOld];
      const readyAll = all.filter((p) => p.ready).length;
      const availableAll = all.filter(
        (p) => p.ready && p.readySince !== undefined && now - p.readySince >= minReadyMs,
      ).length;
      const complete = active.length === desired && available.length === desired && remainingOld.length === 0;
      const deadlineMs = Number(spec.progressDeadlineSeconds ?? 600) * 1000;
      const oldStatus = isObject(d.status) ? d.status : {};
      const oldConditions = Array.isArray(oldStatus.conditions) ? (oldStatus.conditions as JsonObject[]) : [];
      const previous = (type: string) => oldConditions.find((c) => c.type === type);
      const iso = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
      const condition = (type: string, status: string, reason: string, message: string): JsonObject => {
        const prev = previous(type);
        const same = prev && prev.status === status && prev.reason === reason;
        return {
          type,
          status,
          lastUpdateTime: same ? (prev.lastUpdateTime as Json) : iso,
          lastTransitionTime: prev && prev.status === status ? (prev.lastTransitionTime as Json) : iso,
          reason,
          message,
        };
      };
      let progressing: JsonObject;
      const rsName = `${name}-${hash}`;
      if (complete)
        progressing = condition(
          'Progressing',
          'True',
          'NewReplicaSetAvailable',
          `ReplicaSet "${rsName}" has successfully progressed.`,
        );
      else if (now - prog.lastProgress > deadlineMs) {
        progressing = condition(
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${rsName}" has timed out progressing.`,
        );
      } else
        progressing = condition(
          'Progressing',
          'True',
          'ReplicaSetUpdated',
          `ReplicaSet "${rsName}" is progressing.`,
        );
      const maxUnavailable = Math.floor(desired * 0.25);
      const availableCond =
        availableAll >= desired - maxUnavailable
          ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : condition(
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            );
      const status: JsonObject = {
        observedGeneration: generation,
        replicas: all.length,
        updatedReplicas: active.length,
        readyReplicas: readyAll,
        availableReplicas: availableAll,
        ...(all.length - availableAll > 0 ? { unavailableReplicas: all.length - availableAll } : {}),
        conditions: [availableCond, progressing],
      };
      for (const k of ['readyReplicas', 'availableReplicas', 'replicas', 'updatedReplicas'])
        if (status[k] === 0) delete status[k];
      if (!deepEqual(oldStatus, status)) this.store.writeStatus(DEPLOYMENT, ns, name, status);
    }
    for (const p of this.pods.values()) {
      if (!liveUids.has(p.ownerUid) && p.deletingAt === undefined) this.terminate(p, now);
    }
  }

  private async createPod(d: JsonObject, hash: string, now: number): Promise<SimPod> {
    const m = d.metadata as JsonObject;
    const spec = d.spec as JsonObject;
    const template = spec.template as JsonObject;
    const tmeta = isObject(template.metadata) ? template.metadata : {};
    const podSpec = template.spec as JsonObject;
    const containers = (Array.isArray(podSpec.containers) ? podSpec.containers : []) as JsonObject[];
    const labels: Record<string, string> = {
      ...(isObject(tmeta.labels) ? (tmeta.labels as Record<string, string>) : {}),
      'pod-template-hash': hash,
    };
    const ports: number[] = [];
    const namedPorts: Record<string, number> = {};
    let readinessPath: string | undefined;
    let failureThreshold = 3;
    for (const c of containers) {
      for (const p of Array.isArray(c.ports) ? (c.ports as JsonObject[]) : [])
        if (typeof p.containerPort === 'number') {
          ports.push(p.containerPort);
          if (typeof p.name === 'string') namedPorts[p.name] = p.containerPort;
        }
      const probe =
        isObject(c.readinessProbe) && isObject(c.readinessProbe.httpGet)
          ? c.readinessProbe.httpGet
          : undefined;
      if (probe && readinessPath === undefined) {
        readinessPath = String(probe.path ?? '/');
        const threshold = (c.readinessProbe as JsonObject).failureThreshold;
        if (typeof threshold === 'number' && threshold > 0) failureThreshold = threshold;
      }
    }
    const name = `${String(m.name)}-${hash}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    const pod: SimPod = {
      name,
      namespace: String(m.namespace),
      ownerUid: String(m.uid),
      deployment: String(m.name),
      hash,
      labels,
      images: containers.map((c) => String(c.image)),
      containerPorts: ports.length ? ports : [8080],
      namedPorts,
      readinessPath,
      failureThreshold,
      failures: 0,
      lastProbe: 0,
      ip: this.allocateIp(),
      servers: [],
      createdAt: now,
      ready: false,
      graceMs: Math.min(
        this.options.terminationGraceMs,
        Number(podSpec.terminationGracePeriodSeconds ?? 30) * 1000,
      ),
      restarts: 0,
      probing: false,
    };
    this.pods.set(`${pod.namespace}/${name}`, pod);
    this.writePod(pod);
    return pod;
  }

  private writePod(p: SimPod): void {
    const behavior = this.behaviorOf(p.images);
    const running = p.runningAt !== undefined;
    const status: JsonObject = {
      phase: running || behavior === 'crash' ? 'Running' : 'Pending',
      ...(p.runningAt !== undefined || behavior === 'crash' ? { podIP: p.ip, podIPs: [{ ip: p.ip }] } : {}),
      conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }],
      containerStatuses: p.images.map((image, i) => ({
        name: `c${i}`,
        image,
        ready: p.ready,
        restartCount: p.restarts,
        state: (behavior === 'crash'
          ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' } }
          : running
            ? { running: {} }
            : { waiting: { reason: 'ContainerCreating' } }) as JsonObject,
      })) as Json,
    };
    const obj: JsonObject = {
      metadata: {
        name: p.name,
        namespace: p.namespace,
        labels: p.labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `${p.deployment}-${p.hash}`,
            uid: p.ownerUid,
            controller: true,
          },
        ],
        ...(p.deletingAt !== undefined
          ? { deletionTimestamp: new Date(p.deletingAt).toISOString().replace(/\.\d+Z$/, 'Z') }
          : {}),
      },
      spec: { containers: p.images.map((image, i) => ({ name: `c${i}`, image })) },
      status,
    };
    this.store.upsertInternal(POD, p.namespace, obj, 'kubelet');
  }

  private terminate(p: SimPod, now: number): void {
    if (p.deletingAt !== undefined) return;
    p.deletingAt = now;
    p.ready = false;
    this.writePod(p);
  }

  private async runKubelet(now: number): Promise<void> {
    for (const [key, p] of [...this.pods]) {
      const behavior = this.behaviorOf(p.images);
      if (p.deletingAt !== undefined) {
        if (now - p.deletingAt >= p.graceMs) {
          this.pods.delete(key);
          await this.closeServers(p);
          this.store.removeInternal(POD, p.namespace, p.name);
        }
        continue;
      }
      if (p.runningAt === undefined && now - p.createdAt >= this.options.podStartMs) {
        if (behavior === 'crash') {
          p.restarts = Math.floor((now - p.createdAt) / 1000);
          this.writePod(p);
          continue;
        }
        await this.startServers(p);
        p.runningAt = now;
        this.writePod(p);
      }
      // Not-ready pods are probed every tick; ready ones about once a second (periodSeconds, compressed).
      const due = !p.ready || now - p.lastProbe >= 1000;
      if (p.runningAt !== undefined && !p.probing && due && now - p.runningAt >= this.options.readyDelayMs) {
        p.probing = true;
        p.lastProbe = now;
        void this.probeReadiness(p).then((ok) => {
          p.probing = false;
          if (p.deletingAt !== undefined || this.stopped) return;
          p.failures = ok ? 0 : p.failures + 1;
          // As the kubelet: one success makes a pod ready, failureThreshold failures in a row unready.
          const ready = ok || (p.ready && p.failures < p.failureThreshold);
          if (ready !== p.ready) {
            p.ready = ready;
            p.readySince = ready ? Date.now() : undefined;
            this.writePod(p);
          }
        });
      }
    }
  }

  private probeReadiness(p: SimPod): Promise<boolean> {
    if (!p.readinessPath) return Promise.resolve(true);
    return new Promise((resolve) => {
      const req = http.get(
        { host: p.ip, port: p.containerPorts[0], path: p.readinessPath, agent: false, timeout: 1000 },
        (res) => {
          res.resume();
          resolve((res.statusCode ?? 500) >= 200 && (res.statusCode ?? 500) < 400);
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
  }

  /**
   * Listens on the pod's ports at its IP. Pod networks are picked at random per emulator, and emulators in other
   * test workers share the loopback range: an address already taken gets the pod a fresh IP (its status is written
   * after this), instead of a pod that never starts.
   */
  private async startServers(p: SimPod): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        for (const port of [...new Set(p.containerPorts)]) {
          const server = http.createServer((req, res) => this.servePod(p, req, res));
          server.keepAliveTimeout = 1000;
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(port, p.ip, () => resolve());
          });
          p.servers.push(server);
        }
        return;
      } catch (error) {
        await this.closeServers(p);
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw error;
        p.ip = this.allocateIp();
      }
    }
  }

  private servePod(p: SimPod, req: http.IncomingMessage, res: http.ServerResponse): void {
    const behavior = this.behaviorOf(p.images);
    const path = new URL(req.url ?? '/', 'http://pod').pathname;
    const digest = p.images[0]?.split('@')[1] ?? null;
    const body = {
      pod: p.name,
      image: p.images[0] ?? null,
      digest,
      color: p.labels['deliverkit.dev/color'] ?? null,
    };
    const send = (code: number, payload: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json', 'x-pod': p.name });
      res.end(JSON.stringify(payload));
    };
    if (path === '/healthz')
      return send(behavior === 'unready' ? 503 : 200, {
        ...body,
        status: behavior === 'unready' ? 'unready' : 'ok',
      });
    if (path === '/smoke')
      return send(behavior === 'smoke-fail' ? 500 : 200, {
        ...body,
        status: behavior === 'smoke-fail' ? 'self-test failed' : 'ok',
      });
    return send(200, body);
  }

  private async closeServers(p: SimPod): Promise<void> {
    await Promise.all(
      p.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    p.servers = [];
  }

  private reconcileEndpointSlices(): void {
    const services = this.store.list(SERVICE, undefined);
    const wanted = new Set<string>();
    const podObjects = this.store.list(POD, undefined);
    for (const svc of services) {
      const m = svc.metadata as JsonObject;
      const spec = svc.spec as JsonObject;
      const ns = String(m.namespace);
      const name = String(m.name);
      if (!isObject(spec.selector) || Object.keys(spec.selector).length === 0) continue;
      const sliceName = `${name}-${createHash('sha256').update(String(m.uid)).digest('hex').slice(0, 5)}`;
      wanted.add(`${ns}/${sliceName}`);
      const selector = { matchLabels: spec.selector };
      const endpoints: JsonObject[] = [];
      const ports: JsonObject[] = [];
      const svcPorts = (Array.isArray(spec.ports) ? spec.ports : []) as JsonObject[];
      for (const pod of podObjects) {
        const pm = pod.metadata as JsonObject;
        if (pm.namespace !== ns || !selectorMatches(selector, pm.labels)) continue;
        const sim = this.pods.get(`${ns}/${String(pm.name)}`);
        if (!sim || sim.runningAt === undefined) continue;
        const terminating = sim.deletingAt !== undefined;
        endpoints.push({
          addresses: [sim.ip],
          conditions: {
            ready: sim.ready && !terminating,
            serving: terminating ? sim.servers.length > 0 : sim.ready,
            terminating,
          },
          targetRef: { kind: 'Pod', namespace: ns, name: sim.name, uid: String(pm.uid) },
          nodeName: 'emulated-node',
        });
      }
      const named =
        [...this.pods.values()].find((p) => p.namespace === ns && selectorMatches(selector, p.labels))
          ?.namedPorts ?? {};
      for (const sp of svcPorts) {
        const target = sp.targetPort ?? sp.port;
        const port = typeof target === 'number' ? target : (named[String(target)] ?? Number(target));
        if (!Number.isFinite(port)) continue;
        ports.push({ name: (sp.name as Json) ?? '', protocol: (sp.protocol as Json) ?? 'TCP', port });
      }
      const slice: JsonObject = {
        metadata: {
          name: sliceName,
          namespace: ns,
          labels: {
            'kubernetes.io/service-name': name,
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          },
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'Service',
              name,
              uid: String(m.uid),
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        addressType: 'IPv4',
        endpoints: endpoints.sort((a, b) =>
          String((a.targetRef as JsonObject).name).localeCompare(String((b.targetRef as JsonObject).name)),
        ),
        ports,
      };
      this.store.upsertInternal(ENDPOINT_SLICE, ns, clone(slice), 'endpointslice-controller');
    }
    for (const slice of this.store.list(ENDPOINT_SLICE, undefined)) {
      const sm = slice.metadata as JsonObject;
      const labels = isObject(sm.labels) ? sm.labels : {};
      if (labels['endpointslice.kubernetes.io/managed-by'] !== 'endpointslice-controller.k8s.io') continue;
      if (!wanted.has(`${String(sm.namespace)}/${String(sm.name)}`))
        this.store.removeInternal(ENDPOINT_SLICE, String(sm.namespace), String(sm.name));
    }
  }
}
