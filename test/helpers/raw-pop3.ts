import * as net from 'node:net';
import * as tls from 'node:tls';

/**
 * A deliberately dumb POP3 peer for tests and benchmarks of servers (the sandbox, Dovecot): raw
 * bytes out, raw bytes in, no knowledge of the command table or the project's client. Reads wait on data
 * events with a timeout whose error shows what did arrive; nothing here sleeps.
 */

const DEFAULT_TIMEOUT_MS = 5000;

/** Options of a raw connection. */
export interface RawPop3Options {
  /** How long each read waits by default, ms (default 5 s). */
  timeoutMs?: number;
}

/** Shows bytes readably in failure messages. */
export function showBytes(bytes: Buffer, max = 600): string {
  const text = JSON.stringify(bytes.subarray(0, max).toString('latin1'));
  return bytes.length > max ? `${text}... (${bytes.length} octets)` : text;
}

/** A multi-line reply as it came off the wire. */
export interface MultilineReply {
  /** The status line, without CRLF. */
  status: string;
  /** The body exactly as sent: still byte-stuffed, without the final ".CRLF". */
  wire: Buffer;
  /** The body with stuffing undone (our own few lines, independent of the project's decoder). */
  body: Buffer;
  /** The body's lines, un-stuffed, without CRLF. */
  lines: string[];
}

/** Undoes dot-stuffing (RFC 1939 §3): a line that starts with "." loses that dot. */
export function unstuff(wire: Buffer): Buffer {
  const out: Buffer[] = [];
  let start = 0;
  while (start < wire.length) {
    const lf = wire.indexOf('\r\n', start);
    const end = lf === -1 ? wire.length : lf + 2;
    const line = wire.subarray(start, end);
    out.push(line[0] === 0x2e ? line.subarray(1) : line);
    start = end;
  }
  return Buffer.concat(out);
}

/** A raw POP3 connection. */
export class RawPop3 {
  #socket: net.Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #closed = false;
  #error: Error | undefined;
  #waiters = new Set<() => void>();
  readonly #timeoutMs: number;
  /** Every byte received, in order (across STLS too). */
  readonly received: Buffer[] = [];
  /** The greeting, once {@link connectAndGreet} has read it. */
  greeting = '';

  private constructor(socket: net.Socket, options: RawPop3Options) {
    this.#socket = socket;
    // Each write leaves at once: tests split commands on purpose, and the benchmarks time round trips.
    socket.setNoDelay(true);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#listen(socket);
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
  }

