import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it, vi } from 'vitest';
import { computeDigest } from '@deliverkit/oci-core';
import { VerifyingStream } from '../../packages/oci/src/digest';
import { SpoolError } from '../../packages/oci/src/errors';
import { fanOut } from '../../packages/oci/src/fan-out';
import { KeyedMutex, KeyedSemaphores, Semaphore } from '../../packages/oci/src/limiter';

function collect(): { sink: Writable; data: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 4,
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk);
      setImmediate(cb);
    },
  });
  return { sink, data: () => Buffer.concat(chunks) };
}

/** A sink that takes nothing until opened. */
function gated(): { sink: Writable; data: () => Buffer; open: () => void } {
  const chunks: Buffer[] = [];
  let opened = false;
  const held: (() => void)[] = [];
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk);
      if (opened) setImmediate(cb);
      else held.push(cb);
    },
  });
  return {
    sink,
    data: () => Buffer.concat(chunks),
    open: () => {
      opened = true;
      for (const cb of held.splice(0)) cb();
    },
  };
}

describe('fanOut', () => {
  it('writes every byte to every sink', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000, i));
    const a = collect();
    const b = collect();
    await fanOut(Readable.from(parts), [a.sink, b.sink]);
    expect(a.data().equals(Buffer.concat(parts))).toBe(true);
    expect(b.data().equals(Buffer.concat(parts))).toBe(true);
  });

  it('also writes the spool, and resolves only when it is flushed', async () => {
    const parts = Array.from({ length: 10 }, (_, i) => Buffer.alloc(500, i));
    const spool = collect();
    const upload = collect();
    await fanOut(Readable.from(parts), [upload.sink], spool.sink);
    expect(spool.data().equals(Buffer.concat(parts))).toBe(true);
    expect(upload.data().length).toBe(5000);
  });

  describe('when one sink fails midway', () => {
    it('detaches it and keeps feeding the others', async () => {
      const parts = Array.from({ length: 20 }, (_, i) => Buffer.alloc(100, i));
      const spool = collect();
      const dying = new PassThrough({ highWaterMark: 10 });
      setTimeout(() => dying.destroy(new Error('upload broke')), 5);
      await fanOut(Readable.from(parts), [dying], spool.sink);
      expect(spool.data().length).toBe(2000);
    });
  });

  describe('when the spool file cannot be written', () => {
    it('rejects with SPOOL_WRITE_FAILED and destroys the uploads', async () => {
      const parts = Array.from({ length: 20 }, (_, i) => Buffer.alloc(100, i));
      const spool = new Writable({
        write: (_chunk, _e, cb) => cb(new Error('ENOSPC: no space left on device')),
      });
      const upload = new PassThrough({ highWaterMark: 1 << 20 });
      const error = await fanOut(Readable.from(parts), [upload], spool).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SpoolError);
      expect((error as SpoolError).code).toBe('SPOOL_WRITE_FAILED');
      expect(upload.destroyed).toBe(true);
    });
  });

  describe('with a spill file, when one sink is much slower than the other', () => {
    it('feeds the fast sink at its own pace and the slow one, from the file, with every byte; then removes the file', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'fan-out-'));
      const spillPath = path.join(dir, 'blob.spill');
      const parts = Array.from({ length: 64 }, (_, i) => Buffer.alloc(16 * 1024, i));
      const fast = collect();
      const slow = gated();
      await fanOut(Readable.from(parts), [fast.sink, slow.sink], undefined, {
        spillPath,
        lagBytes: 64 * 1024,
      });
      // The source is read through and the fast sink has everything while the slow one has taken little.
      expect(fast.data().equals(Buffer.concat(parts))).toBe(true);
      expect(slow.data().length).toBeLessThan(256 * 1024);
      expect(existsSync(spillPath)).toBe(true);
      slow.open();
      await finished(slow.sink);
      expect(slow.data().equals(Buffer.concat(parts))).toBe(true);
      await vi.waitFor(() => expect(existsSync(spillPath)).toBe(false));
      await rm(dir, { recursive: true, force: true });
    });

    it('paces with a sink that is slower but about as fast (no disk for what it is about to take)', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'fan-out-'));
      const spillPath = path.join(dir, 'blob.spill');
      const parts = Array.from({ length: 256 }, (_, i) => Buffer.alloc(16 * 1024, i));
      const fast = collect();
      // Takes a chunk per one or two turns of the event loop, alternately: two thirds of the fast one's rate.
      const chunks: Buffer[] = [];
      let n = 0;
      const slower = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _e, cb) {
          chunks.push(chunk);
          if (n++ % 2 === 0) setImmediate(cb);
          else setImmediate(() => setImmediate(cb));
        },
      });
      await fanOut(Readable.from(parts), [fast.sink, slower], undefined, { spillPath, lagBytes: 64 * 1024 });
      // Written directly to the end: it had every byte when the input was through, none was left in a file.
      // (The chunk in its write counts in both.)
      expect(Buffer.concat(chunks).length + slower.writableLength).toBeGreaterThanOrEqual(256 * 16 * 1024);
      await finished(slower);
      expect(Buffer.concat(chunks).equals(Buffer.concat(parts))).toBe(true);
      expect(fast.data().equals(Buffer.concat(parts))).toBe(true);
      expect(existsSync(spillPath)).toBe(false);
      await rm(dir, { recursive: true, force: true });
    });

    it('never spills a single sink: it sets the pace', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'fan-out-'));
      const spillPath = path.join(dir, 'blob.spill');
      const parts = Array.from({ length: 64 }, (_, i) => Buffer.alloc(16 * 1024, i));
      const slow = gated();
      let done = false;
      const copying = fanOut(Readable.from(parts), [slow.sink], undefined, {
        spillPath,
        lagBytes: 64 * 1024,
      }).then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(done).toBe(false);
      expect(existsSync(spillPath)).toBe(false);
      slow.open();
      await copying;
      await finished(slow.sink);
      expect(slow.data().equals(Buffer.concat(parts))).toBe(true);
      await rm(dir, { recursive: true, force: true });
    });

    it('destroys the sink fed from the file when the input fails after it fell behind', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'fan-out-'));
      const spillPath = path.join(dir, 'blob.spill');
      async function* failing(): AsyncGenerator<Buffer> {
        for (let i = 0; i < 32; i++) yield Buffer.alloc(16 * 1024, i);
        throw new Error('digest does not match');
      }
      const fast = collect();
      const slow = gated();
      await expect(
        fanOut(failing(), [fast.sink, slow.sink], undefined, { spillPath, lagBytes: 64 * 1024 }),
      ).rejects.toThrow(/does not match/);
      expect(slow.sink.destroyed).toBe(true);
      expect(fast.sink.destroyed).toBe(true);
      await vi.waitFor(() => expect(existsSync(spillPath)).toBe(false));
      await rm(dir, { recursive: true, force: true });
    });
  });

  describe('when the input fails (e.g. digest mismatch)', () => {
    it('rejects and destroys the sinks', async () => {
      const input = Readable.from([Buffer.from('abc')]).pipe(new VerifyingStream(computeDigest('xyz'), 3));
      const spool = collect();
      const sink = new PassThrough();
      await expect(fanOut(input, [spool.sink, sink])).rejects.toThrow(/does not match/);
      expect(sink.destroyed).toBe(true);
    });
  });
});

