import * as net from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxCore } from '../../sandbox-server/browser';
import { createBrowserSandbox, createMemoryPair, messagePortTransport } from '../../sandbox-server/browser';
import { startSandbox } from '../../sandbox-server';
import { NodeSocketTransport } from '../../src/ports/node-socket-transport';
import type { ByteTransport } from '../../src/protocol';
import { RawPop3 } from '../helpers/raw-pop3';
import { bundledSeedData } from './seed-data';
import { TransportPeer } from './transport-peer';

const FIRST = 'From: a@example.org\r\nSubject: first\r\n\r\nHello\r\n.a line that starts with a dot\r\n';
const SECOND = 'Subject: second\r\n\r\nBye\r\n';
const TOTAL = FIRST.length + SECOND.length;

const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A browser sandbox with the bundled seed and carol, whose two messages are known byte for byte. */
async function browserSandbox(): Promise<SandboxCore> {
  const sandbox = await createBrowserSandbox({
    seed: bundledSeedData(),
    users: [{ name: 'carol', password: 'secret', messages: [{ bytes: Buffer.from(FIRST) }, { bytes: Buffer.from(SECOND) }] }],
    failedLoginDelayMs: 0,
  });
  open.push(sandbox);
  return sandbox;
}

/** The entries of one session as `<direction> <text>` lines. */
function logOf(sandbox: SandboxCore, session: string): string[] {
  return sandbox.log.session(session).map((e) => `${e.direction} ${e.text}`);
}

/** The whole conversation of RFC 1939 §10's example, on `transport`, checked byte for byte. */
async function converse(sandbox: SandboxCore, transport: ByteTransport, peer: TransportPeer, kind: string): Promise<void> {
  const accepted = sandbox.accept(transport);
  const greeting = await peer.read();
  expect(greeting).toMatch(/^\+OK POP3 sandbox ready <0\.\d+\.[0-9a-f]{8}@sandbox\.localhost>\r\n$/);
  expect(await peer.command('USER carol')).toBe('+OK now send PASS with the password\r\n');
  expect(await peer.command('PASS secret')).toBe(`+OK carol's maildrop has 2 messages (${TOTAL} octets)\r\n`);
  expect(await peer.command('STAT')).toBe(`+OK 2 ${TOTAL}\r\n`);
  peer.send('RETR 1');
  expect(await peer.read('\r\n.\r\n')).toBe(`+OK ${FIRST.length} octets\r\n${FIRST.replace('\r\n.a line', '\r\n..a line')}.\r\n`);
  expect(await peer.command('DELE 1')).toBe('+OK message 1 deleted\r\n');
  expect(await peer.command('QUIT')).toBe('+OK POP3 sandbox signing off (1 message left)\r\n');
  await peer.waitClosed();
  await accepted.done;
  expect(peer.transcript).toBe(
    [
      greeting.trimEnd(),
      '+OK now send PASS with the password',
      `+OK carol's maildrop has 2 messages (${TOTAL} octets)`,
      `+OK 2 ${TOTAL}`,
      `+OK ${FIRST.length} octets`,
      'From: a@example.org',
      'Subject: first',
      '',
      'Hello',
      '..a line that starts with a dot',
      '.',
      '+OK message 1 deleted',
      '+OK POP3 sandbox signing off (1 message left)',
      '',
    ].join('\r\n'),
  );
  const uid = sandbox.log.session(accepted.id).find((e) => e.keyword === 'UPDATE')?.uids?.[0];
  expect(uid).toMatch(/^[0-9a-f]{16}$/);
  expect(logOf(sandbox, accepted.id)).toEqual([
    `* CONNECT from ${transport.info.remote} (pop3 over ${kind})`,
    `S ${greeting.trimEnd()}`,
    'C USER carol',
    'S +OK now send PASS with the password',
    'C PASS ***',
    `S +OK carol's maildrop has 2 messages (${TOTAL} octets)`,
    'C STAT',
    `S +OK 2 ${TOTAL}`,
    'C RETR 1',
    `S +OK ${FIRST.length} octets`,
    'C DELE 1',
    'S +OK message 1 deleted',
    'C QUIT',
    '* UPDATE removed 1 message',
    'S +OK POP3 sandbox signing off (1 message left)',
    '* CLOSE QUIT',
  ]);
  // UPDATE was committed (RFC 1939 §6): the next session finds one message.
  const [server, client] = createMemoryPair();
  sandbox.accept(server);
  const next = new TransportPeer(client);
  await next.read();
  await next.command('USER carol');
  expect(await next.command('PASS secret')).toBe(`+OK carol's maildrop has 1 message (${SECOND.length} octets)\r\n`);
  expect(sandbox.internalErrors).toEqual([]);
}

