import { hmac } from '@noble/hashes/hmac';
import { md5 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha2';
import type { CryptoPort } from '../protocol/crypto';

/**
 * {@link CryptoPort} without Node: audited pure-JavaScript hashes (@noble/hashes) and the Web
 * Crypto random source every browser and Node 20+ has as `globalThis.crypto`.
 */
export const pureCrypto: CryptoPort = {
  md5: (data) => md5(data),
  hmacMd5: (key, data) => hmac(md5, key, data),
  sha256: (...parts) => {
    const hash = sha256.create();
    for (const part of parts) hash.update(part);
    return hash.digest();
  },
  randomBytes: (length) => globalThis.crypto.getRandomValues(new Uint8Array(length)),
  timingSafeEqual: (a, b) => {
    if (a.length !== b.length) return false;
    let difference = 0;
    for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
    return difference === 0;
  },
};
