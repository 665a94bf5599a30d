import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { parseReference } from '@deliverkit/oci';
import { parseTokenResponse, parseWwwAuthenticate } from '../../packages/oci/src/auth';
import { runs } from '../support/fuzz';

// Property-based tests (#19) of what a registry or a workflow author hands the OCI client: references,
// WWW-Authenticate challenges and token answers. Any input ends in a value or the parser's own error, quickly.

const RUNS = runs(500);
const alnum = fc.stringMatching(/^[a-z0-9]{1,10}$/);

describe('parseReference', () => {
  it('any string gives a reference or an error naming the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        try {
          const ref = parseReference(raw, { input: 'image' });
          expect(typeof ref.registry).toBe('string');
          expect(ref.repository.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(InputError);
          expect((e as InputError).input).toBe('image');
        }
      }),
      RUNS,
    );
  });

  it('a generated valid reference parses to its parts', () => {
    const reference = fc.record({
      host: fc.constantFrom('ghcr.io', 'localhost:5000', '127.0.0.1:1234', 'registry.example.com'),
      path: fc.array(alnum, { minLength: 1, maxLength: 4 }),
      tag: fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined }),
      digest: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
    });
    fc.assert(
      fc.property(reference, ({ host, path, tag, digest }) => {
        const raw = `${host}/${path.join('/')}${tag ? `:${tag}` : ''}${digest ? `@sha256:${digest}` : ''}`;
        const ref = parseReference(raw);
        expect(ref.registry).toBe(host);
        expect(ref.repository).toBe(path.join('/'));
        if (digest) expect(ref.digest).toBe(`sha256:${digest}`);
        if (tag) expect(ref.tag).toBe(tag);
      }),
      RUNS,
    );
  });

  it('stays fast on long adversarial strings (no catastrophic backtracking)', () => {
    const started = Date.now();
    for (const raw of [
      `${'a'.repeat(50_000)}!`,
      `${'a-'.repeat(25_000)}/`,
      `${'a.'.repeat(25_000)}:`,
      `${'a/'.repeat(25_000)}@sha256:`,
      `h/${'a__'.repeat(20_000)}-`,
    ]) {
      try {
        parseReference(raw);
      } catch {
        // refused: fine
      }
    }
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('parseWwwAuthenticate', () => {
  it('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (header) => {
        const challenges = parseWwwAuthenticate(header);
        for (const c of challenges) expect(typeof c.scheme).toBe('string');
      }),
      RUNS,
    );
  });

  it('reads back the params of a generated challenge, quoted with escapes', () => {
    const value = fc.string({ maxLength: 30 }).filter((v) => !/[\r\n]/.test(v));
    fc.assert(
      fc.property(
        fc.constantFrom('Bearer', 'Basic'),
        fc.dictionary(alnum, value, { maxKeys: 5 }),
        (scheme, params) => {
          const header = `${scheme} ${Object.entries(params)
            .map(([k, v]) => `${k}="${v.replace(/["\\]/g, (c) => `\\${c}`)}"`)
            .join(', ')}`;
          const [challenge] = parseWwwAuthenticate(header);
          expect(challenge?.scheme).toBe(scheme.toLowerCase());
          expect(challenge?.params).toEqual(params);
        },
      ),
      RUNS,
    );
  });

  it('stays fast on a long header of separators', () => {
    const started = Date.now();
    parseWwwAuthenticate(`Bearer ${',='.repeat(100_000)}`);
    parseWwwAuthenticate(`Bearer realm="${'\\'.repeat(200_000)}`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('parseTokenResponse', () => {
  it('any body gives a token or an Error saying what is wrong', () => {
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
      fc
        .record(
          { token: fc.anything(), access_token: fc.anything(), expires_in: fc.anything() },
          { requiredKeys: [] },
        )
        .map((v) => {
          try {
            return JSON.stringify(v) ?? '{}';
          } catch {
            return '{}';
          }
        }),
    );
    fc.assert(
      fc.property(body, (text) => {
        try {
          const token = parseTokenResponse(text, 0);
          expect(typeof token.token).toBe('string');
          expect(token.token.length).toBeGreaterThan(0);
          expect(Number.isFinite(token.expiresAt)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect(e).not.toBeInstanceOf(TypeError);
        }
      }),
      RUNS,
    );
  });

  it('replays test/fixtures/hostile/token-null.json: an Error saying so, not a TypeError', () => {
    const body = readFileSync(path.join(__dirname, '..', 'fixtures', 'hostile', 'token-null.json'), 'utf8');
    expect(() => parseTokenResponse(body)).toThrow(/not a JSON object/);
  });
});
