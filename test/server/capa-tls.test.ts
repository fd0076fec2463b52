import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createHash } from 'node:crypto';
import * as tls from 'node:tls';
import { describe, expect } from 'vitest';
import { startSandbox } from '../../sandbox-server';
import { RawPop3 } from '../helpers/raw-pop3';
import { serverTest, waitForEntry } from './sandbox-fixture';

const test = serverTest();

/** The capability list written out by hand from RFC 2449 §6, RFC 2595 §4, RFC 5034 §3, RFC 6856 §2. */
const CAPABILITIES = [
  'TOP',
  'UIDL',
  'USER',
  'SASL PLAIN LOGIN CRAM-MD5',
  'RESP-CODES',
  'AUTH-RESP-CODE',
  'PIPELINING',
  'STLS',
  'UTF8',
  'EXPIRE NEVER',
  'IMPLEMENTATION pop3-playground-sandbox',
];

describe('CAPA (RFC 2449 §5)', () => {
  test('lists the same capabilities before and after login', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    const before = await client.multiline('CAPA');
    expect(before.status).toBe('+OK Capability list follows');
    expect(before.lines).toEqual(CAPABILITIES);
    await client.command('USER alice');
    await client.command('PASS wonderland');
    expect((await client.multiline('CAPA')).lines).toEqual(CAPABILITIES);
  });

  test('over TLS, STLS is the only capability that disappears (RFC 2595 §4)', async ({ server }) => {
    const client = await RawPop3.connectTls(server.sandbox.tlsPort!, { ca: server.sandbox.ca });
    await client.readLine();
    expect((await client.multiline('CAPA')).lines).toEqual(CAPABILITIES.filter((c) => c !== 'STLS'));
    client.destroy();
  });
});

describe('STLS (RFC 2595 §4)', () => {
  test('discards input sent after STLS before the handshake (STLS\\r\\nCAPA\\r\\n in one write)', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    client.write('STLS\r\nCAPA\r\n');
    expect(await client.readLine()).toBe('+OK Begin TLS negotiation now');
    const secure = await client.startTls({ ca: server.sandbox.ca });
    expect(secure.authorized).toBe(true);
    // The injected CAPA was never answered: the first reply over TLS answers our QUIT.
    expect(await client.command('QUIT')).toBe('+OK POP3 sandbox signing off');
    const tlsEvent = await waitForEntry(server.sandbox, (e) => e.keyword === 'TLS');
    expect(tlsEvent.text).toMatch(/^TLS TLSv1\.[23] \S+ \(after STLS; discarded 6 octets received after the STLS line\)$/);
    const commands = server.sandbox.log.entries.filter((e) => e.direction === 'C').map((e) => e.text);
    expect(commands).toEqual(['STLS', 'QUIT']);
  });

  test('after STLS: same session, AUTHORIZATION state, no STLS in CAPA, a second STLS refused', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    expect(await client.command('STLS')).toBe('+OK Begin TLS negotiation now');
    await client.startTls({ ca: server.sandbox.ca });
    expect((await client.multiline('CAPA')).lines).toEqual(CAPABILITIES.filter((c) => c !== 'STLS'));
    expect(await client.command('STLS')).toBe('-ERR TLS is already active on this connection (RFC 2595 section 4)');
    await client.command('USER alice');
    expect(await client.command('PASS wonderland')).toMatch(/^\+OK alice's maildrop/);
    expect(await client.command('STAT')).toMatch(/^\+OK 15 /);
  });

  test('forgets a USER given before TLS', async ({ server }) => {
    const client = await server.connect();
    await client.readLine();
    await client.command('USER alice');
    await client.command('STLS');
    await client.startTls({ ca: server.sandbox.ca });
    expect(await client.command('PASS wonderland')).toMatch(/^-ERR PASS must come right after a successful USER/);
  });

  test('is refused after login and on the implicit-TLS port', async ({ server }) => {
    const client = await server.login();
    expect(await client.command('STLS')).toBe('-ERR STLS is only valid before login (AUTHORIZATION state); you are already logged in as alice');
    const implicit = await RawPop3.connectTls(server.sandbox.tlsPort!, { ca: server.sandbox.ca });
    await implicit.readLine();
    expect(await implicit.command('STLS')).toMatch(/^-ERR TLS is already active/);
    implicit.destroy();
  });

  test('a failed handshake closes the session without harm to others', async ({ server }) => {
    const other = await server.login();
    const client = await server.connect();
    await client.readLine();
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    client.write('this is not a TLS ClientHello\r\n');
    await client.waitClosed();
    const close = await waitForEntry(server.sandbox, (e) => e.session === 's2' && e.keyword === 'CLOSE');
    expect(close.text).toMatch(/^CLOSE TLS handshake failed after STLS/);
    expect(await other.command('STAT')).toMatch(/^\+OK 15 /);
  });
});

