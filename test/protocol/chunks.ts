import fc from 'fast-check';

/** Cuts `bytes` into consecutive chunks at the given offsets (any order; out-of-range offsets wrap). */
export function splitAt(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const cuts = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** Every way to cut `bytes` in two, including the empty first and last parts. */
export function everySplit(bytes: Buffer): [Buffer, Buffer][] {
  const pairs: [Buffer, Buffer][] = [];
  for (let cut = 0; cut <= bytes.length; cut++) pairs.push([bytes.subarray(0, cut), bytes.subarray(cut)]);
  return pairs;
}

/** Every way to cut `bytes` in three (quadratic: keep the input short). */
export function everyThreeWaySplit(bytes: Buffer): Buffer[][] {
  const parts: Buffer[][] = [];
  for (let a = 0; a <= bytes.length; a++) {
    for (let b = a; b <= bytes.length; b++) parts.push(splitAt(bytes, [a, b]));
  }
  return parts;
}

/** Random cut offsets; pair with {@link splitAt}. */
export const cutOffsets: fc.Arbitrary<number[]> = fc.array(fc.nat(), { maxLength: 24 });

/** Bytes of a single line: anything but CR and LF. */
export const lineBytes = (maxLength: number): fc.Arbitrary<Buffer> =>
  fc
    .uint8Array({ maxLength })
    .map((a) => Buffer.from(a.filter((b) => b !== 0x0a && b !== 0x0d)));

/** A line ending as POP3 peers send it: CRLF, or the bare LF we tolerate. */
export const lineEnding: fc.Arbitrary<string> = fc.constantFrom('\r\n', '\n');

/** Readable form of bytes in assertion messages. */
export function show(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('latin1'));
}
