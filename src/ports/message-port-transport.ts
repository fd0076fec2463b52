import { TransportError } from '../protocol/errors';
import type { ByteTransport, TransportEvents, TransportInfo } from '../protocol/transport';
import { TransportListeners, WRITTEN } from './listeners';

/** The part of a `MessagePort` this transport uses: a browser's, or one from `node:worker_threads`. */
export interface MessagePortLike {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: Event) => void): void;
  removeEventListener(type: 'message', listener: (event: Event) => void): void;
  /** Browsers deliver to `addEventListener` listeners only after start(). */
  start?(): void;
  close(): void;
}

/** Options of {@link messagePortTransport}. */
export interface MessagePortTransportOptions {
  /** `info.remote`, as logs show the peer. Default `message-port`. */
  remote?: string;
  /**
   * Octets written and not yet taken by the other side before `write` waits for it. Default
   * 256 KiB, about what a loopback socket buffers.
   */
  highWaterMark?: number;
}

const DEFAULT_HIGH_WATER_MARK = 256 * 1024;

/** What the two ends post to each other. */
type Frame =
  | { readonly t: 'data'; readonly b: Uint8Array }
  /** The reader took `n` octets: the writer may send that many more. */
  | { readonly t: 'ack'; readonly n: number }
  | { readonly t: 'end' }
  | { readonly t: 'close' };

function isFrame(value: unknown): value is Frame {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { t?: unknown }).t;
  if (t === 'data') return (value as { b?: unknown }).b instanceof Uint8Array;
  if (t === 'ack') return typeof (value as { n?: unknown }).n === 'number';
  return t === 'end' || t === 'close';
}

/**
 * A transport over a `MessagePort`, for a page whose sandbox runs in one worker and whose
 * client runs in another. Both ends of the channel must be wrapped by this adapter. Chunks are
 * copied once and their memory transferred, not cloned; the reader acknowledges what it has
 * taken, so a writer ahead of a paused reader waits, as with a socket. Cannot start TLS; the
 * peer counts as local (it is in the same page).
 */
export function messagePortTransport(port: MessagePortLike, options: MessagePortTransportOptions = {}): ByteTransport {
  return new MessagePortTransport(port, options);
}

class MessagePortTransport implements ByteTransport {
  readonly info: TransportInfo;
  readonly lendsChunks = false;
  readonly #port: MessagePortLike;
  readonly #listeners = new TransportListeners();
  readonly #highWaterMark: number;
  /** Received frames not delivered yet (while paused). */
  readonly #inbox: (Uint8Array | 'end')[] = [];
  #paused = false;
  /** Octets written and not acknowledged by the reader. */
  #unacked = 0;
  #drainWaiters: (() => void)[] = [];
  #ended = false;
  #peerEnded = false;
  #peerGone = false;
  #closed = false;

  constructor(port: MessagePortLike, options: MessagePortTransportOptions) {
    this.#port = port;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.info = { remote: options.remote ?? 'message-port', local: true, secure: false, kind: 'message-port' };
    port.addEventListener('message', this.#onMessage);
    port.start?.();
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.#closed || this.#ended) {
      return Promise.reject(new TransportError('CONNECTION_CLOSED', `cannot write: the message-port transport has ${this.#closed ? 'closed' : 'ended'}`));
    }
    if (this.#peerGone) return WRITTEN; // as a socket's bytes to a closed peer are lost
    // A copy of exactly these bytes, whose memory can be transferred: the chunk may be a view
    // of a larger buffer the writer keeps using.
    const copy = new Uint8Array(chunk);
    this.#unacked += copy.length; // read before the transfer empties it
    this.#post({ t: 'data', b: copy }, [copy.buffer]);
    if (this.#unacked <= this.#highWaterMark) return WRITTEN;
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  end(): void {
    if (this.#closed || this.#ended) return;
    this.#ended = true;
    this.#post({ t: 'end' });
    this.#closeIfDone();
  }

  destroy(reason?: Error): void {
    if (this.#closed) return;
    this.#inbox.length = 0;
    this.#post({ t: 'close' });
    this.#close(reason);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#deliver();
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#listeners.on(event, listener);
  }

  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#listeners.off(event, listener);
  }

  readonly #onMessage = (event: Event): void => {
    const frame = (event as Event & { data: unknown }).data;
    if (this.#closed || !isFrame(frame)) return;
    switch (frame.t) {
      case 'data':
        this.#inbox.push(frame.b);
        break;
      case 'end':
        this.#inbox.push('end');
        break;
      case 'ack':
        this.#unacked -= frame.n;
        if (this.#unacked <= this.#highWaterMark) this.#releaseWriters();
        return;
      case 'close':
        this.#peerGone = true;
        this.#releaseWriters();
        break;
    }
    this.#deliver();
  };

  #deliver(): void {
    let taken = 0;
    while (!this.#paused && !this.#closed && this.#inbox.length > 0) {
      const item = this.#inbox.shift()!;
      if (item === 'end') {
        this.#peerEnded = true;
        this.#listeners.emit('end');
        this.#closeIfDone();
        continue;
      }
      taken += item.length;
      this.#listeners.emitData(item);
    }
    // One acknowledgement per batch delivered, not per chunk.
    if (taken > 0 && !this.#closed && !this.#peerGone) this.#post({ t: 'ack', n: taken });
    if (this.#inbox.length === 0 && this.#peerGone) this.#close();
  }

  #post(frame: Frame, transfer: ArrayBuffer[] = []): void {
    try {
      this.#port.postMessage(frame, transfer);
    } catch (error) {
      // A closed port throws in some runtimes: the other side is gone.
      this.#close(error instanceof Error ? error : undefined);
    }
  }

  #releaseWriters(): void {
    const waiters = this.#drainWaiters;
    if (waiters.length === 0) return;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #closeIfDone(): void {
    if (this.#ended && this.#peerEnded) this.#close();
  }

  #close(reason?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#releaseWriters();
    this.#port.removeEventListener('message', this.#onMessage);
    // After our last frame: messages posted before close() are still delivered.
    this.#port.close();
    queueMicrotask(() => {
      if (reason) this.#listeners.emit('error', reason);
      this.#listeners.emit('close');
    });
  }
}
