// Slices the timestamp out by position and hashes with @noble/hashes instead of node:crypto.
import { md5 } from '@noble/hashes/legacy';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

export const apopDigest = (greeting: string, secret: string): string => {
  const at = greeting.indexOf('@');
  const start = greeting.lastIndexOf('<', at);
  const end = greeting.indexOf('>', at);
  return bytesToHex(md5(utf8ToBytes(greeting.slice(start, end + 1) + secret)));
};
