import { runChecks } from './checks';
import { switchAndFinish } from './deploy-operation';
import { DeployError } from './errors';
import { annotationsOf, digestOf, replicasOf } from './live-state';
import { ANNOTATION, type Color } from './model';
import { waitForEndpoints, waitForRollout } from './rollout';
import { finishPending, scaleDownLater } from './scale-down';
import type { DeploySession } from './session';
import { switchTo } from './traffic';
import type { DeployResult } from './types';

/** `action: promote`: switch to the colour a deploy with auto-promote false left ready. */
export function promoteApp(s: DeploySession): Promise<DeployResult> {
  return s.withLock(
    'promote',
    (st) => `active: ${st.active ?? 'none'}, pending: ${st.pending ?? 'none'}`,
    async (state) => {
      const pending = state.pending;
      if (!pending)
        throw new DeployError(
          'NOTHING_PENDING',
          `No colour of ${s.ref.app} is waiting for promotion (deploy with ${s.options.inputNames.autoPromote}: false first)`,
        );
      await finishPending(s, state, { supersede: true });
      await s.rec.step(
        'check pending colour',
        () => waitForRollout(s.client, s.ns, s.depName(pending), s.wait()),
        () => `${s.depName(pending)} ready`,
      );
      if (s.options.smokeChecks.length) {
        const failed = await s.rec.step(
          'smoke checks',
          () => runChecks(s, 'smoke', `${s.serviceName}-preview`, pending),
          (f) => (f ? `${f.check} failed` : 'passed'),
        );
        if (failed)
          throw new DeployError(
            'SMOKE_FAILED',
            `Smoke check "${failed.check}" failed against the pending colour ${pending}: ${failed.detail}`,
          );
      }
      const r = await switchAndFinish(s, pending, state, digestOf(state.deployments[pending]), Date.now());
      return { ...r, action: 'promote', outcome: 'promoted' };
    },
  );
}

/** `action: reject`: discard the pending colour (scaled to zero); traffic never moved. */
export function rejectApp(s: DeploySession): Promise<DeployResult> {
  return s.withLock(
    'reject',
    (st) => `active: ${st.active ?? 'none'}, pending: ${st.pending ?? 'none'}`,
    async (state) => {
      const pending = state.pending;
      if (!pending)
        throw new DeployError('NOTHING_PENDING', `No colour of ${s.ref.app} is waiting for promotion`);
      await s.rec.step(
        'discard pending colour',
        async () => {
          await s.markPhase(pending, 'rejected');
          await s.scale(pending, 0);
        },
        () => `${s.depName(pending)} → 0 replicas`,
      );
      return s.result('reject', 'rejected', {
        activeColor: state.active,
        imageDigest: state.activeDigest,
      });
    },
    { alwaysRelease: true },
  );
}

