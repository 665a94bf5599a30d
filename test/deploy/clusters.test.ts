import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { parseClusters } from '@deliverkit/deploy';

describe('parseClusters', () => {
  const masked: string[] = [];
  const parse = (value: unknown, input?: string) =>
    parseClusters(value, { onSecret: (s) => masked.push(s), input: input ?? 'clusters' });

  it('takes context names and mappings, masking each kubeconfig as it is read', () => {
    masked.length = 0;
    expect(
      parse([
        'staging-eu',
        { name: 'us', context: 'prod-us', kubeconfig: 'apiVersion: v1\n' },
        { context: 'ap' },
      ]),
    ).toEqual([
      { name: 'staging-eu', context: 'staging-eu' },
      { name: 'us', context: 'prod-us', kubeconfig: 'apiVersion: v1\n' },
      { name: 'ap', context: 'ap', kubeconfig: undefined },
    ]);
    expect(masked).toEqual(['apiVersion: v1\n']);
    expect(parse(undefined)).toEqual([]);
  });

  it.each([
    ['not a list', { a: 1 }, /Input "clusters" must be a YAML list/],
    ['an item that is neither', [3], /item 1 must be a context name or a mapping/],
    ['an unknown key', [{ name: 'a', server: 'x' }], /item 1 has unknown key "server"/],
    [
      'a kubeconfig that is not text',
      [{ kubeconfig: { clusters: [] } }],
      /item 1: kubeconfig must be YAML text/,
    ],
    ['a name twice', ['a', { name: 'a', context: 'b' }], /names "a" twice/],
  ])('refuses %s, naming the input', (_what, value, message) => {
    let error: unknown;
    try {
      parse(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('clusters');
    expect((error as Error).message).toMatch(message);
  });

  it('names the input the caller gives', () => {
    expect(() => parse({}, 'targets')).toThrow(/Input "targets" must be a YAML list/);
  });
});
