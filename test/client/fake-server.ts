/**
 * A scripted POP3 peer for client tests: a tiny net.Server on a loopback port that plays a
 * script per connection (expect a line, send bytes in chosen chunks, stall, hang up, start
 * TLS), and plays the same script over the server end of an in-memory pair. It knows nothing
 * of our server or protocol code, so it is an independent oracle.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { test } from 'vitest';
import { connect, type ConnectOptions, type Pop3Client } from '../../src/client';
import { createMemoryPair } from '../../src/ports/memory-transport';
import type { ByteTransport } from '../../src/protocol';

/** One step of a script. */
export type Step =
  /** Reads one line from the client (without CRLF) and checks it. */
  | { expect: string | RegExp }
  /**
   * Writes bytes; `chunks` splits them (sizes, or 'bytes' for one byte per write), paced so each
   * arrives alone, or `gapMs` apart (a server that drips).
   */
  | { send: string | Buffer; chunks?: number[] | 'bytes'; gapMs?: number }
  /** Stops answering; the connection stays open until the client closes it. */
  | { stall: true }
  /** Closes the connection (FIN). */
  | { hangUp: true }
  /** Waits for the client to close the connection. */
  | { expectClose: true }
  /** Upgrades the connection to TLS (server side). */
  | { startTls: tls.SecureContextOptions }
  /** Anything else, on the live peer. */
  | { run: (peer: FakePeer) => Promise<void> };

/** What a client connection can run over in these tests. */
export type Over = 'tcp' | 'memory';

/** The server end of one connection, as the peer drives it: a socket, or one end of an in-memory pair. */
interface PeerLink {
  listen(onData: (chunk: Buffer) => void, onClose: () => void): void;
  /** Resolves once the bytes are handed on. */
  write(bytes: Buffer): Promise<void>;
  /** Half-closes (FIN). */
  end(): void;
  destroy(): void;
}

function socketLink(socket: net.Socket): PeerLink {
  return {
    listen(onData, onClose) {
      socket.on('data', onData);
      socket.on('close', onClose);
      socket.on('error', () => undefined);
    },
    write: (bytes) => new Promise<void>((resolve) => socket.write(bytes, () => resolve())),
    end: () => socket.end(),
    destroy: () => socket.destroy(),
  };
}

function transportLink(transport: ByteTransport): PeerLink {
  return {
    listen(onData, onClose) {
      transport.on('data', (chunk) => onData(Buffer.from(chunk)));
      transport.on('close', onClose);
    },
    write: (bytes) => transport.write(bytes).catch(() => undefined),
    end: () => transport.end(),
    destroy: () => transport.destroy(),
  };
}

/** The server side of one connection. */
export class FakePeer {
  #socket: net.Socket | undefined;
  #link: PeerLink;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #closed = false;
  /** Every line received, in order. */
  readonly received: string[];

  constructor(connection: net.Socket | ByteTransport, received: string[]) {
    this.#socket = connection instanceof net.Socket ? connection : undefined;
    this.#link = connection instanceof net.Socket ? socketLink(connection) : transportLink(connection);
    this.received = received;
    this.#listen();
  }

