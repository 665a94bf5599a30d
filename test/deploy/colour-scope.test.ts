/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on deep manifest shapes */
import { describe, expect, it } from 'vitest';
import {
  COLOR_LABEL,
  autoscaledReplicas,
  colorAutoscalers,
  colorDeployment,
} from '../../packages/deploy/src/model';
import { stringify } from 'yaml';
import { IMAGE, digest, model } from './fixtures';

const manifests = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'web', image: `${IMAGE}:1` }],
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
                { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
              ],
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchLabels: { app: 'web' } },
                    topologyKey: 'topology.kubernetes.io/zone',
                  },
                },
              ],
            },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { app: 'web' } },
            },
          ],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  },
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web' },
    spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'db' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' }, maxReplicas: 3 },
  },
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'db' },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } },
  },
]
  .map((d) => stringify(d))
  .join('---\n');

describe('scheduling and disruption objects that select the app', () => {
  const m = model(manifests, digest('a'));

  it.each(['blue', 'green'] as const)(
    'are narrowed to the %s colour; terms for other apps are left alone',
    (color) => {
      const spec = (colorDeployment(m, color).spec as { template: { spec: Record<string, any> } }).template
        .spec;
      const anti = spec.affinity.podAntiAffinity;
      expect(anti.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toEqual({
        app: 'web',
        [COLOR_LABEL]: color,
      });
      expect(anti.requiredDuringSchedulingIgnoredDuringExecution[1].labelSelector.matchLabels).toEqual({
        app: 'db',
      });
      expect(
        anti.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels,
      ).toEqual({
        app: 'web',
        [COLOR_LABEL]: color,
      });
      expect(spec.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({
        app: 'web',
        [COLOR_LABEL]: color,
      });
    },
  );

  it('does not leak one colour into the other (the model is shared)', () => {
    colorDeployment(m, 'blue');
    const green = colorDeployment(m, 'green').spec as { template: { spec: Record<string, any> } };
    expect(green.template.spec.topologySpreadConstraints[0].labelSelector.matchLabels[COLOR_LABEL]).toBe(
      'green',
    );
  });

  it('makes a PodDisruptionBudget over the app one per colour', () => {
    const pdbs = m.others.filter((o) => o.kind === 'PodDisruptionBudget');
    expect(pdbs.map((p) => [p.metadata.name, (p.spec as { selector: unknown }).selector])).toEqual([
      ['web-blue', { matchLabels: { app: 'web', [COLOR_LABEL]: 'blue' } }],
      ['web-green', { matchLabels: { app: 'web', [COLOR_LABEL]: 'green' } }],
      ['db', { matchLabels: { app: 'db' } }],
    ]);
  });
});

describe('a HorizontalPodAutoscaler of the app', () => {
  const m = model(manifests, digest('a'));

  it.each(['blue', 'green'] as const)('becomes one per colour, scaling the %s Deployment', (color) => {
    const [hpa, ...more] = colorAutoscalers(m, color);
    expect(more).toEqual([]);
    expect(hpa!.metadata).toMatchObject({ name: `web-${color}`, labels: { [COLOR_LABEL]: color } });
    expect((hpa!.spec as any).scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: `web-${color}`,
    });
    expect((hpa!.spec as any).metrics[0].resource.name).toBe('cpu');
  });

  it('is not applied under its own name; an HPA of another workload passes through unchanged', () => {
    const hpas = m.others.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.metadata.name)).toEqual(['db']);
    expect(m.autoscalers.map((h) => h.metadata.name)).toEqual(['web']);
  });

  it.each([
    ['no colour serves yet: the manifests’ count', undefined, 3],
    ['the serving colour was scaled up by its HPA', 5, 5],
    ['the serving colour runs more than the HPA’s max', 9, 6],
    ['the serving colour runs fewer than the HPA’s min', 1, 2],
  ])('starts the new colour at the serving colour’s size within the HPA bounds: %s', (_, serving, want) => {
    expect(autoscaledReplicas(m, serving)).toBe(want);
    const d = colorDeployment(m, 'green', {}, autoscaledReplicas(m, serving));
    expect((d.spec as any).replicas).toBe(want);
    // A rollback scales the colour back up to that size.
    expect(d.metadata.annotations?.['deliverkit.dev/replicas']).toBe(String(want));
  });

  it('leaves the replicas to the manifests when no HPA scales the app', () => {
    const plain = model(
      manifests
        .split('---\n')
        .filter((d) => !d.includes('HorizontalPodAutoscaler'))
        .join('---\n'),
      digest('a'),
    );
    expect(autoscaledReplicas(plain, 5)).toBeUndefined();
    expect((colorDeployment(plain, 'blue').spec as any).replicas).toBe(3);
  });
});
