import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { parseTagRule } from '../../packages/meta/src/rules';
import { renderWith } from '../../packages/meta/src/expressions';
import { runs } from '../support/fuzz';

// Property-based tests (#19) of tag templates, which a workflow author writes and Handlebars renders: any entry
// parses to a rule or an InputError naming `tags`, and no template reaches beyond the values it is given.

describe('parseTagRule', () => {
  it('any entry is a rule or an InputError naming tags', () => {
    const field = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        'type=ref',
        'type=semver',
        'type=raw',
        'event=tag',
        'pattern={{version}}',
        'enable=false',
        'value=',
      ),
    );
    fc.assert(
      fc.property(fc.array(field, { maxLength: 6 }), (fields) => {
        try {
          const rule = parseTagRule(fields.join(','));
          expect(typeof rule.type).toBe('string');
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(InputError);
          expect((e as InputError).input).toBe('tags');
        }
      }),
      runs(500),
    );
  });
});

describe('tag templates (Handlebars)', () => {
  it('cannot reach prototypes, constructors or the process', () => {
    const path = fc.constantFrom(
      'constructor',
      'constructor.constructor',
      '__proto__',
      '__proto__.constructor',
      'version.constructor',
      'toString',
      'hasOwnProperty',
      'process',
      'global',
      'this.constructor',
      'lookup this "constructor"',
    );
    fc.assert(
      fc.property(path, fc.string({ maxLength: 10 }), (expr, prefix) => {
        let out: string;
        try {
          out = renderWith(`${prefix.replace(/[{}\\]/g, '')}{{${expr}}}`, { version: '1.2.3' });
        } catch {
          return; // refused: fine
        }
        expect(out).not.toMatch(/function|native code|\[object/);
        expect(out).toBe(prefix.replace(/[{}\\]/g, ''));
      }),
      runs(300),
    );
  });
});
