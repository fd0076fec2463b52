import { TransportError } from '../protocol/errors';
import type { ByteTransport, TransportEvents, TransportInfo } from '../protocol/transport';
import { TransportListeners } from './listeners';

/** What arrives from the peer, in order: bytes, or its half-close. */
export type Arrival = Uint8Array | 'end';

/**
 * What the in-process transports (an in-memory pair, a `MessagePort`) share: an inbox of what
 * the peer sent, delivered asynchronously and in order unless paused; writers held back until
 * there is room; half-close both ways; one `close`. A subclass says how bytes reach the peer
 * and what taking them frees ({@link delivered}).
 */
export abstract class QueuedTransport implements ByteTransport {
  abstract readonly info: TransportInfo;
  readonly lendsChunks = false;
  readonly #listeners = new TransportListeners();
  readonly #inbox: Arrival[] = [];
  #paused = false;
  #deliveryScheduled = false;
  #waitingWriters: (() => void)[] = [];
  /** This side called end(): it writes no more. */
  #ended = false;
  /** The peer's end has been delivered here. */
  #peerEnded = false;
  /** The peer is gone: once the inbox is delivered, this side closes. */
  #peerGone = false;
  #closed = false;

  /** Sends bytes the caller may reuse at once; resolves when there is room for more. */
  protected abstract send(chunk: Uint8Array): Promise<void>;
  /** Tells the peer this side ends (half-close). */
  protected abstract sendEnd(): void;
  /** Tells the peer this side is gone. */
  protected abstract sendGone(): void;
  /** `octets` of the inbox were delivered: free the peer's writers as far as that allows. */
  protected abstract delivered(octets: number): void;
  /** Called once, when this side closes. */
  protected closed(): void {}

  get isClosed(): boolean {
    return this.#closed;
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.#closed || this.#ended) {
      return Promise.reject(new TransportError('CONNECTION_CLOSED', `cannot write to ${this.info.remote}: this side has ${this.#closed ? 'closed' : 'ended'}`));
    }
    return this.send(chunk);
  }

  end(): void {
    if (this.#closed || this.#ended) return;
    this.#ended = true;
    this.sendEnd();
    this.#closeIfDone();
  }

  destroy(reason?: Error): void {
    if (this.#closed) return;
    this.#inbox.length = 0;
    this.sendGone();
    this.close(reason);
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

  /** Takes what the peer sent; it is delivered from the next microtask on. */
  protected arrive(item: Arrival): void {
    if (this.#closed) return; // as a socket's bytes to a closed peer are lost
    this.#inbox.push(item);
    this.#scheduleDelivery();
  }

  /** The peer is gone: deliver what it sent before, then close. */
  protected peerGone(): void {
    this.#peerGone = true;
    this.releaseWriters();
    this.#scheduleDelivery();
  }

  /** A promise that resolves at the next {@link releaseWriters}: a writer waiting for room. */
  protected waitForRoom(): Promise<void> {
    return new Promise((resolve) => this.#waitingWriters.push(resolve));
  }

  protected releaseWriters(): void {
    const waiting = this.#waitingWriters;
    if (waiting.length === 0) return;
    this.#waitingWriters = [];
    for (const resolve of waiting) resolve();
  }

  protected close(reason?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.releaseWriters();
    this.closed();
    queueMicrotask(() => {
      if (reason) this.#listeners.emit('error', reason);
      this.#listeners.emit('close');
    });
  }

  #scheduleDelivery(): void {
    if (this.#deliveryScheduled || this.#closed) return;
    this.#deliveryScheduled = true;
    // Asynchronous, as a socket's data is: a write never re-enters the reader's code.
    queueMicrotask(this.#deliver);
  }

  readonly #deliver = (): void => {
    this.#deliveryScheduled = false;
    let octets = 0;
    while (!this.#paused && !this.#closed && this.#inbox.length > 0) {
      const item = this.#inbox.shift()!;
      if (item === 'end') {
        this.#peerEnded = true;
        this.#listeners.emit('end');
        this.#closeIfDone();
        continue;
      }
      octets += item.length;
      this.#listeners.emitData(item);
    }
    if (octets > 0 && !this.#closed) this.delivered(octets);
    if (this.#inbox.length === 0 && this.#peerGone) this.close();
  };

  /** Both directions finished: done, as a socket closes after FIN both ways. */
  #closeIfDone(): void {
    if (this.#ended && this.#peerEnded) this.close();
  }
}
