/**
 * Timers the sandbox runs with in Node and in a browser alike: Node's extras (`unref`,
 * `refresh`) are used where the runtime has them, never required.
 */

/** What `setTimeout` returns where this runs: a Timeout object in Node, a number in a browser. */
export type Timer = ReturnType<typeof setTimeout>;

/** Lets the process exit while `timer` is pending, where timers can do that (Node). */
export function unref(timer: Timer): Timer {
  (timer as { unref?: () => unknown }).unref?.();
  return timer;
}

/** Resolves after `ms` milliseconds (`node:timers/promises` has no browser twin). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A one-shot timer re-armed on every restart, e.g. an idle limit. In Node, restart() re-arms
 * the same timer (refresh() allocates nothing); elsewhere the timer is cleared and set again.
 * The timer never keeps a process alive.
 */
export class Countdown {
  readonly #ms: number;
  readonly #onExpiry: () => void;
  #timer: Timer | undefined;

  constructor(ms: number, onExpiry: () => void) {
    this.#ms = ms;
    this.#onExpiry = onExpiry;
  }

  /** Starts the countdown, or starts it over. */
  restart(): void {
    const timer = this.#timer;
    const refresh = (timer as { refresh?: () => unknown } | undefined)?.refresh;
    if (refresh) {
      refresh.call(timer);
      return;
    }
    if (timer !== undefined) clearTimeout(timer);
    this.#timer = unref(setTimeout(this.#onExpiry, this.#ms));
  }

  /** Stops it for good (until the next restart). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
