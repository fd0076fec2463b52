import type { ByteTransport } from '../../src/protocol';

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * A raw POP3 peer on the far end of a ByteTransport (an in-memory pair, a MessagePort): bytes
 * out, bytes in, no knowledge of POP3 beyond "a reply ends here". Reads wait on data events
 * with a timeout whose error shows what did arrive; nothing sleeps.
 */
export class TransportPeer {
  readonly #transport: ByteTransport;
  #unread = Buffer.alloc(0);
  #closed = false;
  #wake: (() => void) | undefined;
  /** Every byte received, in order. */
  readonly received: Buffer[] = [];

  constructor(transport: ByteTransport) {
    this.#transport = transport;
    transport.on('data', (chunk) => {
      const copy = Buffer.from(chunk);
      this.received.push(copy);
      this.#unread = Buffer.concat([this.#unread, copy]);
      this.#wake?.();
    });
    // As a socket does by default: once the server has finished, finish too.
    transport.on('end', () => transport.end());
    transport.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
  }

  /** Everything received so far, as latin1 text. */
  get transcript(): string {
    return Buffer.concat(this.received).toString('latin1');
  }

  /** Sends a command line (CRLF added). */
  send(line: string): void {
    void this.#transport.write(Buffer.from(`${line}\r\n`, 'latin1'));
  }

  /** Reads up to and including `end` (CRLF for a status line, CRLF.CRLF for a multi-line reply). */
  async read(end = '\r\n', timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    await this.#until(() => this.#unread.includes(end, 0, 'latin1'), timeoutMs, JSON.stringify(end));
    const at = this.#unread.indexOf(end, 0, 'latin1') + end.length;
    const taken = this.#unread.subarray(0, at).toString('latin1');
    this.#unread = this.#unread.subarray(at);
    return taken;
  }

  /** Sends a command and reads its status line. */
  async command(line: string): Promise<string> {
    this.send(line);
    return this.read();
  }

  /** Resolves once the transport has closed. */
  waitClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    return this.#until(() => this.#closed, timeoutMs, 'the close');
  }

  #until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        reject(new Error(`waited ${timeoutMs} ms for ${what}; unread: ${JSON.stringify(this.#unread.toString('latin1').slice(-300))}`));
      }, timeoutMs);
      this.#wake = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
