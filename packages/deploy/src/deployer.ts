import { createHash } from 'node:crypto';
import { type Logger, getErrorMessage, silentLogger } from '@deliverkit/action-kit';
import { diffObjects } from './diff';
import { DeployError, KubeApiError } from './errors';
import type { KObject, KubeClient } from './kube';
import { acquireLeaseLock, readLeaseHolder, type HeldLock } from './lock';
import {
  ANNOTATION,
  COLOR_LABEL,
  PREVIEW_HEADER,
  autoscaledReplicas,
  colorAutoscalers,
  colorDeployment,
  colorService,
  deploymentName,
  legacyLabelConfig,
  otherColor,
  previewService,
  previewServiceName,
  routeFor,
  scaleConfig,
  selectedSlot,
  stableService,
  type AppModel,
  type Color,
  type RouteMethod,
  type Slot,
} from './model';
import { runCheck, type ProbeResult, type SmokeCheck } from './probes';
import { rolloutState, waitForEndpoints, waitForRollout } from './rollout';

export type DeployAction = 'deploy' | 'promote' | 'reject' | 'rollback' | 'finish';
export type Outcome =
  | 'deployed'
  | 'unchanged'
  | 'pending-promotion'
  | 'promoted'
  | 'rejected'
  | 'rolled-back'
  | 'finished'
  | 'planned'
  | 'failed';

/** Field managers: the full manifests, the traffic switch + state, the replica count, the pending-promotion mark. */
export const MANAGERS = {
  apply: 'deliverkit',
  switch: 'deliverkit-switch',
  scale: 'deliverkit-scaler',
  state: 'deliverkit-state',
  /** The `scale-down-after` mark on a colour kept warm (its own manager, so clearing it touches nothing else). */
  pending: 'deliverkit-pending',
} as const;

export interface TimelineStep {
  step: string;
  status: 'ok' | 'failed' | 'skipped';
  startedAt: string;
  durationMs: number;
  detail?: string;
}

export interface PlannedChange {
  object: string;
  change: 'create' | 'update' | 'unchanged';
  diff: string;
}

export interface DeployPlan {
  /** `cluster`: server-side dry run against live state; `offline`: rendered and validated locally against an empty cluster. */
  mode: 'cluster' | 'offline';
  from?: Slot;
  to: Color;
  switch: { from?: Slot; to: Color; objects: string[] };
  changes: PlannedChange[];
  notes: string[];
}

export interface DeployResult {
  action: DeployAction;
  outcome: Outcome;
  cluster?: string;
  app: string;
  namespace: string;
  activeColor?: Slot;
  previousColor?: Slot;
  switched: boolean;
  rolledBack: boolean;
  imageDigest?: string;
  previousDigest?: string;
  timeline: TimelineStep[];
  probes: ProbeResult[];
  apiCalls: number;
  /** Milliseconds from "new colour ready (smoke passed)" to "switch applied". */
  readyToSwitchMs?: number;
  /** A colour left warm for a later run to scale down: which, and from when (ISO time). */
  pendingScaleDown?: { color: Color; after: string };
  plan?: DeployPlan;
  error?: { code: string; message: string };
}

export interface BlueGreenOptions {
  smokeChecks: SmokeCheck[];
  verifyWindowMs: number;
  verifyIntervalMs?: number;
  scaleDownDelayMs: number;
  /**
   * Sleep through `scaleDownDelayMs` in this run, then scale the old colour down (the behaviour before 0.2). By
   * default the run does not wait: it marks the old colour `scale-down-after: <time>` and returns; the next run on
   * the app, or `finish`, scales it down once that time has passed.
   */
  waitForScaleDown?: boolean;
  /** Budget for each wait (rollout, endpoints). */
  timeoutMs: number;
  autoPromote: boolean;
  /** Lock holder identity: the workflow run (a re-run of the same run takes its own lock back). */
  runId: string;
  runUrl?: string;
  lockTtlSeconds?: number;
  lockWaitMs?: number;
  pollMs?: number;
  cluster?: string;
  logger?: Logger;
  /** Multi-cluster: do not scale the old colour down; the caller runs `finalize` once every cluster passed. */
  deferScaleDown?: boolean;
}

/** What promote/reject/rollback need when no manifests are given: names, from the live objects. */
export interface AppRef {
  app: string;
  namespace: string;
  /** Stable Service name (default: app). */
  service?: string;
  routeMethod?: RouteMethod;
}

