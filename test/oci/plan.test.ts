import { InputError } from '@deliverkit/action-kit';
import { describe, expect, it, test } from 'vitest';
import { describePlan, parseDestinations } from '@deliverkit/oci';
import { type DestinationState, planCopy } from '../../packages/oci/src/plan';

function dest(
  registry: string,
  repository: string,
  has: string[] = [],
  tags: [string, string | undefined][] = [],
): DestinationState {
  return { registry, repository, blobs: new Set(has), manifests: new Set(has), tags: new Map(tags) };
}

const blobs = [
  { digest: 'sha256:1', size: 10 },
  { digest: 'sha256:2', size: 20 },
];

describe('planCopy', () => {
  it('uploads once per registry and mounts for the other destinations of that registry', () => {
    const plan = planCopy({
      source: { registry: 'src.io', repository: 'app' },
      blobs,
      manifests: [],
      tags: [],
      destinations: [dest('a.io', 'x'), dest('b.io', 'y'), dest('a.io', 'z')],
    });
    expect(plan.blobs[0]).toEqual({
      digest: 'sha256:1',
      size: 10,
      skip: [],
      mountFromSource: [],
      upload: [0, 1],
      mountFromPeer: [{ destination: 2, from: 0 }],
    });
  });

  it('mounts from the source repository on the source registry', () => {
    const plan = planCopy({
      source: { registry: 'src.io', repository: 'app' },
      blobs,
      manifests: [],
      tags: [],
      destinations: [dest('src.io', 'copy'), dest('b.io', 'y')],
    });
    expect(plan.blobs[1]).toMatchObject({ mountFromSource: [0], upload: [1], mountFromPeer: [] });
  });

  it('skips what a destination has and mounts from a peer that has it', () => {
    const plan = planCopy({
      source: { registry: 'src.io', repository: 'app' },
      blobs,
      manifests: [{ digest: 'sha256:m', mediaType: 'application/vnd.oci.image.index.v1+json' }],
      tags: [
        { destination: 0, tag: 'v1', digest: 'sha256:m' },
        { destination: 1, tag: 'v1', digest: 'sha256:m' },
        { destination: 1, tag: 'old', digest: 'sha256:m' },
      ],
      destinations: [
        dest('a.io', 'x', ['sha256:1', 'sha256:m'], [['v1', 'sha256:m']]),
        dest('a.io', 'y', [], [['old', 'sha256:0']]),
      ],
    });
    expect(plan.blobs[0]).toMatchObject({
      skip: [0],
      upload: [],
      mountFromPeer: [{ destination: 1, from: 0 }],
    });
    expect(plan.blobs[1]).toMatchObject({
      skip: [],
      upload: [0],
      mountFromPeer: [{ destination: 1, from: 0 }],
    });
    expect(plan.manifests[0]).toMatchObject({ push: [1], skip: [0] });
    expect(plan.tags.map((t) => t.action)).toEqual(['unchanged', 'create', 'update']);
  });

  it('plans nothing to move on a re-run', () => {
    const plan = planCopy({
      source: { registry: 's', repository: 'a' },
      blobs,
      manifests: [],
      tags: [],
      destinations: [dest('a.io', 'x', ['sha256:1', 'sha256:2'])],
    });
    expect(plan.blobs.flatMap((b) => [...b.upload, ...b.mountFromSource, ...b.mountFromPeer])).toEqual([]);
  });

  it('describes the plan as dry-run steps', () => {
    const destinations = [dest('a.io', 'x'), dest('a.io', 'y')];
    const plan = planCopy({
      source: { registry: 's', repository: 'a' },
      blobs: blobs.slice(0, 1),
      manifests: [],
      tags: [{ destination: 0, tag: 't', digest: 'sha256:m' }],
      destinations,
    });
    expect(describePlan(plan, destinations).map((s) => `${s.action} ${s.target}`)).toEqual([
      'upload blob a.io/x',
      'mount blob a.io/y',
      'create tag a.io/x:t',
    ]);
  });
});

describe('parseDestinations', () => {
  it('reads one destination per line with comma-separated tags', () => {
    expect(parseDestinations('ghcr.io/o/app:v1,latest\n\n# comment\nnginx-copy\n127.0.0.1:5000/x:y')).toEqual(
      [
        { registry: 'ghcr.io', repository: 'o/app', tags: ['v1', 'latest'] },
        { registry: 'docker.io', repository: 'library/nginx-copy', tags: [] },
        { registry: '127.0.0.1:5000', repository: 'x', tags: ['y'] },
      ],
    );
  });

  test.each([
    ['', 'INPUT_REQUIRED'],
    ['  \n # only a comment', 'INPUT_REQUIRED'],
    ['ghcr.io/o/App:v1', 'INPUT_INVALID'],
    ['ghcr.io/o/app:v1,bad tag', 'INPUT_INVALID'],
    ['ghcr.io/o/app:v1,', 'INPUT_INVALID'],
    [`ghcr.io/o/app@sha256:${'a'.repeat(64)}`, 'INPUT_INVALID'],
    ['ghcr.io/o/app:a\nghcr.io/o/app:b', 'INPUT_INVALID'],
  ])('rejects %j', (text, code) => {
    let error: unknown;
    try {
      parseDestinations(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe(code);
    expect((error as InputError).input).toBe('destinations');
  });
});
