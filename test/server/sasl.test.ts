import { createHmac } from 'node:crypto';
import { describe, expect } from 'vitest';
import { decodeBase64Strict } from '../../sandbox-server';
import { serverTest } from './sandbox-fixture';

const test = serverTest({ tlsPort: false });

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('AUTH PLAIN (RFC 5034 §4, RFC 4616)', () => {
  test('with an initial response', async ({ server }) => {
    const client = await server.ready();
    expect(await client.command(`AUTH PLAIN ${b64('\0alice\0wonderland')}`)).toBe("+OK alice's maildrop has 15 messages (1194411 octets)");
  });

  test('without one: the empty challenge is "+ " exactly, then the response line', async ({ server }) => {
    const client = await server.ready();
    client.write('AUTH PLAIN\r\n');
    await client.waitForOctets(4);
    expect(client.unread.toString('latin1')).toBe('+ \r\n');
    expect(await client.readLine()).toBe('+ ');
    expect(await client.command(b64('alice\0alice\0wonderland'))).toMatch(/^\+OK alice's maildrop/);
  });

  test('the initial response of the RFC 5034 §6 example decodes to test NUL test NUL test, and fails as a login here', async ({ server }) => {
    expect(decodeBase64Strict('dGVzdAB0ZXN0AHRlc3Q=').toString('latin1')).toBe('test\0test\0test');
    const client = await server.ready();
    expect(await client.command('AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=')).toBe('-ERR [AUTH] authentication failed');
  });

  test('a wrong password, an authzid for someone else, or a malformed message fails; the session goes on', async ({ server }) => {
    const client = await server.ready();
    expect(await client.command(`AUTH PLAIN ${b64('\0alice\0nope')}`)).toBe('-ERR [AUTH] authentication failed');
    expect(await client.command(`AUTH PLAIN ${b64('bob\0alice\0wonderland')}`)).toBe(
      '-ERR [AUTH] logging in for another user (a PLAIN authzid) is not allowed here; leave the authzid empty',
    );
    expect(await client.command(`AUTH PLAIN ${b64('alice wonderland')}`)).toBe(
      '-ERR AUTH failed: a PLAIN response is authzid NUL authcid NUL password (RFC 4616 section 2), base64-encoded',
    );
    expect(await client.command(`AUTH PLAIN ${b64(`\0${'a'.repeat(256)}\0x`)}`)).toMatch(/^-ERR AUTH failed: a PLAIN field is longer than 255 octets/);
    // "=" is an empty initial response, which PLAIN cannot use.
    expect(await client.command('AUTH PLAIN =')).toMatch(/^-ERR AUTH failed: a PLAIN response is authzid NUL/);
    expect(await client.command(`auth plain ${b64('\0alice\0wonderland')}`)).toMatch(/^\+OK/);
  });

  test('rejects bad base64 in the initial response and in a continuation', async ({ server }) => {
    const client = await server.ready();
    for (const bad of ['AGFsaWNlAHdvbmRlcmxhbmQ', 'AGFs!WNl', 'AG=FsaWNl', 'AGFsaWNlAHdvbmRlcmxhbmR=']) {
      const reply = await client.command(`AUTH PLAIN ${bad}`);
      expect(reply, bad).toMatch(/^-ERR AUTH failed: the response is not (valid|canonical) base64/);
    }
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command('not base64!')).toMatch(/^-ERR AUTH failed: the response is not valid base64/);
    // The exchange is over: the next line is a command again.
    expect(await client.command('CAPA')).toBe('+OK Capability list follows');
  });

  test('"*" cancels the exchange with -ERR', async ({ server }) => {
    const client = await server.ready();
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command('*')).toBe('-ERR AUTH cancelled by the client');
    expect(await client.command(`AUTH PLAIN ${b64('\0bob\0builder')}`)).toMatch(/^\+OK bob's maildrop/);
  });
});

