import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InputError } from '@deliverkit/action-kit';
import { parseImageOverrides } from '@deliverkit/deploy';
import {
  loadManifests,
  parseManifests,
  stripTagAndDigest,
  substituteImages,
} from '../../packages/deploy/src/manifests';
import {
  COLOR_LABEL,
  buildModel,
  colorDeployment,
  previewService,
  routeFor,
  stableService,
} from '../../packages/deploy/src/model';
import { HTTP_ROUTE, IMAGE, INGRESS, appManifests, digest } from './fixtures';

const A = digest('a');

describe('parseImageOverrides', () => {
  it.each([
    [`${IMAGE}@${A}`, { name: IMAGE, digest: A }],
    [`${IMAGE}:1.2@${A}`, { name: IMAGE, digest: A }],
    [`localhost:5000/app@${A}`, { name: 'localhost:5000/app', digest: A }],
    [
      `app=registry.example/mirror/app@${A}`,
      { name: 'app', newName: 'registry.example/mirror/app', digest: A },
    ],
  ])('reads %s', (line, expected) => {
    expect(parseImageOverrides([line], 'images')).toEqual([expected]);
  });

  it.each([[`${IMAGE}:1.2`], [`${IMAGE}@sha256:abc`], ['']])('rejects %j (not by digest)', (line) => {
    const err = (() => {
      try {
        parseImageOverrides([line], 'images');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).input).toBe('images');
  });

  it.each([
    ['ghcr.io/o/app:1.2', 'ghcr.io/o/app'],
    ['localhost:5000/app', 'localhost:5000/app'],
    ['localhost:5000/app:v1@sha256:x', 'localhost:5000/app'],
    ['nginx', 'nginx'],
  ])('stripTagAndDigest(%s) = %s', (ref, name) => expect(stripTagAndDigest(ref)).toBe(name));
});

describe('substituteImages (Kustomize images semantics)', () => {
  it('sets name@digest on matching containers and init containers only, without touching the input', () => {
    const objects = parseManifests(
      `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers: [{name: migrate, image: "${IMAGE}:1.0"}]
      containers: [{name: web, image: "${IMAGE}:1.0"}, {name: proxy, image: "envoyproxy/envoy:v1.30"}]
`,
      'manifests',
    );
    const out = substituteImages(objects, parseImageOverrides([`${IMAGE}@${A}`], 'images'), 'images');
    const spec = (
      out[0]!.spec as {
        template: { spec: { initContainers: { image: string }[]; containers: { image: string }[] } };
      }
    ).template.spec;
    expect(spec.initContainers[0]!.image).toBe(`${IMAGE}@${A}`);
    expect(spec.containers.map((c) => c.image)).toEqual([`${IMAGE}@${A}`, 'envoyproxy/envoy:v1.30']);
    expect(JSON.stringify(objects)).toContain(`${IMAGE}:1.0`);
  });

  it('rejects an image that is not in the manifests, listing the ones that are', () => {
    expect(() =>
      substituteImages(
        parseManifests(appManifests(), 'manifests'),
        parseImageOverrides([`ghcr.io/other/app@${A}`], 'images'),
        'images',
      ),
    ).toThrowError(
      /"ghcr.io\/other\/app" is not used by any container in the manifests \(images there: registry.example\/shop\/web\)/,
    );
  });
});

describe('bad manifests', () => {
  const build = (text: string, app?: string) =>
    buildModel(
      substituteImages(
        parseManifests(text, 'manifests'),
        parseImageOverrides([`${IMAGE}@${A}`], 'images'),
        'images',
      ),
      {
        app,
        namespace: 'default',
        routeMethod: 'service',
        input: 'manifests',
        inputNames: { app: 'app', images: 'images', routeMethod: 'route-method' },
      },
    );
  const inputOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as InputError).input;
    }
    throw new Error('no error');
  };

  it('rejects invalid YAML', () => {
    expect(inputOf(() => parseManifests('kind: [unclosed', 'manifests'))).toBe('manifests');
  });

  it('rejects a document that is not a Kubernetes object', () => {
    expect(inputOf(() => parseManifests('just: data\n', 'manifests'))).toBe('manifests');
  });

  it('rejects manifests without a Deployment', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n';
    expect(
      inputOf(() =>
        buildModel(parseManifests(cm, 'manifests'), {
          namespace: 'default',
          routeMethod: 'service',
          input: 'manifests',
          inputNames: { app: 'app', images: 'images', routeMethod: 'route-method' },
        }),
      ),
    ).toBe('manifests');
  });

  it('asks for app when there are two Deployments, and takes the one it names', () => {
    const two = `${appManifests()}---\n${appManifests()
      .split('---')[0]!
      .replace(/name: web$/m, 'name: worker')
      .replace(/app: web/g, 'app: worker')}`;
    expect(inputOf(() => build(two))).toBe('app');
    expect(build(two, 'web').app).toBe('web');
    expect(inputOf(() => build(two, 'nope'))).toBe('app');
  });

  it('rejects a Service selecting nothing', () => {
    const stray =
      'apiVersion: v1\nkind: Service\nmetadata: {name: stray}\nspec: {selector: {app: gone}, ports: [{port: 80}]}\n';
    expect(() => build(`${appManifests()}---\n${stray}`)).toThrowError(
      /Service stray selects \{"app":"gone"\}, which matches the pods of no Deployment/,
    );
  });

  it('needs an HTTPRoute for gateway-api', () => {
    const objects = substituteImages(
      parseManifests(appManifests(), 'manifests'),
      parseImageOverrides([`${IMAGE}@${A}`], 'images'),
      'images',
    );
    expect(() =>
      buildModel(objects, {
        namespace: 'default',
        routeMethod: 'gateway-api',
        input: 'manifests',
        inputNames: { app: 'app', images: 'images', routeMethod: 'route-method' },
      }),
    ).toThrowError(ConfigurationError);
  });
});

