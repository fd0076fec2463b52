import { describe, expect } from 'vitest';
import { fakeServerTest, GREETING } from './fake-server';

/**
 * A plain connection reads every chunk into one reused buffer: whatever the client hands out
 * (messages, stream chunks, listings) must be a copy that later reads cannot overwrite, and
 * the RETR size hint ("+OK n octets") may size the message buffer but never its content.
 */

const it = fakeServerTest();

/** `count` lines of one repeated letter, a dot-stuffed line among them; canonical and wire form. */
function letterMessage(letter: string, count: number): { canonical: string; wire: string } {
  const lines = Array.from({ length: count }, (_, i) => (i === 3 ? `.${letter.repeat(70)}` : letter.repeat(76)));
  const canonical = lines.map((l) => `${l}\r\n`).join('');
  const wire = `${lines.map((l) => `${l.startsWith('.') ? '.' : ''}${l}\r\n`).join('')}.\r\n`;
  return { canonical, wire };
}

describe('bytes handed out survive later reads', () => {
  it('keeps each retrieved message intact while later replies arrive', async ({ fake }) => {
    const a = letterMessage('a', 2_000); // ~156 KB: several reads
    const b = letterMessage('b', 2_000);
    const c = letterMessage('c', 5);
    await fake.start([
      { send: GREETING },
      { expect: 'RETR 1' },
      { send: `+OK ${a.canonical.length} octets\r\n${a.wire}` },
      { expect: 'RETR 2' },
      { send: `+OK ${b.canonical.length} octets\r\n${b.wire}`, chunks: [7, 1000, 30_000] },
      { expect: 'RETR 3' },
      { send: `+OK\r\n${c.wire}` },
      { expect: 'LIST' },
      { send: '+OK\r\n1 10\r\n2 20\r\n.\r\n' },
    ]);
    const pop = await fake.open({ timeout: 2000 });
    const first = await pop.retr(1);
    const second = await pop.retr(2);
    const third = await pop.retr(3);
    const listing = await pop.list();
    expect(first.text).toBe(a.canonical);
    expect(second.text).toBe(b.canonical);
    expect(third.text).toBe(c.canonical);
    expect(listing).toEqual([{ n: 1, size: 10 }, { n: 2, size: 20 }]);
  });

  it('keeps every stream chunk intact after the stream has ended', async ({ fake }) => {
    const a = letterMessage('s', 3_000);
    const replies = `+OK ${a.canonical.length} octets\r\n${a.wire}+OK after\r\n`;
    await fake.start([
      { send: GREETING },
      { expect: 'CAPA' },
      { send: '+OK\r\nPIPELINING\r\n.\r\n' },
      { expect: 'RETR 1' },
      { expect: 'NOOP' },
      // The last chunk is the line feed of NOOP's reply: the rest of that line waits, copied, in the reader.
      { send: replies, chunks: [100, 20_000, replies.length - 20_101] },
    ]);
    const pop = await fake.open({ timeout: 2000 });
    await pop.capa();
    const parts: Buffer[] = [];
    const stream = pop.retrStream(1);
    const noop = pop.send('NOOP'); // pipelined behind RETR
    for await (const part of stream) parts.push(part as Buffer);
    expect(parts.length).toBeGreaterThan(1);
    expect(Buffer.concat(parts).toString()).toBe(a.canonical);
    // The reply after the body was read from the same chunk as the body's end, in step.
    expect((await noop).text).toBe('after');
  });

  it('reads pipelined replies that share one chunk, each with its own body', async ({ fake }) => {
    const a = letterMessage('p', 40);
    const b = letterMessage('q', 60);
    await fake.start([
      { send: GREETING },
      { expect: 'CAPA' },
      { send: '+OK\r\nPIPELINING\r\nUIDL\r\n.\r\n' },
      { expect: 'RETR 1' },
      { expect: 'RETR 2' },
      { expect: 'DELE 1' },
      { send: `+OK ${a.canonical.length} octets\r\n${a.wire}+OK ${b.canonical.length} octets\r\n${b.wire}+OK marked\r\n` },
    ]);
    const pop = await fake.open({ timeout: 2000 });
    await pop.capa();
    const [one, two, dele] = await Promise.all([pop.retr(1), pop.retr(2), pop.dele(1)]);
    expect(one.text).toBe(a.canonical);
    expect(two.text).toBe(b.canonical);
    expect(dele.text).toBe('marked');
  });
});

describe('the "+OK n octets" hint', () => {
  const body = letterMessage('h', 1_500); // ~117 KB: the body spans several reads
  const cases: [string, string][] = [
    ['exact', `${body.canonical.length} octets`],
    ['too small', '10 octets'],
    ['too large', `${body.canonical.length * 3} octets`],
    ['beyond maxMessageSize', '999999999999 octets'],
    ['absent', 'message follows'],
    ['not a size', 'octets 12'],
  ];
  for (const [name, text] of cases) {
    it(`returns exactly the body when the hint is ${name}`, async ({ fake }) => {
      await fake.start([
        { send: GREETING },
        { expect: 'RETR 1' },
        { send: `+OK ${text}\r\n${body.wire}`, chunks: [5, 40_000] },
        { expect: 'NOOP' },
        { send: '+OK in step\r\n' },
      ]);
      const pop = await fake.open({ timeout: 2000, maxMessageSize: 1024 * 1024 });
      const message = await pop.retr(1);
      expect(message.size).toBe(body.canonical.length);
      expect(message.text).toBe(body.canonical);
      // A view of a much larger buffer would keep the unused room alive: the message owns about its size.
      expect(message.bytes.buffer.byteLength).toBeLessThanOrEqual(Math.ceil(body.canonical.length * 1.25));
      expect((await pop.noop()).text).toBe('in step');
    });
  }
});
