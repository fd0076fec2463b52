import { networkInterfaces } from 'node:os';
import { describe, expect } from 'vitest';
import {
  apopDigest,
  CleartextRefusedError,
  Pop3ReplyError,
  type SaslMechanism,
} from '../../src/client';
import { InvalidArgumentError, type TranscriptEntry } from '../../src/protocol';
import { fakeServerTest, GREETING, type Step } from './fake-server';

const it = fakeServerTest({ timeout: 2000 });

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('APOP', () => {
  it('computes the RFC 1939 §7 digest', () => {
    expect(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf')).toBe('c4c9334bac560ecc979e58001b3e22fb');
  });

  it('finds the timestamp behind crafted "<" text in the greeting', async ({ fake }) => {
    await fake.start([
      { send: `+OK POP3 <a b@c> ${'<'.repeat(6000)} ready <<1896.697170952@dbc.mtview.ca.us>\r\n` },
      { expect: 'APOP mrose c4c9334bac560ecc979e58001b3e22fb' },
      { send: '+OK mrose\'s maildrop has 2 messages (320 octets)\r\n' },
    ]);
    const pop = await fake.open();
    const started = performance.now();
    await pop.apop('mrose', 'tanstaaf');
    expect(performance.now() - started).toBeLessThan(500);
    expect(pop.state).toBe('TRANSACTION');
  });

  it('refuses APOP when the greeting has no timestamp, sending nothing', async ({ fake }) => {
    await fake.start([{ send: '+OK hello <not-a-msg-id>\r\n' }, { expect: 'NOOP' }, { send: '+OK\r\n' }]);
    const pop = await fake.open();
    await expect(pop.apop('mrose', 'tanstaaf')).rejects.toMatchObject({ code: 'CAPABILITY_MISSING', capability: 'APOP' });
    await pop.noop();
    expect(fake.received).toEqual(['NOOP']);
  });
});

describe('SASL AUTH (RFC 5034)', () => {
  it('PLAIN sends its initial response on the AUTH line', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: `AUTH PLAIN ${b64('\0alice\0wonderland')}` }, { send: '+OK welcome\r\n' }]);
    const pop = await fake.open();
    await pop.auth('PLAIN', { username: 'alice', password: 'wonderland' });
    expect(pop.state).toBe('TRANSACTION');
  });

  it('PLAIN waits for the "+ " prompt when the line would pass 255 octets', async ({ fake }) => {
    const password = 'p'.repeat(200);
    await fake.start([
      { send: GREETING },
      { expect: 'AUTH PLAIN' },
      { send: '+ \r\n' },
      { expect: b64(`\0alice\0${password}`) },
      { send: '+OK welcome\r\n' },
    ]);
    const pop = await fake.open();
    await pop.auth('PLAIN', { username: 'alice', password });
  });

  it('LOGIN answers the user name and password prompts', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'AUTH LOGIN' },
      { send: `+ ${b64('Username:')}\r\n` },
      { expect: b64('alice') },
      { send: `+ ${b64('Password:')}\r\n` },
      { expect: b64('wonderland') },
      { send: '+OK welcome\r\n' },
    ]);
    const pop = await fake.open();
    await pop.auth('login', { username: 'alice', password: 'wonderland' });
    expect(pop.state).toBe('TRANSACTION');
  });

  it('CRAM-MD5 answers the RFC 2195 example', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'AUTH CRAM-MD5' },
      { send: `+ ${b64('<1896.697170952@postoffice.reston.mci.net>')}\r\n` },
      { expect: b64('tim b913a602c7eda7a495b4e6e7334d3890') },
      { send: '+OK\r\n' },
    ]);
    const pop = await fake.open();
    await pop.auth('CRAM-MD5', { username: 'tim', password: 'tanstaaftanstaaf' });
  });

  it('XOAUTH2 answers an error challenge with an empty line and reports the -ERR', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: `AUTH XOAUTH2 ${b64('user=alice\x01auth=Bearer tok3n\x01\x01')}` },
      { send: `+ ${b64('{"status":"401"}')}\r\n` },
      { expect: '' },
      { send: '-ERR [AUTH] invalid token\r\n' },
    ]);
    const pop = await fake.open();
    await expect(pop.auth('XOAUTH2', { username: 'alice', accessToken: 'tok3n' })).rejects.toMatchObject({
      code: 'ERR_REPLY',
      responseCode: 'AUTH',
    });
    expect(pop.state).toBe('AUTHORIZATION');
  });

  it('cancels with "*" when the mechanism cannot answer, and throws its error', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: /^AUTH PLAIN / },
      { send: `+ ${b64('unexpected')}\r\n` },
      { expect: '*' },
      { send: '-ERR authentication cancelled\r\n' },
      { expect: 'NOOP' },
      { send: '+OK still here\r\n' },
    ]);
    const pop = await fake.open();
    await expect(pop.auth('PLAIN', { username: 'alice', password: 'x' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await pop.noop()).text).toBe('still here');
  });

  it('takes a custom mechanism', async ({ fake }) => {
    const ECHO: SaslMechanism = {
      name: 'X-ECHO',
      revealsSecret: false,
      start: () => ({ respond: (challenge) => Buffer.from(challenge.toString().toUpperCase()) }),
    };
    await fake.start([{ send: GREETING }, { expect: 'AUTH X-ECHO' }, { send: `+ ${b64('ping')}\r\n` }, { expect: b64('PING') }, { send: '+OK\r\n' }]);
    const pop = await fake.open();
    await pop.auth(ECHO, { username: 'alice' });
  });

  it('send() returns a continuation as status "+" and redacts the next line', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'AUTH PLAIN' },
      { send: '+ \r\n' },
      { expect: b64('\0alice\0wonderland') },
      { send: '+OK welcome\r\n' },
    ]);
    const trace: TranscriptEntry[] = [];
    const pop = await fake.open({ trace: (e) => trace.push(e) });
    expect(await pop.send('AUTH PLAIN')).toMatchObject({ ok: false, status: '+', text: '' });
    expect(await pop.send(b64('\0alice\0wonderland'))).toMatchObject({ ok: true, status: '+OK' });
    expect(pop.state).toBe('TRANSACTION');
    expect(JSON.stringify(trace)).not.toContain(b64('\0alice\0wonderland'));
    expect(trace.filter((e) => e.direction === 'C').map((e) => e.text)).toEqual(['AUTH PLAIN', '***']);
  });
});

