import { describe, expect } from 'vitest';
import { fetchNew, type SyncProgress } from '../../src/client';
import { fakeServerTest, GREETING, type FakePeer } from './fake-server';

const it = fakeServerTest();

/** A maildrop of five messages; uids include `~`, UTF-8 and a duplicate (identical copies). */
const UIDS = ['uid-1', 'qq~mail~2', 'uid-1', 'ünï-4', 'uid-5'];
const body = (n: number): string => `Subject: m${n}\r\n\r\nbody ${n}\r\n`;

function maildropServer(pipelining: boolean, log: string[]): (peer: FakePeer) => Promise<void> {
  return async (peer) => {
    await peer.send(GREETING);
    for (;;) {
      const line = await peer.readLine();
      const [word, arg] = line.split(' ');
      const n = Number(arg);
      switch (word) {
        case 'CAPA':
          await peer.send(`+OK\r\nUIDL\r\n${pipelining ? 'PIPELINING\r\n' : ''}.\r\n`);
          break;
        case 'UIDL':
          await peer.send(`+OK\r\n${UIDS.map((u, i) => `${i + 1} ${u}`).join('\r\n')}\r\n.\r\n`);
          break;
        case 'LIST':
          await peer.send(`+OK\r\n${UIDS.map((_, i) => `${i + 1} ${Buffer.byteLength(body(i + 1))}`).join('\r\n')}\r\n.\r\n`);
          break;
        case 'RETR':
          // Record how many further commands were already waiting: proof of pipelining.
          log.push(`${line} (+${peer.pendingBytes} bytes waiting)`);
          await peer.send(`+OK\r\n${body(n)}.\r\n`);
          break;
        default:
          await peer.send('-ERR unexpected\r\n');
      }
    }
  };
}

describe('fetchNew: leave mail on the server', () => {
  it('fetches only new messages, reports vanished uids and duplicates, with progress', async ({ fake }) => {
    const log: string[] = [];
    await fake.start(maildropServer(false, log));
    const pop = await fake.open();
    const progress: SyncProgress[] = [];
    const seenByCallback: string[] = [];
    const result = await fetchNew(pop, {
      seen: ['uid-1', 'gone-9', 'gone-9'],
      onProgress: (p) => progress.push(p),
      onMessage: (message, id) => {
        seenByCallback.push(`${id.n}:${id.uid}:${message.subject}`);
      },
    });
    expect(result.fetched.map(({ n, uid, message }) => [n, uid, message.text])).toEqual([
      [2, 'qq~mail~2', body(2)],
      [4, 'ünï-4', body(4)],
      [5, 'uid-5', body(5)],
    ]);
    expect(result.vanished).toEqual(['gone-9']);
    expect(result.duplicates).toEqual([{ n: 3, uid: 'uid-1' }]);
    expect(seenByCallback).toEqual(['2:qq~mail~2:m2', '4:ünï-4:m4', '5:uid-5:m5']);
    const sizes = [2, 4, 5].map((n) => Buffer.byteLength(body(n)));
    const total = sizes.reduce((a, b) => a + b);
    expect(progress).toEqual([
      { messages: 0, totalMessages: 3, octets: 0, totalOctets: total },
      { messages: 1, totalMessages: 3, octets: sizes[0], totalOctets: total },
      { messages: 2, totalMessages: 3, octets: sizes[0]! + sizes[1]!, totalOctets: total },
      { messages: 3, totalMessages: 3, octets: total, totalOctets: total },
    ]);
    expect(fake.received.filter((l) => l.startsWith('RETR'))).toEqual(['RETR 2', 'RETR 4', 'RETR 5']);
    expect(log.every((l) => l.endsWith('(+0 bytes waiting)'))).toBe(true);
  });

  it('pipelines the RETRs when the server advertises PIPELINING', async ({ fake }) => {
    const log: string[] = [];
    await fake.start(maildropServer(true, log));
    const pop = await fake.open();
    const result = await fetchNew(pop, { seen: [] });
    expect(result.fetched.map((f) => f.n)).toEqual([1, 2, 4, 5]);
    expect(result.fetched.map((f) => f.message.subject)).toEqual(['m1', 'm2', 'm4', 'm5']);
    // RETRs were written ahead of their replies: the server found later ones already waiting.
    expect(log.some((l) => !l.endsWith('(+0 bytes waiting)'))).toBe(true);
  });

  it('fetches nothing, and skips LIST, when everything was seen', async ({ fake }) => {
    await fake.start(maildropServer(false, []));
    const pop = await fake.open();
    const result = await fetchNew(pop, { seen: new Set(UIDS) });
    expect(result).toEqual({ fetched: [], vanished: [], duplicates: [{ n: 3, uid: 'uid-1' }] });
    expect(fake.received).toEqual(['CAPA', 'UIDL']);
  });
});

describe('fetchNew takes a signal and a deadline', () => {
  const it = fakeServerTest({ timeout: 2_000 });
  const message = (n: number): string => `+OK\r\nSubject: ${n}\r\n\r\nbody ${n}\r\n.\r\n`;

  it('stops with Pop3AbortError when its signal aborts', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'CAPA' }, { send: '+OK\r\nUIDL\r\n.\r\n' },
      { expect: 'UIDL' }, { send: '+OK\r\n1 a\r\n2 b\r\n3 c\r\n.\r\n' },
      { expect: 'LIST' }, { send: '+OK\r\n1 40\r\n2 40\r\n3 40\r\n.\r\n' },
      { expect: 'RETR 1' }, { send: message(1) },
      { expect: 'RETR 2' }, { stall: true },
    ]);
    const pop = await fake.open();
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await fetchNew(pop, {
      seen: [],
      signal: controller.signal,
      onMessage: (_m, id) => {
        seen.push(id.uid);
        // Cancelled once RETR 2 is on its way (the server never answers it).
        setTimeout(() => controller.abort(new Error('enough for today')), 20);
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED', command: 'RETR 2', cause: { message: 'enough for today' } });
    expect(seen).toEqual(['a']);
  });

  it('fails a RETR that drips past its deadline', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'CAPA' }, { send: '+OK\r\nUIDL\r\n.\r\n' },
      { expect: 'UIDL' }, { send: '+OK\r\n1 a\r\n.\r\n' },
      { expect: 'LIST' }, { send: '+OK\r\n1 40\r\n.\r\n' },
      { expect: 'RETR 1' }, { send: message(1), chunks: 'bytes', gapMs: 50 },
    ]);
    const pop = await fake.open();
    await expect(fetchNew(pop, { seen: [], deadline: 300 })).rejects.toMatchObject({ code: 'TIMEOUT', kind: 'deadline', command: 'RETR 1' });
  });
});
