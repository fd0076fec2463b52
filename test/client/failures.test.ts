import { describe, expect } from 'vitest';
import {
  ConnectionClosedError,
  Pop3AbortError,
  Pop3ReplyError,
  Pop3StateError,
  Pop3TimeoutError,
} from '../../src/client';
import { InvalidArgumentError, TransportError } from '../../src/protocol';
import { fakeServerTest, GREETING } from './fake-server';

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe.each(['tcp', 'memory'] as const)('over %s', (over) => {
  const it = fakeServerTest({ timeout: 300 }, over);

  describe('a misbehaving server never makes the client hang', () => {
    it('times out a server that stalls mid-body, and closes the connection', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: '+OK\r\nSubject: half\r\n' }, { stall: true }]);
      const pop = await fake.open();
      const error = await pop.retr(1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Pop3TimeoutError);
      expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'idle', command: 'RETR 1', timeout: 300 });
      expect(pop.state).toBe('CLOSED');
      await expect(pop.noop()).rejects.toBeInstanceOf(Pop3StateError);
    });

    it('resets the idle timeout whenever data arrives', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'RETR 1' },
        { run: async (peer) => {
          await peer.send('+OK\r\n');
          // 6 pauses of ~100 ms: longer than the 300 ms timeout in total, never idle that long.
          for (let i = 0; i < 6; i += 1) {
            await new Promise((r) => setTimeout(r, 100));
            await peer.send(`line ${i}\r\n`);
          }
          await peer.send('.\r\n');
        } },
      ]);
      const pop = await fake.open();
      expect((await pop.retr(1)).text).toContain('line 5');
    });

    it('times out a greeting that never comes', async ({ fake }) => {
      await fake.start([{ stall: true }]);
      const error = await fake.open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Pop3TimeoutError);
      expect((error as Pop3TimeoutError).command).toBe('greeting');
    });

    it('ends a stream with Pop3TimeoutError when the server stalls mid-stream', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: '+OK\r\nfirst\r\n' }, { stall: true }]);
      const pop = await fake.open();
      await expect(collect(pop.retrStream(1))).rejects.toBeInstanceOf(Pop3TimeoutError);
    });

    it('names RETR when the server hangs up mid-reply', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: '+OK\r\nSubject: cut\r\nhalf a li' }, { hangUp: true }]);
      const pop = await fake.open();
      const error = await pop.retr(1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect(error).toMatchObject({ code: 'CONNECTION_CLOSED', command: 'RETR 1' });
      expect((error as Error).message).toMatch(/closed the connection while waiting for the reply to RETR 1/);
    });

    it('errors a stream when the server hangs up mid-stream', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'RETR 2' }, { send: '+OK\r\nSubject: cut\r\n' }, { hangUp: true }]);
      const pop = await fake.open();
      await expect(collect(pop.retrStream(2))).rejects.toMatchObject({ code: 'CONNECTION_CLOSED', command: 'RETR 2' });
    });

    it('errors a stream with Pop3ReplyError on -ERR', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'RETR 7' }, { send: '-ERR no such message\r\n' }, { expect: 'NOOP' }, { send: '+OK\r\n' }]);
      const pop = await fake.open();
      await expect(collect(pop.retrStream(7))).rejects.toBeInstanceOf(Pop3ReplyError);
      expect((await pop.noop()).ok).toBe(true);
    });

    it('rejects every pipelined command when the server hangs up, each named', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'CAPA' },
        { send: '+OK\r\nPIPELINING\r\n.\r\n' },
        { expect: 'STAT' },
        { expect: 'LIST 1' },
        { send: '+OK 1 100\r\n' },
        { hangUp: true },
      ]);
      const pop = await fake.open();
      await pop.capa();
      const results = await Promise.allSettled([pop.stat(), pop.list(1)]);
      expect(results[0]).toMatchObject({ status: 'fulfilled', value: { count: 1, size: 100 } });
      expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'CONNECTION_CLOSED', command: 'LIST 1' } });
    });
  });

  describe('cancelling', () => {
    it('rejects with Pop3AbortError, the signal reason as its cause, and closes when aborted mid-reply', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: '+OK\r\nsome\r\n' }, { stall: true }]);
      const pop = await fake.open({ timeout: 10_000 });
      const controller = new AbortController();
      const retrieval = pop.retr(1, { signal: controller.signal });
      const reason = new Error('user pressed Ctrl+C');
      setTimeout(() => controller.abort(reason), 50);
      const error = await retrieval.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Pop3AbortError);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ code: 'ABORTED', command: 'RETR 1', cause: reason });
      expect((error as Error).message).toBe('RETR 1 cancelled: user pressed Ctrl+C; the connection was closed');
      expect(pop.state).toBe('CLOSED');
    });

    it('applies the connection signal to every call', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { stall: true }]);
      const controller = new AbortController();
      const pop = await fake.open({ timeout: 10_000, signal: controller.signal });
      const pending = pop.noop();
      controller.abort();
      await expect(pending).rejects.toMatchObject({ code: 'ABORTED', command: 'NOOP', cause: { name: 'AbortError' } });
      await expect(pop.stat()).rejects.toMatchObject({ code: 'ABORTED', command: 'STAT', cause: controller.signal.reason });
    });

    it('ends a stream when aborted', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: '+OK\r\nsome\r\n' }, { stall: true }]);
      const pop = await fake.open({ timeout: 10_000 });
      const controller = new AbortController();
      const stream = pop.retrStream(1, { signal: controller.signal });
      stream.once('data', () => controller.abort(new Error('enough')));
      await expect(collect(stream)).rejects.toMatchObject({ code: 'ABORTED', cause: new Error('enough') });
    });

    it('drops a queued command that is cancelled before it is sent, without closing', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { send: '+OK first\r\n' }, { expect: 'STAT' }, { send: '+OK 0 0\r\n' }]);
      const pop = await fake.open();
      const controller = new AbortController();
      const first = pop.noop();
      const cancelled = pop.rset({ signal: controller.signal }); // queued behind NOOP
      controller.abort();
      await expect(cancelled).rejects.toMatchObject({ code: 'ABORTED', command: 'RSET', message: 'RSET cancelled: This operation was aborted' });
      expect((await first).line).toBe('+OK first');
      expect(await pop.stat()).toEqual({ count: 0, size: 0 });
      expect(fake.received).toEqual(['NOOP', 'STAT']);
    });

    it('close() rejects what is in flight with ConnectionClosedError', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { stall: true }]);
      const pop = await fake.open();
      const pending = pop.noop();
      pop.close();
      await expect(pending).rejects.toMatchObject({ code: 'CONNECTION_CLOSED', command: 'NOOP' });
      await expect(pop.noop()).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    });
  });

  describe('what is refused locally', () => {
    it('refuses CR or LF in an argument before anything is sent', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { send: '+OK\r\n' }]);
      const pop = await fake.open();
      await expect(pop.user('alice\r\nDELE 1')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(pop.send('NOOP\r\nDELE 1')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(pop.apop('bob\n', 'x')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(pop.send('USER a\0b')).rejects.toBeInstanceOf(InvalidArgumentError);
      expect((await pop.noop()).ok).toBe(true);
      expect(fake.received).toEqual(['NOOP']);
    });

    it('refuses message-numbers that are not whole numbers from 1, and negative TOP counts', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { send: '+OK\r\n' }]);
      const pop = await fake.open();
      for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '1' as unknown as number]) {
        await expect(pop.retr(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(pop.dele(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(pop.list(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      }
      await expect(pop.top(1, -1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(() => pop.retrStream(0)).toThrow(InvalidArgumentError);
      expect((await pop.noop()).ok).toBe(true);
      expect(fake.received).toEqual(['NOOP']);
    });

    it('sends commands in the wrong state and returns the server\'s real -ERR', async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'PASS early' },
        { send: '-ERR [AUTH] give USER first\r\n' },
        { expect: 'RETR 1' },
        { send: '-ERR not in TRANSACTION state\r\n' },
      ]);
      const pop = await fake.open();
      const passError = await pop.pass('early').catch((e: unknown) => e);
      expect(passError).toBeInstanceOf(Pop3ReplyError);
      expect(passError).toMatchObject({ responseCode: 'AUTH', command: 'PASS ***' });
      expect((passError as Error).message).not.toContain('early');
      await expect(pop.retr(1)).rejects.toMatchObject({ code: 'ERR_REPLY', reply: { text: 'not in TRANSACTION state' } });
    });

    it('commands after QUIT are refused with Pop3StateError', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'QUIT' }, { send: '+OK bye\r\n' }, { hangUp: true }]);
      const pop = await fake.open();
      const quitting = pop.quit();
      const after = pop.noop().catch((e: unknown) => e);
      await expect(quitting).resolves.toMatchObject({ ok: true });
      expect(await after).toBeInstanceOf(Pop3StateError);
      expect(pop.state).toBe('CLOSED');
    });
  });
});
