import { TransportError } from '../protocol/errors';
import type { ByteTransport, TransportEvents, TransportInfo } from '../protocol/transport';
import { TransportListeners, WRITTEN } from './listeners';

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

/** What travels from one side to the other, in order. */
type Item = Uint8Array | 'end';

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

class MemoryEnd implements ByteTransport {
  readonly info: TransportInfo;
  readonly lendsChunks = false;
  peer!: MemoryEnd;
  readonly #listeners = new TransportListeners();
  readonly #highWaterMark: number;
  /** What the peer wrote and this side has not delivered yet. */
  readonly #inbox: Item[] = [];
  #inboxOctets = 0;
  /** Writers of the peer waiting for this inbox to drain below the high-water mark. */
  #drainWaiters: (() => void)[] = [];
  #paused = false;
  #deliveryScheduled = false;
  /** This side called end(): it writes no more. */
  #ended = false;
  /** The peer's 'end' has been delivered here. */
  #peerEnded = false;
  /** The peer is gone: once the inbox is delivered, this side closes. */
  #peerGone = false;
  #closed = false;

  constructor(highWaterMark: number, remote: string) {
    this.#highWaterMark = highWaterMark;
    this.info = { remote, local: true, secure: false, kind: 'memory' };
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.#closed || this.#ended) {
      return Promise.reject(new TransportError('CONNECTION_CLOSED', `cannot write: this side of the memory pair has ${this.#closed ? 'closed' : 'ended'}`));
    }
    // Copied: the writer may reuse its buffer as soon as this returns, as with a socket.
    return this.peer.receive(new Uint8Array(chunk));
  }

  end(): void {
    if (this.#closed || this.#ended) return;
    this.#ended = true;
    void this.peer.receive('end');
    this.#closeIfDone();
  }

  destroy(reason?: Error): void {
    if (this.#closed) return;
    this.#inbox.length = 0;
    this.#inboxOctets = 0;
    this.#releaseWriters();
    this.peer.peerGone();
    this.#close(reason);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#scheduleDelivery();
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#listeners.on(event, listener);
  }

  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#listeners.off(event, listener);
  }

  /** Takes what the peer wrote; resolves once there is room below the high-water mark. */
  receive(item: Item): Promise<void> {
    if (this.#closed) return WRITTEN; // a socket's bytes to a closed peer are lost too
    this.#inbox.push(item);
    if (item !== 'end') this.#inboxOctets += item.length;
    this.#scheduleDelivery();
    if (this.#inboxOctets <= this.#highWaterMark) return WRITTEN;
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** The peer was destroyed: deliver what it sent before, then close. */
  peerGone(): void {
    this.#peerGone = true;
    this.#scheduleDelivery();
  }

  #scheduleDelivery(): void {
    if (this.#deliveryScheduled || this.#closed) return;
    this.#deliveryScheduled = true;
    // Asynchronous, as a socket's data is: a write never re-enters the reader's code.
    queueMicrotask(this.#deliver);
  }

  readonly #deliver = (): void => {
    this.#deliveryScheduled = false;
    while (!this.#paused && !this.#closed && this.#inbox.length > 0) {
      const item = this.#inbox.shift()!;
      if (item === 'end') {
        this.#peerEnded = true;
        this.#listeners.emit('end');
        this.#closeIfDone();
        continue;
      }
      this.#inboxOctets -= item.length;
      if (this.#inboxOctets <= this.#highWaterMark) this.#releaseWriters();
      this.#listeners.emitData(item);
    }
    if (this.#inbox.length === 0 && this.#peerGone) this.#close();
  };

  #releaseWriters(): void {
    const waiters = this.#drainWaiters;
    if (waiters.length === 0) return;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Both directions finished: the pair is done, as a socket closes after FIN both ways. */
  #closeIfDone(): void {
    if (this.#closed || !this.#ended || !this.#peerEnded) return;
    this.#close();
    this.peer.#closeIfDone();
  }

  #close(reason?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    queueMicrotask(() => {
      if (reason) this.#listeners.emit('error', reason);
      this.#listeners.emit('close');
    });
  }
}
