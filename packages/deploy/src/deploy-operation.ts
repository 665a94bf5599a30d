import { verifyWindow, runChecks } from './checks';
import { desiredObjects, configHash } from './desired';
import { DeployError } from './errors';
import { replicasOf, runsInputs, type LiveState } from './live-state';
import {
  ANNOTATION,
  COLOR_LABEL,
  deploymentName,
  legacyLabelConfig,
  otherColor,
  previewService,
  previewServiceName,
  selectedSlot,
  stableService,
  type AppModel,
  type Color,
} from './model';
import { planCluster } from './plan';
import { rolloutState, waitForEndpoints, waitForRollout } from './rollout';
import { finishPending, scaleDownLater } from './scale-down';
import type { DeploySession } from './session';
import { stableFromPreview, switchTo, writeStable } from './traffic';
import { MANAGERS, autoscalerOwnsReplicas, type DeployResult } from './types';

/** `action: deploy`. */
export async function deployApp(s: DeploySession): Promise<DeployResult> {
  const model = s.model;
  if (!model)
    throw new DeployError('INVALID_CALL', 'BlueGreenDeployer.deploy needs the app model (manifests)');
  if (s.client.dryRun) return planCluster(s);
  return s.withLock(
    'deploy',
    (st) => `active: ${st.active ?? 'none'}${st.activeDigest ? ` (${st.activeDigest.slice(0, 19)})` : ''}`,
    (state) => deployLocked(s, model, state),
    {
      failureExtra: (state) => ({
        activeColor: state?.active,
        switched: false,
        imageDigest: model.digest,
        previousDigest: state?.activeDigest,
      }),
    },
  );
}

async function deployLocked(s: DeploySession, model: AppModel, state: LiveState): Promise<DeployResult> {
  const { client, rec, ns } = s;
  const hash = configHash(model);
  // What an earlier run left pending comes first: a due scale-down is done, one not yet due is moot if this
  // deploy replaces that colour (it keeps the mark when the inputs are unchanged: nothing is replaced).
  s.pendingScaleDown = await finishPending(s, state, { supersede: !runsInputs(state, hash, model.digest) });
  const active = state.active;
  const activeDep = active ? state.deployments[active] : undefined;
  // Same inputs as the live colour: converge (finish an interrupted run) or do nothing.
  if (active && active !== 'legacy' && runsInputs(state, hash, model.digest)) {
    const previous = state.previous;
    if (state.phase === 'complete') {
      rec.skip('apply', `${deploymentName(model, active)} already runs ${model.digest}`);
      return s.result('deploy', 'unchanged', {
        activeColor: active,
        previousColor: previous,
        imageDigest: model.digest,
        previousDigest: state.previousDigest,
      });
    }
    await rec.step(
      'wait for rollout',
      () => waitForRollout(client, ns, s.depName(active), s.wait()),
      () => `${s.depName(active)} ready`,
    );
    const record = s.stateRecord(active, model.digest, previous, state.previousDigest, 'complete');
    await scaleDownLater(
      s,
      previous && previous !== active && replicasOf(state.deployments[previous]) > 0 ? previous : undefined,
      record,
      active,
      state,
    );
    return s.result('deploy', 'deployed', {
      activeColor: active,
      previousColor: previous,
      imageDigest: model.digest,
      previousDigest: state.previousDigest,
    });
  }
  const tgt = otherColor(active);
  // With an HPA, the new colour starts as large as the serving colour is now (within the HPA's bounds).
  const desired = desiredObjects(model, tgt, {
    namespace: ns,
    serving: active ? replicasOf(activeDep) : undefined,
    stableSlot: active,
  });

  if (desired.supporting.length) {
    await rec.step(
      'apply supporting objects',
      async () => {
        for (const o of desired.supporting)
          await client.apply(o, { fieldManager: MANAGERS.apply, force: true });
      },
      () => model.others.map((o) => `${o.kind}/${o.metadata.name}`).join(', '),
    );
  }
  if (active === 'legacy' && selectedSlot(state.stable) !== 'legacy') {
    // Adoption: label the plain Deployment's pods (a rolling update, no downtime), then make the
    // stable Service select that label, so the new colour's pods can never receive its traffic early.
    await rec.step(
      'adopt plain Deployment',
      async () => {
        await client.apply(legacyLabelConfig(model), { fieldManager: MANAGERS.apply, force: true });
        await waitForRollout(client, ns, model.app, s.wait());
        const replicas = replicasOf(await client.get('apps/v1', 'Deployment', ns, model.app));
        await writeStable(
          s,
          'legacy',
          { [ANNOTATION.activeColor]: 'legacy', [ANNOTATION.phase]: 'adopted' },
          model.selector,
        );
        await waitForEndpoints(client, ns, s.serviceName, replicas, model.app, s.wait());
      },
      () =>
        `Deployment/${model.app} pods labelled ${COLOR_LABEL}=legacy; Service/${s.serviceName} selects them`,
    );
  }
  await rec.step(
    `apply ${tgt}`,
    async () => {
      await client.apply(desired.deployment, {
        fieldManager: MANAGERS.apply,
        force: true,
        takeOver: autoscalerOwnsReplicas,
      });
      for (const hpa of desired.autoscalers)
        await client.apply(hpa, { fieldManager: MANAGERS.apply, force: true });
      await client.apply(desired.preview, { fieldManager: MANAGERS.apply, force: true });
      for (const svc of desired.colorServices)
        await client.apply(svc, { fieldManager: MANAGERS.apply, force: true });
      // Manifest changes to the stable Service (ports, labels) go out now; its selector stays on the active colour.
      if (desired.stable) await client.apply(desired.stable, { fieldManager: MANAGERS.apply, force: true });
    },
    () =>
      `${deploymentName(model, tgt)} with ${model.digest}; ${previewServiceName(model)} → ${tgt}${
        desired.autoscalers.length
          ? `; ${desired.autoscalers
              .map((h) => `HorizontalPodAutoscaler/${h.metadata.name}`)
              .join(', ')} from ${replicasOf(desired.deployment)} replicas`
          : ''
      }`,
  );
  await rec.step(
    'wait for rollout',
    () => waitForRollout(client, ns, s.depName(tgt), s.wait()),
    (d) => rolloutState(d).message,
  );
  const replicas = replicasOf(desired.deployment);
  await rec.step(
    'wait for endpoints',
    () => waitForEndpoints(client, ns, previewServiceName(model), replicas, s.depName(tgt), s.wait()),
    (n) => `${previewServiceName(model)}: ${n} ready endpoints`,
  );
  if (s.options.smokeChecks.length) {
    const failed = await rec.step(
      'smoke checks',
      () => runChecks(s, 'smoke', previewServiceName(model), tgt),
      (f) => (f ? `${f.check} failed` : `${s.options.smokeChecks.length} passed`),
    );
    if (failed) {
      await rec.step(
        'scale down failed colour',
        () => s.scale(tgt, 0),
        () => `${s.depName(tgt)} → 0; ${active ?? 'nothing'} still serves`,
      );
      throw new DeployError(
        'SMOKE_FAILED',
        `Smoke check "${failed.check}" failed against ${previewServiceName(model)} (${tgt}) after ${failed.attempts} attempts: ${failed.detail}. Traffic stays on ${active ?? 'nothing (first deploy)'}`,
      );
    }
  } else rec.skip('smoke checks', `no ${s.options.inputNames.smokeChecks} configured`);
  const readyAt = Date.now();

  if (!s.options.autoPromote) {
    await rec.step(
      'await promotion',
      () => s.markPhase(tgt, 'pending-promotion'),
      () => `${s.depName(tgt)} ready; run ${s.options.inputNames.action}: promote to switch, or reject`,
    );
    return s.result('deploy', 'pending-promotion', {
      activeColor: active,
      imageDigest: model.digest,
      previousDigest: state.activeDigest,
    });
  }
  return switchAndFinish(s, tgt, state, model.digest, readyAt);
}