/** `action: rollback`: switch back to the previous colour (scaled up first if it was already scaled down). */
export function rollbackApp(s: DeploySession): Promise<DeployResult> {
  return s.withLock(
    'rollback',
    (st) => `active: ${st.active ?? 'none'}, previous: ${st.previous ?? 'none'}`,
    async (state) => {
      const { active, previous } = state;
      // The colour kept warm is what a rollback returns to: its scale-down mark goes, due or not.
      if (
        previous &&
        previous !== 'legacy' &&
        annotationsOf(state.deployments[previous])[ANNOTATION.scaleDownAfter]
      )
        await s.rec.step(
          'clear pending scale-down',
          () => s.markScaleDown(previous, undefined),
          () => `${s.depName(previous)} serves again`,
        );
      if (!active || !previous || !state.deployments[previous]) {
        throw new DeployError(
          'NOTHING_TO_ROLL_BACK',
          `${s.ref.app} has no previous colour to roll back to (active: ${active ?? 'none'})`,
        );
      }
      const prevDep = state.deployments[previous];
      if (replicasOf(prevDep) === 0) {
        const want =
          Number(annotationsOf(prevDep)[ANNOTATION.replicas] ?? replicasOf(state.deployments[active]) ?? 1) ||
          1;
        await s.rec.step(
          'scale previous colour up',
          async () => {
            await s.scale(previous, want);
            await waitForRollout(s.client, s.ns, s.depName(previous), s.wait());
          },
          () => `${s.depName(previous)} was scaled down: → ${want} replicas`,
        );
      } else {
        await s.rec.step(
          'check previous colour',
          () => waitForRollout(s.client, s.ns, s.depName(previous), s.wait()),
          () => `${s.depName(previous)} warm`,
        );
      }
      const prevDigest = digestOf(prevDep) ?? state.previousDigest;
      const record = s.stateRecord(previous, prevDigest, active, state.activeDigest, 'rolled-back');
      await s.rec.step(
        'switch',
        () => switchTo(s, previous, active, state, record),
        (o) => `${o.join(', ')}: ${active} → ${previous}`,
      );
      const replicas = replicasOf(await s.client.get('apps/v1', 'Deployment', s.ns, s.depName(previous)));
      await s.rec.step(
        'wait for live endpoints',
        () => waitForEndpoints(s.client, s.ns, s.serviceName, replicas, s.depName(previous), s.wait()),
        (n) => `${n} ready endpoints, all ${previous}`,
      );
      await scaleDownLater(s, active, record, previous, state);
      return s.result('rollback', 'rolled-back', {
        activeColor: previous,
        previousColor: active,
        switched: true,
        rolledBack: true,
        imageDigest: prevDigest,
        previousDigest: state.activeDigest,
      });
    },
  );
}

/**
 * `action: finish`: the work an earlier run left pending, i.e. the old colour's scale-down once its
 * `scale-down-after` time has passed (with `waitForScaleDown`, waited for). With smoke checks, the serving colour
 * is probed once more before its fallback goes; a failure switches back to the warm colour (`VERIFY_FAILED`,
 * rolled back). Nothing due: nothing changes, and the result says what stays pending until when.
 */
export function finishApp(s: DeploySession): Promise<DeployResult> {
  return s.withLock(
    'finish',
    (st) => `active: ${st.active ?? 'none'}, previous: ${st.previous ?? 'none'}`,
    async (state) => {
      const active = state.active;
      // Before the fallback goes: the serving colour passes the smoke checks once more, or traffic goes back to
      // the colour still warm (a verify window that holds no runner between the deploy and the scale-down).
      const warm = (['blue', 'green'] as Color[]).find((c) => {
        const after = annotationsOf(state.deployments[c])[ANNOTATION.scaleDownAfter];
        return (
          c !== active &&
          after &&
          replicasOf(state.deployments[c]) > 0 &&
          (s.options.waitForScaleDown || !(Date.parse(after) > Date.now()))
        );
      });
      if (warm && active && active !== 'legacy' && s.options.smokeChecks.length) {
        const failed = await s.rec.step(
          'verify before scale-down',
          () => runChecks(s, 'verify', s.serviceName, active),
          (f) =>
            f
              ? `${f.check} failed: ${f.detail}`
              : `${s.options.smokeChecks.length} passed against ${s.serviceName} (${active})`,
        );
        if (failed) {
          await s.releaseLock();
          const back = await rollbackApp(s);
          return {
            ...back,
            action: 'finish',
            outcome: 'failed',
            error: back.error ?? {
              code: 'VERIFY_FAILED',
              message: `Verification probe "${failed.check}" failed against ${active} before ${s.depName(warm)} was scaled down: ${failed.detail}. Switched back to ${warm}`,
            },
          };
        }
      }
      const before = s.rec.timeline.length;
      s.pendingScaleDown = await finishPending(s, state, { wait: s.options.waitForScaleDown });
      const did = s.rec.timeline.slice(before).some((t) => t.status === 'ok');
      if (!did && !s.pendingScaleDown) s.rec.skip('finish', 'nothing pending');
      return s.result('finish', did ? 'finished' : 'unchanged', {
        activeColor: state.active,
        previousColor: state.previous,
        imageDigest: state.activeDigest,
        previousDigest: state.previousDigest,
      });
    },
    { alwaysRelease: true },
  );
}
