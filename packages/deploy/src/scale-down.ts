import { annotationsOf, replicasOf, type LiveState } from './live-state';
import { ANNOTATION, type Color, type Slot } from './model';
import { sleep, type DeploySession } from './session';
import { appSelector, writeStable } from './traffic';

/**
 * Work an earlier run left pending: a colour marked `scale-down-after`. Once due, it is scaled to zero; a mark
 * on the colour that serves now (a rollback made it active) or on one already at zero is dropped. A deploy
 * (`supersede`) also drops a mark not yet due, as it is about to replace that colour. With `wait`, a mark not yet
 * due is waited for. Returns the mark still pending, if any. The stable Service's record loses the mark with it.
 */
export async function finishPending(
  s: DeploySession,
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
      await s.rec.step(
        'clear pending scale-down',
        () => s.markScaleDown(color, undefined),
        () => `${s.depName(color)} ${color === state.active ? 'serves now' : 'is already at 0'}`,
      );
    } else if (dueIn <= 0 || how.wait) {
      if (dueIn > 0)
        await s.rec.step(
          'keep old colour warm',
          () => sleep(dueIn),
          () => `${color} kept until ${after}`,
        );
      await s.lock?.renew();
      await s.rec.step(
        'finish pending scale-down',
        async () => {
          await s.scale(color, 0);
          await s.markScaleDown(color, undefined);
          const d = state.deployments[color];
          if (d) (d.spec as { replicas?: number }).replicas = 0;
        },
        () => `${s.depName(color)} → 0 replicas (due since ${after})`,
      );
    } else if (how.supersede) {
      await s.rec.step(
        'clear pending scale-down',
        () => s.markScaleDown(color, undefined),
        () => `${s.depName(color)} was to stay warm until ${after}; this deploy replaces it`,
      );
    } else {
      pending = { color, after };
      s.rec.skip('pending scale-down', `${s.depName(color)} stays warm until ${after}`);
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
    await writeStable(s, state.active, kept, await appSelector(s, state));
  }
  return pending;
}

/**
 * After a switch: the old colour `slot` is marked for a later scale-down (default), or kept warm and scaled down in
 * this run (`waitForScaleDown`); then the state record is written. With `deferScaleDown` all of it waits for
 * `finalize`, which holds the lock until then.
 */
export async function scaleDownLater(
  s: DeploySession,
  slot: Slot | undefined,
  finalState: Record<string, string>,
  selectorSlot: Slot,
  state: LiveState,
): Promise<void> {
  const work = async () => {
    const delay = s.options.scaleDownDelayMs;
    if (slot && slot !== 'legacy' && delay > 0 && !s.options.waitForScaleDown) {
      // Not held here: the old colour is marked, and the next run (or action: finish) scales it down when due.
      const after = new Date(Date.now() + delay).toISOString();
      await s.rec.step(
        'schedule scale-down',
        () => s.markScaleDown(slot, after),
        () =>
          `${s.depName(slot)} stays warm until ${after}; the next run on ${s.ref.app}, or ${s.options.inputNames.action}: finish, scales it to 0`,
      );
      finalState = { ...finalState, [ANNOTATION.scaleDownAfter]: after };
      s.pendingScaleDown = { color: slot, after };
    } else if (slot) {
      if (delay > 0)
        await s.rec.step(
          'keep old colour warm',
          () => sleep(s.options.scaleDownDelayMs),
          () => `${slot} kept for ${Math.round(s.options.scaleDownDelayMs / 1000)}s`,
        );
      await s.lock?.renew();
      await s.rec.step(
        'scale down old colour',
        () => s.scale(slot, 0),
        () => `${s.depName(slot)} → 0 replicas`,
      );
    }
    const selector = await appSelector(s, state);
    await s.rec.step(
      'record state',
      () => writeStable(s, selectorSlot, finalState, selector),
      () => `phase=${finalState[ANNOTATION.phase]}`,
    );
  };
  if (s.options.deferScaleDown) {
    s.finalize = async () => {
      try {
        await work();
      } finally {
        await s.releaseLock();
      }
    };
    return;
  }
  await work();
}