/**
 * The switch to a ready colour `to` and what follows it: live endpoints, the verify window (switching back on a
 * failure), then the old colour's scale-down and the state record. Shared by deploy and promote.
 */
export async function switchAndFinish(
  s: DeploySession,
  to: Color,
  state: LiveState,
  digest: string | undefined,
  readyAt: number,
): Promise<DeployResult> {
  const { client, rec, ns, model } = s;
  const from = state.active;
  const fromDigest = state.activeDigest;
  if (!state.stable) {
    // First deploy: the stable Service does not exist yet; creating it pointed at `to` is the switch.
    // Without manifests (a promote), it is derived from the live preview Service.
    const stable = model ? stableService(model, to, {}) : await stableFromPreview(s, to);
    await client.apply(stable, { fieldManager: MANAGERS.apply, force: true });
  }
  const record = s.stateRecord(to, digest, from, fromDigest, 'verifying');
  await rec.step(
    'switch',
    () => switchTo(s, to, from, state, record),
    (o) => `${o.join(', ')}: ${from ?? 'none'} → ${to}`,
  );
  const readyToSwitchMs = Date.now() - readyAt;
  const replicas = replicasOf(await client.get('apps/v1', 'Deployment', ns, s.depName(to)));
  await rec.step(
    'wait for live endpoints',
    () => waitForEndpoints(client, ns, s.serviceName, replicas, s.depName(to), s.wait()),
    (n) => `${s.serviceName}: ${n} ready endpoints, all ${to}`,
  );
  if (model)
    await client.apply(previewService(model, from ?? to), {
      fieldManager: MANAGERS.apply,
      force: true,
    });
  await s.markPhase(to, 'active');
  const revert = from ? s.stateRecord(from, fromDigest, to, digest, 'rolled-back') : {};
  const verdict = await verifyWindow(s, to, from, state, revert);
  if (verdict.failed) {
    throw Object.assign(
      new DeployError(
        'VERIFY_FAILED',
        `Verification probe "${verdict.failed.check}" failed after the switch to ${to}: ${verdict.failed.detail}. ${verdict.rolledBack ? `Switched back to ${from}` : 'No previous colour to switch back to'}`,
      ),
      { rolledBack: verdict.rolledBack, switched: true, readyToSwitchMs },
    );
  }
  const finalRecord = s.stateRecord(to, digest, from, fromDigest, 'complete');
  await scaleDownLater(s, from, finalRecord, to, state);
  return s.result('deploy', 'deployed', {
    activeColor: to,
    previousColor: from,
    switched: true,
    imageDigest: digest,
    previousDigest: fromDigest,
    readyToSwitchMs,
  });
}