describe('the blue/green model', () => {
  const m = (extra = '', routeMethod: 'service' | 'gateway-api' | 'ingress' = 'service') =>
    buildModel(
      substituteImages(
        parseManifests(appManifests() + extra, 'manifests'),
        parseImageOverrides([`${IMAGE}@${A}`], 'images'),
        'images',
      ),
      {
        namespace: 'prod',
        routeMethod,
        input: 'manifests',
        inputNames: { app: 'app', images: 'images', routeMethod: 'route-method' },
      },
    );

  it('adds the colour label to the selector and pod template of <app>-<colour>', () => {
    const d = colorDeployment(m(), 'green');
    expect(d.metadata).toMatchObject({
      name: 'web-green',
      namespace: 'prod',
      labels: { app: 'web', [COLOR_LABEL]: 'green' },
    });
    const spec = d.spec as {
      selector: unknown;
      replicas: number;
      template: { metadata: { labels: unknown } };
    };
    expect(spec.selector).toEqual({ matchLabels: { app: 'web', [COLOR_LABEL]: 'green' } });
    expect(spec.template.metadata.labels).toEqual({ app: 'web', [COLOR_LABEL]: 'green' });
    expect(spec.replicas).toBe(2);
  });

  it('derives the stable and preview Services', () => {
    const model = m();
    expect((stableService(model, 'blue', {}).spec as { selector: unknown }).selector).toEqual({
      app: 'web',
      [COLOR_LABEL]: 'blue',
    });
    const preview = previewService(model, 'green');
    expect(preview.metadata.name).toBe('web-preview');
    expect((preview.spec as { selector: unknown }).selector).toEqual({ app: 'web', [COLOR_LABEL]: 'green' });
  });

  it('weights HTTPRoute backends 100/0 and adds the preview header rule', () => {
    const route = routeFor(m(`---\n${HTTP_ROUTE}`, 'gateway-api'), 'green', 'blue')!;
    expect((route.spec as { rules: unknown }).rules).toEqual([
      {
        matches: [
          {
            path: { type: 'PathPrefix', value: '/' },
            headers: [{ type: 'Exact', name: 'X-Deliverkit-Preview', value: 'true' }],
          },
        ],
        backendRefs: [{ name: 'web-blue', port: 80, weight: 1 }],
      },
      {
        backendRefs: [
          { name: 'web-blue', port: 80, weight: 0 },
          { name: 'web-green', port: 80, weight: 100 },
        ],
      },
    ]);
  });

  it('swaps Ingress backends to the active colour Service', () => {
    const route = routeFor(m(`---\n${INGRESS}`, 'ingress'), 'blue', 'green')!;
    expect(JSON.stringify(route.spec)).toContain('"service":{"name":"web-blue","port":{"number":80}}');
  });
});

