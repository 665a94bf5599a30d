import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { Registries } from '@deliverkit/oci';
import { mergeDigests } from '../../packages/image-build/src/run-merge';

// Input checks that happen before any registry is contacted (the merge itself is covered by the
// integration and e2e tests against a real registry).
describe('mergeDigests input checks', () => {
  const registries = new Registries();
  // The caller's input names, not the library's: the errors name what the workflow author wrote.
  const inputNames = { digests: 'platform-digests', images: 'image', tags: 'index-tags' };

  it('needs digests', async () => {
    const error = await mergeDigests(registries, {
      digests: [],
      tags: ['127.0.0.1:1/app:1'],
      inputNames,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: 'platform-digests', code: 'INPUT_REQUIRED' });
  });

  it('needs somewhere to put the index', async () => {
    const error = await mergeDigests(registries, {
      digests: [`sha256:${'a'.repeat(64)}`],
      tags: [],
      inputNames,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ input: 'index-tags', code: 'INPUT_REQUIRED' });
  });

  it('refuses a reference without a digest, naming it', async () => {
    const error = await mergeDigests(registries, {
      digests: ['127.0.0.1:1/app:latest'],
      tags: ['127.0.0.1:1/app:1'],
      inputNames,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      input: 'platform-digests',
      message: expect.stringContaining('Input "platform-digests" has "127.0.0.1:1/app:latest"'),
    });
  });
});
