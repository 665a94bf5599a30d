import { getErrorMessage } from '@deliverkit/action-kit';
import type { BlueGreenDeployer } from './deployer';
import type { DeployResult } from './types';

export interface ClusterTarget {
  name: string;
  deployer: BlueGreenDeployer;
}

export interface MultiClusterResult {
  ok: boolean;
  results: (DeployResult & {
    cluster: string;
    compensated?: 'rolled-back' | 'rollback-failed' | 'not-needed';
  })[];
  /** Markdown-ready rows: cluster, outcome, active colour, detail. */
  table: string[][];
}

/**
 * Deploys cluster by cluster, in order. Old colours stay warm until every cluster has passed (the
 * deployers run with deferScaleDown). When cluster N fails, clusters 1..N-1 that switched are switched
 * back (their previous colour is still warm), and the run fails with a table of what happened where.
 * A cluster whose operation throws (it cannot be reached, say) has failed too, when there is more than one:
 * `thrown` turns the error into its failed result. A single cluster's error is thrown as it is.
 */
export async function deployToClusters(
  targets: ClusterTarget[],
  run: (d: BlueGreenDeployer) => Promise<DeployResult>,
  rollbackDeployer: (name: string) => BlueGreenDeployer,
  thrown: (error: unknown) => DeployResult,
): Promise<MultiClusterResult> {
  const results: MultiClusterResult['results'] = [];
  let failedAt = -1;
  for (const [i, t] of targets.entries()) {
    let r: DeployResult;
    try {
      r = await run(t.deployer);
    } catch (error) {
      if (targets.length === 1) throw error;
      r = thrown(error);
    }
    results.push({ ...r, cluster: t.name });
    if (r.outcome === 'failed') {
      failedAt = i;
      await t.deployer.close();
      break;
    }
  }
  if (failedAt >= 0) {
    for (let i = failedAt - 1; i >= 0; i--) {
      const done = results[i]!;
      await targets[i]!.deployer.close();
      if (!done.switched) {
        done.compensated = 'not-needed';
        continue;
      }
      try {
        const rb = await rollbackDeployer(done.cluster).rollback();
        done.compensated = rb.outcome === 'rolled-back' ? 'rolled-back' : 'rollback-failed';
        done.timeline.push(...rb.timeline.map((s) => ({ ...s, step: `rollback: ${s.step}` })));
        if (rb.outcome === 'rolled-back') {
          done.rolledBack = true;
          done.activeColor = rb.activeColor;
        }
      } catch (e) {
        done.compensated = 'rollback-failed';
        done.error = { code: 'ROLLBACK_FAILED', message: getErrorMessage(e) };
      }
    }
  } else {
    for (const t of targets) await t.deployer.finalize?.();
  }
  const table = targets.map((t, i) => {
    const r = results[i];
    if (!r) return [t.name, 'not started', '', `skipped after the failure in ${targets[failedAt]?.name}`];
    const outcome =
      r.compensated === 'rolled-back'
        ? 'rolled back'
        : r.compensated === 'rollback-failed'
          ? 'ROLLBACK FAILED'
          : r.outcome;
    return [
      t.name,
      outcome,
      r.activeColor ?? '',
      r.error?.message ?? (r.switched ? `switched to ${r.activeColor}` : ''),
    ];
  });
  return { ok: failedAt < 0, results, table };
}
