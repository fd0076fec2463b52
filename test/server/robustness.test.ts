import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { expectPipedQuitCommits } from './piped-session';
import { serverTest, waitForEntry } from './sandbox-fixture';

const test = serverTest({ tlsPort: false });

describe('unknown, misplaced and malformed commands (RFC 1939 §3)', () => {
  test('an unknown command gets a hint when there is an obvious one', async ({ server }) => {
    const client = await server.ready();
    expect(await client.command('STARTTLS')).toBe('-ERR unknown command "STARTTLS"; did you mean STLS?');
    expect(await client.command('RETT 1')).toBe('-ERR unknown command "RETT"; did you mean RETR?');
    expect(await client.command('lsit')).toBe('-ERR unknown command "LSIT"; did you mean LIST?');
    expect(await client.command('EHLO me')).toBe('-ERR unknown command "EHLO"; did you mean CAPA (this is POP3, not SMTP)?');
    expect(await client.command('LOGIN alice wonderland')).toBe('-ERR unknown command "LOGIN"; did you mean USER then PASS (or AUTH LOGIN)?');
    expect(await client.command('FROBNICATE')).toBe('-ERR unknown command "FROBNICATE"; CAPA lists what this server supports');
    expect(await client.command(`${'Z'.repeat(100)}`)).toBe(`-ERR unknown command "${'Z'.repeat(40)}..."; CAPA lists what this server supports`);
    expect(await client.command('\x00\x1b[31m\xff')).toBe('-ERR unknown command "\\x00\\x1b[31M\\xff"; CAPA lists what this server supports');
    // A password typed by mistake is not kept in the log.
    const login = server.sandbox.log.entries.find((e) => e.keyword === 'LOGIN');
    expect(login?.text).toBe('LOGIN alice ***');
  });

  test('a command in the wrong state says which state it needs', async ({ server }) => {
    const client = await server.ready();
    expect(await client.command('STAT')).toBe('-ERR STAT is only valid after login (TRANSACTION state); log in with USER and PASS first');
    expect(await client.command('RETR 1')).toBe('-ERR RETR is only valid after login (TRANSACTION state); log in with USER and PASS first');
    expect(await client.command('NOOP')).toMatch(/^-ERR NOOP is only valid after login/);
    await client.command('USER alice');
    await client.command('PASS wonderland');
    expect(await client.command('USER bob')).toBe('-ERR USER is only valid before login (AUTHORIZATION state); you are already logged in as alice');
    expect(await client.command('APOP bob 0123')).toMatch(/^-ERR APOP is only valid before login/);
  });

  test('wrong arity quotes the usage line', async ({ server }) => {
    const client = await server.login();
    expect(await client.command('RETR')).toBe('-ERR RETR takes 1 argument; usage: RETR msg');
    expect(await client.command('STAT 1')).toBe('-ERR STAT takes no arguments; usage: STAT');
    expect(await client.command('LIST 1 2')).toBe('-ERR LIST takes at most 1 argument; usage: LIST [msg]');
    expect(await client.command('TOP 1')).toBe('-ERR TOP takes 2 arguments; usage: TOP msg n');
    expect(await client.command('')).toBe('-ERR empty command line; try CAPA to see what this server supports');
    expect(await client.command('STAT')).toMatch(/^\+OK 15 /);
  });

  test('RPOP and LAST are obsolete, and the reply says what replaced them', async ({ server }) => {
    const client = await server.ready();
    expect(await client.command('RPOP alice')).toBe(
      "-ERR RPOP is obsolete (RFC 1081 section 5): RFC 1460 removed RPOP and added APOP: RPOP trusted the client's privileged port, which anyone can fake. Use APOP, SASL AUTH or USER/PASS over TLS",
    );
    await client.command('USER alice');
    await client.command('PASS wonderland');
    expect(await client.command('LAST')).toBe(
      '-ERR LAST is obsolete (RFC 1081 section 5): RFC 1725 removed LAST: remember which messages you have seen by their UIDL unique-ids instead',
    );
  });
});