  /** The TCP socket (or the TLS socket over it); absent over an in-memory pair. */
  get socket(): net.Socket {
    if (!this.#socket) throw new Error('this peer runs over an in-memory pair, which has no socket');
    return this.#socket;
  }

  #listen(): void {
    this.#link.listen(
      (chunk) => {
        this.#buffer = Buffer.concat([this.#buffer, chunk]);
        this.#wake();
      },
      () => {
        this.#closed = true;
        this.#wake();
      },
    );
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  #changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Resolves with the next line from the client; rejects if it closes first. */
  async readLine(): Promise<string> {
    for (;;) {
      const lf = this.#buffer.indexOf(0x0a);
      if (lf !== -1) {
        const line = this.#buffer.subarray(0, lf).toString('utf8').replace(/\r$/, '');
        this.#buffer = this.#buffer.subarray(lf + 1);
        this.received.push(line);
        return line;
      }
      if (this.#closed) throw new Error(`client closed the connection; unread: ${JSON.stringify(this.#buffer.toString())}`);
      await this.#changed();
    }
  }

  /**
   * Writes bytes, optionally split; each chunk is flushed and given time to arrive alone, or
   * `gapMs` before the next. Stops when the client has closed.
   */
  async send(data: string | Buffer, chunks?: number[] | 'bytes', gapMs?: number): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const sizes = chunks === 'bytes' ? Array.from({ length: bytes.length }, () => 1) : chunks ?? [];
    const parts: Buffer[] = [];
    let at = 0;
    for (const size of sizes) {
      if (size > 0 && at < bytes.length) parts.push(bytes.subarray(at, at + size));
      at += Math.max(size, 0);
    }
    if (at < bytes.length) parts.push(bytes.subarray(at));
    for (const [i, part] of parts.entries()) {
      if (this.#closed) return;
      await this.#link.write(part);
      if (i < parts.length - 1) await pace(gapMs);
    }
  }

  /** Half-closes the connection (FIN): the server has nothing more to say. */
  hangUp(): void {
    this.#link.end();
  }

  destroy(): void {
    this.#link.destroy();
  }

  /** Resolves once the client has closed the connection. */
  async waitClose(): Promise<void> {
    while (!this.#closed) await this.#changed();
  }

  /** Starts TLS as the server, then reads and writes over it. */
  async startTls(options: tls.SecureContextOptions): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: tls.createSecureContext(options) });
    this.#socket = secure;
    this.#link = socketLink(secure);
    this.#buffer = Buffer.alloc(0);
    this.#listen();
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', () => resolve());
      secure.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes received but not yet read as lines (e.g. commands the client pipelined). */
  get pendingBytes(): number {
    return this.#buffer.length;
  }
}

/** Lets one write reach the client before the next, so the client sees each chunk alone. */
function pace(ms = 2): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A running fake server. */
export interface FakeServer {
  host: string;
  port: number;
  /** Lines received on every connection, in order. */
  received: string[];
  /** Settles when the first connection's script ends; rejects with a script mismatch. */
  done: Promise<void>;
  /** Connections accepted so far. */
  connections: number;
  /** Plays the script on `transport`, the server end of an in-memory pair, as one more connection. */
  accept(transport: ByteTransport): void;
  close(): Promise<void>;
}

/** Runs one script step. */
async function play(peer: FakePeer, step: Step): Promise<'stop' | void> {
  if ('expect' in step) {
    const line = await peer.readLine();
    const ok = typeof step.expect === 'string' ? line === step.expect : step.expect.test(line);
    if (!ok) throw new Error(`fake server expected ${String(step.expect)}, got ${JSON.stringify(line)}`);
  } else if ('send' in step) {
    await peer.send(step.send, step.chunks, step.gapMs);
  } else if ('stall' in step) {
    await peer.waitClose();
    return 'stop';
  } else if ('hangUp' in step) {
    peer.hangUp();
    return 'stop';
  } else if ('expectClose' in step) {
    await peer.waitClose();
    return 'stop';
  } else if ('startTls' in step) {
    await peer.startTls(step.startTls);
  } else {
    await step.run(peer);
  }
}

/**
 * Starts a fake server on a free port; every connection plays `script`
 * (an array of steps, or a function given the peer and the connection's index).
 */
