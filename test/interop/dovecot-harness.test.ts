import { afterAll, beforeAll, expect, it } from 'vitest';
import { stuffMultiline, toCanonicalCrlf } from '../../src/protocol';
import { DOVECOT_BINARY, isDovecotInstalled, startDovecot, type DovecotServer } from '../helpers/dovecot';
import { RawPop3 } from '../helpers/raw-pop3';
import { describeWithProgram } from './programs';

// Dovecot is the independent oracle here: its wire bytes must match what our protocol core
// says canonical form and dot-stuffing are (RFC 1939 §3, §11).
const MESSAGES = [
  Buffer.from('From: a@example.org\r\nSubject: first\r\n\r\nHello.\r\n'),
  // Bare LF and a line starting with "." — Dovecot sends CRLF and stuffs the dot.
  Buffer.from('From: b@example.org\nSubject: second\n\n.hidden dot line\n..two dots\nend\n'),
];

describeWithProgram(isDovecotInstalled(), `Dovecot (${DOVECOT_BINARY})`, 'Dovecot test harness', () => {
  let dovecot: DovecotServer;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [{ name: 'alice', password: 'secret word', messages: MESSAGES }] });
  });

  afterAll(async () => {
    await dovecot?.close();
  });

  it('serves a seeded maildrop byte for byte over a raw socket', async () => {
    const session = await RawPop3.connect(dovecot.port, dovecot.host);
    try {
      expect(await session.readLine()).toMatch(/^\+OK /);
      expect(await session.command('USER alice')).toMatch(/^\+OK/);
      expect(await session.command('PASS secret word')).toMatch(/^\+OK/);

      const canonical = MESSAGES.map((m) => toCanonicalCrlf(m));
      const total = canonical.reduce((sum, m) => sum + m.length, 0);
      expect(await session.command('STAT')).toBe(`+OK 2 ${total}`);

      expect(await session.command('LIST')).toMatch(/^\+OK/);
      const listing = await session.readBody();
      expect(listing.wire.toString('latin1')).toBe(`1 ${canonical[0]!.length}\r\n2 ${canonical[1]!.length}\r\n`);

      for (const [index, message] of canonical.entries()) {
        expect(await session.command(`RETR ${index + 1}`)).toMatch(/^\+OK/);
        const { wire } = await session.readBody();
        // As it crossed the wire: stuffed, then the terminator the reader took off.
        expect(`${wire.toString('latin1')}.\r\n`).toBe(stuffMultiline(message).toString('latin1'));
      }

      expect(await session.command('QUIT')).toMatch(/^\+OK/);
      await session.waitClosed();
    } finally {
      session.destroy();
    }
  });

  it('offers STLS and implicit TLS with its private CA', () => {
    expect(dovecot.tlsPort).toBeGreaterThan(0);
    expect(dovecot.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('leaves nothing running after close()', async () => {
    const other = await startDovecot({ users: [{ name: 'bob', password: 'pw' }], tls: false });
    await other.close();
    expect(() => process.kill(other.pid, 0)).toThrow();
    await expect(RawPop3.connect(other.port, other.host)).rejects.toThrow(/ECONNREFUSED/);
  });
});