describe('loadManifests', () => {
  it('renders a Kustomize overlay with kubectl into a temp dir and leaves the overlay unchanged', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kustomize-'));
    await mkdir(path.join(dir, 'base'));
    await mkdir(path.join(dir, 'overlays', 'staging'), { recursive: true });
    await writeFile(path.join(dir, 'base', 'app.yaml'), appManifests());
    await writeFile(path.join(dir, 'base', 'kustomization.yaml'), 'resources:\n- app.yaml\n');
    const overlay = `# staging overlay
resources:
- ../../base
namePrefix: ""
commonLabels:
  env: staging
images:
- name: ${IMAGE}
  newTag: "1.1"
`;
    await writeFile(path.join(dir, 'overlays', 'staging', 'kustomization.yaml'), overlay);
    const rendered = await loadManifests({
      kustomizeDir: path.join(dir, 'overlays', 'staging'),
      images: parseImageOverrides([`${IMAGE}@${A}`], 'images'),
      inputNames: { manifests: 'manifests', kustomizeDir: 'kustomize-dir', images: 'images' },
    });
    expect(await readFile(path.join(dir, 'overlays', 'staging', 'kustomization.yaml'), 'utf8')).toBe(overlay);
    expect(rendered.file.startsWith(os.tmpdir())).toBe(true);
    const text = await readFile(rendered.file, 'utf8');
    expect(text).toContain(`image: ${IMAGE}@${A}`);
    expect(text).toContain('env: staging');
    expect(rendered.objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
  });

  it('reads directories recursively in name order', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'manifests-'));
    await mkdir(path.join(dir, 'z'));
    await writeFile(path.join(dir, 'b.yaml'), appManifests());
    await writeFile(
      path.join(dir, 'z', 'a.yml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n',
    );
    await writeFile(path.join(dir, 'notes.txt'), 'not a manifest');
    const rendered = await loadManifests({
      manifests: [dir],
      images: parseImageOverrides([`${IMAGE}@${A}`], 'images'),
      inputNames: { manifests: 'manifests', kustomizeDir: 'kustomize-dir', images: 'images' },
    });
    expect(rendered.objects.map((o) => o.metadata.name)).toEqual(['web', 'web', 'web-config', 'extra']);
  });
});

describe('parseManifests on hostile nesting', () => {
  it('refuses manifests nested past the limit before the YAML parser sees them, naming the input', () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    expect(() => parseManifests(deep, 'kustomize-dir')).toThrow(/Input "kustomize-dir".*deeper than 1024/);
  });
  it('still reads an ordinary deeply indented Deployment', () => {
    let nested = 'x: 1';
    for (let i = 0; i < 30; i++) nested = `l${i}:\n${nested.replace(/^/gm, '  ')}`;
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  annotations: {}\ndata:\n${nested.replace(/^/gm, '  ')}\n`;
    expect(parseManifests(text, 'manifests')).toHaveLength(1);
  });
});
