import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apopDigest, CRAM_MD5 } from '../../src/client';
import { bundleForBrowser } from '../helpers/browser-bundle';

const cramResponse = (username: string, password: string, challenge: string): string =>
  CRAM_MD5.start({ username, password }).respond(Buffer.from(challenge, 'utf8')).toString('utf8');

describe('APOP and CRAM-MD5 digests through the crypto port', () => {
  it('give the RFC 1939 §7 and RFC 2195 §2 examples', () => {
    expect(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf')).toBe('c4c9334bac560ecc979e58001b3e22fb');
    expect(cramResponse('tim', 'tanstaaftanstaaf', '<1896.697170952@postoffice.reston.mci.net>')).toBe(
      'tim b913a602c7eda7a495b4e6e7334d3890',
    );
  });

  it('digest a UTF-8 secret as OpenSSL does (RFC 6856: secrets are UTF-8)', () => {
    const timestamp = '<4711.1@pop.example>';
    const secret = 'pässwörd ✉ 🔑';
    expect(apopDigest(timestamp, secret)).toBe(createHash('md5').update(timestamp + secret, 'utf8').digest('hex'));
    const challenge = '<20.2@pop.example>';
    expect(cramResponse('zoë', secret, challenge)).toBe(`zoë ${createHmac('md5', secret).update(challenge).digest('hex')}`);
  });

  it('need no Node built-in: the SASL module bundles for a browser on the pure port', async () => {
    const bundle = await bundleForBrowser('src/client/sasl.ts');
    expect(bundle.inputs).toContain('src/ports/pure-crypto.ts');
    expect(bundle.inputs.filter((input) => input.startsWith('node:') || input.includes('node-crypto'))).toEqual([]);
  });
});
