import { describe, expect, it, test } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { type GitHubContext, type MetaConfig, computeMetadata } from '@deliverkit/meta';
import { HELLO_WORLD, NOW, SHA_DEV, SHA_MASTER, SHA_PR_HEAD, events, ociLabels } from './fixtures';

type Expected = { main: string | undefined; partial: string[]; latest: boolean };
type Case = [
  name: string,
  context: () => GitHubContext,
  config: MetaConfig,
  version: Expected,
  tags: string[],
];

const two = ['org/app', 'ghcr.io/user/app'];

// Cases and expected results from docker/metadata-action's test suite (__tests__/meta.test.ts),
// named as there, so a config users run today gives the same tags here.
function run(cases: Case[]) {
  test.each(cases)('%s', async (_name, context, config, version, tags) => {
    const ctx = context();
    const meta = await computeMetadata(config, ctx, HELLO_WORLD, { now: NOW });
    expect(meta.version).toEqual(version);
    expect(meta.tags).toEqual(tags);
    expect(meta.labels).toEqual(ociLabels(ctx.sha, version.main ?? ''));
    expect(meta.annotations).toEqual(meta.labels);
  });
}

describe('when no rule yields a tag', () => {
  run([
    ['null01', events.empty, { images: ['user/app'] }, { main: undefined, partial: [], latest: false }, []],
    [
      'null02',
      events.empty,
      { images: ['user/app'], tags: ['type=sha', 'type=raw,{{branch}}'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
  ]);
});

describe('on push to a branch', () => {
  run([
    [
      'push01',
      events.pushDev,
      { images: ['user/app'] },
      { main: 'dev', partial: [], latest: false },
      ['user/app:dev'],
    ],
    [
      'push02',
      events.pushMaster,
      { images: ['user/app'], tags: ['type=edge'] },
      { main: 'edge', partial: [], latest: false },
      ['user/app:edge'],
    ],
    [
      'push03',
      events.pushMaster,
      { images: ['user/app'] },
      { main: 'master', partial: [], latest: false },
      ['user/app:master'],
    ],
    [
      'push04',
      events.workflowDispatch,
      { images: ['user/app'], tags: ['type=edge'] },
      { main: 'edge', partial: [], latest: false },
      ['user/app:edge'],
    ],
    [
      'push05',
      events.pushDev,
      { images: two },
      { main: 'dev', partial: [], latest: false },
      ['org/app:dev', 'ghcr.io/user/app:dev'],
    ],
    [
      'push07',
      events.pushDev,
      { images: two, tags: ['type=ref,event=branch', 'type=sha'] },
      { main: 'dev', partial: ['sha-860c190'], latest: false },
      ['org/app:dev', 'org/app:sha-860c190', 'ghcr.io/user/app:dev', 'ghcr.io/user/app:sha-860c190'],
    ],
    [
      'push09',
      events.pushDev,
      { images: two, tags: ['type=edge,branch=dev', 'type=sha'] },
      { main: 'edge', partial: ['sha-860c190'], latest: false },
      ['org/app:edge', 'org/app:sha-860c190', 'ghcr.io/user/app:edge', 'ghcr.io/user/app:sha-860c190'],
    ],
    [
      'push10',
      events.pushMaster,
      { images: two, tags: ['type=edge,branch=dev', 'type=sha'] },
      { main: 'sha-2665741', partial: [], latest: false },
      ['org/app:sha-2665741', 'ghcr.io/user/app:sha-2665741'],
    ],
    [
      'push11 (branch name with / and #)',
      events.pushInvalidChars,
      { images: two, tags: ['type=edge', 'type=sha'] },
      { main: 'sha-983315b', partial: [], latest: false },
      ['org/app:sha-983315b', 'ghcr.io/user/app:sha-983315b'],
    ],
    [
      'push12 (no semver on a branch)',
      events.pushInvalidChars,
      {
        images: two,
        tags: ['type=semver,pattern={{version}}', 'type=pep440,pattern={{version}}', 'type=edge'],
      },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'push13 (priority)',
      events.pushMaster,
      { images: ['user/app'], tags: ['type=ref,priority=2000,event=branch', 'type=edge'] },
      { main: 'master', partial: ['edge'], latest: false },
      ['user/app:master', 'user/app:edge'],
    ],
    [
      'push14 (semver value on a branch)',
      events.pushMaster,
      {
        images: ['user/app'],
        tags: [
          'type=semver,pattern={{version}},value=v1.2.3',
          'type=pep440,pattern={{version}},value=v1.2.3',
          'type=edge',
        ],
      },
      { main: '1.2.3', partial: ['edge'], latest: true },
      ['user/app:1.2.3', 'user/app:edge', 'user/app:latest'],
    ],
    [
      'push15',
      events.pushMaster,
      { images: ['user/app'], tags: ['type=match,pattern=v(.*),group=1,value=v1.2.3', 'type=edge'] },
      { main: '1.2.3', partial: ['edge'], latest: true },
      ['user/app:1.2.3', 'user/app:edge', 'user/app:latest'],
    ],
    [
      'push16 (enable=false)',
      events.pushMaster,
      {
        images: ['user/app'],
        tags: ['type=match,enable=false,pattern=v(.*),group=1,value=v1.2.3', 'type=edge'],
      },
      { main: 'edge', partial: [], latest: false },
      ['user/app:edge'],
    ],
    [
      'push17 (global expressions)',
      events.pushMaster,
      {
        images: ['user/app'],
        tags: [
          'type=raw,value=mytag-{{branch}}',
          "type=raw,value=mytag-{{date 'YYYYMMDD'}}",
          "type=raw,value=mytag-cd-{{commit_date 'YYYYMMDD'}}",
          "type=raw,value=mytag-{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
          'type=raw,value=mytag-tag-{{tag}}',
          'type=raw,value=mytag-baseref-{{base_ref}}',
          'type=raw,value=mytag-defbranch,enable={{is_default_branch}}',
        ],
      },
      {
        main: 'mytag-master',
        partial: [
          'mytag-20200110',
          'mytag-cd-20200110',
          'mytag-20200110-093000',
          'mytag-tag-',
          'mytag-baseref-',
          'mytag-defbranch',
        ],
        latest: false,
      },
      [
        'user/app:mytag-master',
        'user/app:mytag-20200110',
        'user/app:mytag-cd-20200110',
        'user/app:mytag-20200110-093000',
        'user/app:mytag-tag-',
        'user/app:mytag-baseref-',
        'user/app:mytag-defbranch',
      ],
    ],
    [
      'push18 (sha long)',
      events.pushDev,
      { images: two, tags: ['type=ref,event=branch', 'type=sha,format=long'] },
      { main: 'dev', partial: [`sha-${SHA_DEV}`], latest: false },
      ['org/app:dev', `org/app:sha-${SHA_DEV}`, 'ghcr.io/user/app:dev', `ghcr.io/user/app:sha-${SHA_DEV}`],
    ],
    [
      'push19 (is_default_branch off the default branch)',
      events.pushDev,
      {
        images: two,
        tags: [
          'type=edge,branch=master',
          'type=ref,event=branch,enable=false',
          'type=sha,format=long',
          'type=raw,value=defbranch,enable={{is_default_branch}}',
        ],
      },
      { main: `sha-${SHA_DEV}`, partial: [], latest: false },
      [`org/app:sha-${SHA_DEV}`, `ghcr.io/user/app:sha-${SHA_DEV}`],
    ],
    [
      'push20 (image enable=false)',
      events.pushDev,
      {
        images: ['org/app', 'ghcr.io/user/app,enable=false'],
        tags: ['type=edge,branch=master', 'type=ref,event=branch,enable=false', 'type=sha,format=long'],
      },
      { main: `sha-${SHA_DEV}`, partial: [], latest: false },
      [`org/app:sha-${SHA_DEV}`],
    ],
    [
      'push21 (no images)',
      events.pushMaster,
      {
        images: [],
        tags: [
          'type=raw,value=mytag-{{branch}}',
          'type=raw,value=mytag-defbranch,enable={{is_default_branch}}',
        ],
      },
      { main: 'mytag-master', partial: ['mytag-defbranch'], latest: false },
      ['mytag-master', 'mytag-defbranch'],
    ],
  ]);
});

describe('on push of a git tag', () => {
  run([
    [
      'tag01',
      () => events.tag('release1'),
      { images: ['user/app'] },
      { main: 'release1', partial: [], latest: true },
      ['user/app:release1', 'user/app:latest'],
    ],
    [
      'tag02',
      () => events.tag('20200110-RC2'),
      { images: ['user/app'] },
      { main: '20200110-RC2', partial: [], latest: true },
      ['user/app:20200110-RC2', 'user/app:latest'],
    ],
    [
      'tag03',
      () => events.tag('20200110-RC2'),
      { images: ['user/app'], tags: ['type=match,pattern=\\d{8}'], flavor: ['latest=false'] },
      { main: '20200110', partial: [], latest: false },
      ['user/app:20200110'],
    ],
    [
      'tag04',
      () => events.tag('20200110-RC2'),
      { images: ['user/app'], tags: ['type=match,pattern=(.*)-RC,group=1'], flavor: ['latest=false'] },
      { main: '20200110', partial: [], latest: false },
      ['user/app:20200110'],
    ],
    [
      'tag06 (quoted pattern)',
      () => events.tag('v1.1.1'),
      { images: two, tags: ['type=match,"pattern=^v(\\d.\\d.\\d)$",group=1'] },
      { main: '1.1.1', partial: [], latest: true },
      ['org/app:1.1.1', 'org/app:latest', 'ghcr.io/user/app:1.1.1', 'ghcr.io/user/app:latest'],
    ],
    [
      'tag09 (two groups)',
      () => events.tag('v2.0.8-beta.67'),
      {
        images: two,
        tags: [
          'type=match,"pattern=v(.*)-beta.(.*)",group=1',
          'type=match,"pattern=v(.*)-beta.(.*)",group=2',
        ],
      },
      { main: '2.0.8', partial: ['67'], latest: true },
      [
        'org/app:2.0.8',
        'org/app:67',
        'org/app:latest',
        'ghcr.io/user/app:2.0.8',
        'ghcr.io/user/app:67',
        'ghcr.io/user/app:latest',
      ],
    ],
    [
      'tag10 (no match)',
      () => events.tag('sometag'),
      { images: two, tags: ['type=match,"pattern=\\d.\\d"'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'tag11 (semver major.minor, major)',
      () => events.tag('v1.1.1'),
      {
        images: two,
        tags: [
          'type=semver,pattern={{version}}',
          'type=semver,pattern={{major}}.{{minor}}',
          'type=semver,pattern={{major}}',
        ],
      },
      { main: '1.1.1', partial: ['1.1', '1'], latest: true },
      [
        'org/app:1.1.1',
        'org/app:1.1',
        'org/app:1',
        'org/app:latest',
        'ghcr.io/user/app:1.1.1',
        'ghcr.io/user/app:1.1',
        'ghcr.io/user/app:1',
        'ghcr.io/user/app:latest',
      ],
    ],
    [
      'tag12 (duplicate values collapse)',
      () => events.tag('v1.1.1'),
      {
        images: two,
        tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}.{{patch}}'],
      },
      { main: '1.1.1', partial: [], latest: true },
      ['org/app:1.1.1', 'org/app:latest', 'ghcr.io/user/app:1.1.1', 'ghcr.io/user/app:latest'],
    ],
    [
      'tag13 (pre-release keeps only {{version}}, no latest)',
      () => events.tag('v2.0.8-beta.67'),
      { images: two, tags: ['type=semver,pattern={{major}}.{{minor}}', 'type=semver,pattern={{major}}'] },
      { main: '2.0.8-beta.67', partial: [], latest: false },
      ['org/app:2.0.8-beta.67', 'ghcr.io/user/app:2.0.8-beta.67'],
    ],
    [
      'tag14 (not semver)',
      () => events.tag('sometag'),
      {
        images: ['ghcr.io/user/app'],
        tags: ['type=ref,event=tag', 'type=semver,pattern={{version}}', 'type=semver,pattern={{major}}'],
        flavor: ['latest=false'],
      },
      { main: 'sometag', partial: [], latest: false },
      ['ghcr.io/user/app:sometag'],
    ],
    [
      'tag15 (raw first by priority decides latest)',
      () => events.tag('v2.0.8-beta.67'),
      {
        images: two,
        tags: [
          'type=raw,priority=2000,foo',
          'type=semver,pattern={{version}}',
          'type=match,"pattern=\\d.\\d"',
        ],
      },
      { main: 'foo', partial: ['2.0.8-beta.67', '2.0'], latest: false },
      [
        'org/app:foo',
        'org/app:2.0.8-beta.67',
        'org/app:2.0',
        'ghcr.io/user/app:foo',
        'ghcr.io/user/app:2.0.8-beta.67',
        'ghcr.io/user/app:2.0',
      ],
    ],
    [
      'tag17 (/regex/flags pattern)',
      () => events.tag('p1/v1.0.0'),
      {
        images: two,
        tags: [
          'type=match,"pattern=/^v(\\d.\\d.\\d)$/ig",group=1',
          'type=match,pattern=\\d.\\d.\\d',
          'type=match,pattern=\\d.\\d',
          'type=ref,event=pr',
          'type=sha',
        ],
      },
      { main: '1.0.0', partial: ['1.0', 'sha-860c190'], latest: true },
      [
        'org/app:1.0.0',
        'org/app:1.0',
        'org/app:sha-860c190',
        'org/app:latest',
        'ghcr.io/user/app:1.0.0',
        'ghcr.io/user/app:1.0',
        'ghcr.io/user/app:sha-860c190',
        'ghcr.io/user/app:latest',
      ],
    ],
    [
      'tag19 (empty suffix= beats the flavor suffix)',
      () => events.tag('p1/v1.0.0'),
      {
        images: two,
        tags: [
          'type=match,pattern=p1/v(\\d.\\d.\\d),group=1',
          'type=match,pattern=p1/v(\\d.\\d),group=1,suffix=',
          'type=ref,event=pr',
          'type=sha',
        ],
        flavor: ['suffix=-dev'],
      },
      { main: '1.0.0-dev', partial: ['1.0', 'sha-860c190-dev'], latest: true },
      [
        'org/app:1.0.0-dev',
        'org/app:1.0',
        'org/app:sha-860c190-dev',
        'org/app:latest',
        'ghcr.io/user/app:1.0.0-dev',
        'ghcr.io/user/app:1.0',
        'ghcr.io/user/app:sha-860c190-dev',
        'ghcr.io/user/app:latest',
      ],
    ],
    [
      'tag20 (tag, sha, base_ref expressions)',
      () => events.tag('v1.1.1'),
      {
        images: two,
        tags: [
          'type=raw,{{tag}}-{{sha}}-foo',
          'type=raw,{{base_ref}}-foo',
          'type=raw,defbranch-foo,enable={{is_default_branch}}',
        ],
      },
      { main: 'v1.1.1-860c190-foo', partial: ['master-foo'], latest: false },
      [
        'org/app:v1.1.1-860c190-foo',
        'org/app:master-foo',
        'ghcr.io/user/app:v1.1.1-860c190-foo',
        'ghcr.io/user/app:master-foo',
      ],
    ],
    [
      'tag21 (suffix on latest)',
      () => events.tag('v1.1.1'),
      { images: two, tags: ['type=semver,pattern={{version}}'], flavor: ['suffix=-dev,onlatest=true'] },
      { main: '1.1.1-dev', partial: [], latest: true },
      [
        'org/app:1.1.1-dev',
        'org/app:latest-dev',
        'ghcr.io/user/app:1.1.1-dev',
        'ghcr.io/user/app:latest-dev',
      ],
    ],
    [
      'tag22 (prefix and suffix on latest)',
      () => events.tag('v1.1.1'),
      {
        images: two,
        tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}.{{patch}}'],
        flavor: ['prefix=foo-,onlatest=true', 'suffix=-dev,onlatest=true'],
      },
      { main: 'foo-1.1.1-dev', partial: [], latest: true },
      [
        'org/app:foo-1.1.1-dev',
        'org/app:foo-latest-dev',
        'ghcr.io/user/app:foo-1.1.1-dev',
        'ghcr.io/user/app:foo-latest-dev',
      ],
    ],
    [
      'tag23 (pep440 raw)',
      () => events.tag('v1.1.1'),
      {
        images: ['org/app'],
        tags: ['type=pep440,pattern={{raw}}', 'type=pep440,pattern={{major}}.{{minor}}'],
      },
      { main: 'v1.1.1', partial: ['1.1'], latest: true },
      ['org/app:v1.1.1', 'org/app:1.1', 'org/app:latest'],
    ],
    [
      'tag25 (pep440 beta)',
      () => events.tag('1.1beta2'),
      { images: two, tags: ['type=pep440,pattern={{major}}.{{minor}}', 'type=pep440,pattern={{major}}'] },
      { main: '1.1b2', partial: [], latest: false },
      ['org/app:1.1b2', 'ghcr.io/user/app:1.1b2'],
    ],
    [
      'tag26 (pep440 dev)',
      () => events.tag('1.0dev4'),
      { images: two, tags: ['type=pep440,pattern={{major}}.{{minor}}', 'type=pep440,pattern={{major}}'] },
      { main: '1.0.dev4', partial: [], latest: false },
      ['org/app:1.0.dev4', 'ghcr.io/user/app:1.0.dev4'],
    ],
    [
      'tag29 (pep440 post)',
      () => events.tag('1.2post1'),
      {
        images: ['org/app'],
        tags: [
          'type=pep440,pattern={{version}}',
          'type=pep440,pattern={{major}}.{{minor}}',
          'type=pep440,pattern={{major}}',
        ],
      },
      { main: '1.2.post1', partial: [], latest: false },
      ['org/app:1.2.post1'],
    ],
    [
      'tag31 (semver {{raw}} pre-release)',
      () => events.tag('v2.0.8-beta.67'),
      { images: two, tags: ['type=semver,pattern={{raw}}'] },
      { main: 'v2.0.8-beta.67', partial: [], latest: false },
      ['org/app:v2.0.8-beta.67', 'ghcr.io/user/app:v2.0.8-beta.67'],
    ],
    [
      'tag32 (pep440 rc with v)',
      () => events.tag('v1.2.3rc2'),
      { images: two, tags: ['type=pep440,pattern={{raw}}', 'type=pep440,pattern={{major}}.{{minor}}'] },
      { main: 'v1.2.3rc2', partial: ['1.2.3rc2'], latest: false },
      ['org/app:v1.2.3rc2', 'org/app:1.2.3rc2', 'ghcr.io/user/app:v1.2.3rc2', 'ghcr.io/user/app:1.2.3rc2'],
    ],
    [
      'tag33 (no images)',
      () => events.tag('v1.1.1'),
      {
        images: [],
        tags: [
          'type=pep440,pattern={{version}}',
          'type=pep440,pattern={{major}}.{{minor}}.{{patch}}',
          'type=pep440,pattern={{major}}.{{minor}}',
          'type=pep440,pattern={{major}}',
        ],
      },
      { main: '1.1.1', partial: ['1.1', '1'], latest: true },
      ['1.1.1', '1.1', '1', 'latest'],
    ],
    [
      'semver match= attribute picks the version out of a prefixed tag',
      () => events.tag('app/v3.4.5'),
      {
        images: ['org/app'],
        tags: [
          'type=semver,pattern={{version}},match=app/v(.*)',
          'type=semver,pattern={{major}}.{{minor}},match=app/v(.*)',
        ],
      },
      { main: '3.4.5', partial: ['3.4'], latest: true },
      ['org/app:3.4.5', 'org/app:3.4', 'org/app:latest'],
    ],
    [
      'semver with build metadata is sanitised',
      () => events.tag('v9.5.7-alpha.2+fork.3.1.8'),
      { images: ['org/app'], tags: ['type=semver,pattern={{version}}'] },
      { main: '9.5.7-alpha.2', partial: [], latest: false },
      ['org/app:9.5.7-alpha.2'],
    ],
  ]);
});

describe('latest=auto', () => {
  run([
    [
      'latest01 (match on a tag implies latest)',
      () => events.tag('release1'),
      { images: ['user/app'], tags: ['type=match,"pattern=^release\\d{1,2}"'] },
      { main: 'release1', partial: [], latest: true },
      ['user/app:release1', 'user/app:latest'],
    ],
    [
      'latest05 (default rules on a tag)',
      () => events.tag('v1.1.1'),
      { images: two },
      { main: 'v1.1.1', partial: [], latest: true },
      ['org/app:v1.1.1', 'org/app:latest', 'ghcr.io/user/app:v1.1.1', 'ghcr.io/user/app:latest'],
    ],
    [
      'latest07 (latest=false)',
      () => events.tag('v1.1.1'),
      { images: two, tags: ['type=ref,event=tag'], flavor: ['latest=false'] },
      { main: 'v1.1.1', partial: [], latest: false },
      ['org/app:v1.1.1', 'ghcr.io/user/app:v1.1.1'],
    ],
    [
      'latest08 (image names lowercased)',
      () => events.tag('v1.1.1'),
      { images: ['org/app', 'ghcr.io/MyUSER/MyApp'], tags: ['type=ref,event=tag'], flavor: ['latest=false'] },
      { main: 'v1.1.1', partial: [], latest: false },
      ['org/app:v1.1.1', 'ghcr.io/myuser/myapp:v1.1.1'],
    ],
    [
      'raw07 (latest=true on a branch)',
      events.pushDev,
      {
        images: ['user/app'],
        tags: ['type=ref,priority=90,event=branch', 'type=raw,my', 'type=raw,custom', 'type=raw,tags'],
        flavor: ['latest=true'],
      },
      { main: 'my', partial: ['custom', 'tags', 'dev'], latest: true },
      ['user/app:my', 'user/app:custom', 'user/app:tags', 'user/app:dev', 'user/app:latest'],
    ],
  ]);
});

describe('on pull requests', () => {
  run([
    [
      'pr01',
      () => events.pullRequest(),
      { images: ['user/app'] },
      { main: 'pr-15', partial: [], latest: false },
      ['user/app:pr-15'],
    ],
    [
      'pr03',
      () => events.pullRequest(),
      { images: two, tags: ['type=ref,event=pr', 'type=sha'] },
      { main: 'pr-15', partial: ['sha-a9c8c58'], latest: false },
      ['org/app:pr-15', 'org/app:sha-a9c8c58', 'ghcr.io/user/app:pr-15', 'ghcr.io/user/app:sha-a9c8c58'],
    ],
    [
      'pr05 (pr- prefix is the rule own, so the flavor prefix is not added)',
      () => events.pullRequest(),
      { images: two, tags: ['type=ref,event=pr'], flavor: ['prefix=glo-', 'suffix=-bal'] },
      { main: 'pr-15-bal', partial: [], latest: false },
      ['org/app:pr-15-bal', 'ghcr.io/user/app:pr-15-bal'],
    ],
    [
      'pr06 (prefix= removes pr-)',
      () => events.pullRequest(),
      { images: two, tags: ['type=ref,event=pr,prefix='], flavor: ['prefix=glo-', 'suffix=-bal'] },
      { main: '15-bal', partial: [], latest: false },
      ['org/app:15-bal', 'ghcr.io/user/app:15-bal'],
    ],
    [
      'pr07 (pull_request_target uses the PR ref)',
      () => events.pullRequestTarget(),
      { images: two, tags: ['type=sha,priority=2000', 'type=ref,event=pr'] },
      { main: 'sha-2665741', partial: ['pr-15'], latest: false },
      ['org/app:sha-2665741', 'org/app:pr-15', 'ghcr.io/user/app:sha-2665741', 'ghcr.io/user/app:pr-15'],
    ],
    [
      'pr09',
      () => events.pullRequestTarget(),
      {
        images: ['org/app'],
        tags: [
          'type=ref,event=tag',
          'type=ref,event=pr',
          'type=ref,event=branch',
          'type=sha',
          'type=sha,format=long',
        ],
      },
      { main: 'pr-15', partial: ['sha-2665741', `sha-${SHA_MASTER}`], latest: false },
      ['org/app:pr-15', 'org/app:sha-2665741', `org/app:sha-${SHA_MASTER}`],
    ],
    [
      'pr11 (base_ref, not default branch)',
      () => events.pullRequest(),
      {
        images: ['org/app'],
        tags: ['type=raw,value=mytag-{{base_ref}}', 'type=raw,mytag-defbranch,enable={{is_default_branch}}'],
      },
      { main: 'mytag-master', partial: [], latest: false },
      ['org/app:mytag-master'],
    ],
    [
      'pr12 (unquoted date format falls back to the ISO format)',
      () => events.pullRequest(),
      { images: ['org/app'], tags: ['type=raw,value={{commit_date YYYY-MM-DD-HHmmSS}}'] },
      { main: '2020-01-10T00-30-00Z', partial: [], latest: false },
      ['org/app:2020-01-10T00-30-00Z'],
    ],
    [
      'pr-head-sha pr03 (DOCKER_METADATA_PR_HEAD_SHA)',
      () => events.pullRequest(true),
      { images: two, tags: ['type=ref,event=pr', 'type=sha'] },
      { main: 'pr-15', partial: ['sha-3370e22'], latest: false },
      ['org/app:pr-15', 'org/app:sha-3370e22', 'ghcr.io/user/app:pr-15', 'ghcr.io/user/app:sha-3370e22'],
    ],
    [
      'pr-head-sha pr07 (pull_request_target)',
      () => events.pullRequestTarget(true),
      { images: two, tags: ['type=sha,priority=2000', 'type=ref,event=pr'] },
      { main: 'sha-3370e22', partial: ['pr-15'], latest: false },
      ['org/app:sha-3370e22', 'org/app:pr-15', 'ghcr.io/user/app:sha-3370e22', 'ghcr.io/user/app:pr-15'],
    ],
  ]);

  it('labels the PR head commit when DOCKER_METADATA_PR_HEAD_SHA is set', async () => {
    const meta = await computeMetadata({ images: ['user/app'] }, events.pullRequest(true), HELLO_WORLD, {
      now: NOW,
    });
    expect(meta.labels).toContain(`org.opencontainers.image.revision=${SHA_PR_HEAD}`);
  });
});

describe('on schedule', () => {
  run([
    [
      'schedule01 (defaults)',
      events.schedule,
      { images: ['user/app'] },
      { main: 'nightly', partial: ['master'], latest: false },
      ['user/app:nightly', 'user/app:master'],
    ],
    [
      'schedule02 (date patterns)',
      events.schedule,
      {
        images: ['user/app'],
        tags: [
          "type=schedule,pattern={{date 'YYYYMMDD'}}",
          "type=schedule,pattern=source-date-{{commit_date 'YYYY-MM-DD'}}",
        ],
      },
      { main: '20200110', partial: ['source-date-2020-01-10'], latest: false },
      ['user/app:20200110', 'user/app:source-date-2020-01-10'],
    ],
    [
      'schedule06 (sha by priority, is_default_branch on schedule)',
      events.schedule,
      {
        images: two,
        tags: [
          'type=schedule',
          'type=sha,priority=2000',
          'type=raw,value=defbranch,enable={{is_default_branch}}',
        ],
      },
      { main: 'sha-860c190', partial: ['nightly', 'defbranch'], latest: false },
      [
        'org/app:sha-860c190',
        'org/app:nightly',
        'org/app:defbranch',
        'ghcr.io/user/app:sha-860c190',
        'ghcr.io/user/app:nightly',
        'ghcr.io/user/app:defbranch',
      ],
    ],
    [
      'schedule07 (flavor prefix and suffix)',
      events.schedule,
      { images: two, tags: ['type=schedule'], flavor: ['prefix=glo-', 'suffix=-bal'] },
      { main: 'glo-nightly-bal', partial: [], latest: false },
      ['org/app:glo-nightly-bal', 'ghcr.io/user/app:glo-nightly-bal'],
    ],
    [
      'schedule08 (time zone)',
      events.schedule,
      { images: ['user/app'], tags: ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}"] },
      { main: '20200110-093000', partial: [], latest: false },
      ['user/app:20200110-093000'],
    ],
  ]);
});

describe('on release and workflow_dispatch', () => {
  run([
    [
      'release01',
      events.release,
      { images: ['user/app'] },
      { main: 'v1.1.1', partial: [], latest: true },
      ['user/app:v1.1.1', 'user/app:latest'],
    ],
    [
      'release02 (no base_ref on release)',
      events.release,
      {
        images: ['user/app'],
        tags: [
          'type=ref,event=tag',
          'type=raw,value=baseref-{{base_ref}}',
          'type=raw,value=defbranch,enable={{is_default_branch}}',
        ],
      },
      { main: 'v1.1.1', partial: ['baseref-'], latest: true },
      ['user/app:v1.1.1', 'user/app:baseref-', 'user/app:latest'],
    ],
    [
      'workflow_dispatch with default rules tags the branch',
      events.workflowDispatch,
      {
        images: ['user/app'],
        tags: ['type=ref,event=branch', 'type=raw,value=manual,enable={{is_default_branch}}'],
      },
      { main: 'master', partial: ['manual'], latest: false },
      ['user/app:master', 'user/app:manual'],
    ],
    [
      'raw09 (rule prefix/suffix over flavor)',
      events.pushDev,
      {
        images: ['user/app'],
        tags: [
          'type=match,pattern=\\d{8}',
          'type=raw,my,prefix=foo-,suffix=-bar',
          'type=raw,custom',
          'type=raw,tags',
        ],
        flavor: ['latest=false', 'prefix=glo-', 'suffix=-bal'],
      },
      { main: 'foo-my-bar', partial: ['glo-custom-bal', 'glo-tags-bal'], latest: false },
      ['user/app:foo-my-bar', 'user/app:glo-custom-bal', 'user/app:glo-tags-bal'],
    ],
    [
      'raw10 (enable false/true)',
      events.pushDev,
      {
        images: ['user/app'],
        tags: ['type=raw,foo', 'type=raw,bar,enable=false', 'type=raw,baz,enable=true'],
        flavor: ['latest=false'],
      },
      { main: 'foo', partial: ['baz'], latest: false },
      ['user/app:foo', 'user/app:baz'],
    ],
  ]);
});

describe('labels, annotations and JSON', () => {
  it('latest09: user labels and annotations override the OCI defaults and are sorted', async () => {
    const meta = await computeMetadata(
      {
        images: ['org/app'],
        tags: ['type=ref,event=tag'],
        flavor: ['latest=false'],
        labels: [
          'maintainer=CrazyMax',
          'org.opencontainers.image.description=this is a "good" example',
          'org.opencontainers.image.title=MyCustomTitle',
          'org.opencontainers.image.vendor=MyCompany',
        ],
        annotations: ['maintainer=Foo', 'org.opencontainers.image.title=MyNotTitle'],
      },
      events.tag('v1.1.1'),
      HELLO_WORLD,
      { now: NOW },
    );
    expect(meta.labels).toEqual([
      'maintainer=CrazyMax',
      'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
      'org.opencontainers.image.description=this is a "good" example',
      'org.opencontainers.image.licenses=MIT',
      `org.opencontainers.image.revision=${SHA_DEV}`,
      'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
      'org.opencontainers.image.title=MyCustomTitle',
      'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
      'org.opencontainers.image.vendor=MyCompany',
      'org.opencontainers.image.version=v1.1.1',
    ]);
    expect(meta.annotations[0]).toBe('maintainer=Foo');
    expect(meta.annotations).toContain('org.opencontainers.image.title=MyNotTitle');
  });

  it('json01: drops a label without "=", keeps an empty one, prefixes annotation levels', async () => {
    const meta = await computeMetadata(
      { images: ['user/app'], tags: ['type=ref,event=branch', 'type=raw,my'], labels: ['invalid', 'foo='] },
      events.pushDev(),
      HELLO_WORLD,
      { now: NOW, annotationLevels: ['manifest', 'index'] },
    );
    expect(meta.json.tags).toEqual(['user/app:dev', 'user/app:my']);
    expect(meta.json['tag-names']).toEqual(['dev', 'my']);
    expect(meta.json.labels['foo']).toBe('');
    expect(meta.json.labels['invalid']).toBeUndefined();
    expect(meta.json.labels['org.opencontainers.image.version']).toBe('dev');
    expect(meta.json.annotations).toContain('manifest:org.opencontainers.image.version=dev');
    expect(meta.json.annotations).toContain('index:org.opencontainers.image.version=dev');
    expect(meta.json.annotations).toHaveLength(16);
  });

  it('json07: a label value may contain "="', async () => {
    const meta = await computeMetadata(
      { images: ['org/app'], labels: ['org.opencontainers.image.title=MyCustom=Title'] },
      events.tag('v1.1.1'),
      HELLO_WORLD,
      { now: NOW },
    );
    expect(meta.json.labels['org.opencontainers.image.title']).toBe('MyCustom=Title');
  });

  it('expands expressions in label values and honours the attribute form with enable=false', async () => {
    const meta = await computeMetadata(
      {
        labels: [
          "org.opencontainers.image.created={{commit_date 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'}}",
          'name=com.example.branch,value={{branch}}',
          'name=com.example.off,value=x,enable=false',
        ],
      },
      events.pushMaster(),
      HELLO_WORLD,
      { now: new Date('2030-01-01T00:00:00Z') },
    );
    expect(meta.json.labels['org.opencontainers.image.created']).toBe('2020-01-10T00:30:00.000Z');
    expect(meta.json.labels['com.example.branch']).toBe('master');
    expect(meta.json.labels['com.example.off']).toBeUndefined();
  });
});

describe('DOCKER_METADATA_SHORT_SHA_LENGTH', () => {
  it('changes type=sha and {{sha}}', async () => {
    const meta = await computeMetadata(
      { tags: ['type=sha', 'type=raw,v-{{sha}}'] },
      events.pushDev(),
      HELLO_WORLD,
      {
        now: NOW,
        shortShaLength: 12,
      },
    );
    expect(meta.tags).toEqual(['v-860c1904a1ce', 'sha-860c1904a1ce']);
  });
});

describe('when a rule is wrong', () => {
  test.each([
    ['type=unknown', /unknown type "unknown"/],
    ['type=semver', /missing pattern attribute/],
    ['type=ref', /missing event attribute/],
    ['type=ref,event=push', /invalid event "push"/],
    ['type=sha,format=medium', /invalid format "medium"/],
    ['type=match,pattern=x,group=a', /invalid match group/],
    ['type=raw,value=x,enable=maybe', /enable must evaluate to true or false, got "maybe"/],
    ['type=raw,value={{branch', /type=raw,value=\{\{branch/],
    ['type=match,pattern=(,value=x', /Invalid regular expression/],
    ["type=raw,value={{date 'YYYY' zone='UTC'}}", /Unknown zone attribute/],
    ['type=raw,va"lue', /Invalid Opening Quote/],
  ])('%s fails with an InputError naming the tags input and the rule', async (rule, message) => {
    let error: unknown;
    try {
      await computeMetadata({ tags: [rule] }, events.pushDev(), HELLO_WORLD, { now: NOW });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('tags');
    expect((error as InputError).code).toBe('INPUT_INVALID');
    expect((error as InputError).message).toContain(rule);
    expect((error as InputError).message).toMatch(message);
  });

  test.each([
    [{ flavor: ['latest=sometimes'] }, 'flavor'],
    [{ flavor: ['middle=x'] }, 'flavor'],
    [{ flavor: ['prefix'] }, 'flavor'],
    [{ images: ['name=a/b,colour=red'] }, 'images'],
    [{ images: ['name=a/b', 'enable=true'] }, 'images'],
    [{ labels: ['name=a,value=b,enable=perhaps'] }, 'labels'],
  ] as [MetaConfig, string][])('%o is rejected naming the %s input', async (config, input) => {
    await expect(computeMetadata(config, events.pushDev(), HELLO_WORLD, { now: NOW })).rejects.toThrow(
      expect.objectContaining({ input, code: 'INPUT_INVALID' }),
    );
  });

  it('reports a tag that is not semver as a warning, not an error', async () => {
    const meta = await computeMetadata(
      { tags: ['type=semver,pattern={{version}}'] },
      events.tag('sometag'),
      HELLO_WORLD,
      { now: NOW },
    );
    expect(meta.tags).toEqual([]);
    expect(meta.warnings).toEqual(['sometag is not a valid semver. More info: https://semver.org/']);
  });
});
