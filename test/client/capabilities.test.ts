import { describe, expect } from 'vitest';
import { parseCapabilities } from '../../src/client';
import { fakeServerTest, GREETING } from './fake-server';

const it = fakeServerTest();

describe('parseCapabilities (RFC 2449 §5-6)', () => {
  it('reads every standard tag into typed fields, case-insensitively', () => {
    const caps = parseCapabilities([
      'top', 'User', 'SASL plain LOGIN cram-md5', 'RESP-CODES', 'AUTH-RESP-CODE', 'LOGIN-DELAY 900 USER',
      'PIPELINING', 'EXPIRE NEVER', 'UIDL', 'IMPLEMENTATION pop3-playground sandbox 0.1', 'STLS', 'UTF8 USER', 'LANG',
      'X-EXPERIMENT 1 2',
    ]);
    expect(caps).toMatchObject({
      top: true, user: true, sasl: ['PLAIN', 'LOGIN', 'CRAM-MD5'], respCodes: true, authRespCode: true,
      loginDelay: { value: 900, perUser: true }, pipelining: true, expire: { value: 'NEVER', perUser: false },
      uidl: true, implementation: 'pop3-playground sandbox 0.1', stls: true, utf8: { user: true }, lang: true,
    });
    expect(caps.tags.get('X-EXPERIMENT')).toEqual(['1', '2']);
    expect(caps.raw).toHaveLength(14);
  });

  it('reads EXPIRE in days and LOGIN-DELAY without the USER flag', () => {
    expect(parseCapabilities(['EXPIRE 30 USER', 'LOGIN-DELAY 60'])).toMatchObject({
      expire: { value: 30, perUser: true }, loginDelay: { value: 60, perUser: false },
    });
    expect(parseCapabilities(['EXPIRE 0']).expire).toEqual({ value: 0, perUser: false });
  });

  it('never throws on odd lines, and keeps them raw', () => {
    const caps = parseCapabilities(['', '   ', 'LOGIN-DELAY soon', 'ÜBER-TAG ✓', 'UTF8', '\x1b[31m']);
    expect(caps.loginDelay).toBeUndefined();
    expect(caps.utf8).toEqual({ user: false });
    expect(caps.tags.has('ÜBER-TAG')).toBe(true);
    expect(caps.raw).toHaveLength(6);
  });
});

describe('capa() caching', () => {
  it('reads CAPA once per state and again after login (RFC 2449 §5)', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'CAPA' },
      { send: '+OK\r\nUSER\r\nSASL PLAIN\r\nLOGIN-DELAY 900 USER\r\n.\r\n' },
      { expect: 'USER alice' },
      { send: '+OK\r\n' },
      { expect: 'PASS wonderland' },
      { send: '+OK\r\n' },
      { expect: 'CAPA' },
      { send: '+OK\r\nTOP\r\nUIDL\r\nLOGIN-DELAY 900\r\n.\r\n' },
    ]);
    const client = await fake.open();
    const before = await client.capa();
    expect(await client.capa()).toBe(before);
    expect(before.loginDelay).toEqual({ value: 900, perUser: true });
    await client.user('alice');
    await client.pass('wonderland');
    expect(client.capabilities).toBeUndefined();
    const after = await client.capa();
    expect(after).toMatchObject({ top: true, uidl: true, user: false, loginDelay: { value: 900, perUser: false } });
    expect(fake.received.filter((l) => l === 'CAPA')).toHaveLength(2);
  });

  it('reports a server without CAPA as a reply error (RFC 2449 §7)', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'CAPA' }, { send: '-ERR what?\r\n' }]);
    const client = await fake.open();
    await expect(client.capa()).rejects.toMatchObject({ code: 'ERR_REPLY' });
  });
});
