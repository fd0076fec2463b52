import type * as net from 'node:net';

/**
 * Octets one read can deliver. Node reads 64 KiB at a time; with a buffer that is not
 * allocated per read, a larger one costs nothing per read and takes a fast sender's data in
 * fewer reads (measured: 20 MiB from the sandbox in about 320 reads instead of 560).
 */
export const READ_BUFFER_OCTETS = 256 * 1024;

/**
 * One reusable read buffer for a plain TCP socket, given to `net.connect({ onread })`: Node
 * reads every chunk into it instead of allocating a buffer per read, so a large message costs
 * no garbage beyond the bytes kept. A chunk is only lent for the duration of the call: the
 * receiver copies whatever it keeps.
 */
export class SocketReads {
  readonly #buffer = Buffer.allocUnsafeSlow(READ_BUFFER_OCTETS);
  #receiver: ((chunk: Buffer) => void) | undefined;
  /** Copies of chunks read before a receiver was attached. */
  #early: Buffer[] = [];

  /** The `onread` option for `net.connect`. */
  readonly onread: net.OnReadOpts = {
    buffer: this.#buffer,
    callback: (octets: number): boolean => {
      const chunk = this.#buffer.subarray(0, octets);
      if (this.#receiver) this.#receiver(chunk);
      else this.#early.push(Buffer.from(chunk));
      return true; // the receiver pauses the socket itself when it must
    },
  };

  /** Lends every chunk read from now on to `receiver`; chunks read earlier follow in a microtask, in order. */
  attach(receiver: (chunk: Buffer) => void): void {
    this.#receiver = receiver;
    const early = this.#early;
    if (early.length === 0) return;
    this.#early = [];
    queueMicrotask(() => {
      for (const chunk of early) receiver(chunk);
    });
  }

  /** Stops lending chunks (after STLS the TLS layer reads the socket). */
  detach(): void {
    this.#receiver = undefined;
  }
}
