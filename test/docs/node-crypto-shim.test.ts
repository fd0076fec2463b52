import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as shim from '../../site/runtime/node-crypto-shim';

describe("the page's node:crypto", () => {
  it('gives the APOP digest of RFC 1939 §7 and node:crypto’s digests, in every encoding, fed in pieces', () => {
    expect(shim.createHash('md5').update('<1896.697170952@dbc.mtview.ca.us>tanstaaf').digest('hex')).toBe('c4c9334bac560ecc979e58001b3e22fb');
    for (const algorithm of ['md5', 'sha256']) {
      for (const encoding of ['hex', 'base64', 'latin1'] as const) {
        const ours = shim.createHash(algorithm).update('Café ').update(Buffer.from([0, 255])).update('6869', 'hex').digest(encoding);
        const node = nodeCrypto.createHash(algorithm).update('Café ').update(Buffer.from([0, 255])).update('6869', 'hex').digest().toString(encoding);
        expect(ours, `${algorithm} ${encoding}`).toBe(node);
      }
      expect(Buffer.compare(shim.createHash(algorithm).update('x').digest(), nodeCrypto.createHash(algorithm).update('x').digest())).toBe(0);
    }
  });

  it('computes HMAC-MD5 as node:crypto does (CRAM-MD5, RFC 2195 §2)', () => {
    const challenge = '<1896.697170952@postoffice.reston.mci.net>';
    expect(shim.createHmac('md5', 'tanstaaftanstaaf').update(challenge).digest('hex')).toBe('b913a602c7eda7a495b4e6e7334d3890');
    expect(shim.createHmac('md5', Buffer.from('k')).update('d').digest('base64')).toBe(nodeCrypto.createHmac('md5', 'k').update('d').digest('base64'));
  });

  it('refuses what it does not have, and a second digest, with Node’s error codes', () => {
    expect(() => shim.createHash('sha1')).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_INVALID_DIGEST' }));
    const hash = shim.createHash('md5');
    hash.digest();
    expect(() => hash.digest('hex')).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_HASH_FINALIZED' }));
    expect(shim.randomBytes(16)).toHaveLength(16);
    expect(() => shim.timingSafeEqual(Buffer.from('a'), Buffer.from('ab'))).toThrow(RangeError);
    expect(shim.timingSafeEqual(Buffer.from('ab'), Buffer.from('ab'))).toBe(true);
  });
});
