import type { ByteTransport, TransportInfo } from '../protocol/transport';
import { WRITTEN } from './listeners';
import { QueuedTransport } from './queued-transport';

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

class MessagePortTransport extends QueuedTransport {
  readonly info: TransportInfo;
  readonly #port: MessagePortLike;
  readonly #highWaterMark: number;
  /** Octets written and not acknowledged by the reader. */
  #unacked = 0;
  #peerIsGone = false;

  constructor(port: MessagePortLike, options: MessagePortTransportOptions) {
    super();
    this.#port = port;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.info = { remote: options.remote ?? 'message-port', local: true, secure: false, kind: 'message-port' };
    port.addEventListener('message', this.#onMessage);
    port.start?.();
  }

  protected send(chunk: Uint8Array): Promise<void> {
    if (this.#peerIsGone) return WRITTEN; // as a socket's bytes to a closed peer are lost
    // A copy of exactly these bytes, whose memory can be transferred: the chunk may be a view
    // of a larger buffer the writer keeps using.
    const copy = new Uint8Array(chunk);
    this.#unacked += copy.length; // read before the transfer empties it
    this.#post({ t: 'data', b: copy }, [copy.buffer]);
    return this.#unacked <= this.#highWaterMark ? WRITTEN : this.waitForRoom();
  }

  protected sendEnd(): void {
    this.#post({ t: 'end' });
  }

  protected sendGone(): void {
    this.#post({ t: 'close' });
  }

  protected delivered(octets: number): void {
    // One acknowledgement per batch delivered, not per chunk.
    if (!this.#peerIsGone) this.#post({ t: 'ack', n: octets });
  }

  protected override closed(): void {
    this.#port.removeEventListener('message', this.#onMessage);
    // After our last frame: messages posted before close() are still delivered.
    this.#port.close();
  }

  readonly #onMessage = (event: Event): void => {
    const frame = (event as Event & { data: unknown }).data;
    if (this.isClosed || !isFrame(frame)) return;
    switch (frame.t) {
      case 'data':
        this.arrive(frame.b);
        return;
      case 'end':
        this.arrive('end');
        return;
      case 'ack':
        this.#unacked -= frame.n;
        if (this.#unacked <= this.#highWaterMark) this.releaseWriters();
        return;
      case 'close':
        this.#peerIsGone = true;
        this.peerGone();
        return;
    }
  };

  #post(frame: Frame, transfer: ArrayBuffer[] = []): void {
    try {
      this.#port.postMessage(frame, transfer);
    } catch (error) {
      // A closed port throws in some runtimes: the other side is gone.
      this.close(error instanceof Error ? error : undefined);
    }
  }
}
