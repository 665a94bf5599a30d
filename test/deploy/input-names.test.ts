// The deploy package names the caller's inputs in its timeline, plan notes and errors (DeployInputNames), never
// blue-green-deploy's own: another caller's names come back, and the action's give the text it always had.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployInputNames, DeployResult } from '@deliverkit/deploy';
import { BlueGreenDeployer } from '../../packages/deploy/src/deployer';
import { KubeClient } from '../../packages/deploy/src/kube';
import { planOffline } from '../../packages/deploy/src/plan';
import { startK8sEmulator, type K8sEmulator } from '@deliverkit/testing-k8s-emulator';
import { getTestbedCa } from '@deliverkit/testing-testbed';
import { INPUT_NAMES, appManifests, client, deploy, digest, model, options } from './fixtures';

const NAMES: DeployInputNames = {
  ...INPUT_NAMES,
  action: 'op',
  autoPromote: 'promote-automatically',
  smokeChecks: 'checks',
  verifyWindow: 'watch-window',
  kubeconfig: 'cluster-config',
};
const detail = (r: DeployResult, step: string) => r.timeline.find((t) => t.step === step)?.detail;

let emu: K8sEmulator;
beforeAll(async () => {
  emu = await startK8sEmulator({ tls: await getTestbedCa() });
});
afterAll(() => emu.stop());

describe('the caller’s input names', () => {
  it('name the skipped checks, the promotion step, the scheduled scale-down and NOTHING_PENDING', async () => {
    const quiet = { inputNames: NAMES, smokeChecks: [], verifyWindowMs: 0 };
    const first = await deploy(emu, digest('a'), { options: quiet });
    expect(first.error).toBeUndefined();
    expect(detail(first, 'smoke checks')).toBe('no checks configured');
    expect(detail(first, 'verify window')).toBe('no checks configured');

    const second = await deploy(emu, digest('b'), {
      options: { ...quiet, scaleDownDelayMs: 60_000, waitForScaleDown: false },
    });
    expect(detail(second, 'schedule scale-down')).toMatch(/, or op: finish, scales it to 0$/);

    const pending = await deploy(emu, digest('c'), { options: { ...quiet, autoPromote: false } });
    expect(pending.outcome).toBe('pending-promotion');
    expect(detail(pending, 'await promotion')).toMatch(/ ready; run op: promote to switch, or reject$/);

    const ref = { app: 'web', namespace: 'default' };
    await new BlueGreenDeployer(client(emu), ref, options(quiet)).reject();
    const none = await new BlueGreenDeployer(client(emu), ref, options(quiet)).promote();
    expect(none.error).toEqual({
      code: 'NOTHING_PENDING',
      message: 'No colour of web is waiting for promotion (deploy with promote-automatically: false first)',
    });
  });

  it('name the verify window when only it is 0, and auto-promote in a cluster plan', async () => {
    const r = await deploy(emu, digest('d'), { options: { inputNames: NAMES, verifyWindowMs: 0 } });
    expect(detail(r, 'verify window')).toBe('watch-window is 0');
    const m = model(appManifests(), digest('e'));
    const plan = await new BlueGreenDeployer(
      client(emu, true),
      { app: m.app, namespace: 'default' },
      options({ inputNames: NAMES, autoPromote: false }),
      m,
    ).plan();
    expect(plan.plan?.notes).toContain(
      'promote-automatically is false: a deploy would stop before the switch, for op: promote or reject.',
    );
  });

  it('name the kubeconfig and auto-promote in an offline plan; blue-green-deploy’s give the text it always had', () => {
    const m = model(appManifests(), digest('a'));
    const ours = planOffline(m, { autoPromote: false, inputNames: NAMES }).plan?.notes;
    expect(ours?.[0]).toMatch(/^No cluster access \(no cluster-config\): /);
    expect(ours?.[1]).toBe('promote-automatically is false: a deploy would stop before the switch.');
    const action = planOffline(m, { autoPromote: false, inputNames: INPUT_NAMES }).plan?.notes;
    expect(action).toEqual([
      'No cluster access (no kubeconfig): the manifests were rendered and validated locally, and the plan assumes an empty cluster. The API server did not validate them.',
      'auto-promote is false: a deploy would stop before the switch.',
    ]);
  });

  it('name the kubeconfig input when a kubeconfig names no cluster, and only when given', () => {
    const empty = JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [], users: [] });
    expect(() => KubeClient.create({ kubeconfig: empty, kubeconfigInput: 'kubeconfig' })).toThrow(
      /^The kubeconfig names no cluster: set the kubeconfig input or a kube context$/,
    );
    expect(() => KubeClient.create({ kubeconfig: empty })).toThrow(/^The kubeconfig names no cluster$/);
  });
});
