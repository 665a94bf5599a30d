import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { Registries } from '@deliverkit/oci';
import { mergeDigests } from '@deliverkit/image-build';

// Input checks that happen before any registry is contacted (the merge itself is covered by the
// integration and e2e tests against a real registry).
describe('mergeDigests input checks', () => {
  const registries = new Registries();

  it('needs digests', async () => {
    const error = await mergeDigests(registries, { digests: [], tags: ['127.0.0.1:1/app:1'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: 'digests', code: 'INPUT_REQUIRED' });
  });

  it('needs somewhere to put the index', async () => {
    const error = await mergeDigests(registries, { digests: [`sha256:${'a'.repeat(64)}`], tags: [] }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ input: 'tags', code: 'INPUT_REQUIRED' });
  });

  it('refuses a reference without a digest, naming it', async () => {
    const error = await mergeDigests(registries, {
      digests: ['127.0.0.1:1/app:latest'],
      tags: ['127.0.0.1:1/app:1'],
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      input: 'digests',
      message: expect.stringContaining('127.0.0.1:1/app:latest'),
    });
  });
});
