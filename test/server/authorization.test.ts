import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { apopDigest } from '../../sandbox-server';
import { RawPop3 } from '../helpers/raw-pop3';
import { serverTest, waitForEntry } from './sandbox-fixture';

const test = serverTest();

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function timestampOf(greeting: string): string {
  const match = /<[^<>]+>$/.exec(greeting);
  if (!match) throw new Error(`no timestamp at the end of ${greeting}`);
  return match[0];
}

describe('greeting (RFC 1939 §4, §7; RFC 2449 §3)', () => {
  test('is one +OK line ending in a msg-id timestamp, the only "<" in it, fresh for every connection', async ({ server }) => {
    const greetings: string[] = [];
    for (let i = 0; i < 3; i++) greetings.push(await (await server.connect()).readLine());
    for (const greeting of greetings) {
      expect(greeting).toMatch(/^\+OK [^<]* <[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/);
      expect(greeting.split('<')).toHaveLength(2);
    }
    expect(new Set(greetings.map(timestampOf)).size).toBe(3);
  });
});

describe('USER and PASS (RFC 1939 §7)', () => {
  const withCarol = serverTest({ tlsPort: false, users: [{ name: 'carol', password: 'two words  here' }] });

  withCarol('logs in, and the password may contain spaces (rest of the line)', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    expect(await client.command('USER carol')).toBe('+OK now send PASS with the password');
    expect(await client.command('PASS two words  here')).toBe("+OK carol's maildrop has 0 messages (0 octets)");
  });

  test('USER answers +OK for any name, so names cannot be probed; PASS then fails with [AUTH]', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    expect(await client.command('USER nobody')).toBe('+OK now send PASS with the password');
    expect(await client.command('PASS wonderland')).toBe('-ERR [AUTH] invalid user name or password');
    expect(await client.command('USER alice')).toBe('+OK now send PASS with the password');
    expect(await client.command('PASS wrong')).toBe('-ERR [AUTH] invalid user name or password');
    // The session stays in AUTHORIZATION: the learner can retry.
    expect(await client.command('USER alice')).toMatch(/^\+OK/);
    expect(await client.command('PASS wonderland')).toBe("+OK alice's maildrop has 15 messages (1194411 octets)");
  });

  test('PASS is valid only immediately after a successful USER', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    expect(await client.command('PASS wonderland')).toBe('-ERR PASS must come right after a successful USER command (RFC 1939 section 7); send USER first');
    await client.command('USER alice');
    await client.multiline('CAPA');
    expect(await client.command('PASS wonderland')).toMatch(/^-ERR PASS must come right after/);
  });

  test('user names and passwords are case-sensitive; keywords are not', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    await client.command('user ALICE');
    expect(await client.command('pass wonderland')).toMatch(/^-ERR \[AUTH\]/);
    await client.command('uSeR alice');
    expect(await client.command('PaSs WONDERLAND')).toMatch(/^-ERR \[AUTH\]/);
    await client.command('User alice');
    expect(await client.command('pAsS wonderland')).toMatch(/^\+OK alice's maildrop/);
  });

  test('a failed login is answered after the configured pause, growing with each failure', async () => {
    const { startSandbox } = await import('../../sandbox-server');
    const sandbox = await startSandbox({ failedLoginDelayMs: 80, tlsPort: false });
    try {
      const client = await RawPop3.connect(sandbox.port);
      await client.readLine();
      await client.command('USER alice');
      let started = Date.now();
      expect(await client.command('PASS nope')).toMatch(/^-ERR \[AUTH\]/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(75);
      await client.command('USER alice');
      started = Date.now();
      expect(await client.command('PASS nope')).toMatch(/^-ERR \[AUTH\]/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(155);
      // A successful login is not delayed.
      await client.command('USER alice');
      started = Date.now();
      expect(await client.command('PASS wonderland')).toMatch(/^\+OK/);
      expect(Date.now() - started).toBeLessThan(75);
      client.destroy();
    } finally {
      await sandbox.close();
    }
  });
});

