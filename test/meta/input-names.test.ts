import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { computeMetadata } from '@deliverkit/meta';
import { MetaError } from '../../packages/meta/src/errors';
import { HELLO_WORLD, NOW, events } from './fixtures';

// computeMetadata names the caller's inputs (an action may call its tag rules anything), and the reason an entry
// could not be evaluated stays a coded MetaError as the InputError's cause.
describe('computeMetadata input names', () => {
  const names = { images: 'image-names', tags: 'tag-rules', flavor: 'tag-flavor', labels: 'extra-labels' };
  const compute = (config: Parameters<typeof computeMetadata>[0]) =>
    computeMetadata(config, events.tag('v1.2.3'), HELLO_WORLD, { now: NOW, inputNames: names });
  const failure = (config: Parameters<typeof computeMetadata>[0]) =>
    compute(config).then(
      () => undefined,
      (e: unknown) => e,
    );

  it.each([
    [{ images: ['app,enable=maybe'] }, 'image-names'],
    [{ tags: ['type=nonsense'] }, 'tag-rules'],
    [{ flavor: ['latest=sometimes'] }, 'tag-flavor'],
    [{ labels: ['name=a,enable=perhaps'] }, 'extra-labels'],
    [{ annotations: ['name=a,enable=perhaps'] }, 'annotations'],
  ])('names the input of %o as %s', async (config, input) => {
    const error = await failure(config);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input, message: expect.stringContaining(`Input "${input}"`) });
  });

  it.each([
    [['type=semver,pattern={{version}},match=v\\d'], 'PATTERN_INVALID'],
    [["type=raw,value={{date 'YYYY' zone='UTC'}}"], 'TEMPLATE_INVALID'],
    [["type=raw,value={{date 'YYYY' tz='Mars/Olympus'}}"], 'TEMPLATE_INVALID'],
  ])('keeps why %o could not be evaluated as a %s cause', async (tags, code) => {
    const error = await failure({ tags });
    expect(error).toMatchObject({ input: 'tag-rules', code: 'INPUT_INVALID' });
    expect((error as InputError).cause).toBeInstanceOf(MetaError);
    expect((error as InputError).cause).toMatchObject({ code });
  });
});
