// The example overlays deploy what the workflows build: `kubectl kustomize` (the tool belt's kubectl, whose
// built-in Kustomize the action uses) renders every overlay; each names the image the starters build
// (ghcr.io/<repository> for acme/hello) and puts everything in the namespace the starters deploy to.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests, renderKustomize } from '../../packages/deploy/src/manifests';
import { repoRoot, toolPath } from '@deliverkit/testing-testbed';

const overlays = path.join(repoRoot, 'examples/hello/deploy/overlays');
const starter = (name: string) => readFileSync(path.join(repoRoot, 'workflows', name), 'utf8');

/** What a starter deploys with a kustomize-dir: that overlay, into that namespace. */
function starterTargets(): { file: string; overlay: string; namespace: string }[] {
  const out: { file: string; overlay: string; namespace: string }[] = [];
  for (const file of ['ci-cd.yml', 'release.yml']) {
    const text = starter(file);
    for (const m of text.matchAll(/kustomize-dir: deploy\/overlays\/([\w-]+)[\s\S]*?namespace: ([\w-]+)/g))
      out.push({ file, overlay: m[1]!, namespace: m[2]! });
  }
  return out;
}

describe('example overlays', () => {
  for (const overlay of readdirSync(overlays)) {
    it(`${overlay}: kubectl kustomize renders the image the workflows build, in hello-${overlay}`, async () => {
      const text = await renderKustomize(path.join(overlays, overlay), {
        kubectl: toolPath('kubectl'),
        input: 'kustomize-dir',
      });
      const objects = parseManifests(text, 'manifests');
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'hello');
      expect(deployment, 'a Deployment named hello').toBeDefined();
      const containers = (
        deployment as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }
      ).spec.template.spec.containers;
      for (const c of containers) expect(c.image).toMatch(/^ghcr\.io\/acme\/hello([:@]|$)/);
      for (const o of objects) {
        if (o.kind === 'Namespace') expect(o.metadata.name).toBe(`hello-${overlay}`);
        else expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(`hello-${overlay}`);
      }
    });
  }

  it('the starters deploy each overlay into the namespace it renders', () => {
    const targets = starterTargets();
    expect(targets.map((t) => t.overlay).sort()).toEqual(['production', 'staging']);
    for (const t of targets) expect(t.namespace, `${t.file}: ${t.overlay}`).toBe(`hello-${t.overlay}`);
    // ci-cd builds ghcr.io/${{ github.repository }}: acme/hello's image is the one the overlays name.
    expect(starter('ci-cd.yml')).toContain('image: ghcr.io/${{ github.repository }}');
  });
});
