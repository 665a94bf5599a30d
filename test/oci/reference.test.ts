import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { parseReference } from '@deliverkit/oci';

// The grammar and normalisation are @deliverkit/oci-core's (test/oci-core/reference.test.ts); oci's parseReference is
// that parser with the toolkit's error model.
describe('parseReference', () => {
  it('parses as the core parser does', () => {
    expect(parseReference('nginx:1.27').toString()).toBe('docker.io/library/nginx:1.27');
  });

  it('fails with the InputError naming the input, message unchanged', () => {
    let error: unknown;
    try {
      parseReference('ghcr.io/Org/app', { input: 'source' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: 'source', code: 'INPUT_INVALID' });
    expect((error as Error).message).toBe(
      'Invalid image reference "ghcr.io/Org/app" in source: the repository name must be lowercase',
    );
  });

  it('names "reference" when the caller names no input', () => {
    expect(() => parseReference('')).toThrow(expect.objectContaining({ input: 'reference' }));
  });
});