  /** Connects over plain TCP (the greeting is not read). */
  static connect(port: number, host = '127.0.0.1', options: RawPop3Options = {}): Promise<RawPop3> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawPop3(socket, options));
      });
    });
  }

  /** Speaks over a socket already connected some other way (a tunnel's end, e.g. a classroom's POP3 forward), resuming it if paused. */
  static wrap(socket: net.Socket, options: RawPop3Options = {}): RawPop3 {
    const peer = new RawPop3(socket, options);
    socket.resume();
    return peer;
  }

  /** Connects over plain TCP and reads the greeting into {@link greeting}, as a client starts. */
  static async connectAndGreet(port: number, host = '127.0.0.1', options: RawPop3Options = {}): Promise<RawPop3> {
    const peer = await RawPop3.connect(port, host, options);
    peer.greeting = await peer.readLine();
    return peer;
  }

  /** Connects with implicit TLS (RFC 8314), verifying the server against `ca`. */
  static connectTls(port: number, options: tls.ConnectionOptions & { ca: string } & RawPop3Options): Promise<RawPop3> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', servername: 'localhost', ...options, port });
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        socket.off('error', reject);
        resolve(new RawPop3(socket, options));
      });
    });
  }

  /** The current socket (a TLSSocket after {@link startTls}). */
  get socket(): net.Socket {
    return this.#socket;
  }

  /** True once the connection has closed or failed. */
  get closed(): boolean {
    return this.#closed || this.#error !== undefined;
  }

  /** Bytes received but not read yet. */
  get unread(): Buffer {
    return this.#buffer;
  }

  write(data: string | Buffer): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /**
   * Reads one line ending in CRLF; returns it without the CRLF. With `maxLength`, more unread
   * octets than that without a CRLF is an error at once (a line over the limit, not a slow one).
   */
  async readLine(timeoutMs = this.#timeoutMs, maxLength?: number): Promise<string> {
    const line = await this.#take((buf) => {
      const at = buf.indexOf('\r\n');
      if (at === -1 && maxLength !== undefined && buf.length > maxLength) throw new Error(`no CRLF in ${buf.length} octets (limit ${maxLength}): ${showBytes(buf, 120)}`);
      return at === -1 ? -1 : at + 2;
    }, timeoutMs, 'a CRLF-terminated line');
    return line.subarray(0, line.length - 2).toString('latin1');
  }

  /** Reads a status line and, when it is +OK, the multi-line body up to ".CRLF". */
  async readMultiline(timeoutMs = this.#timeoutMs): Promise<MultilineReply> {
    const status = await this.readLine(timeoutMs);
    if (!status.startsWith('+OK')) return { status, wire: Buffer.alloc(0), body: Buffer.alloc(0), lines: [] };
    return { status, ...(await this.readBody(timeoutMs, status)) };
  }

  /** Reads a multi-line body up to ".CRLF" (RFC 1939 §3), the status line already read. */
  async readBody(timeoutMs = this.#timeoutMs, status = 'the status line'): Promise<Omit<MultilineReply, 'status'>> {
    const raw = await this.#take((buf) => {
      // The body ends at the first line that is exactly ".".
      for (let start = 0; start < buf.length; ) {
        const lf = buf.indexOf('\r\n', start);
        if (lf === -1) return -1;
        if (lf === start + 1 && buf[start] === 0x2e) return lf + 2;
        start = lf + 2;
      }
      return -1;
    }, timeoutMs, `the ".CRLF" ending the reply to ${JSON.stringify(status)}`);
    const wire = raw.subarray(0, raw.length - 3);
    const body = unstuff(wire);
    const text = body.toString('latin1');
    const lines = text === '' ? [] : text.slice(0, -2).split('\r\n');
    return { wire, body, lines };
  }

  /** Sends one command line and reads its status line. */
  async command(line: string, timeoutMs?: number): Promise<string> {
    this.write(`${line}\r\n`);
    return this.readLine(timeoutMs);
  }

  /** Sends one command line and reads a multi-line reply. */
  async multiline(line: string, timeoutMs?: number): Promise<MultilineReply> {
    this.write(`${line}\r\n`);
    return this.readMultiline(timeoutMs);
  }

  /** Reads the greeting and logs in with USER/PASS; throws unless both succeed. */
  async login(user: string, password: string): Promise<string> {
    const greeting = await this.readLine();
    this.greeting = greeting;
    if (!greeting.startsWith('+OK')) throw new Error(`greeting: ${greeting}`);
    const u = await this.command(`USER ${user}`);
    if (!u.startsWith('+OK')) throw new Error(`USER: ${u}`);
    const p = await this.command(`PASS ${password}`);
    if (!p.startsWith('+OK')) throw new Error(`PASS: ${p}`);
    return p;
  }

  /** Waits until the server closes the connection (or it fails); returns whatever arrived unread. */
  async waitClosed(timeoutMs = this.#timeoutMs): Promise<Buffer> {
    await this.#until(() => this.closed, timeoutMs, 'the connection to close');
    const rest = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return rest;
  }

  /** Sends QUIT (when still connected), reads its status line and closes; undefined when already closed. */
  async quit(): Promise<string | undefined> {
    if (this.closed) return undefined;
    const reply = await this.command('QUIT');
    this.destroy();
    return reply;
  }

  /** Waits until at least `octets` bytes are unread. */
  async waitForOctets(octets: number, timeoutMs = this.#timeoutMs): Promise<void> {
    await this.#until(() => this.#buffer.length >= octets, timeoutMs, `${octets} octets`);
  }

  /** Starts TLS on this connection (after the server's STLS +OK), verifying against `ca`. */
  async startTls(options: tls.ConnectionOptions & { ca: string }): Promise<tls.TLSSocket> {
    const raw = this.#socket;
    raw.removeAllListeners('data');
    if (this.#buffer.length > 0) throw new Error(`plaintext after the STLS reply: ${showBytes(this.#buffer)}`);
    const secure = tls.connect({ servername: 'localhost', ...options, socket: raw });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.#listen(secure);
    return secure;
  }

  /** Closes from this side without QUIT. */
  destroy(): void {
    this.#socket.destroy();
  }

  #listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('error', (error) => {
      this.#error = error;
      this.#wake();
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  async #take(find: (buf: Buffer) => number, timeoutMs: number, what: string): Promise<Buffer> {
    let end = -1;
    await this.#until(() => (end = find(this.#buffer)) !== -1, timeoutMs, what);
    const taken = this.#buffer.subarray(0, end);
    this.#buffer = this.#buffer.subarray(end);
    return taken;
  }

  #until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        let met: boolean;
        try {
          met = done();
        } catch (error) {
          // What arrived can never become what was awaited (a line over its limit).
          finish();
          reject(error as Error);
          return;
        }
        if (met) {
          finish();
          resolve();
        } else if (this.#closed || this.#error) {
          finish();
          reject(new Error(`waiting for ${what}: connection ${this.#closed ? 'closed' : `failed (${this.#error?.message})`}; unread: ${showBytes(this.#buffer)}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`waiting for ${what}: nothing after ${timeoutMs} ms; unread: ${showBytes(this.#buffer)}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }
}

/**
 * Asserts two byte strings are equal. Cheaper than a deep toEqual on large Buffers, and on
 * failure it shows where they first differ.
 */
export function expectSameBytes(actual: Buffer, expected: Buffer, label = 'bytes'): void {
  if (actual.equals(expected)) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  const from = Math.max(0, at - 40);
  throw new Error(
    `${label} differ at octet ${at} (lengths ${actual.length} and ${expected.length}):\n` +
      `  actual:   ${showBytes(actual.subarray(from, at + 40))}\n  expected: ${showBytes(expected.subarray(from, at + 40))}`,
  );
}
