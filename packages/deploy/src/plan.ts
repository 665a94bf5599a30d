import { DeployError } from './errors';
import { configHash, desiredList, desiredObjects } from './desired';
import { diffObjects } from './diff';
import type { KObject } from './kube';
import { annotationsOf, replicasOf } from './live-state';
import { readLeaseHolder } from './lock';
import {
  ANNOTATION,
  COLOR_LABEL,
  deploymentName,
  otherColor,
  routeFor,
  type AppModel,
  type Color,
  type Slot,
} from './model';
import type { DeploySession } from './session';
import { MANAGERS, type DeployInputNames, type DeployResult, type PlannedChange } from './types';

/** `dry-run`: dryRun=All applies of every object, diffs against live state, and the switch plan. No mutating call. */
export async function planCluster(s: DeploySession): Promise<DeployResult> {
  const { client, rec, ns } = s;
  const names = s.options.inputNames;
  const model = s.model;
  if (!model) throw new DeployError('INVALID_CALL', 'BlueGreenDeployer.plan needs the app model (manifests)');
  if (!client.dryRun) throw new DeployError('INVALID_CALL', 'BlueGreenDeployer.plan needs a dry-run client');
  try {
    const state = await rec.step(
      'read active colour',
      () => s.readState(),
      (st) => `active: ${st.active ?? 'none'}`,
    );
    const holder = await readLeaseHolder(client, ns, s.lockName);
    const to = otherColor(state.active);
    const hash = configHash(model);
    const desired = desiredList(
      desiredObjects(model, to, {
        namespace: ns,
        serving: state.active ? replicasOf(state.deployments[state.active]) : undefined,
        stableSlot: state.stable && state.active ? state.active : to,
      }),
    );
    const changes: PlannedChange[] = [];
    await rec.step(
      'server-side dry run',
      async () => {
        for (const obj of desired) {
          const live = await client.get(obj.apiVersion, obj.kind, ns, obj.metadata.name);
          const next = await client.apply(obj, { fieldManager: MANAGERS.apply, force: true });
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
      const live = await client.get(route.apiVersion, route.kind, ns, route.metadata.name);
      const next = await client.apply(route, { fieldManager: MANAGERS.switch, force: true });
      changes.push({
        object: `${route.kind}/${route.metadata.name}`,
        change: !live ? 'create' : 'update',
        diff: diffObjects(live, next),
      });
      switchObjects.push(`${route.kind}/${route.metadata.name}`);
    }
    switchObjects.push(`Service/${s.serviceName}`);
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
      ...(s.options.autoPromote
        ? []
        : [
            `${names.autoPromote} is false: a deploy would stop before the switch, for ${names.action}: promote or reject.`,
          ]),
    ];
    return s.result('deploy', 'planned', {
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
    return s.failure('deploy', e, {});
  }
}

/** A plan without cluster access: the rendered objects against an empty cluster. */
export function planOffline(
  model: AppModel,
  options: {
    autoPromote?: boolean;
    /** The caller's names for its inputs, named by the plan's notes. */
    inputNames: Pick<DeployInputNames, 'autoPromote' | 'kubeconfig'>;
  },
): DeployResult {
  const names = options.inputNames;
  const to: Color = 'blue';
  const desired: KObject[] = [
    ...desiredList(desiredObjects(model, to, { namespace: model.namespace, stableSlot: to })),
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
        `No cluster access (no ${names.kubeconfig}): the manifests were rendered and validated locally, and the plan assumes an empty cluster. The API server did not validate them.`,
        ...(options.autoPromote === false
          ? [`${names.autoPromote} is false: a deploy would stop before the switch.`]
          : []),
      ],
    },
  };
}