describe('the sandbox on other transports than TCP', () => {
  it('runs a whole conversation over an in-memory pair: greeting, USER/PASS, STAT, RETR, DELE, QUIT and UPDATE', async () => {
    const sandbox = await browserSandbox();
    const [server, client] = createMemoryPair();
    await converse(sandbox, server, new TransportPeer(client), 'memory');
  });

  it('runs the same conversation over a MessageChannel, as between a page and its worker', async () => {
    const sandbox = await browserSandbox();
    const { port1, port2 } = new MessageChannel();
    const server = messagePortTransport(port1, { remote: 'page' });
    await converse(sandbox, server, new TransportPeer(messagePortTransport(port2, { remote: 'sandbox-worker' })), 'message-port');
  });

  it('neither offers nor starts STLS on a transport that cannot carry TLS (RFC 2595 §4)', async () => {
    const sandbox = await browserSandbox();
    const [server, client] = createMemoryPair();
    sandbox.accept(server);
    const peer = new TransportPeer(client);
    await peer.read();
    peer.send('CAPA');
    const capa = await peer.read('\r\n.\r\n');
    expect(capa).toMatch(/^\+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\n/);
    expect(capa).not.toContain('STLS');
    expect(await peer.command('STLS')).toBe('-ERR this connection (memory) cannot carry TLS, so STLS is not offered (RFC 2595 section 4)\r\n');
    // The session goes on in plaintext.
    await peer.command('USER alice');
    expect(await peer.command('PASS wonderland')).toMatch(/^\+OK alice's maildrop has 15 messages/);
  });

  it('neither offers nor starts STLS on a TCP connection when the sandbox has no certificate', async () => {
    const sandbox = await browserSandbox();
    const listener = net.createServer((socket) => sandbox.accept(new NodeSocketTransport(socket, { local: true })));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise((resolve) => listener.close(() => resolve())) });
    const client = await RawPop3.connect((listener.address() as net.AddressInfo).port);
    try {
      await client.readLine();
      expect((await client.multiline('CAPA')).lines).not.toContain('STLS');
      expect(await client.command('STLS')).toBe('-ERR this sandbox has no TLS certificate, so STLS is not offered (RFC 2595 section 4)');
      expect(await client.command('NOOP')).toMatch(/^-ERR NOOP is only valid after login/);
    } finally {
      client.destroy();
    }
    await sandbox.close();
  });

  it('shares the session log and the faults with TCP sessions when a listening sandbox accepts a transport', async () => {
    const sandbox = await startSandbox({ tlsPort: false, failedLoginDelayMs: 0 });
    open.push(sandbox);
    const tcp = await RawPop3.connect(sandbox.port);
    await tcp.login('alice', 'wonderland');
    sandbox.setFaults({ failCommands: ['STAT'] }, 'bob');
    const [server, client] = createMemoryPair();
    const accepted = sandbox.accept(server);
    expect(accepted.id).toBe('s2');
    const peer = new TransportPeer(client);
    await peer.read();
    await peer.command('USER bob');
    await peer.command('PASS builder');
    expect(await peer.command('STAT')).toBe('-ERR [SYS/TEMP] STAT failed on purpose (injected fault: fail=STAT); try again later\r\n');
    expect(await tcp.command('STAT')).toBe('+OK 15 1194411');
    expect(sandbox.log.entries.filter((e) => e.fault !== undefined).map((e) => `${e.session} ${e.fault}`)).toEqual(['s2 fail=STAT']);
    // Closing the sandbox ends the accepted session like the TCP ones, without UPDATE.
    tcp.destroy();
    await sandbox.close();
    await accepted.done;
    expect(logOf(sandbox, 's2').at(-1)).toBe('* CLOSE server shutting down');
    expect(() => sandbox.accept(createMemoryPair()[0])).toThrow(expect.objectContaining({ code: 'SANDBOX_CLOSED' }));
  });
});
