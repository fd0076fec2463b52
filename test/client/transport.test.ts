import * as net from 'node:net';
import { beforeAll, describe, expect } from 'vitest';
import { CleartextRefusedError, formatTraceLine, TlsError } from '../../src/client';
import { createMemoryPair } from '../../src/ports/memory-transport';
import { NodeSocketTransport } from '../../src/ports/node-socket-transport';
import type { TranscriptEntry } from '../../src/protocol';
import { fakeServerTest, GREETING, LOGIN_STEPS, type FakeServerFixture } from './fake-server';
import { makeCertificates, type TestCertificates } from './test-certificates';

/**
 * connect({ transport }): the client over a byte stream it did not open. Timeouts, aborts,
 * framing limits and hang-ups over an in-memory pair run in failures.test.ts and
 * framing.test.ts, beside TCP.
 */

const overMemory = fakeServerTest({ timeout: 2000 }, 'memory');
const overTcp = fakeServerTest({ timeout: 2000 });

let certs: TestCertificates;
beforeAll(async () => {
  certs = await makeCertificates();
});

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** A TCP connection to the fake server, wrapped as a transport whose owner says whether the peer is local. */
async function socketTransport(fake: FakeServerFixture, local: boolean): Promise<NodeSocketTransport> {
  const socket = net.connect({ host: fake.host, port: fake.port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return new NodeSocketTransport(socket, { local });
}

describe('a session over an in-memory pair', () => {
  overMemory('logs in, retrieves and quits; the trace names the transport', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      ...LOGIN_STEPS,
      { expect: 'RETR 1' },
      { send: '+OK 21 octets\r\nSubject: hi\r\n\r\n..dot\r\n.\r\n' },
      { expect: 'QUIT' },
      { send: '+OK bye\r\n' },
      { hangUp: true },
    ]);
    const entries: TranscriptEntry[] = [];
    const pop = await fake.open({ trace: (e) => entries.push(e) });
    await pop.user('alice');
    await pop.pass('wonderland'); // an in-memory pair is local: cleartext is allowed
    expect(pop.state).toBe('TRANSACTION');
    expect((await pop.retr(1)).text).toBe('Subject: hi\r\n\r\n.dot\r\n');
    await pop.quit();
    expect(pop.state).toBe('CLOSED');
    await fake.done;
    expect(entries.map((e) => formatTraceLine(e).replace(/^c\d+ /, ''))).toEqual([
      '*  CONNECT over memory (pop3)',
      `S: ${GREETING.trim()}`,
      'C: USER alice',
      'S: +OK alice is known',
      'C: PASS ***',
      'S: +OK maildrop has 2 messages (320 octets)',
      'C: RETR 1',
      'S: +OK 21 octets',
      'S: (21 octets, 3 lines)',
      'C: QUIT',
      'S: +OK bye',
      '*  CLOSE after QUIT',
    ]);
  });

  overTcp('names the peer the transport reports', async ({ fake }) => {
    const server = await fake.start([{ send: GREETING }]);
    const [clientEnd, serverEnd] = createMemoryPair({ remote: ['sandbox', 'learner'] });
    server.accept(serverEnd);
    const entries: TranscriptEntry[] = [];
    await fake.open({ transport: clientEnd, trace: (e) => entries.push(e) });
    expect(entries[0]?.text).toBe('CONNECT to sandbox over memory (pop3)');
  });

  overMemory('redacts secrets in the trace and in errors', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'PASS wonderland' }, { send: '-ERR [AUTH] invalid password\r\n' },
      { expect: `AUTH PLAIN ${b64('\0alice\0wonderland')}` }, { send: '-ERR [AUTH] no\r\n' },
    ]);
    const entries: TranscriptEntry[] = [];
    const pop = await fake.open({ trace: (e) => entries.push(e) });
    const errors = [
      await pop.pass('wonderland').catch((e: unknown) => e),
      await pop.auth('PLAIN', { username: 'alice', password: 'wonderland' }).catch((e: unknown) => e),
    ];
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'PASS *** failed: -ERR [AUTH] invalid password',
      'AUTH PLAIN *** failed: -ERR [AUTH] no',
    ]);
    const everything = `${JSON.stringify(entries)} ${entries.map(formatTraceLine).join('\n')} ${errors.map((e) => (e as Error).stack).join('\n')}`;
    for (const secret of ['wonderland', b64('\0alice\0wonderland')]) expect(everything).not.toContain(secret);
  });
});

