import { describe, expect } from 'vitest';
import { connect } from '../../src/client';
import type { TranscriptEntry } from '../../src/protocol';
import { fakeServerTest, GREETING, LOGIN_STEPS } from './fake-server';

const it = fakeServerTest();

describe('a session against the scripted peer', () => {
  it('logs in, lists, retrieves and quits, tracking the state', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      ...LOGIN_STEPS,
      { expect: 'STAT' },
      { send: '+OK 2 320\r\n' },
      { expect: 'LIST' },
      { send: '+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n' },
      { expect: 'RETR 1' },
      { send: '+OK 120 octets\r\nSubject: hi\r\n\r\n..dot\r\nbody\r\n.\r\n' },
      { expect: 'QUIT' },
      { send: '+OK bye\r\n' },
      { hangUp: true },
    ]);
    const trace: TranscriptEntry[] = [];
    const client = await fake.open({ trace: (e) => trace.push(e) });
    expect(client.greeting).toBe(GREETING.trim());
    await client.user('alice');
    await client.pass('wonderland');
    expect(client.state).toBe('TRANSACTION');
    expect(await client.stat()).toEqual({ count: 2, size: 320 });
    expect(await client.list()).toEqual([{ n: 1, size: 120 }, { n: 2, size: 200 }]);
    const msg = await client.retr(1);
    expect(msg.text).toBe('Subject: hi\r\n\r\n.dot\r\nbody\r\n');
    expect(msg.subject).toBe('hi');
    const reply = await client.quit();
    expect(reply.ok).toBe(true);
    expect(client.state).toBe('CLOSED');
    await fake.done;
    expect(trace.map((e) => e.stateAfter)).toEqual([
      ...Array<string>(5).fill('AUTHORIZATION'),
      ...Array<string>(10).fill('TRANSACTION'),
      'UPDATE',
      'CLOSED',
    ]);
  });

  it('rejects a -ERR greeting with its response code, and closes', async ({ fake }) => {
    await fake.start([{ send: '-ERR [SYS/TEMP] too many connections, try later\r\n' }, { expectClose: true }]);
    const error = await fake.open().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_REPLY', responseCode: 'SYS/TEMP', command: 'greeting' });
    await fake.done;
  });

  it('passes on the socket error when nothing listens', async ({ fake }) => {
    await fake.start([]);
    const { port } = fake;
    await fake.close();
    await expect(connect({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('times out a connection whose TLS handshake never starts', async ({ fake }) => {
    await fake.start([{ stall: true }]);
    const error = await fake.open({ tls: true, connectTimeout: 200 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect((error as Error).message).toContain('connect to 127.0.0.1');
  });

  it('rejects at once with Pop3AbortError when a signal is already aborted', async () => {
    const reason = new Error('never mind');
    await expect(connect({ port: 1, signal: AbortSignal.abort(reason) })).rejects.toMatchObject({ code: 'ABORTED', cause: reason });
    await expect(connect({ port: 1, connectSignal: AbortSignal.abort(reason) })).rejects.toMatchObject({
      code: 'ABORTED',
      message: 'connect to localhost:1 cancelled: never mind',
    });
  });
});
