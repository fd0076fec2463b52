import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ByteTransport } from '../../src/protocol/transport';
import { SocketReads } from '../../src/ports/node-socket-reads';
import { NodeSocketTransport } from '../../src/ports/node-socket-transport';
import { makeCertificates, type TestCertificates } from '../client/test-certificates';
import { describeTransportContract, receiveAll } from './transport-contract';

/** A TCP connection on loopback, both ends wrapped; the client end optionally with a lending read buffer. */
async function tcpPair(options: { lend?: boolean } = {}): Promise<{ a: ByteTransport; b: ByteTransport; close(): Promise<void>; server: net.Server }> {
  const server = net.createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const reads = options.lend ? new SocketReads() : undefined;
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true, ...(reads ? { onread: reads.onread } : {}) });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const a = new NodeSocketTransport(socket, { local: true, ...(reads ? { reads } : {}) });
  const b = new NodeSocketTransport(await accepted, { local: true });
  return {
    a,
    b,
    server,
    close: async () => {
      a.destroy();
      b.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let certificates: TestCertificates;
beforeAll(async () => {
  certificates = await makeCertificates(['localhost', '127.0.0.1']);
});
afterAll(() => undefined);

describe('Node socket transport', () => {
  describe('over TCP', () => {
    describeTransportContract(() => tcpPair(), 8 * 1024 * 1024);
  });

  describe('over TCP with a lending read buffer', () => {
    describeTransportContract(() => tcpPair({ lend: true }), 8 * 1024 * 1024);
  });

  it('describes the peer, and lends chunks only where the socket reads into one reused buffer', async () => {
    const lending = await tcpPair({ lend: true });
    expect(lending.a.lendsChunks).toBe(true);
    expect(lending.b.lendsChunks).toBe(false);
    expect(lending.a.info).toMatchObject({ local: true, secure: false, kind: 'tcp' });
    expect(lending.a.info.remote).toMatch(/^127\.0\.0\.1:\d+$/);
    await lending.close();
  });

  it('starts TLS in place for both roles (STLS), discarding plaintext that was received and not delivered', async () => {
    const { a, b, close } = await tcpPair({ lend: true });
    try {
      // The server has read "STLS"; the client then pipelines plaintext that must never count.
      b.pause();
      await a.write(Buffer.from('INJECTED\r\n'));
      const raw = (b as NodeSocketTransport).socket;
      await new Promise<void>((resolve) => {
        const wait = (): void => (raw.readableLength >= 10 ? resolve() : void setTimeout(wait, 5));
        wait();
      });
      const context = tls.createSecureContext({ key: certificates.key, cert: certificates.cert, minVersion: 'TLSv1.2' });
      const [serverSide, clientSide] = await Promise.all([
        b.upgradeToTls!({ role: 'server', context }),
        a.upgradeToTls!({ role: 'client', host: 'localhost', ca: certificates.ca }),
      ]);
      expect(serverSide.discarded).toBe(10);
      expect(clientSide.discarded).toBe(0);
      expect(clientSide.protocol).toMatch(/^TLSv1\.[23]$/);
      expect(clientSide.peerName).toBe('localhost');
      expect(a.info).toMatchObject({ secure: true, kind: 'tls', tls: { protocol: clientSide.protocol } });
      expect(a.lendsChunks).toBe(false);
      b.resume();
      const atServer = receiveAll(b);
      const atClient = receiveAll(a);
      await a.write(Buffer.from('CAPA\r\n'));
      a.end();
      await b.write(Buffer.from('+OK secure\r\n'));
      b.end();
      expect((await atServer).toString()).toBe('CAPA\r\n');
      expect((await atClient).toString()).toBe('+OK secure\r\n');
    } finally {
      await close();
    }
  });

  it('rejects an upgrade whose certificate is not trusted, and closes', async () => {
    const { a, b, close } = await tcpPair();
    try {
      const other = await makeCertificates(['localhost']);
      const context = tls.createSecureContext({ key: certificates.key, cert: certificates.cert });
      const closed = new Promise<void>((resolve) => a.on('close', resolve));
      const server = b.upgradeToTls!({ role: 'server', context }).catch((error: Error) => error);
      await expect(a.upgradeToTls!({ role: 'client', host: 'localhost', ca: other.ca })).rejects.toThrow(/certificate/i);
      await closed;
      expect(await server).toBeInstanceOf(Error);
    } finally {
      await close();
    }
  });

  it('reports an implicit-TLS socket as secure from the start, with what it negotiated', async () => {
    const server = tls.createServer({ key: certificates.key, cert: certificates.cert });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const accepted = new Promise<tls.TLSSocket>((resolve) => server.once('secureConnection', resolve));
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: certificates.ca });
    await new Promise<void>((resolve) => socket.once('secureConnect', resolve));
    const client = new NodeSocketTransport(socket, { local: true });
    const peer = new NodeSocketTransport(await accepted, { local: true });
    expect(client.info).toMatchObject({ secure: true, kind: 'tls', tls: { peerName: 'localhost' } });
    expect(peer.info.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    await expect(client.upgradeToTls({ role: 'client', host: 'localhost' })).rejects.toMatchObject({ code: 'TLS_ACTIVE' });
    client.destroy();
    peer.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
