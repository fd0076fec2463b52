import type { TransportEvents } from '../protocol/transport';

type Listener<E extends keyof TransportEvents> = TransportEvents[E];

/**
 * The listeners of one transport, by event: what `EventEmitter` does, without Node, and
 * without throwing on an `error` nobody listens to (a transport reports, its owner decides).
 */
export class TransportListeners {
  readonly data: Listener<'data'>[] = [];
  readonly end: Listener<'end'>[] = [];
  readonly close: Listener<'close'>[] = [];
  readonly error: Listener<'error'>[] = [];

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    (this[event] as TransportEvents[E][]).push(listener);
  }

  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    const list = this[event] as TransportEvents[E][];
    const at = list.indexOf(listener);
    if (at !== -1) list.splice(at, 1);
  }

  emitData(chunk: Uint8Array): void {
    // The hot path: usually one listener; a copy of the list only when there are several.
    const list = this.data;
    if (list.length === 1) list[0]!(chunk);
    else for (const listener of [...list]) listener(chunk);
  }

  emit(event: 'end' | 'close'): void;
  emit(event: 'error', error: Error): void;
  emit(event: 'end' | 'close' | 'error', error?: Error): void {
    if (event === 'error') for (const listener of [...this.error]) listener(error!);
    else for (const listener of [...this[event]]) listener();
  }
}

/** A settled promise shared by every write that did not have to wait. */
export const WRITTEN: Promise<void> = Promise.resolve();
