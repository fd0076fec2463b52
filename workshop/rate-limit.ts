/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. Each request takes one; an empty
 * bucket says how long until the next token, for a `Retry-After` or a `-ERR [SYS/TEMP]`.
 */
export class TokenBucket {
  #tokens: number;
  #updated: number;
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #now: () => number;

  constructor(rate: { perSecond: number; burst: number }, now: () => number = Date.now) {
    this.#perSecond = rate.perSecond;
    this.#burst = rate.burst;
    this.#tokens = rate.burst;
    this.#now = now;
    this.#updated = now();
  }

  /** Takes a token; false when none is left. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Whole seconds until a token is back (at least 1). */
  retryAfterSeconds(): number {
    this.#refill();
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#perSecond));
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#updated) / 1000) * this.#perSecond);
    this.#updated = now;
  }
}

/** Counts open things per key (connections per address), refusing past a cap. */
export class CountLimit {
  readonly #counts = new Map<string, number>();
  readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
  }

  /** Counts one more for `key`; false (and nothing counted) when `key` is at the cap. */
  acquire(key: string): boolean {
    const count = this.#counts.get(key) ?? 0;
    if (count >= this.cap) return false;
    this.#counts.set(key, count + 1);
    return true;
  }

  /** Counts one less for `key`. */
  release(key: string): void {
    const count = (this.#counts.get(key) ?? 1) - 1;
    if (count <= 0) this.#counts.delete(key);
    else this.#counts.set(key, count);
  }

  /** How many `key` holds now. */
  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }
}
