import { describe, expect, it } from 'vitest';
import { leaseHolder, resolveGitopsRepository } from '@deliverkit/deploy';
import { supersedes } from '../../packages/deploy/src/lock';

describe('leaseHolder', () => {
  it.each([
    [
      { repository: 'octo/shop', runId: '123', runAttempt: '2', job: 'deploy' },
      'octo/shop/runs/123/attempts/2/jobs/deploy',
    ],
    [{ repository: 'octo/shop', runId: '7' }, 'octo/shop/runs/7/attempts/1/jobs/local'],
  ])('names the job that holds the lock: %j', (job, holder) => {
    expect(leaseHolder(job)).toBe(holder);
  });

  it('outside Actions names this process, and a re-run attempt supersedes the earlier one', () => {
    expect(leaseHolder({})).toBe(`local/runs/${process.pid}/attempts/1/jobs/local`);
    const first = leaseHolder({ repository: 'o/r', runId: '9', runAttempt: '1', job: 'deploy' });
    const again = leaseHolder({ repository: 'o/r', runId: '9', runAttempt: '2', job: 'deploy' });
    expect(supersedes(again, first)).toBe(true);
    expect(supersedes(first, again)).toBe(false);
  });
});

describe('resolveGitopsRepository', () => {
  it.each([
    ['octo/infra', { url: 'https://github.example/octo/infra.git', slug: 'octo/infra' }],
    ['https://git.example/octo/infra.git', { url: 'https://git.example/octo/infra.git' }],
    ['/tmp/infra.git', { url: '/tmp/infra.git' }],
  ])('%s', (repo, expected) => {
    expect(resolveGitopsRepository(repo, 'https://github.example')).toEqual(expected);
  });
});