describe('APOP (RFC 1939 §7)', () => {
  test('computes the RFC test vector', () => {
    expect(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf')).toBe('c4c9334bac560ecc979e58001b3e22fb');
  });

  test('logs in with MD5(timestamp + password) from this greeting; accepts upper-case hex', async ({ server }) => {
    const client = await server.connect();
    const timestamp = timestampOf(await client.readLine());
    expect(await client.command(`APOP alice ${md5(`${timestamp}wonderland`).toUpperCase()}`)).toBe(
      "+OK alice's maildrop has 15 messages (1194411 octets)",
    );
  });

  test('a digest for another greeting, a wrong password or an unknown name fails with [AUTH]', async ({ server }) => {
    const first = await server.connect();
    const oldTimestamp = timestampOf(await first.readLine());
    const client = await server.connect();
    const timestamp = timestampOf(await client.readLine());
    expect(await client.command(`APOP alice ${md5(`${oldTimestamp}wonderland`)}`)).toBe(
      '-ERR [AUTH] authentication failed: unknown name or wrong APOP digest',
    );
    expect(await client.command(`APOP alice ${md5(`${timestamp}wrong`)}`)).toMatch(/^-ERR \[AUTH\] authentication failed/);
    expect(await client.command(`APOP nobody ${md5(`${timestamp}wonderland`)}`)).toMatch(/^-ERR \[AUTH\] authentication failed/);
    expect(await client.command('APOP alice not-a-digest')).toBe(
      '-ERR [AUTH] the APOP digest must be 32 hex digits: MD5 of the greeting timestamp followed by the password (RFC 1939 section 7)',
    );
    expect(await client.command(`APOP alice ${md5(`${timestamp}wonderland`)}`)).toMatch(/^\+OK/);
  });

  test('the digest is redacted in the session log', async ({ server }) => {
    const client = await server.connect();
    const timestamp = timestampOf(await client.readLine());
    const digest = md5(`${timestamp}wonderland`);
    await client.command(`APOP alice ${digest}`);
    const entry = await waitForEntry(server.sandbox, (e) => e.direction === 'C' && e.keyword === 'APOP');
    expect(entry.text).toBe('APOP alice ***');
    expect(entry.args).toEqual(['alice', '***']);
    expect(JSON.stringify(server.sandbox.log.entries)).not.toContain(digest);
  });
});

describe('every account accepts USER/PASS, APOP and AUTH', () => {
  test('for each seed account', async ({ server }) => {
    for (const { name, password } of server.sandbox.accounts) {
      const viaPass = await server.connect();
      await viaPass.readLine();
      await viaPass.command(`USER ${name}`);
      expect(await viaPass.command(`PASS ${password}`), `${name} via USER/PASS`).toMatch(/^\+OK /);
      expect(await viaPass.command('QUIT')).toMatch(/^\+OK/);

      const viaApop = await server.connect();
      const timestamp = timestampOf(await viaApop.readLine());
      expect(await viaApop.command(`APOP ${name} ${md5(timestamp + password)}`), `${name} via APOP`).toMatch(/^\+OK /);
      expect(await viaApop.command('QUIT')).toMatch(/^\+OK/);

      const viaAuth = await server.connect();
      await viaAuth.readLine();
      const plain = Buffer.from(`\0${name}\0${password}`).toString('base64');
      expect(await viaAuth.command(`AUTH PLAIN ${plain}`), `${name} via AUTH PLAIN`).toMatch(/^\+OK /);
      expect(await viaAuth.command('QUIT')).toMatch(/^\+OK/);
    }
    expect(server.sandbox.accounts.map((a) => a.name)).toEqual(['alice', 'bob', 'zoe', 'max']);
  });
});

describe('the maildrop lock (RFC 1939 §4; RFC 2449 §8.1.1)', () => {
  test('a second session for the same maildrop gets [IN-USE]; other maildrops are unaffected', async ({ server }) => {
    const first = await server.login();
    const second = await server.connect();
    await second.readLine();
    await second.command('USER alice');
    expect(await second.command('PASS wonderland')).toBe(
      '-ERR [IN-USE] maildrop of alice is locked: another session is logged in to it (QUIT that one first)',
    );
    // Still in AUTHORIZATION, and free to log in elsewhere.
    await second.command('USER bob');
    expect(await second.command('PASS builder')).toMatch(/^\+OK bob's maildrop/);
    expect(await first.command('QUIT')).toMatch(/^\+OK/);
    // QUIT released the lock before answering.
    const third = await server.connect();
    await third.readLine();
    await third.command('USER alice');
    expect(await third.command('PASS wonderland')).toMatch(/^\+OK/);
  });

  test('a dropped connection releases the lock', async ({ server }) => {
    const first = await server.login();
    first.destroy();
    await waitForEntry(server.sandbox, (e) => e.session === 's1' && e.keyword === 'CLOSE');
    const second = await server.login();
    expect(await second.command('STAT')).toMatch(/^\+OK 15 /);
  });
});

describe('QUIT in AUTHORIZATION (RFC 1939 §6)', () => {
  test('signs off and closes without UPDATE', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    expect(await client.command('QUIT')).toBe('+OK POP3 sandbox signing off');
    expect((await client.waitClosed()).length).toBe(0);
    const events = server.sandbox.log.entries.filter((e) => e.direction === '*').map((e) => e.keyword);
    expect(events).toEqual(['CONNECT', 'CLOSE']);
  });
});

describe('LOGIN-DELAY (RFC 2449 §6.5)', () => {
  const delayed = serverTest({ loginDelaySeconds: 60, tlsPort: false });

  delayed('is announced while configured, and enforced with [LOGIN-DELAY]', async ({ server }) => {
    const first = await server.login();
    const capa = await first.multiline('CAPA');
    expect(capa.lines).toContain('LOGIN-DELAY 60');
    await first.command('QUIT');
    const second = await server.connect();
    await second.readLine();
    await second.command('USER alice');
    expect(await second.command('PASS wonderland')).toMatch(/^-ERR \[LOGIN-DELAY\] logins to alice are limited to one every 60 seconds; try again in \d+ seconds$/);
    // Other accounts have their own clock.
    await second.command('USER bob');
    expect(await second.command('PASS builder')).toMatch(/^\+OK/);
  });

  test('is not announced when no delay is configured', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    expect((await client.multiline('CAPA')).lines.some((l) => l.startsWith('LOGIN-DELAY'))).toBe(false);
  });
});
