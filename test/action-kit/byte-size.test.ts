import { describe, expect, it } from 'vitest';
import { InputError, parseByteSize } from '@deliverkit/action-kit';

describe('parseByteSize', () => {
  it.each([
    ['16MiB', 16 * 1024 * 1024],
    ['8MB', 8_000_000],
    ['1048576', 1048576],
    [' 1.5 KiB ', 1536],
  ])('reads %s', (raw, bytes) => {
    expect(parseByteSize('chunk-size', raw)).toBe(bytes);
  });

  it.each(['big', '0', '-1MiB', '12 parsecs', ''])('refuses %j, naming the input', (raw) => {
    expect(() => parseByteSize('chunk-size', raw)).toThrow(InputError);
    expect(() => parseByteSize('chunk-size', raw)).toThrow(/Input "chunk-size" must be a size such as 16MiB/);
  });

  it('holds the lower bound', () => {
    expect(() => parseByteSize('chunk-size', '1KiB', { min: 65536 })).toThrow(
      /at least 65536 bytes, got 1024/,
    );
  });
});
