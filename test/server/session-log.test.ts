import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../src/protocol';
import { createMemoryStorage, SessionLog, startSandbox } from '../../sandbox-server';
import type { MailStorage } from '../../sandbox-server';
import { RawPop3 } from '../helpers/raw-pop3';
import { serverTest, waitForEntry } from './sandbox-fixture';

const test = serverTest({ tlsPort: false });

/** Octets of a seed file's header section and blank line, in CRLF form, by our own reading. */
function headerOctets(file: string): number {
  const text = readFileSync(path.join(__dirname, '..', '..', 'sandbox-server', 'seed', file), 'latin1').replace(/\r?\n/g, '\r\n');
  return text.indexOf('\r\n\r\n') + 4;
}

/** The fields a lesson checks, without the time. */
function shape(e: TranscriptEntry): unknown[] {
  return [e.seq, e.direction, e.keyword, e.args, e.status, e.code, e.stateBefore, e.stateAfter, e.user, e.uids, e.octets];
}

describe('the session log', () => {
  test('records commands, replies and events with states, user, unique-ids and octets', async ({ server }) => {
    await server.sandbox.resetMailbox('bob', ['bob-welcome', 'bob-invoice']);
    const client = await server.connect();
    await client.readLine();
    await client.command('USER bob');
    await client.command('PASS builder');
    const uids = (await client.multiline('UIDL')).lines.map((l) => l.split(' ')[1]!);
    await client.multiline('RETR 2');
    await client.multiline('TOP 1 0');
    await client.command('DELE 1');
    await client.command('RETR 9');
    await client.command('QUIT');
    await client.waitClosed();
    const entries = server.sandbox.log.entries;
    expect(entries.every((e) => e.session === 's1' && typeof e.time === 'number')).toBe(true);
    expect(entries.map(shape)).toEqual([
      [1, '*', 'CONNECT', [], undefined, undefined, 'CLOSED', 'AUTHORIZATION', undefined, undefined, undefined],
      [2, 'S', 'GREETING', [], '+OK', undefined, 'AUTHORIZATION', 'AUTHORIZATION', undefined, undefined, undefined],
      [3, 'C', 'USER', ['bob'], undefined, undefined, 'AUTHORIZATION', 'AUTHORIZATION', undefined, undefined, undefined],
      [4, 'S', 'USER', [], '+OK', undefined, 'AUTHORIZATION', 'AUTHORIZATION', 'bob', undefined, undefined],
      [5, 'C', 'PASS', ['***'], undefined, undefined, 'AUTHORIZATION', 'AUTHORIZATION', 'bob', undefined, undefined],
      [6, 'S', 'PASS', [], '+OK', undefined, 'AUTHORIZATION', 'TRANSACTION', 'bob', undefined, undefined],
      [7, 'C', 'UIDL', [], undefined, undefined, 'TRANSACTION', 'TRANSACTION', 'bob', undefined, undefined],
      [8, 'S', 'UIDL', [], '+OK', undefined, 'TRANSACTION', 'TRANSACTION', 'bob', undefined, 2 * '1 0123456789abcdef\r\n'.length],
      [9, 'C', 'RETR', ['2'], undefined, undefined, 'TRANSACTION', 'TRANSACTION', 'bob', undefined, undefined],
      [10, 'S', 'RETR', [], '+OK', undefined, 'TRANSACTION', 'TRANSACTION', 'bob', [uids[1]], 923],
      [11, 'C', 'TOP', ['1', '0'], undefined, undefined, 'TRANSACTION', 'TRANSACTION', 'bob', undefined, undefined],
      [12, 'S', 'TOP', [], '+OK', undefined, 'TRANSACTION', 'TRANSACTION', 'bob', [uids[0]], headerOctets('bob/01-bob-welcome.eml')],
      [13, 'C', 'DELE', ['1'], undefined, undefined, 'TRANSACTION', 'TRANSACTION', 'bob', undefined, undefined],
      [14, 'S', 'DELE', [], '+OK', undefined, 'TRANSACTION', 'TRANSACTION', 'bob', [uids[0]], undefined],
      [15, 'C', 'RETR', ['9'], undefined, undefined, 'TRANSACTION', 'TRANSACTION', 'bob', undefined, undefined],
      [16, 'S', 'RETR', [], '-ERR', undefined, 'TRANSACTION', 'TRANSACTION', 'bob', undefined, undefined],
      [17, 'C', 'QUIT', [], undefined, undefined, 'TRANSACTION', 'TRANSACTION', 'bob', undefined, undefined],
      [18, '*', 'UPDATE', [], undefined, undefined, 'UPDATE', 'UPDATE', 'bob', [uids[0]], undefined],
      [19, 'S', 'QUIT', [], '+OK', undefined, 'TRANSACTION', 'UPDATE', 'bob', undefined, undefined],
      [20, '*', 'CLOSE', [], undefined, undefined, 'UPDATE', 'CLOSED', 'bob', undefined, undefined],
    ]);
  });

  test('appends each reply entry before the reply is written', async ({ server }) => {
    const client = await server.login();
    const seen: { text: string; received: string }[] = [];
    server.sandbox.log.on('entry', (entry: TranscriptEntry) => {
      if (entry.direction === 'S') seen.push({ text: entry.text, received: Buffer.concat(client.received).toString('latin1') });
    });
    await client.command('STAT');
    await client.command('LIST 3');
    expect(seen.map((s) => s.text)).toEqual(['+OK 15 1194411', '+OK 3 1788']);
    for (const { text, received } of seen) expect(received).not.toContain(text);
  });

  test('carries response codes, and redacts secrets wherever they were sent', async ({ server }) => {
    const first = await server.login();
    const second = await server.connect();
    await second.readLine();
    await second.command('USER alice');
    await second.command('PASS wonderland');
    await second.command(`AUTH PLAIN ${Buffer.from('\0alice\0wonderland').toString('base64')}`);
    await second.command('PASS oops, no USER before me');
    const inUse = server.sandbox.log.entries.filter((e) => e.code === 'IN-USE');
    expect(inUse.map((e) => [e.session, e.keyword, e.status])).toEqual([
      ['s2', 'PASS', '-ERR'],
      ['s2', 'AUTH', '-ERR'],
    ]);
    const sent = server.sandbox.log.entries.filter((e) => e.direction === 'C' && e.session === 's2').map((e) => e.text);
    expect(sent).toEqual(['USER alice', 'PASS ***', 'AUTH PLAIN ***', 'PASS ***']);
    expect(JSON.stringify(server.sandbox.log.entries)).not.toMatch(/wonderland|oops/);
    first.destroy();
  });

  test('numbers sessions and entries, and clear() empties it', async ({ server }) => {
    const a = await server.connect();
    await a.readLine();
    const b = await server.connect();
    await b.readLine();
    expect(new Set(server.sandbox.log.entries.map((e) => e.session))).toEqual(new Set(['s1', 's2']));
    server.sandbox.log.clear();
    expect(server.sandbox.log.entries).toEqual([]);
    await a.command('CAPA');
    const next = await waitForEntry(server.sandbox, (e) => e.direction === 'C');
    expect(next.seq).toBe(3);
  });

  it('keeps at most its limit, dropping the oldest first', () => {
    const log = new SessionLog(10);
    for (let seq = 1; seq <= 25; seq++) {
      log.append({ session: 's1', seq, time: 0, direction: 'C', keyword: 'NOOP', args: [], text: 'NOOP', stateBefore: 'TRANSACTION', stateAfter: 'TRANSACTION' });
    }
    expect(log.entries.length).toBeLessThanOrEqual(10);
    expect(log.entries.at(-1)?.seq).toBe(25);
  });
});

