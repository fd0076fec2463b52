import { describe, expect, it } from 'vitest';
import { BodyBuffer, MAX_SEGMENT } from '../../src/client/body-buffer';

const KIB = 1024;
const MIB = 1024 * KIB;

/** Appends `octets` in pieces of `piece` octets (the last one shorter), each filled with its index. */
function fill(buffer: BodyBuffer, octets: number, piece: number): { expected: Buffer; peak: number } {
  const parts: Buffer[] = [];
  let peak = 0;
  for (let at = 0, i = 0; at < octets; at += piece, i += 1) {
    const part = Buffer.alloc(Math.min(piece, octets - at), i % 251);
    parts.push(part);
    // The decoder hands over a chunk's lines as one or more pieces.
    buffer.append(part.length > 10 ? [part.subarray(0, 10), part.subarray(10)] : [part]);
    peak = Math.max(peak, buffer.allocated);
  }
  return { expected: Buffer.concat(parts), peak };
}

describe('BodyBuffer', () => {
  it('never allocates past maxSize while a body grows to it (a reply that never ends stops there)', () => {
    const maxSize = 20 * MIB;
    const buffer = new BodyBuffer(0, maxSize);
    const { peak } = fill(buffer, maxSize, 64 * KIB);
    expect(peak).toBeLessThanOrEqual(maxSize);
  });

  it('holds n octets in at most n + MAX_SEGMENT, and joins them once', () => {
    for (const [octets, piece] of [[10 * MIB + 123, 64 * KIB], [256 * KIB + 3, 7], [100, 1], [0, 1]] as const) {
      const buffer = new BodyBuffer(0, 256 * MIB);
      const { expected, peak } = fill(buffer, octets, piece);
      expect(peak).toBeLessThanOrEqual(octets + MAX_SEGMENT);
      const body = buffer.finish();
      expect(body.equals(expected)).toBe(true);
    }
  });

  it('fills one buffer of the announced size, handed out as it is', () => {
    const octets = 5 * MIB;
    const buffer = new BodyBuffer(octets, 256 * MIB);
    const { expected, peak } = fill(buffer, octets, 64 * KIB);
    expect(peak).toBe(octets);
    const body = buffer.finish();
    expect(body.equals(expected)).toBe(true);
    expect(body.buffer.byteLength).toBe(octets);
  });

  it('keeps every octet when the announced size is wrong either way', () => {
    for (const announced of [1, 3 * MIB, 40 * MIB]) {
      const buffer = new BodyBuffer(announced, 256 * MIB);
      const { expected, peak } = fill(buffer, 3 * MIB + 5, 64 * KIB);
      expect(buffer.finish().equals(expected)).toBe(true);
      expect(peak).toBeLessThanOrEqual(Math.max(announced, 3 * MIB + 5 + MAX_SEGMENT));
    }
  });
});