describe('secrets never appear in errors or the trace', () => {
  const secrets = ['wonderland', b64('\0alice\0wonderland'), b64('wonderland'), apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'wonderland')];

  it('redacts PASS, APOP digests and AUTH payloads, continuation lines included', async ({ fake }) => {
    const steps: Step[] = [
      { send: GREETING },
      { expect: 'USER alice' }, { send: '+OK\r\n' },
      { expect: 'PASS wonderland' }, { send: '-ERR [AUTH] invalid password\r\n' },
      { expect: /^APOP alice / }, { send: '-ERR [AUTH] no\r\n' },
      { expect: /^AUTH PLAIN / }, { send: '-ERR [AUTH] no\r\n' },
      { expect: 'AUTH LOGIN' }, { send: `+ ${b64('Username:')}\r\n` },
      { expect: b64('alice') }, { send: `+ ${b64('Password:')}\r\n` },
      { expect: b64('wonderland') }, { send: '-ERR [AUTH] no\r\n' },
    ];
    await fake.start(steps);
    const trace: TranscriptEntry[] = [];
    const printed: string[] = [];
    const pop = await fake.open({ trace: (e) => trace.push(e) });
    const errors: unknown[] = [];
    await pop.user('alice');
    errors.push(await pop.pass('wonderland').catch((e: unknown) => e));
    errors.push(await pop.apop('alice', 'wonderland').catch((e: unknown) => e));
    errors.push(await pop.auth('PLAIN', { username: 'alice', password: 'wonderland' }).catch((e: unknown) => e));
    errors.push(await pop.auth('LOGIN', { username: 'alice', password: 'wonderland' }).catch((e: unknown) => e));
    errors.push(await pop.pass('wonder\r\nland').catch((e: unknown) => e));
    errors.push(await pop.send('PASS wonder\nland').catch((e: unknown) => e));
    errors.push(await pop.send('USER alice\r\nPASS wonderland').catch((e: unknown) => e));
    errors.push(await pop.send('wonderland\r\nNOOP').catch((e: unknown) => e));
    for (const error of errors) expect(error).toBeInstanceOf(Error);
    const { formatTraceLine } = await import('../../src/client');
    printed.push(...trace.map(formatTraceLine));
    const everything = [
      JSON.stringify(trace),
      printed.join('\n'),
      ...errors.map((e) => `${(e as Error).message} ${(e as Error).stack} ${JSON.stringify(e)}`),
    ].join('\n');
    for (const secret of [...secrets, 'wonder\r\nland', 'wonder']) expect(everything).not.toContain(secret);
    expect(printed.filter((l) => l.includes(' C: '))).toEqual([
      `${pop.session} C: USER alice`,
      `${pop.session} C: PASS ***`,
      `${pop.session} C: APOP alice ***`,
      `${pop.session} C: AUTH PLAIN ***`,
      `${pop.session} C: AUTH LOGIN`,
      `${pop.session} C: ***`,
      `${pop.session} C: ***`,
    ]);
  });
});

/** A non-loopback address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return undefined;
}

describe.skipIf(externalAddress() === undefined)('passwords in cleartext off loopback', () => {
  it('refuses PASS and AUTH PLAIN/LOGIN before sending; APOP and CRAM-MD5 are allowed', async ({ fake }) => {
    await fake.start(
      [{ send: GREETING }, { expect: /^APOP alice / }, { send: '-ERR [AUTH] no\r\n' }, { expect: 'AUTH CRAM-MD5' }, { send: '-ERR no\r\n' }],
      { host: externalAddress()! },
    );
    const pop = await fake.open();
    await expect(pop.pass('wonderland')).rejects.toBeInstanceOf(CleartextRefusedError);
    await expect(pop.send('PASS wonderland')).rejects.toMatchObject({ code: 'CLEARTEXT_REFUSED' });
    await expect(pop.auth('PLAIN', { username: 'alice', password: 'wonderland' })).rejects.toMatchObject({ code: 'CLEARTEXT_REFUSED' });
    await expect(pop.auth('LOGIN', { username: 'alice', password: 'wonderland' })).rejects.toMatchObject({ code: 'CLEARTEXT_REFUSED' });
    await expect(pop.apop('alice', 'wonderland')).rejects.toBeInstanceOf(Pop3ReplyError);
    await expect(pop.auth('CRAM-MD5', { username: 'alice', password: 'wonderland' })).rejects.toBeInstanceOf(Pop3ReplyError);
    expect(fake.received.some((l) => l.includes('wonderland'))).toBe(false);
  });

  it('sends the password when allowCleartext is set', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'PASS wonderland' }, { send: '-ERR [AUTH] USER first\r\n' }], { host: externalAddress()! });
    const pop = await fake.open({ allowCleartext: true });
    await expect(pop.pass('wonderland')).rejects.toMatchObject({ responseCode: 'AUTH' });
  });
});