interface LiveState {
  stable?: KObject;
  active?: Slot;
  previous?: Slot;
  activeDigest?: string;
  previousDigest?: string;
  phase?: string;
  deployments: Partial<Record<Slot, KObject>>;
  pending?: Color;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function annotationsOf(o: KObject | undefined): Record<string, string> {
  return o?.metadata.annotations ?? {};
}

function digestOf(d: KObject | undefined): string | undefined {
  if (!d) return undefined;
  const a = annotationsOf(d)[ANNOTATION.digest];
  if (a) return a;
  const containers =
    (d.spec as { template?: { spec?: { containers?: { image?: string }[] } } })?.template?.spec?.containers ??
    [];
  return containers.map((c) => c.image?.split('@')[1]).find(Boolean);
}

function replicasOf(d: KObject | undefined): number {
  return (d?.spec as { replicas?: number } | undefined)?.replicas ?? 0;
}

/** A hash of what the colour Deployment would run, so a re-run with the same inputs is recognised as done. */
export function configHash(model: AppModel): string {
  const d = colorDeployment(model, 'blue');
  const { annotations: _a, ...meta } = d.metadata;
  return createHash('sha256')
    .update(JSON.stringify({ ...d, metadata: meta }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * An HPA on a colour Deployment writes its replicas through the scale subresource as the controller manager; the
 * deployer may set them again (a new colour's start size, zero on scale-down), and only that field.
 */
const autoscalerOwnsReplicas = (c: { manager: string; field: string }) =>
  c.manager === 'kube-controller-manager' && c.field === '.spec.replicas';

class Recorder {
  timeline: TimelineStep[] = [];
  probes: ProbeResult[] = [];
  constructor(private readonly logger: Logger) {}

  async step<T>(name: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T> {
    const started = Date.now();
    this.logger.debug(`BlueGreen.step: ${name}`);
    try {
      const v = await fn();
      this.timeline.push({
        step: name,
        status: 'ok',
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        detail: detail?.(v),
      });
      return v;
    } catch (e) {
      this.timeline.push({
        step: name,
        status: 'failed',
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        detail: getErrorMessage(e),
      });
      throw e;
    }
  }

  skip(name: string, detail: string): void {
    this.timeline.push({
      step: name,
      status: 'skipped',
      startedAt: new Date().toISOString(),
      durationMs: 0,
      detail,
    });
  }
}

/**
 * Blue/green deployments of one app on one cluster. Every method returns a DeployResult (failures
 * included, with `outcome: 'failed'` and `error`), so callers can always report what happened;
 * only bad inputs throw.
 */
export class BlueGreenDeployer {
  private readonly logger: Logger;
  private readonly rec: Recorder;
  private lock?: HeldLock;
  /** Set after a successful deploy with deferScaleDown: scales the old colour down and records completion. */
  finalize?: () => Promise<void>;

  constructor(
    private readonly client: KubeClient,
    private readonly ref: AppRef,
    private readonly options: BlueGreenOptions,
    private readonly model?: AppModel,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.rec = new Recorder(this.logger);
  }

  private get ns(): string {
    return this.ref.namespace;
  }
  private get serviceName(): string {
    return this.model?.service.metadata.name ?? this.ref.service ?? this.ref.app;
  }
  private get routeMethod(): RouteMethod {
    return this.model?.routeMethod ?? this.ref.routeMethod ?? 'service';
  }
  private depName(slot: Slot): string {
    return slot === 'legacy' ? this.ref.app : `${this.ref.app}-${slot}`;
  }

  private result(action: DeployAction, outcome: Outcome, extra: Partial<DeployResult>): DeployResult {
    return {
      action,
      outcome,
      cluster: this.options.cluster,
      app: this.ref.app,
      namespace: this.ns,
      switched: false,
      rolledBack: false,
      timeline: this.rec.timeline,
      probes: this.rec.probes,
      apiCalls: this.client.calls.length,
      ...(this.pendingScaleDown ? { pendingScaleDown: this.pendingScaleDown } : {}),
      ...extra,
    };
  }

  private async readState(): Promise<LiveState> {
    const [stable, blue, green, legacy] = await Promise.all([
      this.client.get('v1', 'Service', this.ns, this.serviceName),
      this.client.get('apps/v1', 'Deployment', this.ns, this.depName('blue')),
      this.client.get('apps/v1', 'Deployment', this.ns, this.depName('green')),
      this.client.get('apps/v1', 'Deployment', this.ns, this.depName('legacy')),
    ]);
    const a = annotationsOf(stable);
    let active = selectedSlot(stable);
    // A stable Service without the colour label that selects a plain Deployment: adopt it as `legacy`.
    if (stable && !active && legacy) active = 'legacy';
    const prev = a[ANNOTATION.previousColor];
    const pending = (['blue', 'green'] as Color[]).find(
      (c) => annotationsOf(c === 'blue' ? blue : green)[ANNOTATION.phase] === 'pending-promotion',
    );
    const deployments = { blue, green, legacy };
    return {
      stable,
      active,
      previous: prev === 'blue' || prev === 'green' || prev === 'legacy' ? prev : undefined,
      activeDigest: active ? (digestOf(deployments[active]) ?? a[ANNOTATION.activeDigest]) : undefined,
      previousDigest: a[ANNOTATION.previousDigest],
      phase: a[ANNOTATION.phase],
      deployments,
      pending,
    };
  }

  private async takeLock(): Promise<void> {
    const ttl = this.options.lockTtlSeconds ?? 60;
    this.lock = await this.rec.step(
      'lock',
      () =>
        acquireLeaseLock(this.client, {
          namespace: this.ns,
          name: `${this.ref.app}-deliverkit-lock`,
          holder: this.options.runId,
          ttlSeconds: ttl,
          waitMs: this.options.lockWaitMs ?? this.options.timeoutMs,
          pollMs: Math.min(1000, this.options.pollMs ?? 1000),
          logger: this.logger,
        }),
      () => `Lease ${this.ref.app}-deliverkit-lock held by ${this.options.runId} (ttl ${ttl}s)`,
    );
    const lock = this.lock;
    // Losing the lease (renewal failure, another holder) stops the run before its next write.
    this.client.beforeWrite = () => lock.assertHeld();
  }

  private async releaseLock(): Promise<void> {
    if (!this.lock) return;
    const lock = this.lock;
    this.lock = undefined;
    this.client.beforeWrite = undefined;
    await this.rec.step('release lock', () => lock.release()).catch(() => undefined);
  }

  private wait = () => ({ timeoutMs: this.options.timeoutMs, pollMs: this.options.pollMs ?? 500 });

  /** The traffic switch and the state record, in one apply by the switch manager (so they cannot disagree). */
  private async writeStable(
    slot: Slot,
    state: Record<string, string>,
    selector: Record<string, string>,
  ): Promise<void> {
    const annotations: Record<string, string> = {
      ...state,
      [ANNOTATION.updatedAt]: new Date().toISOString(),
    };
    if (this.options.runUrl) annotations[ANNOTATION.runUrl] = this.options.runUrl;
    await this.client.apply(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: this.serviceName, namespace: this.ns, annotations },
        spec: { selector: { ...selector, [COLOR_LABEL]: slot } },
      },
      { fieldManager: MANAGERS.switch, force: true },
    );
  }

  private async appSelector(state: LiveState): Promise<Record<string, string>> {
    if (this.model) return this.model.selector;
    const sel = {
      ...((state.stable?.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {}),
    };
    delete sel[COLOR_LABEL];
    return sel;
  }

  /** Points routes at `to`: the HTTPRoute weights / Ingress backends first, then the stable Service selector. */
  private async switchTo(
    to: Slot,
    from: Slot | undefined,
    state: LiveState,
    record: Record<string, string>,
  ): Promise<string[]> {
    const touched: string[] = [];
    if (to !== 'legacy' && this.routeMethod !== 'service') {
      const routeName = this.model?.route?.metadata.name ?? annotationsOf(state.stable)[ANNOTATION.route];
      const kind = this.routeMethod === 'gateway-api' ? 'HTTPRoute' : 'Ingress';
      const apiVersion = kind === 'HTTPRoute' ? 'gateway.networking.k8s.io/v1' : 'networking.k8s.io/v1';
      if (routeName) {
        const preview = from && from !== 'legacy' ? from : otherColor(to);
        const desired = this.model
          ? routeFor(this.model, to, preview)
          : await this.rewriteLiveRoute(apiVersion, kind, routeName, to, preview);
        if (desired) {
          await this.client.apply(
            { ...desired, metadata: { name: routeName, namespace: this.ns } },
            { fieldManager: MANAGERS.switch, force: true },
          );
          touched.push(`${kind}/${routeName}`);
        }
      }
    }
    await this.writeStable(to, record, await this.appSelector(state));
    touched.push(`Service/${this.serviceName}`);
    return touched;
  }

  private async rewriteLiveRoute(
    apiVersion: string,
    kind: string,
    name: string,
    to: Color,
    preview: Color,
  ): Promise<KObject | undefined> {
    const live = await this.client.get(apiVersion, kind, this.ns, name);
    if (!live) return undefined;
    const svc = this.serviceName;
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
      return { apiVersion, kind, metadata: { name, namespace: this.ns }, spec };
    }
    const text = JSON.stringify(live.spec)
      .split(`"name":"${svc}-${otherColor(to)}"`)
      .join(`"name":"${svc}-${to}"`);
    return { apiVersion, kind, metadata: { name, namespace: this.ns }, spec: JSON.parse(text) as unknown };
  }

  private async scale(slot: Slot, replicas: number): Promise<void> {
    const config = this.model
      ? scaleConfig(this.model, slot, replicas)
      : {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: this.depName(slot), namespace: this.ns },
          spec: { replicas },
        };
    await this.client.apply(config, {
      fieldManager: MANAGERS.scale,
      force: true,
      takeOver: autoscalerOwnsReplicas,
    });
  }

  private async markPhase(color: Color, phase: string): Promise<void> {
    await this.client.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: this.depName(color),
          namespace: this.ns,
          annotations: { [ANNOTATION.phase]: phase },
        },
      },
      { fieldManager: MANAGERS.state, force: true },
    );
  }

