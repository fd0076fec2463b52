import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { startSandbox } from '../../sandbox-server';
import { expectSameBytes, RawPop3 } from '../helpers/raw-pop3';
import { serverTest, waitForEntry } from './sandbox-fixture';

const test = serverTest({ tlsPort: false });

const SEED = path.join(__dirname, '..', '..', 'sandbox-server', 'seed');
const manifest = JSON.parse(readFileSync(path.join(SEED, 'manifest.json'), 'utf8')) as {
  accounts: { name: string; password: string; messages: string[] }[];
  messages: Record<string, { file: string }>;
};

/** Canonical CRLF bytes of a seed message, computed here by our own few lines. */
function seedBytes(name: string): Buffer {
  let text = readFileSync(path.join(SEED, manifest.messages[name]!.file)).toString('latin1');
  text = text.replace(/\r?\n/g, '\r\n');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(text, 'latin1');
}

function accountMessages(account: string): string[] {
  return manifest.accounts.find((a) => a.name === account)!.messages;
}

describe('STAT, LIST, UIDL (RFC 1939 §5, §7)', () => {
  test('STAT is exactly "+OK count size" and LIST agrees with it', async ({ server }) => {
    const client = await server.login();
    const stat = await client.command('STAT');
    expect(stat).toMatch(/^\+OK \d+ \d+$/);
    const [, count, size] = stat.split(' ');
    const list = await client.multiline('LIST');
    expect(list.status).toBe(`+OK ${count} messages (${size} octets)`);
    expect(list.lines).toHaveLength(Number(count));
    expect(list.lines.reduce((sum, l) => sum + Number(l.split(' ')[1]), 0)).toBe(Number(size));
    list.lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^${i + 1} \\d+$`)));
  });

  test('LIST n and UIDL n answer on the status line with one space', async ({ server }) => {
    const client = await server.login();
    expect(await client.command('LIST 7')).toBe(`+OK 7 ${seedBytes('ends-with-dot').length}`);
    const uidl = await client.multiline('UIDL');
    expect(await client.command('UIDL 7')).toBe(`+OK ${uidl.lines[6]}`);
  });

  test('unique-ids are 1-70 characters in 0x21-0x7E and distinct, byte-identical messages included', async ({ server }) => {
    for (const [user, password] of [['alice', 'wonderland'], ['bob', 'builder'], ['zoe', 'unicode'], ['max', 'linelength']] as const) {
      const client = await server.login(user, password);
      const uids = (await client.multiline('UIDL')).lines.map((l) => {
        const parts = l.split(' ');
        expect(parts).toHaveLength(2);
        return parts[1]!;
      });
      for (const uid of uids) expect(uid).toMatch(/^[\x21-\x7e]{1,70}$/);
      expect(new Set(uids).size).toBe(uids.length);
      await client.command('QUIT');
    }
  });

  test('bad message-numbers get a helpful -ERR and the session goes on', async ({ server }) => {
    const client = await server.login();
    expect(await client.command('RETR 16')).toBe('-ERR no such message, only 15 messages in maildrop');
    expect(await client.command('LIST 0')).toBe('-ERR no such message, only 15 messages in maildrop');
    expect(await client.command('DELE 99999999999')).toBe('-ERR "99999999999" is not a message-number; give a number from 1 to 15');
    expect(await client.command('TOP one 1')).toBe('-ERR "one" is not a message-number; give a number from 1 to 15');
    expect(await client.command('UIDL -1')).toBe('-ERR "-1" is not a message-number; give a number from 1 to 15');
    expect(await client.command('TOP 1 x')).toBe('-ERR "x" is not a line count; TOP msg n takes a number of body lines, 0 or more');
    expect(await client.command('STAT')).toMatch(/^\+OK 15 /);
  });

  test('an empty maildrop says so', async ({ server }) => {
    await server.sandbox.resetMailbox('bob', []);
    const client = await server.login('bob', 'builder');
    expect(await client.command('STAT')).toBe('+OK 0 0');
    expect((await client.multiline('LIST')).status).toBe('+OK 0 messages (0 octets)');
    expect(await client.command('RETR 1')).toBe('-ERR no such message, maildrop is empty');
  });
});

describe('RETR and TOP (RFC 1939 §5, §7)', () => {
  test('RETR sends every message byte for byte, dot-stuffed on the wire', async ({ server }) => {
    const client = await server.login();
    const dots = await client.multiline('RETR 6');
    expect(dots.status).toBe(`+OK ${seedBytes('dot-lines').length} octets`);
    expectSameBytes(dots.body, seedBytes('dot-lines'));
    // Every body line that starts with "." went out with one more.
    const wireLines = dots.wire.toString('latin1').split('\r\n');
    const plainLines = seedBytes('dot-lines').toString('latin1').split('\r\n');
    plainLines.forEach((l, i) => expect(wireLines[i]).toBe(l.startsWith('.') ? `.${l}` : l));

    const endsWithDot = await client.multiline('RETR 7');
    expect(endsWithDot.wire.toString('latin1').endsWith('\r\n..\r\n')).toBe(true);
    expectSameBytes(endsWithDot.body, seedBytes('ends-with-dot'));

    // Stored with bare LF: sent with CRLF, and LIST counted the CRLF octets.
    const bareLf = await client.multiline('RETR 8');
    expectSameBytes(bareLf.body, seedBytes('bare-lf'));
    expect(await client.command('LIST 8')).toBe(`+OK 8 ${seedBytes('bare-lf').length}`);
  });

  test('the large message arrives whole (written in chunks with backpressure)', async ({ server }) => {
    const client = await server.login();
    const big = await client.multiline('RETR 11', 10_000);
    expectSameBytes(big.body, seedBytes('big-attachment'));
    expect(await client.command('NOOP')).toBe('+OK nothing to do');
  });

  test('max: a 3,000-octet line is sent unchanged', async ({ server }) => {
    const client = await server.login('max', 'linelength');
    const reply = await client.multiline('RETR 2');
    expectSameBytes(reply.body, seedBytes('max-3000-octet-line'));
    expect(reply.lines.some((l) => l.length === 3000)).toBe(true);
  });

  test('TOP n 0 is the headers and the blank line; TOP n k adds k body lines; beyond the body is the whole message', async ({ server }) => {
    const client = await server.login();
    const message = seedBytes('welcome');
    const headerEnd = message.indexOf('\r\n\r\n') + 4;
    expectSameBytes((await client.multiline('TOP 1 0')).body, message.subarray(0, headerEnd));
    const bodyLines = message.subarray(headerEnd).toString('latin1').split('\r\n').slice(0, -1);
    const three = await client.multiline('TOP 1 3');
    expect(three.body.toString('latin1')).toBe(message.subarray(0, headerEnd).toString('latin1') + bodyLines.slice(0, 3).map((l) => `${l}\r\n`).join(''));
    expectSameBytes((await client.multiline('TOP 1 100000')).body, message);
    // TOP of the dot-lines message is stuffed too.
    const dots = await client.multiline('TOP 6 50');
    expectSameBytes(dots.body, seedBytes('dot-lines'));
    expect(dots.wire.includes('\r\n..')).toBe(true);
  });

  test('bob: a headers-only message gets the blank line added; an empty body makes TOP n 0 equal RETR', async ({ server }) => {
    const client = await server.login('bob', 'builder');
    const headersOnly = seedBytes('bob-headers-only');
    expect(headersOnly.includes('\r\n\r\n')).toBe(false);
    expectSameBytes((await client.multiline('TOP 6 0')).body, Buffer.concat([headersOnly, Buffer.from('\r\n')]));
    expectSameBytes((await client.multiline('RETR 6')).body, headersOnly);
    const empty = await client.multiline('RETR 7');
    expectSameBytes((await client.multiline('TOP 7 0')).body, empty.body);
    expectSameBytes(empty.body, seedBytes('bob-empty-body'));
  });

  test('LIST size equals the octets RETR delivers, for every message of every account', async ({ server }) => {
    for (const { name, password } of server.sandbox.accounts) {
      const client = await server.connect();
      await client.readLine();
      await client.command('UTF8');
      await client.command(`USER ${name}`);
      await client.command(`PASS ${password}`);
      const list = await client.multiline('LIST');
      for (const line of list.lines) {
        const [n, size] = line.split(' ');
        const retr = await client.multiline(`RETR ${n}`, 10_000);
        expect(retr.body.length, `${name} message ${n}`).toBe(Number(size));
        expect(retr.status).toBe(`+OK ${size} octets`);
        expectSameBytes(retr.body, seedBytes(accountMessages(name)[Number(n) - 1]!), `${name} message ${n}`);
      }
      await client.command('QUIT');
    }
  });

  test('LIST size equals RETR octets for arbitrary messages (property)', async ({ server }) => {
    const line = fc.oneof(
      fc.constantFrom('', '.', '..', '...', '.x', 'From: a', ' folded', 'x'.repeat(300)),
      fc.string({ unit: fc.constantFrom('a', '.', ' ', ':', '\t', '\r', '\u00e9'), maxLength: 20 }),
    );
    const ending = fc.constantFrom('\r\n', '\n', '');
    const message = fc.array(fc.tuple(line, ending), { maxLength: 12 }).map((parts) => parts.map(([l, e]) => l + e).join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 4 }), async (texts) => {
        await server.sandbox.resetMailbox('bob', texts.map((t) => ({ bytes: Buffer.from(t, 'utf8') })));
        const client = await server.connect();
        await client.readLine();
        // UTF-8 mode, so 8-bit headers are sent too (RFC 6856).
        await client.command('UTF8');
        await client.command('USER bob');
        expect(await client.command('PASS builder')).toMatch(/^\+OK/);
        try {
          const list = await client.multiline('LIST');
          for (const entry of list.lines) {
            const [n, size] = entry.split(' ');
            const retr = await client.multiline(`RETR ${n}`);
            expect(retr.body.length).toBe(Number(size));
            // Our own canonical form: every LF preceded by CR, and a final CRLF on a non-empty message.
            const sent = Buffer.from(texts[Number(n) - 1]!, 'utf8').toString('latin1').replace(/\r?\n/g, '\r\n');
            expect(retr.body.toString('latin1')).toBe(sent === '' || sent.endsWith('\r\n') ? sent : `${sent}\r\n`);
          }
        } finally {
          await client.command('QUIT');
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('DELE, RSET, QUIT and UPDATE (RFC 1939 §5, §6)', () => {
  test('QUIT commits deletions; the next session numbers the remaining messages afresh', async ({ server }) => {
    const client = await server.login('bob', 'builder');
    const before = (await client.multiline('UIDL')).lines.map((l) => l.split(' ')[1]!);
    expect(await client.command('DELE 2')).toBe('+OK message 2 deleted');
    expect(await client.command('DELE 4')).toBe('+OK message 4 deleted');
    expect(await client.command('QUIT')).toBe('+OK POP3 sandbox signing off (5 messages left)');
    const update = await waitForEntry(server.sandbox, (e) => e.keyword === 'UPDATE');
    expect(update.uids).toEqual([before[1], before[3]]);
    const next = await server.login('bob', 'builder');
    const after = (await next.multiline('UIDL')).lines;
    expect(after).toEqual([before[0], before[2], before[4], before[5], before[6]].map((uid, i) => `${i + 1} ${uid}`));
  });

  test('RSET unmarks everything; nothing is removed at QUIT', async ({ server }) => {
    const client = await server.login('bob', 'builder');
    await client.command('DELE 1');
    await client.command('DELE 2');
    expect(await client.command('RSET')).toBe('+OK maildrop has 7 messages (3520 octets)');
    expect(await client.command('LIST 1')).toBe('+OK 1 567');
    expect(await client.command('QUIT')).toBe('+OK POP3 sandbox signing off (7 messages left)');
    const next = await server.login('bob', 'builder');
    expect(await next.command('STAT')).toBe('+OK 7 3520');
  });

  test('a dropped connection deletes nothing (no UPDATE)', async ({ server }) => {
    const client = await server.login('bob', 'builder');
    await client.command('DELE 1');
    client.destroy();
    await waitForEntry(server.sandbox, (e) => e.keyword === 'CLOSE');
    expect(server.sandbox.log.entries.some((e) => e.keyword === 'UPDATE')).toBe(false);
    const next = await server.login('bob', 'builder');
    expect(await next.command('STAT')).toBe('+OK 7 3520');
  });

  test('messages delivered during a session are not seen until the next one (snapshot at login)', async ({ server }) => {
    const client = await server.login('bob', 'builder');
    await server.sandbox.resetMailbox('bob', ['bob-welcome']);
    expect(await client.command('STAT')).toBe('+OK 7 3520');
    expectSameBytes((await client.multiline('RETR 3')).body, seedBytes('bob-meeting'));
    await client.command('QUIT');
    const next = await server.login('bob', 'builder');
    expect(await next.command('STAT')).toBe('+OK 1 567');
  });
});

describe('a Maildir message removed by another program while it is listed', () => {
  test('RETR and TOP of it get an explained -ERR; the session goes on, and nothing counts as an internal error', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-sandbox-gone-'));
    const sandbox = await startSandbox({ tlsPort: false, maildir: dir, failedLoginDelayMs: 0 });
    const client = await RawPop3.connect(sandbox.port, sandbox.host);
    try {
      await client.login('bob', 'builder');
      // Another mail program empties cur/ under the session's feet.
      const cur = path.join(dir, 'bob', 'cur');
      const files = await fs.readdir(cur);
      expect(files.length).toBe(accountMessages('bob').length);
      await Promise.all(files.map((file) => fs.unlink(path.join(cur, file))));
      expect(await client.command('RETR 3')).toBe('-ERR message 3 was removed from the maildrop by another program');
      expect(await client.command('TOP 1 0')).toBe('-ERR message 1 was removed from the maildrop by another program');
      const refusal = sandbox.log.entries.find((e) => e.direction === 'S' && e.keyword === 'RETR');
      expect(refusal?.code).toBeUndefined();
      // The session keeps its snapshot (RFC 1939 §4) and carries on.
      expect(await client.command('STAT')).toBe('+OK 7 3520');
      // Deleting what is already gone is no failure either (RFC 1939 §6).
      expect(await client.command('DELE 3')).toBe('+OK message 3 deleted');
      expect(await client.command('QUIT')).toMatch(/^\+OK POP3 sandbox signing off/);
      expect(sandbox.internalErrors).toEqual([]);
    } finally {
      client.destroy();
      await sandbox.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('unique-ids across sessions, restarts and resets (RFC 1939 §7)', () => {
  test('are stable across sessions and restarts, fresh after a reset, never reused', async ({ server }) => {
    const read = async (port: number): Promise<string[]> => {
      const client = await RawPop3.connect(port);
      await client.login('alice', 'wonderland');
      const uids = (await client.multiline('UIDL')).lines.map((l) => l.split(' ')[1]!);
      await client.command('QUIT');
      return uids;
    };
    const first = await read(server.sandbox.port);
    expect(await read(server.sandbox.port)).toEqual(first);
    const restarted = await startSandbox({ tlsPort: false });
    try {
      expect(await read(restarted.port)).toEqual(first);
    } finally {
      await restarted.close();
    }
    const seen = new Set(first);
    for (let reset = 0; reset < 3; reset++) {
      await server.sandbox.resetMailbox('alice');
      const fresh = await read(server.sandbox.port);
      expect(fresh).toHaveLength(15);
      for (const uid of fresh) {
        expect(seen.has(uid)).toBe(false);
        seen.add(uid);
      }
    }
  });
});

describe('resetMailbox from code', () => {
  test('takes seed names and raw messages, and reports unknown names with typed errors', async ({ server }) => {
    await server.sandbox.resetMailbox('alice', ['welcome', { bytes: Buffer.from('Subject: hi\n\nbare LF body\n') }, 'bob-invoice']);
    const client = await server.login();
    const list = await client.multiline('LIST');
    expect(list.lines).toEqual([`1 ${seedBytes('welcome').length}`, '2 29', `3 ${seedBytes('bob-invoice').length}`]);
    expect((await client.multiline('RETR 2')).body.toString()).toBe('Subject: hi\r\n\r\nbare LF body\r\n');
    await expect(server.sandbox.resetMailbox('nobody')).rejects.toMatchObject({ code: 'UNKNOWN_ACCOUNT' });
    await expect(server.sandbox.resetMailbox('alice', ['no-such-message'])).rejects.toMatchObject({ code: 'UNKNOWN_SEED_MESSAGE' });
  });
});

describe('UTF8 (RFC 6856)', () => {
  test('outside UTF-8 mode, messages with raw 8-bit headers get -ERR [UTF8]; LIST and UIDL still list them', async ({ server }) => {
    const client = await server.login('zoe', 'unicode');
    expect(await client.command('RETR 1')).toBe(
      '-ERR [UTF8] message 1 has raw UTF-8 in its headers; reconnect and send UTF8 before logging in to retrieve it (RFC 6856 section 2.1)',
    );
    expect(await client.command('TOP 2 0')).toMatch(/^-ERR \[UTF8\] message 2 has raw UTF-8/);
    expect(await client.command('LIST 1')).toBe(`+OK 1 ${seedBytes('zoe-raw-utf8-subject').length}`);
    // An 8-bit body under ASCII headers is ordinary mail.
    const alice = await server.login();
    expectSameBytes((await alice.multiline('RETR 5')).body, seedBytes('utf8-body'));
  });

  test('after UTF8, the same messages are sent raw', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    expect(await client.command('UTF8')).toBe('+OK UTF-8 mode on: messages with raw UTF-8 headers are sent unchanged');
    expect(await client.command('UTF8')).toBe('+OK already in UTF-8 mode');
    await client.command('USER zoe');
    await client.command('PASS unicode');
    const retr = await client.multiline('RETR 1');
    expectSameBytes(retr.body, seedBytes('zoe-raw-utf8-subject'));
    expect(retr.body.toString('utf8')).toContain('Grüße aus Köln');
    expect(await client.command('UTF8')).toMatch(/^-ERR UTF8 is only valid before login/);
  });
});
