import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopback as clientIsLoopback } from '../../src/client';
import { isLoopback } from '../../src/protocol/address';

describe('isLoopback', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', '::FFFF:127.9.9.9',
    '[::ffff:127.0.0.1]', 'localhost', 'LocalHost', 'pop.localhost',
  ])('counts %s as loopback', (address) => {
    expect(isLoopback(address)).toBe(true);
  });

  it.each([
    '128.0.0.1', '10.0.0.1', '0.0.0.0', '::', '::2', '::ffff:10.0.0.1', '::ffff:128.0.0.1', '127.0.0', '127.0.0.1.5',
    '127.0.0.256', '127.00.0.1', '127.0.0.1x', '127.example.com', 'localhost.example.com', 'notlocalhost', '', '2001:db8::1',
  ])('does not count %s as loopback', (address) => {
    expect(isLoopback(address)).toBe(false);
  });

  it('property: agrees with node:net on every IPv4 address, plain and IPv4-mapped', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(fc.constantFrom(127, 126, 128, 0, 10), octet, octet, octet), (parts) => {
        const address = parts.join('.');
        const expected = isIP(address) === 4 && parts[0] === 127;
        expect(isLoopback(address)).toBe(expected);
        expect(isLoopback(`::ffff:${address}`)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('is the function the client exports', () => {
    expect(clientIsLoopback).toBe(isLoopback);
  });
});
