import { describe, expect, it } from 'vitest';
import { CommandInvocationError, exec } from '@deliverkit/action-kit';
import { ConsoleLogger } from '../support/console-logger';

const node = process.execPath;

describe('exec', () => {
  it('passes arguments as an array, untouched by any shell', async () => {
    const tricky = ['$(echo pwned)', 'a b', '"quoted"', ';rm -rf /', '*'];
    const res = await exec(node, [
      '-e',
      'process.stdout.write(JSON.stringify(process.argv.slice(1)))',
      ...tricky,
    ]);
    expect(JSON.parse(res.stdout)).toEqual(tricky);
  });

  it('delivers stdin input (the channel for secrets) and closes it', async () => {
    const res = await exec(
      node,
      ['-e', 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(s.toUpperCase()))'],
      {
        input: 'secret-value',
      },
    );
    expect(res.stdout).toBe('SECRET-VALUE');
  });

  it('merges extra environment and removes undefined keys', async () => {
    process.env.DELIVERKIT_EXEC_TEST = 'present';
    const res = await exec(
      node,
      ['-e', 'process.stdout.write(`${process.env.FOO}|${process.env.DELIVERKIT_EXEC_TEST}`)'],
      {
        env: { FOO: 'bar', DELIVERKIT_EXEC_TEST: undefined },
      },
    );
    delete process.env.DELIVERKIT_EXEC_TEST;
    expect(res.stdout).toBe('bar|undefined');
  });

  describe('when the command exits non-zero', () => {
    it('throws CommandInvocationError with cmd, args, exit code and the last stderr line', async () => {
      const err = await exec(node, [
        '-e',
        'console.error("first");console.error("the real reason\\n");process.exit(3)',
      ]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CommandInvocationError);
      const e = err as CommandInvocationError;
      expect(e.code).toBe('COMMAND_FAILED');
      expect(e.exitCode).toBe(3);
      expect(e.cmd).toBe(node);
      expect(e.args[0]).toBe('-e');
      expect(e.message).toMatch(/exited with code 3: the real reason$/);
    });

    it('returns the result instead when asked to ignore the return code', async () => {
      const res = await exec(node, ['-e', 'process.exit(2)'], { ignoreReturnCode: true });
      expect(res.exitCode).toBe(2);
    });
  });

  it('reports a missing command as COMMAND_NOT_FOUND', async () => {
    const err = (await exec('definitely-not-a-command-xyz', []).catch(
      (e: unknown) => e,
    )) as CommandInvocationError;
    expect(err).toBeInstanceOf(CommandInvocationError);
    expect(err.code).toBe('COMMAND_NOT_FOUND');
    expect(err.exitCode).toBeNull();
  });

  it('streams output lines into a log group', async () => {
    const lines: string[] = [];
    const logger = new ConsoleLogger({ write: (l) => lines.push(l) });
    await exec(node, ['-e', 'console.log("one");console.error("two");process.stdout.write("three")'], {
      stream: true,
      group: 'build linux/arm64',
      logger,
    });
    expect(lines[0]).toBe('▶ build linux/arm64');
    expect(lines).toEqual(expect.arrayContaining(['one', 'two', 'three']));
    expect(lines.at(-1)).toMatch(/^◀ build linux\/arm64 \(\d+\.\ds\)$/);
  });

  it('kills a command that runs past its timeout', async () => {
    const res = await exec(node, ['-e', 'setTimeout(()=>{}, 10000)'], {
      timeoutMs: 200,
      ignoreReturnCode: true,
    });
    expect(res.exitCode).not.toBe(0);
    expect(res.stderr).toContain('killed by SIGTERM');
  });
});
