import { deployApp } from './deploy-operation';
import type { KubeClient } from './kube';
import type { AppModel } from './model';
import { finishApp, promoteApp, rejectApp, rollbackApp } from './operations';
import { planCluster } from './plan';
import { DeploySession } from './session';
import type { AppRef, BlueGreenOptions, DeployResult } from './types';

/**
 * Blue/green deployments of one app on one cluster. Every method returns a DeployResult (failures
 * included, with `outcome: 'failed'` and `error`), so callers can always report what happened;
 * only bad inputs throw.
 */
export class BlueGreenDeployer {
  private readonly session: DeploySession;

  constructor(client: KubeClient, ref: AppRef, options: BlueGreenOptions, model?: AppModel) {
    this.session = new DeploySession(client, ref, options, model);
  }

  /** Set after a successful deploy with deferScaleDown: scales the old colour down and records completion. */
  get finalize(): (() => Promise<void>) | undefined {
    return this.session.finalize;
  }
  set finalize(fn: (() => Promise<void>) | undefined) {
    this.session.finalize = fn;
  }

  /** `action: deploy`. */
  deploy(): Promise<DeployResult> {
    return deployApp(this.session);
  }

  /** `action: promote`: switch to the colour a deploy with auto-promote false left ready. */
  promote(): Promise<DeployResult> {
    return promoteApp(this.session);
  }

  /** `action: reject`: discard the pending colour (scaled to zero); traffic never moved. */
  reject(): Promise<DeployResult> {
    return rejectApp(this.session);
  }

  /** `action: rollback`: switch back to the previous colour (scaled up first if it was already scaled down). */
  rollback(): Promise<DeployResult> {
    return rollbackApp(this.session);
  }

  /** `action: finish`: the old colour's scale-down an earlier run left pending, once due. */
  finish(): Promise<DeployResult> {
    return finishApp(this.session);
  }

  /** Releases a lock kept for a deferred finalize (multi-cluster). */
  async close(): Promise<void> {
    await this.session.releaseLock();
  }

  /** `dry-run`: dryRun=All applies of every object, diffs against live state, and the switch plan. No mutating call. */
  plan(): Promise<DeployResult> {
    return planCluster(this.session);
  }
}