export async function startFakeServer(
  script: Script,
  options: { host?: string } = {},
): Promise<FakeServer> {
  const received: string[] = [];
  const peers = new Set<FakePeer>();
  let resolveDone!: () => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => undefined);
  const state = { connections: 0 };
  const serve = (connection: net.Socket | ByteTransport): void => {
    const index = state.connections;
    state.connections += 1;
    const peer = new FakePeer(connection, received);
    peers.add(peer);
    const run = async (): Promise<void> => {
      if (typeof script === 'function') {
        await script(peer, index);
        return;
      }
      for (const step of script) {
        if ((await play(peer, step)) === 'stop') return;
      }
    };
    run().then(
      () => {
        if (index === 0) resolveDone();
      },
      (error: unknown) => {
        if (index === 0) rejectDone(error);
        peer.destroy();
      },
    );
  };
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    serve(socket);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address() as net.AddressInfo;
  return {
    host,
    port: address.port,
    received,
    done,
    get connections() {
      return state.connections;
    },
    accept: serve,
    close: () =>
      new Promise<void>((resolve) => {
        for (const peer of peers) peer.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A greeting with the RFC 1939 §7 example timestamp. */
export const GREETING = '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n';

/** Steps for a USER/PASS login as alice. */
export const LOGIN_STEPS: Step[] = [
  { expect: 'USER alice' },
  { send: '+OK alice is known\r\n' },
  { expect: 'PASS wonderland' },
  { send: '+OK maildrop has 2 messages (320 octets)\r\n' },
];

/** The script a fake server plays on each connection. */
export type Script = readonly Step[] | ((peer: FakePeer, index: number) => Promise<void>);

/**
 * What a client test gets: a fake server it starts with its script, and clients connected to
 * it. The started server's `host`, `port`, `received`, `done` and `connections` read through.
 */
export interface FakeServerFixture extends Omit<FakeServer, 'accept'> {
  /** Starts the fake server (once per test). */
  start(script: Script, options?: { host?: string }): Promise<FakeServer>;
  /**
   * Connects a client to the fake server, over TCP or an in-memory pair as the test says:
   * the test's defaults, then `options`.
   */
  open(options?: ConnectOptions): Promise<Pop3Client>;
}

class FakeServerSession implements FakeServerFixture {
  readonly #defaults: ConnectOptions;
  readonly #over: Over;
  readonly #clients: Pop3Client[] = [];
  #server: FakeServer | undefined;

  constructor(defaults: ConnectOptions, over: Over) {
    this.#defaults = defaults;
    this.#over = over;
  }

  async start(script: Script, options?: { host?: string }): Promise<FakeServer> {
    if (this.#server) throw new Error('the fake server has already started in this test');
    this.#server = await startFakeServer(script, options);
    return this.#server;
  }

  async open(options: ConnectOptions = {}): Promise<Pop3Client> {
    let target: ConnectOptions = { host: this.host, port: this.port };
    if (this.#over === 'memory') {
      const [clientEnd, serverEnd] = createMemoryPair();
      this.#started.accept(serverEnd);
      target = { transport: clientEnd };
    }
    const client = await connect({ ...target, ...this.#defaults, ...options });
    this.#clients.push(client);
    return client;
  }

  get #started(): FakeServer {
    if (!this.#server) throw new Error('start() the fake server first');
    return this.#server;
  }

  get host(): string {
    return this.#started.host;
  }

  get port(): number {
    return this.#started.port;
  }

  get received(): string[] {
    return this.#started.received;
  }

  get done(): Promise<void> {
    return this.#started.done;
  }

  get connections(): number {
    return this.#started.connections;
  }

  async close(): Promise<void> {
    await this.#server?.close();
  }

  /** Closes every client, then the server. */
  async dispose(): Promise<void> {
    for (const client of this.#clients) client.close();
    await this.close();
  }
}

/**
 * A vitest `test` whose tests each get `fake`: a scripted fake server and the clients opened
 * on it, all closed after the test. `defaults` are connect options for every `fake.open()`;
 * `over` is what the clients connect over.
 */
export function fakeServerTest(defaults: ConnectOptions = {}, over: Over = 'tcp') {
  return test.extend<{ fake: FakeServerFixture }>({
    fake: async ({}, use) => {
      const session = new FakeServerSession(defaults, over);
      try {
        await use(session);
      } finally {
        await session.dispose();
      }
    },
  });
}