describe('handler failures', () => {
  it('are answered -ERR [SYS/TEMP], reported, and leave the session and the server running', async () => {
    const memory = createMemoryStorage();
    const broken: MailStorage = {
      ...memory,
      async list(account) {
        const messages = await memory.list(account);
        // A storage bug: one message's unique-id cannot be read.
        return messages.map((m, i) =>
          i === 1
            ? Object.defineProperty({ ...m }, 'uid', {
                get: () => {
                  throw new Error('uid unavailable');
                },
              })
            : m,
        );
      },
    };
    const sandbox = await startSandbox({ tlsPort: false, storage: broken, failedLoginDelayMs: 0 });
    try {
      await sandbox.resetMailbox('bob');
      const reported: string[] = [];
      sandbox.log.on('internal-error', (error: Error, session: string) => reported.push(`${session}: ${error.message}`));
      const client = await RawPop3.connect(sandbox.port);
      await client.login('bob', 'builder');
      expect(await client.command('UIDL 1')).toMatch(/^\+OK 1 /);
      expect(await client.command('UIDL')).toBe('-ERR [SYS/TEMP] internal server error; the command was not carried out, the session continues');
      expect(await client.command('STAT')).toBe('+OK 7 3520');
      expect(reported).toEqual(['s1: uid unavailable']);
      expect(sandbox.internalErrors.map((e) => e.message)).toEqual(['uid unavailable']);
      const other = await RawPop3.connect(sandbox.port);
      await other.login('alice', 'wonderland');
      client.destroy();
      other.destroy();
    } finally {
      await sandbox.close();
    }
  });

  it('a storage that cannot read a message gives -ERR [SYS/TEMP] for it', async () => {
    const memory = createMemoryStorage();
    const failing: MailStorage = {
      ...memory,
      async list(account) {
        return (await memory.list(account)).map((m) => ({ ...m, read: () => Promise.reject(new Error('disk on fire')) }));
      },
    };
    const sandbox = await startSandbox({ tlsPort: false, storage: failing, failedLoginDelayMs: 0 });
    try {
      await sandbox.resetMailbox('bob');
      const client = await RawPop3.connect(sandbox.port);
      await client.login('bob', 'builder');
      expect(await client.command('RETR 1')).toBe('-ERR [SYS/TEMP] cannot read message 1 from storage: disk on fire');
      expect(await client.command('STAT')).toBe('+OK 7 3520');
      expect(sandbox.internalErrors).toEqual([]);
      client.destroy();
    } finally {
      await sandbox.close();
    }
  });
});
