import type { CryptoPort } from '../src/protocol';

/** Octets drawn from the CryptoPort at a time: a draw costs about as much as the rest of a greeting. */
const POOL_OCTETS = 1024;

/**
 * Random bytes drawn from a {@link CryptoPort} in batches, for the APOP timestamps of
 * greetings (RFC 1939 §7 asks only that each differs): one draw serves many sessions.
 */
export class RandomPool {
  readonly #crypto: CryptoPort;
  #pool: Uint8Array = new Uint8Array(0);
  #at = 0;

  constructor(crypto: CryptoPort) {
    this.#crypto = crypto;
  }

  /** `length` fresh random bytes, never handed out before. */
  take(length: number): Uint8Array {
    if (this.#at + length > this.#pool.length) {
      this.#pool = this.#crypto.randomBytes(Math.max(POOL_OCTETS, length));
      this.#at = 0;
    }
    const bytes = this.#pool.subarray(this.#at, this.#at + length);
    this.#at += length;
    return bytes;
  }
}