  private async runChecks(
    phase: 'smoke' | 'verify',
    service: string,
    color: Slot,
  ): Promise<ProbeResult | undefined> {
    const port = this.options.smokeChecks.some((c) => !c.url && !c.command && c.port === undefined)
      ? await this.servicePort(service)
      : undefined;
    for (const check of this.options.smokeChecks) {
      const r = await runCheck(this.client, check, {
        phase,
        namespace: this.ns,
        service,
        color,
        port,
        urlHeaders:
          phase === 'smoke' && this.routeMethod === 'gateway-api' ? { [PREVIEW_HEADER]: 'true' } : undefined,
      });
      this.rec.probes.push(r);
      if (!r.ok) return r;
    }
    return undefined;
  }

  private readonly servicePorts = new Map<string, string | number | undefined>();

  /** The first port of a Service (its name, else its number), for checks that name no port. */
  private async servicePort(service: string): Promise<string | number | undefined> {
    if (!this.servicePorts.has(service)) {
      const live = await this.client.get('v1', 'Service', this.ns, service);
      const first = (live?.spec as { ports?: { name?: string; port?: number }[] } | undefined)?.ports?.[0];
      this.servicePorts.set(service, first?.name || first?.port);
    }
    return this.servicePorts.get(service);
  }

  /** Probes the live Service for the verification window; on the first failure, switches back at once. */
  private async verifyWindow(
    to: Slot,
    from: Slot | undefined,
    state: LiveState,
    revert: Record<string, string>,
  ): Promise<{ failed?: ProbeResult; rolledBack: boolean }> {
    if (this.options.verifyWindowMs <= 0 || this.options.smokeChecks.length === 0) {
      this.rec.skip(
        'verify window',
        this.options.smokeChecks.length === 0 ? 'no smoke-checks configured' : 'verify-window is 0',
      );
      return { rolledBack: false };
    }
    const end = Date.now() + this.options.verifyWindowMs;
    let failed: ProbeResult | undefined;
    await this.rec
      .step(
        'verify window',
        async () => {
          while (Date.now() < end && !failed) {
            failed = await this.runChecks('verify', this.serviceName, to);
            if (!failed)
              await sleep(Math.min(this.options.verifyIntervalMs ?? 1000, Math.max(0, end - Date.now())));
          }
          if (failed) throw new DeployError('VERIFY_FAILED', `${failed.check} failed: ${failed.detail}`);
        },
        () => `${Math.round(this.options.verifyWindowMs / 1000)}s of probes passed`,
      )
      .catch((e: unknown) => {
        if (!failed) throw e;
      });
    if (!failed) return { rolledBack: false };
    if (!from) {
      this.rec.skip('switch back', 'no previous colour to switch back to (first deploy)');
      return { failed, rolledBack: false };
    }
    await this.rec.step(
      'switch back',
      () => this.switchTo(from, to, state, revert),
      (objs) => `${objs.join(', ')} → ${from}`,
    );
    return { failed, rolledBack: true };
  }

