import { describe, expect, test as baseTest } from 'vitest';
import type { Sandbox } from '../../sandbox-server';
import { createMemoryStorage, startSandbox } from '../../sandbox-server';
import { RawPop3 } from '../helpers/raw-pop3';
import { expectPipedQuitCommits } from './piped-session';
import { serverTest, waitForEntry } from './sandbox-fixture';

const test = serverTest({ tlsPort: false });

describe('injected faults: every one is marked in the session log', () => {
  test('delay=N holds back every reply, the greeting included', async ({ server }) => {
    server.sandbox.setFaults({ delayMs: 120 });
    const started = Date.now();
    const client = await server.ready();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    const before = Date.now();
    expect(await client.command('USER alice')).toMatch(/^\+OK/);
    expect(Date.now() - before).toBeGreaterThanOrEqual(110);
    const replies = server.sandbox.log.entries.filter((e) => e.direction === 'S');
    expect(replies.map((e) => e.fault)).toEqual(['delay=120', 'delay=120']);
  });

  test('drop-after=N drops the connection once N commands are answered', async ({ server }) => {
    server.sandbox.setFaults({ dropAfterCommands: 2 });
    const client = await server.ready();
    expect(await client.command('USER alice')).toMatch(/^\+OK/);
    client.write('PASS wonderland\r\nSTAT\r\n');
    expect(await client.readLine()).toMatch(/^\+OK alice's maildrop/);
    expect((await client.waitClosed()).length).toBe(0);
    const events = server.sandbox.log.entries.filter((e) => e.direction === '*').map((e) => [e.keyword, e.text, e.fault]);
    expect(events.slice(1)).toEqual([
      ['FAULT', 'FAULT drop-after=2: dropping the connection', 'drop-after=2'],
      ['CLOSE', 'CLOSE dropped on purpose (injected fault: drop-after=2)', undefined],
    ]);
  });

  test('drop-mid-retr sends about half the message, then drops; nothing is deleted', async ({ server }) => {
    const client = await server.login();
    await client.command('DELE 1');
    server.sandbox.setFaults({ dropMidRetr: true });
    client.write('RETR 11\r\n');
    expect(await client.readLine()).toBe('+OK 1178136 octets');
    const partial = await client.waitClosed(10_000);
    expect(partial.length).toBeGreaterThan(400_000);
    expect(partial.length).toBeLessThan(800_000);
    const retr = server.sandbox.log.entries.find((e) => e.direction === 'S' && e.keyword === 'RETR');
    expect(retr?.fault).toBe('drop-mid-retr');
    const fault = await waitForEntry(server.sandbox, (e) => e.keyword === 'FAULT');
    expect(fault.text).toBe('FAULT drop-mid-retr: dropping the connection halfway through the message');
    expect(server.sandbox.log.entries.some((e) => e.keyword === 'UPDATE')).toBe(false);
    server.sandbox.setFaults(undefined);
    expect(await (await server.login()).command('STAT')).toBe('+OK 15 1194411');
  });

  test('fail=RETR+DELE answers those commands with [SYS/TEMP]; state rules still come first', async ({ server }) => {
    server.sandbox.setFaults({ failCommands: ['RETR', 'DELE'] });
    const client = await server.ready();
    expect(await client.command('RETR 1')).toMatch(/^-ERR RETR is only valid after login/);
    await client.command('USER alice');
    await client.command('PASS wonderland');
    expect(await client.command('RETR 1')).toBe('-ERR [SYS/TEMP] RETR failed on purpose (injected fault: fail=RETR); try again later');
    expect(await client.command('DELE 1')).toBe('-ERR [SYS/TEMP] DELE failed on purpose (injected fault: fail=DELE); try again later');
    expect(await client.command('LIST 1')).toBe('+OK 1 1080');
    const marked = server.sandbox.log.entries.filter((e) => e.fault).map((e) => `${e.keyword} ${e.code} ${e.fault}`);
    expect(marked).toEqual(['RETR SYS/TEMP fail=RETR', 'DELE SYS/TEMP fail=DELE']);
  });

  test('refuse-login=IN-USE refuses every way of logging in, after checking the credentials', async ({ server }) => {
    server.sandbox.setFaults({ refuseLogin: 'IN-USE' });
    const client = await server.ready();
    await client.command('USER alice');
    expect(await client.command('PASS wrong')).toBe('-ERR [AUTH] invalid user name or password');
    await client.command('USER alice');
    expect(await client.command('PASS wonderland')).toBe('-ERR [IN-USE] maildrop is locked by another session (injected fault: refuse-login=IN-USE)');
    expect(await client.command(`AUTH PLAIN ${Buffer.from('\0bob\0builder').toString('base64')}`)).toMatch(/^-ERR \[IN-USE\]/);
    const entry = server.sandbox.log.entries.filter((e) => e.code === 'IN-USE');
    expect(entry.map((e) => e.fault)).toEqual(['refuse-login=IN-USE', 'refuse-login=IN-USE']);
  });

  test('refuse-login=LOGIN-DELAY is announced in CAPA while on', async ({ server }) => {
    server.sandbox.setFaults({ refuseLogin: 'LOGIN-DELAY' });
    const client = await server.ready();
    expect((await client.multiline('CAPA')).lines).toContain('LOGIN-DELAY 60');
    await client.command('USER alice');
    expect(await client.command('PASS wonderland')).toMatch(/^-ERR \[LOGIN-DELAY\] .*\(injected fault: refuse-login=LOGIN-DELAY\)$/);
    server.sandbox.setFaults(undefined);
    expect((await client.multiline('CAPA')).lines.some((l) => l.startsWith('LOGIN-DELAY'))).toBe(false);
    await client.command('USER alice');
    expect(await client.command('PASS wonderland')).toMatch(/^\+OK/);
  });

  test('stall-after=N reads later commands but never answers them', async ({ server }) => {
    server.sandbox.setFaults({ stallAfterCommands: 1 });
    const client = await server.ready();
    expect(await client.command('USER alice')).toMatch(/^\+OK/);
    client.write('PASS wonderland\r\nCAPA\r\n');
    const stalled = await waitForEntry(server.sandbox, (e) => e.direction === 'C' && e.keyword === 'CAPA');
    expect(stalled.fault).toBe('stall');
    const lines = server.sandbox.log.entries.map((e) => `${e.direction} ${e.text}${e.fault ? ` [${e.fault}]` : ''}`);
    expect(lines.slice(-3)).toEqual([
      '* FAULT stall-after=1: commands are read but no longer answered [stall-after=1]',
      'C PASS *** [stall]',
      'C CAPA [stall]',
    ]);
    expect(client.unread.length).toBe(0);
    client.destroy();
    await waitForEntry(server.sandbox, (e) => e.keyword === 'CLOSE');
  });

  test('stall (stall-after=0) still sends the greeting', async ({ server }) => {
    server.sandbox.setFaults({ stallAfterCommands: 0 });
    const client = await server.connect();
    expect(await client.readLine()).toMatch(/^\+OK POP3 sandbox ready/);
    client.write('CAPA\r\n');
    await waitForEntry(server.sandbox, (e) => e.direction === 'C' && e.fault === 'stall');
    expect(server.sandbox.log.entries.filter((e) => e.direction === 'S')).toHaveLength(1);
  });
});

/** Two sandboxes over one storage, as two servers over one mail store. */
interface Twins {
  /** Where faults are injected. */
  faulty: Sandbox;
  /** Connects to `faulty` and logs alice in. */
  loginFaulty(): Promise<RawPop3>;
  /** Logs alice in through the other sandbox (never any fault), sends STAT, and reports how long that took; throws on -ERR. */
  loginPlain(): Promise<number>;
}

/**
 * The maildrop lock taken through one twin is seen by the other, so a fault can stay on for as
 * long as a reply is pending while the next login goes through the twin without it.
 */
const twinTest = baseTest.extend<{ twins: Twins }>({
  twins: async ({}, use) => {
    const storage = createMemoryStorage();
    const faulty = await startSandbox({ tlsPort: false, storage, failedLoginDelayMs: 0 });
    const plain = await startSandbox({ tlsPort: false, storage, failedLoginDelayMs: 0 });
    const clients: RawPop3[] = [];
    const login = async (sandbox: Sandbox): Promise<RawPop3> => {
      const client = await RawPop3.connect(sandbox.port, sandbox.host);
      clients.push(client);
      await client.login('alice', 'wonderland');
      return client;
    };
    try {
      await faulty.resetMailbox('alice');
      await use({
        faulty,
        loginFaulty: () => login(faulty),
        async loginPlain() {
          const started = Date.now();
          const client = await login(plain);
          expect(await client.command('STAT')).toBe('+OK 15 1194411');
          return Date.now() - started;
        },
      });
      expect([...faulty.internalErrors, ...plain.internalErrors]).toEqual([]);
    } finally {
      for (const client of clients) client.destroy();
      await Promise.all([faulty.close(), plain.close()]);
      await storage.close();
    }
  },
});

describe('a client that goes away while a reply is held back', () => {
  twinTest('under delay=N, the maildrop is unlocked as soon as the client disconnects, without UPDATE', async ({ twins }) => {
    const client = await twins.loginFaulty();
    expect(await client.command('DELE 1')).toBe('+OK message 1 deleted');
    twins.faulty.setFaults({ delayMs: 2000 });
    client.write('STAT\r\n');
    const stat = await waitForEntry(twins.faulty, (e) => e.direction === 'C' && e.keyword === 'STAT');
    client.destroy();
    expect(await twins.loginPlain()).toBeLessThan(1000);
    const first = twins.faulty.log.entries.filter((e) => e.session === stat.session);
    expect(first.some((e) => e.keyword === 'UPDATE')).toBe(false);
  });

  twinTest('under delay=N, commands piped with a half-close and no QUIT are still answered; the maildrop is free meanwhile', async ({ twins }) => {
    const client = await twins.loginFaulty();
    twins.faulty.setFaults({ delayMs: 1500 });
    client.write('STAT\r\n');
    client.socket.end();
    expect(await twins.loginPlain()).toBeLessThan(1000);
    expect(await client.readLine(5000)).toBe('+OK 15 1194411');
    await client.waitClosed();
  });

  twinTest('under delay=N, a login piped before a half-close without QUIT gives its lock up before its reply', async ({ twins }) => {
    twins.faulty.setFaults({ delayMs: 300 }, 'alice');
    const client = await RawPop3.connect(twins.faulty.port, twins.faulty.host);
    try {
      expect(await client.readLine()).toMatch(/^\+OK POP3 sandbox ready/);
      client.write('USER alice\r\nPASS wonderland\r\nSTAT\r\n');
      client.socket.end();
      // STAT is read once the (delayed) PASS reply is out; its own reply is still held back.
      await waitForEntry(twins.faulty, (e) => e.direction === 'C' && e.keyword === 'STAT');
      await twins.loginPlain();
      expect(await client.readLine()).toMatch(/^\+OK now send PASS/);
      expect(await client.readLine()).toMatch(/^\+OK alice's maildrop has 15 messages/);
      expect(await client.readLine()).toBe('+OK 15 1194411');
      await client.waitClosed();
    } finally {
      client.destroy();
    }
  });

  twinTest('under stall-after=N, the maildrop is unlocked as soon as the client disconnects', async ({ twins }) => {
    const client = await twins.loginFaulty();
    twins.faulty.setFaults({ stallAfterCommands: 0 });
    client.write('STAT\r\n');
    const stalled = await waitForEntry(twins.faulty, (e) => e.direction === 'C' && e.keyword === 'STAT');
    expect(stalled.fault).toBe('stall');
    client.destroy();
    expect(await twins.loginPlain()).toBeLessThan(1000);
  });

  test('under delay=N, a half-close with QUIT still to answer keeps the lock until UPDATE', async ({ server }) => {
    server.sandbox.setFaults({ delayMs: 50 });
    await expectPipedQuitCommits(server);
  });
});

describe('per-account faults', () => {
  test('apply once the session knows the user, and only to that account', async ({ server }) => {
    server.sandbox.setFaults({ failCommands: ['STAT', 'CAPA'] }, 'alice');
    const alice = await server.ready();
    expect((await alice.multiline('CAPA')).status).toBe('+OK Capability list follows');
    await alice.command('USER alice');
    expect(await alice.command('CAPA')).toMatch(/^-ERR \[SYS\/TEMP\] CAPA failed on purpose/);
    await alice.command('USER alice');
    await alice.command('PASS wonderland');
    expect(await alice.command('STAT')).toMatch(/^-ERR \[SYS\/TEMP\] STAT failed on purpose/);
    const bob = await server.login('bob', 'builder');
    expect(await bob.command('STAT')).toBe('+OK 7 3520');
  });

  test('replace the all-accounts faults for their account; setting faults for all clears them', async ({ server }) => {
    server.sandbox.setFaults({ failCommands: ['STAT'] });
    server.sandbox.setFaults({}, 'bob');
    const bob = await server.login('bob', 'builder');
    expect(await bob.command('STAT')).toBe('+OK 7 3520');
    const alice = await server.login();
    expect(await alice.command('STAT')).toMatch(/^-ERR \[SYS\/TEMP\]/);
    server.sandbox.setFaults({ refuseLogin: 'LOGIN-DELAY' }, 'zoe');
    expect((await alice.multiline('CAPA')).lines).toContain('LOGIN-DELAY 60 USER');
    server.sandbox.setFaults(undefined);
    expect(await alice.command('STAT')).toBe('+OK 15 1194411');
    expect((await alice.multiline('CAPA')).lines.some((l) => l.startsWith('LOGIN-DELAY'))).toBe(false);
  });

  test('a malformed spec is refused with a typed error', ({ server }) => {
    expect(() => server.sandbox.setFaults({ delayMs: -1 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => server.sandbox.setFaults({ failCommands: ['FETCH' as 'RETR'] })).toThrow(/unknown command "FETCH"/);
  });
});

describe('faults from the start options', () => {
  const faulty = serverTest({ tlsPort: false, faults: { failCommands: ['UIDL'] } });

  faulty('apply to every account', async ({ server }) => {
    const client = await server.login('max', 'linelength');
    expect(await client.command('UIDL')).toMatch(/^-ERR \[SYS\/TEMP\] UIDL failed on purpose/);
  });

  test('are off by default', async ({ server }) => {
    const client = await server.login();
    await client.command('STAT');
    await client.multiline('RETR 1');
    expect(server.sandbox.log.entries.filter((e) => e.fault !== undefined)).toEqual([]);
  });
});
