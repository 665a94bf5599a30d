import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { parseSecrets } from '../../actions/multiarch-build/src/inputs';

describe('parseSecrets', () => {
  it('reads id=value lines and masks every value as it is read', () => {
    const masked: string[] = [];
    const secrets = parseSecrets('NPM_TOKEN=abc=def\n\ngit_auth=x y z\n', (s) => masked.push(s));
    expect(secrets).toEqual([
      { id: 'NPM_TOKEN', value: 'abc=def' },
      { id: 'git_auth', value: 'x y z' },
    ]);
    expect(masked).toEqual(['abc=def', 'x y z']);
  });

  it('rejects a line without an id, never quoting the value', () => {
    let error: unknown;
    try {
      parseSecrets('=topsecret', () => {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('secrets');
    expect((error as Error).message).not.toContain('topsecret');
  });

  it('is empty when the input is not set', () => {
    expect(parseSecrets(undefined, () => {})).toEqual([]);
  });
});
