import * as net from 'node:net';

const DEFAULT_WAIT_MS = 5_000;

/**
 * A bare TCP conversation with a POP3 server, independent of our client: send lines, wait for
 * bytes. Every wait has a timeout whose error shows what did arrive.
 */
export class RawSession {
  private readonly socket: net.Socket;
  private buffered = Buffer.alloc(0);
  private closed = false;
  private wake: (() => void) | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined); // surfaced as 'close' to whoever is waiting
  }

  /** Connects to host:port and resolves once the TCP connection is up. */
  static connect(host: string, port: number): Promise<RawSession> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new RawSession(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Writes `line` followed by CRLF. */
  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Sends a command and returns its one-line reply (without CRLF). */
  async command(line: string): Promise<string> {
    this.send(line);
    return this.readLine();
  }

  /** Resolves with the next line, without its CRLF. */
  async readLine(timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    const bytes = await this.readUntil(Buffer.from('\r\n'), timeoutMs);
    return bytes.subarray(0, bytes.length - 2).toString('latin1');
  }

  /** Resolves with the raw bytes of a multi-line body up to and including the ".CRLF" terminator. */
  readMultiline(timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    // The body may be empty (terminator right away) or end in CRLF followed by ".CRLF".
    return this.wait(timeoutMs, 'a multi-line terminator', () => {
      if (this.buffered.subarray(0, 3).equals(Buffer.from('.\r\n'))) return 3;
      const at = this.buffered.indexOf('\r\n.\r\n');
      return at === -1 ? undefined : at + 5;
    });
  }

  /** Resolves once the server closes the connection; returns whatever else it sent. */
  async waitForClose(timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    await this.wait(timeoutMs, 'the server to close', () => (this.closed ? 0 : undefined));
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  /** Closes our side at once. */
  destroy(): void {
    this.socket.destroy();
  }

  private readUntil(marker: Buffer, timeoutMs: number): Promise<Buffer> {
    return this.wait(timeoutMs, JSON.stringify(marker.toString('latin1')), () => {
      const at = this.buffered.indexOf(marker);
      return at === -1 ? undefined : at + marker.length;
    });
  }

  /** Waits until `complete` reports how many buffered bytes make the awaited unit, then takes them. */
  private wait(timeoutMs: number, what: string, complete: () => number | undefined): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const end = complete();
        if (end !== undefined) {
          const taken = this.buffered.subarray(0, end);
          this.buffered = this.buffered.subarray(end);
          finish();
          resolve(taken);
          return true;
        }
        if (this.closed) {
          finish();
          reject(new Error(`connection closed while waiting for ${what}; received ${preview(this.buffered)}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${preview(this.buffered)}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
      };
      if (!check()) this.wake = () => void check();
    });
  }
}

function preview(bytes: Buffer): string {
  const text = JSON.stringify(bytes.subarray(0, 400).toString('latin1'));
  return bytes.length > 400 ? `${text}… (${bytes.length} octets)` : text;
}
