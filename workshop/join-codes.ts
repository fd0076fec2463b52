import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WRONG_CODE_FORGET_MS, WRONG_CODE_FREE_TRIES, WRONG_CODE_MAX_DELAY_MS } from './limits';

/**
 * Letters and digits no one misreads on a printed slip: no 0/O, 1/I/L. Eight of them give
 * 31^8 ≈ 8.5 × 10^11 codes; with answers slowed after a few wrong ones, guessing is hopeless.
 */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

/** A fresh join code, as printed: `ABCD-EFGH`. */
export function newJoinCode(): string {
  let code = '';
  // Rejection sampling keeps every letter equally likely (256 is not a multiple of 31).
  while (code.length < CODE_LENGTH) {
    for (const byte of randomBytes(16)) {
      if (byte < 248 && code.length < CODE_LENGTH) code += ALPHABET[byte % ALPHABET.length];
    }
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A code as typed ("abcd efgh", "ABCD-EFGH") in its printed form, or undefined when it cannot be one. */
export function normalizeJoinCode(typed: string): string | undefined {
  const plain = typed.toUpperCase().replace(/[\s-]/g, '');
  if (plain.length !== CODE_LENGTH || [...plain].some((c) => !ALPHABET.includes(c))) return undefined;
  return `${plain.slice(0, 4)}-${plain.slice(4)}`;
}

/** Compares two codes in constant time (a timing difference must not reveal a prefix). */
export function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A random secret for URLs (instructor and room tokens): 32 bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Slows down wrong join codes per address: the first few are answered at once (typos happen),
 * then each waits twice as long as the last, up to a ceiling. The ceiling stays short because a
 * venue NAT may put every learner behind one address; the code space is what stops guessing.
 */
export class WrongCodeThrottle {
  readonly #failures = new Map<string, { count: number; last: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** How long to wait before answering the next attempt from `address`. */
  delayFor(address: string): number {
    const entry = this.#current(address);
    const over = (entry?.count ?? 0) - WRONG_CODE_FREE_TRIES;
    return over < 0 ? 0 : Math.min(WRONG_CODE_MAX_DELAY_MS, 250 * 2 ** over);
  }

  /** Counts a wrong code from `address`. */
  failed(address: string): void {
    const entry = this.#current(address);
    this.#failures.set(address, { count: (entry?.count ?? 0) + 1, last: this.#now() });
    if (this.#failures.size > 10_000) this.#forgetOld();
  }

  #current(address: string): { count: number; last: number } | undefined {
    const entry = this.#failures.get(address);
    if (entry && this.#now() - entry.last > WRONG_CODE_FORGET_MS) {
      this.#failures.delete(address);
      return undefined;
    }
    return entry;
  }

  #forgetOld(): void {
    const now = this.#now();
    for (const [address, entry] of this.#failures) if (now - entry.last > WRONG_CODE_FORGET_MS) this.#failures.delete(address);
  }
}
