/**
 * `node:crypto` as lesson code uses it, in the page: `createHash('md5' | 'sha256')` and
 * `createHmac('md5', key)` with Node's chaining (`update(...).digest('hex')`), plus
 * `randomBytes` and `timingSafeEqual`. The digests come from the pure crypto port
 * (src/ports/pure-crypto.ts), byte-identical to node:crypto's.
 */
import { Buffer } from 'buffer';
import { pureCrypto } from '../../src/ports/pure-crypto';

type Data = string | Uint8Array;
type Encoding = 'utf8' | 'utf-8' | 'hex' | 'base64' | 'latin1' | 'binary' | 'ascii';

/** A hash or HMAC under way, as Node's `Hash` and `Hmac` objects. */
export interface Digester {
  update(data: Data, inputEncoding?: Encoding): Digester;
  digest(): Buffer;
  digest(encoding: Encoding): string;
}

function toBytes(data: Data, encoding?: Encoding): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8') : data;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

function digester(compute: (parts: readonly Uint8Array[]) => Uint8Array): Digester {
  const parts: Uint8Array[] = [];
  let done = false;
  const self = {
    update(data: Data, inputEncoding?: Encoding) {
      if (done) throw Object.assign(new Error('Digest already called'), { code: 'ERR_CRYPTO_HASH_FINALIZED' });
      parts.push(toBytes(data, inputEncoding));
      return self;
    },
    digest(encoding?: Encoding) {
      if (done) throw Object.assign(new Error('Digest already called'), { code: 'ERR_CRYPTO_HASH_FINALIZED' });
      done = true;
      const bytes = Buffer.from(compute(parts));
      return encoding === undefined ? bytes : bytes.toString(encoding);
    },
  };
  return self as Digester;
}

function unsupported(what: string, algorithm: string): Error {
  return Object.assign(new Error(`${what} ${algorithm} is not available in the page (md5 and sha256 are; the terminal playground has them all)`), {
    code: 'ERR_CRYPTO_INVALID_DIGEST',
  });
}

/** `crypto.createHash`: MD5 (APOP, RFC 1939 §7) or SHA-256. */
export function createHash(algorithm: string): Digester {
  switch (algorithm.toLowerCase()) {
    case 'md5':
      return digester((parts) => pureCrypto.md5(concat(parts)));
    case 'sha256':
      return digester((parts) => pureCrypto.sha256(...parts));
    default:
      throw unsupported('Digest method', algorithm);
  }
}

/** `crypto.createHmac`: HMAC-MD5, as CRAM-MD5 uses it (RFC 2195 §2). */
export function createHmac(algorithm: string, key: Data): Digester {
  if (algorithm.toLowerCase() !== 'md5') throw unsupported('HMAC', algorithm);
  const keyBytes = toBytes(key);
  return digester((parts) => pureCrypto.hmacMd5(keyBytes, concat(parts)));
}

/** `crypto.randomBytes(n)`, synchronous form. */
export function randomBytes(length: number): Buffer {
  return Buffer.from(pureCrypto.randomBytes(length));
}

/** `crypto.timingSafeEqual`; throws for different lengths, as Node does. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) throw Object.assign(new RangeError('Input buffers must have the same byte length'), { code: 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH' });
  return pureCrypto.timingSafeEqual(a, b);
}

/** The module as `import crypto from 'node:crypto'` sees it (mailparser imports it so). */
const nodeCryptoModule = { createHash, createHmac, randomBytes, timingSafeEqual };
export default nodeCryptoModule;
