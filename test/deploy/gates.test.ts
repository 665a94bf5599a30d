import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { parseSmokeChecks } from '@deliverkit/deploy';
import { diffLines } from '../../packages/deploy/src/diff';
import { type KObject } from '../../packages/deploy/src/kube';
import { runCheck } from '../../packages/deploy/src/probes';
import { rolloutState } from '../../packages/deploy/src/rollout';

const dep = (generation: number, replicas: number, status: Record<string, unknown>): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web-green', generation },
  spec: { replicas },
  status,
});

describe('rolloutState (kubectl rollout status logic)', () => {
  it.each([
    [
      'the controller has not seen the generation',
      dep(2, 2, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }),
      false,
      /observe web-green generation 2/,
    ],
    [
      'replicas are still being updated',
      dep(1, 3, { observedGeneration: 1, updatedReplicas: 1, replicas: 3, availableReplicas: 3 }),
      false,
      /1 of 3 updated/,
    ],
    [
      'old replicas are terminating',
      dep(1, 2, { observedGeneration: 1, updatedReplicas: 2, replicas: 3, availableReplicas: 2 }),
      false,
      /1 old replicas/,
    ],
    [
      'updated replicas are not available yet',
      dep(1, 2, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 1 }),
      false,
      /1 of 2 updated replicas of web-green available/,
    ],
    [
      'everything is available',
      dep(1, 2, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }),
      true,
      /rolled out/,
    ],
  ])('when %s', (_, d, done, message) => {
    const s = rolloutState(d);
    expect(s.done).toBe(done);
    expect(s.message).toMatch(message);
  });

  it('fails on ProgressDeadlineExceeded', () => {
    const s = rolloutState(
      dep(1, 2, {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "x" has timed out progressing.',
          },
        ],
      }),
    );
    expect(s.failed).toMatch(/progress deadline/);
  });
});

describe('parseSmokeChecks', () => {
  it('reads checks with defaults', () => {
    const [a, b] = parseSmokeChecks(
      [
        { path: '/healthz' },
        {
          name: 'api',
          url: 'https://shop.example/api',
          'expect-status': [200, 204],
          'expect-body': '/ok|fine/',
          retries: 5,
          interval: '2s',
          timeout: '500ms',
          headers: { Host: 'x' },
        },
      ],
      'smoke-checks',
    );
    expect(a).toMatchObject({
      name: '/healthz',
      path: '/healthz',
      method: 'GET',
      expectStatus: [200],
      retries: 2,
      intervalMs: 1000,
      timeoutMs: 5000,
    });
    expect(b).toMatchObject({
      name: 'api',
      url: 'https://shop.example/api',
      expectStatus: [200, 204],
      expectBody: '/ok|fine/',
      retries: 5,
      intervalMs: 2000,
      timeoutMs: 500,
      headers: { Host: 'x' },
    });
  });

  it.each([
    [{ path: 'healthz' }, /path must start with \//],
    [{ path: '/a', url: 'http://x' }, /exactly one of path, url or command/],
    [{ command: 'curl http://x' }, /argument array/],
    [{ path: '/a', retries: -1 }, /retries/],
    [{ path: '/a', 'expect-status': 'ok' }, /expect-status/],
    [{ path: '/a', pth: 1 }, /unknown key "pth"/],
  ])('rejects %j', (check, message) => {
    expect(() => parseSmokeChecks([check], 'smoke-checks')).toThrowError(message);
    expect(() => parseSmokeChecks([check], 'smoke-checks')).toThrowError(InputError);
  });
});

describe('diffLines', () => {
  it('shows changed lines with context and elides the rest', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const b = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h'];
    expect(diffLines(a, b, 1)).toBe('  c\n- d\n+ D\n  e');
    expect(diffLines(a, a)).toBe('');
  });
});

describe('command checks', () => {
  const check = (code: string) =>
    parseSmokeChecks(
      [{ name: 'cmd', command: [process.execPath, '-e', code], retries: 1, interval: '10ms' }],
      'smoke-checks',
    )[0]!;
  const target = { phase: 'smoke' as const, namespace: 'shop', service: 'web-preview', color: 'green' };

  it('passes when the command exits 0, with the target in its environment (argv untouched by a shell)', async () => {
    const r = await runCheck(
      undefined,
      check(
        'process.exit(process.env.DELIVERKIT_SERVICE === "web-preview" && process.env.DELIVERKIT_COLOR === "green" ? 0 : 3)',
      ),
      target,
    );
    expect(r).toMatchObject({ ok: true, attempts: 1, phase: 'smoke', target: 'command' });
  });

  it('fails after its retries with the exit code and last output line', async () => {
    const r = await runCheck(undefined, check('console.error("db unreachable"); process.exit(4)'), target);
    expect(r).toMatchObject({ ok: false, attempts: 2, detail: 'exit 4: db unreachable' });
  });
});
