import { expect, it } from 'vitest';
import type { ByteTransport } from '../../src/protocol/transport';

/** Makes two transports joined to each other; `close` frees whatever else the pair holds. */
export type PairMaker = () => Promise<{ a: ByteTransport; b: ByteTransport; close(): Promise<void> }>;

/** Everything `b` receives until it sees 'end', as one buffer. */
export function receiveAll(b: ByteTransport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    b.on('data', (chunk) => chunks.push(Buffer.from(chunk)));
    b.on('end', () => resolve(Buffer.concat(chunks)));
    b.on('error', reject);
  });
}

/** Resolves once `t` has emitted 'close'; counts how often it did. */
export function closes(t: ByteTransport): { closed: Promise<void>; count(): number } {
  let count = 0;
  const closed = new Promise<void>((resolve) => {
    t.on('close', () => {
      count += 1;
      resolve();
    });
  });
  return { closed, count: () => count };
}

/** Resolves once `count()` has not changed for `quietMs`: the writer has stopped making progress. */
async function stalled(count: () => number, quietMs: number): Promise<number> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return now;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The behaviour every ByteTransport adapter promises (src/protocol/transport.ts), run against
 * one adapter. `backpressureOctets`: enough to fill what the adapter buffers for a paused reader.
 */
export function describeTransportContract(makePair: PairMaker, backpressureOctets: number): void {
  it('delivers every byte in order, both ways', async () => {
    const { a, b, close } = await makePair();
    try {
      const toB = receiveAll(b);
      const toA = receiveAll(a);
      const sent: Buffer[] = [];
      for (let i = 0; i < 400; i++) {
        const chunk = Buffer.alloc(1 + ((i * 7919) % 3000), i % 251);
        sent.push(chunk);
        void a.write(chunk);
      }
      a.end();
      await b.write(Buffer.from('reply\r\n'));
      b.end();
      expect((await toB).equals(Buffer.concat(sent))).toBe(true);
      expect((await toA).toString()).toBe('reply\r\n');
    } finally {
      await close();
    }
  });

  it('holds a writer back while the reader is paused, and catches up in order on resume', async () => {
    const { a, b, close } = await makePair();
    try {
      b.pause();
      const received: Buffer[] = [];
      b.on('data', (chunk) => received.push(Buffer.from(chunk)));
      const piece = 64 * 1024;
      const total = backpressureOctets * 4;
      let written = 0;
      const writer = (async () => {
        for (let i = 0; written < total; i++) {
          await a.write(Buffer.alloc(piece, i % 256));
          written += piece;
        }
      })();
      const whenStalled = await stalled(() => written, 150);
      expect(whenStalled).toBeLessThan(total);
      expect(received.length).toBe(0);
      b.resume();
      await writer;
      await new Promise<void>((resolve) => {
        const check = (): void => (Buffer.concat(received).length >= total ? resolve() : void setTimeout(check, 5));
        check();
      });
      const all = Buffer.concat(received);
      expect(all.length).toBe(total);
      for (let i = 0; i < total / piece; i++) expect(all[i * piece]).toBe(i % 256);
    } finally {
      await close();
    }
  });

  it('half-closes with end() and closes once both sides have ended', async () => {
    const { a, b, close } = await makePair();
    try {
      const aClose = closes(a);
      const bClose = closes(b);
      const bEnded = new Promise<void>((resolve) => b.on('end', resolve));
      a.end();
      await bEnded;
      // b may still answer after a's end, as a POP3 server answers a piped QUIT.
      const toA = receiveAll(a);
      await b.write(Buffer.from('+OK bye\r\n'));
      b.end();
      expect((await toA).toString()).toBe('+OK bye\r\n');
      await Promise.all([aClose.closed, bClose.closed]);
      expect([aClose.count(), bClose.count()]).toEqual([1, 1]);
      await expect(a.write(Buffer.from('late'))).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    } finally {
      await close();
    }
  });

  it('destroy() reports its reason, closes, tells the peer, and refuses later writes', async () => {
    const { a, b, close } = await makePair();
    try {
      const errors: Error[] = [];
      a.on('error', (error) => errors.push(error));
      const aClose = closes(a);
      // A socket peer that allows half-open connections sees the FIN as 'end'; others close.
      const peerTold = new Promise<void>((resolve) => {
        b.on('end', resolve);
        b.on('close', resolve);
      });
      a.destroy(new Error('cut on purpose'));
      await Promise.all([aClose.closed, peerTold]);
      expect(errors.map((e) => e.message)).toEqual(['cut on purpose']);
      await expect(a.write(Buffer.from('x'))).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
      expect(aClose.count()).toBe(1);
    } finally {
      await close();
    }
  });
}
