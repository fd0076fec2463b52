import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, utf8Bytes } from '../../src/protocol/crypto';
import { nodeCrypto } from '../../src/ports/node-crypto';
import { pureCrypto } from '../../src/ports/pure-crypto';

describe('CryptoPort', () => {
  it('gives the RFC test vectors in both implementations', () => {
    for (const port of [nodeCrypto, pureCrypto]) {
      // RFC 1321 appendix A.5
      expect(toHex(port.md5(utf8Bytes('abc')))).toBe('900150983cd24fb0d6963f7d28e17f72');
      // RFC 1939 §7: the APOP example digest
      expect(toHex(port.md5(utf8Bytes('<1896.697170952@dbc.mtview.ca.us>tanstaaf')))).toBe('c4c9334bac560ecc979e58001b3e22fb');
      // RFC 2195 §2: the CRAM-MD5 example
      expect(toHex(port.hmacMd5(utf8Bytes('tanstaaftanstaaf'), utf8Bytes('<1896.697170952@postoffice.reston.mci.net>')))).toBe('b913a602c7eda7a495b4e6e7334d3890');
      // FIPS 180-2 appendix B.1
      expect(toHex(port.sha256(utf8Bytes('a'), utf8Bytes('bc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    }
  });

  it('agrees byte for byte between node:crypto and the pure implementation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 100 }), fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 4 }), (data, key, parts) => {
        expect(toHex(pureCrypto.md5(data))).toBe(toHex(nodeCrypto.md5(data)));
        expect(toHex(pureCrypto.hmacMd5(key, data))).toBe(toHex(nodeCrypto.hmacMd5(key, data)));
        expect(toHex(pureCrypto.sha256(...parts))).toBe(toHex(nodeCrypto.sha256(...parts)));
      }),
      { numRuns: 300 },
    );
  });

  it('compares secrets: equal bytes only, any length difference is false', () => {
    for (const port of [nodeCrypto, pureCrypto]) {
      expect(port.timingSafeEqual(utf8Bytes('secret'), utf8Bytes('secret'))).toBe(true);
      expect(port.timingSafeEqual(utf8Bytes('secret'), utf8Bytes('secreT'))).toBe(false);
      expect(port.timingSafeEqual(utf8Bytes('secret'), utf8Bytes('secrets'))).toBe(false);
      expect(port.timingSafeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    }
  });

  it('hands out random bytes of the length asked for, different each time', () => {
    for (const port of [nodeCrypto, pureCrypto]) {
      const a = port.randomBytes(16);
      const b = port.randomBytes(16);
      expect(a).toHaveLength(16);
      expect(toHex(a)).not.toBe(toHex(b));
    }
  });
});
