import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CryptoPort } from '../protocol/crypto';

/** {@link CryptoPort} on `node:crypto` (OpenSSL): the fast one, wherever Node runs. */
export const nodeCrypto: CryptoPort = {
  md5: (data) => createHash('md5').update(data).digest(),
  hmacMd5: (key, data) => createHmac('md5', key).update(data).digest(),
  sha256: (...parts) => {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    return hash.digest();
  },
  randomBytes: (length) => randomBytes(length),
  timingSafeEqual: (a, b) => a.length === b.length && timingSafeEqual(a, b),
};