describe('AUTH LOGIN', () => {
  test('asks Username: then Password: in base64', async ({ server }) => {
    const client = await server.ready();
    expect(await client.command('AUTH LOGIN')).toBe(`+ ${b64('Username:')}`);
    expect(await client.command(b64('alice'))).toBe(`+ ${b64('Password:')}`);
    expect(await client.command(b64('wonderland'))).toMatch(/^\+OK alice's maildrop/);
  });

  test('takes the user name as an initial response; a wrong password fails with [AUTH]; "*" cancels', async ({ server }) => {
    const client = await server.ready();
    expect(await client.command(`AUTH LOGIN ${b64('alice')}`)).toBe(`+ ${b64('Password:')}`);
    expect(await client.command(b64('nope'))).toBe('-ERR [AUTH] authentication failed');
    expect(await client.command('AUTH LOGIN')).toBe(`+ ${b64('Username:')}`);
    expect(await client.command('*')).toBe('-ERR AUTH cancelled by the client');
    expect(await client.command('AUTH LOGIN')).toBe(`+ ${b64('Username:')}`);
    expect(await client.command('')).toBe('-ERR AUTH failed: the LOGIN user name must be non-empty UTF-8 without control characters');
  });
});

describe('AUTH CRAM-MD5 (RFC 2195)', () => {
  test('answers a fresh msg-id challenge with user and HMAC-MD5', async ({ server }) => {
    const client = await server.ready();
    const challengeLine = await client.command('AUTH CRAM-MD5');
    expect(challengeLine).toMatch(/^\+ [A-Za-z0-9+/]+=*$/);
    const challenge = Buffer.from(challengeLine.slice(2), 'base64').toString();
    expect(challenge).toMatch(/^<[\x21-\x7e]+@[\x21-\x7e]+>$/);
    const digest = createHmac('md5', 'wonderland').update(challenge).digest('hex');
    expect(await client.command(b64(`alice ${digest}`))).toMatch(/^\+OK alice's maildrop/);
  });

  test('a wrong digest fails with [AUTH]; an initial response is refused', async ({ server }) => {
    const client = await server.ready();
    const challenge = Buffer.from((await client.command('AUTH CRAM-MD5')).slice(2), 'base64').toString();
    const wrong = createHmac('md5', 'nope').update(challenge).digest('hex');
    expect(await client.command(b64(`alice ${wrong}`))).toBe('-ERR [AUTH] authentication failed');
    expect(await client.command(`AUTH CRAM-MD5 ${b64('alice 0123')}`)).toBe(
      '-ERR CRAM-MD5 takes no initial response (RFC 5034 section 4); send AUTH CRAM-MD5 alone',
    );
  });
});

describe('AUTH in general', () => {
  test('an unknown mechanism, a missing one, or AUTH after login gets -ERR', async ({ server }) => {
    const client = await server.ready();
    expect(await client.command('AUTH XOAUTH2 abc')).toBe('-ERR unknown SASL mechanism "XOAUTH2"; this server offers PLAIN LOGIN CRAM-MD5 (see CAPA)');
    expect(await client.command('AUTH')).toBe('-ERR AUTH takes 1 to 2 arguments; usage: AUTH mechanism [initial-response]');
    await client.command(`AUTH PLAIN ${b64('\0alice\0wonderland')}`);
    expect(await client.command(`AUTH PLAIN ${b64('\0alice\0wonderland')}`)).toBe(
      '-ERR AUTH is only valid before login (AUTHORIZATION state); you are already logged in as alice',
    );
  });

  test('accepts AUTH lines and responses up to 8 KiB, refuses longer ones without losing the session', async ({ server }) => {
    const client = await server.ready();
    // 8,176 base64 characters: the whole line is 8,189 octets with CRLF.
    const long = 'A'.repeat(8176);
    // Valid base64 of the wrong shape: accepted as a line, refused as a PLAIN message.
    expect(await client.command(`AUTH PLAIN ${long}`)).toMatch(/^-ERR AUTH failed: a PLAIN response is/);
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command('A'.repeat(8188))).toMatch(/^-ERR AUTH failed: a PLAIN response is/);
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command('A'.repeat(9000))).toBe('-ERR SASL response longer than 8192 octets; AUTH cancelled');
    expect(await client.command(`AUTH PLAIN ${'A'.repeat(9000)}`)).toMatch(/^-ERR line too long/);
    expect(await client.command(`AUTH PLAIN ${b64('\0alice\0wonderland')}`)).toMatch(/^\+OK/);
  });

  test('the session log shows continuations but never the responses', async ({ server }) => {
    const client = await server.ready();
    await client.command('AUTH LOGIN');
    await client.command(b64('alice'));
    await client.command(b64('wonderland'));
    const lines = server.sandbox.log.entries.filter((e) => e.direction !== '*').map((e) => `${e.direction}: ${e.text}`);
    expect(lines.slice(1)).toEqual([
      'C: AUTH LOGIN',
      `S: + ${b64('Username:')}`,
      'C: ***',
      `S: + ${b64('Password:')}`,
      'C: ***',
      "S: +OK alice's maildrop has 15 messages (1194411 octets)",
    ]);
    const statuses = server.sandbox.log.entries.filter((e) => e.direction === 'S').map((e) => e.status);
    expect(statuses).toEqual(['+OK', '+', '+', '+OK']);
    expect(JSON.stringify(server.sandbox.log.entries)).not.toContain(b64('wonderland'));
  });
});