  /** Marks a colour kept warm with when it may be scaled down (or clears the mark: `after` undefined). */
  private async markScaleDown(color: Color, after: string | undefined): Promise<void> {
    await this.client.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: this.depName(color),
          namespace: this.ns,
          ...(after ? { annotations: { [ANNOTATION.scaleDownAfter]: after } } : {}),
        },
      },
      { fieldManager: MANAGERS.pending, force: true },
    );
  }

  private pendingScaleDown?: { color: Color; after: string };

  /**
   * Work an earlier run left pending: a colour marked `scale-down-after`. Once due, it is scaled to zero; a mark
   * on the colour that serves now (a rollback made it active) or on one already at zero is dropped. A deploy
   * (`supersede`) also drops a mark not yet due, as it is about to replace that colour. With `wait`, a mark not yet
   * due is waited for. Returns the mark still pending, if any. The stable Service's record loses the mark with it.
   */
  private async finishPending(
    state: LiveState,
    how: { supersede?: boolean; wait?: boolean } = {},
  ): Promise<{ color: Color; after: string } | undefined> {
    let pending: { color: Color; after: string } | undefined;
    let changed = false;
    for (const color of ['blue', 'green'] as Color[]) {
      const dep = state.deployments[color];
      const after = annotationsOf(dep)[ANNOTATION.scaleDownAfter];
      if (!dep || !after) continue;
      const at = Date.parse(after);
      const dueIn = Number.isNaN(at) ? 0 : at - Date.now();
      if (color === state.active || replicasOf(dep) === 0) {
        await this.rec.step(
          'clear pending scale-down',
          () => this.markScaleDown(color, undefined),
          () => `${this.depName(color)} ${color === state.active ? 'serves now' : 'is already at 0'}`,
        );
      } else if (dueIn <= 0 || how.wait) {
        if (dueIn > 0)
          await this.rec.step(
            'keep old colour warm',
            () => sleep(dueIn),
            () => `${color} kept until ${after}`,
          );
        await this.lock?.renew();
        await this.rec.step(
          'finish pending scale-down',
          async () => {
            await this.scale(color, 0);
            await this.markScaleDown(color, undefined);
            const d = state.deployments[color];
            if (d) (d.spec as { replicas?: number }).replicas = 0;
          },
          () => `${this.depName(color)} → 0 replicas (due since ${after})`,
        );
      } else if (how.supersede) {
        await this.rec.step(
          'clear pending scale-down',
          () => this.markScaleDown(color, undefined),
          () => `${this.depName(color)} was to stay warm until ${after}; this deploy replaces it`,
        );
      } else {
        pending = { color, after };
        this.rec.skip('pending scale-down', `${this.depName(color)} stays warm until ${after}`);
        continue;
      }
      changed = true;
    }
    const record = annotationsOf(state.stable);
    if (state.stable && state.active && (changed || record[ANNOTATION.scaleDownAfter]) && !pending) {
      // The stable Service's record keeps every state annotation but the mark.
      const kept = Object.fromEntries(
        Object.entries(record).filter(
          ([k]) =>
            k.startsWith('deliverkit.dev/') &&
            k !== ANNOTATION.scaleDownAfter &&
            k !== ANNOTATION.updatedAt &&
            k !== ANNOTATION.runUrl,
        ),
      );
      await this.writeStable(state.active, kept, await this.appSelector(state));
    }
    return pending;
  }

  private async scaleDownLater(
    slot: Slot | undefined,
    finalState: Record<string, string>,
    selectorSlot: Slot,
    state: LiveState,
  ): Promise<void> {
    const work = async () => {
      const delay = this.options.scaleDownDelayMs;
      if (slot && slot !== 'legacy' && delay > 0 && !this.options.waitForScaleDown) {
        // Not held here: the old colour is marked, and the next run (or action: finish) scales it down when due.
        const after = new Date(Date.now() + delay).toISOString();
        await this.rec.step(
          'schedule scale-down',
          () => this.markScaleDown(slot, after),
          () =>
            `${this.depName(slot)} stays warm until ${after}; the next run on ${this.ref.app}, or action: finish, scales it to 0`,
        );
        finalState = { ...finalState, [ANNOTATION.scaleDownAfter]: after };
        this.pendingScaleDown = { color: slot, after };
      } else if (slot) {
        if (delay > 0)
          await this.rec.step(
            'keep old colour warm',
            () => sleep(this.options.scaleDownDelayMs),
            () => `${slot} kept for ${Math.round(this.options.scaleDownDelayMs / 1000)}s`,
          );
        await this.lock?.renew();
        await this.rec.step(
          'scale down old colour',
          () => this.scale(slot, 0),
          () => `${this.depName(slot)} → 0 replicas`,
        );
      }
      const selector = await this.appSelector(state);
      await this.rec.step(
        'record state',
        () => this.writeStable(selectorSlot, finalState, selector),
        () => `phase=${finalState[ANNOTATION.phase]}`,
      );
    };
    if (this.options.deferScaleDown) {
      this.finalize = async () => {
        try {
          await work();
        } finally {
          await this.releaseLock();
        }
      };
      return;
    }
    await work();
  }

  /** `action: deploy`. */
  async deploy(): Promise<DeployResult> {
    const model = this.model;
    if (!model) throw new Error('BlueGreenDeployer.deploy needs the app model (manifests)');
    if (this.client.dryRun) return this.plan();
    let state: LiveState | undefined;
    let target: Color | undefined;
    let switched = false;
    try {
      await this.takeLock();
      state = await this.rec.step(
        'read active colour',
        () => this.readState(),
        (s) => `active: ${s.active ?? 'none'}${s.activeDigest ? ` (${s.activeDigest.slice(0, 19)})` : ''}`,
      );
      // What an earlier run left pending comes first: a due scale-down is done, one not yet due is moot if this
      // deploy replaces that colour (it keeps the mark when the inputs are unchanged: nothing is replaced).
      const unchangedInputs =
        state.active &&
        state.active !== 'legacy' &&
        annotationsOf(state.deployments[state.active])[ANNOTATION.configHash] === configHash(model) &&
        digestOf(state.deployments[state.active]) === model.digest;
      this.pendingScaleDown = await this.finishPending(state, { supersede: !unchangedInputs });
      const hash = configHash(model);
      const active = state.active;
      const activeDep = active ? state.deployments[active] : undefined;
      // Same inputs as the live colour: converge (finish an interrupted run) or do nothing.
      if (
        active &&
        active !== 'legacy' &&
        annotationsOf(activeDep)[ANNOTATION.configHash] === hash &&
        digestOf(activeDep) === model.digest
      ) {
        const previous = state.previous;
        const done = state.phase === 'complete';
        if (done) {
          this.rec.skip('apply', `${deploymentName(model, active)} already runs ${model.digest}`);
          return this.result('deploy', 'unchanged', {
            activeColor: active,
            previousColor: previous,
            imageDigest: model.digest,
            previousDigest: state.previousDigest,
          });
        }
        await this.rec.step(
          'wait for rollout',
          () => waitForRollout(this.client, this.ns, this.depName(active), this.wait()),
          () => `${this.depName(active)} ready`,
        );
        const record = this.stateRecord(active, model.digest, previous, state.previousDigest, 'complete');
        await this.scaleDownLater(
          previous && previous !== active && replicasOf(state.deployments[previous]) > 0
            ? previous
            : undefined,
          record,
          active,
          state,
        );
        return this.result('deploy', 'deployed', {
          activeColor: active,
          previousColor: previous,
          imageDigest: model.digest,
          previousDigest: state.previousDigest,
        });
      }
      target = otherColor(active);
      const tgt = target;

      if (model.others.length) {
        await this.rec.step(
          'apply supporting objects',
          async () => {
            for (const o of model.others)
              await this.client.apply(
                { ...o, metadata: { ...o.metadata, namespace: this.ns } },
                { fieldManager: MANAGERS.apply, force: true },
              );
          },
          () => model.others.map((o) => `${o.kind}/${o.metadata.name}`).join(', '),
        );
      }
      if (active === 'legacy' && selectedSlot(state.stable) !== 'legacy') {
        // Adoption: label the plain Deployment's pods (a rolling update, no downtime), then make the
        // stable Service select that label, so the new colour's pods can never receive its traffic early.
        await this.rec.step(
          'adopt plain Deployment',
          async () => {
            await this.client.apply(legacyLabelConfig(model), { fieldManager: MANAGERS.apply, force: true });
            await waitForRollout(this.client, this.ns, model.app, this.wait());
            const replicas = replicasOf(await this.client.get('apps/v1', 'Deployment', this.ns, model.app));
            await this.writeStable(
              'legacy',
              { [ANNOTATION.activeColor]: 'legacy', [ANNOTATION.phase]: 'adopted' },
              model.selector,
            );
            await waitForEndpoints(this.client, this.ns, this.serviceName, replicas, model.app, this.wait());
          },
          () =>
            `Deployment/${model.app} pods labelled ${COLOR_LABEL}=legacy; Service/${this.serviceName} selects them`,
        );
      }
      // With an HPA, the new colour starts as large as the serving colour is now (within the HPA's bounds).
      const startReplicas = autoscaledReplicas(model, active ? replicasOf(activeDep) : undefined);
      const tgtDeployment = colorDeployment(model, tgt, { [ANNOTATION.configHash]: hash }, startReplicas);
      await this.rec.step(
        `apply ${tgt}`,
        async () => {
          await this.client.apply(tgtDeployment, {
            fieldManager: MANAGERS.apply,
            force: true,
            takeOver: autoscalerOwnsReplicas,
          });
          for (const hpa of colorAutoscalers(model, tgt))
            await this.client.apply(hpa, { fieldManager: MANAGERS.apply, force: true });
          await this.client.apply(previewService(model, tgt), { fieldManager: MANAGERS.apply, force: true });
          if (model.routeMethod !== 'service') {
            for (const c of ['blue', 'green'] as Color[])
              await this.client.apply(colorService(model, c), { fieldManager: MANAGERS.apply, force: true });
          }
          if (active) {
            // Manifest changes to the stable Service (ports, labels) go out now; its selector stays on the active colour.
            await this.client.apply(stableService(model, active, {}), {
              fieldManager: MANAGERS.apply,
              force: true,
            });
          }
        },
        () =>
          `${deploymentName(model, tgt)} with ${model.digest}; ${previewServiceName(model)} → ${tgt}${
            model.autoscalers.length
              ? `; ${colorAutoscalers(model, tgt)
                  .map((h) => `HorizontalPodAutoscaler/${h.metadata.name}`)
                  .join(', ')} from ${replicasOf(tgtDeployment)} replicas`
              : ''
          }`,
      );
      await this.rec.step(
        'wait for rollout',
        () => waitForRollout(this.client, this.ns, this.depName(tgt), this.wait()),
        (d) => rolloutState(d).message,
      );
      const replicas = replicasOf(tgtDeployment);
      await this.rec.step(
        'wait for endpoints',
        () =>
          waitForEndpoints(
            this.client,
            this.ns,
            previewServiceName(model),
            replicas,
            this.depName(tgt),
            this.wait(),
          ),
        (n) => `${previewServiceName(model)}: ${n} ready endpoints`,
      );
      if (this.options.smokeChecks.length) {
        const failed = await this.rec.step(
          'smoke checks',
          () => this.runChecks('smoke', previewServiceName(model), tgt),
          (f) => (f ? `${f.check} failed` : `${this.options.smokeChecks.length} passed`),
        );
        if (failed) {
          await this.rec.step(
            'scale down failed colour',
            () => this.scale(tgt, 0),
            () => `${this.depName(tgt)} → 0; ${active ?? 'nothing'} still serves`,
          );
          throw new DeployError(
            'SMOKE_FAILED',
            `Smoke check "${failed.check}" failed against ${previewServiceName(model)} (${tgt}) after ${failed.attempts} attempts: ${failed.detail}. Traffic stays on ${active ?? 'nothing (first deploy)'}`,
          );
        }
      } else this.rec.skip('smoke checks', 'no smoke-checks configured');
      const readyAt = Date.now();

      if (!this.options.autoPromote) {
        await this.rec.step(
          'await promotion',
          () => this.markPhase(tgt, 'pending-promotion'),
          () => `${this.depName(tgt)} ready; run action: promote to switch, or reject`,
        );
        return this.result('deploy', 'pending-promotion', {
          activeColor: active,
          imageDigest: model.digest,
          previousDigest: state.activeDigest,
        });
      }
      const promoted = await this.switchAndFinish(tgt, state, model.digest, readyAt);
      switched = promoted.switched;
      return promoted;
    } catch (e) {
      return this.failure('deploy', e, {
        activeColor: state?.active,
        switched,
        imageDigest: model.digest,
        previousDigest: state?.activeDigest,
      });
    } finally {
      if (!this.finalize) await this.releaseLock();
    }
  }

  private stateRecord(
    active: Slot,
    digest: string | undefined,
    previous: Slot | undefined,
    previousDigest: string | undefined,
    phase: string,
  ): Record<string, string> {
    const r: Record<string, string> = { [ANNOTATION.activeColor]: active, [ANNOTATION.phase]: phase };
    if (digest) r[ANNOTATION.activeDigest] = digest;
    if (previous) r[ANNOTATION.previousColor] = previous;
    if (previousDigest) r[ANNOTATION.previousDigest] = previousDigest;
    if (this.model?.route) r[ANNOTATION.route] = this.model.route.metadata.name;
    return r;
  }

  private async switchAndFinish(
    to: Color,
    state: LiveState,
    digest: string | undefined,
    readyAt: number,
  ): Promise<DeployResult> {
    const from = state.active;
    const fromDigest = state.activeDigest;
    const model = this.model;
    if (!state.stable) {
      // First deploy: the stable Service does not exist yet; creating it pointed at `to` is the switch.
      // Without manifests (a promote), it is derived from the live preview Service.
      const stable = model ? stableService(model, to, {}) : await this.stableFromPreview(to);
      await this.client.apply(stable, { fieldManager: MANAGERS.apply, force: true });
    }
    const record = this.stateRecord(to, digest, from, fromDigest, 'verifying');
    await this.rec.step(
      'switch',
      () => this.switchTo(to, from, state, record),
      (o) => `${o.join(', ')}: ${from ?? 'none'} → ${to}`,
    );
    const readyToSwitchMs = Date.now() - readyAt;
    const replicas = replicasOf(await this.client.get('apps/v1', 'Deployment', this.ns, this.depName(to)));
    await this.rec.step(
      'wait for live endpoints',
      () => waitForEndpoints(this.client, this.ns, this.serviceName, replicas, this.depName(to), this.wait()),
      (n) => `${this.serviceName}: ${n} ready endpoints, all ${to}`,
    );
    if (model)
      await this.client.apply(previewService(model, from ?? to), {
        fieldManager: MANAGERS.apply,
        force: true,
      });
    await this.markPhase(to, 'active');
    const revert = from ? this.stateRecord(from, fromDigest, to, digest, 'rolled-back') : {};
    const verdict = await this.verifyWindow(to, from, state, revert);
    if (verdict.failed) {
      throw Object.assign(
        new DeployError(
          'VERIFY_FAILED',
          `Verification probe "${verdict.failed.check}" failed after the switch to ${to}: ${verdict.failed.detail}. ${verdict.rolledBack ? `Switched back to ${from}` : 'No previous colour to switch back to'}`,
        ),
        { rolledBack: verdict.rolledBack, switched: true, readyToSwitchMs },
      );
    }
    const finalRecord = this.stateRecord(to, digest, from, fromDigest, 'complete');
    await this.scaleDownLater(from, finalRecord, to, state);
    return this.result('deploy', 'deployed', {
      activeColor: to,
      previousColor: from,
      switched: true,
      imageDigest: digest,
      previousDigest: fromDigest,
      readyToSwitchMs,
    });
  }

  private async stableFromPreview(to: Slot): Promise<KObject> {
    const preview = await this.client.get('v1', 'Service', this.ns, `${this.serviceName}-preview`);
    if (!preview)
      throw new DeployError(
        'NOTHING_PENDING',
        `Service ${this.ns}/${this.serviceName}-preview does not exist: deploy first`,
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
      metadata: { name: this.serviceName, namespace: this.ns, ...(labels ? { labels } : {}) },
      spec,
    };
  }

  private failure(action: DeployAction, e: unknown, extra: Partial<DeployResult>): DeployResult {
    if (!(e instanceof DeployError || e instanceof KubeApiError)) throw e;
    const flags = e as unknown as { rolledBack?: boolean; switched?: boolean; readyToSwitchMs?: number };
    return this.result(action, 'failed', {
      ...extra,
      switched: flags.switched ?? extra.switched ?? false,
      rolledBack: flags.rolledBack ?? false,
      readyToSwitchMs: flags.readyToSwitchMs,
      pendingScaleDown: this.pendingScaleDown,
      activeColor: flags.rolledBack ? extra.activeColor : (extra.activeColor ?? undefined),
      error: { code: e.code, message: e.message },
    });
  }

  /** `action: promote`: switch to the colour a deploy with auto-promote false left ready. */
  async promote(): Promise<DeployResult> {
    let state: LiveState | undefined;
    try {
      await this.takeLock();
      state = await this.rec.step(
        'read active colour',
        () => this.readState(),
        (s) => `active: ${s.active ?? 'none'}, pending: ${s.pending ?? 'none'}`,
      );
      const pending = state.pending;
      if (!pending)
        throw new DeployError(
          'NOTHING_PENDING',
          `No colour of ${this.ref.app} is waiting for promotion (deploy with auto-promote: false first)`,
        );
      await this.finishPending(state, { supersede: true });
      const st = state;
      await this.rec.step(
        'check pending colour',
        () => waitForRollout(this.client, this.ns, this.depName(pending), this.wait()),
        () => `${this.depName(pending)} ready`,
      );
      if (this.options.smokeChecks.length) {
        const failed = await this.rec.step(
          'smoke checks',
          () => this.runChecks('smoke', `${this.serviceName}-preview`, pending),
          (f) => (f ? `${f.check} failed` : 'passed'),
        );
        if (failed)
          throw new DeployError(
            'SMOKE_FAILED',
            `Smoke check "${failed.check}" failed against the pending colour ${pending}: ${failed.detail}`,
          );
      }
      const r = await this.switchAndFinish(pending, st, digestOf(st.deployments[pending]), Date.now());
      return { ...r, action: 'promote', outcome: 'promoted' };
    } catch (e) {
      return this.failure('promote', e, { activeColor: state?.active });
    } finally {
      if (!this.finalize) await this.releaseLock();
    }
  }

  /** `action: reject`: discard the pending colour (scaled to zero); traffic never moved. */
  async reject(): Promise<DeployResult> {
    let state: LiveState | undefined;
    try {
      await this.takeLock();
      state = await this.rec.step(
        'read active colour',
        () => this.readState(),
        (s) => `active: ${s.active ?? 'none'}, pending: ${s.pending ?? 'none'}`,
      );
      const pending = state.pending;
      if (!pending)
        throw new DeployError('NOTHING_PENDING', `No colour of ${this.ref.app} is waiting for promotion`);
      await this.rec.step(
        'discard pending colour',
        async () => {
          await this.markPhase(pending, 'rejected');
          await this.scale(pending, 0);
        },
        () => `${this.depName(pending)} → 0 replicas`,
      );
      return this.result('reject', 'rejected', {
        activeColor: state.active,
        imageDigest: state.activeDigest,
      });
    } catch (e) {
      return this.failure('reject', e, { activeColor: state?.active });
    } finally {
      await this.releaseLock();
    }
  }

  /** `action: rollback`: switch back to the previous colour (scaled up first if it was already scaled down). */
  async rollback(): Promise<DeployResult> {
    let state: LiveState | undefined;
    try {
      await this.takeLock();
      state = await this.rec.step(
        'read active colour',
        () => this.readState(),
        (s) => `active: ${s.active ?? 'none'}, previous: ${s.previous ?? 'none'}`,
      );
      const { active, previous } = state;
      // The colour kept warm is what a rollback returns to: its scale-down mark goes, due or not.
      if (
        previous &&
        previous !== 'legacy' &&
        annotationsOf(state.deployments[previous])[ANNOTATION.scaleDownAfter]
      )
        await this.rec.step(
          'clear pending scale-down',
          () => this.markScaleDown(previous, undefined),
          () => `${this.depName(previous)} serves again`,
        );
      if (!active || !previous || !state.deployments[previous]) {
        throw new DeployError(
          'NOTHING_TO_ROLL_BACK',
          `${this.ref.app} has no previous colour to roll back to (active: ${active ?? 'none'})`,
        );
      }
      const st = state;
      const prevDep = state.deployments[previous];
      if (replicasOf(prevDep) === 0) {
        const want =
          Number(annotationsOf(prevDep)[ANNOTATION.replicas] ?? replicasOf(state.deployments[active]) ?? 1) ||
          1;
        await this.rec.step(
          'scale previous colour up',
          async () => {
            await this.scale(previous, want);
            await waitForRollout(this.client, this.ns, this.depName(previous), this.wait());
          },
          () => `${this.depName(previous)} was scaled down: → ${want} replicas`,
        );
      } else {
        await this.rec.step(
          'check previous colour',
          () => waitForRollout(this.client, this.ns, this.depName(previous), this.wait()),
          () => `${this.depName(previous)} warm`,
        );
      }
      const prevDigest = digestOf(prevDep) ?? state.previousDigest;
      const record = this.stateRecord(previous, prevDigest, active, state.activeDigest, 'rolled-back');
      await this.rec.step(
        'switch',
        () => this.switchTo(previous, active, st, record),
        (o) => `${o.join(', ')}: ${active} → ${previous}`,
      );
      const replicas = replicasOf(
        await this.client.get('apps/v1', 'Deployment', this.ns, this.depName(previous)),
      );
      await this.rec.step(
        'wait for live endpoints',
        () =>
          waitForEndpoints(
            this.client,
            this.ns,
            this.serviceName,
            replicas,
            this.depName(previous),
            this.wait(),
          ),
        (n) => `${n} ready endpoints, all ${previous}`,
      );
      await this.scaleDownLater(active, record, previous, st);
      return this.result('rollback', 'rolled-back', {
        activeColor: previous,
        previousColor: active,
        switched: true,
        rolledBack: true,
        imageDigest: prevDigest,
        previousDigest: state.activeDigest,
      });
    } catch (e) {
      return this.failure('rollback', e, { activeColor: state?.active });
    } finally {
      if (!this.finalize) await this.releaseLock();
    }
  }

  /**
   * `action: finish`: the work an earlier run left pending, i.e. the old colour's scale-down once its
   * `scale-down-after` time has passed (with `waitForScaleDown`, waited for). With smoke checks, the serving colour
   * is probed once more before its fallback goes; a failure switches back to the warm colour (`VERIFY_FAILED`,
   * rolled back). Nothing due: nothing changes, and the result says what stays pending until when.
   */
  async finish(): Promise<DeployResult> {
    let state: LiveState | undefined;
    try {
      await this.takeLock();
      state = await this.rec.step(
        'read active colour',
        () => this.readState(),
        (s) => `active: ${s.active ?? 'none'}, previous: ${s.previous ?? 'none'}`,
      );
      const st = state;
      const active = st.active;
      // Before the fallback goes: the serving colour passes the smoke checks once more, or traffic goes back to
      // the colour still warm (a verify window that holds no runner between the deploy and the scale-down).
      const warm = (['blue', 'green'] as Color[]).find((c) => {
        const after = annotationsOf(st.deployments[c])[ANNOTATION.scaleDownAfter];
        return (
          c !== active &&
          after &&
          replicasOf(st.deployments[c]) > 0 &&
          (this.options.waitForScaleDown || !(Date.parse(after) > Date.now()))
        );
      });
      if (warm && active && active !== 'legacy' && this.options.smokeChecks.length) {
        const failed = await this.rec.step(
          'verify before scale-down',
          () => this.runChecks('verify', this.serviceName, active),
          (f) =>
            f
              ? `${f.check} failed: ${f.detail}`
              : `${this.options.smokeChecks.length} passed against ${this.serviceName} (${active})`,
        );
        if (failed) {
          await this.releaseLock();
          const back = await this.rollback();
          return {
            ...back,
            action: 'finish',
            outcome: 'failed',
            error: back.error ?? {
              code: 'VERIFY_FAILED',
              message: `Verification probe "${failed.check}" failed against ${active} before ${this.depName(warm)} was scaled down: ${failed.detail}. Switched back to ${warm}`,
            },
          };
        }
      }
      const before = this.rec.timeline.length;
      this.pendingScaleDown = await this.finishPending(state, { wait: this.options.waitForScaleDown });
      const did = this.rec.timeline.slice(before).some((t) => t.status === 'ok');
      if (!did && !this.pendingScaleDown) this.rec.skip('finish', 'nothing pending');
      return this.result('finish', did ? 'finished' : 'unchanged', {
        activeColor: state.active,
        previousColor: state.previous,
        imageDigest: state.activeDigest,
        previousDigest: state.previousDigest,
      });
    } catch (e) {
      return this.failure('finish', e, { activeColor: state?.active });
    } finally {
      await this.releaseLock();
    }
  }

  /** Releases a lock kept for a deferred finalize (multi-cluster). */
  async close(): Promise<void> {
    await this.releaseLock();
  }

  /** `dry-run`: dryRun=All applies of every object, diffs against live state, and the switch plan. No mutating call. */
  async plan(): Promise<DeployResult> {
    const model = this.model;
    if (!model) throw new Error('BlueGreenDeployer.plan needs the app model (manifests)');
    if (!this.client.dryRun) throw new Error('BlueGreenDeployer.plan needs a dry-run client');
    try {
      const state = await this.rec.step(
        'read active colour',
        () => this.readState(),
        (s) => `active: ${s.active ?? 'none'}`,
      );
      const holder = await readLeaseHolder(this.client, this.ns, `${this.ref.app}-deliverkit-lock`);
      const to = otherColor(state.active);
      const hash = configHash(model);
      const desired: KObject[] = [
        ...model.others.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: this.ns } })),
        colorDeployment(
          model,
          to,
          { [ANNOTATION.configHash]: hash },
          autoscaledReplicas(model, state.active ? replicasOf(state.deployments[state.active]) : undefined),
        ),
        ...colorAutoscalers(model, to),
        previewService(model, to),
        ...(model.routeMethod !== 'service'
          ? (['blue', 'green'] as Color[]).map((c) => colorService(model, c))
          : []),
        state.stable && state.active ? stableService(model, state.active, {}) : stableService(model, to, {}),
      ];
      const changes: PlannedChange[] = [];
      await this.rec.step(
        'server-side dry run',
        async () => {
          for (const obj of desired) {
            const live = await this.client.get(obj.apiVersion, obj.kind, this.ns, obj.metadata.name);
            const next = await this.client.apply(obj, { fieldManager: MANAGERS.apply, force: true });
            const diff = diffObjects(live, next);
            changes.push({
              object: `${obj.kind}/${obj.metadata.name}`,
              change: !live ? 'create' : diff ? 'update' : 'unchanged',
              diff,
            });
          }
        },
        () => `${desired.length} objects validated by the API server`,
      );
      const switchObjects: string[] = [];
      const route = model.route ? routeFor(model, to, otherColor(to)) : undefined;
      if (route) {
        const live = await this.client.get(route.apiVersion, route.kind, this.ns, route.metadata.name);
        const next = await this.client.apply(route, { fieldManager: MANAGERS.switch, force: true });
        changes.push({
          object: `${route.kind}/${route.metadata.name}`,
          change: !live ? 'create' : 'update',
          diff: diffObjects(live, next),
        });
        switchObjects.push(`${route.kind}/${route.metadata.name}`);
      }
      switchObjects.push(`Service/${this.serviceName}`);
      const unchanged =
        state.active &&
        state.active !== 'legacy' &&
        annotationsOf(state.deployments[state.active])[ANNOTATION.configHash] === hash &&
        state.phase === 'complete';
      const notes = [
        unchanged
          ? `${deploymentName(model, state.active as Slot)} already runs these inputs: a deploy would change nothing.`
          : `Would deploy ${model.digest} to ${to}, then switch traffic from ${state.active ?? 'nothing (first deploy)'} to ${to}.`,
        ...(state.active === 'legacy'
          ? [
              `Would adopt the plain Deployment ${model.app} as "legacy" (pod label ${COLOR_LABEL}=legacy, a rolling update) before creating ${to}.`,
            ]
          : []),
        ...(holder ? [`The deploy lock is held by ${holder} now: a deploy would wait for it.`] : []),
        ...(['blue', 'green'] as Color[]).flatMap((c) => {
          const after = annotationsOf(state.deployments[c])[ANNOTATION.scaleDownAfter];
          if (!after || c === state.active || replicasOf(state.deployments[c]) === 0) return [];
          return [
            Date.parse(after) <= Date.now()
              ? `${deploymentName(model, c)} was due to be scaled down at ${after}: a deploy would do that first.`
              : `${deploymentName(model, c)} is kept warm until ${after}; a deploy would replace it.`,
          ];
        }),
        ...(this.options.autoPromote
          ? []
          : ['auto-promote is false: a deploy would stop before the switch, for action: promote or reject.']),
      ];
      return this.result('deploy', 'planned', {
        activeColor: state.active,
        imageDigest: model.digest,
        previousDigest: state.activeDigest,
        plan: {
          mode: 'cluster',
          from: state.active,
          to,
          switch: { from: state.active, to, objects: switchObjects },
          changes,
          notes,
        },
      });
    } catch (e) {
      return this.failure('deploy', e, {});
    }
  }
}

