import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InputError,
  getBoolean,
  getDuration,
  getEnum,
  getImageReference,
  getInteger,
  getList,
  getRequiredString,
  getString,
  getStructured,
} from '@deliverkit/action-kit';
import { parseKeyValues, parseWith, readRaw, type ReadOptions } from '@deliverkit/action-kit';

// How an action reads a KEY=value or custom-parsed input (no action does yet, so no product reader does either).
const getKeyValues = (name: string, options: ReadOptions = {}) => {
  const raw = readRaw(name, options);
  return raw === undefined ? {} : parseKeyValues(name, raw, options);
};
const getParsed = <T>(name: string, parse: (value: string) => T, options: ReadOptions = {}) => {
  const raw = readRaw(name, options);
  return raw === undefined ? undefined : parseWith(name, raw, parse, options);
};

const envName = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
const set = (name: string, value: string) => {
  process.env[envName(name)] = value;
};

afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  vi.restoreAllMocks();
});

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('strings', () => {
  it('returns undefined for an absent or blank optional input, never an empty string', () => {
    expect(getString('tag')).toBeUndefined();
    set('tag', '   ');
    expect(getString('tag')).toBeUndefined();
  });

  it('trims a given value', () => {
    set('tag', '  v1 ');
    expect(getString('tag')).toBe('v1');
  });

  it('names the input when a required one is missing', () => {
    const e = inputError(() => getRequiredString('image'));
    expect(e.code).toBe('INPUT_REQUIRED');
    expect(e.input).toBe('image');
    expect(e.message).toContain('"image"');
  });

  it('masks a secret input as soon as it is read', () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    set('password', 'hunter2');
    expect(getRequiredString('password', { secret: true })).toBe('hunter2');
    expect(writes.join('')).toContain('::add-mask::hunter2');
  });
});

describe('booleans (YAML 1.2 core)', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('reads %s as %s', (raw, expected) => {
    set('push', raw);
    expect(getBoolean('push', !expected)).toBe(expected);
  });

  it('uses the default when absent', () => {
    expect(getBoolean('push', true)).toBe(true);
  });

  it.each(['yes', 'no', '1', 'on', 'tru'])('rejects %s, naming the input and the value', (raw) => {
    set('push', raw);
    const e = inputError(() => getBoolean('push', false));
    expect(e.input).toBe('push');
    expect(e.message).toContain(`"${raw}"`);
  });
});

describe('integers', () => {
  it.each([
    ['4', 4],
    ['0', 0],
    ['-3', -3],
    ['+7', 7],
  ])('reads %s', (raw, expected) => {
    set('n', raw);
    expect(getInteger('n')).toBe(expected);
  });

  it('uses the default when absent', () => {
    expect(getInteger('n', { default: 4 })).toBe(4);
  });

  it.each([
    ['4.5', 'whole number'],
    ['abc', 'whole number'],
    ['', undefined],
    ['99999999999999999999', 'out of range'],
    ['0', 'at least 1'],
    ['65', 'at most 64'],
  ])('rejects %s', (raw, fragment) => {
    set('concurrency', raw);
    if (fragment === undefined) {
      expect(getInteger('concurrency', { min: 1, max: 64 })).toBeUndefined();
      return;
    }
    const e = inputError(() => getInteger('concurrency', { min: 1, max: 64 }));
    expect(e.message).toContain(fragment);
    expect(e.message).toContain('"concurrency"');
  });
});

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['30', 30_000],
  ])('reads %s as %d ms', (raw, ms) => {
    set('timeout', raw);
    expect(getDuration('timeout')).toBe(ms);
  });

  it('uses the default when absent', () => {
    expect(getDuration('timeout', '5m')).toBe(300_000);
  });

  it.each(['10 minutes', 'm10', '10x', '-5s', '1h 30m', 's'])('rejects %s', (raw) => {
    set('timeout', raw);
    const e = inputError(() => getDuration('timeout'));
    expect(e.message).toContain('duration');
    expect(e.message).toContain(JSON.stringify(raw));
  });
});

describe('enums', () => {
  const modes = ['sign', 'verify'] as const;
  it('accepts an allowed value', () => {
    set('mode', 'verify');
    expect(getEnum('mode', modes, 'sign')).toBe('verify');
  });
  it('uses the default when absent', () => {
    expect(getEnum('mode', modes, 'sign')).toBe('sign');
  });
  it('lists the allowed values when the value is not one of them', () => {
    set('mode', 'Sign');
    const e = inputError(() => getEnum('mode', modes, 'sign'));
    expect(e.message).toContain('sign, verify');
    expect(e.message).toContain('"Sign"');
  });
});

