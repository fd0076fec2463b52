import type { ByteTransport, TransportInfo } from '../protocol/transport';
import { WRITTEN } from './listeners';
import { QueuedTransport } from './queued-transport';

/** Options of {@link createMemoryPair}. */
export interface MemoryPairOptions {
  /**
   * Octets one side may have queued for a paused or slow reader before its `write` waits.
   * Default 256 KiB, about what a loopback socket buffers.
   */
  highWaterMark?: number;
  /** `info.remote` of each side, as its logs show the peer. Default `memory`. */
  remote?: readonly [string, string];
}

const DEFAULT_HIGH_WATER_MARK = 256 * 1024;

/**
 * Two transports joined back to back in this process, like the two ends of a socket: what one
 * writes, the other receives, asynchronously and in order. For tests, and for running the
 * sandbox and the client in one page. Cannot start TLS.
 */
export function createMemoryPair(options: MemoryPairOptions = {}): [ByteTransport, ByteTransport] {
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const a = new MemoryEnd(highWaterMark, options.remote?.[0] ?? 'memory');
  const b = new MemoryEnd(highWaterMark, options.remote?.[1] ?? 'memory');
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class MemoryEnd extends QueuedTransport {
  readonly info: TransportInfo;
  peer!: MemoryEnd;
  readonly #highWaterMark: number;
  /** Octets the peer sent that this side has not delivered yet. */
  #queued = 0;

  constructor(highWaterMark: number, remote: string) {
    super();
    this.#highWaterMark = highWaterMark;
    this.info = { remote, local: true, secure: false, kind: 'memory' };
  }

  protected send(chunk: Uint8Array): Promise<void> {
    // Copied: the writer may reuse its buffer as soon as this returns, as with a socket.
    return this.peer.take(new Uint8Array(chunk));
  }

  protected sendEnd(): void {
    this.peer.arrive('end');
  }

  protected sendGone(): void {
    this.peer.peerGone();
  }

  protected delivered(octets: number): void {
    this.#queued -= octets;
    if (this.#queued <= this.#highWaterMark) this.releaseWriters();
  }

  /** Bytes from the peer; resolves once this side's inbox is back under the high-water mark. */
  take(chunk: Uint8Array): Promise<void> {
    if (this.isClosed) return WRITTEN;
    this.#queued += chunk.length;
    this.arrive(chunk);
    return this.#queued <= this.#highWaterMark ? WRITTEN : this.waitForRoom();
  }
}
