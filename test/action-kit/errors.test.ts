import { describe, expect, it } from 'vitest';
import { InputError, withInputError } from '@deliverkit/action-kit';
import { OciCoreError, parsePlatform } from '@deliverkit/oci-core';

describe('withInputError', () => {
  it('returns what the core parser returns', () => {
    expect(withInputError(() => parsePlatform('linux/aarch64', 'platforms'))).toEqual({
      os: 'linux',
      architecture: 'arm64',
    });
  });

  it("turns a core parser's error into the InputError for the input it names, message and cause kept", () => {
    let error: unknown;
    try {
      withInputError(() => parsePlatform('plan9/amd64', 'FROM --platform of base'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: 'FROM --platform of base', code: 'INPUT_INVALID' });
    expect((error as InputError).cause).toBeInstanceOf(OciCoreError);
    expect((error as Error).message).toBe((error as InputError & { cause: Error }).cause.message);
  });

  it('passes any other error on as it is', () => {
    const other = new OciCoreError('UNSUPPORTED_DIGEST', 'unsupported digest algorithm in md5:0');
    expect(() =>
      withInputError(() => {
        throw other;
      }),
    ).toThrow(other);
  });
});