describe('the cleartext rule follows the transport', () => {
  overTcp('refuses a password in cleartext over a transport whose peer is not local', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: /^APOP alice / }, { send: '-ERR [AUTH] no\r\n' }, { expect: 'NOOP' }, { send: '+OK\r\n' }]);
    const pop = await fake.open({ transport: await socketTransport(fake, false), host: 'pop.example.org' });
    const refused = await pop.pass('wonderland').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CleartextRefusedError);
    expect((refused as Error).message).toBe('refusing to send PASS in cleartext to pop.example.org: use tls, starttls, or allowCleartext: true');
    await expect(pop.auth('PLAIN', { username: 'alice', password: 'wonderland' })).rejects.toMatchObject({ code: 'CLEARTEXT_REFUSED' });
    await expect(pop.apop('alice', 'wonderland')).rejects.toMatchObject({ code: 'ERR_REPLY' }); // APOP sends only a digest
    expect((await pop.noop()).ok).toBe(true);
    expect(fake.received.some((line) => line.includes('wonderland'))).toBe(false);
  });

  overTcp('sends it over the same transport with allowCleartext, and when the peer is local', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'PASS wonderland' }, { send: '-ERR [AUTH] USER first\r\n' }]);
    const notLocal = await fake.open({ transport: await socketTransport(fake, false), allowCleartext: true });
    await expect(notLocal.pass('wonderland')).rejects.toMatchObject({ responseCode: 'AUTH' });
    const local = await fake.open({ transport: await socketTransport(fake, true) });
    await expect(local.pass('wonderland')).rejects.toMatchObject({ responseCode: 'AUTH' });
    expect(fake.received).toEqual(['PASS wonderland', 'PASS wonderland']);
  });
});

describe('STLS needs a transport that can start TLS (RFC 2595 §4)', () => {
  overMemory('refuses STLS on an in-memory pair before sending it, and stays usable', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { send: '+OK\r\n' }]);
    const pop = await fake.open();
    const error = await pop.stls().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as Error).message).toBe('TLS failed: the memory transport cannot start TLS (STLS, RFC 2595 §4); connect over TCP to use STLS');
    expect((await pop.noop()).ok).toBe(true);
    expect(fake.received).toEqual(['NOOP']);
  });

  overMemory("fails connect({ starttls: 'required' }) with TlsError when the server offers STLS", async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'CAPA' }, { send: '+OK\r\nSTLS\r\n.\r\n' }, { expectClose: true }]);
    await expect(fake.open({ starttls: 'required' })).rejects.toMatchObject({ code: 'TLS_FAILED' });
    await fake.done;
    expect(fake.received).toEqual(['CAPA']);
  });

  overMemory('closes the session when a raw STLS is accepted: the server now waits for a handshake', async ({ fake }) => {
    await fake.start([{ send: GREETING }, { expect: 'STLS' }, { send: '+OK begin TLS\r\n' }, { expectClose: true }]);
    const pop = await fake.open();
    await expect(pop.send('STLS')).rejects.toBeInstanceOf(TlsError);
    expect(pop.state).toBe('CLOSED');
    await fake.done;
  });

  overTcp('upgrades a socket transport passed in, verifying the certificate for host', async ({ fake }) => {
    await fake.start([
      { send: GREETING },
      { expect: 'STLS' },
      { send: '+OK begin TLS negotiation\r\n' },
      { startTls: certs },
      { expect: 'CAPA' },
      { send: '+OK\r\nUSER\r\n.\r\n' },
      { expect: 'NOOP' },
      { send: '+OK over TLS\r\n' },
    ]);
    const entries: TranscriptEntry[] = [];
    const pop = await fake.open({ transport: await socketTransport(fake, true), host: 'localhost', ca: certs.ca, trace: (e) => entries.push(e) });
    await pop.stls();
    expect(pop.secure).toBe(true);
    expect(pop.tlsSocket?.authorized).toBe(true);
    expect((await pop.noop()).text).toBe('over TLS');
    const events = entries.filter((e) => e.direction === '*').map((e) => e.text.replace(/:\d+ /, ':PORT '));
    expect(events[0]).toBe('CONNECT to 127.0.0.1:PORT over tcp (pop3)');
    expect(events[1]).toMatch(/^TLS TLSv1\.[23], certificate for localhost$/);
  });
});
