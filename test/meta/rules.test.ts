import { describe, expect, it, test } from 'vitest';
import {
  contextFromEnv,
  parseImages,
  parseMetadataList,
  parseTagRules,
  repoFromPayload,
} from '@deliverkit/meta';
import { isRawStatement } from '../../packages/meta/src/expressions';
import { parseFlavor, parseTagRule } from '../../packages/meta/src/rules';

describe('parseMetadataList (the tags/flavor/labels input as metadata-action splits it)', () => {
  test.each([
    ['type=ref,event=branch\ntype=sha\n', ['type=ref,event=branch', 'type=sha']],
    ['  type=raw,value=a  \n\n# a comment\ntype=sha # trailing comment', ['type=raw,value=a', 'type=sha']],
    ['type=match,"pattern=\\d.\\d"', ['type=match,pattern=\\d.\\d']],
    ['', []],
  ])('%j → %j', (raw, expected) => {
    expect(parseMetadataList(raw)).toEqual(expected);
  });
});

describe('parseTagRule defaults', () => {
  test.each([
    ['type=schedule', { pattern: 'nightly', enable: 'true', priority: '1000' }],
    [
      'type=semver,pattern={{version}}',
      { pattern: '{{version}}', value: '', match: '', enable: 'true', priority: '900' },
    ],
    [
      'type=match,pattern=v(.*)',
      { pattern: 'v(.*)', group: '0', value: '', enable: 'true', priority: '800' },
    ],
    ['type=edge', { branch: '', enable: 'true', priority: '700' }],
    ['type=ref,event=pr', { event: 'pr', prefix: 'pr-', enable: 'true', priority: '600' }],
    ['type=ref,event=branch', { event: 'branch', enable: 'true', priority: '600' }],
    ['type=raw,value=foo', { value: 'foo', enable: 'true', priority: '200' }],
    ['foo', { value: 'foo', enable: 'true', priority: '200' }],
    ['type=sha', { prefix: 'sha-', format: 'short', enable: 'true', priority: '100' }],
    ['type=match,pattern=a=b', { pattern: 'a=b', group: '0', value: '', enable: 'true', priority: '800' }],
    ['TYPE=raw, Value = x ', { value: 'x', enable: 'true', priority: '200' }],
  ])('%s', (entry, attrs) => {
    expect(parseTagRule(entry).attrs).toEqual(attrs);
  });

  it('orders by priority, keeping the written order for ties', () => {
    const order = parseTagRules([
      'type=sha',
      'type=raw,a',
      'type=raw,b',
      'type=semver,pattern={{version}}',
      'type=raw,c,priority=5000',
    ]);
    expect(order.map((r) => r.source)).toEqual([
      'type=raw,c,priority=5000',
      'type=semver,pattern={{version}}',
      'type=raw,a',
      'type=raw,b',
      'type=sha',
    ]);
  });

  it('uses metadata-action defaults when no rule is given', () => {
    expect(parseTagRules([]).map((r) => r.source)).toEqual([
      'type=schedule',
      'type=ref,event=branch',
      'type=ref,event=tag',
      'type=ref,event=pr',
    ]);
  });
});

describe('parseFlavor', () => {
  it('applies onlatest to the key right before it', () => {
    expect(parseFlavor(['latest=false', 'prefix=p-,onlatest=true', 'suffix=-s'])).toEqual({
      latest: 'false',
      prefix: 'p-',
      prefixLatest: true,
      suffix: '-s',
      suffixLatest: false,
    });
  });
});

describe('parseImages', () => {
  it('reads the old comma-separated format', () => {
    expect(parseImages(['name/app,ghcr.io/name/app'])).toEqual([
      { name: 'name/app', enable: true },
      { name: 'ghcr.io/name/app', enable: true },
    ]);
  });
  it('reads name=/enable= attributes', () => {
    expect(parseImages(['name=a/b', 'c/d,enable=false'])).toEqual([
      { name: 'a/b', enable: true },
      { name: 'c/d', enable: false },
    ]);
  });
});

describe('isRawStatement', () => {
  test.each([
    ['{{ raw }}.{{ version }}', false],
    ['{{ version }},{{raw }.', false],
    ['{{ raw }}', true],
    ['{{ raw}}', true],
    ['{{raw}}', true],
  ])('%s → %s', (pattern, expected) => {
    expect(isRawStatement(pattern)).toBe(expected);
  });
});

describe('contextFromEnv', () => {
  it('dates the commit from the push payload', () => {
    const ctx = contextFromEnv(
      { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1', GITHUB_SHA: 'abc' },
      { head_commit: { id: 'abc', timestamp: '2021-10-21T23:47:22+02:00' } },
    );
    expect(ctx.commitDate.toISOString()).toBe('2021-10-21T21:47:22.000Z');
  });
  it('falls back to the given date when the payload has none', () => {
    const when = new Date('2024-05-05T05:05:05Z');
    expect(contextFromEnv({ GITHUB_SHA: 'x' }, {}, { commitDate: when }).commitDate).toBe(when);
  });
});

describe('repoFromPayload', () => {
  it('reads the repository object', () => {
    expect(
      repoFromPayload(
        {
          repository: {
            name: 'r',
            description: 'd',
            html_url: 'https://github.com/o/r',
            default_branch: 'main',
            license: { spdx_id: 'Apache-2.0' },
          },
        },
        {},
      ),
    ).toEqual({
      name: 'r',
      description: 'd',
      htmlUrl: 'https://github.com/o/r',
      defaultBranch: 'main',
      licenses: 'Apache-2.0',
    });
  });
  it('falls back to the environment', () => {
    expect(
      repoFromPayload({}, { GITHUB_REPOSITORY: 'o/r', GITHUB_SERVER_URL: 'https://ghe.example' }),
    ).toEqual({
      name: 'r',
      description: '',
      htmlUrl: 'https://ghe.example/o/r',
      defaultBranch: '',
      licenses: '',
    });
  });
});
