import type { TimeoutKind } from './errors';

/** setTimeout's longest delay (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 0x7fffffff;

/** What the timers keep of the reply they time. */
export interface TimedReply {
  /** Idle timeout in milliseconds: the longest wait for data. */
  readonly timeout: number;
  /** When the reply became due (performance.now()); set when timing starts, if not before. */
  dueFrom: number | undefined;
  /** Time not counted against the deadline: a stream paused for its consumer. */
  pausedMs: number;
}

/** What the timers ask of their owner. */
export interface ReplyClock<R extends TimedReply> {
  /** The deadline of `reply` in milliseconds now; it may grow as the reply arrives. */
  deadlineOf(reply: R): number;
  /** A timer ran out for `reply`: `limit` is the idle timeout or the deadline, in milliseconds. */
  expired(reply: R, kind: TimeoutKind, limit: number): void;
}

/**
 * Times the reply being read with two clocks: an idle timeout, restarted whenever data arrives,
 * and a deadline, which data does not restart (src/client/timing.ts has the defaults). Each is one
 * timer that serves reply after reply, so a long sweep of short replies creates none per reply.
 */
export class ReplyTimers<R extends TimedReply> {
  readonly #clock: ReplyClock<R>;
  /** The reply being timed, if any. */
  #current: R | undefined;
  #idle: ReturnType<typeof setTimeout> | undefined;
  #idleMs = 0;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  /** When the deadline timer fires (performance.now()). */
  #deadlineAt = Infinity;

  constructor(clock: ReplyClock<R>) {
    this.#clock = clock;
  }

  /** The reply being timed. */
  get current(): R | undefined {
    return this.#current;
  }

  /**
   * Times `reply`, the one whose bytes are awaited now (its deadline counts from when it first
   * became due), or nothing. The same reply again restarts its idle timeout.
   */
  time(reply: R | undefined): void {
    if (reply === undefined) {
      // Nothing is timed any more; the timers may still run out, and then find nothing to do.
      this.#current = undefined;
      return;
    }
    if (this.#current === reply && this.#idle) {
      this.#restartIdle();
      return;
    }
    this.#current = reply;
    reply.dueFrom ??= now();
    this.deadlineChanged(reply);
    // refresh() restarts the timer in place, even after it has fired.
    if (this.#idle && this.#idleMs === reply.timeout) {
      this.#restartIdle();
      return;
    }
    if (this.#idle) clearTimeout(this.#idle);
    this.#idleMs = reply.timeout;
    this.#idle = setTimeout(this.#onIdle, reply.timeout);
  }

  /** Data arrived: the idle timeout counts again from now. */
  touch(): void {
    if (this.#current) this.#restartIdle();
  }

  /**
   * Makes the deadline timer fire no later than `reply`'s deadline. A timer armed for an earlier
   * reply usually fires first, finds the current one not yet due, and waits on.
   */
  deadlineChanged(reply: R): void {
    const due = this.#dueAt(reply);
    if (this.#deadline === undefined || due < this.#deadlineAt) this.#fireDeadlineAt(due);
  }

  /** Stops both timers for good, so that a closed connection keeps none alive. */
  stop(): void {
    if (this.#idle) clearTimeout(this.#idle);
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#idle = undefined;
    this.#deadline = undefined;
    this.#current = undefined;
  }

  #restartIdle(): void {
    const timer = this.#idle;
    // Node's timer object restarts in place; a browser's timer id is replaced.
    if (typeof timer === 'object') {
      timer.refresh();
    } else {
      clearTimeout(timer);
      this.#idle = setTimeout(this.#onIdle, this.#idleMs);
    }
  }

  #dueAt(reply: R): number {
    return (reply.dueFrom ?? now()) + reply.pausedMs + this.#clock.deadlineOf(reply);
  }

  #fireDeadlineAt(at: number): void {
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#deadlineAt = at;
    this.#deadline = setTimeout(this.#onDeadline, Math.min(Math.max(0, at - now()), MAX_TIMER_MS));
  }

  readonly #onIdle = (): void => {
    const reply = this.#current;
    if (reply) this.#clock.expired(reply, 'idle', reply.timeout);
  };

  readonly #onDeadline = (): void => {
    this.#deadline = undefined;
    // Nothing timed (a stream paused for its consumer, say): time() arms it again.
    const reply = this.#current;
    if (!reply) return;
    const due = this.#dueAt(reply);
    if (now() < due) this.#fireDeadlineAt(due);
    else this.#clock.expired(reply, 'deadline', this.#clock.deadlineOf(reply));
  };
}

/** A monotonic clock in milliseconds, in Node and in a browser. */
export function now(): number {
  return performance.now();
}
