import { afterEach, beforeEach, describe, expect, it as plainIt, vi } from 'vitest';
import { connect, Pop3TimeoutError, type Pop3Client } from '../../src/client';
import { createMemoryPair } from '../../src/ports/memory-transport';
import { TransportError, type ByteTransport } from '../../src/protocol';
import { fakeServerTest, GREETING } from './fake-server';

/** A reply sent one byte every 50 ms: never idle for long, never done soon. */
const SLOW_LINE = `+OK ${'slowly '.repeat(6)}\r\n`;
const DRIP = { chunks: 'bytes', gapMs: 50 } as const;

describe.each(['tcp', 'memory'] as const)('over %s', (over) => {
  // An idle timeout well past every deadline here: only the deadline can end these waits.
  const it = fakeServerTest({ timeout: 5_000 }, over);

  describe('a deadline holds against a server that drips a byte now and then', () => {
    it('fails a command whose reply drips past the connection deadline, with kind "deadline"', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { send: SLOW_LINE, ...DRIP }]);
      const pop = await fake.open({ deadline: 400 });
      const started = performance.now();
      const error = await pop.noop().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Pop3TimeoutError);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'deadline', command: 'NOOP', timeout: 400 });
      expect((error as Error).message).toBe('NOOP did not complete within its 400 ms deadline; the connection was closed');
      expect(performance.now() - started).toBeLessThan(SLOW_LINE.length * 50);
      expect(pop.state).toBe('CLOSED');
    });

    it('lets a call set its own deadline, replacing the connection\'s', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'STAT' }, { send: SLOW_LINE, ...DRIP }]);
      const pop = await fake.open({ deadline: 60_000 });
      await expect(pop.stat({ deadline: 250 })).rejects.toMatchObject({ kind: 'deadline', command: 'STAT', timeout: 250 });
    });

    it('fails a greeting that drips past the deadline', async ({ fake }) => {
      await fake.start([{ send: GREETING, ...DRIP }]);
      const error = await fake.open({ deadline: 300 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'deadline', command: 'greeting', timeout: 300 });
    });

    it('fails a multi-line reply that keeps flowing past an explicit deadline', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'RETR 1' },
        { run: async (peer) => {
          await peer.send('+OK\r\n');
          for (let i = 0; i < 100 && !peer.closed; i += 1) {
            await peer.send(`line ${i}\r\n`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        } },
      ]);
      const pop = await fake.open();
      await expect(pop.retr(1, { deadline: 300 })).rejects.toMatchObject({ code: 'TIMEOUT', kind: 'deadline', command: 'RETR 1' });
    });

    it('does not count the time a stream waits for its consumer', async ({ fake }) => {
      const line = `${'x'.repeat(78)}\r\n`;
      const body = line.repeat(30_000); // about 2.4 MB: enough to pause the transport
      await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: `+OK\r\n${body}.\r\n` }, { expect: 'NOOP' }, { send: '+OK in step\r\n' }]);
      const pop = await fake.open();
      const stream = pop.retrStream(1, { deadline: 1_000 });
      let octets = 0;
      let first = true;
      for await (const chunk of stream) {
        octets += (chunk as Buffer).length;
        if (first) {
          first = false;
          // A slow consumer: longer than the deadline, which only bounds the server.
          await new Promise((resolve) => setTimeout(resolve, 1_500));
        }
      }
      expect(octets).toBe(body.length);
      expect((await pop.noop()).text).toBe('in step');
    });
  });
});

/**
 * The default deadlines, on a clock the test moves: a server on the other end of an in-memory
 * pair sends a byte every 10 s, so the 20 s idle timeout never fires, and only the deadline can
 * end the wait.
 */
describe('default deadlines (src/client/timing.ts), on a fake clock', () => {
  let server: ByteTransport;
  let client: ByteTransport;
  const send = (text: string): void => void server.write(Buffer.from(text));

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    [client, server] = createMemoryPair();
  });
  afterEach(() => {
    client.destroy();
    vi.useRealTimers();
  });

  /** Watches a call: `settled` says whether it has settled yet, `result` what it settled with. */
  function watch<T>(call: Promise<T>): { readonly settled: boolean; result: Promise<unknown> } {
    const state = { settled: false, result: call.then((v) => v, (e: unknown) => e) };
    void state.result.then(() => (state.settled = true));
    return state;
  }

  /** Moves the clock to `at` ms after the start, a byte of `drip` every 10 s on the way. */
  async function runUntil(at: number, now: { t: number }, drip?: string): Promise<void> {
    while (now.t < at) {
      const step = Math.min(10_000 - (now.t % 10_000), at - now.t);
      await vi.advanceTimersByTimeAsync(step);
      now.t += step;
      if (drip !== undefined && now.t % 10_000 === 0) send(drip);
    }
  }

  async function open(): Promise<Pop3Client> {
    send('+OK ready\r\n');
    return connect({ transport: client, timeout: 20_000 });
  }

  plainIt('gives a greeting 30 s', async () => {
    const now = { t: 0 };
    const greeting = watch(connect({ transport: client, timeout: 20_000 }));
    send('+');
    await runUntil(29_999, now, 'O');
    expect(greeting.settled).toBe(false);
    await runUntil(30_001, now);
    expect(await greeting.result).toMatchObject({ code: 'TIMEOUT', kind: 'deadline', command: 'greeting', timeout: 30_000 });
  });

  plainIt('gives a single-line reply 60 s', async () => {
    const pop = await open();
    const now = { t: 0 };
    const noop = watch(pop.noop());
    await runUntil(59_999, now, ' ');
    expect(noop.settled).toBe(false);
    await runUntil(60_001, now);
    expect(await noop.result).toMatchObject({ code: 'TIMEOUT', kind: 'deadline', command: 'NOOP', timeout: 60_000 });
  });

  plainIt('gives a multi-line reply 1 s more per 64 KiB the +OK line announced', async () => {
    const pop = await open();
    const now = { t: 0 };
    const retr = watch(pop.retr(1));
    send(`+OK ${100 * 64 * 1024} octets\r\n`);
    await runUntil(159_999, now, 'x');
    expect(retr.settled).toBe(false);
    await runUntil(160_001, now);
    expect(await retr.result).toMatchObject({ code: 'TIMEOUT', kind: 'deadline', command: 'RETR 1', timeout: 160_000 });
  });

  plainIt('gives a multi-line reply 1 s more per 64 KiB received', async () => {
    const pop = await open();
    const now = { t: 0 };
    const block = `${'y'.repeat(1022)}\r\n`.repeat(64); // 64 KiB of body
    const retr = watch(pop.retr(1));
    send(`+OK\r\n${block}`);
    // 64 KiB every 10 s: seven blocks by 60 s, so the deadline has grown to 67 s.
    await runUntil(66_999, now, block);
    expect(retr.settled).toBe(false);
    await runUntil(67_001, now);
    expect(await retr.result).toMatchObject({ code: 'TIMEOUT', kind: 'deadline', command: 'RETR 1', timeout: 67_000 });
  });
});