describe('implicit TLS (RFC 8314 §3.1)', () => {
  test('handshake first, verified against the sandbox CA for localhost and 127.0.0.1; then the greeting', async ({ server }) => {
    for (const options of [{ servername: 'localhost' }, { host: '127.0.0.1', servername: '' }]) {
      const client = await RawPop3.connectTls(server.sandbox.tlsPort!, { ca: server.sandbox.ca, ...options });
      expect((client.socket as tls.TLSSocket).authorized).toBe(true);
      expect(await client.readLine()).toMatch(/^\+OK POP3 sandbox ready </);
      await client.command('USER bob');
      expect(await client.command('PASS builder')).toMatch(/^\+OK/);
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
    }
    const events = server.sandbox.log.entries.filter((e) => e.session === 's1' && e.direction === '*').map((e) => e.text);
    expect(events[0]).toMatch(/^CONNECT from 127\.0\.0\.1:\d+ \(pop3s, implicit TLS\)$/);
    expect(events[1]).toMatch(/^TLS TLSv1\.3 TLS_\w+ \(implicit TLS\)$/);
  });

  test('fails verification without the CA, and for a name the certificate does not carry', async ({ server }) => {
    await expect(RawPop3.connectTls(server.sandbox.tlsPort!, { ca: '' as string, servername: 'localhost' })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    await expect(RawPop3.connectTls(server.sandbox.tlsPort!, { ca: server.sandbox.ca, servername: 'pop.example.com' })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  test('refuses TLS 1.1 (TLS 1.2 minimum, RFC 8997)', async ({ server }) => {
    const attempt = new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ port: server.sandbox.tlsPort!, host: '127.0.0.1', ca: server.sandbox.ca, servername: 'localhost', maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', reject);
    });
    // The alert comes from the server: this client was willing to speak TLS 1.1.
    await expect(attempt).rejects.toThrow(/alert protocol version/);
  });
});

describe('the certificate', () => {
  const named = serverTest({ tlsNames: ['pop.example.test', '192.0.2.7'] });

  named('is signed by the exposed CA and names localhost, 127.0.0.1, ::1 and every --tls-name', async ({ server }) => {
    const client = await RawPop3.connectTls(server.sandbox.tlsPort!, { ca: server.sandbox.ca, servername: 'pop.example.test' });
    const leaf = (client.socket as tls.TLSSocket).getPeerX509Certificate()!;
    client.destroy();
    const ca = new X509Certificate(server.sandbox.ca);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName?.split(', ')).toEqual([
      'DNS:localhost',
      'IP Address:127.0.0.1',
      'IP Address:0:0:0:0:0:0:0:1',
      'DNS:pop.example.test',
      'IP Address:192.0.2.7',
    ]);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.checkHost('pop.example.test')).toBe('pop.example.test');
    expect(leaf.checkIP('192.0.2.7')).toBe('192.0.2.7');
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(Date.now() + 7 * 24 * 3600 * 1000);
  });

  test('has the key usages openssl expects of a CA and a TLS server', async ({ server }) => {
    let openssl = true;
    try {
      execFileSync('openssl', ['version']);
    } catch {
      openssl = false;
    }
    if (!openssl) return;
    const client = await RawPop3.connectTls(server.sandbox.tlsPort!, { ca: server.sandbox.ca });
    const leaf = (client.socket as tls.TLSSocket).getPeerX509Certificate()!.toString();
    client.destroy();
    const caText = execFileSync('openssl', ['x509', '-noout', '-text'], { input: server.sandbox.ca }).toString();
    expect(caText).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(caText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    const leafText = execFileSync('openssl', ['x509', '-noout', '-text'], { input: leaf }).toString();
    expect(leafText).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(leafText).toMatch(/Key Usage: critical\s+Digital Signature/);
    expect(leafText).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication/);
    expect(leafText).toMatch(/Authority Key Identifier/);
  });

  test('rejects a --tls-name that is neither a DNS name nor an IP address', async () => {
    await expect(startSandbox({ tlsNames: ['not a name'] })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});

describe('--require-tls (RFC 2595 §2.3)', () => {
  const strict = serverTest({ requireTls: true });

  strict('hides USER, PLAIN and LOGIN until TLS; refuses cleartext login; APOP and CRAM-MD5 still work', async ({ server }) => {
    const client = await server.connect();
    const greeting = await client.readLine();
    expect(greeting).toMatch(/^\+OK POP3 sandbox ready; send STLS before logging in <[^<>]+>$/);
    expect((await client.multiline('CAPA')).lines).toEqual(
      CAPABILITIES.filter((c) => c !== 'USER').map((c) => (c.startsWith('SASL') ? 'SASL CRAM-MD5' : c)),
    );
    expect(await client.command('USER alice')).toBe(
      '-ERR [AUTH] USER/PASS login is disabled until TLS is active: send STLS first (RFC 2595 section 2.3), or use APOP',
    );
    expect(await client.command('PASS wonderland')).toMatch(/^-ERR \[AUTH\] USER\/PASS login is disabled/);
    expect(await client.command(`AUTH PLAIN ${Buffer.from('\0alice\0wonderland').toString('base64')}`)).toMatch(
      /^-ERR \[AUTH\] AUTH PLAIN is disabled until TLS is active/,
    );
    expect(await client.command('AUTH LOGIN')).toMatch(/^-ERR \[AUTH\] AUTH LOGIN is disabled/);
    const timestamp = /<[^<>]+>$/.exec(greeting)![0];
    const apop = createHash('md5').update(`${timestamp}wonderland`).digest('hex');
    expect(await client.command(`APOP alice ${apop}`)).toMatch(/^\+OK alice's maildrop/);
    await client.command('QUIT');

    const upgraded = await server.connect();
    await upgraded.readLine();
    await upgraded.command('STLS');
    await upgraded.startTls({ ca: server.sandbox.ca });
    expect((await upgraded.multiline('CAPA')).lines).toEqual(CAPABILITIES.filter((c) => c !== 'STLS'));
    await upgraded.command('USER alice');
    expect(await upgraded.command('PASS wonderland')).toMatch(/^\+OK/);
  });

  test('is on by default beyond loopback and off on loopback', async () => {
    const { resolveOptions } = await import('../../sandbox-server/options');
    expect(resolveOptions({}).requireTls).toBe(false);
    expect(resolveOptions({ host: 'localhost' }).requireTls).toBe(false);
    expect(resolveOptions({ host: '::1' }).requireTls).toBe(false);
    expect(resolveOptions({ host: '0.0.0.0' }).requireTls).toBe(true);
    expect(resolveOptions({ host: '192.0.2.1' }).requireTls).toBe(true);
    expect(resolveOptions({ host: '0.0.0.0', requireTls: false }).requireTls).toBe(false);
  });
});
