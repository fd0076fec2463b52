import { describe, expect } from 'vitest';
import { expectSameBytes, RawPop3 } from '../helpers/raw-pop3';
import { serverTest } from './sandbox-fixture';

const test = serverTest();

/** The size of the pieces a body is written in (sandbox-server/session.ts). */
const WRITE_CHUNK = 64 * 1024;

/**
 * A canonical message whose stuffed wire form (body, one added dot per dot-line, ".CRLF") is
 * exactly `wireOctets` long. With `dotAt`, a line starting with "." begins at that octet of the wire.
 */
function messageWithWire(wireOctets: number, dotAt?: number): Buffer {
  const header = 'Subject: chunk boundary\r\n\r\n';
  const lines: string[] = [];
  let wire = header.length;
  const add = (line: string, stuffed: boolean): void => {
    lines.push(line);
    wire += line.length + (stuffed ? 1 : 0);
  };
  if (dotAt !== undefined) {
    // Filler lines up to the dot-line, then the dot-line itself.
    while (dotAt - wire > 80) add(`${'x'.repeat(76)}\r\n`, false);
    add(`${'y'.repeat(dotAt - wire - 2)}\r\n`, false);
    add('.dot line at the boundary\r\n', true);
  }
  // Leave room for the terminator ".CRLF".
  const target = wireOctets - 3;
  while (target - wire > 80) add(`${'z'.repeat(76)}\r\n`, false);
  add(`${'w'.repeat(target - wire - 2)}\r\n`, false);
  const message = Buffer.from(header + lines.join(''), 'latin1');
  expect(message.length + (dotAt === undefined ? 0 : 1) + 3).toBe(wireOctets);
  return message;
}

const BOUNDARY_MESSAGES = [
  messageWithWire(WRITE_CHUNK - 1),
  messageWithWire(WRITE_CHUNK),
  messageWithWire(WRITE_CHUNK + 1),
  messageWithWire(2 * WRITE_CHUNK + 7),
  // The stuffed dot falls on the last octet of the first piece, and on the first of the second.
  messageWithWire(WRITE_CHUNK + 500, WRITE_CHUNK - 1),
  messageWithWire(WRITE_CHUNK + 500, WRITE_CHUNK),
];

describe('status line and body on the wire (RFC 1939 §3)', () => {
  test('bodies around the write-piece size arrive whole and correctly stuffed, in later sessions too', async ({ server }) => {
    await server.sandbox.resetMailbox('bob', BOUNDARY_MESSAGES.map((bytes) => ({ bytes })));
    // The second session gets each body from the server's stuffed copy of the stored message.
    for (let round = 0; round < 2; round++) {
      const client = await server.login('bob', 'builder');
      for (const [i, expected] of BOUNDARY_MESSAGES.entries()) {
        const reply = await client.multiline(`RETR ${i + 1}`);
        expect(reply.status).toBe(`+OK ${expected.length} octets`);
        expectSameBytes(reply.body, expected, `message ${i + 1}, round ${round + 1}`);
      }
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
    }
  });

  test('pipelined RETRs of such bodies each get one complete reply, in order, with the next reply right after', async ({ server }) => {
    await server.sandbox.resetMailbox('bob', BOUNDARY_MESSAGES.map((bytes) => ({ bytes })));
    const client = await server.login('bob', 'builder');
    client.write(BOUNDARY_MESSAGES.map((_, i) => `RETR ${i + 1}\r\n`).join('') + 'NOOP\r\n');
    for (const [i, expected] of BOUNDARY_MESSAGES.entries()) {
      const reply = await client.readMultiline();
      expect(reply.status).toBe(`+OK ${expected.length} octets`);
      expectSameBytes(reply.body, expected, `message ${i + 1}`);
    }
    expect(await client.readLine()).toBe('+OK nothing to do');
  });

  test('over implicit TLS the same bodies arrive whole', async ({ server }) => {
    await server.sandbox.resetMailbox('bob', BOUNDARY_MESSAGES.map((bytes) => ({ bytes })));
    const client = await RawPop3.connectTls(server.sandbox.tlsPort!, { ca: server.sandbox.ca });
    try {
      await client.login('bob', 'builder');
      for (const [i, expected] of BOUNDARY_MESSAGES.entries()) {
        expectSameBytes((await client.multiline(`RETR ${i + 1}`)).body, expected, `message ${i + 1}`);
      }
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
    } finally {
      client.destroy();
    }
  });

  test('after a reset, RETR sends the new content and checks its headers afresh (nothing stale is reused)', async ({ server }) => {
    const plain = Buffer.from('Subject: plain\r\n\r\nfirst content\r\n', 'latin1');
    const eightBit = Buffer.from('Subject: Grüße\r\n\r\nsecond content\r\n', 'utf8');
    await server.sandbox.resetMailbox('bob', [{ bytes: plain }]);
    const first = await server.login('bob', 'builder');
    expectSameBytes((await first.multiline('RETR 1')).body, plain);
    expect(await first.command('QUIT')).toMatch(/^\+OK/);

    await server.sandbox.resetMailbox('bob', [{ bytes: eightBit }]);
    const second = await server.login('bob', 'builder');
    // RFC 6856 §2.1: raw UTF-8 headers are refused outside UTF-8 mode.
    expect(await second.command('RETR 1')).toMatch(/^-ERR \[UTF8\] message 1 has raw UTF-8 in its headers/);
    expect(await second.command('QUIT')).toMatch(/^\+OK/);

    await server.sandbox.resetMailbox('bob', [{ bytes: plain }]);
    const third = await server.login('bob', 'builder');
    expectSameBytes((await third.multiline('RETR 1')).body, plain);
  });
});
