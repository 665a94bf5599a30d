import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@deliverkit/action-kit';
import { parseSourceDateEpoch } from '@deliverkit/image-build';
import { parsePlatform } from '../../packages/image-build/src/platform';
import { buildahBuildArgs } from '../../packages/image-build/src/buildah';
import { type BuildxArgsOptions, buildxBuildArgs } from '../../packages/image-build/src/buildx';
import { type BuildSpec } from '../../packages/image-build/src/spec';
import { buildSpec } from './spec';

const spec = (overrides: Partial<BuildSpec> = {}) => buildSpec({ context: 'app', ...overrides });

describe('SOURCE_DATE_EPOCH', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['1700000000', 1700000000],
    [' 0 ', 0],
  ])('reads %j as %j', (raw, expected) => {
    expect(parseSourceDateEpoch(raw)).toBe(expected);
  });

  it.each(['yesterday', '-1', '1.5', '2024-01-01'])('rejects %j, naming the variable', (raw) => {
    expect(() => parseSourceDateEpoch(raw)).toThrow(ConfigurationError);
    expect(() => parseSourceDateEpoch(raw)).toThrow(/SOURCE_DATE_EPOCH/);
  });

  it('clamps buildah timestamps with --timestamp', () => {
    const args = buildahBuildArgs(spec({ sourceDateEpoch: 1700000000 }), {
      platform: parsePlatform('linux/amd64'),
      iidFile: '/w/iid',
    });
    expect(args.slice(args.indexOf('--timestamp'), args.indexOf('--timestamp') + 2)).toEqual([
      '--timestamp',
      '1700000000',
    ]);
    expect(
      buildahBuildArgs(spec(), { platform: parsePlatform('linux/amd64'), iidFile: '/w/iid' }),
    ).not.toContain('--timestamp');
  });

  it('passes it to BuildKit as a build argument unless the user set one', () => {
    const options: BuildxArgsOptions = { metadataFile: '/w/meta.json', output: { kind: 'push' } };
    expect(buildxBuildArgs(spec({ sourceDateEpoch: 42 }), options)).toContain('SOURCE_DATE_EPOCH=42');
    const explicit = buildxBuildArgs(
      spec({ sourceDateEpoch: 42, buildArgs: { SOURCE_DATE_EPOCH: '7' } }),
      options,
    );
    expect(explicit).toContain('SOURCE_DATE_EPOCH=7');
    expect(explicit).not.toContain('SOURCE_DATE_EPOCH=42');
  });
});