describe('line limits (RFC 2449 §4)', () => {
  test('accepts a 255-octet command line; a 256-octet one gets one -ERR and the session goes on', async ({ server }) => {
    const client = await server.ready();
    const name = 'a'.repeat(255 - 'USER \r\n'.length);
    expect(await client.command(`USER ${name}`)).toBe('+OK now send PASS with the password');
    expect(await client.command(`USER ${name}b`)).toBe(
      '-ERR command line too long: 256 octets, the limit is 255 including CRLF (RFC 2449 section 4); the line was discarded',
    );
    expect(await client.command('CAPA')).toBe('+OK Capability list follows');
  });

  test('an over-long line arriving in pieces gets exactly one -ERR and is discarded up to its line break', async ({ server }) => {
    const client = await server.ready();
    client.write('USER ');
    for (let i = 0; i < 10; i++) client.write('x'.repeat(1000));
    client.write('\r\nQUIT\r\n');
    expect(await client.readLine()).toBe(
      '-ERR line too long: a command line may have 255 octets including CRLF (RFC 2449 section 4), an AUTH line 8192; the line was discarded',
    );
    expect(await client.readLine()).toBe('+OK POP3 sandbox signing off');
    await client.waitClosed();
  });

  test('64 KiB without any line break closes the connection, saying why', async ({ server }) => {
    const other = await server.login();
    const client = await server.ready();
    client.write(Buffer.alloc(64 * 1024 + 1, 0x41));
    expect(await client.readLine()).toMatch(/^-ERR line too long/);
    expect(await client.readLine()).toBe('-ERR no line break in 65536 octets of input; closing the connection');
    await client.waitClosed();
    const close = await waitForEntry(server.sandbox, (e) => e.session === 's2' && e.keyword === 'CLOSE');
    expect(close.text).toBe('CLOSE no line break in 64 KiB of input');
    expect(await other.command('STAT')).toMatch(/^\+OK 15 /);
  });
});

describe('bad commands in a row (project limit MAX_BAD_COMMANDS, src/protocol/limits.ts)', () => {
  test('the 20th bad command in a row closes the session and says why; a good one resets the count', async ({ server }) => {
    const client = await server.ready();
    for (let i = 0; i < 19; i++) expect(await client.command('BOGUS')).toMatch(/^-ERR unknown command/);
    expect((await client.multiline('CAPA')).status).toBe('+OK Capability list follows');
    for (let i = 0; i < 19; i++) expect(await client.command('STAT')).toMatch(/^-ERR STAT is only valid after login/);
    expect(await client.command('STAT')).toBe(
      '-ERR STAT is only valid after login (TRANSACTION state); log in with USER and PASS first; 20 bad commands in a row, closing the connection',
    );
    await client.waitClosed();
    const close = await waitForEntry(server.sandbox, (e) => e.keyword === 'CLOSE');
    expect(close.text).toBe('CLOSE 20 bad commands in a row');
  });
});

