import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  InputError,
  LimitError,
  parseLimits,
  resolveLimits,
} from '../../packages/action-kit/src';
import { parseStructured } from '../../packages/action-kit/src/inputs';
import { LIMITS } from '../../packages/action-kit/src/limits';

const HOSTILE = path.join(__dirname, '..', 'fixtures', 'hostile');

describe('parseLimits', () => {
  it.each([
    ['layer-unpacked-bytes=64GiB', { 'layer-unpacked-bytes': 64 * 1024 ** 3 }],
    ['file-bytes: 1.5 GiB', { 'file-bytes': 1.5 * 1024 ** 3 }],
    ['manifest-bytes=500KB, referrers=5000', { 'manifest-bytes': 500_000, referrers: 5000 }],
    ['# a comment\nredirects=10\n\narchive-depth=6', { redirects: 10, 'archive-depth': 6 }],
    ['layer-compression-ratio=100', { 'layer-compression-ratio': 100 }],
  ])('%j → %j', (raw, expected) => {
    expect(parseLimits('limits', raw)).toEqual(expected);
  });

  it.each([
    ['no-such-limit=1', /unknown limit "no-such-limit".*layer-unpacked-bytes/],
    ['yaml-bytes=10MiB', /unknown limit "yaml-bytes"/],
    ['referrers=10MiB', /"MiB" is not a unit for referrers/],
    ['file-bytes=0', /file-bytes must be a positive number/],
    ['file-bytes=lots', /expected name=value/],
    ['file-bytes=99999999999999999999', /file-bytes must be a positive number/],
  ])('refuses %j naming the input', (raw, message) => {
    const err = (() => {
      try {
        return parseLimits('limits', raw);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).input).toBe('limits');
    expect((err as Error).message).toMatch(message);
  });

  it('every limit has a positive default', () => {
    for (const [name, spec] of Object.entries(LIMITS)) {
      expect(spec.default, name).toBeGreaterThan(0);
      expect(DEFAULT_LIMITS[name as keyof typeof LIMITS]).toBe(spec.default);
    }
  });

  // file-bytes over every cataloger's own default is the SBOM indexer's (test/sbom/limits.test.ts).
  it('overrides apply over the defaults', () => {
    expect(resolveLimits({ redirects: 1 }).redirects).toBe(1);
    expect(resolveLimits({ redirects: 1 })['manifest-bytes']).toBe(DEFAULT_LIMITS['manifest-bytes']);
  });
});

describe('LimitError', () => {
  it('names the limit, its value, the object and how to raise it', () => {
    const e = new LimitError('layer-unpacked-bytes', 32 * 1024 ** 3, 'layer sha256:abc', 'unpacked 40 GB');
    expect(e.code).toBe('LIMIT_EXCEEDED');
    expect(e.message).toBe(
      'layer sha256:abc: unpacked 40 GB, over the layer-unpacked-bytes limit (32 GiB: bytes one layer unpacks to); ' +
        'if the content is legitimate, raise it with the action input `limits: layer-unpacked-bytes=<larger>`',
    );
    expect(new LimitError('yaml-depth', 64, 'input x').message).toMatch(/cannot be raised/);
  });
});

describe('parseStructured bounds', () => {
  it('refuses a document nested deeper than yaml-depth, naming the input', () => {
    const deep = `${'- '.repeat(1)}${'['.repeat(70)}${']'.repeat(70)}`;
    expect(() => parseStructured('registry-auths', deep)).toThrow(/registry-auths.*yaml-depth/);
    const ok = `${'['.repeat(60)}${']'.repeat(60)}`;
    expect(parseStructured('x', ok)).toBeInstanceOf(Array);
  });

  it('refuses ten thousand nested brackets, or compact sequences, as an InputError before parsing', () => {
    const raw = readFileSync(path.join(HOSTILE, 'yaml-deep-flow.yaml'), 'utf8');
    expect(() => parseStructured('smoke-checks', raw)).toThrow(/smoke-checks.*yaml-depth/);
    expect(() => parseStructured('smoke-checks', `${'- '.repeat(10_000)}x`)).toThrow(/yaml-depth/);
    expect(() => parseStructured('smoke-checks', `a: {b: [${'{c: ['.repeat(20_000)}`)).toThrow(/yaml-depth/);
  });

  it('survives the input that once aborted the process, after warm-up parses as in the crash', () => {
    // The abort needs the parser's regular expressions warmed up first (tier-up), so run it in a fresh process.
    const script = [
      "import { parseStructured } from './packages/action-kit/src/inputs.ts';",
      "import { readFileSync } from 'node:fs';",
      "for (const n of [100, 1000]) { try { parseStructured('x', '['.repeat(n) + ']'.repeat(n)); } catch {} }",
      "try { parseStructured('x', readFileSync('test/fixtures/hostile/yaml-deep-flow.yaml', 'utf8')); } catch (e) { console.log(e.constructor.name); }",
    ].join('\n');
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.stderr).not.toMatch(/FATAL ERROR/);
    expect(res.stdout.trim()).toBe('InputError');
  });

  it('refuses a billion-laughs document at yaml-aliases', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    expect(() => parseStructured('values', lines.join('\n'))).toThrow(/values.*yaml-aliases/);
  });

  it('refuses more than yaml-bytes', () => {
    expect(() => parseStructured('values', `a: "${'x'.repeat(1024 * 1024)}"`)).toThrow(/yaml-bytes/);
  });
});
