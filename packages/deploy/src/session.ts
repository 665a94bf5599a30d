import { type Logger, silentLogger } from '@deliverkit/action-kit';
import { DeployError, KubeApiError } from './errors';
import type { KubeClient } from './kube';
import { readLiveState, type LiveState } from './live-state';
import { acquireLeaseLock, type HeldLock } from './lock';
import { ANNOTATION, scaleConfig, type AppModel, type Color, type RouteMethod, type Slot } from './model';
import { Recorder } from './timeline';
import {
  MANAGERS,
  autoscalerOwnsReplicas,
  type AppRef,
  type BlueGreenOptions,
  type DeployAction,
  type DeployResult,
  type Outcome,
} from './types';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How an operation holds the lock: what its failures report, and whether a deferred finalize keeps the lock. */
export interface LockedRun {
  /** The fields of a failed result, from the state read (undefined when reading it failed). */
  failureExtra?: (state: LiveState | undefined) => Partial<DeployResult>;
  /** Release the lock even when a finalize was deferred (reject and finish never defer one). */
  alwaysRelease?: boolean;
}

/**
 * One deployer's run on one app: the client, the names, the lock, the timeline, and the small writes every operation
 * makes (scale, phase and scale-down marks, the state record).
 */
export class DeploySession {
  readonly logger: Logger;
  readonly rec: Recorder;
  lock?: HeldLock;
  /** Set after a successful deploy with deferScaleDown: scales the old colour down and records completion. */
  finalize?: () => Promise<void>;
  pendingScaleDown?: { color: Color; after: string };
  readonly servicePorts = new Map<string, string | number | undefined>();

  constructor(
    readonly client: KubeClient,
    readonly ref: AppRef,
    readonly options: BlueGreenOptions,
    readonly model?: AppModel,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.rec = new Recorder(this.logger);
  }

  get ns(): string {
    return this.ref.namespace;
  }
  get serviceName(): string {
    return this.model?.service.metadata.name ?? this.ref.service ?? this.ref.app;
  }
  get routeMethod(): RouteMethod {
    return this.model?.routeMethod ?? this.ref.routeMethod ?? 'service';
  }
  depName(slot: Slot): string {
    return slot === 'legacy' ? this.ref.app : `${this.ref.app}-${slot}`;
  }
  get lockName(): string {
    return `${this.ref.app}-deliverkit-lock`;
  }

  wait = () => ({ timeoutMs: this.options.timeoutMs, pollMs: this.options.pollMs ?? 500 });

  result(action: DeployAction, outcome: Outcome, extra: Partial<DeployResult>): DeployResult {
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

  failure(action: DeployAction, e: unknown, extra: Partial<DeployResult>): DeployResult {
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

  async readState(): Promise<LiveState> {
    return readLiveState(this.client, this.ns, this.serviceName, (slot) => this.depName(slot));
  }

  async takeLock(): Promise<void> {
    const ttl = this.options.lockTtlSeconds ?? 60;
    this.lock = await this.rec.step(
      'lock',
      () =>
        acquireLeaseLock(this.client, {
          namespace: this.ns,
          name: this.lockName,
          holder: this.options.runId,
          ttlSeconds: ttl,
          waitMs: this.options.lockWaitMs ?? this.options.timeoutMs,
          pollMs: Math.min(1000, this.options.pollMs ?? 1000),
          logger: this.logger,
        }),
      () => `Lease ${this.lockName} held by ${this.options.runId} (ttl ${ttl}s)`,
    );
    const lock = this.lock;
    // Losing the lease (renewal failure, another holder) stops the run before its next write.
    this.client.beforeWrite = () => lock.assertHeld();
  }

  async releaseLock(): Promise<void> {
    if (!this.lock) return;
    const lock = this.lock;
    this.lock = undefined;
    this.client.beforeWrite = undefined;
    await this.rec.step('release lock', () => lock.release()).catch(() => undefined);
  }

  /**
   * The sequence every operation shares: take the lock, read the live state (`describe` says what the timeline
   * shows of it), run `body`; a coded failure becomes a failed result; the lock goes at the end, unless a deferred
   * finalize still needs it.
   */
  async withLock(
    action: DeployAction,
    describe: (state: LiveState) => string,
    body: (state: LiveState) => Promise<DeployResult>,
    how: LockedRun = {},
  ): Promise<DeployResult> {
    let state: LiveState | undefined;
    try {
      await this.takeLock();
      state = await this.rec.step('read active colour', () => this.readState(), describe);
      return await body(state);
    } catch (e) {
      return this.failure(
        action,
        e,
        how.failureExtra ? how.failureExtra(state) : { activeColor: state?.active },
      );
    } finally {
      if (how.alwaysRelease || !this.finalize) await this.releaseLock();
    }
  }

  async scale(slot: Slot, replicas: number): Promise<void> {
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

  async markPhase(color: Color, phase: string): Promise<void> {
    await this.annotate(color, { [ANNOTATION.phase]: phase }, MANAGERS.state);
  }

  /** Marks a colour kept warm with when it may be scaled down (or clears the mark: `after` undefined). */
  async markScaleDown(color: Color, after: string | undefined): Promise<void> {
    await this.annotate(color, after ? { [ANNOTATION.scaleDownAfter]: after } : undefined, MANAGERS.pending);
  }

  /** A colour Deployment's annotations as owned by `fieldManager` (none: the manager gives up the ones it had). */
  private async annotate(
    color: Color,
    annotations: Record<string, string> | undefined,
    fieldManager: string,
  ): Promise<void> {
    await this.client.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: this.depName(color), namespace: this.ns, ...(annotations ? { annotations } : {}) },
      },
      { fieldManager, force: true },
    );
  }

  /** The state record the stable Service carries (written with the switch, in one apply). */
  stateRecord(
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
}
