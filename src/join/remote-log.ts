import type { IncomingMessage } from 'node:http';
import type { TranscriptEntry } from '../protocol/transcript';
import type { ClassroomLink } from './classroom-link';
import { readServerSentEvents } from './server-sent-events';

/** Entries kept in memory (checks read the current lesson's, which the REPL keeps itself). */
const ENTRIES_KEPT = 2_000;
/** Waits between reconnect attempts: quick at first, then every few seconds. */
const RECONNECT_MS = [250, 500, 1_000, 2_000, 3_000] as const;
/** How long a sync waits for the stream to catch up before going on without it. */
const SYNC_TIMEOUT_MS = 2_000;

/** A control message from the classroom: release, goto, notice. */
export type ControlMessage = { type: string } & Record<string, unknown>;

type Listener<T> = (value: T) => void;

/**
 * The learner's session log as the classroom streams it (server-sent events): every entry of
 * every session on their sandbox, in order, resumed from the last one seen after a drop, so a
 * reconnect loses nothing. It is the REPL's `target.log` in join mode, so checks read what the
 * server saw (unique-ids, UPDATE) exactly as with the embedded sandbox.
 */
export class RemoteLog {
  readonly #link: ClassroomLink;
  readonly #entries: TranscriptEntry[] = [];
  #next: number;
  #epoch: string;
  #response: IncomingMessage | undefined;
  #closed = false;
  #attempt = 0;
  #connected = false;
  readonly #entryListeners = new Set<Listener<TranscriptEntry>>();
  readonly #controlListeners = new Set<Listener<ControlMessage>>();
  readonly #stateListeners = new Set<Listener<boolean>>();
  readonly #waiters: { index: number; resolve: () => void }[] = [];

  /** @param start the join answer's `logNext` (the first entry wanted) and `epoch`. */
  constructor(link: ClassroomLink, start: { logNext: number; epoch: string }) {
    this.#link = link;
    this.#next = start.logNext;
    this.#epoch = start.epoch;
    void this.#connect();
  }

  /** Entries received, oldest first (the newest {@link ENTRIES_KEPT}). */
  get entries(): readonly TranscriptEntry[] {
    return this.#entries;
  }

  /** True while the stream is open. */
  get connected(): boolean {
    return this.#connected;
  }

  on(event: 'entry', listener: Listener<TranscriptEntry>): this;
  on(event: 'control', listener: Listener<ControlMessage>): this;
  on(event: 'connected', listener: Listener<boolean>): this;
  on(event: 'entry' | 'control' | 'connected', listener: Listener<never>): this {
    this.#set(event).add(listener as Listener<unknown>);
    return this;
  }

  off(event: 'entry' | 'control' | 'connected', listener: Listener<never>): this {
    this.#set(event).delete(listener as Listener<unknown>);
    return this;
  }

  /**
   * Resolves once every entry the classroom had logged when this was called has arrived (or
   * after a short timeout, or at once while disconnected), so a check after an evaluation sees
   * the server's entries for the replies the learner's client already has.
   */
  async sync(): Promise<void> {
    if (!this.#connected) return;
    let head: number;
    try {
      head = (await this.#link.request<{ next: number }>('GET', 'log-head')).next;
    } catch {
      return;
    }
    await this.waitFor(head);
  }

  /** Resolves once entries up to index `next - 1` have arrived (or after a timeout). */
  waitFor(next: number): Promise<void> {
    if (this.#next >= next) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { index: next, resolve: () => undefined as void };
      const timer = setTimeout(() => done(), SYNC_TIMEOUT_MS);
      const done = (): void => {
        clearTimeout(timer);
        const at = this.#waiters.indexOf(waiter);
        if (at !== -1) this.#waiters.splice(at, 1);
        resolve();
      };
      waiter.resolve = done;
      this.#waiters.push(waiter);
    });
  }

  /** Stops streaming. */
  close(): void {
    this.#closed = true;
    this.#response?.destroy();
    for (const waiter of [...this.#waiters]) waiter.resolve();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    try {
      const response = await this.#link.openEvents(this.#next, this.#epoch);
      if (this.#closed) {
        response.destroy();
        return;
      }
      this.#response = response;
      this.#attempt = 0;
      this.#setConnected(true);
      await this.#read(response);
    } catch {
      // Unreachable or refused: try again below.
    }
    this.#response = undefined;
    this.#setConnected(false);
    if (this.#closed) return;
    const wait = RECONNECT_MS[Math.min(this.#attempt++, RECONNECT_MS.length - 1)]!;
    setTimeout(() => void this.#connect(), wait).unref();
  }

  /** Reads the stream's events until it ends. */
  async #read(response: IncomingMessage): Promise<void> {
    response.setEncoding('utf8');
    await readServerSentEvents(response as AsyncIterable<string>, ({ event, data, id }) => this.#dispatch(event, data, id));
  }

  #dispatch(event: string, data: string, id: string | undefined): void {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return;
    }
    if (event === 'entry' && id !== undefined && /^\d+$/.test(id)) {
      const index = Number(id);
      if (index < this.#next) return; // already seen (a resumed stream)
      this.#next = index + 1;
      const entry = value as TranscriptEntry;
      this.#entries.push(entry);
      if (this.#entries.length > ENTRIES_KEPT) this.#entries.splice(0, this.#entries.length - ENTRIES_KEPT);
      for (const listener of [...this.#entryListeners]) listener(entry);
      for (const waiter of this.#waiters.filter((w) => w.index <= this.#next)) waiter.resolve();
    } else if (event === 'hello' && isRecord(value) && typeof value.epoch === 'string' && value.epoch !== this.#epoch) {
      // The classroom restarted: its log indexes begin again at 0.
      this.#epoch = value.epoch;
      this.#next = 0;
      this.#dispatch('control', JSON.stringify({ type: 'hello', ...value }), undefined);
    } else if (event === 'control' || event === 'hello') {
      const message = (event === 'hello' ? { type: 'hello', ...(value as object) } : value) as ControlMessage;
      for (const listener of [...this.#controlListeners]) listener(message);
    }
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    for (const listener of [...this.#stateListeners]) listener(connected);
  }

  #set(event: 'entry' | 'control' | 'connected'): Set<Listener<unknown>> {
    return (event === 'entry' ? this.#entryListeners : event === 'control' ? this.#controlListeners : this.#stateListeners) as Set<Listener<unknown>>;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
