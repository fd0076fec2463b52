import { describe, expect } from 'vitest';
import { fakeServerTest, GREETING } from './fake-server';

const it = fakeServerTest();

/** A message of `lines` numbered lines, some starting with a dot; returns canonical and wire form. */
function bigMessage(lines: number): { canonical: Buffer; wire: Buffer } {
  const canonical: string[] = [];
  const wire: string[] = [];
  for (let i = 0; i < lines; i += 1) {
    const line = `${i % 50 === 0 ? '.' : ''}line ${i} ${'x'.repeat(60)}`;
    canonical.push(`${line}\r\n`);
    wire.push(`${line.startsWith('.') ? '.' : ''}${line}\r\n`);
  }
  return { canonical: Buffer.from(canonical.join('')), wire: Buffer.from(`+OK\r\n${wire.join('')}.\r\n`) };
}

describe('retrStream', () => {
  it('pauses the socket while the consumer is slow, then delivers every byte', async ({ fake }) => {
    const { canonical, wire } = bigMessage(250_000); // about 19 MiB
    let written = 0;
    await fake.start([
      { send: GREETING },
      { expect: 'RETR 1' },
      { run: async (peer) => {
        for (let at = 0; at < wire.length; at += 256 * 1024) {
          const part = wire.subarray(at, at + 256 * 1024);
          if (!peer.socket.write(part)) await new Promise((r) => peer.socket.once('drain', r));
          written += part.length;
        }
      } },
      { expect: 'NOOP' },
      { send: '+OK in step\r\n' },
    ]);
    const pop = await fake.open({ timeout: 400 });
    const stream = pop.retrStream(1);
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    const parts: Buffer[] = [first.value as Buffer];
    // The consumer stalls for longer than the idle timeout: no timeout, and no unbounded buffering.
    await new Promise((r) => setTimeout(r, 700));
    expect(stream.readableLength).toBeLessThan(1024 * 1024);
    expect(written).toBeLessThan(wire.length);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) parts.push(next.value as Buffer);
    const received = Buffer.concat(parts);
    expect(received.length).toBe(canonical.length);
    expect(received.equals(canonical)).toBe(true);
    expect((await pop.noop()).text).toBe('in step');
  });

  it('drains the rest of the reply when the consumer stops early, keeping the session in step', async ({ fake }) => {
    const { wire } = bigMessage(20_000);
    await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: wire }, { expect: 'NOOP' }, { send: '+OK still in step\r\n' }]);
    const pop = await fake.open();
    for await (const part of pop.retrStream(1)) {
      expect(part.length).toBeGreaterThan(0);
      break;
    }
    expect((await pop.noop()).text).toBe('still in step');
  });

  it('emits the +OK reply before the data', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: '+OK 5 octets\r\nabc\r\n.\r\n' }]);
    const pop = await fake.open();
    const stream = pop.retrStream(1);
    const status = new Promise((resolve) => stream.once('reply', resolve));
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part);
    expect(await status).toMatchObject({ ok: true, text: '5 octets' });
    expect(Buffer.concat(parts).toString()).toBe('abc\r\n');
  });

  it('retrieves a 20 MiB message with retr()', async ({ fake }) => {
    const { canonical, wire } = bigMessage(270_000);
    await fake.start([{ send: GREETING }, { expect: 'RETR 1' }, { send: wire }]);
    const pop = await fake.open();
    const message = await pop.retr(1);
    expect(message.size).toBe(canonical.length);
    expect(message.bytes.equals(canonical)).toBe(true);
  });
});