describe('framing and pipelining (RFC 2449 §6.6)', () => {
  test('reassembles commands sent one octet at a time, with CRLF or bare LF', async ({ server }) => {
    const client = await server.ready();
    const bytes = Buffer.from('USER alice\r\nPASS wonderland\nSTAT\r\n');
    for (const byte of bytes) client.write(Buffer.from([byte]));
    expect(await client.readLine()).toMatch(/^\+OK now send PASS/);
    expect(await client.readLine()).toMatch(/^\+OK alice's maildrop/);
    expect(await client.readLine()).toBe('+OK 15 1194411');
  });

  test('answers a pipelined burst strictly in order, one reply per command, big RETRs included', async ({ server }) => {
    const client = await server.ready();
    client.write('CAPA\r\nUSER alice\r\nPASS wonderland\r\nRETR 11\r\nSTAT\r\nBOGUS\r\nRETR 11\r\nLIST 2\r\nDELE 3\r\nRSET\r\nQUIT\r\n');
    expect((await client.readMultiline()).status).toBe('+OK Capability list follows');
    expect(await client.readLine()).toMatch(/^\+OK now send PASS/);
    expect(await client.readLine()).toMatch(/^\+OK alice's maildrop/);
    expect((await client.readMultiline(10_000)).body.length).toBe(1178136);
    expect(await client.readLine()).toBe('+OK 15 1194411');
    expect(await client.readLine()).toMatch(/^-ERR unknown command "BOGUS"/);
    expect((await client.readMultiline(10_000)).body.length).toBe(1178136);
    expect(await client.readLine()).toBe('+OK 2 2951');
    expect(await client.readLine()).toBe('+OK message 3 deleted');
    expect(await client.readLine()).toBe('+OK maildrop has 15 messages (1194411 octets)');
    expect(await client.readLine()).toBe('+OK POP3 sandbox signing off (15 messages left)');
    expect((await client.waitClosed()).length).toBe(0);
  });

  test('a client that does not read its replies is held back by backpressure, and loses nothing', async ({ server }) => {
    const client = await server.login();
    client.socket.pause();
    client.write('RETR 11\r\n'.repeat(6) + 'STAT\r\n');
    // The server cannot have written six copies into a paused socket; it waits for 'drain'.
    await waitForEntry(server.sandbox, (e) => e.direction === 'S' && e.keyword === 'RETR');
    client.socket.resume();
    for (let i = 0; i < 6; i++) expect((await client.readMultiline(10_000)).body.length).toBe(1178136);
    expect(await client.readLine()).toBe('+OK 15 1194411');
  });

  test('commands piped with a half-close (printf ... | nc) are all answered, then the session ends', async ({ server }) => {
    await expectPipedQuitCommits(server);
  });

  test('a half-close without QUIT ends the session without UPDATE', async ({ server }) => {
    const client = await server.ready();
    client.write('USER bob\r\nPASS builder\r\nDELE 1\r\n');
    client.socket.end();
    await client.waitClosed();
    const close = await waitForEntry(server.sandbox, (e) => e.keyword === 'CLOSE');
    expect(close.text).toBe('CLOSE client closed the connection');
    expect(server.sandbox.log.entries.some((e) => e.keyword === 'UPDATE')).toBe(false);
    expect(await (await server.login('bob', 'builder')).command('STAT')).toBe('+OK 7 3520');
  });

  test('any line of any bytes gets exactly one reply, and neither this session nor another breaks (property)', async ({ server }) => {
    const bystander = await server.login('bob', 'builder');
    const octet = fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0a && b !== 0x0d);
    const line = fc.oneof(
      fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0a && b !== 0x0d))),
      fc.array(octet, { minLength: 250, maxLength: 400 }).map((a) => Buffer.from(a)),
      fc.constantFrom(':', '', ' ', 'TOP', 'LIST x y z', 'RETR -1', 'APOP', 'USER', 'PASS', 'DELE 1 2').map((s) => Buffer.from(s)),
    );
    // Lines that would change the session's shape (QUIT, STLS, AUTH, CAPA) are left to other tests.
    const safe = line.filter((l) => !/^(QUIT|STLS|AUTH|CAPA)( |$)/i.test(l.toString('latin1')));
    await fc.assert(
      fc.asyncProperty(fc.array(safe, { minLength: 1, maxLength: 15 }), async (lines) => {
        const client = await server.ready();
        try {
          client.write(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')])));
          for (let i = 0; i < lines.length; i++) expect(await client.readLine()).toMatch(/^(\+OK|-ERR) /);
          expect((await client.multiline('CAPA')).status).toBe('+OK Capability list follows');
        } finally {
          client.destroy();
        }
      }),
      { numRuns: 40 },
    );
    expect(await bystander.command('STAT')).toBe('+OK 7 3520');
  });
});

describe('autologout (RFC 1939 §3)', () => {
  const quick = serverTest({ tlsPort: false, autologoutMs: 150 });

  quick('closes an idle session without a reply and without UPDATE', async ({ server }) => {
    const client = await server.login('bob', 'builder');
    expect(await client.command('DELE 1')).toBe('+OK message 1 deleted');
    const rest = await client.waitClosed(3000);
    expect(rest.length).toBe(0);
    const close = await waitForEntry(server.sandbox, (e) => e.keyword === 'CLOSE');
    expect(close.text).toBe('CLOSE autologout after 150 ms without a command');
    expect(close.stateBefore).toBe('TRANSACTION');
    expect(server.sandbox.log.entries.some((e) => e.keyword === 'UPDATE')).toBe(false);
    expect(await (await server.login('bob', 'builder')).command('STAT')).toBe('+OK 7 3520');
  });

  test('defaults to at least 10 minutes', async () => {
    const { resolveOptions } = await import('../../sandbox-server/options');
    expect(resolveOptions({}).autologoutMs).toBeGreaterThanOrEqual(10 * 60 * 1000);
  });
});

describe('connection cap', () => {
  const capped = serverTest({ tlsPort: false, maxConnections: 2 });

  capped('refuses connections over the cap with [SYS/TEMP] and accepts again once one ends', async ({ server }) => {
    const first = await server.ready();
    const second = await server.ready();
    const third = await server.connect();
    expect(await third.readLine()).toBe('-ERR [SYS/TEMP] too many connections (the limit is 2); try again later');
    await third.waitClosed();
    first.destroy();
    await waitForEntry(server.sandbox, (e) => e.session === 's1' && e.keyword === 'CLOSE');
    // The listener stops counting a socket on 'close', before the session logs CLOSE.
    expect(await (await server.connect()).readLine()).toMatch(/^\+OK POP3 sandbox ready/);
    expect(await second.command('USER bob')).toMatch(/^\+OK/);
  });
});