/** A plan without cluster access: the rendered objects against an empty cluster. */
export function planOffline(model: AppModel, options: { autoPromote?: boolean } = {}): DeployResult {
  const to: Color = 'blue';
  const hash = configHash(model);
  const desired = [
    ...model.others.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: model.namespace } })),
    colorDeployment(model, to, { [ANNOTATION.configHash]: hash }, autoscaledReplicas(model)),
    ...colorAutoscalers(model, to),
    previewService(model, to),
    ...(model.routeMethod !== 'service'
      ? (['blue', 'green'] as Color[]).map((c) => colorService(model, c))
      : []),
    stableService(model, to, {}),
    ...(model.route ? [routeFor(model, to, 'green') as KObject] : []),
  ];
  const switchObjects = [
    ...(model.route ? [`${model.route.kind}/${model.route.metadata.name}`] : []),
    `Service/${model.service.metadata.name}`,
  ];
  return {
    action: 'deploy',
    outcome: 'planned',
    app: model.app,
    namespace: model.namespace,
    switched: false,
    rolledBack: false,
    imageDigest: model.digest,
    timeline: [],
    probes: [],
    apiCalls: 0,
    plan: {
      mode: 'offline',
      to,
      switch: { to, objects: switchObjects },
      changes: desired.map((o) => ({
        object: `${o.kind}/${o.metadata.name}`,
        change: 'create',
        diff: diffObjects(undefined, o),
      })),
      notes: [
        'No cluster access (no kubeconfig): the manifests were rendered and validated locally, and the plan assumes an empty cluster. The API server did not validate them.',
        ...(options.autoPromote === false
          ? ['auto-promote is false: a deploy would stop before the switch.']
          : []),
      ],
    },
  };
}
