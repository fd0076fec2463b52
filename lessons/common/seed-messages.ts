import type { Facts } from '../../src/tutor';
import type { TranscriptEntry } from '../../src/protocol/transcript';

/**
 * Successful RETR replies that delivered the seed message `name`, recognised by its size
 * (RFC 1939 §11: the octets on the wire), never by its message-number.
 */
export const retrievedSeed = (f: Facts, name: string): TranscriptEntry[] => {
  const size = f.seed(name).size;
  return f.replies('RETR').filter((e) => e.status === '+OK' && e.octets === size);
};