describe('lists', () => {
  it('splits lines, drops blanks and comments', () => {
    set('destinations', 'a:1\n\n  # comment\n b:2 \r\nc:3');
    expect(getList('destinations')).toEqual(['a:1', 'b:2', 'c:3']);
  });
  it('also splits on commas when asked', () => {
    set('platforms', 'linux/amd64, linux/arm64\nlinux/s390x');
    expect(getList('platforms', { comma: true })).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
  });
  it('is empty when absent', () => {
    expect(getList('platforms')).toEqual([]);
  });
});

describe('key=value maps', () => {
  it('reads pairs and keeps = inside values', () => {
    set('build-args', 'A=1\nB=x=y\nEMPTY=');
    expect(getKeyValues('build-args')).toEqual({ A: '1', B: 'x=y', EMPTY: '' });
  });
  it('rejects a line without a key', () => {
    set('build-args', 'A=1\n=2');
    expect(inputError(() => getKeyValues('build-args')).message).toContain('KEY=value');
  });
  it('rejects a duplicate key', () => {
    set('build-args', 'A=1\nA=2');
    expect(inputError(() => getKeyValues('build-args')).message).toContain('"A" twice');
  });
  it('never quotes a secret value', () => {
    set('secrets', 'token-without-equals-s3cr3t');
    const e = inputError(() => getKeyValues('secrets', { secret: true }));
    expect(e.message).not.toContain('s3cr3t');
  });
});

describe('structured (YAML/JSON) inputs', () => {
  it('reads YAML', () => {
    set('registry-auths', '- registry: ghcr.io\n  username: me\n  password: pw\n');
    expect(getStructured('registry-auths')).toEqual([
      { registry: 'ghcr.io', username: 'me', password: 'pw' },
    ]);
  });
  it('reads JSON', () => {
    set('record', '{"a": [1, 2]}');
    expect(getStructured('record')).toEqual({ a: [1, 2] });
  });
  it('rejects invalid YAML and says where', () => {
    set('record', 'a: [1, 2');
    expect(inputError(() => getStructured('record')).message).toContain('not valid YAML');
  });
  it('rejects duplicate keys', () => {
    set('record', 'a: 1\na: 2\n');
    expect(() => getStructured('record')).toThrow(InputError);
  });
  it('rejects an input over the size limit', () => {
    set('record', `a: ${'x'.repeat(2000)}`);
    expect(inputError(() => getStructured('record', { maxBytes: 1000 })).code).toBe('INPUT_TOO_LARGE');
  });
  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    const names = 'bcdefghij'.split('');
    let prev = 'a';
    for (const n of names) {
      lines.push(
        `${n}: &${n} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      );
      prev = n;
    }
    set('record', lines.join('\n'));
    const e = inputError(() => getStructured('record'));
    expect(e.input).toBe('record');
  });
  it('does not quote a secret document in its error', () => {
    set('registry-auths', 'password: "p4ss\n');
    const e = inputError(() => getStructured('registry-auths', { secret: true }));
    expect(e.message).not.toContain('p4ss');
  });
});

describe('image references', () => {
  it.each([
    'nginx',
    'nginx:1.27',
    'library/nginx:latest',
    'ghcr.io/acme/app:v1.2.3',
    'localhost:5000/app@sha256:' + 'a'.repeat(64),
    '127.0.0.1:5000/team/app:tag@sha256:' + 'b'.repeat(64),
    'registry.example.com/a/b/c',
  ])('accepts %s', (raw) => {
    set('image', raw);
    expect(getImageReference('image', { required: true })).toBe(raw);
  });

  it.each([
    'acme/UPPER',
    'app:',
    'app@sha256:short',
    'app:tag with space',
    'https://ghcr.io/acme/app',
    'app::tag',
    '-app',
    'a'.repeat(256),
  ])('rejects %s, naming input and value', (raw) => {
    set('image', raw);
    const e = inputError(() => getImageReference('image', { required: true }));
    expect(e.input).toBe('image');
    expect(e.message).toContain('not a valid image reference');
  });

  it('is undefined when optional and absent', () => {
    expect(getImageReference('image')).toBeUndefined();
  });
});

describe('custom parsers', () => {
  it('wraps a parser error into an InputError naming the input and value', () => {
    set('platform', 'linux');
    const e = inputError(() =>
      getParsed('platform', (v) => {
        if (!v.includes('/')) throw new Error('expected os/arch');
        return v;
      }),
    );
    expect(e.message).toContain('"platform"');
    expect(e.message).toContain('expected os/arch');
    expect(e.message).toContain('"linux"');
  });
  it('keeps an InputError thrown by the parser', () => {
    set('x', 'v');
    const original = new InputError('x', 'custom');
    expect(() =>
      getParsed('x', () => {
        throw original;
      }),
    ).toThrow(original);
  });
});
