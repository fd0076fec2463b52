import * as net from 'node:net';

/**
 * A bare POP3 peer over a raw socket, independent of our client: it writes the bytes it is
 * given and reads status lines and dot-terminated bodies, un-stuffing them itself.
 * Every wait has a timeout whose error says what had arrived.
 */
export class RawPop3 {
  readonly socket: net.Socket;
  greeting = '';
  #buffer: Buffer = Buffer.alloc(0);
  #closed = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #timeoutMs: number;

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.socket = socket;
    this.#timeoutMs = timeoutMs;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('error', (error) => {
      this.#error = error;
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
  }

  /** Connects and reads the greeting. */
  static async connect(port: number, host = '127.0.0.1', timeoutMs = 5_000): Promise<RawPop3> {
    const socket = net.connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const peer = new RawPop3(socket, timeoutMs);
    peer.greeting = await peer.readLine();
    return peer;
  }

  /** True once the peer has closed the connection (or it failed). */
  get closed(): boolean {
    return this.#closed || this.#error !== undefined;
  }

  /** Bytes received and not yet read. */
  get pending(): Buffer {
    return this.#buffer;
  }

  /** Writes bytes as they are. */
  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** Sends one command line (CRLF added) and reads its status line. */
  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.readLine();
  }

  /** Sends a command whose +OK reply has a body; resolves with the status line and the un-stuffed body. */
  async multiline(line: string): Promise<{ status: string; body: Buffer | undefined }> {
    this.write(`${line}\r\n`);
    const status = await this.readLine();
    return { status, body: status.startsWith('+OK') ? await this.readBody() : undefined };
  }

  /** Reads one line without its CRLF; rejects if the connection ends first. */
  async readLine(maxLength = 1 << 20): Promise<string> {
    const end = await this.#waitFor((buffer) => {
      const at = buffer.indexOf('\r\n');
      if (at === -1 && buffer.length > maxLength) throw new Error(`line longer than ${maxLength} octets: ${preview(buffer)}`);
      return at === -1 ? undefined : at;
    }, 'a CRLF-terminated line');
    const line = this.#buffer.subarray(0, end).toString('latin1');
    this.#buffer = this.#buffer.subarray(end + 2);
    return line;
  }

  /** Reads a dot-terminated body (RFC 1939 §3) and removes the byte-stuffing. */
  async readBody(): Promise<Buffer> {
    const end = await this.#waitFor((buffer) => {
      if (buffer.subarray(0, 3).toString('latin1') === '.\r\n') return 0;
      const at = buffer.indexOf('\r\n.\r\n');
      return at === -1 ? undefined : at + 2;
    }, 'the end of a multi-line body');
    const wire = this.#buffer.subarray(0, end);
    this.#buffer = this.#buffer.subarray(end + 3);
    const lines: Buffer[] = [];
    let start = 0;
    while (start < wire.length) {
      const lf = wire.indexOf('\r\n', start);
      const line = wire.subarray(start, lf + 2);
      lines.push(line[0] === 0x2e ? line.subarray(1) : line);
      start = lf + 2;
    }
    return Buffer.concat(lines);
  }

  /** Resolves once the peer has closed the connection. */
  async waitForClose(): Promise<void> {
    await this.#waitFor(() => (this.closed ? 0 : undefined), 'the connection to close', true);
  }

  /** Sends QUIT (if still connected) and closes. */
  async quit(): Promise<string | undefined> {
    if (this.closed) return undefined;
    const reply = await this.command('QUIT');
    this.socket.destroy();
    return reply;
  }

  /** Closes at once, without QUIT. */
  destroy(): void {
    this.socket.destroy();
  }

  async #waitFor(find: (buffer: Buffer) => number | undefined, what: string, untilClose = false): Promise<number> {
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      const found = find(this.#buffer);
      if (found !== undefined) return found;
      if (!untilClose && this.closed) {
        throw new Error(`connection ${this.#error ? `failed (${this.#error.message})` : 'closed'} while waiting for ${what}; unread: ${preview(this.#buffer)}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${this.#timeoutMs} ms; unread: ${preview(this.#buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = undefined;
          resolve();
        };
      });
    }
  }
}

function preview(buffer: Buffer): string {
  const text = JSON.stringify(buffer.subarray(0, 300).toString('latin1'));
  return buffer.length > 300 ? `${text}... (${buffer.length} octets)` : text;
}
