import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { openRegistries, parseRegistryAuths } from '@deliverkit/oci';

describe('parseRegistryAuths', () => {
  it('reads entries, normalises the registry and masks each password', () => {
    const masked: string[] = [];
    const auths = parseRegistryAuths(
      [
        { registry: 'https://ghcr.io/', username: 'me', password: 'pw1' },
        { registry: '127.0.0.1:5000', insecure: true },
        { registry: 'gcr.example:443', username: 'u', password: 'pw2', ca: '-----BEGIN CERTIFICATE-----' },
      ],
      (s) => masked.push(s),
    );
    expect(auths.map((a) => a.registry)).toEqual(['ghcr.io', '127.0.0.1:5000', 'gcr.example:443']);
    expect(auths[1]).toMatchObject({ insecure: true, username: undefined });
    expect(masked).toEqual(['pw1', 'pw2']);
  });

  it('is empty when the input is absent', () => {
    expect(parseRegistryAuths(undefined, () => {})).toEqual([]);
  });

  it.each([
    [{ registry: 'r' }, 'must be a list'],
    [[{ username: 'u', password: 'secret-1' }], 'needs a registry'],
    [[{ registry: 'r', username: 'u' }], 'needs both username and password'],
    [[{ registry: 'r', password: 'secret-2' }], 'needs both username and password'],
    [
      [{ registry: 'r', token: 'secret-3' }],
      '1 unknown key(s); allowed: registry, username, password, ca, insecure',
    ],
    [[{ registry: 'r', insecure: 'yes' }], 'insecure must be true or false'],
    [['ghcr.io'], 'is not a mapping'],
  ])('rejects %j naming the input, never a value', (value, why) => {
    let error: unknown;
    try {
      parseRegistryAuths(value, () => {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('registry-auths');
    expect((error as Error).message).toContain(why);
    expect((error as Error).message).not.toMatch(/secret-\d/);
  });
});

describe('openRegistries', () => {
  it('gives one client per registry host and marks insecure hosts', () => {
    const registries = openRegistries([{ registry: 'a.example:5000', insecure: true }], {
      insecureHosts: ['b.example:5000'],
      onSecret: () => {},
    });
    try {
      expect(registries.client('a.example:5000')).toBe(registries.client('a.example:5000'));
      expect(registries.client('b.example:5000')).not.toBe(registries.client('a.example:5000'));
    } finally {
      registries.close();
    }
  });
});