describe('VerifyingStream', () => {
  it('passes verified content', async () => {
    const out: Buffer[] = [];
    for await (const c of Readable.from([Buffer.from('ab'), Buffer.from('c')]).pipe(
      new VerifyingStream(computeDigest('abc'), 3),
    ))
      out.push(c);
    expect(Buffer.concat(out).toString()).toBe('abc');
  });
  it('fails early on more bytes than the descriptor size, holding back the last chunk', async () => {
    const out: Buffer[] = [];
    const run = async () => {
      for await (const c of Readable.from([Buffer.from('ab'), Buffer.from('cd')]).pipe(
        new VerifyingStream(computeDigest('abc'), 3),
      ))
        out.push(c);
    };
    await expect(run()).rejects.toThrow(/expected 3 bytes/);
    expect(Buffer.concat(out).toString()).toBe('');
  });
});

describe('Semaphore', () => {
  it('never runs more than the limit at once, FIFO', async () => {
    const s = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        s.use(async () => {
          running++;
          peak = Math.max(peak, running);
          order.push(i);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('acquireAll on overlapping hosts does not deadlock', async () => {
    const k = new KeyedSemaphores(1);
    const work = async (keys: string[]) => {
      const release = await k.acquireAll(keys);
      await new Promise((r) => setTimeout(r, 2));
      release();
    };
    await Promise.all([work(['a', 'b']), work(['b', 'a']), work(['a', 'a', 'b']), work(['b'])]);
    expect(k.get('a').inUse + k.get('b').inUse).toBe(0);
  });

  it('acquireAll frees one key early (a host the task is done with) and the rest once', async () => {
    const k = new KeyedSemaphores(2);
    const release = await k.acquireAll(['src', 'fast', 'slow', 'slow']);
    expect([k.get('src').inUse, k.get('fast').inUse, k.get('slow').inUse]).toEqual([1, 1, 2]);
    release('fast');
    release('fast');
    expect([k.get('src').inUse, k.get('fast').inUse, k.get('slow').inUse]).toEqual([1, 0, 2]);
    release();
    release();
    expect([k.get('src').inUse, k.get('fast').inUse, k.get('slow').inUse]).toEqual([0, 0, 0]);
  });
});

describe('KeyedMutex', () => {
  it('serializes read-modify-write per key', async () => {
    const m = new KeyedMutex();
    let value = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        m.run('k', async () => {
          const read = value;
          await new Promise((r) => setTimeout(r, 1));
          value = read + 1;
        }),
      ),
    );
    expect(value).toBe(10);
  });
});
