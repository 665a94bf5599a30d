import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BaseError,
  ConfigurationError,
  InputError,
  run,
  runWithInputs,
  setOutputs,
} from '@deliverkit/action-kit';

let stdout: string[];
let outputFile: string;

beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  outputFile = path.join(mkdtempSync(path.join(tmpdir(), 'run-')), 'output');
  writeFileSync(outputFile, '');
  process.env.GITHUB_OUTPUT = outputFile;
  process.exitCode = undefined;
});

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.GITHUB_OUTPUT;
  delete process.env.STATE_isPost;
  process.exitCode = undefined;
});

const text = () => stdout.join('');

describe('run', () => {
  it('leaves the step green when main resolves', async () => {
    await run(async () => {});
    expect(process.exitCode).toBeUndefined();
  });

  it('reports a user error with its message only', async () => {
    await run(async () => {
      throw new InputError('image', 'Input "image" is required', 'INPUT_REQUIRED');
    });
    expect(process.exitCode).toBe(1);
    expect(text()).toContain('::error::Input "image" is required');
    expect(text()).not.toContain('Internal error');
  });

  it('reports a configuration error as a user error', async () => {
    await run(async () => {
      throw new ConfigurationError('MISSING_TOOL', 'buildx not found. Add docker/setup-buildx-action');
    });
    expect(text()).toContain('::error::buildx not found');
  });

  it('reports an anticipated domain failure with its message and the cause in debug', async () => {
    await run(async () => {
      throw new BaseError('DIGEST_MISMATCH', 'ghcr.io/acme/app: manifest digest does not match', {
        cause: new Error('sha256:aa != sha256:bb'),
      });
    });
    expect(process.exitCode).toBe(1);
    expect(text()).toContain('::error::ghcr.io/acme/app: manifest digest does not match');
    expect(text()).not.toContain('Internal error');
    expect(text()).toContain('::debug::caused by: sha256:aa != sha256:bb');
  });

  it('reports anything else as an internal error with the stack in debug', async () => {
    await run(async () => {
      throw new TypeError('boom');
    });
    expect(process.exitCode).toBe(1);
    expect(text()).toContain('::error::Internal error: boom');
    expect(text()).toMatch(/::debug::TypeError: boom/);
  });

  it.each([
    ['a string', 'plain text', 'plain text'],
    ['an object', { reason: 'x' }, '{"reason":"x"}'],
    ['undefined', undefined, 'undefined'],
  ])('fails the step even when %s is thrown', async (_label, thrown, shown) => {
    await run(async () => {
      throw thrown;
    });
    expect(process.exitCode).toBe(1);
    expect(text()).toContain(`::error::Internal error: ${shown}`);
  });

  it('runs post on the post step and main otherwise', async () => {
    const calls: string[] = [];
    const main = async () => void calls.push('main');
    const post = async () => void calls.push('post');
    await run(main, post);
    expect(text()).toContain('isPost');
    process.env.STATE_isPost = 'true';
    await run(main, post);
    expect(calls).toEqual(['main', 'post']);
  });
});

describe('setOutputs', () => {
  it('writes each value and one JSON record', async () => {
    setOutputs(
      { digest: 'sha256:abc', count: 2, ok: true, tags: ['a', 'b'], skipped: undefined },
      { json: 'json' },
    );
    const written = readFileSync(outputFile, 'utf8');
    const outputs = parseOutputFile(written);
    expect(outputs.digest).toBe('sha256:abc');
    expect(outputs.count).toBe('2');
    expect(outputs.ok).toBe('true');
    expect(JSON.parse(outputs.tags!)).toEqual(['a', 'b']);
    expect(outputs.skipped).toBeUndefined();
    expect(JSON.parse(outputs.json!)).toEqual({ digest: 'sha256:abc', count: 2, ok: true, tags: ['a', 'b'] });
  });
});

/** Parses GitHub's `name<<DELIMITER\nvalue\nDELIMITER` output file format. */
function parseOutputFile(content: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    while (lines[++i] !== m[2]) value.push(lines[i]!);
    result[m[1]!] = value.join('\n');
  }
  return result;
}

describe('runWithInputs', () => {
  it('fails on a bad input without loading the module that does the work', async () => {
    const load = vi.fn(async () => ({ main: async () => {} }));
    await runWithInputs(() => {
      throw new InputError('image', 'Input "image" is required', 'INPUT_REQUIRED');
    }, load);
    expect(load).not.toHaveBeenCalled();
    expect(process.exitCode).toBe(1);
    expect(text()).toContain('::error::Input "image" is required');
  });

  it('hands the inputs it read to the loaded main, whose failures are reported as run reports them', async () => {
    const seen: unknown[] = [];
    await runWithInputs(
      () => ({ image: 'ghcr.io/acme/app' }),
      async () => ({
        main: async (inputs: { image: string }) => {
          seen.push(inputs);
          throw new ConfigurationError('MISSING_TOOL', 'syft not found');
        },
      }),
    );
    expect(seen).toEqual([{ image: 'ghcr.io/acme/app' }]);
    expect(text()).toContain('::error::syft not found');
  });
});
