import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateFromLines, rewriteFromLines } from '../../packages/image-build/src/dockerfile';
import { runs } from '../support/fuzz';

// Property-based tests (#19) of the Dockerfile FROM rewriting (base images pinned by digest): whatever the
// Dockerfile a workflow author hands us, the rewrite changes the FROM lines and nothing else, keeps the line count
// (builder errors keep the user's line numbers), and reading the result back finds the pinned images.

const word = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,12}$/);
const image = fc
  .tuple(word, fc.option(word, { nil: undefined }))
  .map(([name, tag]) => (tag ? `${name}:${tag}` : name))
  .filter((i) => i !== 'scratch');
const eol = fc.constantFrom('\n', '\r\n');

const line = fc.oneof(
  fc
    .tuple(image, fc.option(word, { nil: undefined }), fc.boolean(), fc.boolean())
    .map(([img, stage, platform, cont]) => {
      const flag = platform ? '--platform=$BUILDPLATFORM ' : '';
      const as = stage ? ` AS ${stage}` : '';
      return cont ? `FROM ${flag}\\\n  ${img}${as}` : `FROM ${flag}${img}${as}`;
    }),
  word.map((w) => `RUN echo ${w} \\\n  && true`),
  word.map((w) => `ARG ${w.toUpperCase().replace(/[^A-Z]/g, 'X')}=1`),
  fc.constantFrom(
    '# FROM commented:out',
    '',
    'COPY . /src',
    'RUN echo "FROM inside a string"',
    'from lower:case',
  ),
  fc.string({ maxLength: 30 }).filter((s) => !/[\r\n\\]/.test(s) && !/^\s*(from|arg)\b/i.test(s)),
);

const dockerfile = fc.tuple(fc.array(line, { minLength: 1, maxLength: 12 }), eol, fc.boolean()).map(
  ([lines, nl, trailing]) =>
    lines
      .join(nl)
      .replace(/\n/g, nl.includes('\r') ? '\r\n' : '\n')
      .replace(/\r\r/g, '\r') + (trailing ? nl : ''),
);

describe('rewriteFromLines', () => {
  it('pins every FROM line, keeps every other line byte for byte and the line count', () => {
    fc.assert(
      fc.property(dockerfile, (text) => {
        const from = locateFromLines(text);
        const pins = new Map(
          from.map((_, i) => [i, `registry.test/pinned${i}@sha256:${String(i).padStart(64, '0')}`]),
        );
        const out = rewriteFromLines(text, pins);
        // Line numbers stay the user's: as many line breaks, and every line no FROM spans unchanged.
        expect(out.split('\n')).toHaveLength(text.split('\n').length);
        const before = text.split(/(?<=\n)/);
        const after = out.split(/(?<=\n)/);
        const touched = new Set(
          from.flatMap((f) => Array.from({ length: f.span[1] - f.span[0] + 1 }, (_, k) => f.span[0] + k)),
        );
        before.forEach((l, i) => {
          if (!touched.has(i)) expect(after[i]).toBe(l);
        });
        const reread = locateFromLines(out);
        expect(reread.map((f) => f.image)).toEqual([...pins.values()]);
        expect(reread.map((f) => f.stage)).toEqual(from.map((f) => f.stage));
      }),
      runs(500),
    );
  });

  it('never throws on any text, and refuses a FROM index it does not have', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.nat({ max: 5 }), (text, index) => {
        const from = locateFromLines(text);
        if (index < from.length) rewriteFromLines(text, new Map([[index, 'x@sha256:0']]));
        else expect(() => rewriteFromLines(text, new Map([[index, 'x']]))).toThrow(/no FROM line/);
      }),
      runs(500),
    );
  });
});
